"""The trainer's report and the records commands, on databases filled by real play."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from sim.cli import main
from sim.coach import assess
from sim.engine import Session
from sim.records import export_db, import_db, open_store
from sim.records.cli import spark
from sim.records.models import TurnRow
from sim.records.report import gather, render_html, write_report
from sim.scenario import load_scenario

HERE = Path(__file__).parent
EXAMPLE = HERE / "scenarios" / "late-cake.yaml"
EVIL = '<img src=x onerror="alert(1)">'
MODEL_ANSWER = ["let_vent", "sorry", "ask_wish", "make_right", "commit"]


def shown(value: float, sign: str = "") -> str:
    """A score as the product shows it: one decimal, left out when it is zero."""
    return f"{value:{sign}.1f}".removesuffix(".0")


def play_one(store, trainee: str, scenario, skill: float, rng: random.Random) -> Session:
    """A session where each reply is the best one with probability ``skill``."""
    recorder = store.start(trainee, scenario, mode="text")
    session = Session(scenario)
    recorder.attach(session)
    while not session.is_over:
        offered = session.choices()
        best = [i for i, o in enumerate(offered) if o.choice.quality == "best"]
        pick = best[0] if best and rng.random() < skill else rng.randrange(len(offered))
        session.choose(pick)
    return session


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "late-cake.yaml")
    return folder


@pytest.fixture
def trainer_db(tmp_path: Path, library: Path) -> Path:
    """Three trainees practise on their own machines; the trainer imports their files."""
    scenario = load_scenario(library / "late-cake.yaml")
    rng = random.Random(7)
    # Ana improves; Ben declines for sure (only best replies at first, only random ones
    # at the end), whatever the random draws.
    plans = {"Ana": [0.1, 0.3, 0.6, 0.9, 1.0, 1.0], "Ben": [1.0, 1.0, 0.5, 0.0, 0.0],
             EVIL: [0.5, 0.5]}
    trainer = tmp_path / "trainer.sqlite3"
    for name, skills in plans.items():
        own = tmp_path / f"{len(name)}-{name[:3].strip('<')}.sqlite3"
        with open_store(own) as store:
            for skill in skills:
                play_one(store, name, scenario, skill, rng)
            export_db(store, tmp_path / f"{own.stem}-export.sqlite3")
        with open_store(trainer) as store:
            import_db(store, tmp_path / f"{own.stem}-export.sqlite3")
    return trainer


class Checker(HTMLParser):
    """Collects text and checks that every opened element is closed in order."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "input", "link", "hr", "col", "circle",
                                "line", "rect", "polyline", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    return checker


def test_html_report_parses_and_shows_the_figures(tmp_path: Path, trainer_db: Path,
                                                  library: Path):
    out = tmp_path / "report.html"
    with open_store(trainer_db) as store:
        data = write_report(store, out, "html", library=library)
        ana = store.progress("Ana")
        ben = store.progress("Ben")
        sessions = store.sessions()
        opening_picks = store.choice_counts("late-cake")["opening"]
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    text = " ".join(page.text)
    # Self-contained: no script, nothing fetched.
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in page.tags)
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert sum(tag == "svg" for tag, _ in page.tags) >= 1 + 3 + 3 * 5
    # Names and texts are escaped: the hostile name is shown, never run.
    assert EVIL not in html and EVIL in text
    # Who is improving, at a glance.
    ana_scores = [s.score for s in ana]
    assert ana_scores[-1] > ana_scores[0]
    assert any(score != int(score) for score in ana_scores)  # scores with a decimal
    change = sum(ana_scores[-3:]) / 3 - sum(ana_scores[:3]) / 3
    assert change > 0
    assert f"Most improved: Ana ({shown(change, '+')} points)" in text
    ben_scores = [s.score for s in ben]
    ben_change = sum(ben_scores[-2:]) / 2 - sum(ben_scores[:2]) / 2
    assert ben_change < 0
    assert f"Needs attention: Ben ({shown(ben_change, '+')} points)" in text
    # The progress table: Ana's best score as it is shown everywhere (99.5, 88).
    first = sum(ana_scores[:3]) / 3
    assert (f'<td class="num">{shown(first)}</td><td class="num">'
            f'{shown(sum(ana_scores[-3:]) / 3)}</td><td class="num">{shown(max(ana_scores))}'
            f'</td><td class="num up">▲ {shown(change, "+")}</td>') in html
    # The scenario section: mean score, and every session passes the opening node.
    finished = [s.score for s in sessions if s.score is not None]
    assert f"mean score {shown(sum(finished) / len(finished))}" in text
    assert sum(opening_picks.values()) == len(sessions) == 13
    opening = next(n for n in data.scenarios[0].nodes if n.node == "opening")
    assert opening.picks == 13
    assert {c.key: c.count for c in opening.choices if c.count} == opening_picks
    assert "Two hours!" in text  # the customer's line, from the scenario file
    assert "Group" in text and "The group's weakest step" in text


def test_report_in_chinese(tmp_path: Path, trainer_db: Path, library: Path):
    with open_store(trainer_db) as store:
        html = render_html(gather(store, library=library, lang="zh"))
    text = " ".join(parse(html).text)
    assert "培训师报告" in text and "迟到的生日蛋糕" in text


def test_report_survives_a_missing_or_changed_scenario(tmp_path: Path, trainer_db: Path,
                                                       library: Path):
    path = library / "late-cake.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with open_store(trainer_db) as store:
        changed = gather(store, library=library).scenarios[0]
        assert changed.state == "changed" and changed.older_sessions == 13
        path.unlink()
        info = store.sessions()[0]
        assert info.scenario_path is None  # an imported session's path is never followed
        data = gather(store, library=library)
        html = render_html(data)
    section = data.scenarios[0]
    assert section.state == "missing"
    opening = next(n for n in section.nodes if n.node == "opening")
    assert opening.picks == 13 and all(c.reply for c in opening.choices)
    assert "no longer in the library" in " ".join(parse(html).text)


def test_reply_texts_are_escaped(tmp_path: Path):
    with open_store(tmp_path / "r.sqlite3") as store:
        info = store.create_session("x", "gone-scenario", "0" * 64)
        store.add_turns(info.id, [TurnRow(1, "start", 0, "a&b", "<b>bold</b> & <i>", "listen",
                                          "harmful", 90, 10)])
        store.finish_session(info.id, ending="lost", outcome="lost", score=5,
                             steps={"listen": "weak"})
        html = render_html(gather(store, library=tmp_path))
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in html
    parse(html)


def test_csv_report(tmp_path: Path, trainer_db: Path):
    out = tmp_path / "report.csv"
    with open_store(trainer_db) as store:
        write_report(store, out, "csv")
        sessions = store.sessions(newest_first=False)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(sessions)
    assert [r["score"] for r in rows] == [
        "" if s.score is None else shown(s.score) for s in sessions]
    assert any("." in r["score"] for r in rows)
    assert all(float(r["score"]) == s.score for r, s in zip(rows, sessions, strict=True)
               if r["score"])
    assert {r["trainee"] for r in rows} == {"Ana", "Ben", EVIL}
    assert all(r["listen"] in ("excellent", "done", "weak", "missed") for r in rows)
    with open_store(tmp_path / "f.sqlite3") as store:
        store.create_session("=HYPERLINK(1)", "s", "0")
        write_report(store, out, "csv")
    assert "'=HYPERLINK(1)" in out.read_text(encoding="utf-8-sig")


# -- the commands ---------------------------------------------------------------------------


def test_report_command(tmp_path: Path, trainer_db: Path, library: Path, capsys):
    out = tmp_path / "out" / "r.html"
    out.parent.mkdir()  # folders are never created on the fly
    code = main(["report", "--db", str(trainer_db), "--library", str(library),
                 "--format", "html", "--out", str(out)])
    assert code == 0 and out.is_file()
    assert "3 trainee(s)" in capsys.readouterr().out
    assert main(["report", "--db", str(trainer_db), "--out", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").startswith("trainee,")
    assert main(["report", "--db", str(trainer_db), "--trainee", "Ana", "--scenario",
                 "late-cake", "--out", str(tmp_path / "ana.html"), "--lang", "zh"]) == 0


def test_commands_report_bad_files_without_traceback(tmp_path: Path, capsys):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    for argv in (["history"], ["report", "--out", str(tmp_path / "r.html")],
                 ["export", "--out", str(tmp_path / "e.sqlite3")]):
        assert main([*argv, "--db", str(junk)]) == 2
        err = capsys.readouterr().err
        assert "junk.sqlite3" in err and "Traceback" not in err
    assert junk.read_text() == "not a database"
    good = tmp_path / "good.sqlite3"
    open_store(good).close()
    assert main(["report", "--db", str(good), "--out", str(tmp_path)]) == 2  # a folder
    assert str(tmp_path) in capsys.readouterr().err
    assert main(["import", str(junk), "--db", str(good)]) == 2
    assert main(["import", str(tmp_path / "none.sqlite3"), "--db", str(good)]) == 2
    assert main(["report", "--db", str(tmp_path / "none.sqlite3"), "--out",
                 str(tmp_path / "x.html")]) == 2
    assert main(["history", "--db", str(good), "--last", "0"]) == 2


def test_history_command(tmp_path: Path, trainer_db: Path, capsys):
    assert main(["history", "--db", str(trainer_db), "--trainee", "Ana"]) == 0
    out = capsys.readouterr().out
    with open_store(trainer_db) as store:
        best = store.best_scores("Ana")["late-cake"].score
        scores = [s.score for s in store.progress("Ana")]
    assert "== Ana ==  6 sessions: 6 finished" in out
    assert best == max(scores) and best != int(best)
    assert f"  {'late-cake':<24} {shown(best):>5}  " in out
    assert (f"(first {shown(scores[0])}, latest {shown(scores[-1])}, best {shown(best)})"
            in out)
    lines = [line for line in out.splitlines() if " late-cake " in line and " replies" in line]
    assert sorted(line.split()[5] for line in lines) == sorted(shown(s) for s in scores)
    assert "Step mastery (last 6 finished)" in out
    assert spark(scores) and spark([0, 50, 99.5, 100]) == "▁▄██"
    assert main(["history", "--db", str(trainer_db), "--trainee", "Ana", "--json"]) == 0
    [ana] = json.loads(capsys.readouterr().out)["trainees"]
    assert ana["scores"] == scores and ana["best"]["late-cake"]["score"] == best
    assert main(["history", "--db", str(trainer_db), "--trainee", "Nobody"]) == 1
    assert main(["history", "--db", str(tmp_path / "new.sqlite3")]) == 0
    assert "No sessions recorded yet" in capsys.readouterr().out
    assert not (tmp_path / "new.sqlite3").exists()


def test_export_import_commands(tmp_path: Path, trainer_db: Path, capsys):
    shared = tmp_path / "shared.sqlite3"
    assert main(["export", "--db", str(trainer_db), "--out", str(shared),
                 "--trainee", "Ana"]) == 0
    other = tmp_path / "other.sqlite3"
    assert main(["import", str(shared), "--db", str(other)]) == 0
    assert "6 added, 0 updated, 0 already here (trainees: Ana)" in capsys.readouterr().out
    assert main(["import", str(shared), "--db", str(other)]) == 0
    assert "0 added, 0 updated, 6 already here (trainees: Ana)" in capsys.readouterr().out


def test_env_var_is_the_default_database(tmp_path: Path, monkeypatch, capsys):
    db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("DEFUSE_DB", str(db))
    assert main(["play", str(EXAMPLE), "--choices", ",".join(MODEL_ANSWER),
                 "--trainee", "Eve"]) == 0
    capsys.readouterr()
    session = Session(load_scenario(EXAMPLE))
    for choice_id in MODEL_ANSWER:
        session.choose(choice_id)
    expected = assess(session)
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "== Eve ==  1 session: 1 finished" in out
    assert f"  {'late-cake':<24} {shown(expected.score):>5}  {expected.outcome}" in out
