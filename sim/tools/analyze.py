"""``analyze``: what a scenario teaches — endings, best and worst scores, skipped steps.

Two explorations, both over distinct states, never over paths:

1. :mod:`sim.engine.statespace` explores every reachable *play state*: reachable endings
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

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from sim.coach.debrief import ORDER_PENALTY, OUTCOME_POINTS, STEP_POINTS
from sim.coach.scoring import HIGH_EMOTION
from sim.engine.statespace import (
    QUALITY_TENTHS,
    STEP_INDEX,
    PlayContext,
    StateSpace,
    can_end,
    explore,
    has_cycle,
    reach_avoiding,
)
from sim.scenario import STEPS, Scenario

log = logging.getLogger(__name__)

_RANK = {"best": 3, "good": 2, "poor": 1, "harmful": 1}
_STATUS = ("missed", "weak", "done", "excellent")
_PREMATURE = 1 << 20
# Set on merged states (see _Scoring.merge): count the order part at its most (10) or
# least (0) possible, so a merged state's score bounds those of the states it stands for.
_ORDER_HIGH = 1 << 21
_ORDER_LOW = 1 << 22
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
    #: ending → the highest-scoring play found that ends there
    ending_high: dict[str, Play] = field(default_factory=dict)
    #: decision points where a harmful reply beats a good one (None: not worked out)
    harmful_pays: list[Any] | None = None
    #: (lowest, highest) score any play could possibly get, when not exact
    score_bounds: tuple[float, float] | None = None
    #: False when the play-state exploration stopped early (reachability is partial)
    complete: bool = True

    def outcome_high(self) -> dict[str, tuple[float, str, list[str]]]:
        """Outcome → (highest score, ending, plan) among the plays found per ending."""
        out: dict[str, tuple[float, str, list[str]]] = {}
        for ending, play in self.ending_high.items():
            outcome = self.scenario.endings[ending].outcome
            if outcome not in out or play.score > out[outcome][0]:
                out[outcome] = (play.score, ending, play.plan)
        return out

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
            "complete": self.complete,
            "notes": self.notes,
            "play_states": self.states,
            "score_states": self.score_states,
            "endings": {e: {"outcome": sc.endings[e].outcome,
                            "reachable": p is not None,
                            "shortest": p.to_json() if p else None,
                            "score_range": list(self.ending_scores[e])
                            if e in self.ending_scores else None}
                        for e, p in self.endings.items()},
            "score_bounds": list(self.score_bounds) if self.score_bounds else None,
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
    if ss & _ORDER_HIGH:
        order = 10.0
    elif ss & _ORDER_LOW:
        order = 0.0
    return step_pts + order * solid / len(STEPS)


def _score(fixed: float, outcome: str, emotion: int, trust: int, count: int,
           tenths: int) -> float:
    quality = 15.0 * tenths / (10 * count) if count else 0.0
    total = fixed + quality + OUTCOME_POINTS.get(outcome, 0.0) + (100 - emotion) / 20 + trust / 20
    return max(0.0, min(100.0, round(total, 1)))


# --- replaying what was found -----------------------------------------------------------

def replay(scenario: Scenario, moves: list[Move]) -> Play:
    """Play ``moves`` as the engine does and assess them with the coach.

    The turns are built here rather than by :class:`sim.engine.Session`, whose state
    machine takes seconds to build for a scenario of thousands of nodes; the tests check
    that both give the same debriefs. The plan names replies as ``play --choices`` does.
    """
    from collections import Counter

    from sim.coach.debrief import assess_history
    from sim.engine import Turn

    emotion, trust = scenario.customer.emotion, scenario.customer.trust
    flags: dict[str, bool | int] = {}
    learned: set[str] = set()
    visits: Counter[str] = Counter({scenario.start: 1})
    turns: list[Turn] = []
    plan: list[str] = []
    ending: str | None = None

    def ctx() -> PlayContext:
        return PlayContext(emotion, trust, len(turns), flags, frozenset(learned), frozenset(visits))

    for node_id, index in moves:
        node = scenario.nodes[node_id]
        now = ctx()
        offered = tuple(i for i, c in enumerate(node.choices)
                        if c.when is None or c.when.holds(now))
        choice = node.choices[index]
        plan.append(choice.id or str(offered.index(index) + 1))
        before = (emotion, trust)
        emotion = max(0, min(100, emotion + choice.effects.emotion))
        trust = max(0, min(100, trust + choice.effects.trust))
        new = tuple(f for f in dict.fromkeys(choice.learn) if f not in learned)
        learned.update(new)
        flags.update(choice.set)
        turns.append(Turn(len(turns) + 1, node_id, index, choice.id, choice.step,
                          choice.quality, choice.pitfall, before[0], before[1], emotion,
                          trust, offered, new, None, ""))
        now = ctx()
        rule = next((r for r, rl in enumerate(scenario.rules) if rl.when.holds(now)), None)
        if rule is not None:
            dest = scenario.rules[rule].goto
        elif choice.goto is not None:
            dest = choice.goto
        else:
            dest = next(r.goto for r in choice.branch or () if r.when is None
                        or r.when.holds(now))
        turns[-1] = dataclasses.replace(turns[-1], rule=rule, dest=dest)
        visits[dest] += 1
        if dest in scenario.endings:
            ending = dest
    here = scenario.nodes.get(turns[-1].dest if turns else scenario.start)
    now = ctx()
    stuck = here is not None and not any(c.when is None or c.when.holds(now)
                                         for c in here.choices)
    debrief = assess_history(scenario, turns, ending, stuck=stuck)
    return Play(moves, ending, debrief.outcome, debrief.score, plan,
                {s: r.status for s, r in debrief.steps.items()})


# --- the analysis -----------------------------------------------------------------------

Key = tuple[int, int]  # (play state, scoring state)


def analyze(scenario: Scenario, *, max_turns: int = 60, max_states: int = 100_000,
            worth: bool = True, score_budget: int = 50_000) -> Analysis:
    """Analyse ``scenario``; ``max_turns`` bounds plays only where loops make them unbounded.

    ``score_budget`` is the number of scoring states each score search keeps apart before
    it merges them (and its results become bounds).
    """
    space = explore(scenario, max_turns=max_turns, max_states=max_states)
    notes: list[str] = ["the score searches model scoring version 1; the coach now scores "
                        "version 2, so best, worst and score ranges are real plays, not "
                        "proved extremes"]
    exact = False
    if not space.complete:
        notes.append(f"the exploration stopped early (conditions read 'turn' beyond "
                     f"{max_turns} replies, or more than {max_states} play states): "
                     "endings, nodes and replies not found may still be reachable, and "
                     "scores cover the plays explored")
    cyclic = has_cycle(space)
    if cyclic:
        exact = False
        notes.append(f"the scenario has a loop, so plays can be of any length; best and "
                     f"worst scores cover plays of up to {max_turns} replies")

    cap = max_turns if cyclic else None
    high = _Scoring(scenario, space, cap, "max", score_budget)
    high.run()
    low = _Scoring(scenario, space, cap, "min", score_budget)
    low.run()
    bounds: tuple[float, float] | None = None
    if high.stopped or low.stopped:
        exact = False
        bounds = _loose_bounds(scenario, space)
        notes.append(f"too many states to score every play (over {8 * high.budget}): best "
                     f"and worst are the extremes among the plays scored, and no play can "
                     f"score above {bounds[1]} or below {bounds[0]}")
    elif high.merged or low.merged:
        exact = False
        bounds = (low.found[0] if low.found else 0.0, high.found[0] if high.found else 0.0)
        notes.append(f"too many scoring states to keep apart (over {high.budget} per "
                     f"search): best and worst are real plays, and no play can score above "
                     f"{bounds[1]} or below {bounds[0]}; score ranges per ending are bounds")
    ending_high = {e: high.replay_found(scenario, found)
                   for e, found in high.ending_found.items()}
    ranges: dict[str, tuple[float, float]] = {
        e: (low.replay_found(scenario, low.ending_found[e]).score, ending_high[e].score)
        for e in high.ending_found}

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
    never_offered = [] if not space.complete else [
        (n, i) for n in scenario.nodes if n in reached
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
        scenario=scenario, states=len(space.states), score_states=high.count + low.count,
        exact=exact, notes=notes, endings=endings,
        ending_scores=ranges,
        best=high.replay_found(scenario, high.found) if high.found else None,
        worst=low.replay_found(scenario, low.found) if low.found else None,
        resolved_without=_resolved_without(scenario, space),
        never_reached=never_reached, dead_ends=dead_ends, traps=traps,
        never_offered=never_offered,
        steps_never_offered=[s for s in STEPS if s not in steps_offered],
        score_bounds=bounds,
        complete=space.complete,
        ending_high=ending_high,
    )
    if worth and not cyclic and not high.merged:
        analysis.never_worth = high.never_worth(offered)
        analysis.harmful_pays = high.harmful if exact else None
    return analysis


def _dominates(a: int, b: int, maximise: bool) -> bool:
    """Scoring state ``a`` is at least as good as ``b`` whatever follows (same steps
    attempted assumed): statuses no lower, no more steps pending or premature flag."""
    if not maximise:
        a, b = b, a
    if (a >> 10) & ~(b >> 10):
        return False
    return all((a >> (2 * s)) & 3 >= (b >> (2 * s)) & 3 for s in range(len(STEPS)))


def _loose_bounds(scenario: Scenario, space: StateSpace) -> tuple[float, float]:
    """Scores no play can go beyond: every ending's outcome and final meters are known
    exactly; steps, quality and order are taken at their extremes."""
    low, high = 100.0, 0.0
    for sid, edges in enumerate(space.edges):
        ends = [(e.ending, e.emotion, e.trust) for e in edges if e.target < 0]
        if not edges and sid not in space.partial:
            ends.append((None, space.states[sid][1], space.states[sid][2]))
        for ending, emotion, trust in ends:
            outcome = scenario.endings[ending].outcome if ending else "unfinished"
            fixed = OUTCOME_POINTS.get(outcome, 0.0) + (100 - emotion) / 20 + trust / 20
            low = min(low, fixed)
            high = max(high, fixed + 40 + 15 + 10)
    return round(max(0.0, low), 1), round(min(100.0, high), 1)


def _resolved_without(scenario: Scenario, space: StateSpace) -> dict[str, Play]:
    """For each method step, a shortest play to a resolved ending that never takes it."""
    resolved = [e for e, end in scenario.endings.items() if end.outcome == "resolved"]
    out: dict[str, Play] = {}
    for step in STEPS:
        avoid = {(n, i) for n, node in scenario.nodes.items()
                 for i, c in enumerate(node.choices) if c.step == step}
        reached = reach_avoiding(space, avoid)
        plays = [reached[e] for e in resolved if e in reached]
        if plays:
            out[step] = replay(scenario, min(plays, key=len))
    return out


class _Scoring:
    """Layered exploration of (play state, scoring state) by number of replies given.

    One instance looks for the highest scores (``mode`` "max", keeping the highest
    quality sum per state), another for the lowest ("min"). Within a layer, a state is
    dropped when another with the same play state and the same steps attempted is at
    least as good for the search's direction in every part of the score (statuses,
    order, premature solution, quality sum): whatever follows, it can't end better
    (or, for "min", worse), so the result stays exact.
    """

    def __init__(self, scenario: Scenario, space: StateSpace, cap: int | None, mode: str,
                 budget: int = 50_000):
        self.sc = scenario
        self.budget = budget
        #: True once states were merged to stay within ``budget`` (results become bounds)
        self.merged = False
        #: True when the search gave up after ``8 × budget`` states (long loops, huge files)
        self.stopped = False
        self.space = space
        self.cap = cap
        self.mode = mode
        self.count = 0
        nodes = [scenario.nodes[n] for n in space.node_ids]
        # per node, per choice: (method step index or −1, rank, quality tenths, is solve)
        self.info = [[(STEP_INDEX.get(c.step, -1) if c.step else -1, _RANK[c.quality],
                       QUALITY_TENTHS[c.quality], c.step == "solve") for c in node.choices]
                     for node in nodes]
        self.layers: list[dict[Key, list[Any]]] = []
        self.found: tuple[float, int, Key, int] | None = None
        self.ending_found: dict[str, tuple[float, int, Key, int]] = {}
        self._fixed: dict[int, float] = {}
        #: filled by :meth:`never_worth`: decision points where a harmful reply pays
        self.harmful: list[Any] = []
        self._adv: dict[tuple[int, int, int, bool], int] = {}

    def fixed(self, ss: int) -> float:
        value = self._fixed.get(ss)
        if value is None:
            value = self._fixed[ss] = _fixed_points(ss)
        return value

    def better(self, a: float, b: float) -> bool:
        return a > b if self.mode == "max" else a < b

    def terminal(self, layer: int, key: Key, choice: int, ss: int, ending: str | None,
                 emotion: int, trust: int, count: int, total: int) -> None:
        outcome = self.sc.endings[ending].outcome if ending else "unfinished"
        score = _score(self.fixed(ss), outcome, emotion, trust, count, total)
        here = (score, layer, key, choice)
        if self.found is None or self.better(score, self.found[0]):
            self.found = here
        if ending:
            old = self.ending_found.get(ending)
            if old is None or self.better(score, old[0]):
                self.ending_found[ending] = here

    def node(self, key: Key) -> str:
        return self.space.node_of(key[0])

    def run(self) -> None:
        space = self.space
        layer: dict[Key, list[Any]] = {(0, 0): [0, None]}
        m = 0
        maximise = self.mode == "max"
        while layer:
            self.layers.append(layer)
            self.count += len(layer)
            if self.cap is not None and m >= self.cap:
                break
            if self.count > 8 * self.budget:
                self.stopped = self.merged = True
                break
            nxt: dict[Key, list[Any]] = {}
            for key, (total, _) in layer.items():
                sid, ss = key
                edges = space.edges[sid]
                if not edges:  # stuck: the play ends here, unfinished
                    if sid in space.partial:
                        continue  # not stuck: its replies lead beyond the exploration
                    st = space.states[sid]
                    if m:
                        self.terminal(m - 1, key, -1, ss, None, st[1], st[2], m, total)
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
                                      edge.trust, m + 1, total + q)
                        continue
                    k2 = (edge.target, ss2)
                    entry = nxt.get(k2)
                    if entry is None:
                        nxt[k2] = [total + q, (key, edge.choice)]
                    elif (total + q > entry[0]) if maximise else (total + q < entry[0]):
                        entry[0], entry[1] = total + q, (key, edge.choice)
            layer = self.prune(nxt)
            m += 1

    def prune(self, layer: dict[Key, list[Any]]) -> dict[Key, list[Any]]:
        """Drop the states another state of the same layer dominates (see the class doc)."""
        if self.count + len(layer) > self.budget:
            return self.merge(layer)
        groups: dict[tuple[int, int], list[Key]] = {}
        for key in layer:
            ss = key[1]
            attempted = 0
            for s in range(len(STEPS)):
                if (ss >> (2 * s)) & 3:
                    attempted |= 1 << s
            groups.setdefault((key[0], attempted), []).append(key)
        maximise = self.mode == "max"
        for keys in groups.values():
            if len(keys) < 2:
                continue
            keys.sort(key=lambda k: layer[k][0], reverse=maximise)
            kept: list[Key] = []
            for key in keys:
                ss = key[1]
                if any(_dominates(k[1], ss, maximise) for k in kept):
                    del layer[key]
                else:
                    kept.append(key)
        return layer

    def merge(self, layer: dict[Key, list[Any]]) -> dict[Key, list[Any]]:
        """Past the budget: merge all states of one play state into one that scores at
        least as high (for "max"; as low for "min") as each of them, whatever follows.

        Statuses take the highest (lowest) of the merged, the quality sum likewise, and
        the order part counts as 10 (0). The search then gives a bound — never below the
        true best, never above the true worst — and its play, followed through the
        highest (lowest) quality sums, a real score.
        """
        self.merged = True
        maximise = self.mode == "max"
        pick = max if maximise else min
        flag = _ORDER_HIGH if maximise else _ORDER_LOW
        out: dict[int, tuple[int, list[Any]]] = {}
        for (sid, ss), entry in layer.items():
            old = out.get(sid)
            if old is None:
                out[sid] = ((ss & 0x3FF) | flag, entry)
                continue
            oss, oentry = old
            status = flag
            for s in range(len(STEPS)):
                status |= pick((ss >> (2 * s)) & 3, (oss >> (2 * s)) & 3) << (2 * s)
            better = entry if (entry[0] > oentry[0]) == maximise else oentry
            out[sid] = (status, [pick(entry[0], oentry[0]), better[1]])
        return {(sid, ss): entry for sid, (ss, entry) in out.items()}

    def moves(self, layer: int, key: Key) -> list[Move]:
        """The replies of the play this search kept for ``key`` in ``layer``."""
        out: list[Move] = []
        while layer > 0:
            prev, choice = self.layers[layer][key][1]
            out.append((self.node(prev), choice))
            key, layer = prev, layer - 1
        out.reverse()
        return out

    def replay_found(self, scenario: Scenario, found: tuple[float, int, Key, int]) -> Play:
        _, layer, key, choice = found
        moves = self.moves(layer, key)
        if choice >= 0:
            moves.append((self.node(key), choice))
        return replay(scenario, moves)

    def never_worth(self, offered: set[Move]) -> list[Move]:
        """Replies that in no reachable situation lead to the best score still possible.

        Conservative: where a reply leads to a state the search dropped as dominated, no
        claim is made about it (it is not listed). A backward pass over the layers: for
        each state, the best final score as a function of the quality sum so far is the
        upper envelope of lines, one per final reply count; each state is asked at the
        highest quality sum that reaches it.
        """
        value: dict[Key, dict[int, float]] = {}
        worth: set[Move] = set()
        space = self.space
        harmful_seen: set[str] = set()
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
                unknown: list[int] = []
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
                        after = below.get((edge.target, ss2))
                        if after is None:  # a dominated state, not kept: value unknown
                            unknown.append(edge.choice)
                            continue
                        lines = {n: a + 1.5 * q / n for n, a in after.items()}
                    per_choice.append((edge.choice, lines))
                worth.update((node, c) for c in unknown)  # no claim about these
                if unknown:
                    continue  # the value of this state is not known either
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
                self._note_harmful(node, vals, harmful_seen)
                worth.update((node, c) for c, v in vals if v >= top - 1e-9)
                merged: dict[int, float] = {}
                for _, lines in per_choice:
                    for n, a in lines.items():
                        if a > merged.get(n, -1e18):
                            merged[n] = a
                value[key] = merged
        self.harmful.sort(key=lambda h: list(self.sc.nodes).index(h.node))
        return sorted(m for m in offered if m not in worth)

    def _note_harmful(self, node: str, vals: list[tuple[int, float]], seen: set[str]) -> None:
        """Record (once per node) a harmful reply whose best continuation beats that of
        every good or best reply on offer in the same play state."""
        if node in seen:
            return
        choices = self.sc.nodes[node].choices
        good = [(c, v) for c, v in vals if choices[c].quality in ("good", "best")]
        harmful = [(c, v) for c, v in vals if choices[c].quality == "harmful"]
        if not good or not harmful:
            return
        hc, hv = max(harmful, key=lambda cv: cv[1])
        gc, gv = max(good, key=lambda cv: cv[1])
        if round(hv, 1) > round(gv, 1):
            from sim.tools.audit import HarmfulPays

            seen.add(node)
            self.harmful.append(HarmfulPays(node, hc, gc, round(hv, 1), round(gv, 1)))
