"""``analyze``: what a scenario teaches — endings, best and worst scores, skipped steps.

Everything is found over distinct situations, never over paths, and only what was
proved is claimed:

1. :mod:`sim.engine.playgraph` explores every reduced *play state* (the node and only
   what conditions can still read): reachable endings with a shortest play to each,
   replies never offered, nodes never reached, dead ends and traps, steps skipped.
2. Two searches over (play state, :class:`~sim.coach.scoring.Tally`, meters) — the
   tally is the coach's own summary of what the score depends on, folded with
   :func:`~sim.coach.scoring.tally_advance` and scored with
   :func:`~sim.coach.scoring.tally_score`, so the analysis follows the coach's formula
   wherever it goes. One search keeps, per play state, only situations no other beats in
   every respect (:func:`~sim.coach.scoring.dominates`, lower emotion, higher trust),
   the other those no other undercuts; what they drop can't end better (worse), so the
   best and worst scores, per ending and overall, are exact — for plays of any length,
   loops included, since the situations are finitely many. No score is below 0, so the
   worst-score search stops following a situation once every ending it can still reach
   (:func:`ending_reach`) has a play scoring 0.

Where a budget (time, states) runs out before an exploration is complete, the result
says which parts are proved (``proved``) and claims nothing else: no unreachability, no
bound. Every play reported is replayed through the coach (:func:`replay`), and its
score is the debrief's.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sim.coach.scoring import (
    CODE_AT_LEAST,
    CRITICAL_CAP,
    CRITICAL_PENALTY,
    HARM_CAP,
    HARM_PENALTY,
    HIGH_EMOTION,
    METER_POINTS,
    OUTCOME_CEILING,
    UNFINISHED_CEILING,
    Tally,
    ceiling_of,
    step_and_order_points,
    tally_advance,
    tally_start,
)
from sim.engine.playgraph import (
    HandPlay,
    PlayGraph,
    build,
    can_end,
    paused_gc,
    reach_avoiding_step,
    steps_offered,
)
from sim.scenario import STEPS, Scenario

log = logging.getLogger(__name__)

Move = tuple[str, int]  # (node id, choice index in the node)

#: default CPU budget of one analysis, in seconds: every shipped scenario needs under 2
#: and the generated 2,000-node one about 2; with loading, the audit and the report,
#: the whole command stays well under 10 s on any file the loader accepts
DEFAULT_BUDGET = 4.0
#: situations one score search keeps apart before it stops: with the play states below,
#: this keeps an analysis under 1 GB (about 1 kB a situation, 0.5 kB a play state)
MAX_LABELS = 600_000
#: play states explored before the exploration stops (bounds memory)
MAX_STATES = 600_000
#: the worst-score search prunes (see :func:`ending_reach`) only below this many endings,
#: so that the endings a state can reach fit in a machine word or two
PRUNE_ENDINGS = 64
#: traps listed with an example play (each replay costs a play's length)
MAX_TRAP_PLAYS = 20


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
    """Everything ``analyze`` finds about one scenario (see :meth:`to_json`).

    ``proved`` says which parts are exact: ``reachability`` (endings, nodes and replies
    not found are truly unreachable), ``best`` and ``worst`` (the extremes over every
    play), ``ranges`` (each ending's score range). ``exact`` is all of them.
    """

    scenario: Scenario
    states: int
    score_states: int
    notes: list[str]
    endings: dict[str, Play | None]
    ending_scores: dict[str, tuple[float, float]]
    best: Play | None
    worst: Play | None
    resolved_without: dict[str, Play | None]
    never_reached: list[str]
    dead_ends: list[str]
    traps: dict[str, Play | None]
    never_offered: list[Move]
    steps_never_offered: list[str]
    proved: dict[str, bool]
    never_worth: list[Move] = field(default_factory=list)
    #: ending → the highest-scoring play that ends there
    ending_high: dict[str, Play] = field(default_factory=dict)
    #: decision points where a harmful reply beats a good one (None: not worked out)
    harmful_pays: list[Any] | None = None
    seconds: float = 0.0
    #: endings some play explored reaches (its shortest play may not be shown: the
    #: time ran out before it was replayed)
    reached_endings: set[str] = field(default_factory=set)

    @property
    def exact(self) -> bool:
        """True when every part of the analysis is proved."""
        return all(self.proved.values())

    @property
    def complete(self) -> bool:
        """True when the play-state exploration was complete (reachability is exact)."""
        return self.proved["reachability"]

    def outcome_high(self) -> dict[str, tuple[float, str, list[str]]]:
        """Outcome → (highest score, ending, plan) among the plays found per ending."""
        out: dict[str, tuple[float, str, list[str]]] = {}
        for ending, play in self.ending_high.items():
            outcome = self.scenario.endings[ending].outcome
            if outcome not in out or play.score > out[outcome][0]:
                out[outcome] = (play.score, ending, play.plan)
        return out

    def to_json(self) -> dict[str, Any]:
        """The analysis as JSON-ready data; ``exact`` says whether everything is proved."""
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
            "proved": dict(self.proved),
            "notes": self.notes,
            "play_states": self.states,
            "score_states": self.score_states,
            "cpu_seconds": round(self.seconds, 2),
            "endings": {e: {"outcome": sc.endings[e].outcome,
                            "reachable": True if p is not None or e in self.reached_endings else (
                                False if self.complete else None),
                            "shortest": p.to_json() if p else None,
                            "score_range": list(self.ending_scores[e])
                            if e in self.ending_scores and self.proved["ranges"] else None}
                        for e, p in self.endings.items()},
            "best": self.best.to_json() if self.best else None,
            "worst": self.worst.to_json() if self.worst else None,
            "resolved_without_step": {s: p.to_json() if p else None
                                      for s, p in self.resolved_without.items()},
            "steps_never_offered": self.steps_never_offered,
            "nodes_never_reached": self.never_reached,
            "dead_ends": self.dead_ends,
            "traps": {n: p.to_json() if p else None for n, p in self.traps.items()},
            "choices_never_offered": [choice_ref(m) for m in self.never_offered],
            "choices_never_worth_choosing": [choice_ref(m) for m in self.never_worth],
        }


# --- replaying what was found -----------------------------------------------------------

def replay(scenario: Scenario, moves: list[Move]) -> Play:
    """Play ``moves`` as the engine does (:class:`~sim.engine.playgraph.HandPlay`) and
    assess them with the coach. The plan names replies as ``play --choices`` does."""
    from sim.coach.debrief import assess_history

    play = HandPlay(scenario)
    plan: list[str] = []
    for node_id, index in moves:
        offered = play.offered()
        plan.append(scenario.nodes[node_id].choices[index].id
                    or str(offered.index(index) + 1))
        play.give(index, offered)
    stuck = play.ending is None and not play.offered()
    debrief = assess_history(scenario, play.turns, play.ending, stuck=stuck, turning=False)
    return Play(moves, play.ending, debrief.outcome, debrief.score, plan,
                {s: r.status for s, r in debrief.steps.items()})


_replay = replay


def topological_rank(graph: PlayGraph) -> list[int]:
    """A rank per play state: a topological order where the state graph has no loop
    (Kahn's algorithm), then the states on or after loops in breadth-first order.

    Where the breadth-first order of discovery already is topological (every reply
    leads to a state found later, as in layered scenarios), it is kept: it meets the
    better situations first, so fewer are made only to be beaten.
    """
    n = len(graph.states)
    if all(target < 0 or target > sid for sid, out in enumerate(graph.edges)
           for _, target in out):
        return list(range(n))
    indegree = [0] * n
    for out in graph.edges:
        for _, target in out:
            if target >= 0:
                indegree[target] += 1
    rank = [-1] * n
    ready = deque(s for s in range(n) if indegree[s] == 0)
    next_rank = 0
    while ready:
        sid = ready.popleft()
        rank[sid] = next_rank
        next_rank += 1
        for _, target in graph.edges[sid]:
            if target >= 0:
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
    for sid in range(n):
        if rank[sid] < 0:
            rank[sid] = next_rank
            next_rank += 1
    return rank

# --- the score searches -----------------------------------------------------------------

def ending_reach(graph: PlayGraph) -> list[int]:
    """Per play state, the endings some play from it can reach, as bits: bit ``i`` for
    ending number ``i`` of ``graph.ending_ids``, and bit ``len(ending_ids)`` for a play
    that gets stuck (a state with no reply, not merely unexplored). A state the
    exploration did not expand (``graph.partial``) may reach anything: every bit.

    Linear in the edges: without loops (known from the topological rank the searches
    work out) one pass from the last state back; otherwise the strongly connected
    components (Tarjan's algorithm, without recursion) come out successors first, and each
    takes the union of its own endings and its successors' once.
    """
    n = len(graph.states)
    edges = graph.edges
    partial = graph.partial
    stuck = 1 << len(graph.ending_ids)
    every = (stuck << 1) - 1
    reach = [0] * n
    if graph.rank is not None and graph.acyclic:
        # no loops: every edge leads to a later state in topological order, so one pass
        # from the last state back does it
        by_rank = [0] * n
        for sid, r in enumerate(graph.rank):
            by_rank[r] = sid
        for sid in reversed(by_rank):
            out = edges[sid]
            if sid in partial:
                bits = every
            else:
                bits = 0 if out else stuck
                for _, target in out:
                    bits |= 1 << (-1 - target) if target < 0 else reach[target]
            reach[sid] = bits
        return reach
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            sid, i = work.pop()
            if i == 0:
                index[sid] = low[sid] = counter
                counter += 1
                stack.append(sid)
                on_stack[sid] = 1
            out = edges[sid]
            while i < len(out):
                target = out[i][1]
                i += 1
                if target < 0:
                    continue
                if index[target] < 0:
                    work.append((sid, i))
                    work.append((target, 0))
                    break
                if on_stack[target] and index[target] < low[sid]:
                    low[sid] = index[target]
            else:
                if work and low[sid] < low[work[-1][0]]:
                    low[work[-1][0]] = low[sid]
                if low[sid] == index[sid]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = 0
                        members.append(member)
                        if member == sid:
                            break
                    bits = 0
                    for member in members:
                        if member in partial:
                            bits = every
                        elif not edges[member]:
                            bits |= stuck
                        for _, target in edges[member]:
                            bits |= 1 << (-1 - target) if target < 0 else reach[target]
                    for member in members:
                        reach[member] = bits
    return reach

def _meter_scorer(tally: Tally, outcome: str,
                  fixed: float | None = None) -> Callable[[int, int], float]:
    """``lambda e, t: tally_score(None, tally, outcome, e, t)``, with the parts of
    :func:`~sim.coach.scoring.breakdown` that don't depend on the meters worked out once
    (the same operations in the same order: the results are equal, not just close).
    ``fixed`` is :func:`_fixed_points` of the tally when already known."""
    if fixed is None:
        fixed = _fixed_points(tally)
    penalty = HARM_PENALTY * tally.harms + CRITICAL_PENALTY * tally.critical
    ceiling = ceiling_of(outcome, tally)
    factor = OUTCOME_CEILING.get(outcome, UNFINISHED_CEILING)

    def score(emotion: int, trust: int) -> float:
        meters = METER_POINTS * ((100 - emotion) + trust) / 200
        handling = fixed + meters
        handling = handling + -min(penalty, handling)
        return round(min(ceiling, handling * factor / 100), 1)

    return score


def _fixed_points(tally: Tally) -> float:
    """The step and order points of a play with this tally (they depend on neither the
    ending nor the meters), as :func:`~sim.coach.scoring.breakdown` adds them."""
    steps, order = step_and_order_points(tally)
    return steps + order


class _OutOfBudget(Exception):
    pass


# --- situations as bit masks ------------------------------------------------------------
# A situation's tally and meters are packed into one int whose bits are the good things
# about it, so that "a is at least as good as b in every respect" (tally by
# :func:`dominates`, emotion no higher, trust no lower) is "a's bits include b's": one
# integer test in the hot loop instead of a comparison of tallies.

#: per step code: the codes it is at least as good as (CODE_AT_LEAST is a partial order,
#: so a ≥ b exactly when b's set is inside a's)
_CODE_SET = tuple(sum(1 << c for c in CODE_AT_LEAST[code]) for code in range(6))
_PENDING_BITS = sum(range(len(STEPS)))
_METER_BITS = 101
_FULL_METER = (1 << _METER_BITS) - 1


def tally_mask(tally: Tally) -> int:
    """The good things about ``tally`` as bits: :func:`dominates(a, b)
    <sim.coach.scoring.dominates>` exactly when ``tally_mask(a)`` has every bit of
    ``tally_mask(b)``."""
    m = 0
    pos = 0
    for s in range(len(STEPS)):
        m |= _CODE_SET[tally.code(s)] << pos
        pos += 6
    m |= tally.solid << pos
    pos += len(STEPS)
    m |= (~tally.pending & ((1 << _PENDING_BITS) - 1)) << pos
    pos += _PENDING_BITS
    for cap, value in ((HARM_CAP, tally.harms), (CRITICAL_CAP, tally.critical)):
        for k in range(cap):
            if value <= k:
                m |= 1 << (pos + k)
        pos += cap
    if not tally.premature:
        m |= 1 << pos
    if not tally.stray:
        m |= 1 << (pos + 1)
    return m


#: bits a tally's mask takes; the meters follow
_TALLY_BITS = 6 * len(STEPS) + len(STEPS) + _PENDING_BITS + HARM_CAP + CRITICAL_CAP + 2
_FULL_TALLY = (1 << _TALLY_BITS) - 1
#: emotion e: bits k ≥ e (lower is better); trust t: bits k ≤ t (higher is better)
_EMOTION_MASK = tuple((_FULL_METER ^ ((1 << e) - 1)) << _TALLY_BITS for e in range(101))
_TRUST_MASK = tuple(((1 << (t + 1)) - 1) << (_TALLY_BITS + _METER_BITS) for t in range(101))
_FULL_EMOTION = _FULL_METER << _TALLY_BITS
_FULL_TRUST = _FULL_METER << (_TALLY_BITS + _METER_BITS)


#: tally → (its mask, the steps it attempted): both searches, and every analysis in
#: the process, meet the same tallies again
_TALLY_BITS_OF: dict[Tally, tuple[int, int]] = {}
#: tally → its score signature (see :attr:`_Search.sig`); only ending tallies need one
_SIGNATURE_OF: dict[Tally, tuple[float, float, bool]] = {}


def meter_masks(calm: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per emotion and per trust value (0..100), bits such that the pair (e, t) beats
    (e2, t2) towards ``calm`` (emotion no higher, trust no lower) — or, if not ``calm``,
    towards anger — exactly when ``emotion[e] | trust[t]`` has every bit of
    ``emotion[e2] | trust[t2]``."""
    if calm:
        return _EMOTION_MASK, _TRUST_MASK
    return (tuple(_FULL_EMOTION ^ m for m in _EMOTION_MASK),
            tuple(_FULL_TRUST ^ m for m in _TRUST_MASK))


class _Search:
    """Best (``maximise``) or worst score over every play, exact, with dominance pruning.

    A *situation* (label) is a play state with the tally of the play so far and its
    meters (kept in the label since the reduced play state may not hold them). Within a
    play state, a situation another one is at least as good as in every respect — tally
    (:func:`dominates`), emotion no higher, trust no lower — scores at most as much
    after any continuation, so a best-score search drops it (and a worst-score search
    drops the better one). Labels are expanded first in, first out; a label dropped
    after it was expanded keeps its successors (they are real situations).

    Tallies are numbered as they appear, and each situation is packed into one int
    (:func:`tally_mask` and the meters), so the hot loop compares ints. With ``record``
    the search keeps, per expanded label, its successors and which label beat a dropped
    one, for :func:`_worth`.
    """

    def __init__(self, graph: PlayGraph, maximise: bool, deadline: float, max_labels: int,
                 max_work: float = float("inf"), record: bool = True):
        self.g = graph
        self.sc = graph.scenario
        self.maximise = maximise
        self.deadline = deadline
        self.max_labels = max_labels
        self.record = record
        #: work units (situations expanded, situations compared) before the search stops:
        #: a budget that does not depend on the machine's speed
        self.max_work = max_work
        self.work = 0
        #: per label: play state, tally number, emotion, trust, parent label, choice, and
        #: its mask (oriented so that "beats" is "has every bit of", in both directions)
        self.key: list[int] = []
        self.tid: list[int] = []
        self.emotion: list[int] = []
        self.trust: list[int] = []
        self.parent: list[int] = []
        self.choice: list[int] = []
        self.mask: list[int] = []
        self.dead = bytearray()
        #: label → [(choice, successor label or −1, the play's score if it ended there
        #: or None, exact edge)]
        self.succ: dict[int, list[tuple[int, int, float | None, bool]]] = {}
        #: a dropped label → the label that beat it
        self.beaten_by: dict[int, int] = {}
        #: (play state, steps attempted) → its labels no other beats
        self.alive: dict[int, list[int]] = {}
        self.complete = True
        #: (score, label, choice) of the best (worst) terminal, overall and per ending
        self.found: tuple[float, int, int] | None = None
        self.ending_found: dict[str, tuple[float, int, int]] = {}
        outcomes = [self.sc.endings[e].outcome for e in graph.ending_ids]
        # endings of one outcome score alike: per ending number, its outcome's number
        # (the last entry, index −1, is a play left unfinished)
        names = sorted(set(outcomes))
        self.outcome_names = [*names, "unfinished"]
        self.outcome_of = [names.index(o) for o in outcomes] + [len(names)]
        self.tallies: list[Tally] = []
        self.attempted: list[int] = []
        self.tmask: list[int] = []
        self._tid: dict[Tally, int] = {}
        self._score: dict[int, float] = {}
        self._scorers: dict[tuple[int, int], Callable[[int, int], float]] = {}
        #: per tally number: its score signature's number (−1: not worked out yet) —
        #: tallies alike in what the score reads of them (:func:`_fixed_points`, the
        #: penalty, whether a harm is left unrepaired) score alike, so scores are worked
        #: out once per signature
        self.sig: list[int] = []
        self._sig_id: dict[tuple[float, float, bool], int] = {}
        self._sig_tally: list[tuple[Tally, float]] = []
        self._rank: list[int] = []
        self._acyclic = False
        # the worst-score search takes the complement: the worse situation has the bits
        self._emask, self._trmask = meter_masks(maximise)

    def intern(self, tally: Tally) -> int:
        """The number of ``tally`` (numbering it if new)."""
        tid = self._tid.get(tally)
        if tid is None:
            tid = self._tid[tally] = len(self.tallies)
            self.tallies.append(tally)
            known = _TALLY_BITS_OF.get(tally)
            if known is None:
                if len(_TALLY_BITS_OF) > 1_000_000:
                    _TALLY_BITS_OF.clear()
                known = _TALLY_BITS_OF[tally] = (tally_mask(tally), tally.attempted)
            m, attempted = known
            self.sig.append(-1)
            self.attempted.append(attempted)
            self.tmask.append(m if self.maximise else _FULL_TALLY ^ m)
        return tid

    def tally(self, label: int) -> Tally:
        """The tally of a label."""
        return self.tallies[self.tid[label]]

    def terminal(self, score: float, label: int, choice: int, ending: str | None) -> None:
        """Note a play that ends (at ``ending``, None: stuck) with this score."""
        better = (lambda a, b: a > b) if self.maximise else (lambda a, b: a < b)
        if self.found is None or better(score, self.found[0]):
            self.found = (score, label, choice)
        if ending is not None:
            old = self.ending_found.get(ending)
            if old is None or better(score, old[0]):
                self.ending_found[ending] = (score, label, choice)

    def run(self) -> None:
        """Expand every situation worth keeping (until the deadline or the label cap).

        A new situation is added to its play state unless one already there beats it;
        only situations with the same steps attempted are compared (a missed step is
        comparable only with a missed one, see :data:`sim.coach.scoring.CODE_AT_LEAST`),
        and those it beats are dropped.
        """
        g = self.g
        sc = self.sc
        # Situations are expanded in topological order of their play states (Kahn's, with
        # the states on loops after, in breadth-first order), so that in a scenario
        # without loops every situation reaching a state is known before any is expanded
        # and none is expanded only to be beaten later.
        if g.rank is None:
            g.rank = topological_rank(g)
            g.acyclic = all(target < 0 or g.rank[target] > g.rank[sid]
                            for sid, out in enumerate(g.edges) for _, target in out)
        rank = self._rank = g.rank
        self._acyclic = g.acyclic
        buckets: list[list[int]] = [[] for _ in range(len(g.states))]
        urgent: deque[int] = deque()
        states = g.states
        edges = g.edges
        partial = g.partial
        tallies = self.tallies
        intern = self.intern
        record = self.record
        term_score = self.term_score
        scores = self._score  # term_score's cache, read inline on the hot path
        outcome_of = self.outcome_of
        sigs = self.sig
        dead = self.dead
        keys, tids, emotions, trusts = self.key, self.tid, self.emotion, self.trust
        parents, choices, masks = self.parent, self.choice, self.mask
        tmask, attempted = self.tmask, self.attempted
        emask, trmask = self._emask, self._trmask
        alive = self.alive
        beaten_by = self.beaten_by
        max_labels = self.max_labels
        # The worst-score search without records stops following what can no longer
        # lower anything: no score is below 0, so once a play ending at some ending (or
        # stuck) scores 0, a situation from which no play reaches any other is dropped.
        # (Only with a handful of endings: a state's endings are one int of that many bits.)
        prune = not self.maximise and not record and len(g.ending_ids) < PRUNE_ENDINGS
        reach = ending_reach(g) if prune else []
        stuck_bit = 1 << len(g.ending_ids)
        open_bits = (stuck_bit << 1) - 1
        maximise = self.maximise
        # per ending number: the best (worst, negated) score found there, and its play
        top = [float("-inf")] * len(g.ending_ids)
        top_at: list[tuple[float, int, int] | None] = [None] * len(g.ending_ids)
        # per node, per choice: (kind number × 2, emotion delta, trust delta), where
        # replies of the same step, quality and pitfall share a kind (they advance
        # tallies alike)
        kinds: dict[tuple[str | None, str, str | None], int] = {}
        rows = [[(kinds.setdefault((ci.step, ci.quality, ci.pitfall), len(kinds)) << 1,
                  ci.emotion, ci.trust) for ci in row] for row in g.info]
        kind_list = list(kinds)
        nkinds = max(1, len(kinds))
        advanced: dict[int, int] = {}
        tick = 0
        work = 0
        start_tid = intern(tally_start(sc))
        lid = 0
        keys.append(0)
        tids.append(start_tid)
        emotions.append(sc.customer.emotion)
        trusts.append(sc.customer.trust)
        parents.append(-1)
        choices.append(-1)
        masks.append(tmask[start_tid] | emask[sc.customer.emotion] | trmask[sc.customer.trust])
        dead.append(0)
        alive[attempted[start_tid]] = [0]
        buckets[rank[0]].append(0)
        current = 0
        last = len(buckets)
        try:
            while True:
                if urgent:
                    lid = urgent.popleft()
                elif current < last:
                    bucket = buckets[current]
                    if not bucket:
                        current += 1
                        continue
                    lid = bucket.pop()
                else:
                    break
                if dead[lid]:
                    continue
                tick += 1
                if not tick & 1023 and (work + tick > self.max_work
                                        or time.process_time() > self.deadline):
                    raise _OutOfBudget
                key = keys[lid]
                if prune and not reach[key] & open_bits:
                    continue
                tid = tids[lid]
                e0 = emotions[lid]
                t0 = trusts[lid]
                out = edges[key]
                if not out:
                    if key not in partial:  # stuck: the play ends here, unfinished
                        s = term_score(tid, -1, e0, t0)
                        self.terminal(s, lid, -1, None)
                        if s <= 0.0:
                            open_bits &= ~stuck_bit
                        if record:
                            self.succ[lid] = [(-1, -1, s, True)]
                    elif record:
                        self.succ[lid] = []
                    continue
                succ: list[tuple[int, int, float | None, bool]] = []
                if record:
                    self.succ[lid] = succ
                row = rows[states[key][0]]
                hot = e0 >= HIGH_EMOTION
                base = (tid * nkinds) << 1 | hot
                for choice, target in out:
                    kind, de, dt = row[choice]
                    t2 = advanced.get(base + kind)
                    if t2 is None:
                        step, quality, pitfall = kind_list[kind >> 1]
                        t2 = advanced[base + kind] = intern(tally_advance(
                            tallies[tid], step, quality, pitfall, hot))
                    e = e0 + de
                    e = 0 if e < 0 else 100 if e > 100 else e
                    t = t0 + dt
                    t = 0 if t < 0 else 100 if t > 100 else t
                    if target < 0:
                        # a play ends: score it (scores are shared, see term_score) and
                        # keep the best (worst) per ending
                        ei = -1 - target
                        if prune and not open_bits >> ei & 1:
                            continue
                        sg = sigs[t2]
                        if sg < 0:
                            sg = self.signature(t2)
                        s = scores.get(((sg << 8) + outcome_of[ei]) * 256 + (t - e))
                        if s is None:
                            s = term_score(t2, ei, e, t)
                        v = s if maximise else -s
                        if v > top[ei]:
                            top[ei] = v
                            top_at[ei] = (s, lid, choice)
                        if record:
                            succ.append((choice, -1, s, True))
                        elif prune and s <= 0.0:
                            open_bits &= ~(1 << ei)
                        continue
                    if prune and not reach[target] & open_bits:
                        continue
                    # add the situation unless one already there beats it
                    new = len(keys)
                    if new >= max_labels:
                        raise _OutOfBudget
                    m = tmask[t2] | emask[e] | trmask[t]
                    group_key = target << 5 | attempted[t2]
                    here = alive.get(group_key)
                    if here is None:
                        alive[group_key] = [new]
                    else:
                        work += len(here)
                        beaten: list[int] | None = None
                        for i in here:
                            mi = masks[i]
                            both = mi | m
                            if both == mi:  # label i is at least as good
                                new = -1 - i
                                break
                            if both == m:  # the new one beats label i
                                if beaten is None:
                                    beaten = [i]
                                else:
                                    beaten.append(i)
                        if new < 0:
                            if record:
                                succ.append((choice, -1 - new, None, False))
                            continue
                        if beaten is not None:
                            for i in beaten:
                                dead[i] = 1
                            if record:
                                for i in beaten:
                                    beaten_by[i] = new
                            here = [i for i in here if not dead[i]]
                            alive[group_key] = here
                        here.append(new)
                    keys.append(target)
                    tids.append(t2)
                    emotions.append(e)
                    trusts.append(t)
                    parents.append(lid)
                    choices.append(choice)
                    masks.append(m)
                    dead.append(0)
                    r = rank[target]
                    if r < current:
                        urgent.append(new)  # back along a loop
                    else:
                        buckets[r].append(new)
                    if record:
                        succ.append((choice, new, None, True))
        except _OutOfBudget:
            self.complete = False
        self.work += work + tick
        for ei, found in enumerate(top_at):
            if found is not None:
                self.terminal(found[0], found[1], found[2], g.ending_ids[ei])

    def release(self) -> None:
        """Drop what only the search and :func:`_worth` need; the plays stay."""
        self.succ = {}
        self.beaten_by = {}
        self.alive = {}
        self.mask = []

    def term_score(self, tid: int, ei: int, e: int, t: int) -> float:
        """The score of a play that ended with tally number ``tid`` at ending number
        ``ei`` (−1: unfinished) and these meters."""
        # the meters count only through (100 − emotion) + trust (the coach's meter part),
        # the ending only through its outcome and the tally only through its signature,
        # so plays alike in those share one score
        oi = self.outcome_of[ei]
        sig = self.sig[tid]
        if sig < 0:
            sig = self.signature(tid)
        key = ((sig << 8) + oi) * 256 + (t - e)
        s = self._score.get(key)
        if s is None:
            s = self._score[key] = self._scorer(sig, oi)(e, t)
        return s

    def signature(self, tid: int) -> int:
        """The number of the score signature of tally number ``tid`` (numbering it)."""
        tally = self.tallies[tid]
        signature = _SIGNATURE_OF.get(tally)
        if signature is None:
            if len(_SIGNATURE_OF) > 1_000_000:
                _SIGNATURE_OF.clear()
            signature = _SIGNATURE_OF[tally] = (
                _fixed_points(tally), HARM_PENALTY * tally.harms
                + CRITICAL_PENALTY * tally.critical, tally.unrepaired)
        sig = self._sig_id.get(signature)
        if sig is None:
            sig = self._sig_id[signature] = len(self._sig_tally)
            self._sig_tally.append((tally, signature[0]))
        self.sig[tid] = sig
        return sig

    def _scorer(self, sig: int, oi: int) -> Callable[[int, int], float]:
        """The score of plays ending with tallies of signature number ``sig`` and the
        outcome number ``oi`` of ``outcome_names``, as a function of the final meters:
        :func:`~sim.coach.scoring.breakdown`'s parts that do not depend on the meters are
        taken from it once, and the rest is its own arithmetic in its own order, so the
        floats are identical (the tests compare it with the coach on every tally and meter
        pair, and every play reported is replayed through the coach)."""
        fn = self._scorers.get((sig, oi))
        if fn is None:
            tally, fixed = self._sig_tally[sig]
            fn = self._scorers[(sig, oi)] = _meter_scorer(tally, self.outcome_names[oi],
                                                          fixed)
        return fn

    def moves(self, label: int, choice: int) -> list[Move]:
        """The replies of the play that reaches ``label`` and then gives ``choice``."""
        out: list[Move] = []
        if choice >= 0:
            out.append((self.g.node_of(self.key[label]), choice))
        while self.parent[label] >= 0:
            out.append((self.g.node_of(self.key[self.parent[label]]), self.choice[label]))
            label = self.parent[label]
        out.reverse()
        return out

    def values(self, deadline: float = float("inf")
               ) -> tuple[list[float | None], list[float | None]] | None:
        """For the best-score search: per label, a lower and an upper bound on the best
        final score still possible from it (None where no ending can be reached, or the
        label was never expanded and beaten by none). None when the CPU clock passes
        ``deadline`` first.

        The lower bound follows only edges to situations that were kept (real
        continuations); the upper bound also follows a dropped situation to the one that
        beat it, which scores at least as much after any continuation. Both are "the
        best terminal reachable", found by walking back from the terminals, best first
        (for play states with loops; :func:`_worth` works them out in one pass back
        where there are none).
        """
        n = len(self.key)
        succs = self.succ
        beaten_by = self.beaten_by
        exact_rev: list[list[int]] = [[] for _ in range(n)]
        other_rev: list[list[int]] = [[] for _ in range(n)]
        terminals: list[tuple[float, int]] = []
        for lid, succ in succs.items():
            for _, nxt, term, exact in succ:
                if term is not None:
                    terminals.append((term, lid))
                elif exact:
                    exact_rev[nxt].append(lid)
                else:
                    other_rev[nxt].append(lid)
        for lost, winner in beaten_by.items():
            other_rev[winner].append(lost)
        terminals.sort(reverse=True)

        def best_reachable(exact_only: bool) -> list[float | None]:
            value: list[float | None] = [None] * n
            for tick, (s, lid) in enumerate(terminals):
                if not tick & 1023 and time.process_time() > deadline:
                    raise _OutOfBudget
                if value[lid] is not None:
                    continue
                value[lid] = s
                stack = [lid]
                while stack:
                    cur = stack.pop()
                    for prev in exact_rev[cur]:
                        if value[prev] is None:
                            value[prev] = s
                            stack.append(prev)
                    if not exact_only:
                        for prev in other_rev[cur]:
                            if value[prev] is None:
                                value[prev] = s
                                stack.append(prev)
            return value

        try:
            return best_reachable(True), best_reachable(False)
        except _OutOfBudget:
            return None


# --- the analysis -----------------------------------------------------------------------

def analyze(scenario: Scenario, *, budget: float = DEFAULT_BUDGET, max_turns: int = 200,
            max_states: int = MAX_STATES, max_labels: int = MAX_LABELS,
            worth: bool = True) -> Analysis:
    """Analyse ``scenario`` within ``budget`` seconds of CPU.

    ``max_turns`` matters only when conditions read ``turn`` (plays are then explored up
    to that many replies); ``max_states`` and ``max_labels`` bound memory.
    """
    with paused_gc():
        return _analyze(scenario, budget, max_turns, max_states, max_labels, worth)


def _analyze(scenario: Scenario, budget: float, max_turns: int, max_states: int,
             max_labels: int, worth: bool) -> Analysis:
    began = time.process_time()
    # the exploration may take half the budget, the searches up to 85 %; what is left is
    # for the replays and the passes over what the searches found, which stop at the
    # deadline too (a file with thousands of endings has thousands of plays to replay)
    deadline = began + budget
    search_deadline = began + budget * 0.85
    notes: list[str] = []
    replayed: dict[tuple[Move, ...], Play] = {}
    late: list[bool] = []
    # the replays get at most a quarter of the budget once the searches are done: each
    # play replayed is also a play in the report, and a file with thousands of endings
    # would otherwise spend the rest of the budget, and as much again, on printing them
    replay_deadline = [deadline]

    def replay(scenario: Scenario, moves: Callable[[], list[Move]]) -> Play | None:
        """The module's :func:`replay` of the play ``moves()`` lists, once per distinct
        play; None once the time is up (then not even the play is worked out: on a long
        chain that alone takes a play's length)."""
        if time.process_time() > replay_deadline[0]:
            late.append(True)
            return None
        key = tuple(moves())
        play = replayed.get(key)
        if play is None:
            play = replayed[key] = _replay(scenario, list(key))
        return play

    graph = build(scenario, max_states=max_states, max_turns=max_turns,
                  deadline=began + budget * 0.5)
    proved = {"reachability": graph.complete, "best": False, "worst": False,
              "ranges": False}
    if not graph.complete:
        why = {"time": f"the time budget ({budget:g} s of CPU) ran out",
               "states": f"there are more than {max_states} play states",
               "turns": f"conditions read 'turn', and plays were explored up to "
                        f"{max_turns} replies"}[graph.stopped]
        notes.append(f"the exploration stopped early ({why}): endings, nodes and replies "
                     "not found may still be reachable; the plays shown are real, but "
                     "no best, worst or range is claimed")

    # both searches share the graph; each gets what is left of the budget
    offered: set[Move] = {(node, c) for node, bits in zip(graph.node_ids, graph.offered_at,
                                                          strict=True)
                          for c in range(bits.bit_length()) if bits >> c & 1}
    high = _Search(graph, True, search_deadline, max_labels)
    high.run()
    judged: tuple[list[Move], list[Any]] | None = None
    if worth and graph.complete and high.complete:
        judged = _worth(high, offered, deadline)
    high.release()  # only its plays are needed from here on: halve the peak memory
    low = _Search(graph, False, search_deadline, max_labels, record=False)
    low.run()
    low.release()
    if graph.complete:
        proved["best"] = high.complete
        proved["worst"] = low.complete
        proved["ranges"] = high.complete and low.complete
        if not (high.complete and low.complete):
            notes.append(f"the score searches stopped early (the {budget:g} s budget or "
                         f"{max_labels} situations): the best and worst shown are real "
                         "plays, not proved extremes, and no score range is claimed")

    def play_of(search: _Search, found: tuple[float, int, int]) -> Play | None:
        score, label, choice = found
        play = replay(scenario, lambda: search.moves(label, choice))
        if play is not None and play.score != score:
            # the coach and its tally disagree: claim nothing
            log.error("%s: the search scored a play %s, the coach %s", scenario.id, score,
                      play.score)
            proved["best"] = proved["worst"] = proved["ranges"] = False
            if not any("disagree" in n for n in notes):
                notes.append("the coach's score of a play disagrees with its tally: no best, "
                             "worst or range is claimed")
        return play

    replay_deadline[0] = min(deadline, time.process_time() + budget * 0.25)
    # the most important plays first: best and worst, the shortest play to each ending,
    # then each ending's extremes, traps and skipped steps
    best = play_of(high, high.found) if high.found else None
    worst = play_of(low, low.found) if low.found else None
    if high.found and best is None:
        proved["best"] = False
    if low.found and worst is None:
        proved["worst"] = False

    # endings: shortest play to each (breadth-first order of the exploration)
    first: dict[str, tuple[int, int]] = {}
    for sid, out in enumerate(graph.edges):
        for choice, target in out:
            if target < 0:
                ending = graph.ending_ids[-1 - target]
                if ending not in first:
                    first[ending] = (sid, choice)
    endings: dict[str, Play | None] = {}
    for ending in scenario.endings:
        if ending in first:
            sid, choice = first[ending]
            endings[ending] = replay(scenario, lambda s=sid, c=choice: [
                *graph.path_to(s), (graph.node_of(s), c)])
        else:
            endings[ending] = None

    ending_high: dict[str, Play] = {}
    ranges: dict[str, tuple[float, float]] = {}
    for e, f in high.ending_found.items():
        hp = play_of(high, f)
        if hp is None:
            break
        ending_high[e] = hp
        lf = low.ending_found.get(e)
        lp = play_of(low, lf) if lf is not None else None
        if lp is not None:
            ranges[e] = (lp.score, hp.score)
    if len(ranges) < len(set(high.ending_found) & set(low.ending_found)):
        proved["ranges"] = False

    reached = {graph.node_ids[s[0]] for s in graph.states}
    never_reached = [n for n in scenario.nodes if n not in reached] if graph.complete else []
    never_offered = [] if not graph.complete else [
        (n, i) for n in scenario.nodes if n in reached
        for i in range(len(scenario.nodes[n].choices)) if (n, i) not in offered]
    good = can_end(graph)
    by_node: dict[str, list[int]] = {}
    for sid in range(len(graph.states)):
        by_node.setdefault(graph.node_of(sid), []).append(sid)
    dead_ends = [n for n, sids in by_node.items() if not any(good[s] for s in sids)]
    traps: dict[str, Play | None] = {}
    for n, sids in by_node.items():
        if n in dead_ends:
            continue
        bad = [s for s in sids if not good[s]]
        if bad:
            traps[n] = (replay(scenario, lambda s=bad[0]: graph.path_to(s))
                        if len(traps) < MAX_TRAP_PLAYS else None)

    resolved = {e for e, end in scenario.endings.items() if end.outcome == "resolved"}
    resolved_without: dict[str, Play | None] = {}
    for step in STEPS:
        found = reach_avoiding_step(graph, step, stop_at=resolved, first=True)
        plays = [found[e] for e in resolved if e in found]
        if plays:
            resolved_without[step] = replay(scenario, lambda p=plays: min(p, key=len))
    if late:
        notes.append(f"the time budget ({budget:g} s of CPU) ran out while replaying the "
                     "plays found: where no play is shown, none is claimed (and no score "
                     "range without both its plays)")

    offered_steps = steps_offered(graph)
    analysis = Analysis(
        scenario=scenario, states=len(graph.states), score_states=len(high.key) + len(low.key),
        notes=notes, endings=endings, ending_scores=ranges, best=best, worst=worst,
        resolved_without=resolved_without, never_reached=never_reached,
        dead_ends=dead_ends, traps=traps, never_offered=never_offered,
        steps_never_offered=[s for s in STEPS if s not in offered_steps],
        proved=proved, ending_high=ending_high, reached_endings=set(first),
    )
    if judged is not None and proved["best"]:
        analysis.never_worth, analysis.harmful_pays = judged
    analysis.seconds = time.process_time() - began
    return analysis


def _worth(search: _Search, offered: set[Move],
           deadline: float = float("inf")) -> tuple[list[Move], list[Any]] | None:
    """Replies never worth choosing, and decision points where a harmful reply pays.

    Over every situation the best-score search expanded: a reply is *worth choosing*
    there when the best score still possible after it (upper bound) reaches the best
    still possible after any reply (lower bound); one never worth choosing anywhere is
    listed. A harmful reply *pays* where its best continuation provably (lower bound)
    beats the best continuation of every good or best reply on offer (upper bound).
    None when the CPU clock passes ``deadline`` first (nothing is claimed).
    """
    from sim.tools.audit import HarmfulPays

    g = search.g
    sc = search.sc
    harmful: dict[str, HarmfulPays] = {}
    # per node: the replies found worth choosing somewhere, and whether anything is left
    # to find there (a reply not yet worth choosing, or a harmful reply that may pay)
    worth: list[set[int]] = [set() for _ in g.node_ids]
    nodes = [sc.nodes[n] for n in g.node_ids]
    may_pay = [any(c.quality == "harmful" for c in node.choices)
               and any(c.quality in ("good", "best") for c in node.choices)
               for node in nodes]
    qualities = [[c.quality for c in node.choices] for node in nodes]
    settled = [False] * len(nodes)
    keys = search.key
    states = g.states
    succs = search.succ

    def replies(succ: list[tuple[int, int, float | None, bool]], lo: list[float | None],
                hi: list[float | None]
                ) -> tuple[list[tuple[int, float | None, float]], float | None, float | None]:
        """A situation's replies with their bounds (see :func:`judge`), the best lower
        bound among them and the best upper bound (None: none known)."""
        rows = []
        top = best = None
        for choice, nxt, term, exact in succ:
            if term is not None:
                v = w = term
            else:
                v = lo[nxt] if exact else None
                w = hi[nxt]
            if v is not None and (top is None or v > top):
                top = v
            if w is not None and (best is None or w > best):
                best = w
            rows.append((choice, v, -1.0 if w is None else w))
        return rows, top, best

    def judge(n: int, rows: list[tuple[int, float | None, float]], top: float | None) -> None:
        """One situation at node number ``n``: per reply on offer, the best score
        provably still possible after it (None: unknown) and the best possibly still
        possible (−1: no ending after it); ``top``: the best of the former."""
        here = worth[n]
        if top is None:
            here.update(c for c, _, _ in rows)
        else:
            for c, _, w in rows:
                if w >= top:
                    here.add(c)
            node_id = g.node_ids[n]
            if may_pay[n] and node_id not in harmful:
                quality = qualities[n]
                harm = good = None
                for c, v, w in rows:
                    q = quality[c]
                    if q == "harmful":
                        if v is not None and (harm is None or v > harm[1]):
                            harm = (c, v)
                    elif q in ("good", "best") and (good is None or w > good[1]):
                        good = (c, w)
                if harm is not None and good is not None and harm[1] > good[1]:
                    harmful[node_id] = HarmfulPays(node_id, harm[0], good[0], harm[1],
                                                   good[1])
        if len(here) == len(nodes[n].choices) and (not may_pay[n]
                                                   or g.node_ids[n] in harmful):
            settled[n] = True

    if search._acyclic:
        # No loops: every edge leads to a later state in topological order, and a dropped
        # label was beaten by a later label of its own state, so one pass from the last
        # state back works out each label's bounds (see _Search.values) and judges it.
        n_labels = len(keys)
        rank = search._rank
        lo: list[float | None] = [None] * n_labels
        hi: list[float | None] = [None] * n_labels
        beaten_by = search.beaten_by
        by_rank: list[list[int]] = [[] for _ in rank]
        for lid in range(n_labels):
            by_rank[rank[keys[lid]]].append(lid)
        for tick, lid in enumerate(lid for labels in reversed(by_rank)
                                   for lid in reversed(labels)):
            if not tick & 4095 and time.process_time() > deadline:
                return None
            best_lo = best_hi = None
            succ = succs.get(lid)
            if succ:
                rows, best_lo, best_hi = replies(succ, lo, hi)
                n = states[keys[lid]][0]
                if succ[0][0] >= 0 and not settled[n]:
                    judge(n, rows, best_lo)
            winner = beaten_by.get(lid)
            if winner is not None:
                w = hi[winner]
                if w is not None and (best_hi is None or w > best_hi):
                    best_hi = w
            lo[lid] = best_lo
            hi[lid] = best_hi
    else:
        got = search.values(deadline)
        if got is None:
            return None
        lo, hi = got
        for tick, (lid, succ) in enumerate(succs.items()):
            if not tick & 4095 and time.process_time() > deadline:
                return None
            if not succ or succ[0][0] < 0:
                continue
            n = states[keys[lid]][0]
            if settled[n]:
                continue
            rows, top, _ = replies(succ, lo, hi)
            judge(n, rows, top)
    order = {n: i for i, n in enumerate(sc.nodes)}
    index = {nid: i for i, nid in enumerate(g.node_ids)}
    return (sorted(m for m in offered if m[1] not in worth[index[m[0]]]),
            sorted(harmful.values(), key=lambda h: order[h.node]))


def bands_and_harm(graph: PlayGraph, max_work: float) -> tuple[Any, bool, int]:
    """The audit's findings that need the best-score search, for ``validate``: the
    highest score reached in each outcome (real plays, replayed through the coach) and,
    when the search finished within ``max_work`` work units (see :class:`_Search`) on a
    complete graph, the decision points where a harmful reply pays. Returns an
    :class:`~sim.tools.audit.Audit` with those parts, whether the search finished and
    the work it took."""
    from sim.tools.audit import Audit

    sc = graph.scenario
    high = _Search(graph, True, float("inf"), MAX_LABELS, max_work)
    high.run()
    done = high.complete and graph.complete
    best: dict[str, tuple[float, str, tuple[float, int, int]]] = {}
    for ending, found in high.ending_found.items():
        outcome = sc.endings[ending].outcome
        if outcome not in best or found[0] > best[outcome][0]:
            best[outcome] = (found[0], ending, found)
    outcome_high: dict[str, tuple[float, str, list[str]]] = {}
    for outcome, (_, ending, (_, label, choice)) in best.items():
        play = replay(sc, high.moves(label, choice))
        outcome_high[outcome] = (play.score, ending, play.plan)
    harmful = None
    if done:
        judged = _worth(high, set())
        if judged is not None:
            _, harmful = judged
    return Audit(sc, [], [], outcome_high=outcome_high, exact=done,
                 harmful_pays=harmful), done, high.work
