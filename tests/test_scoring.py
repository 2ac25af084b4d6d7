"""Scoring version 2: the foldable tally, the outcome bands, monotonicity, no length reward."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.coach import assess
from sim.coach.scoring import (
    CRITICAL_PITFALLS,
    OUTCOME_CEILING,
    UNREPAIRED_CEILING,
    Tally,
    dominates,
    tally_advance,
    tally_score,
    tally_start,
    tally_step,
)
from sim.engine import Session
from sim.scenario import PITFALLS, QUALITIES, STEPS, Scenario, check_bytes, load_scenario
from sim.tools.synth import generate
from tests.conftest import EXAMPLES, LIBRARY

OUTCOMES = ("resolved", "partial", "escalated", "lost", "unfinished")


def synthetic(nodes: int, width: int, seed: int) -> Scenario:
    """A generated scenario, with pitfall tags spread over its replies (the generator has
    none) so critical errors get scored too."""
    rng = random.Random(seed)
    text = generate(nodes, width=width, seed=seed)

    def tag(m: re.Match[str]) -> str:
        if rng.random() < 0.4:
            return f"{m.group(0)}\n{m.group(1)}pitfall: {rng.choice(PITFALLS)}"
        return m.group(0)

    text = re.sub(r"^(\s+)quality: (?:poor|harmful)$", tag, text, flags=re.M)
    sc, problems = check_bytes(text.encode(), "gen.yaml")
    assert sc is not None, problems
    return sc


def random_play(scenario: Scenario, rng: random.Random, limit: int = 60) -> Session:
    s = Session(scenario)
    while not s.is_over and s.turn < limit:
        s.choose(rng.randrange(len(s.choices())))
    return s


def fold(scenario: Scenario, session: Session) -> Tally:
    tally = tally_start(scenario)
    for t in session.history:
        tally = tally_step(scenario, tally, t.node, t.index, t.emotion_before, t.emotion,
                           t.trust_before, t.trust)
    return tally


def outcome_of(session: Session) -> str:
    return session.ending.outcome if session.ending else "unfinished"


def scenarios() -> list[Scenario]:
    shipped = []
    for path in [*sorted(EXAMPLES.glob("*.yaml")), *sorted(LIBRARY.glob("*.yaml"))]:
        try:
            shipped.append(load_scenario(path))
        except Exception:  # a library file mid-rewrite is the content's concern, not ours
            continue
    return shipped


SHIPPED = scenarios()
GENERATED = [synthetic(12, 3, 1), synthetic(20, 4, 2), synthetic(30, 5, 7)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 100), seed=st.integers(0, 10_000))
def test_debrief_score_is_the_folded_tally(which: int, seed: int) -> None:
    pool = SHIPPED + GENERATED
    scenario = pool[which % len(pool)]
    session = random_play(scenario, random.Random(seed))
    d = assess(session)
    tally = fold(scenario, session)
    assert d.score == tally_score(scenario, tally, outcome_of(session), session.emotion,
                                  session.trust)
    # the bands: the ending bounds the score
    ceiling = OUTCOME_CEILING.get(d.outcome, 40.0)
    assert 0 <= d.score <= ceiling
    if tally.unrepaired:
        assert d.score <= UNREPAIRED_CEILING
    # the parts shown add up to the score, and the statuses are the tally's
    assert abs(sum(p.points for p in d.parts) - d.score) < 0.3
    assert [s.status for s in d.steps.values()] == [tally.status(i) for i in range(5)]
    # the order problems listed are the ones the score counted
    assert sum(1 for p in d.order_problems if p.kind == "order") == tally.order_count


reply = st.tuples(st.sampled_from((None, *STEPS)), st.sampled_from(QUALITIES),
                  st.sampled_from((None, *PITFALLS)), st.booleans())
plays = st.lists(reply, max_size=14)
meters = st.integers(0, 100)


def run(replies: list[tuple[str | None, str, str | None, bool]], start: Tally | None = None
        ) -> Tally:
    tally = start or tally_start()
    for r in replies:
        tally = tally_advance(tally, *r)
    return tally


@settings(max_examples=400, deadline=None)
@given(before=plays, after=plays, r=reply, outcome=st.sampled_from(OUTCOMES), e=meters, t=meters)
def test_a_better_reply_never_scores_less(before, after, r, outcome, e, t) -> None:
    # The same play with one reply's quality changed (same step, route and meters): the
    # better the reply, the higher (or equal) the score.
    step, _, pitfall, hot = r
    scores = [tally_score(None, run([*before, (step, q, pitfall, hot), *after]), outcome, e, t)
              for q in ("harmful", "poor", "good", "best")]
    assert scores == sorted(scores)


@settings(max_examples=300, deadline=None)
@given(replies=plays, outcome=st.sampled_from(OUTCOMES), e=meters, t=meters,
       de=st.integers(0, 100), dt=st.integers(0, 100))
def test_monotone_in_the_final_meters(replies, outcome, e, t, de, dt) -> None:
    tally = run(replies)
    base = tally_score(None, tally, outcome, e, t)
    assert tally_score(None, tally, outcome, max(0, e - de), t) >= base
    assert tally_score(None, tally, outcome, e, min(100, t + dt)) >= base


@settings(max_examples=300, deadline=None)
@given(replies=st.lists(reply, min_size=1, max_size=10), outcome=st.sampled_from(OUTCOMES),
       e=meters, t=meters)
def test_going_round_a_loop_earns_nothing(replies, outcome, e, t) -> None:
    # A "recovery loop": the same replies given once more, ending at the same meters.
    once = tally_score(None, run(replies), outcome, e, t)
    assert tally_score(None, run(replies + replies), outcome, e, t) <= once
    assert tally_score(None, run(replies * 3), outcome, e, t) <= once


@settings(max_examples=300, deadline=None)
@given(step=st.sampled_from(STEPS), before=plays, after=plays, hot=st.booleans())
def test_a_harmful_reply_leaves_a_mark(step, before, after, hot) -> None:
    i = STEPS.index(step)
    # a harmful reply of a step: never excellent after it, whatever follows (repair: done)
    tally = run([*before, (step, "harmful", None, hot), *after])
    assert tally.status(i) != "excellent"
    later = [q for s, q, _, _ in after if s == step]
    last_harm = max((k for k, q in enumerate(later) if q == "harmful"), default=-1)
    repaired = any(q in ("best", "good") for q in later[last_harm + 1:])
    assert tally.status(i) == ("done" if repaired else "weak")
    if not repaired:
        assert tally.unrepaired
    for outcome in OUTCOMES:
        if tally.unrepaired:
            assert tally_score(None, tally, outcome, 0, 100) <= UNREPAIRED_CEILING


def test_repair_is_credited_but_capped() -> None:
    harmed = run([("listen", "harmful", None, False)])
    repaired = run([("listen", "harmful", None, False), ("listen", "best", None, False)])
    clean = run([("listen", "best", None, False)])
    assert harmed.status(0) == "weak" and harmed.unrepaired
    assert repaired.status(0) == "done" and not repaired.unrepaired
    assert clean.status(0) == "excellent"
    for outcome in OUTCOMES:
        assert (tally_score(None, harmed, outcome, 50, 50)
                <= tally_score(None, repaired, outcome, 50, 50)
                <= tally_score(None, clean, outcome, 50, 50))
    assert (tally_score(None, repaired, "resolved", 50, 50)
            < tally_score(None, clean, "resolved", 50, 50))


@pytest.mark.parametrize("pitfall", CRITICAL_PITFALLS)
def test_critical_errors_cost_and_are_listed_first(pitfall: str) -> None:
    plain = run([("solve", "poor", "argue", False)])
    critical = run([("solve", "poor", pitfall, False)])
    assert critical.critical == 1 and plain.critical == 0
    assert (tally_score(None, critical, "resolved", 20, 80)
            < tally_score(None, plain, "resolved", 20, 80))


@settings(max_examples=400, deadline=None)
@given(a_play=plays, b_play=plays, after=plays, outcome=st.sampled_from(OUTCOMES), e=meters,
       t=meters)
def test_dominance_is_safe_for_pruning(a_play, b_play, after, outcome, e, t) -> None:
    a, b = run(a_play), run(b_play)
    if dominates(a, b):
        assert (tally_score(None, run(after, a), outcome, e, t)
                >= tally_score(None, run(after, b), outcome, e, t))
    if dominates(b, a):
        assert (tally_score(None, run(after, b), outcome, e, t)
                >= tally_score(None, run(after, a), outcome, e, t))


def test_dominance_holds_often_enough_to_prune() -> None:
    # a tally dominates itself and one that only differs by a later harmful reply count
    a = run([("listen", "best", None, False)])
    b = run([("listen", "best", None, False), (None, "harmful", None, False)])
    assert dominates(a, a) and dominates(a, b) and not dominates(b, a)


def test_bands_on_model_plays(example_path) -> None:
    sc = load_scenario(example_path)
    s = Session(sc)
    for token in ["let_vent", "sorry", "ask_wish", "make_right", "commit"]:
        s.answer(token)
    d = assess(s)
    assert d.outcome == "resolved" and d.score > 80 and d.scoring_version == 2
