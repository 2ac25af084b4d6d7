"""The turning point: the first reply after which the best ending still reachable got worse.

Computed from the play-state graph, not guessed. For each prefix of a play, the best
outcome still reachable from the state it left (resolved > partial > escalated > lost)
can only stay or fall; the turning point is the first turn at which it fell, with a
reply on offer at that turn that would have kept the better outcome open.

Two searches keep this fast on scenarios with hundreds of thousands of play states:

* A **coarse graph** forgets the meters: its states are (node, the flags, facts and
  visits conditions read), and a condition that reads a meter counts as possibly true
  and possibly false. Every real play has a coarse image, so an outcome the coarse graph
  can't reach from a state's image is truly out of reach. It has a few hundred states
  and is built once per scenario.
* Where the coarse graph says an outcome may still be reachable, :func:`find_ending`
  searches the real play states depth first along the best replies, which finds a play
  to it quickly when there is one, and proves there is none by covering every state.

The best reachable outcome never rises along a play, so the first turn it fell is found
by bisection with a handful of searches. Each search has a budget; when one runs out
the debrief says nothing about the turning point rather than guess.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.coach.labels import OUTCOME_LABELS, Text
from sim.engine import ChoiceError, Turn
from sim.engine.playgraph import find_ending, paused_gc
from sim.engine.session import Session
from sim.scenario import Choice, Condition, Scenario
from sim.scenario.model import Text as ScenarioText

log = logging.getLogger(__name__)

#: outcomes from worst to best; a play that can reach no ending ranks −1
RANKS = ("lost", "escalated", "partial", "resolved")
RANK = {o: i for i, o in enumerate(RANKS)}
QUALITY_ORDER = {"best": 3, "good": 2, "poor": 1, "harmful": 0}
#: play states one search may visit before it gives up (each is a few microseconds)
SEARCH_BUDGET = 60_000
#: searches one turning point may run (bisection needs about log2 of the turns)
MAX_SEARCHES = 12

LOST_MESSAGES: dict[str, Text] = {
    "resolved": {"en": "after this, a full resolution was no longer possible",
                 "zh": "从这一步起，已经不可能圆满化解了"},
    "partial": {"en": "after this, not even a partial resolution was possible",
                "zh": "从这一步起，连部分化解都不可能了"},
    "escalated": {"en": "after this, nothing was left but losing the customer",
                  "zh": "从这一步起，只剩下失去这位客户了"},
    "lost": {"en": "after this, the conversation could no longer reach an ending",
             "zh": "从这一步起，对话已经无法走到任何结局"},
}


@dataclass(frozen=True)
class TurningPoint:
    """The turn that decided the ending, and the reply that would have kept it open.

    ``lost_outcome`` is the best outcome reachable before the turn, ``left_outcome`` the
    best one reachable after it (None when not worked out within the budget).
    """

    turn: int
    node: str
    reply: ScenarioText
    choice_id: str | None
    lost_outcome: str
    left_outcome: str | None
    better_index: int
    better_id: str | None
    better_reply: ScenarioText
    better_quality: str

    @property
    def message(self) -> Text:
        """"Turn 6: after this, a full resolution was no longer possible", both languages."""
        lost = LOST_MESSAGES[self.lost_outcome]
        return {"en": f"Reply {self.turn}: {lost['en']}.",
                "zh": f"第{self.turn}次回复：{lost['zh']}。"}

    def to_json(self) -> dict[str, Any]:
        """``{turn, reply, lost_outcome, better}`` and a few details."""
        return {
            "turn": self.turn, "node": self.node, "reply": self.reply,
            "choice": self.choice_id, "lost_outcome": self.lost_outcome,
            "left_outcome": self.left_outcome, "message": self.message,
            "better": {"index": self.better_index, "choice_id": self.better_id,
                       "reply": self.better_reply, "quality": self.better_quality},
        }


def _prefer(choice: Choice) -> float:
    """Try the better replies first: quality, then how much they calm and build trust."""
    return QUALITY_ORDER[choice.quality] * 1000 + choice.effects.trust - choice.effects.emotion


# --- the coarse graph ---------------------------------------------------------------------


class _Oracle:
    """Answers each meter comparison of a condition from a list of decisions, so that all
    combinations can be tried in turn."""

    __slots__ = ("prefix", "taken")

    def __init__(self, prefix: list[bool]):
        self.prefix = prefix
        self.taken: list[bool] = []

    def decide(self, *_: object) -> bool:
        value = self.prefix[len(self.taken)] if len(self.taken) < len(self.prefix) else False
        self.taken.append(value)
        return value


class _Free:
    """A meter whose value is unknown: every comparison with it (and its truth) is free."""

    __slots__ = ("oracle",)

    def __init__(self, oracle: _Oracle):
        self.oracle = oracle

    def __lt__(self, other: object) -> bool:
        return self.oracle.decide()

    __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __lt__  # type: ignore[assignment]
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return self.oracle.decide()


class _FreeContext:
    __slots__ = ("emotion", "flags", "learned", "trust", "turn", "visited")

    def __init__(self, oracle: _Oracle, flags: Mapping[str, bool | int],
                 learned: frozenset[str], visited: frozenset[str]):
        self.emotion = self.trust = self.turn = _Free(oracle)
        self.flags = flags
        self.learned = learned
        self.visited = visited


_BOTH = frozenset((True, False))


def _possible(cond: Condition, flags: Mapping[str, bool | int], learned: frozenset[str],
              visited: frozenset[str]) -> frozenset[bool]:
    """The values ``cond`` can take for some meters and turn count (the rest fixed)."""
    seen: set[bool] = set()
    prefix: list[bool] = []
    for _ in range(1 << 12):
        oracle = _Oracle(prefix)
        seen.add(cond.holds(_FreeContext(oracle, flags, learned, visited)))  # type: ignore[arg-type]
        if len(seen) == 2:
            return _BOTH
        taken = oracle.taken
        while taken and taken[-1]:
            taken.pop()
        if not taken:
            return frozenset(seen)
        taken[-1] = True
        prefix = taken
    return _BOTH


CoarseState = tuple[str, tuple[bool | int, ...], frozenset[str], frozenset[str]]


class _Coarse:
    """The scenario's coarse graph (meters forgotten), explored on demand."""

    def __init__(self, scenario: Scenario):
        self.sc = scenario
        flags: set[str] = set()
        facts: set[str] = set()
        nodes: set[str] = set()
        for cond in self._conditions():
            for ref in cond.references:
                {"flag": flags, "fact": facts, "node": nodes}.get(ref.kind, set()).add(ref.name)
        self.flags = tuple(sorted(flags))
        self.facts = frozenset(facts)
        self.visits = frozenset(nodes)
        self.edges: dict[CoarseState, tuple[list[CoarseState], int]] = {}
        self.best: dict[CoarseState, int] = {}
        self._cache: dict[tuple[str, tuple[Any, ...]], frozenset[bool]] = {}
        self.lock = threading.Lock()

    def _conditions(self) -> list[Condition]:
        out = [r.when for r in self.sc.rules]
        for node in self.sc.nodes.values():
            for c in node.choices:
                if c.when is not None:
                    out.append(c.when)
                out.extend(r.when for r in c.branch or () if r.when is not None)
        return out

    def image(self, node: str, flags: Mapping[str, bool | int], learned: set[str] | frozenset[str],
              visited: Mapping[str, int] | set[str]) -> CoarseState:
        """The coarse state of a real one."""
        return (node, tuple(flags.get(f, False) for f in self.flags),
                frozenset(f for f in learned if f in self.facts),
                frozenset(n for n in visited if n in self.visits))

    def _values(self, cond: Condition, state: CoarseState, fl: tuple[bool | int, ...],
                lm: frozenset[str]) -> frozenset[bool]:
        key = (cond.source, (fl, lm, state[3]))
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = _possible(cond, dict(zip(self.flags, fl, strict=True)),
                                               lm, state[3])
        return got

    def _successors(self, state: CoarseState) -> tuple[list[CoarseState], int]:
        """The coarse states after each reply that may be on offer, and the best outcome
        rank an ending among them has (−1: none)."""
        node = self.sc.nodes[state[0]]
        out: list[CoarseState] = []
        best = -1
        for choice in node.choices:
            if choice.when is not None and True not in self._values(choice.when, state,
                                                                    state[1], state[2]):
                continue
            fl = state[1]
            if choice.set:
                new = list(fl)
                for name, value in choice.set.items():
                    if name in self.flags:
                        new[self.flags.index(name)] = value
                fl = tuple(new)
            lm = state[2] | frozenset(f for f in choice.learn if f in self.facts)
            dests: list[str] = []
            settled = False
            for rule in self.sc.rules:
                values = self._values(rule.when, state, fl, lm)
                if True in values:
                    dests.append(rule.goto)
                if values == frozenset((True,)):
                    settled = True
                    break
            if not settled:
                routes = [(None, choice.goto)] if choice.goto else [
                    (r.when, r.goto) for r in choice.branch or ()]
                for when, goto in routes:
                    values = (frozenset((True,)) if when is None
                              else self._values(when, state, fl, lm))
                    if True in values:
                        dests.append(goto)
                    if values == frozenset((True,)):
                        break
            for dest in dests:
                if dest in self.sc.endings:
                    best = max(best, RANK[self.sc.endings[dest].outcome])
                else:
                    vm = state[3] | ({dest} if dest in self.visits else frozenset())
                    out.append((dest, fl, lm, vm))
        return out, best

    def upper(self, state: CoarseState) -> int:
        """The best outcome rank any play from this coarse state could reach (−1: none)."""
        with self.lock:
            if state in self.best:
                return self.best[state]
            queue = deque([state])
            fresh = {state}
            while queue:
                s = queue.popleft()
                if s in self.edges:
                    continue
                self.edges[s] = succ = self._successors(s)
                for t in succ[0]:
                    if t not in self.edges and t not in fresh:
                        fresh.add(t)
                        queue.append(t)
            # best rank by backward propagation, from the best outcome down
            reverse: dict[CoarseState, list[CoarseState]] = {}
            for s, (succ, _) in self.edges.items():
                for t in succ:
                    reverse.setdefault(t, []).append(s)
            best: dict[CoarseState, int] = {}
            for rank in range(len(RANKS) - 1, -1, -1):
                queue = deque(s for s, (_, b) in self.edges.items() if b == rank and s not in best)
                for s in queue:
                    best[s] = rank
                while queue:
                    s = queue.popleft()
                    for p in reverse.get(s, ()):
                        if p not in best:
                            best[p] = rank
                            queue.append(p)
            self.best = {s: best.get(s, -1) for s in self.edges}
            return self.best[state]


# --- the real searches ------------------------------------------------------------------

_CACHE_SIZE = 16
_coarse: OrderedDict[tuple[int, str], _Coarse] = OrderedDict()
_searches: OrderedDict[tuple[Any, ...], tuple[bool | None, tuple[int, ...]]] = OrderedDict()
_lock = threading.Lock()


def _coarse_of(scenario: Scenario) -> _Coarse:
    key = (id(scenario), scenario.content_hash)
    with _lock:
        got = _coarse.get(key)
        if got is None:
            got = _coarse[key] = _Coarse(scenario)
            while len(_coarse) > _CACHE_SIZE:
                _coarse.popitem(last=False)
        else:
            _coarse.move_to_end(key)
        return got


@dataclass(frozen=True)
class _Prefix:
    """The real play state after some turns (an ending id as ``node`` once over)."""

    node: str
    emotion: int
    trust: int
    flags: dict[str, bool | int]
    learned: frozenset[str]
    visits: dict[str, int]
    turn: int

    def key(self) -> tuple[Any, ...]:
        return (self.node, self.emotion, self.trust, tuple(sorted(self.flags.items())),
                self.learned, tuple(sorted(self.visits)), self.turn)


def _prefixes(scenario: Scenario, history: list[Turn] | tuple[Turn, ...],
              preset: Mapping[str, Any]) -> list[_Prefix] | None:
    """The play state before the first turn and after each turn (None: doesn't replay)."""
    try:
        s = Session(scenario, **preset)
    except ChoiceError:
        return None

    def snap() -> _Prefix:
        return _Prefix(s.node_id, s.emotion, s.trust, dict(s.flags), frozenset(s.learned),
                       dict(s.visits), s.turn)

    out = [snap()]
    for t in history:
        try:
            position = [o.index for o in s.choices()].index(t.index)
            s.choose(position)
        except (ValueError, ChoiceError):
            return None
        out.append(snap())
    return out


def _search(scenario: Scenario, at: _Prefix, rank: int,
            spent: list[int]) -> tuple[bool | None, tuple[int, ...]]:
    """Can an ending of outcome rank ≥ ``rank`` be reached from ``at``? (None: no claim)."""
    if at.node in scenario.endings:
        return RANK[scenario.endings[at.node].outcome] >= rank, ()
    if rank < 0:
        return True, ()
    key = (id(scenario), scenario.content_hash, at.key(), rank)
    with _lock:
        if key in _searches:
            _searches.move_to_end(key)
            return _searches[key]
    coarse = _coarse_of(scenario)
    if coarse.upper(coarse.image(at.node, at.flags, at.learned, at.visits)) < rank:
        answer: tuple[bool | None, tuple[int, ...]] = (False, ())
    elif spent[0] >= MAX_SEARCHES:
        return None, ()
    else:
        spent[0] += 1
        result = find_ending(
            scenario, lambda e: RANK[scenario.endings[e].outcome] >= rank, start=at.node,
            emotion=at.emotion, trust=at.trust, flags=at.flags, learned=set(at.learned),
            visited=at.visits, turn=at.turn, max_states=SEARCH_BUDGET, prefer=_prefer)
        answer = (result.found, result.path)
    with _lock:
        _searches[key] = answer
        while len(_searches) > 4096:
            _searches.popitem(last=False)
    return answer


def _upper(scenario: Scenario, at: _Prefix) -> int:
    if at.node in scenario.endings:
        return RANK[scenario.endings[at.node].outcome]
    coarse = _coarse_of(scenario)
    return coarse.upper(coarse.image(at.node, at.flags, at.learned, at.visits))


def _best(scenario: Scenario, at: _Prefix, ceiling: int, floor: int,
          spent: list[int]) -> int | None:
    """The best outcome rank reachable from ``at``, known to be ≤ ``ceiling`` and ≥ ``floor``
    (None when a search ran out of budget)."""
    for rank in range(min(ceiling, _upper(scenario, at)), floor, -1):
        found, _ = _search(scenario, at, rank, spent)
        if found is None:
            return None
        if found:
            return rank
    return floor


def turning_point(scenario: Scenario, history: list[Turn] | tuple[Turn, ...],
                  preset: Mapping[str, Any] | None = None) -> TurningPoint | None:
    """The turning point of a play (None when the play kept its best outcome open, or when
    the searches ran out of budget). ``preset`` is the session's starting state (start,
    emotion, trust, flags, learned), as :class:`~sim.engine.Session` takes it."""
    if not history:
        return None
    # the searches make many small tuples and no cycles: in a process holding much else
    # (the window, a report over a cohort) the collector's full passes would cost more
    # than the searches
    with paused_gc():
        return _turning_point(scenario, history, preset)


def _turning_point(scenario: Scenario, history: list[Turn] | tuple[Turn, ...],
                   preset: Mapping[str, Any] | None) -> TurningPoint | None:
    states = _prefixes(scenario, history, preset or {})
    if states is None:
        return None
    spent = [0]
    last = len(states) - 1
    final_floor = RANK[scenario.endings[states[-1].node].outcome] \
        if states[-1].node in scenario.endings else -1
    best0 = _best(scenario, states[0], len(RANKS) - 1, final_floor, spent)
    if best0 is None or (best0 <= final_floor and states[-1].node in scenario.endings):
        return None

    def keeps(k: int) -> bool | None:
        if _upper(scenario, states[k]) < best0:
            return False
        return _search(scenario, states[k], best0, spent)[0]

    # the first k ≥ 1 with keeps(k) False; keeps(0) is True and keeps never comes back
    first_coarse = next((k for k in range(1, last + 1)
                         if _upper(scenario, states[k]) < best0), None)
    hi = first_coarse if first_coarse is not None else last
    lo = 0  # keeps(lo) is True
    verdict = keeps(hi)
    if verdict is None:
        return None
    if verdict:
        return None  # the play still keeps its best outcome open
    while hi - lo > 1:
        mid = (lo + hi) // 2
        verdict = keeps(mid)
        if verdict is None:
            return None
        if verdict:
            lo = mid
        else:
            hi = mid
    turn = history[hi - 1]
    found, path = _search(scenario, states[hi - 1], best0, spent)
    if not found or not path:
        return None
    node = scenario.nodes[turn.node]
    chosen, better = node.choices[turn.index], node.choices[path[0]]
    left = _best(scenario, states[hi], best0 - 1, -1, spent)
    return TurningPoint(
        turn=turn.number, node=turn.node, reply=chosen.reply, choice_id=chosen.id,
        lost_outcome=RANKS[best0], left_outcome=None if left is None or left < 0
        else RANKS[left], better_index=path[0], better_id=better.id,
        better_reply=better.reply, better_quality=better.quality)


def outcome_label(outcome: str | None) -> Text:
    """The bilingual name of an outcome (unfinished when None)."""
    return OUTCOME_LABELS[outcome or "unfinished"]
