"""Running one play-through of a scenario: headless, deterministic, never imports pygame."""

from sim.engine.events import (
    ChoiceMade,
    Event,
    FactLearned,
    MetersChanged,
    NodeEntered,
    SessionEnded,
)
from sim.engine.session import (
    ChoiceError,
    Offered,
    Session,
    continue_with,
    new_seed,
    replay,
    shown_order,
)
from sim.engine.turn import Turn

__all__ = [
    "ChoiceError", "ChoiceMade", "Event", "FactLearned", "MetersChanged", "NodeEntered",
    "Offered", "Session", "SessionEnded", "Turn", "continue_with", "new_seed", "replay",
    "shown_order",
]
