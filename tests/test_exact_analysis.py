"""Exact analysis: its claims hold for real plays through the engine and the coach."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.coach import assess
from sim.engine import Session
from sim.engine.compiled import compile_condition
from sim.engine.playgraph import PlayContext, build
from sim.scenario import check_bytes, load_scenario
from sim.scenario.conditions import parse_condition
from sim.tools.analyze import analyze
from sim.tools.synth import generate

DATA = Path(__file__).resolve().parent / "tools_data"
ROOT = Path(__file__).resolve().parents[1]


def _scenario(name: str):
    if name == "looped":
        sc, problems = check_bytes(LOOPED.encode(), "looped.yaml")
        assert sc is not None, problems
        return sc
    if name.startswith("gen"):
        sc, problems = check_bytes(generate(int(name[3:]), width=3, seed=5).encode(),
                                   f"{name}.yaml")
        assert sc is not None, problems
        return sc
    return load_scenario(ROOT / name)


CASES = ["tests/tools_data/cake.yaml", "tests/tools_data/fair.yaml",
         "tests/tools_data/tell.yaml", "gen60", "scenarios/insurance-surrender.yaml"]


def _play_json(sc, plan: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    path = sc.source_path
    assert main(["play", path, "--choices", ",".join(plan), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", CASES[:4])
def test_best_and_worst_replay_through_the_cli(name: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    sc = _scenario(name)
    if sc.source_path is None or not Path(sc.source_path).exists():
        path = tmp_path / "gen.yaml"
        path.write_text(generate(60, width=3, seed=5), encoding="utf-8")
        sc = load_scenario(path)
    result = analyze(sc)
    assert result.exact
    for play in (result.best, result.worst, *result.ending_high.values()):
        assert play is not None
        got = _play_json(sc, play.plan, capsys)
        assert (got["score"], got["ending"]) == (play.score, play.ending)


@pytest.mark.parametrize("name", CASES)
def test_random_plays_stay_within_the_claimed_ranges(name: str) -> None:
    sc = _scenario(name)
    result = analyze(sc)
    assert result.exact
    rng = random.Random(7)
    for _ in range(40):
        s = Session(sc)
        while not s.is_over and len(s.history) < 300:
            s.choose(rng.randrange(len(s.choices())))
        d = assess(s)
        assert result.worst.score <= d.score <= result.best.score
        if d.ending_id is not None:
            assert result.endings[d.ending_id] is not None  # reachable, as claimed
            lo, hi = result.ending_scores[d.ending_id]
            assert lo <= d.score <= hi


LOOP = textwrap.dedent("""\
    format: 1
    id: loop
    title: T
    summary: S
    difficulty: 1
    briefing: B
    customer: {name: N, role: R, emotion: 90, trust: 10}
    start: a
    nodes:
      a:
        say: hi
        choices:
          - {id: calm, reply: r, step: listen, quality: good, effects: {emotion: -10}, goto: a}
          - {id: sorry, reply: r, step: apologize, quality: best, effects: {trust: 10},
             goto: b}
          - {id: rude, reply: r, step: listen, quality: harmful, pitfall: dismiss,
             effects: {emotion: 20}, goto: a}
      b:
        say: so?
        choices:
          - {id: fix, reply: r, step: solve, quality: best, effects: {emotion: -20, trust: 20},
             branch: [{if: emotion < 40, goto: won}, {goto: meh}]}
          - {id: back, reply: r, step: listen, quality: good, goto: a}
    rules:
      - {if: emotion >= 100, goto: gone}
    endings:
      won: {outcome: resolved, title: W}
      meh: {outcome: partial, title: M}
      gone: {outcome: lost, title: L}
    """)


def test_loops_are_exact_against_every_short_play() -> None:
    """With a loop, plays are unbounded; the claims must hold for every play of up to 9
    replies, and the best plays found there must be matched."""
    sc, problems = check_bytes(LOOP.encode(), "loop.yaml")
    assert sc is not None, problems
    result = analyze(sc)
    assert result.exact
    seen: dict[str | None, list[float]] = {}

    def walk(plan: list[int]) -> None:
        s = Session(sc)
        for p in plan:
            s.choose(p)
        if s.is_over:
            seen.setdefault(s.ending_id, []).append(assess(s).score)
            return
        if len(plan) < 9:
            for i in range(len(s.choices())):
                walk([*plan, i])

    walk([])
    for ending, scores in seen.items():
        lo, hi = result.ending_scores[ending]
        assert lo <= min(scores) and max(scores) <= hi
    everything = [x for xs in seen.values() for x in xs]
    assert result.best.score >= max(everything) and result.worst.score <= min(everything)
    # the best needs 5 calming replies first (emotion 90 → 40): longer than any greedy walk
    assert result.best.ending == "won" and len(result.best.plan) >= 6


def test_reduced_graph_agrees_with_the_full_exploration() -> None:
    for name in ("tests/tools_data/cake.yaml", "gen60", "tests/tools_data/fair.yaml"):
        sc = _scenario(name)
        graph = build(sc)
        full = build(sc, reduce=False)
        assert graph.complete and full.complete
        assert len(graph.states) <= len(full.states)
        ends = {graph.ending_ids[-1 - t] for out in graph.edges for _, t in out if t < 0}
        assert ends == {full.ending_ids[-1 - t] for out in full.edges for _, t in out if t < 0}
        assert {graph.node_of(s) for s in range(len(graph.states))} == {
            full.node_of(s) for s in range(len(full.states))}


def test_a_long_chain_is_linear() -> None:
    """A chain of thousands of nodes: explored and scored exactly, quickly."""
    n = 3000
    lines = ["format: 1", "id: chain", "title: T", "summary: S", "difficulty: 1",
             "briefing: B", "customer: {name: N, role: R, emotion: 50, trust: 50}",
             "start: n0", "nodes:"]
    for i in range(n):
        nxt = f"n{i + 1}" if i + 1 < n else "done"
        lines += [f"  n{i}:", "    say: s", "    choices:",
                  f"      - {{reply: a, step: listen, quality: best, goto: {nxt}}}",
                  f"      - {{reply: b, step: listen, quality: poor, goto: {nxt}}}"]
    lines += ["endings:", "  done: {outcome: resolved, title: D}"]
    sc, problems = check_bytes("\n".join(lines).encode(), "chain.yaml")
    assert sc is not None, problems
    result = analyze(sc, budget=20)
    assert result.exact and result.states == n
    assert len(result.best.plan) == n
    assert result.seconds < 20


CONDITIONS = ["emotion >= 60", "trust < 20 and not asked", "learned(cause) or turn > 3",
              "(emotion <= 40 or trust >= 70) and asked", "count == 2", "count != -1",
              "visited(b)", "not (asked and learned(cause))", "emotion > trust"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 9), st.booleans(),
       st.integers(-2, 3), st.booleans(), st.booleans())
def test_compiled_conditions_match_the_parsed_ones(emotion: int, trust: int, turn: int,
                                                   asked: bool, count: int, cause: bool,
                                                   visited_b: bool) -> None:
    from sim.engine.compiled import Layout

    layout = Layout({"asked": 0, "count": 1}, {"cause": 1}, {"b": 1})
    state = (0, emotion, trust, turn, (asked, count), int(cause), int(visited_b))
    ctx = PlayContext(emotion, trust, turn, {"asked": asked, "count": count},
                      frozenset({"cause"} if cause else ()), frozenset({"b"} if visited_b
                                                                      else ()))
    for source in CONDITIONS:
        cond = parse_condition(source)
        assert bool(compile_condition(cond, layout)(state)) == cond.holds(ctx), source


def test_turn_compared_with_numbers_stays_exact() -> None:
    """A loop that counts turns: once past the largest number conditions compare the turn
    with, counts read alike, so the exploration ends and the result is exact."""
    text = LOOP.replace("{id: back, reply: r, step: listen, quality: good, goto: a}",
                        "{id: back, reply: r, step: listen, quality: good, goto: a}\n"
                        "      - {id: late, reply: r, if: turn > 6, goto: gone}")
    sc, problems = check_bytes(text.encode(), "turns.yaml")
    assert sc is not None, problems
    result = analyze(sc)
    assert result.exact
    late = [p for p in result.ending_high.values() if "late" in p.plan]
    assert result.endings["gone"] is not None
    assert all(len(p.plan) > 6 for p in late)
    compared = text.replace("if: turn > 6", "if: turn > trust")
    sc, _ = check_bytes(compared.encode(), "turns.yaml")
    assert sc is not None
    cut = analyze(sc, max_turns=30)
    assert not cut.proved["reachability"]  # compared with a meter: no cap, explored to 30


@pytest.mark.parametrize("name", ["gen60", "scenarios/overdue-records.yaml",
                                  "scenarios/deposit-rate.yaml",
                                  "scenarios/insurance-surrender.yaml"])
def test_worst_search_pruning_keeps_every_worst_score(name: str) -> None:
    """The worst-score search stops following situations that can lower no ending's
    score (once an ending has a play scoring 0); it finds the same worst score at every
    ending as the search that follows everything (which records, so never prunes)."""
    from sim.tools.analyze import _Search, ending_reach

    sc = _scenario(name)
    graph = build(sc)
    pruned = _Search(graph, False, float("inf"), 10**7, record=False)
    pruned.run()
    full = _Search(graph, False, float("inf"), 10**7, record=True)
    full.run()
    assert pruned.complete and full.complete
    assert len(pruned.key) <= len(full.key)
    assert {e: f[0] for e, f in pruned.ending_found.items()} == {
        e: f[0] for e, f in full.ending_found.items()}
    assert pruned.found is not None and full.found is not None
    assert pruned.found[0] == full.found[0]
    # every ending a play reaches is in the start's reach, and nothing else
    reach = ending_reach(graph)
    reached = {-1 - t for out in graph.edges for _, t in out if t < 0}
    assert reach[0] & ((1 << len(graph.ending_ids)) - 1) == sum(1 << e for e in reached)


LOOPED = textwrap.dedent("""\
    format: 1
    id: looped
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
          - {id: onward, reply: r, step: listen, quality: good, goto: b}
          - {id: done, reply: r, step: commit, quality: good, goto: happy}
      b:
        say: so?
        choices:
          - {id: back, reply: r, step: apologize, quality: good, goto: a}
          - {id: onward, reply: r, step: clarify, quality: good, goto: c}
      c:
        say: and?
        choices:
          - {id: back, reply: r, step: solve, quality: good, goto: b}
          - {id: leave, reply: r, step: solve, quality: harmful, goto: gone}
    endings:
      happy: {outcome: resolved, title: H}
      gone: {outcome: lost, title: L}
    """)


@pytest.mark.parametrize("name", ["tests/tools_data/cake.yaml", "gen60",
                                  "scenarios/insurance-surrender.yaml",
                                  "scenarios/deposit-rate.yaml", "looped"])
def test_ending_reach_is_what_a_walk_from_each_state_finds(name: str) -> None:
    """The endings each play state can reach, worked out once per strongly connected
    component, are those a plain walk from the state finds (loops included)."""
    from sim.tools.analyze import ending_reach, topological_rank

    graph = build(_scenario(name))
    if name == "looped":
        assert any(t >= 0 and t <= s for s, out in enumerate(graph.edges) for _, t in out)
    reach = ending_reach(graph)
    stuck = 1 << len(graph.ending_ids)

    def walk(start: int) -> int:
        seen, todo, bits = {start}, [start], 0
        while todo:
            sid = todo.pop()
            if graph.stuck(sid):
                bits |= stuck
            for _, target in graph.edges[sid]:
                if target < 0:
                    bits |= 1 << (-1 - target)
                elif target not in seen:
                    seen.add(target)
                    todo.append(target)
        return bits

    sample = random.Random(3).sample(range(len(graph.states)), min(400, len(graph.states)))
    assert all(reach[sid] == walk(sid) for sid in sample)
    # with the topological rank known, a graph without loops takes one pass back
    graph.rank = topological_rank(graph)
    graph.acyclic = all(t < 0 or graph.rank[t] > graph.rank[s]
                        for s, out in enumerate(graph.edges) for _, t in out)
    assert ending_reach(graph) == reach


@pytest.mark.parametrize("name", ["tests/tools_data/cake.yaml", "gen60",
                                  "scenarios/deposit-rate.yaml", "looped"])
def test_worth_is_the_same_by_either_pass(name: str) -> None:
    """Replies never worth choosing and harmful replies that pay come out the same from
    the one pass back (play states without loops) and from the walk back from the
    terminals (the way taken where there are loops)."""
    from sim.tools.analyze import MAX_LABELS, _Search, _worth

    graph = build(_scenario(name))
    search = _Search(graph, True, float("inf"), MAX_LABELS)
    search.run()
    offered = {(graph.node_of(sid), c) for sid, out in enumerate(graph.edges) for c, _ in out}
    one_pass = _worth(search, offered) if search._acyclic else None
    search._acyclic = False
    walked = _worth(search, offered)
    assert walked is not None
    if one_pass is not None:
        assert one_pass[0] == walked[0]
        assert [h.node for h in one_pass[1]] == [h.node for h in walked[1]]
    assert name != "looped" or one_pass is None  # the looped one has no one-pass route
