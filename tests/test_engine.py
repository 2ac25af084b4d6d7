"""The session: offered replies, effects, flags, facts, rules, branches, events, history."""

from __future__ import annotations

import pytest

from sim.engine import (
    ChoiceError,
    ChoiceMade,
    FactLearned,
    MetersChanged,
    NodeEntered,
    Session,
    SessionEnded,
    replay,
)
from sim.scenario import load_scenario


@pytest.fixture
def cake(example_path):
    return load_scenario(example_path)


def test_start_state(cake) -> None:
    s = Session(cake)
    assert s.node_id == "opening" and s.emotion == 80 and s.trust == 30
    assert [o.choice.id for o in s.choices()] == ["let_vent", "courier", "refund_now"]
    assert [o.number for o in s.choices()] == [1, 2, 3]
    assert not s.is_over and s.history == ()


def test_effects_facts_flags_and_events(cake) -> None:
    s = Session(cake)
    events = []
    s.subscribe(events.append)
    turn = s.choose(0)
    assert (turn.emotion_before, turn.emotion, turn.trust) == (80, 65, 40)
    assert s.learned == {"late_two_hours", "daughter_cried"}
    assert [type(e) for e in events] == [ChoiceMade, MetersChanged, FactLearned, FactLearned,
                                         NodeEntered]
    assert events[1] == MetersChanged(65, 40, -15, 10, 1)
    assert events[-1] == NodeEntered("vented", 1)
    s.choose("sorry")
    assert s.flags == {"heard": True, "apologies": 1}


def test_meters_clamp_and_rule_fires_before_route(cake) -> None:
    s = Session(cake)
    events = []
    s.subscribe(events.append)
    turn = s.choose("courier")
    assert s.emotion == 100 and turn.emotion == 100
    assert turn.rule == 0 and s.ending_id == "hung_up" and s.is_over
    assert events[-1] == SessionEnded("hung_up", "lost", 1)


def test_branch_takes_first_matching_route(cake) -> None:
    rushed = replay(cake, ["refund_now", "sorry"])
    assert rushed.node_id == "still_angry"
    calm = replay(cake, ["let_vent", "sorry"])
    assert calm.node_id == "demand"


def test_if_hides_a_reply_until_it_holds(cake) -> None:
    s = replay(cake, ["refund_now", "sorry", "sorry_again"])
    # visited(still_angry) but trust 45 >= 40: the question is offered
    assert "ask_wish" in [o.choice.id for o in s.choices()]
    low = Session(cake, start="demand", trust=10)
    low.visits["still_angry"] += 1
    assert "ask_wish" not in [o.choice.id for o in low.choices()]
    with pytest.raises(ChoiceError, match="not on offer"):
        low.choose("ask_wish")


def test_choose_errors(cake) -> None:
    s = Session(cake)
    with pytest.raises(ChoiceError, match="choose 1 to 3"):
        s.choose(3)
    with pytest.raises(ChoiceError, match="offered: let_vent, courier, refund_now"):
        s.choose("nope")
    with pytest.raises(ChoiceError):
        s.answer("0")
    s.answer("courier")
    with pytest.raises(ChoiceError, match="already over"):
        s.choose(0)


def test_answer_takes_plan_tokens(cake) -> None:
    s = Session(cake)
    s.answer(1)
    s.answer("1")
    assert [t.choice_id for t in s.history] == ["let_vent", "sorry"]


def test_deterministic(cake) -> None:
    plan = ["refund_now", 1, 1, 2, 1]
    assert replay(cake, plan).history == replay(cake, plan).history


def test_preset_state(cake) -> None:
    s = Session(cake, start="offer", emotion=10, trust=90, flags={"asked": True,
                                                                  "apologies": 1, "heard": True})
    s.choose("commit")
    assert s.ending_id == "resolved"
    with pytest.raises(ChoiceError, match="no node"):
        Session(cake, start="attic")


def test_turn_counter_is_visible_to_conditions(tmp_path) -> None:
    text = """\
format: 1
id: loop
title: Loop
summary: s
difficulty: 1
briefing: b
customer: {name: A, role: B, emotion: 50, trust: 50}
start: ask
nodes:
  ask:
    say: Again?
    choices:
      - reply: "Yes"
        step: listen
        branch:
          - {if: turn >= 3, goto: done}
          - {goto: ask}
endings:
  done: {outcome: resolved, title: Done}
"""
    path = tmp_path / "loop.yaml"
    path.write_text(text)
    s = replay(load_scenario(path), [1, 1, 1])
    assert s.ending_id == "done" and s.visits["ask"] == 3


def test_machine_has_no_auto_transitions(cake) -> None:
    s = Session(cake)
    assert not s._machine.auto_transitions
    triggers = s._machine.get_triggers("opening")
    assert all("#" in t for t in triggers)


def test_yaml_yes_is_explained(tmp_path) -> None:
    from sim.scenario import check_bytes

    text = """format: 1\nid: y\ntitle: T\nsummary: s\ndifficulty: 1\nbriefing: b
customer: {name: A, role: B, emotion: 50, trust: 50}
start: a
nodes:
  a:
    say: Ok?
    choices:
      - {reply: Yes, step: listen, goto: done}
endings:
  done: {outcome: resolved, title: Done}
"""
    _, problems = check_bytes(text.encode(), "y.yaml")
    (err,) = problems
    assert err.line == 13 and "yes/no" in err.hint


def test_continue_with_an_edited_version(cake, tmp_path, example_path) -> None:
    from sim.engine import continue_with

    s = replay(cake, ["refund_now", "sorry"])
    edited = tmp_path / "edited.yaml"
    edited.write_text(example_path.read_text(encoding="utf-8").replace(
        "Don't give me that. I want to speak to your manager!", "Enough. Manager. Now."),
        encoding="utf-8")
    fresh = continue_with(s, load_scenario(edited))
    assert fresh.node_id == "still_angry" and fresh.node.say["en"] == "Enough. Manager. Now."
    assert (fresh.emotion, fresh.trust, fresh.flags, fresh.learned, fresh.turn) == (
        s.emotion, s.trust, s.flags, s.learned, s.turn)
    assert fresh.visits["still_angry"] == 1 and fresh.visits["vented"] == 1
    gone = tmp_path / "gone.yaml"
    gone.write_text(example_path.read_text(encoding="utf-8"), encoding="utf-8")
    done = replay(cake, ["courier"])
    with pytest.raises(ChoiceError, match="ending"):
        continue_with(done, load_scenario(gone))
