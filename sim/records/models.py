"""Plain, immutable rows returned by the records store (no SQLite types leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def format_score(value: float | None, *, signed: bool = False, none: str = "–") -> str:
    """A score, a mean or a change of scores as the product shows it: to one decimal,
    the decimal only when needed (``99.5``, ``88``; signed: ``+8``, ``-2.5``)."""
    if value is None:
        return none
    shown = round(float(value), 1) + 0.0  # + 0.0 turns -0.0 into 0.0: never "-0"
    return f"{shown:+g}" if signed else f"{shown:g}"


@dataclass(frozen=True, slots=True)
class TurnRow:
    """One played turn as it is stored: where, what was chosen, and the meters after."""

    number: int
    node: str
    choice_index: int
    choice_id: str | None
    reply: str
    step: str | None
    quality: str
    emotion: int
    trust: int
    pitfall: str | None = None
    played_at: str = field(default_factory=now_iso)
    typed: str | None = None  # the trainee's own words (own-words mode), else None

    @property
    def choice_key(self) -> str:
        """The choice id, or ``#n`` (1-based position in the node) when it has none."""
        return self.choice_id or f"#{self.choice_index + 1}"


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One recorded play-through (finished, abandoned or still open)."""

    id: int
    uid: str
    trainee: str
    scenario_id: str
    scenario_hash: str
    scenario_path: str | None
    lang: str
    mode: str
    started_at: str
    ended_at: str | None
    status: str  # playing | finished | abandoned
    ending: str | None
    outcome: str | None
    score: float | None  # 0..100, one decimal
    turns: int
    origin: str | None = None
    #: the seed of the reply order (None: authored order)
    seed: int | None = None
    #: the scoring formula that gave ``score`` (1 for sessions finished before version 2)
    scoring_version: int | None = None

    @property
    def is_open(self) -> bool:
        """True while the session can still be resumed."""
        return self.status == "playing"


@dataclass(frozen=True, slots=True)
class BestScore:
    """The best finished result of a trainee on one scenario."""

    scenario_id: str
    score: float  # 0..100, one decimal
    ending: str | None
    outcome: str | None
    played_at: str
    sessions: int  # finished sessions on this scenario


@dataclass(frozen=True, slots=True)
class StepMastery:
    """How often one step of the method was excellent / done / weak / missed."""

    step: str
    excellent: int = 0
    done: int = 0
    weak: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        """Number of sessions counted."""
        return self.excellent + self.done + self.weak + self.missed

    def share(self, status: str) -> float:
        """The fraction (0..1) of counted sessions with ``status``."""
        return getattr(self, status) / self.total if self.total else 0.0

    @property
    def rate(self) -> float:
        """A 0..1 mastery figure: excellent 1, done .75, weak .25, missed 0."""
        if not self.total:
            return 0.0
        return (self.excellent + 0.75 * self.done + 0.25 * self.weak) / self.total
