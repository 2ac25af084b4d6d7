"""Typed replies: match a trainee's own words to the authored replies, offline.

No pygame here: the window, the terminal player and the tools all use this package.
"""

from sim.match.background import Loader, shared_encoder
from sim.match.encoders import (
    DEFAULT_MODEL,
    MODELS,
    Encoder,
    ModelUnavailable,
    is_installed,
    load_encoder,
)
from sim.match.matcher import (
    CALIBRATION,
    Calibration,
    Candidate,
    Match,
    ReplyIndex,
    normalise,
    texts_of_choice,
    too_close_pairs,
)

__all__ = [
    "CALIBRATION", "DEFAULT_MODEL", "MODELS", "Calibration", "Candidate", "Encoder",
    "Loader", "Match", "ModelUnavailable", "ReplyIndex", "is_installed", "load_encoder",
    "normalise", "shared_encoder", "texts_of_choice", "too_close_pairs",
]
