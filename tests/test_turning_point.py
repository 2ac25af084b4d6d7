"""The turning point: the first reply after which the best ending still reachable got worse."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import Session
from sim.engine.statespace import StateSpace, explore, find_ending
from sim.scenario import Scenario, load_scenario
from tests.conftest import EXAMPLES


def endings_from(space: StateSpace, root: int) -> set[str]:
    seen, stack, found = {root}, [root], set()
    while stack:
        for edge in space.edges[stack.pop()]:
            if edge.target < 0:
                found.add(edge.ending)
            elif edge.target not in seen:
                seen.add(edge.target)
                stack.append(edge.target)
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
        (edge,) = [e for e in whole.edges[state] if e.choice == turn.index]
        state = edge.target
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
