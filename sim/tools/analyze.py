"""``analyze``: what a scenario teaches — endings, best and worst scores, skipped steps.

Two explorations, both over distinct states, never over paths:

1. :mod:`sim.tools.statespace` explores every reachable *play state*: reachable endings
   with a shortest play to each, replies never offered, nodes never reached, nodes from
   which no ending can be reached, steps never offered.
2. Scoring states add what the debrief's score depends on beyond the play state (see
   :mod:`sim.coach.debrief`): each step's status (missed/weak/done/excellent), for each
   step the earlier steps not yet done well when it was first attempted (order), whether
   a solution came while emotion was ≥ 70, and — for the reply-quality average — the
   number of replies given. States are explored in layers of equal reply count,
   keeping for each the highest and the lowest sum of reply qualities that reach it
   (the score rises with that sum when all else is equal), so the best and worst
   score are exact.

Where exact, where bounded: everything is exact when the play-state graph has no cycle
(each play has a bounded length) and the exploration was not cut short. A scenario with
a loop allows plays of any length; scoring then covers plays of up to ``max_turns``
replies, and the result says ``"exact": false``. Every score reported is the debrief's
own score for a real play, replayed through the engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sim.coach import assess
from sim.coach.debrief import HIGH_EMOTION, ORDER_PENALTY, OUTCOME_POINTS, STEP_POINTS
from sim.engine import Session
from sim.scenario import STEPS, Scenario
from sim.tools.statespace import (
    QUALITY_TENTHS,
    STEP_INDEX,
    StateSpace,
    can_end,
    explore,
    has_cycle,
)

log = logging.getLogger(__name__)

_RANK = {"best": 3, "good": 2, "poor": 1, "harmful": 1}
_STATUS = ("missed", "weak", "done", "excellent")
_PREMATURE = 1 << 20
# Bits of a scoring state: 2 per step for its status (0 missed .. 3 excellent), then, per
# step L, the earlier steps not yet done well when L was first attempted (the coach calls
# L out of order if one of those is attempted at some point), then the premature flag.
_PENDING = tuple(10 + L * (L - 1) // 2 for L in range(len(STEPS)))

Move = tuple[str, int]  # (node id, choice index in the node)


@dataclass
class Play:
    """One play found by the analysis, replayed through the engine and the coach."""

    moves: list[Move]
    ending: str | None
    outcome: str
    score: float
    plan: list[str]
    steps: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"ending": self.ending, "outcome": self.outcome, "score": self.score,
                "replies": len(self.moves), "plan": self.plan,
                "moves": [{"node": n, "choice": self.plan[i]}
                          for i, (n, _) in enumerate(self.moves)],
                "steps": self.steps}


@dataclass
class Analysis:
    """Everything ``analyze`` finds about one scenario (see :meth:`to_json`)."""

    scenario: Scenario
    states: int
    score_states: int
    exact: bool
    notes: list[str]
    endings: dict[str, Play | None]
    ending_scores: dict[str, tuple[float, float]]
    best: Play | None
    worst: Play | None
    resolved_without: dict[str, Play]
    never_reached: list[str]
    dead_ends: list[str]
    traps: dict[str, Play]
    never_offered: list[Move]
    steps_never_offered: list[str]
    never_worth: list[Move] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The analysis as JSON-ready data; ``exact`` says whether scores are exact."""
        sc = self.scenario

        def choice_ref(move: Move) -> dict[str, Any]:
            node, i = move
            c = sc.nodes[node].choices[i]
            return {"node": node, "choice": c.id or str(i + 1), "quality": c.quality,
                    "step": c.step, "line": sc.line_of("nodes", node, "choices", i)}

        return {
            "scenario": sc.id,
            "exact": self.exact,
            "notes": self.notes,
            "play_states": self.states,
            "score_states": self.score_states,
            "endings": {e: {"outcome": sc.endings[e].outcome,
                            "reachable": p is not None,
                            "shortest": p.to_json() if p else None,
                            "score_range": list(self.ending_scores[e])
                            if e in self.ending_scores else None}
                        for e, p in self.endings.items()},
            "best": self.best.to_json() if self.best else None,
            "worst": self.worst.to_json() if self.worst else None,
            "resolved_without_step": {s: p.to_json() for s, p in self.resolved_without.items()},
            "steps_never_offered": self.steps_never_offered,
            "nodes_never_reached": self.never_reached,
            "dead_ends": self.dead_ends,
            "traps": {n: p.to_json() for n, p in self.traps.items()},
            "choices_never_offered": [choice_ref(m) for m in self.never_offered],
            "choices_never_worth_choosing": [choice_ref(m) for m in self.never_worth],
        }


# --- the score, from the parts the scoring states keep ----------------------------------

def _status(ss: int, step: int) -> int:
    return (ss >> (2 * step)) & 3


def _advance(ss: int, step: int, rank: int, solve_hot: bool) -> int:
    """The scoring state after a reply of method ``step`` (−1: none) and quality ``rank``."""
    if step >= 0:
        cur = _status(ss, step)
        if cur == 0:  # first attempt: which earlier steps are not yet done well?
            pending = 0
            for earlier in range(step):
                if _status(ss, earlier) < 2:
                    pending |= 1 << earlier
            ss |= pending << _PENDING[step]
        if rank > cur:
            ss = (ss & ~(3 << (2 * step))) | (rank << (2 * step))
    if solve_hot:
        ss |= _PREMATURE
    return ss


def _fixed_points(ss: int) -> float:
    """Points for method steps and order (the parts fixed by the scoring state)."""
    statuses = [_status(ss, s) for s in range(len(STEPS))]
    step_pts = sum(STEP_POINTS[_STATUS[v]] for v in statuses)
    attempted = sum(1 << s for s, v in enumerate(statuses) if v)
    flagged = sum(1 for later in range(1, len(STEPS)) if statuses[later]
                  and (ss >> _PENDING[later]) & ((1 << later) - 1) & attempted)
    premature = bool(ss & _PREMATURE)
    solid = sum(v >= 2 for v in statuses)
    order = max(0.0, 10.0 - ORDER_PENALTY * flagged - (ORDER_PENALTY if premature else 0.0))
    return step_pts + order * solid / len(STEPS)


def _score(fixed: float, outcome: str, emotion: int, trust: int, count: int,
           tenths: int) -> float:
    quality = 15.0 * tenths / (10 * count) if count else 0.0
    total = fixed + quality + OUTCOME_POINTS.get(outcome, 0.0) + (100 - emotion) / 20 + trust / 20
    return max(0.0, min(100.0, round(total, 1)))


# --- replaying what was found -----------------------------------------------------------

def replay(scenario: Scenario, moves: list[Move], preset: dict[str, Any] | None = None) -> Play:
    """Play ``moves`` through the engine and the coach; the plan names replies as `play` does."""
    session = Session(scenario, **(preset or {}))
    plan: list[str] = []
    for node, index in moves:
        offered = session.choices()
        number = next(o.number for o in offered if o.index == index)
        choice = scenario.nodes[node].choices[index]
        plan.append(choice.id or str(number))
        session.choose(number - 1)
    debrief = assess(session)
    return Play(moves, session.ending_id, debrief.outcome, debrief.score, plan,
                {s: r.status for s, r in debrief.steps.items()})


# --- the analysis -----------------------------------------------------------------------

Key = tuple[int, int]  # (play state, scoring state)


def analyze(scenario: Scenario, *, max_turns: int = 60, max_states: int = 2_000_000,
            worth: bool = True) -> Analysis:
    """Analyse ``scenario``; ``max_turns`` bounds plays only where loops make them unbounded."""
    space = explore(scenario, max_turns=max_turns, max_states=max_states)
    notes: list[str] = []
    exact = space.complete
    if not space.complete:
        notes.append(f"the exploration stopped early (conditions read 'turn' beyond "
                     f"{max_turns} replies, or more than {max_states} play states); "
                     "results cover the plays explored")
    cyclic = has_cycle(space)
    if cyclic:
        exact = False
        notes.append(f"the scenario has a loop, so plays can be of any length; best and "
                     f"worst scores cover plays of up to {max_turns} replies")

    scoring = _Scoring(scenario, space, None if not cyclic else max_turns)
    scoring.run()

    # endings: shortest play to each (breadth-first order of the play-state exploration)
    endings: dict[str, Play | None] = {}
    for ending in scenario.endings:
        first = space.ending_first.get(ending)
        if first is None:
            endings[ending] = None
        else:
            sid, choice = first
            moves = [*space.path_to(sid), (space.node_of(sid), choice)]
            endings[ending] = replay(scenario, moves)

    # nodes and replies
    reached = {space.node_of(s) for s in range(len(space.states))}
    never_reached = [n for n in scenario.nodes if n not in reached]
    offered: set[Move] = set()
    for sid, edges in enumerate(space.edges):
        node = space.node_of(sid)
        offered.update((node, e.choice) for e in edges)
    never_offered = [(n, i) for n in scenario.nodes if n in reached
                     for i in range(len(scenario.nodes[n].choices)) if (n, i) not in offered]
    steps_offered = {scenario.nodes[n].choices[i].step for n, i in offered}
    good = can_end(space)
    by_node: dict[str, list[int]] = {}
    for sid in range(len(space.states)):
        by_node.setdefault(space.node_of(sid), []).append(sid)
    dead_ends = [n for n, sids in by_node.items() if not any(good[s] for s in sids)]
    traps: dict[str, Play] = {}
    for n, sids in by_node.items():
        if n in dead_ends:
            continue
        bad = [s for s in sids if not good[s]]
        if bad:
            traps[n] = replay(scenario, space.path_to(bad[0]))

    analysis = Analysis(
        scenario=scenario, states=len(space.states), score_states=scoring.count,
        exact=exact, notes=notes, endings=endings,
        ending_scores=scoring.ending_range(scenario),
        best=scoring.play(scenario, "best"), worst=scoring.play(scenario, "worst"),
        resolved_without={STEPS[s]: replay(scenario, m)
                          for s, m in sorted(scoring.without.items())},
        never_reached=never_reached, dead_ends=dead_ends, traps=traps,
        never_offered=never_offered,
        steps_never_offered=[s for s in STEPS if s not in steps_offered],
    )
    if worth and not cyclic:
        analysis.never_worth = scoring.never_worth(offered)
    return analysis


class _Scoring:
    """Layered exploration of (play state, scoring state) by number of replies given."""

    def __init__(self, scenario: Scenario, space: StateSpace, cap: int | None):
        self.sc = scenario
        self.space = space
        self.cap = cap
        self.count = 0
        nodes = [scenario.nodes[n] for n in space.node_ids]
        # per node, per choice: (method step index or −1, rank, quality tenths, is solve)
        self.info = [[(STEP_INDEX.get(c.step, -1) if c.step else -1, _RANK[c.quality],
                       QUALITY_TENTHS[c.quality], c.step == "solve") for c in node.choices]
                     for node in nodes]
        self.layers: list[dict[Key, list[Any]]] = []
        self.best: tuple[float, int, Key, int, str | None] | None = None
        self.worst: tuple[float, int, Key, int, str | None] | None = None
        self.ending_found: dict[str, tuple[Any, Any]] = {}
        self.without: dict[int, list[Move]] = {}
        self._fixed: dict[int, float] = {}
        self._adv: dict[tuple[int, int, int, bool], int] = {}

    def fixed(self, ss: int) -> float:
        value = self._fixed.get(ss)
        if value is None:
            value = self._fixed[ss] = _fixed_points(ss)
        return value

    def terminal(self, layer: int, key: Key, choice: int, ss: int, ending: str | None,
                 emotion: int, trust: int, count: int, hi: int, lo: int) -> None:
        outcome = self.sc.endings[ending].outcome if ending else "unfinished"
        fixed = self.fixed(ss)
        top = _score(fixed, outcome, emotion, trust, count, hi)
        bottom = _score(fixed, outcome, emotion, trust, count, lo)
        if self.best is None or top > self.best[0]:
            self.best = (top, layer, key, choice, "max")  # type: ignore[assignment]
        if self.worst is None or bottom < self.worst[0]:
            self.worst = (bottom, layer, key, choice, "min")  # type: ignore[assignment]
        if ending:
            low, high = self.ending_found.get(ending, (None, None))
            if high is None or top > high[0]:
                high = (top, layer, key, choice, "max")
            if low is None or bottom < low[0]:
                low = (bottom, layer, key, choice, "min")
            self.ending_found[ending] = (low, high)
        if outcome == "resolved":
            for s in range(len(STEPS)):
                if _status(ss, s) == 0 and s not in self.without:
                    self.without[s] = [*self.moves(layer, key, "max"), (self.node(key), choice)]

    def node(self, key: Key) -> str:
        return self.space.node_of(key[0])

    def run(self) -> None:
        space = self.space
        layer: dict[Key, list[Any]] = {(0, 0): [0, 0, None, None]}
        m = 0
        while layer:
            self.layers.append(layer)
            self.count += len(layer)
            if self.cap is not None and m >= self.cap:
                break
            nxt: dict[Key, list[Any]] = {}
            for key, (hi, lo, _, _) in layer.items():
                sid, ss = key
                edges = space.edges[sid]
                if not edges:  # stuck: the play ends here, unfinished
                    st = space.states[sid]
                    if m:
                        self.terminal_stuck(m, key, st[1], st[2], hi, lo)
                    continue
                info = self.info[space.states[sid][0]]
                emotion_before = space.states[sid][1]
                for edge in edges:
                    step, rank, q, solve = info[edge.choice]
                    hot = solve and emotion_before >= HIGH_EMOTION
                    ak = (ss, step, rank, hot)
                    ss2 = self._adv.get(ak)
                    if ss2 is None:
                        ss2 = self._adv[ak] = _advance(ss, step, rank, hot)
                    if edge.target < 0:
                        self.terminal(m, key, edge.choice, ss2, edge.ending, edge.emotion,
                                      edge.trust, m + 1, hi + q, lo + q)
                        continue
                    k2 = (edge.target, ss2)
                    entry = nxt.get(k2)
                    if entry is None:
                        nxt[k2] = [hi + q, lo + q, (key, edge.choice), (key, edge.choice)]
                    else:
                        if hi + q > entry[0]:
                            entry[0], entry[2] = hi + q, (key, edge.choice)
                        if lo + q < entry[1]:
                            entry[1], entry[3] = lo + q, (key, edge.choice)
            layer = nxt
            m += 1

    def terminal_stuck(self, layer: int, key: Key, emotion: int, trust: int, hi: int,
                       lo: int) -> None:
        """A play that reached a node where nothing is on offer (reported as unfinished)."""
        fixed = self.fixed(key[1])
        top = _score(fixed, "unfinished", emotion, trust, layer, hi)
        bottom = _score(fixed, "unfinished", emotion, trust, layer, lo)
        if self.best is None or top > self.best[0]:
            self.best = (top, layer, key, -1, "max")  # type: ignore[assignment]
        if self.worst is None or bottom < self.worst[0]:
            self.worst = (bottom, layer, key, -1, "min")  # type: ignore[assignment]

    def moves(self, layer: int, key: Key, which: str) -> list[Move]:
        """The replies of the highest ('max') or lowest ('min') quality play to ``key``."""
        out: list[Move] = []
        slot = 2 if which == "max" else 3
        while layer > 0:
            prev, choice = self.layers[layer][key][slot]
            out.append((self.node(prev), choice))
            key, layer = prev, layer - 1
        out.reverse()
        return out

    def ending_range(self, scenario: Scenario) -> dict[str, tuple[float, float]]:
        """Lowest and highest score of each reachable ending: debrief scores of real plays."""
        out: dict[str, tuple[float, float]] = {}
        for ending, (low, high) in self.ending_found.items():
            out[ending] = (self.replay_found(scenario, low).score,
                           self.replay_found(scenario, high).score)
        return out

    def play(self, scenario: Scenario, which: str) -> Play | None:
        found = self.best if which == "best" else self.worst
        if found is None:
            return None
        return self.replay_found(scenario, found)

    def replay_found(self, scenario: Scenario, found: Any) -> Play:
        _, layer, key, choice, slot = found
        moves = self.moves(layer, key, slot)
        if choice >= 0:
            moves.append((self.node(key), choice))
        return replay(scenario, moves)

    def never_worth(self, offered: set[Move]) -> list[Move]:
        """Replies that in no reachable situation lead to the best score still possible.

        A backward pass over the layers: for each state, the best final score as a
        function of the quality sum so far is the upper envelope of lines, one per final
        reply count; each state is asked at the highest quality sum that reaches it.
        """
        value: dict[Key, dict[int, float]] = {}
        worth: set[Move] = set()
        space = self.space
        for m in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[m]
            below = value
            value = {}
            for key, entry in layer.items():
                sid, ss = key
                node = space.node_of(sid)
                info = self.info[space.states[sid][0]]
                emotion_before = space.states[sid][1]
                per_choice: list[tuple[int, dict[int, float]]] = []
                for edge in space.edges[sid]:
                    step, rank, q, solve = info[edge.choice]
                    hot = solve and emotion_before >= HIGH_EMOTION
                    ss2 = self._adv.get((ss, step, rank, hot))
                    if ss2 is None:
                        ss2 = _advance(ss, step, rank, hot)
                    lines: dict[int, float]
                    if edge.target < 0:
                        outcome = self.sc.endings[edge.ending].outcome if edge.ending else ""
                        n = m + 1
                        lines = {n: _score(self.fixed(ss2), outcome, edge.emotion, edge.trust,
                                           n, 0) + 1.5 * q / n}
                    else:
                        after = below.get((edge.target, ss2), {})
                        lines = {n: a + 1.5 * q / n for n, a in after.items()}
                    per_choice.append((edge.choice, lines))
                if not per_choice:
                    st = space.states[sid]
                    if m:
                        value[key] = {m: _score(self.fixed(ss), "unfinished", st[1], st[2], m,
                                                0)}
                    continue
                x = entry[0]
                vals = [(c, max((a + 1.5 * x / n for n, a in lines.items()), default=-1.0))
                        for c, lines in per_choice]
                top = max(v for _, v in vals)
                worth.update((node, c) for c, v in vals if v >= top - 1e-9)
                merged: dict[int, float] = {}
                for _, lines in per_choice:
                    for n, a in lines.items():
                        if a > merged.get(n, -1e18):
                            merged[n] = a
                value[key] = merged
        return sorted(m for m in offered if m not in worth)
