"""What a session publishes to its subscribers: typed, past-tense, immutable events.

Front ends and recorders observe play only through these (or by reading the session's
state); the engine never calls them in any other way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.turn import Turn


@dataclass(frozen=True, slots=True)
class ChoiceMade:
    """The trainee gave a reply; ``turn`` holds everything it did."""

    turn: Turn


@dataclass(frozen=True, slots=True)
class MetersChanged:
    """Emotion or trust moved (values after clamping, and the change)."""

    emotion: int
    trust: int
    emotion_delta: int
    trust_delta: int
    turn: int


@dataclass(frozen=True, slots=True)
class FactLearned:
    """A fact was uncovered for the first time."""

    fact: str
    turn: int


@dataclass(frozen=True, slots=True)
class NodeEntered:
    """The conversation moved to a node (not an ending)."""

    node_id: str
    turn: int


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """The conversation is over: an ending was reached, or no reply could be offered."""

    ending_id: str | None
    outcome: str | None
    turn: int


Event = ChoiceMade | MetersChanged | FactLearned | NodeEntered | SessionEnded
