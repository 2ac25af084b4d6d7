"""Every scenario shipped (the library and the examples) validates cleanly and passes its
own play-through tests, through the engine alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.coach import assess
from sim.engine import replay
from sim.scenario import check_file, load_scenario
from sim.tools.playtests import run_tests

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "tests" / "scenarios").glob(
    "*.yaml")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_validates_without_warnings(path: Path) -> None:
    scenario, problems = check_file(path)
    assert scenario is not None
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_own_tests_pass(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.tests, "every scenario ships play-through tests"
    for outcome in run_tests(scenario):
        assert outcome.passed, (outcome.name, outcome.failures)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_debrief_of_each_plan_is_consistent(path: Path) -> None:
    scenario = load_scenario(path)
    for test in scenario.tests:
        if test.choose is None:  # a content-blind player's test: no plan to replay
            continue
        session = replay(scenario, test.choose)
        d = assess(session)
        assert d.ending_id == session.ending_id
        assert len(d.turns) == len(session.history)
        assert d.series[-1][1:] == (session.emotion, session.trust)
        assert 0 <= d.score <= 100
