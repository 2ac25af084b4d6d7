"""The assessment audit: length tells, content-blind players, and tests that use them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.coach import assess
from sim.engine import Session
from sim.scenario import check_bytes, load_scenario
from sim.tools.audit import (
    BLIND_PASS_SCORE,
    audit,
    blind_play,
    choose_blind,
    length_tells,
    opens_with_apology,
)
from sim.tools.playtests import run_tests

DATA = Path(__file__).resolve().parent / "tools_data"


def codes(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(argv) in (0, 1)
    return [line.split(": ")[1].split()[1] for line in capsys.readouterr().out.splitlines()
            if ": warning " in line]


def test_length_tell_flagged_with_located_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    found = codes(["validate", str(DATA / "tell.yaml")], capsys)
    assert found.count("length-tell") == 2  # once per language
    assert "blind-pass" in found
    sc = load_scenario(DATA / "tell.yaml")
    tells = length_tells(sc)
    assert [t.lang for t in tells] == ["en", "zh"]
    assert all(t.is_tell and t.best_longest == t.decision_points == 5 for t in tells)
    main(["validate", str(DATA / "tell.yaml")])
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "length-tell" in ln)
    # pointed at the first best reply that is the longest: the line of its '- id:'
    number = int(line.split(":")[1])
    text = (DATA / "tell.yaml").read_text(encoding="utf-8").splitlines()[number - 1]
    assert "id: right_1" in text


def test_fair_scenario_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    found = codes(["validate", str(DATA / "fair.yaml")], capsys)
    assert not {"length-tell", "blind-pass", "band-breach", "harmful-pays"} & set(found)
    result = audit(load_scenario(DATA / "fair.yaml"))
    assert not result.passable_without_skill()
    assert all(not b.passes for b in result.blind)


def test_blind_scores_are_the_coachs(capsys: pytest.CaptureFixture[str]) -> None:
    """A blind player's reported score is what the engine and coach give for its plan."""
    sc = load_scenario(DATA / "cake.yaml")
    for player in ("longest", "shortest", "first", "last", "apology"):
        play = blind_play(sc, player, "en")
        session = Session(sc)
        for token in play.plan:
            session.answer(token)
        debrief = assess(session)
        assert (debrief.score, debrief.ending_id) == (play.score, play.ending)
        assert play.passes == (play.outcome == "resolved" or play.score >= BLIND_PASS_SCORE)


def test_analyze_reports_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(DATA / "tell.yaml"), "--json"])
    data = json.loads(capsys.readouterr().out)["audit"]
    assert data["length"][0]["tell"] and data["length"][0]["positions"] == {"1": 5}
    players = {(b["player"], b["lang"]): b for b in data["blind_players"]}
    assert players[("longest", "en")]["passes"]
    assert not players[("shortest", "en")]["passes"]
    assert players[("random", "en")]["plays"] > 1
    assert "resolved" in data["outcome_high"]
    main(["analyze", str(DATA / "tell.yaml")])
    out = capsys.readouterr().out
    assert "Assessment audit" in out and "✗ TELL" in out and "✗ PASSES" in out


def test_apology_openers() -> None:
    assert opens_with_apology("I'm so sorry about this.", "en")
    assert opens_with_apology("“You’re right — we got it wrong.”", "en")
    assert opens_with_apology("非常抱歉，让您久等了。", "zh")
    assert opens_with_apology("您说得对，是我们的问题。", "zh")
    assert not opens_with_apology("Tell me what happened.", "en")
    assert not opens_with_apology("我们来看看怎么办。", "zh")


def test_choose_blind_ties_go_to_the_earlier_reply() -> None:
    sc = load_scenario(DATA / "fair.yaml")
    offered = list(enumerate(sc.nodes["s1"].choices))
    assert choose_blind("first", offered, "en", None) == 0
    assert choose_blind("last", offered, "en", None) == 2
    assert choose_blind("longest", offered, "en", None) == 2
    assert choose_blind("shortest", offered, "en", None) == 0
    assert choose_blind("apology", offered, "en", None) == 2
    with pytest.raises(ValueError):
        choose_blind("smartest", offered, "en", None)


SMALL = textwrap.dedent("""\
    format: 1
    id: small
    title: T
    summary: S
    difficulty: 1
    briefing: B
    customer: {name: C, role: R, emotion: 80, trust: 20}
    start: a
    nodes:
      a:
        say: Hi
        choices:
          - {reply: "I'm so sorry, that is terrible; we will fix it today.", quality: best,
             step: apologize, effects: {emotion: -30, trust: 30}, goto: good}
          - {reply: "No.", quality: harmful, step: listen, goto: bad}
    endings:
      good: {outcome: resolved, title: G}
      bad: {outcome: lost, title: B}
    tests:
    """)


@pytest.mark.parametrize("test, passed", [
    ("{name: t, player: longest, expect: {outcome: [resolved, partial]}}", True),
    ("{name: t, player: shortest, expect: {outcome: [resolved, partial]}}", False),
    ("{name: t, player: apology, lang: zh, expect: {ending: good}}", True),
    ("{name: t, player: last, expect: {outcome: lost}}", True),
    ("{name: t, player: random, seed: 1, expect: {max_score: 100}}", True),
    ("{name: t, choose: [2], expect: {outcome: [lost]}}", True),
])
def test_player_tests(test: str, passed: bool) -> None:
    sc, problems = check_bytes((SMALL + f"  - {test}\n").encode(), "small.yaml")
    assert sc is not None, problems
    (outcome,) = run_tests(sc)
    assert outcome.passed is passed, outcome.failures
    if not passed:
        assert "expected outcome 'resolved' or 'partial', got 'lost'" in outcome.failures


@pytest.mark.parametrize("test", [
    "{name: t, choose: [1], player: first}",
    "{name: t}",
    "{name: t, player: cleverest}",
    "{name: t, player: first, expect: {outcome: []}}",
])
def test_bad_player_tests_are_located_errors(test: str) -> None:
    sc, problems = check_bytes((SMALL + f"  - {test}\n").encode(), "small.yaml")
    assert sc is None
    errors = [p for p in problems if p.is_error]
    assert errors and all(p.line == 20 for p in errors), errors


def test_shipped_fair_scenario_self_tests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(DATA / "fair.yaml")]) == 0
    assert "4 passed, 0 failed" in capsys.readouterr().out


PAYS = textwrap.dedent("""\
    format: 1
    id: pays
    title: T
    summary: S
    difficulty: 1
    briefing: B
    customer: {name: C, role: R, emotion: 60, trust: 40}
    start: a
    nodes:
      a:
        say: Where is my refund?
        choices:
          - {id: explain, reply: "Let me look into the refund for you.", quality: good,
             step: listen, effects: {emotion: -10, trust: 10}, goto: gone}
          - {id: snap, reply: "Calm down.", quality: harmful, step: listen,
             effects: {emotion: 10, trust: -5}, goto: b}
      b:
        say: Fine. What now?
        choices:
          - {id: fix, reply: "I have issued the refund today.", quality: best, step: solve,
             effects: {emotion: -40, trust: 40}, goto: happy}
    endings:
      gone: {outcome: lost, title: L}
      happy: {outcome: resolved, title: H}
    """)


def test_a_harmful_reply_that_pays_is_found_and_located(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The good reply loses the customer while the harmful one leads on to a fix: the
    harmful reply pays, and analyze and validate say so at its line."""
    path = tmp_path / "pays.yaml"
    path.write_text(PAYS, encoding="utf-8")
    assert main(["analyze", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (found,) = data["audit"]["harmful_pays"]
    assert found["node"] == "a"
    assert (found["harmful"], found["good"]) == ("snap", "explain")
    assert found["harmful_best_score"] > found["good_best_score"]
    assert main(["validate", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    (line,) = [w for w in out.splitlines() if "harmful-pays" in w]
    snap_line = PAYS.splitlines().index(
        next(x for x in PAYS.splitlines() if "id: snap" in x)) + 1
    assert line.startswith(f"{path}:{snap_line}:")
    assert "'snap'" in line and "'explain'" in line
