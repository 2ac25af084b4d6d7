"""The debrief: step statuses, order, pitfalls, better replies, score."""

from __future__ import annotations

import io
import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.coach import assess
from sim.console import Printer, print_debrief
from sim.engine import Session, replay
from sim.scenario import check_bytes, load_scenario, text_of
from tests.test_scoring import GENERATED, SHIPPED


def test_model_answer(example_path) -> None:
    d = assess(replay(load_scenario(example_path), ["let_vent", "sorry", "ask_wish", "make_right",
                                                            "commit"]))
    assert d.outcome == "resolved" and d.ending_id == "resolved" and d.finished
    assert {k: v.status for k, v in d.steps.items()} == {
        "listen": "excellent", "apologize": "excellent", "clarify": "excellent",
        "solve": "excellent", "commit": "excellent"}
    assert d.steps["apologize"].turns == (2,)
    assert d.order_problems == () and d.pitfalls == () and d.missed == ()
    assert d.score >= 80
    assert abs(sum(p.points for p in d.parts) - d.score) < 0.3
    assert set(d.facts_learned) == {"late_two_hours", "daughter_cried", "wants_apology"}


def test_premature_solution_and_better_reply(example_path) -> None:
    d = assess(replay(load_scenario(example_path), ["refund_now", 1, 1, 2, 1]))
    assert d.outcome == "partial"
    kinds = [(p.turn, p.kind) for p in d.order_problems]
    assert (1, "premature_solution") in kinds
    first = d.turns[0]
    assert first.better is not None and first.better.choice_id == "let_vent"
    assert (first.better.emotion_delta, first.better.trust_delta) == (-15, 10)
    assert d.steps["solve"].status == "done" and d.steps["solve"].turns == (1, 4)


def test_pitfall_listed_with_why(example_path) -> None:
    d = assess(replay(load_scenario(example_path), ["courier"]))
    (pit,) = d.pitfalls
    assert pit.turn == 1 and pit.pitfall == "blame" and pit.why is not None
    assert d.outcome == "lost" and d.score < 20


def test_better_reply_delta_is_clamped(example_path) -> None:
    scenario = load_scenario(example_path)
    s = Session(scenario, emotion=5, trust=98)
    s.choose("courier")
    better = assess(s).turns[0].better
    assert better is not None
    assert better.emotion_delta == -5 and better.trust_delta == 2


def test_unfinished(example_path) -> None:
    d = assess(replay(load_scenario(example_path), ["let_vent"]))
    assert d.outcome == "unfinished" and not d.finished and d.ending_id is None
    # no ending earns nothing: an unfinished play is bounded like a lost one
    (bound,) = [p for p in d.parts if p.key == "outcome"]
    assert bound.points < 0 and d.score <= 40


def test_json_has_the_design_keys(example_path) -> None:
    d = assess(replay(load_scenario(example_path), ["let_vent", "excuse", "manager"]))
    data = json.loads(json.dumps(d.to_json()))
    for key in ("scenario", "ending", "outcome", "score", "emotion", "trust", "steps",
                "pitfalls", "turns"):
        assert key in data
    assert set(data["steps"]) == {"listen", "apologize", "clarify", "solve", "commit"}
    assert data["steps"]["apologize"] == {"status": "weak", "turns": [2]}
    assert data["harmed_steps"] == [] and data["repaired_steps"] == []
    assert data["scoring_version"] == 2 and data["critical_errors"] == []
    assert data["pitfalls"][0]["turn"] == 2 and data["pitfalls"][0]["pitfall"] == "excuse"
    assert data["turns"][0] == {"turn": 1, "node": "opening", "choice": "let_vent",
                                "reply": data["turns"][0]["reply"], "step": "listen",
                                "quality": "best", "emotion": 65, "trust": 40,
                                "pitfall": None, "learned": ["late_two_hours",
                                                              "daughter_cried"]}
    assert 0 <= data["score"] <= 100


def test_order_problem_when_solving_before_listening(tmp_path) -> None:
    text = """format: 1
id: order
title: O
summary: s
difficulty: 1
briefing: b
customer: {name: A, role: B, emotion: 40, trust: 50}
start: a
nodes:
  a:
    say: x
    choices:
      - {id: fix, reply: r, step: solve, quality: good, goto: b}
  b:
    say: y
    choices:
      - {id: hear, reply: r, step: listen, quality: best, goto: done}
endings:
  done: {outcome: resolved, title: Done}
"""
    scenario, _ = check_bytes(text.encode(), "o.yaml")
    d = assess(replay(scenario, ["fix", "hear"]))
    (problem,) = d.order_problems
    assert problem.kind == "order" and problem.turn == 1
    assert "Listen" in problem.message["en"] and "耐心倾听" in problem.message["zh"]


QUALITIES = ["best", "good", "poor", "harmful"]
STEPS = ["listen", "apologize", "clarify", "solve", "commit"]


def _chain(steps: list[str]) -> str:
    """A chain of nodes, each offering the same reply in all four qualities."""
    nodes = []
    for i, step in enumerate(steps):
        nxt = f"n{i + 1}" if i + 1 < len(steps) else "done"
        choices = "\n".join(
            f"      - {{id: {q}, reply: r, step: {step}, quality: {q}, "
            f"effects: {{emotion: -5}}, goto: {nxt}}}" for q in QUALITIES)
        nodes.append(f"  n{i}:\n    say: s\n    choices:\n{choices}")
    return ("format: 1\nid: chain\ntitle: C\nsummary: s\ndifficulty: 1\nbriefing: b\n"
            "customer: {name: A, role: B, emotion: 60, trust: 40}\nstart: n0\nnodes:\n"
            + "\n".join(nodes) + "\nendings:\n  done: {outcome: partial, title: D}\n")


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=6),
    data=st.data(),
)
def test_a_better_reply_never_scores_lower(steps: list[str], data: st.DataObject) -> None:
    scenario, problems = check_bytes(_chain(steps).encode(), "chain.yaml")
    assert scenario is not None, problems
    plan = data.draw(st.lists(st.sampled_from(QUALITIES[1:]), min_size=len(steps),
                              max_size=len(steps)))
    at = data.draw(st.integers(0, len(steps) - 1))
    better = list(plan)
    better[at] = QUALITIES[QUALITIES.index(plan[at]) - 1]
    worse, improved = assess(replay(scenario, plan)), assess(replay(scenario, better))
    # Never lower; and higher whenever it counts: when it removes a harmful reply or
    # changes its step's status (a reply that changes neither earns nothing more, since
    # the score doesn't reward the number of replies).
    assert improved.score >= worse.score, (plan, better, worse.score, improved.score)
    statuses = [(s.status, s.harmed) for s in worse.steps.values()]
    counts = plan[at] == "harmful" or statuses != [(s.status, s.harmed)
                                                   for s in improved.steps.values()]
    if counts and worse.score > 0:  # (at 0, the mistakes already took everything)
        assert improved.score > worse.score, (plan, better, worse.score, improved.score)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 100_000), which=st.integers(0, 10))
def test_step_rows_tell_the_truth(seed: int, which: int) -> None:
    pool = SHIPPED + GENERATED
    scenario = pool[which % len(pool)]
    rng = random.Random(seed)
    s = Session(scenario)
    while not s.is_over and s.turn < 40:
        s.choose(rng.randrange(len(s.choices())))
    d = assess(s)
    rank = {q: i for i, q in enumerate(reversed(QUALITIES))}
    by_number = {t.number: t for t in s.history}
    for step, row in d.steps.items():
        assert row.turns == tuple(t.number for t in s.history if t.step == step)
        same_step_better = [
            (t.number, i) for t in s.history if t.step == step for i in t.offered
            if scenario.nodes[t.node].choices[i].step == step
            and rank[scenario.nodes[t.node].choices[i].quality] > rank[t.quality]]
        if row.better is None:
            assert not same_step_better
            continue
        turn = by_number[row.better_turn]
        assert row.better.index in turn.offered and turn.step == step
        assert rank[row.better.quality] > rank[turn.quality]
        if row.better_same_step:
            assert row.better.step == step
        else:  # said plainly: none of this step was on offer, this one is of another step
            assert not same_step_better and row.better.step != step


def test_terminal_step_rows_quote_every_reply(example_path) -> None:
    scenario = load_scenario(example_path)
    session = replay(scenario, ["refund_now", 1, 1, 2, 1])
    d = assess(session)
    out = io.StringIO()
    print_debrief(d, scenario, Printer(out, "en"))
    text = out.getvalue()
    rows = text.split("== The five steps ==")[1].split("==")[0]
    assert len(d.steps["solve"].turns) == 2  # both replies of the step are quoted
    for n in d.steps["solve"].turns:
        assert text_of(d.turns[n - 1].reply, "en")[:20] in rows
