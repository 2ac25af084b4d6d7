"""The 5-step assessment: a finished (or abandoned) play-through → a :class:`Debrief`.

Pure functions of scenario + history; never imports pygame.
"""

from sim.coach.debrief import (
    SCORING_EXPLANATION,
    BetterReply,
    Debrief,
    OrderProblem,
    PitfallNote,
    ScorePart,
    StepResult,
    TurnReview,
    assess,
    assess_history,
    session_preset,
    turning_point_of,
)
from sim.coach.labels import (
    OUTCOME_LABELS,
    PITFALL_LABELS,
    QUALITY_LABELS,
    STATUS_LABELS,
    STEP_ADVICE,
    STEP_LABELS,
)
from sim.coach.scoring import (
    SCORING_VERSION,
    Tally,
    dominates,
    tally_advance,
    tally_score,
    tally_start,
    tally_step,
)

__all__ = [
    "OUTCOME_LABELS",
    "PITFALL_LABELS",
    "QUALITY_LABELS",
    "SCORING_EXPLANATION",
    "SCORING_VERSION",
    "STATUS_LABELS",
    "STEP_ADVICE",
    "STEP_LABELS",
    "BetterReply",
    "Debrief",
    "OrderProblem",
    "PitfallNote",
    "ScorePart",
    "StepResult",
    "Tally",
    "TurnReview",
    "assess",
    "assess_history",
    "dominates",
    "session_preset",
    "tally_advance",
    "tally_score",
    "tally_start",
    "tally_step",
    "turning_point_of",
]
