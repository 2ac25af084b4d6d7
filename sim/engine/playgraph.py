"""The play-state graph: every distinct situation a play can be in, explored once.

The one explorer of play states; the analysis, validate's exploring checks and the
debrief's turning point all use it.

* **Only what is still read is kept** (for analysis, :func:`build`). A backward
  (liveness) pass over the nodes finds, for each node, which meters, flags, facts,
  visits and the turn count some condition can still read before they are overwritten;
  everything else is reset to 0 on arrival, so plays that differ only in what nothing
  will read again share one state. A meter no condition reads is never in the state at
  all; the score searches (:mod:`sim.tools.analyze`) carry its value beside the state
  instead. Unreduced states (the meters and all that conditions read) serve searches
  from the middle of a session (:func:`find_ending`).
* **Conditions are compiled once** into closures over the state tuple
  (:mod:`sim.engine.compiled`); a transition builds one tuple and no context object.

Two plays in the same reduced state are offered the same replies and go on alike (what
differs between them is never read again), so reachability, routes and endings found
on this graph are exact. The transitions (:class:`Stepper`) mirror
:class:`sim.engine.Session`: effects and clamping, facts, flags, turn, then the rules,
then the reply's route; :class:`HandPlay` steps one play the same way with the
scenario's own conditions.
"""

from __future__ import annotations

import gc
import re
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sim.engine.compiled import Layout, StateFn, compile_condition
from sim.engine.turn import Turn
from sim.scenario import STEPS, Choice, Condition, Scenario

# variables of the liveness pass: 0 emotion, 1 trust, 2 turn, then flags, facts, visits
_EMOTION, _TRUST, _TURN = 1, 2, 4


@dataclass(frozen=True, slots=True)
class ChoiceInfo:
    """What the searches need of one reply: meter deltas and what the coach scores."""

    emotion: int
    trust: int
    step: str | None
    quality: str
    pitfall: str | None


@dataclass
class PlayGraph:
    """Reduced play states, the replies offered in each and where each reply leads.

    ``edges[k]`` lists ``(choice index, target)`` with ``target`` a state number, or
    ``-1 - e`` for ending number ``e`` of :attr:`ending_ids`. ``parent[k]`` is the
    ``(state, choice)`` that first reached state ``k`` (breadth first: a shortest play).
    """

    scenario: Scenario
    node_ids: list[str]
    ending_ids: list[str]
    #: per node index, per choice: deltas and scoring facts
    info: list[list[ChoiceInfo]]
    #: True when emotion (trust) is kept in the state somewhere (some condition reads it)
    emotion_read: bool
    trust_read: bool
    states: list[tuple] = field(default_factory=list)
    edges: list[list[tuple[int, int]]] = field(default_factory=list)
    parent: list[tuple[int, int]] = field(default_factory=list)
    #: states some of whose replies lead beyond the explored states
    partial: set[int] = field(default_factory=set)
    complete: bool = True
    #: why the exploration stopped early ("" when complete)
    stopped: str = ""
    #: a topological rank per state, worked out once by the searches that need it
    #: (:func:`sim.tools.analyze.topological_rank`), and whether it covers every edge
    rank: list[int] | None = None
    acyclic: bool = False
    #: per node index: the replies offered there in some explored state, as bits
    offered_at: list[int] = field(default_factory=list)

    def node_of(self, state: int) -> str:
        """The node id of a state."""
        return self.node_ids[self.states[state][0]]

    def path_to(self, state: int) -> list[tuple[str, int]]:
        """A shortest list of (node id, choice index) replies that reaches ``state``."""
        path: list[tuple[str, int]] = []
        while self.parent[state][0] >= 0:
            prev, choice = self.parent[state]
            path.append((self.node_of(prev), choice))
            state = prev
        path.reverse()
        return path

    def stuck(self, state: int) -> bool:
        """True when no reply is on offer in this state (the play cannot go on)."""
        return not self.edges[state] and state not in self.partial


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the garbage collector: explorations build millions of small tuples and no
    reference cycles, and the collector's passes over them cost a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _conditions_of(scenario: Scenario) -> list[Condition]:
    out: list[Condition] = [r.when for r in scenario.rules]
    for node in scenario.nodes.values():
        for c in node.choices:
            if c.when is not None:
                out.append(c.when)
            out.extend(r.when for r in c.branch or () if r.when is not None)
    return out


class _Vars:
    """Numbering of what conditions read, as bits of an int (for the liveness pass)."""

    def __init__(self, scenario: Scenario):
        flags: set[str] = set()
        facts: set[str] = set()
        visits: set[str] = set()
        for cond in _conditions_of(scenario):
            for ref in cond.references:
                if ref.kind == "flag":
                    flags.add(ref.name)
                elif ref.kind == "fact":
                    facts.add(ref.name)
                elif ref.kind == "node" and ref.name in scenario.nodes:
                    visits.add(ref.name)
        self.flags = tuple(sorted(flags))
        self.facts = tuple(sorted(facts))
        self.visits = tuple(sorted(visits))
        self.flag_var = {f: 1 << (3 + i) for i, f in enumerate(self.flags)}
        base = 3 + len(self.flags)
        self.fact_var = {f: 1 << (base + i) for i, f in enumerate(self.facts)}
        base += len(self.facts)
        self.visit_var = {n: 1 << (base + i) for i, n in enumerate(self.visits)}
        self.layout = Layout({f: i for i, f in enumerate(self.flags)},
                             {f: 1 << i for i, f in enumerate(self.facts)},
                             {n: 1 << i for i, n in enumerate(self.visits)})

    def reads(self, cond: Condition | None) -> int:
        """The variables ``cond`` reads, as bits."""
        if cond is None:
            return 0
        out = 0
        for ref in cond.references:
            if ref.kind == "meter":
                out |= {"emotion": _EMOTION, "trust": _TRUST}.get(ref.name, _TURN)
            elif ref.kind == "flag":
                out |= self.flag_var.get(ref.name, 0)
            elif ref.kind == "fact":
                out |= self.fact_var.get(ref.name, 0)
            else:
                out |= self.visit_var.get(ref.name, 0)
        return out


_TURN_WORD = re.compile(r"\bturn\b")
_TURN_VS_NUMBER = re.compile(r"\bturn\s*(?:==|!=|<=|>=|<|>)\s*(-?\s*\d+)\b"
                             r"|(-?\s*\d+)\s*(?:==|!=|<=|>=|<|>)\s*turn\b")


def turn_cap(scenario: Scenario) -> int | None:
    """A turn count past which no condition can tell turns apart, or None.

    When every mention of ``turn`` compares it with a number, all counts above the
    largest such number read alike, so the state can keep ``min(turn, cap)`` and stay
    finite (and exact). A comparison with anything else gives no cap.
    """
    cap = 0
    for cond in _conditions_of(scenario):
        source = cond.source
        mentions = len(_TURN_WORD.findall(source))
        if not mentions:
            continue
        numbers = _TURN_VS_NUMBER.findall(source)
        if len(numbers) != mentions:
            return None
        for a, b in numbers:
            cap = max(cap, int((a or b).replace(" ", "")) + 1)
    return cap


def liveness(scenario: Scenario, v: _Vars) -> dict[str, int]:
    """For each node: the variables some condition may still read, arriving there.

    A reply's own ``if`` reads the state at the node; rules and its branch conditions
    read the state after its effects, in which the flags it sets and the facts it
    teaches have fresh values (so their old values are not needed); arriving at a node
    makes ``visited(node)`` true. Meters and the turn are never overwritten.
    """
    rules_read = 0
    for r in scenario.rules:
        rules_read |= v.reads(r.when)
    rule_dests = [r.goto for r in scenario.rules if r.goto in scenario.nodes]
    live: dict[str, int] = dict.fromkeys(scenario.nodes, 0)
    preds: dict[str, set[str]] = {n: set() for n in scenario.nodes}
    succ: dict[str, list[tuple[int, int, int, list[str]]]] = {}
    for nid, node in scenario.nodes.items():
        rows = []
        for c in node.choices:
            dests = [c.goto] if c.goto is not None else [r.goto for r in c.branch or ()]
            dests = [d for d in dests if d in scenario.nodes] + rule_dests
            after = rules_read
            for r in c.branch or ():
                after |= v.reads(r.when)
            kills = 0
            for f in c.set:
                kills |= v.flag_var.get(f, 0)
            for f in c.learn:
                kills |= v.fact_var.get(f, 0)
            rows.append((v.reads(c.when), after, kills, dests))
            for d in dests:
                preds[d].add(nid)
        succ[nid] = rows
    work = deque(scenario.nodes)
    queued = set(scenario.nodes)
    while work:
        nid = work.popleft()
        queued.discard(nid)
        new = 0
        for own, after, kills, dests in succ[nid]:
            later = after
            for d in dests:
                later |= live[d] & ~v.visit_var.get(d, 0)
            new |= own | (later & ~kills)
        if new != live[nid]:
            live[nid] = new
            for p in preds[nid]:
                if p not in queued:
                    queued.add(p)
                    work.append(p)
    return live


class PlayContext:
    """The :class:`~sim.scenario.ConditionContext` a condition reads, from plain values
    (for stepping a play by hand, :class:`HandPlay`)."""

    __slots__ = ("emotion", "flags", "learned", "trust", "turn", "visited")

    def __init__(self, emotion: int, trust: int, turn: int, flags: Mapping[str, bool | int],
                 learned: Collection[str], visited: Collection[str]):
        self.emotion = emotion
        self.trust = trust
        self.turn = turn
        self.flags = flags
        self.learned = learned
        self.visited = visited


class Stepper:
    """How a play moves from one play state to the next, with conditions compiled once.

    With ``reduce`` (what :func:`build` uses for analysis), a state keeps only what some
    condition can still read (:func:`liveness`) and the turn count up to
    :func:`turn_cap`; without it, a state keeps the meters and everything any condition
    reads, exactly (what :func:`find_ending` uses, so that a search from the middle of a
    session sees the state the session is in).
    """

    def __init__(self, scenario: Scenario, reduce: bool = True):
        self.scenario = scenario
        v = self.vars = _Vars(scenario)
        self.node_ids = list(scenario.nodes)
        self.index = {n: i for i, n in enumerate(self.node_ids)}
        self.ending_ids = list(scenario.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        layout = self.layout = v.layout
        self.nodes = [scenario.nodes[n] for n in self.node_ids]
        if reduce:
            live = liveness(scenario, v)
        else:
            every = _EMOTION | _TRUST | (_TURN if _reads_turn(scenario) else 0)
            for var in (*v.flag_var.values(), *v.fact_var.values(), *v.visit_var.values()):
                every |= var
            live = dict.fromkeys(scenario.nodes, every)
        any_live = 0
        for bits in live.values():
            any_live |= bits
        self.emotion_read = bool(any_live & _EMOTION)
        self.trust_read = bool(any_live & _TRUST)
        self.turn_read = bool(any_live & _TURN)
        self.cap = turn_cap(scenario) if self.turn_read and reduce else None
        compiled: dict[str, StateFn] = {}

        def comp(cond: Condition) -> StateFn:
            fn = compiled.get(cond.source)
            if fn is None:
                fn = compiled[cond.source] = compile_condition(cond, layout)
            return fn

        self.rules = [(comp(r.when), r.goto) for r in scenario.rules]
        # per node: which parts of the state to keep on arrival
        self.keep = []
        for nid in self.node_ids:
            bits = live[nid]
            flag_keep = tuple(i for i, f in enumerate(v.flags) if bits & v.flag_var[f])
            fact_mask = sum(1 << i for i, f in enumerate(v.facts) if bits & v.fact_var[f])
            visit_mask = sum(1 << i for i, n in enumerate(v.visits)
                             if bits & v.visit_var[n])
            self.keep.append((bool(bits & _EMOTION), bool(bits & _TRUST), bool(bits & _TURN),
                              None if len(flag_keep) == len(v.flags) else flag_keep,
                              fact_mask, visit_mask))
        self.nflags = len(v.flags)
        # per node, per choice: (condition or None, de, dt, flag updates, fact bits,
        #                        route: goto node id, or compiled branch list)
        self.plans: list[list[tuple]] = []
        for node in self.nodes:
            rows = []
            for c in node.choices:
                sets = tuple((layout.flag_pos[f], val) for f, val in c.set.items()
                             if f in layout.flag_pos)
                learn = 0
                for f in c.learn:
                    learn |= layout.fact_bit.get(f, 0)
                if c.goto is not None:
                    route: object = c.goto
                else:
                    route = [(None if r.when is None else comp(r.when), r.goto)
                             for r in c.branch or ()]
                rows.append((None if c.when is None else comp(c.when), c.effects.emotion,
                             c.effects.trust, sets, learn, route))
            self.plans.append(rows)

    def arrive(self, dest: str, e: int, t: int, turn: int, fl: tuple, lm: int,
               vm: int) -> tuple:
        """The play state on arriving at node ``dest`` with these values."""
        d = self.index[dest]
        ke, kt, kturn, kflags, kfacts, kvisits = self.keep[d]
        vm |= self.layout.visit_bit.get(dest, 0)
        if kflags is not None:
            fl = tuple(fl[i] if i in kflags else False for i in range(self.nflags))
        return (d, e if ke else 0, t if kt else 0, turn if kturn else 0, fl,
                lm & kfacts, vm & kvisits)

    def initial(self, start: str | None = None, emotion: int | None = None,
                trust: int | None = None, flags: Mapping[str, bool | int] | None = None,
                learned: Iterable[str] = (), visited: Iterable[str] = (),
                turn: int = 0) -> tuple:
        """The play state at the start, or at a preset point of a session (its node,
        meters, flags, facts learned, nodes entered and replies given so far)."""
        sc = self.scenario
        layout = self.layout
        e = sc.customer.emotion if emotion is None else emotion
        t = sc.customer.trust if trust is None else trust
        e = 0 if e < 0 else 100 if e > 100 else e
        t = 0 if t < 0 else 100 if t > 100 else t
        fl = tuple((flags or {}).get(f, False) for f in self.vars.flags)
        lm = 0
        for f in learned:
            lm |= layout.fact_bit.get(f, 0)
        vm = 0
        for n in visited:
            vm |= layout.visit_bit.get(n, 0)
        if self.cap is not None and turn > self.cap:
            turn = self.cap
        return self.arrive(start or sc.start, e, t, turn, fl, lm, vm)

    def offered(self, state: tuple) -> list[int]:
        """The replies on offer in ``state`` (their indices in the node)."""
        return [i for i, plan in enumerate(self.plans[state[0]])
                if plan[0] is None or plan[0](state)]

    def step(self, state: tuple, choice: int) -> tuple[tuple | None, int]:
        """Give reply ``choice`` (on offer) in ``state``: (the next play state, −1), or
        (None, ending number) when the play ends. Mirrors :class:`sim.engine.Session`:
        effects and clamping, facts, flags, turn, then the rules, then the route."""
        n, e, t, turn, fl, lm, vm = state
        _, de, dt, sets, learn, route = self.plans[n][choice]
        e += de
        e = 0 if e < 0 else 100 if e > 100 else e
        t += dt
        t = 0 if t < 0 else 100 if t > 100 else t
        if sets:
            lst = list(fl)
            for pos, val in sets:
                lst[pos] = val
            fl = tuple(lst)
        lm |= learn
        turn += 1
        if self.cap is not None and turn > self.cap:
            turn = self.cap
        after = (n, e, t, turn, fl, lm, vm)
        dest = None
        for cond, goto in self.rules:
            if cond(after):
                dest = goto
                break
        if dest is None:
            if isinstance(route, str):
                dest = route
            else:
                for cond, goto in route:  # type: ignore[union-attr]
                    if cond is None or cond(after):
                        dest = goto
                        break
        ending = self.ending_index.get(dest)  # type: ignore[arg-type]
        if ending is not None:
            return None, ending
        return self.arrive(dest, e, t, turn, fl, lm, vm), -1  # type: ignore[arg-type]


def _reads_turn(scenario: Scenario) -> bool:
    return any(ref.kind == "meter" and ref.name == "turn"
               for cond in _conditions_of(scenario) for ref in cond.references)


def build(scenario: Scenario, *, max_states: int = 1_500_000, max_turns: int = 200,
          deadline: float | None = None, reduce: bool = True,
          start: str | None = None, emotion: int | None = None, trust: int | None = None,
          flags: Mapping[str, bool | int] | None = None, learned: Iterable[str] = (),
          visited: Iterable[str] = (), turn: int = 0) -> PlayGraph:
    """Explore every play state from the start (or a preset point of a session, as
    :meth:`Stepper.initial` takes it), breadth first.

    Breadth first, so the first time a state or an ending is met is by a shortest play.
    Stops early (``complete`` False, ``stopped`` saying why) past ``max_states`` states,
    past ``max_turns`` replies when conditions read ``turn``, or at ``deadline`` (a
    :func:`time.process_time` value). ``reduce``: see :class:`Stepper`.
    """
    st = Stepper(scenario, reduce)
    graph = PlayGraph(scenario, st.node_ids, st.ending_ids,
                      [[ChoiceInfo(c.effects.emotion, c.effects.trust, c.step, c.quality,
                                   c.pitfall) for c in node.choices] for node in st.nodes],
                      st.emotion_read, st.trust_read)
    first = st.initial(start, emotion, trust, flags, learned, visited, turn)
    ids: dict[tuple, int] = {first: 0}
    states = graph.states
    edges = graph.edges
    parent = graph.parent
    states.append(first)
    edges.append([])
    parent.append((-1, -1))
    turn_limit = st.turn_read and st.cap is None
    offered_at = graph.offered_at = [0] * len(st.node_ids)
    offered = st.offered
    step = st.step
    queue = deque([0])
    tick = 0
    while queue:
        sid = queue.popleft()
        state = states[sid]
        tick += 1
        if deadline is not None and not tick & 1023 and time.process_time() > deadline:
            graph.complete = False
            graph.stopped = "time"
            graph.partial.add(sid)
            graph.partial.update(queue)
            break
        if turn_limit and state[3] >= max_turns:
            graph.complete = False
            graph.stopped = graph.stopped or "turns"
            graph.partial.add(sid)
            continue
        out: list[tuple[int, int]] = []
        on_offer = 0
        for i in offered(state):
            on_offer |= 1 << i
            nxt, ending = step(state, i)
            if nxt is None:
                out.append((i, -1 - ending))
                continue
            target = ids.get(nxt)
            if target is None:
                if len(states) >= max_states:
                    graph.complete = False
                    graph.stopped = "states"
                    graph.partial.add(sid)
                    continue
                target = ids[nxt] = len(states)
                states.append(nxt)
                edges.append([])
                parent.append((sid, i))
                queue.append(target)
            out.append((i, target))
        edges[sid] = out
        offered_at[state[0]] |= on_offer
    return graph


def can_end(graph: PlayGraph) -> list[bool]:
    """For each state: can some play from it reach an ending? (Partial states count as
    able to: no claim is made about what was not explored.)"""
    n = len(graph.states)
    reverse: list[list[int]] = [[] for _ in range(n)]
    good = [False] * n
    queue: deque[int] = deque()
    for sid in graph.partial:
        good[sid] = True
        queue.append(sid)
    for sid, out in enumerate(graph.edges):
        for _, target in out:
            if target >= 0:
                reverse[target].append(sid)
            elif not good[sid]:
                good[sid] = True
                queue.append(sid)
    while queue:
        sid = queue.popleft()
        for prev in reverse[sid]:
            if not good[prev]:
                good[prev] = True
                queue.append(prev)
    return good


def reach_avoiding_step(graph: PlayGraph, step: str, *, stop_at: set[str] | None = None,
                        first: bool = False) -> dict[str, list[tuple[str, int]]]:
    """Endings reachable without ever giving a reply of method ``step``, each with a
    shortest play.

    With ``stop_at``, the search ends once every ending in it was found (``first``:
    once any was), and only those endings are reported.
    """
    found: dict[str, list[tuple[str, int]]] = {}
    wanted = set(graph.ending_ids) if stop_at is None else set(stop_at)
    if not wanted:
        return found
    parent: dict[int, tuple[int, int]] = {0: (-1, -1)}
    queue = deque([0])
    info = graph.info
    states = graph.states
    while queue:
        sid = queue.popleft()
        row = info[states[sid][0]]
        for choice, target in graph.edges[sid]:
            if row[choice].step == step:
                continue
            if target < 0:
                ending = graph.ending_ids[-1 - target]
                if ending in wanted and ending not in found:
                    moves = [(graph.node_of(sid), choice)]
                    s = sid
                    while parent[s][0] >= 0:
                        prev, c = parent[s]
                        moves.append((graph.node_of(prev), c))
                        s = prev
                    found[ending] = moves[::-1]
                    if first or len(found) == len(wanted):
                        return found
            elif target not in parent:
                parent[target] = (sid, choice)
                queue.append(target)
    return found


def steps_offered(graph: PlayGraph) -> set[str]:
    """The method steps of every reply offered somewhere."""
    out: set[str] = set()
    for info, bits in zip(graph.info, graph.offered_at, strict=True):
        out.update(c.step for i, c in enumerate(info) if bits >> i & 1 and c.step)
    return out & set(STEPS)


# --- searching for an ending -------------------------------------------------------------

_STEPPERS: OrderedDict[tuple[int, str], Stepper] = OrderedDict()
_STEPPERS_LOCK = threading.Lock()


def exact_stepper(scenario: Scenario) -> Stepper:
    """The unreduced :class:`Stepper` of ``scenario``, built once (a few are kept: a
    debrief runs several searches on one scenario, from several threads)."""
    key = (id(scenario), scenario.content_hash)
    with _STEPPERS_LOCK:
        got = _STEPPERS.get(key)
        if got is not None:
            _STEPPERS.move_to_end(key)
            return got
    got = Stepper(scenario, reduce=False)
    with _STEPPERS_LOCK:
        _STEPPERS[key] = got
        while len(_STEPPERS) > 16:
            _STEPPERS.popitem(last=False)
    return got


@dataclass(frozen=True, slots=True)
class Search:
    """The answer of :func:`find_ending`.

    ``found`` is True when an ending that satisfies the goal is reachable (``path`` then
    gives the choice indices of a play that reaches it, from the preset state), False
    when the search covered every reachable play state and none is, and None when it ran
    out of budget (``max_states``) or met the ``max_turns`` limit first: no claim.
    """

    found: bool | None
    path: tuple[int, ...]
    states: int


def find_ending(scenario: Scenario, goal: Callable[[str], bool], *, start: str | None = None,
                emotion: int | None = None, trust: int | None = None,
                flags: Mapping[str, bool | int] | None = None, learned: Iterable[str] = (),
                visited: Iterable[str] = (), turn: int = 0, max_turns: int = 200,
                max_states: int = 50_000,
                prefer: Callable[[Choice], float] | None = None) -> Search:
    """Is an ending ``goal(ending_id)`` accepts reachable from the (preset) state?

    Depth first over the exact play states (:func:`exact_stepper`), each once, trying
    the replies ``prefer`` ranks highest first (authored order among equals), so a
    search for a good ending along good replies stops early; proving that none is
    reachable visits every reachable play state.
    """
    st = exact_stepper(scenario)
    first = st.initial(start, emotion, trust, flags, learned, visited, turn)
    rank = prefer or (lambda c: 0.0)
    order = [sorted(range(len(node.choices)), key=lambda i, n=node: -rank(n.choices[i]))
             for node in st.nodes]
    ending_ids = st.ending_ids
    turn_read = st.turn_read
    seen = {first}
    # each entry: (state, its replies on offer in preference order, next one to try)
    stack: list[tuple[tuple, list[int], int]] = []
    path: list[int] = []
    cut = False

    def push(state: tuple) -> None:
        offered = set(st.offered(state))
        stack.append((state, [i for i in order[state[0]] if i in offered], 0))

    push(first)
    while stack:
        state, replies, k = stack[-1]
        if k >= len(replies) or (turn_read and state[3] >= max_turns):
            cut = cut or (k < len(replies))
            stack.pop()
            if path:
                path.pop()
            continue
        stack[-1] = (state, replies, k + 1)
        choice = replies[k]
        nxt, ending = st.step(state, choice)
        if nxt is None:
            if goal(ending_ids[ending]):
                return Search(True, (*path, choice), len(seen))
            continue
        if nxt in seen:
            continue
        if len(seen) >= max_states:
            return Search(None, (), len(seen))
        seen.add(nxt)
        path.append(choice)
        push(nxt)
    return Search(None if cut else False, (), len(seen))


# --- stepping one play by hand -----------------------------------------------------------

class HandPlay:
    """One play stepped as :class:`sim.engine.Session` steps it, without building its
    state machine (which takes seconds for a scenario of thousands of nodes): what the
    analysis replays and the audit's content-blind players play. The tests check both
    give the engine's turns."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.emotion = scenario.customer.emotion
        self.trust = scenario.customer.trust
        self.flags: dict[str, bool | int] = {}
        self.learned: set[str] = set()
        self.visits: Counter[str] = Counter({scenario.start: 1})
        self.turns: list[Turn] = []
        self.here = scenario.start
        self.ending: str | None = None

    def _context(self) -> PlayContext:
        # the live sets, not copies: a condition reads them at once (copies per turn
        # would make a long play quadratic)
        return PlayContext(self.emotion, self.trust, len(self.turns), self.flags,
                           self.learned, self.visits)

    def offered(self) -> list[int]:
        """The replies on offer now (indices in the node; none once the play ended)."""
        node = self.scenario.nodes.get(self.here)
        if node is None:
            return []
        now = self._context()
        return [i for i, c in enumerate(node.choices) if c.when is None or c.when.holds(now)]

    def give(self, index: int, offered: Sequence[int] | None = None) -> Turn:
        """Give reply ``index`` of the current node (``offered``: the replies on offer,
        if already worked out) and return the turn."""
        sc = self.scenario
        if offered is None:
            offered = self.offered()
        node_id = self.here
        choice = sc.nodes[node_id].choices[index]
        before = (self.emotion, self.trust)
        self.emotion = max(0, min(100, self.emotion + choice.effects.emotion))
        self.trust = max(0, min(100, self.trust + choice.effects.trust))
        new = tuple(f for f in dict.fromkeys(choice.learn) if f not in self.learned)
        self.learned.update(new)
        self.flags.update(choice.set)
        now = PlayContext(self.emotion, self.trust, len(self.turns) + 1, self.flags,
                          self.learned, self.visits)
        rule = next((r for r, rl in enumerate(sc.rules) if rl.when.holds(now)), None)
        if rule is not None:
            dest = sc.rules[rule].goto
        elif choice.goto is not None:
            dest = choice.goto
        else:
            dest = next(r.goto for r in choice.branch or ()
                        if r.when is None or r.when.holds(now))
        turn = Turn(len(self.turns) + 1, node_id, index, choice.id, choice.step,
                    choice.quality, choice.pitfall, before[0], before[1], self.emotion,
                    self.trust, tuple(offered), new, rule, dest)
        self.turns.append(turn)
        self.visits[dest] += 1
        self.here = dest
        if dest in sc.endings:
            self.ending = dest
        return turn
