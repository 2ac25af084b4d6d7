"""analyze: exact best/worst against brute force, endings, skipped steps, defects."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.coach import assess
from sim.engine import Session
from sim.scenario import check_bytes, load_scenario
from sim.tools.analyze import analyze
from sim.tools.synth import generate


@pytest.fixture
def cake() -> Path:
    """A frozen copy of the example scenario (the shared example changes as it grows)."""
    return Path(__file__).resolve().parent / "tools_data" / "cake.yaml"


def all_scores(scenario) -> list[tuple[float, str | None, list[int]]]:
    """Every play of a small scenario, by brute force through the engine and the coach."""
    out: list[tuple[float, str | None, list[int]]] = []

    def walk(plan: list[int]) -> None:
        s = Session(scenario)
        for p in plan:
            s.choose(p)
        if s.is_over:
            out.append((assess(s).score, s.ending_id, plan))
            return
        for i in range(len(s.choices())):
            walk([*plan, i])

    walk([])
    return out


@pytest.mark.parametrize("which", ["frozen", "live"])
def test_best_and_worst_match_brute_force(cake: Path, example_path: Path, which: str) -> None:
    """Also on the live example, so a change to the coach's formula can't go unnoticed."""
    sc = load_scenario(cake if which == "frozen" else example_path)
    result = analyze(sc)
    scores = all_scores(sc)
    assert result.exact
    assert result.best.score == max(s for s, _, _ in scores)
    assert result.worst.score == min(s for s, _, _ in scores)
    for ending in sc.endings:
        got = [s for s, e, _ in scores if e == ending]
        assert tuple(result.ending_scores[ending]) == (min(got), max(got))


def test_small_generated_scenario_matches_brute_force() -> None:
    sc, _ = check_bytes(generate(12, width=2, seed=3).encode(), "gen.yaml")
    assert sc is not None
    scores = all_scores(sc)
    result = analyze(sc)
    assert result.best.score == max(s for s, _, _ in scores)
    assert result.worst.score == min(s for s, _, _ in scores)


def test_shortest_plays_and_skipped_steps(cake: Path) -> None:
    data = analyze(load_scenario(cake)).to_json()
    assert data["endings"]["hung_up"]["shortest"]["plan"] == ["courier"]
    assert data["endings"]["resolved"]["shortest"]["replies"] == 4
    # the model answer resolves the complaint without ever offering a solution
    assert "solve" in data["resolved_without_step"]
    plan = data["resolved_without_step"]["solve"]["plan"]
    assert "full_refund" not in plan and data["resolved_without_step"]["solve"]["ending"] == (
        "resolved")


DEFECTS = textwrap.dedent("""\
    format: 1
    id: defects
    title: T
    summary: S
    difficulty: 1
    briefing: B
    customer: {name: N, role: R, emotion: 50, trust: 50}
    start: a
    nodes:
      a:
        say: hi
        choices:
          - {id: go, reply: r, step: listen, quality: best, goto: b}
          - {id: never, reply: r, if: trust > 90, goto: won}
          - {id: loop, reply: r, step: listen, quality: poor, goto: trap}
      b:
        say: hi
        choices:
          - {id: fine, reply: r, step: solve, goto: won}
      trap:
        say: stuck here
        choices:
          - {id: again, reply: r, goto: trap2}
      trap2:
        say: and here
        choices:
          - {id: back, reply: r, goto: trap}
    endings:
      won: {outcome: resolved, title: W}
      nobody: {outcome: lost, title: L}
    """)


def test_defects_are_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "defects.yaml"
    path.write_text(DEFECTS, encoding="utf-8")
    result = analyze(load_scenario(path))
    data = result.to_json()
    # a loop no longer costs exactness: the situations (state, tally) are finitely many
    assert data["exact"] and data["proved"]["best"]
    assert data["best"]["plan"] == ["go", "fine"]
    assert data["endings"]["nobody"]["reachable"] is False
    assert sorted(data["dead_ends"]) == ["trap", "trap2"]
    assert [c["choice"] for c in data["choices_never_offered"]] == ["never"]
    assert main(["analyze", str(path)]) == 1
    out = capsys.readouterr().out
    assert "NOT REACHABLE" in out and "Dead ends" in out


def test_cli_json(cake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(cake), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exact"] is True and data["best"]["plan"] == ["let_vent", "sorry", "ask_wish",
                                                              "commit"]
    names = {c["choice"] for c in data["choices_never_worth_choosing"]}
    assert "courier" in names and "let_vent" not in names


def test_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err


def test_many_paths_few_states() -> None:
    """3^40 plays, explored as states, in well under the time a path walk would need."""
    sc, _ = check_bytes(generate(40, width=1, seed=1).encode(), "gen.yaml")
    result = analyze(sc)
    assert result.exact and result.best.score > result.worst.score
    assert result.states < 5000


@pytest.mark.parametrize("which", ["frozen", "live"])
def test_replay_agrees_with_the_engine(cake: Path, example_path: Path, which: str) -> None:
    """analyze builds the turns of a play itself (fast); they must match the engine's."""
    from sim.tools.analyze import replay

    sc = load_scenario(cake if which == "frozen" else example_path)

    def walk(plan: list[int]) -> None:
        s = Session(sc)
        moves = []
        for p in plan:
            moves.append((s.node_id, s.choices()[p].index))
            s.choose(p)
        if moves:
            d = assess(s)
            mine = replay(sc, moves)
            assert (mine.score, mine.ending, mine.outcome) == (d.score, d.ending_id, d.outcome)
        if not s.is_over:
            for i in range(len(s.choices())):
                walk([*plan, i])

    walk([])


def test_out_of_budget_claims_only_what_it_proved(cake: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """With the score searches cut short, the plays shown are real, no range or best is
    claimed, and the report says what is proved."""
    sc = load_scenario(cake)
    scores = [s for s, _, _ in all_scores(sc)]
    result = analyze(sc, max_labels=4)
    assert not result.exact and result.proved["reachability"]
    assert not result.proved["best"] and not result.proved["ranges"]
    data = result.to_json()
    assert data["exact"] is False
    assert all(e["score_range"] is None for e in data["endings"].values())
    if result.best is not None:
        assert result.best.score in scores
    assert result.never_worth == [] and result.harmful_pays is None
    # the exploration itself cut short: nothing is claimed unreachable
    cut = analyze(sc, max_states=3)
    assert not cut.proved["reachability"]
    assert all(e["reachable"] in (True, None) for e in cut.to_json()["endings"].values())
    assert cut.never_offered == [] and cut.never_reached == []


def test_budget_flag(cake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(cake), "--budget", "0"]) == 2
    assert "--budget" in capsys.readouterr().err
    assert main(["analyze", str(cake), "--budget", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exact"] is True and data["cpu_seconds"] <= 5


def test_the_searches_score_exactly_as_the_coach() -> None:
    """The searches' per-tally scorer equals the coach's score (the same float) for
    every outcome and meter pair, over tallies reached by all kinds of replies."""
    from sim.coach.scoring import CRITICAL_PITFALLS, tally_advance, tally_score, tally_start
    from sim.scenario import STEPS
    from sim.tools.analyze import _meter_scorer

    kinds = [(step, quality, pitfall, hot) for step in (*STEPS, None)
             for quality in ("best", "good", "poor", "harmful")
             for pitfall in (None, CRITICAL_PITFALLS[0]) for hot in (False, True)]
    seen = {tally_start()}
    layer = list(seen)
    for _ in range(3):
        layer = [n for t in layer for n in {tally_advance(t, *k) for k in kinds} - seen]
        seen.update(layer)
    meters = [(e, t) for e in range(0, 101, 11) for t in range(0, 101, 13)]
    for tally in sorted(seen)[::50]:
        for outcome in ("resolved", "partial", "escalated", "lost", "unfinished"):
            score = _meter_scorer(tally, outcome)
            for e, t in meters:
                assert score(e, t) == tally_score(None, tally, outcome, e, t)


def test_thousands_of_endings_stay_within_the_budget() -> None:
    """Every ending has a play to replay: the replays stop at the budget, and what was
    not replayed is not claimed (reachable, but no play and no range shown)."""
    from sim.scenario import check_bytes
    from sim.tools.synth import many_endings

    n = 800
    sc, problems = check_bytes(many_endings(n).encode(), "ends.yaml")
    assert sc is not None, problems
    result = analyze(sc, budget=0.3)
    assert result.seconds < 2.0
    data = result.to_json()
    assert not data["exact"] and not data["proved"]["ranges"]
    assert any("ran out while replaying" in note for note in data["notes"])
    assert all(e["reachable"] for e in data["endings"].values())
    shown = [e for e in data["endings"].values() if e["shortest"] is not None]
    assert 0 < len(shown) < n + 1
    assert all(e["score_range"] is None for e in data["endings"].values())
