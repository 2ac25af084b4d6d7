"""The play-state graph of a scenario: every distinct state a play can be in, explored once.

A *play state* is what decides what happens next: the node, the two meters, and only the
parts of the rest that some condition reads — the flags conditions name, the facts
``learned()`` names, the nodes ``visited()`` names, and the turn count if ``turn`` is
read. Two plays in the same play state are offered the same replies and go on alike, so
exploring play states (not paths) is exact and finite: a scenario with 3^200 paths has a
few thousand play states. Only a scenario whose conditions read ``turn`` has unboundedly
many; there the exploration stops at ``max_turns`` and says so.

The transitions mirror :class:`sim.engine.Session` step by step (effects, clamping,
facts, flags, turn, then the rules, then the reply's route); the tests check the two
agree by replaying the paths found here through the engine.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sim.scenario import STEPS, Choice, Condition, Scenario

log = logging.getLogger(__name__)

#: a play state: (node index, emotion, trust, flag values, learned mask, visited mask, turn)
State = tuple[int, int, int, tuple[bool | int, ...], int, int, int]

QUALITY_TENTHS = {"best": 10, "good": 7, "poor": 3, "harmful": 0}
STEP_INDEX = {s: i for i, s in enumerate(STEPS)}


@dataclass(frozen=True, slots=True)
class Edge:
    """One reply given in one play state: where it led and the meters after it.

    ``target`` is a play-state number when the play goes on, else -1; ``ending`` names
    the ending reached (None while the play goes on).
    """

    choice: int
    target: int
    ending: str | None
    emotion: int
    trust: int


class PlayContext:
    """The :class:`~sim.scenario.ConditionContext` a condition reads for one play state."""

    __slots__ = ("emotion", "flags", "learned", "trust", "turn", "visited")

    def __init__(self, emotion: int, trust: int, turn: int, flags: Mapping[str, bool | int],
                 learned: frozenset[str], visited: frozenset[str]):
        self.emotion = emotion
        self.trust = trust
        self.turn = turn
        self.flags = flags
        self.learned = learned
        self.visited = visited


def _refs(scenario: Scenario) -> tuple[set[str], set[str], set[str], bool]:
    """Flags, facts and nodes some condition reads, and whether any reads ``turn``."""
    conditions: list[Condition] = [r.when for r in scenario.rules]
    for node in scenario.nodes.values():
        for c in node.choices:
            if c.when is not None:
                conditions.append(c.when)
            conditions.extend(r.when for r in c.branch or () if r.when is not None)
    flags: set[str] = set()
    facts: set[str] = set()
    nodes: set[str] = set()
    turn = False
    for cond in conditions:
        for ref in cond.references:
            if ref.kind == "flag":
                flags.add(ref.name)
            elif ref.kind == "fact":
                facts.add(ref.name)
            elif ref.kind == "node":
                nodes.add(ref.name)
            elif ref.name == "turn":
                turn = True
    return flags, facts, nodes, turn


def _clamp(value: int) -> int:
    return 0 if value < 0 else 100 if value > 100 else value


@dataclass
class StateSpace:
    """Every reachable play state, its replies on offer and where each leads."""

    scenario: Scenario
    node_ids: list[str]
    states: list[State] = field(default_factory=list)
    edges: list[list[Edge]] = field(default_factory=list)
    parent: list[tuple[int, int]] = field(default_factory=list)  # (state, choice) or (-1, -1)
    ending_first: dict[str, tuple[int, int]] = field(default_factory=dict)
    complete: bool = True
    #: play states some of whose replies lead beyond the explored states
    partial: set[int] = field(default_factory=set)
    max_turns: int = 0
    flags: tuple[str, ...] = ()

    def node_of(self, state: int) -> str:
        """The node id of a play state."""
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
        """True when no reply is on offer in this play state (the play cannot go on)."""
        return not self.edges[state] and state not in self.partial


class _Explorer:
    def __init__(self, scenario: Scenario, max_turns: int):
        self.sc = scenario
        self.node_ids = list(scenario.nodes)
        self.index = {n: i for i, n in enumerate(self.node_ids)}
        flags, facts, visits, self.turn_read = _refs(scenario)
        self.flags = tuple(sorted(flags))
        self.flag_pos = {f: i for i, f in enumerate(self.flags)}
        self.facts = tuple(sorted(facts))
        self.fact_bit = {f: 1 << i for i, f in enumerate(self.facts)}
        self.visits = tuple(sorted(visits))
        self.visit_bit = {n: 1 << i for i, n in enumerate(self.visits)}
        self.max_turns = max_turns
        self.nodes = [scenario.nodes[n] for n in self.node_ids]

    def ctx(self, emotion: int, trust: int, turn: int, flags: tuple[bool | int, ...],
            learned: int, visited: int) -> PlayContext:
        return PlayContext(emotion, trust, turn, dict(zip(self.flags, flags, strict=True)),
                    frozenset(f for f in self.facts if learned & self.fact_bit[f]),
                    frozenset(n for n in self.visits if visited & self.visit_bit[n]))

    def initial(self, start: str, emotion: int, trust: int,
                flags: Mapping[str, bool | int], learned: set[str],
                visited: Iterable[str] = (), turn: int = 0) -> State:
        fl = tuple(flags.get(f, False) for f in self.flags)
        lm = sum(self.fact_bit[f] for f in learned if f in self.fact_bit)
        vm = self.visit_bit.get(start, 0)
        for node in visited:
            vm |= self.visit_bit.get(node, 0)
        return (self.index[start], _clamp(emotion), _clamp(trust), fl, lm, vm,
                turn if self.turn_read else 0)

    def step(self, state: State, choice: Choice) -> tuple[State | None, str | None, int, int]:
        """Give ``choice`` in ``state``: (next state or None, ending or None, emotion, trust)."""
        _, e, t, fl, lm, vm, turn = state
        e = _clamp(e + choice.effects.emotion)
        t = _clamp(t + choice.effects.trust)
        for f in choice.learn:
            lm |= self.fact_bit.get(f, 0)
        if choice.set:
            new = list(fl)
            for name, value in choice.set.items():
                pos = self.flag_pos.get(name)
                if pos is not None:
                    new[pos] = value
            fl = tuple(new)
        turn += 1
        ctx = self.ctx(e, t, turn, fl, lm, vm)
        dest = None
        for rule in self.sc.rules:
            if rule.when.holds(ctx):
                dest = rule.goto
                break
        if dest is None:
            if choice.goto is not None:
                dest = choice.goto
            else:
                for route in choice.branch or ():
                    if route.when is None or route.when.holds(ctx):
                        dest = route.goto
                        break
        assert dest is not None  # the loader guarantees a default route
        if dest in self.sc.endings:
            return None, dest, e, t
        vm |= self.visit_bit.get(dest, 0)
        return (self.index[dest], e, t, fl, lm, vm, turn if self.turn_read else 0), None, e, t

    def offered(self, state: State) -> list[int]:
        node = self.nodes[state[0]]
        if all(c.when is None for c in node.choices):
            return list(range(len(node.choices)))
        _, e, t, fl, lm, vm, turn = state
        ctx = self.ctx(e, t, turn, fl, lm, vm)
        return [i for i, c in enumerate(node.choices) if c.when is None or c.when.holds(ctx)]


def explore(scenario: Scenario, *, start: str | None = None, emotion: int | None = None,
            trust: int | None = None, flags: Mapping[str, bool | int] | None = None,
            learned: set[str] | None = None, max_turns: int = 200,
            max_states: int = 2_000_000, visited: Iterable[str] = (),
            turn: int = 0) -> StateSpace:
    """Explore every play state reachable from the start (or a preset state), breadth first.

    Breadth first, so the first time an ending is met is by a shortest play. Stops (and
    sets ``complete`` False) past ``max_turns`` when conditions read ``turn``, or past
    ``max_states`` play states. ``visited`` (nodes already entered) and ``turn`` (replies
    already given) complete a preset state, so a play can be explored from the middle of
    a session exactly as it would go on.
    """
    ex = _Explorer(scenario, max_turns)
    space = StateSpace(scenario, ex.node_ids, max_turns=max_turns, flags=ex.flags)
    first = ex.initial(start or scenario.start,
                       scenario.customer.emotion if emotion is None else emotion,
                       scenario.customer.trust if trust is None else trust,
                       flags or {}, learned or set(), visited, turn)
    ids: dict[State, int] = {first: 0}
    space.states.append(first)
    space.parent.append((-1, -1))
    space.edges.append([])
    queue = deque([0])
    while queue:
        sid = queue.popleft()
        state = space.states[sid]
        node = ex.nodes[state[0]]
        out: list[Edge] = []
        if ex.turn_read and state[6] >= max_turns:
            space.complete = False
            space.partial.add(sid)
            space.edges[sid] = out
            continue
        for i in ex.offered(state):
            nxt, ending, e, t = ex.step(state, node.choices[i])
            if nxt is None:
                out.append(Edge(i, -1, ending, e, t))
                space.ending_first.setdefault(ending, (sid, i))  # type: ignore[arg-type]
                continue
            target = ids.get(nxt)
            if target is None:
                if len(space.states) >= max_states:
                    space.complete = False
                    space.partial.add(sid)
                    continue
                target = ids[nxt] = len(space.states)
                space.states.append(nxt)
                space.parent.append((sid, i))
                space.edges.append([])
                queue.append(target)
            out.append(Edge(i, target, None, e, t))
        space.edges[sid] = out
    if not space.complete:
        log.info("exploration of %s stopped early (%d states)", scenario.id, len(space.states))
    return space


def has_cycle(space: StateSpace) -> bool:
    """True when some play state can come back to itself (plays of unbounded length)."""
    colour = [0] * len(space.states)  # 0 new, 1 on the stack, 2 done
    for root in range(len(space.states)):
        if colour[root]:
            continue
        stack = [(root, 0)]
        colour[root] = 1
        while stack:
            sid, k = stack[-1]
            edges = space.edges[sid]
            if k < len(edges):
                stack[-1] = (sid, k + 1)
                target = edges[k].target
                if target < 0:
                    continue
                if colour[target] == 1:
                    return True
                if colour[target] == 0:
                    colour[target] = 1
                    stack.append((target, 0))
            else:
                colour[sid] = 2
                stack.pop()
    return False


def can_end(space: StateSpace) -> list[bool]:
    """For each play state: can some play from it reach an ending?

    A state whose replies lead beyond an incomplete exploration counts as able to (no
    claim is made about what was not explored).
    """
    reverse: list[list[int]] = [[] for _ in space.states]
    good = [False] * len(space.states)
    queue: deque[int] = deque()
    for sid in space.partial:
        good[sid] = True
        queue.append(sid)
    for sid, edges in enumerate(space.edges):
        for edge in edges:
            if edge.target >= 0:
                reverse[edge.target].append(sid)
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


def reach_avoiding(space: StateSpace,
                   avoid: set[tuple[str, int]]) -> dict[str, list[tuple[str, int]]]:
    """Endings reachable without ever giving a reply in ``avoid``, each with a shortest play."""
    found: dict[str, list[tuple[str, int]]] = {}
    parent: dict[int, tuple[int, int]] = {0: (-1, -1)}
    queue = deque([0])
    while queue:
        sid = queue.popleft()
        node = space.node_of(sid)
        for edge in space.edges[sid]:
            if (node, edge.choice) in avoid:
                continue
            if edge.target < 0:
                if edge.ending is not None and edge.ending not in found:
                    moves = [(node, edge.choice)]
                    s = sid
                    while parent[s][0] >= 0:
                        prev, c = parent[s]
                        moves.append((space.node_of(prev), c))
                        s = prev
                    found[edge.ending] = moves[::-1]
            elif edge.target not in parent:
                parent[edge.target] = (sid, edge.choice)
                queue.append(edge.target)
    return found


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
                flags: Mapping[str, bool | int] | None = None, learned: set[str] | None = None,
                visited: Iterable[str] = (), turn: int = 0, max_turns: int = 200,
                max_states: int = 50_000,
                prefer: Callable[[Choice], float] | None = None) -> Search:
    """Is an ending ``goal(ending_id)`` accepts reachable from the (preset) state?

    Depth first, each play state once, trying the replies ``prefer`` ranks highest first
    (authored order among equals), so a search for a good ending along good replies
    stops early; proving that none is reachable visits every reachable play state.
    """
    ex = _Explorer(scenario, max_turns)
    first = ex.initial(start or scenario.start,
                       scenario.customer.emotion if emotion is None else emotion,
                       scenario.customer.trust if trust is None else trust,
                       flags or {}, learned or set(), visited, turn)
    rank = prefer or (lambda c: 0.0)
    order = [sorted(range(len(node.choices)), key=lambda i, n=node: -rank(n.choices[i]))
             for node in ex.nodes]
    seen = {first}
    # each entry: (state, its replies on offer in preference order, next one to try)
    stack: list[tuple[State, list[int], int]] = []
    path: list[int] = []
    cut = False

    def push(state: State) -> None:
        offered = set(ex.offered(state))
        stack.append((state, [i for i in order[state[0]] if i in offered], 0))

    push(first)
    while stack:
        state, replies, k = stack[-1]
        if k >= len(replies) or (ex.turn_read and state[6] >= max_turns):
            cut = cut or (k < len(replies))
            stack.pop()
            if path:
                path.pop()
            continue
        stack[-1] = (state, replies, k + 1)
        choice = replies[k]
        nxt, ending, _, _ = ex.step(state, ex.nodes[state[0]].choices[choice])
        if nxt is None:
            if ending is not None and goal(ending):
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
