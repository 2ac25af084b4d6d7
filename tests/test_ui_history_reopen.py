"""The history's rows open their sessions: a finished one's debrief rebuilt from the
stored turns (and its review), a discarded one's replies, an open one resumed; a session
left before its first reply says so. Back returns to the same row. The industry filter
narrows the page and says when nothing is left. The terminal's ``history`` gives every
session the same state as the window."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pygame
import pytest

from sim.coach import SCORING_VERSION
from sim.engine import Session
from sim.records import open_store
from sim.records.cli import industries
from sim.records.queries import session_state
from sim.records.reopen import reopen
from sim.scenario import find_scenarios, load_scenario
from sim.ui.testing import Driver
from tests.test_ui_history import audit_shot

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
NAME = "李喆"


@dataclass(frozen=True)
class Made:
    """The records file and the ids of the sessions of each kind in it."""

    db: Path
    finished: int  # scored by today's formula, with a shuffled reply order
    typed: int  # finished, its first reply typed in the trainee's own words
    old: int  # finished, scored by formula 1 (its score of record differs)
    edited: int  # finished on a scenario file that has changed since
    open: int  # two replies, not finished
    empty: int  # left before the first reply
    discarded: int  # one reply, then dropped


def scenarios() -> dict[str, object]:
    """The library's scenarios by id."""
    return {s.id: s for s in (load_scenario(p) for p in find_scenarios(LIBRARY))}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """Sessions of every kind, made by real play through the recorder."""
    db = tmp_path_factory.mktemp("reopen") / "records.db"
    found = scenarios()
    store = open_store(db)

    def play(sid: str, plan: list, mode: str = "coach", seed: int | None = None,
             typed: str | None = None) -> int:
        scenario = found[sid]
        recorder = store.start(NAME, scenario, "en", mode, seed=seed)
        session = Session(scenario, seed=seed)
        recorder.attach(session)
        for k, token in enumerate(plan):
            if session.is_over:
                break
            if typed is not None and k == 0:  # the plan's first reply, typed
                session.choose(token if isinstance(token, str) else token - 1, typed=typed)
            else:
                session.answer(token)
        return recorder.session_id

    def best(sid: str) -> list:
        return found[sid].tests[0].choose

    ids = {
        "finished": play("angry-parent", best("angry-parent"), "exam", seed=11),
        "typed": play("revenue-share-demand", best("revenue-share-demand"), seed=3,
                      typed="I hear you, tell me everything"),
        "old": play("deposit-rate", best("deposit-rate")),
        "edited": play("etc-overcharge", best("etc-overcharge")),
        # nothing of the insurance industry is played: its filter shows an empty page
        "open": play("overdue-records", [1, 1], seed=5),
        "empty": store.start(NAME, found["deposit-rate"], "en", "coach").session_id,
        "discarded": play("missing-settlements", [1], seed=4),
    }
    store.abandon(ids["discarded"])
    store.close()
    with sqlite3.connect(db) as con:
        con.execute("UPDATE session SET scoring_version = 1, score = 71 WHERE id = ?",
                    (ids["old"],))
        con.execute("UPDATE session SET scenario_hash = 'edited-' || scenario_hash "
                    "WHERE id = ?", (ids["edited"],))
    return Made(db, **ids)


def driver(made: Made, tmp_path: Path, lang: str = "en",
           size: tuple[int, int] = (1280, 720)) -> Driver:
    """The window on the made records, showing the history."""
    d = Driver(LIBRARY, size=size, lang=lang, trainee=NAME, store=open_store(made.db),
               settings_path=tmp_path / "w.json")
    d.key(pygame.K_h)
    d.settle()
    assert d.scene.name == "history"
    return d


def choose(d: Driver, session_id: int) -> None:
    """Move the selection with the Up and Down keys until ``session_id`` is chosen."""
    scene = d.scene
    target = [s.id for s in scene.sessions].index(session_id)
    for _ in range(len(scene.sessions) + 1):
        at = scene.selected_index()
        if at == target:
            return
        d.key(pygame.K_DOWN if at is None or at < target else pygame.K_UP)
    raise AssertionError(f"session {session_id} not reached with the arrows")


def test_states_are_honest(made: Made) -> None:
    with open_store(made.db) as store:
        states = {s.id: session_state(s) for s in store.sessions(NAME)}
    assert states[made.open] == "open"
    assert states[made.empty] == "not_started"
    assert states[made.discarded] == "discarded"
    assert {states[i] for i in (made.finished, made.typed, made.old, made.edited)} == {
        "finished"}


def test_the_rebuilt_debrief_is_the_one_played(made: Made) -> None:
    """Same file, same formula: the rebuilt play-through scores what was stored, turn
    for turn, with the typed words and the shuffled order as they were."""
    with open_store(made.db) as store:
        for sid in (made.finished, made.typed):
            info = store.session(sid)
            again = reopen(store, info, LIBRARY)
            assert again.ready and not again.rescored
            assert again.debrief.score == info.score and again.debrief.outcome == info.outcome
            stored = store.turns(sid)
            assert [(t.node, t.index) for t in again.session.history] == [
                (t.node, t.choice_index) for t in stored]
            assert again.session.seed == info.seed
        typed = reopen(store, made.typed, LIBRARY)
        assert typed.session.history[0].typed == "I hear you, tell me everything"
        old = reopen(store, made.old, LIBRARY)
        assert old.ready and old.rescored and old.info.score == 71
        assert old.debrief.scoring_version == SCORING_VERSION != old.info.scoring_version
        edited = reopen(store, made.edited, LIBRARY)
        assert edited.state == "changed" and edited.session is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_row_opens_its_debrief_and_back_keeps_the_row(
        made: Made, tmp_path: Path, lang: str) -> None:
    d = driver(made, tmp_path, lang)
    history = d.scene
    assert history.selected_id is None
    choose(d, made.finished)
    audit_shot(d, f"history_row_chosen_{lang}")
    d.key(pygame.K_RETURN)
    d.settle()
    debrief = d.scene
    assert debrief.name == "debrief" and debrief.past is not None
    assert debrief.past.info.id == made.finished
    assert not debrief.coach_mode  # played in exam mode, shown as it was played
    with open_store(made.db) as store:
        assert debrief.debrief.score == store.session(made.finished).score
    audit_shot(d, f"history_debrief_{lang}")
    d.key(pygame.K_v)
    d.settle()
    assert d.scene.name == "review"
    audit_shot(d, f"history_review_{lang}")
    d.key(pygame.K_ESCAPE)
    assert d.scene is debrief
    d.key(pygame.K_ESCAPE)
    assert d.scene is history and history.selected_id == made.finished
    table = history.table()[0]
    assert table.selected == history.selected_index()


def test_a_click_opens_the_row_under_the_pointer(made: Made, tmp_path: Path) -> None:
    d = driver(made, tmp_path)
    history = d.scene
    d.key(pygame.K_END)
    d.settle()
    page = history.page(history.doc_view())
    index = next(i for i, s in enumerate(history.sessions) if s.id == made.typed)
    top, h = history.row_spans()[index]
    y = page.y + top - round(history.scroll.offset) + h // 2
    assert page.top < y < page.bottom, "the row should be on screen after End"
    d.move((page.x + page.width // 3, y))
    assert history.table()[0].hovered == index and history.selected_id is None
    d.click((page.x + page.width // 3, y))
    d.settle()
    assert d.scene.name == "debrief" and d.scene.past.info.id == made.typed
    # a typed reply is quoted in the trainee's words
    texts = " ".join(getattr(b, "text", "") for b in d.scene.doc().blocks)
    cells = " ".join(c.text for b in d.scene.doc().blocks for r in getattr(b, "rows", [])
                     for c in r)
    assert "I hear you, tell me everything" in texts + cells
    # and the review shows the typed words as the trainee's, the authored reply apart
    d.key(pygame.K_v)
    d.settle()
    bubbles = [b for b in d.scene.doc().blocks if type(b).__name__ == "Bubble"]
    assert [b.who for b in bubbles[1:3]] == [d.app.t("you"), "Taken as"]
    assert bubbles[1].text == "I hear you, tell me everything"
    assert d.app.t("you") not in [b.who for b in bubbles[3:]]


def test_an_older_score_is_kept_and_explained(made: Made, tmp_path: Path) -> None:
    d = driver(made, tmp_path)
    choose(d, made.old)
    d.key(pygame.K_RETURN)
    d.settle()
    scene = d.scene
    assert scene.name == "debrief" and scene.past.rescored
    note = scene.doc().blocks[0].text
    assert "71.0" in note and "version 1" in note
    assert f"{scene.debrief.score:.1f}" in note
    audit_shot(d, "history_debrief_rescored_en")


def test_an_edited_case_says_why_and_lists_the_replies(made: Made, tmp_path: Path) -> None:
    d = driver(made, tmp_path)
    choose(d, made.edited)
    d.key(pygame.K_RETURN)
    notice = d.app.notice
    assert d.scene.name == "history" and notice is not None
    with open_store(made.db) as store:
        turns = store.turns(made.edited)
        score = store.session(made.edited).score
    assert len(notice.lines) == len(turns) and notice.lines[0].startswith("1. ")
    assert "edited" in notice.body and f"{score:.1f}" in notice.body
    d.key(pygame.K_RETURN)
    assert d.app.notice is None and d.scene.name == "history"


def test_open_empty_and_discarded_rows(made: Made, tmp_path: Path) -> None:
    d = driver(made, tmp_path)
    history = d.scene
    choose(d, made.empty)
    assert "Enter" not in history.keys_hint()
    d.key(pygame.K_RETURN)
    assert d.scene is history and d.app.toast is not None
    assert d.app.toast.text == d.app.t("no_reply_toast")
    choose(d, made.discarded)
    assert d.app.t("hk_replies") in history.keys_hint()
    d.key(pygame.K_RETURN)
    d.settle()
    assert d.scene.name == "review" and len(d.scene.history) == 1
    d.key(pygame.K_ESCAPE)
    assert d.scene is history
    choose(d, made.open)
    assert d.app.t("hk_resume") in history.keys_hint()
    d.key(pygame.K_RETURN)
    d.step(3)
    assert d.scene.name == "play" and len(d.scene.session.history) == 2
    chips = {d.app.t("o_unfinished"), d.app.t("st_discarded"), d.app.t("st_not_started")}
    assert chips <= {c.text for row in history.table()[0].rows for c in row}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_industry_filter(made: Made, tmp_path: Path, lang: str) -> None:
    d = driver(made, tmp_path, lang, size=(960, 540))
    history = d.scene
    known = industries(str(LIBRARY))
    seen, empty = [], []
    for _ in range(len(known) + 1):
        d.key(pygame.K_i)
        label = d.app.t("toast_industry", industry=history.industry_label())
        assert d.app.toast is not None and d.app.toast.text == label
        d.settle()
        seen.append(history.industry)
        if history.industry is None:
            break
        ids = set(known[history.industry])
        assert {s.scenario_id for s in history.sessions} <= ids
        assert set(history.best) <= ids
        assert {s.scenario_id for s in history.progress} <= ids
        if not history.sessions:  # the page says so
            empty.append(history.industry)
            assert [b.text for b in history.doc().blocks] == [d.app.t(
                "history_empty_industry", industry=history.industry_label())]
            audit_shot(d, f"history_industry_empty_{lang}_small")
        else:
            assert history.table() is not None
    assert seen == [*known, None] and empty == ["insurance"]
    assert len(history.sessions) == 7
    d.key(pygame.K_i)
    d.settle()
    assert history.industry == next(iter(known))
    audit_shot(d, f"history_industry_{lang}_small")


def test_the_terminal_agrees(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli import main

    assert main(["history", "--db", str(made.db), "--json"]) == 0
    [me] = json.loads(capsys.readouterr().out)["trainees"]
    with open_store(made.db) as store:
        by_uid = {s.uid: session_state(s) for s in store.sessions(NAME)}
    assert {s["uid"]: s["state"] for s in me["sessions"]} == by_uid
    assert main(["history", "--db", str(made.db)]) == 0
    out = capsys.readouterr().out
    assert "(discarded)" in out and "(no reply)" in out and "(open)" in out
    assert " 1 reply" in out and " 1 replies" not in out
    assert "Not finished" not in out and "(stopped)" not in out
    unfinished = out.split("Unfinished")[1].split("Past sessions")[0]
    assert "overdue-records" in unfinished and "deposit-rate" not in unfinished


def test_one_finished_session_is_counted_in_the_singular(tmp_path: Path) -> None:
    found = scenarios()
    db = tmp_path / "one.db"
    with open_store(db) as store:
        recorder = store.start(NAME, found["angry-parent"], "en", "coach")
        session = Session(found["angry-parent"])
        recorder.attach(session)
        for token in found["angry-parent"].tests[0].choose:
            session.answer(token)
    d = Driver(LIBRARY, size=(960, 540), lang="en", trainee=NAME, store=open_store(db),
               settings_path=tmp_path / "w.json")
    d.key(pygame.K_h)
    headings = [b.text for b in d.scene.doc().blocks if type(b).__name__ == "Heading"]
    assert "The five steps in your one finished session" in headings
    assert not any("1 finished sessions" in h for h in headings)


def test_the_terminal_never_offers_a_session_without_replies(tmp_path: Path) -> None:
    import subprocess
    import sys

    from sim.console.recording import unfinished_scenarios

    db = tmp_path / "zero.db"
    with open_store(db) as store:
        store.start("Zed", scenarios()["angry-parent"], "en", "coach")
    assert unfinished_scenarios(str(db), "Zed") == set()
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "play", "angry-parent",
                          "--text", "--db", str(db), "--trainee", "Zed"], input="\n",
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "unfinished session" not in run.stdout and "Traceback" not in run.stderr
    with open_store(db) as store:
        [first, *_] = store.sessions("Zed", newest_first=False)
        assert session_state(first) == "not_started" and first.status == "abandoned"
