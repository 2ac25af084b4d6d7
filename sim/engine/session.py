"""One play-through of a scenario, run by a ``transitions`` state machine.

Nodes and endings are the machine's states; each reply of each node is a trigger whose
transitions are tried in order — first the scenario's ``rules`` (conditional), then the
reply's own route (its ``goto``, or the entries of its ``branch``). A reply's effects are
applied before the trigger fires, so rules and branches see the meters after the reply,
as the format says. The session delivers the customer's line and the offered replies,
then waits for :meth:`Session.choose`; everything it does is published as past-tense
events. Deterministic: the same replies always give the same history.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from transitions import Machine

from sim.engine.events import (
    ChoiceMade,
    Event,
    FactLearned,
    MetersChanged,
    NodeEntered,
    SessionEnded,
)
from sim.engine.turn import Turn
from sim.scenario import Choice, Ending, Node, Scenario
from sim.scenario.replykeys import ReplyKeyError, parse_reply_key

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class ChoiceError(ValueError):
    """A reply that is not on offer (or the session is already over)."""


@dataclass(frozen=True, slots=True)
class Offered:
    """A reply on offer now: ``number`` is 1-based among the offered, ``index`` in the node."""

    number: int
    index: int
    choice: Choice


def _clamp(value: int) -> int:
    return max(0, min(100, value))


#: seeds are drawn below this bound (they fit any records column and command line)
SEED_LIMIT = 2**31


def new_seed() -> int:
    """A fresh random seed for a session's reply order."""
    return secrets.randbelow(SEED_LIMIT)


def shown_order(seed: int | None, turn: int, node_id: str, offered: Sequence[int],
                shuffle: bool = True) -> list[int]:
    """The order in which the replies ``offered`` (indices in the node) are shown.

    Without a seed, or at a node that says ``shuffle: false``, it is the authored order.
    Otherwise it is a shuffle drawn from the seed, the number of replies given so far
    (``turn``) and the node: the same session shows the same order when it is resumed or
    reviewed, and a node met twice is shuffled afresh.
    """
    order = list(offered)
    if seed is None or not shuffle or len(order) < 2:
        return order
    random.Random(f"{seed}:{turn}:{node_id}").shuffle(order)
    return order


def _trigger(node_id: str, index: int) -> str:
    return f"{node_id}#{index}"


class _Position:
    """The model object the state machine drives (keeps its generated names off Session)."""

    state: str


class Session:
    """A play-through: current node, meters, flags, facts, visits and the turn history.

    ``start``, ``emotion``, ``trust``, ``flags`` and ``learned`` preset the state, so a
    trainer can preview from any node; by default play starts at the scenario's start
    with the customer's starting meters. ``seed`` shuffles the order in which replies are
    shown (:meth:`shown`, :func:`shown_order`); None keeps the authored order. Replies
    are always named by their authored position (:meth:`choose`, :meth:`answer`), so a
    plan means the same whatever the order shown.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        start: str | None = None,
        emotion: int | None = None,
        trust: int | None = None,
        flags: Mapping[str, bool | int] | None = None,
        learned: Iterable[str] = (),
        seed: int | None = None,
    ):
        self.scenario = scenario
        self.seed = seed
        start = start or scenario.start
        if start not in scenario.nodes:
            raise ChoiceError(f"no node '{start}' in scenario '{scenario.id}'")
        self.start_node = start
        self.start_emotion = _clamp(scenario.customer.emotion if emotion is None else emotion)
        self.start_trust = _clamp(scenario.customer.trust if trust is None else trust)
        self.emotion = self.start_emotion
        self.trust = self.start_trust
        self.turn = 0
        self.flags: dict[str, bool | int] = dict(flags or {})
        self.learned: set[str] = set(learned)
        # the preset, kept so the coach can explore the play from where it began
        self.start_flags: dict[str, bool | int] = dict(self.flags)
        self.start_learned: frozenset[str] = frozenset(self.learned)
        self.visits: Counter[str] = Counter({start: 1})
        self._history: list[Turn] = []
        self._listeners: list[Listener] = []
        self._route: tuple[int | None, str] = (None, "")
        self._position = _Position()
        self._machine = Machine(
            model=self._position,
            states=[*scenario.nodes, *scenario.endings],
            transitions=self._transitions(),
            initial=start,
            auto_transitions=False,
            send_event=False,
        )

    # --- construction ---------------------------------------------------------------

    def _holds(self, condition: object) -> Callable[[], bool]:
        return lambda: condition.holds(self)  # type: ignore[attr-defined]

    def _routed(self, rule: int | None, dest: str) -> Callable[[], None]:
        def note() -> None:
            self._route = (rule, dest)
        return note

    def _transitions(self) -> list[dict]:
        rules = self.scenario.rules
        out: list[dict] = []
        for node_id, node in self.scenario.nodes.items():
            for i, choice in enumerate(node.choices):
                trigger = _trigger(node_id, i)
                for r, rule in enumerate(rules):
                    out.append({"trigger": trigger, "source": node_id, "dest": rule.goto,
                                "conditions": [self._holds(rule.when)],
                                "after": [self._routed(r, rule.goto)]})
                if choice.goto is not None:
                    out.append({"trigger": trigger, "source": node_id, "dest": choice.goto,
                                "after": [self._routed(None, choice.goto)]})
                for route in choice.branch or ():
                    t = {"trigger": trigger, "source": node_id, "dest": route.goto,
                         "after": [self._routed(None, route.goto)]}
                    if route.when is not None:
                        t["conditions"] = [self._holds(route.when)]
                    out.append(t)
        return out

    # --- what front ends read -------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` for every event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @property
    def node_id(self) -> str:
        """The current node or ending id."""
        return self._position.state

    @property
    def node(self) -> Node | None:
        """The current node (None once an ending is reached)."""
        return self.scenario.nodes.get(self.node_id)

    @property
    def ending_id(self) -> str | None:
        """The ending reached, if any."""
        return self.node_id if self.node_id in self.scenario.endings else None

    @property
    def ending(self) -> Ending | None:
        """The ending reached, if any."""
        return self.scenario.endings.get(self.node_id)

    @property
    def visited(self) -> Counter[str]:
        """Nodes and endings entered so far, with how often (read by ``visited(node)``)."""
        return self.visits

    @property
    def history(self) -> tuple[Turn, ...]:
        """Every turn played, in order."""
        return tuple(self._history)

    @property
    def is_over(self) -> bool:
        """True at an ending, or at a node where no reply's ``if`` holds."""
        return self.ending_id is not None or not self.choices()

    @property
    def is_stuck(self) -> bool:
        """True at a node where no reply can be offered (a scenario defect)."""
        return self.ending_id is None and not self.choices()

    def choices(self) -> list[Offered]:
        """The replies on offer at the current node, after their ``if`` conditions."""
        node = self.node
        if node is None:
            return []
        offered = [(i, c) for i, c in enumerate(node.choices)
                   if c.when is None or c.when.holds(self)]
        return [Offered(n, i, c) for n, (i, c) in enumerate(offered, start=1)]

    def shown(self) -> list[Offered]:
        """The replies on offer in the order they are shown (see :func:`shown_order`).

        Each keeps its ``number`` among :meth:`choices` (authored order); a front end
        numbers them by their place here and gives one with :meth:`choose_shown`.
        """
        offered = self.choices()
        node = self.node
        if node is None:
            return offered
        by_index = {o.index: o for o in offered}
        order = shown_order(self.seed, self.turn, self.node_id, list(by_index),
                            node.shuffle)
        return [by_index[i] for i in order]

    # --- what front ends call -------------------------------------------------------

    def choose_shown(self, position: int) -> Turn:
        """Give the reply at 0-based ``position`` in :meth:`shown` (the order on screen)."""
        shown = self.shown()
        if not 0 <= position < len(shown):
            raise ChoiceError(f"there is no reply {position + 1}; choose 1 to {len(shown)}")
        return self.choose(shown[position].number - 1)

    def choose(self, which: int | str, *, typed: str | None = None) -> Turn:
        """Give a reply: an ``int`` is a 0-based position in :meth:`choices`, a ``str`` an id.

        ``typed``: the trainee's own words, when the reply was typed and matched to this one
        (kept with the turn for the records and the debrief).
        """
        offered = self.choices()
        if self.ending_id is not None:
            raise ChoiceError("the conversation is already over")
        if not offered:
            raise ChoiceError(f"no reply can be offered at node '{self.node_id}'")
        if isinstance(which, int) and not isinstance(which, bool):
            if not 0 <= which < len(offered):
                raise ChoiceError(f"there is no reply {which + 1}; "
                                  f"choose 1 to {len(offered)}")
            pick = offered[which]
        else:
            matches = [o for o in offered if o.choice.id == which]
            if not matches:
                ids = ", ".join(o.choice.id or str(o.number) for o in offered)
                raise ChoiceError(f"reply '{which}' is not on offer at node "
                                  f"'{self.node_id}' (offered: {ids})")
            pick = matches[0]
        return self._apply(pick, offered, typed)

    def choose_index(self, index: int, *, typed: str | None = None) -> Turn:
        """Give the reply at authored position ``index`` in the node (its identity, whatever
        order it is shown in); it must be on offer."""
        for n, offered in enumerate(self.choices()):
            if offered.index == index:
                return self.choose(n, typed=typed)
        raise ChoiceError(f"reply {index + 1} of node '{self.node_id}' is not on offer")

    def answer(self, token: int | str) -> Turn:
        """Give a reply named as in a play plan: a number is 1-based among those offered.

        The token is read by :func:`sim.scenario.replykeys.parse_reply_key`, shared with
        the loader's checks of ``tests:`` and the command line; one it refuses raises
        :class:`ChoiceError` with its reason.
        """
        try:
            key = parse_reply_key(token)
        except ReplyKeyError as exc:
            raise ChoiceError(str(exc)) from None
        if isinstance(key, int):
            return self.choose(key - 1)
        return self.choose(key)

    def _apply(self, pick: Offered, offered: list[Offered], typed: str | None = None) -> Turn:
        choice, node_id = pick.choice, self.node_id
        before = (self.emotion, self.trust)
        self.emotion = _clamp(self.emotion + choice.effects.emotion)
        self.trust = _clamp(self.trust + choice.effects.trust)
        new_facts = tuple(f for f in dict.fromkeys(choice.learn) if f not in self.learned)
        self.learned.update(new_facts)
        self.flags.update(choice.set)
        self.turn += 1
        self._route = (None, "")
        self._position.trigger(_trigger(node_id, pick.index))
        self.visits[self.node_id] += 1
        rule, dest = self._route
        turn = Turn(
            number=self.turn, node=node_id, index=pick.index, choice_id=choice.id,
            step=choice.step, quality=choice.quality, pitfall=choice.pitfall,
            emotion_before=before[0], trust_before=before[1],
            emotion=self.emotion, trust=self.trust,
            offered=tuple(o.index for o in offered), learned=new_facts,
            rule=rule, dest=dest or self.node_id, typed=typed,
        )
        self._history.append(turn)
        log.debug("turn %d: %s#%d → %s", turn.number, node_id, pick.index, turn.dest)
        self._publish(ChoiceMade(turn))
        if (self.emotion, self.trust) != before:
            self._publish(MetersChanged(self.emotion, self.trust, self.emotion - before[0],
                                        self.trust - before[1], self.turn))
        for fact in new_facts:
            self._publish(FactLearned(fact, self.turn))
        if self.ending is not None:
            self._publish(SessionEnded(self.ending_id, self.ending.outcome, self.turn))
        else:
            self._publish(NodeEntered(self.node_id, self.turn))
            if not self.choices():
                log.warning("no reply can be offered at node '%s'", self.node_id)
                self._publish(SessionEnded(None, None, self.turn))
        return turn

    def _publish(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)


def continue_with(session: Session, scenario: Scenario) -> Session:
    """A session of ``scenario`` (an edited version of the one being played) at the same
    node with the same meters, flags, facts and visits — for previewing edits in place.

    Raises :class:`ChoiceError` when the current node no longer exists in the new version.
    Turn history does not carry over: the edited replies may no longer match it.
    """
    node = session.node_id
    if node in scenario.endings:
        raise ChoiceError(f"'{node}' is an ending; restart the scenario to preview it")
    fresh = Session(scenario, start=node, emotion=session.emotion, trust=session.trust,
                    flags=session.flags, seed=session.seed,
                    learned=(f for f in session.learned if f in scenario.facts))
    fresh.visits = Counter({k: v for k, v in session.visits.items()
                            if k in scenario.nodes or k in scenario.endings})
    fresh.visits[node] = max(fresh.visits[node], 1)
    fresh.turn = session.turn
    return fresh


def replay(scenario: Scenario, plan: Iterable[int | str], **preset: object) -> Session:
    """A new session with the plan's replies given in order (tokens as in :meth:`answer`)."""
    session = Session(scenario, **preset)  # type: ignore[arg-type]
    for token in plan:
        session.answer(token)
    return session
