"""The turning point: the first reply after which the best ending still reachable got worse."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.coach import assess
from sim.engine import Session
from sim.engine.playgraph import PlayGraph, build, find_ending
from sim.scenario import Scenario, load_scenario
from tests.conftest import EXAMPLES
from tests.test_scoring import GENERATED


def explore(scenario: Scenario, **preset) -> PlayGraph:
    """Every exact play state (the meters and all that conditions read), as the
    turning point's searches see them."""
    return build(scenario, reduce=False, **preset)


def endings_from(space: PlayGraph, root: int) -> set[str]:
    seen, stack, found = {root}, [root], set()
    while stack:
        for _, target in space.edges[stack.pop()]:
            if target < 0:
                found.add(space.ending_ids[-1 - target])
            elif target not in seen:
                seen.add(target)
                stack.append(target)
    return found


def scenario_examples() -> list[Scenario]:
    return [load_scenario(p) for p in sorted(EXAMPLES.glob("*.yaml"))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 10), seed=st.integers(0, 10_000), cut=st.integers(0, 8))
def test_explore_from_the_middle_of_a_session(which: int, seed: int, cut: int) -> None:
    # Exploring from a session's state after some turns (with the nodes it visited and the
    # turn count) finds what the whole space says is reachable from that state.
    pool = scenario_examples()
    scenario = pool[which % len(pool)]
    rng = random.Random(seed)
    s = Session(scenario)
    whole = explore(scenario)
    state = 0
    while not s.is_over and s.turn < cut:
        pick = rng.randrange(len(s.choices()))
        turn = s.choose(pick)
        (state,) = [t for c, t in whole.edges[state] if c == turn.index]
    if s.is_over:
        return
    middle = explore(scenario, start=s.node_id, emotion=s.emotion, trust=s.trust,
                     flags=s.flags, learned=s.learned, visited=s.visits, turn=s.turn)
    assert middle.complete
    assert endings_from(middle, 0) == endings_from(whole, state)
    assert middle.states[0] == whole.states[state]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 10), seed=st.integers(0, 10_000), cut=st.integers(0, 6))
def test_find_ending_agrees_with_the_whole_space(which: int, seed: int, cut: int) -> None:
    pool = scenario_examples()
    scenario = pool[which % len(pool)]
    rng = random.Random(seed)
    s = Session(scenario)
    while not s.is_over and s.turn < cut:
        s.choose(rng.randrange(len(s.choices())))
    if s.is_over:
        return
    preset = dict(start=s.node_id, emotion=s.emotion, trust=s.trust, flags=s.flags,
                  learned=s.learned, visited=s.visits, turn=s.turn)
    space = explore(scenario, **preset)
    reachable = endings_from(space, 0)
    for ending in scenario.endings:
        search = find_ending(scenario, lambda e, want=ending: e == want, **preset)
        assert search.found == (ending in reachable)
        if search.found:  # the path found plays to that ending in the engine
            replayed = Session(scenario, start=s.node_id, emotion=s.emotion, trust=s.trust,
                               flags=s.flags, learned=s.learned)
            replayed.visits.update(s.visits)
            replayed.turn = s.turn
            for index in search.path:
                replayed.choose([o.index for o in replayed.choices()].index(index))
            assert replayed.ending_id == ending
    # out of budget: no claim (unless the budget covered every play state)
    tiny = find_ending(scenario, lambda e: False, max_states=1, **preset)
    assert tiny.found is (False if len(space.states) == 1 else None)


RANKS = ("lost", "escalated", "partial", "resolved")


def best_by_brute_force(scenario: Scenario, history) -> list[int]:
    """The best outcome rank reachable before the first turn and after each turn, from the
    whole play-state graph."""
    space = explore(scenario)
    best: dict[int, int] = {}

    def rank_from(state: int) -> int:
        if state not in best:
            seen, stack, top = {state}, [state], -1
            while stack:
                for _, target in space.edges[stack.pop()]:
                    if target < 0:
                        ending = space.ending_ids[-1 - target]
                        top = max(top, RANKS.index(scenario.endings[ending].outcome))
                    elif target not in seen:
                        seen.add(target)
                        stack.append(target)
            best[state] = top
        return best[state]

    out, state = [rank_from(0)], 0
    for t in history:
        (target,) = [tg for c, tg in space.edges[state] if c == t.index]
        if target < 0:
            out.append(RANKS.index(scenario.endings[space.ending_ids[-1 - target]].outcome))
        else:
            state = target
            out.append(rank_from(state))
    return out


def pool() -> list[Scenario]:
    return scenario_examples() + GENERATED


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 20), seed=st.integers(0, 100_000))
def test_turning_point_matches_brute_force(which: int, seed: int) -> None:
    from sim.coach.turning import turning_point

    scenarios = pool()
    scenario = scenarios[which % len(scenarios)]
    rng = random.Random(seed)
    s = Session(scenario)
    while not s.is_over and s.turn < 40:
        s.choose(rng.randrange(len(s.choices())))
    ranks = best_by_brute_force(scenario, s.history)
    drop = next((k for k in range(1, len(ranks)) if ranks[k] < ranks[k - 1]), None)
    tp = turning_point(scenario, s.history)
    if drop is None:
        assert tp is None
        return
    assert tp is not None, ranks  # small scenarios: always within budget
    assert tp.turn == drop and tp.lost_outcome == RANKS[ranks[drop - 1]]
    assert tp.left_outcome == (RANKS[ranks[drop]] if ranks[drop] >= 0 else None)
    # the reply named keeps the lost outcome open: replay it and check with the whole graph
    turn = s.history[drop - 1]
    assert tp.better_index in turn.offered and tp.better_index != turn.index
    alt = Session(scenario)
    for t in s.history[:drop - 1]:
        alt.choose([o.index for o in alt.choices()].index(t.index))
    alt.choose([o.index for o in alt.choices()].index(tp.better_index))
    assert best_by_brute_force(scenario, alt.history)[-1] == ranks[drop - 1]


def best_from_start(scenario: Scenario) -> int:
    for rank in range(len(RANKS) - 1, -1, -1):
        if find_ending(scenario, lambda e, r=rank: RANKS.index(
                scenario.endings[e].outcome) >= r, max_states=3_000_000).found:
            return rank
    return -1


def every_scenario() -> list[Scenario]:
    from tests.test_scoring import SHIPPED
    return SHIPPED


@pytest.mark.parametrize("scenario", every_scenario(), ids=lambda sc: sc.id)
def test_turning_point_in_every_non_best_debrief(scenario: Scenario) -> None:
    best = best_from_start(scenario)
    rng = random.Random(7)
    shown = 0
    for _ in range(30):
        s = Session(scenario)
        while not s.is_over and s.turn < 60:
            s.choose(rng.randrange(len(s.choices())))
        if s.ending is None:
            continue
        d = assess(s)
        if RANKS.index(s.ending.outcome) < best:
            assert d.turning_point is not None, (scenario.id, [t.key for t in s.history])
            assert d.to_json()["turning_point"]["lost_outcome"] in RANKS
            shown += 1
        else:
            assert d.turning_point is None
    assert shown or best == 0


def test_out_of_budget_says_nothing_rather_than_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.coach.turning as turning

    scenario = GENERATED[2]
    rng = random.Random(3)
    plays = []
    for _ in range(30):
        s = Session(scenario)
        while not s.is_over:
            s.choose(rng.randrange(len(s.choices())))
        plays.append(s.history)
    monkeypatch.setattr(turning, "SEARCH_BUDGET", 2)
    monkeypatch.setattr(turning, "_searches", type(turning._searches)())
    silent = 0
    for history in plays:
        ranks = best_by_brute_force(scenario, history)
        drop = next((k for k in range(1, len(ranks)) if ranks[k] < ranks[k - 1]), None)
        tp = turning.turning_point(scenario, history)
        if tp is None:
            silent += 1
        else:  # whatever it still says is right
            assert tp.turn == drop and tp.lost_outcome == RANKS[ranks[drop - 1]]
    assert silent  # the tiny budget did run out somewhere
