"""A scenario written from the format contract alone routes exactly as the contract says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.coach import assess
from sim.engine import Session, replay
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "tests" / "scenarios" / "trainer-style.yaml"


@pytest.fixture
def scenario():
    return load_scenario(PATH)


def test_if_filters_and_numbers_count_only_offered(scenario) -> None:
    rude = replay(scenario, ["policy"])
    # 'ask' needs the flag 'heard', so reply 1 is now 'sorry'
    assert [o.choice.id for o in rude.choices()] == ["sorry", "shrug"]
    rude.answer(1)
    assert rude.history[-1].choice_id == "sorry"


def test_branch_first_match_wins(scenario) -> None:
    # heard → patience 1 and gift learned: the first route matches
    s = replay(scenario, ["hear", "sorry"])
    assert s.node_id == "offer"
    # not heard: patience 0, so the second route (visited desk) sends her back round
    s = replay(scenario, ["policy", "sorry"])
    assert s.node_id == "desk2" and s.visits["desk2"] == 2


def test_rule_runs_after_effects_and_before_route(scenario) -> None:
    s = Session(scenario, emotion=70)
    s.choose("policy")  # 70 + 25 = 95: the rule fires instead of the reply's goto
    assert s.node_id == "supervisor_called" and s.history[-1].rule == 0
    assert s.history[-1].dest == "supervisor_called"


def test_rule_on_turn_count(scenario) -> None:
    s = replay(scenario, ["policy", "sorry", "sorry", "sorry", "sorry"])
    assert s.node_id == "desk2" and s.turn == 5
    s.answer("sorry")
    assert s.ending_id == "ran_out_of_time"


def test_rule_beats_the_replys_own_route(scenario) -> None:
    s = replay(scenario, ["policy"])  # 85: below the ceiling, the goto is followed
    assert s.node_id == "desk2" and s.history[-1].rule is None
    s.choose("shrug")  # 85 + 40 → 100: rule 0 fires although the reply goes to 'offer'
    assert s.node_id == "supervisor_called" and s.history[-1].rule == 0
    assert s.emotion == 100


def test_cli_json_debrief(scenario) -> None:
    proc = subprocess.run([sys.executable, "main.py", "play", str(PATH), "--choices",
                           "hear,ask,exchange", "--json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ending"] == "happy" and data["outcome"] == "resolved"
    assert (data["emotion"], data["trust"]) == (20, 75)
    assert data["steps"]["listen"] == {"status": "excellent", "turns": [1]}
    assert data["steps"]["clarify"] == {"status": "excellent", "turns": [2]}
    assert data["steps"]["solve"] == {"status": "excellent", "turns": [3]}
    assert data["steps"]["apologize"]["status"] == "missed"
    assert [t["node"] for t in data["turns"]] == ["desk", "desk2", "offer"]
    expected = assess(replay(scenario, ["hear", "ask", "exchange"])).to_json()
    assert data["score"] == expected["score"]
