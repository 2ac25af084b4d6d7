"""Record a play-through turn by turn while it is played.

A ``Recorder`` subscribes to a ``sim.engine.Session``: after every event it commits the
turns of ``session.history`` it has not stored yet (a Turn is immutable once in the
history, so the order in which the engine publishes its events does not matter), and
on ``SessionEnded`` it stores the debrief's ending, score and per-step status.

A failed write (disk full, database locked for too long) never stops play: the error
is logged, kept in ``recorder.error`` and passed to ``recorder.on_error``; the next
turn retries, writing every turn still missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.records.errors import StoreError
from sim.records.models import SessionInfo, TurnRow

if TYPE_CHECKING:
    from sim.records.store import Store

log = logging.getLogger(__name__)


def _text(value: Any, lang: str) -> str:
    from sim.scenario import text_of

    return text_of(value, lang) if value is not None else ""


def turn_row(scenario: Any, turn: Any, lang: str) -> TurnRow:
    """The stored form of one engine ``Turn`` (the reply text in the session's language)."""
    choice = scenario.nodes[turn.node].choices[turn.index]
    return TurnRow(
        number=turn.number, node=turn.node, choice_index=turn.index,
        choice_id=turn.choice_id, reply=_text(choice.reply, lang), step=turn.step,
        quality=turn.quality, emotion=int(turn.emotion), trust=int(turn.trust),
        pitfall=getattr(turn, "pitfall", None), typed=getattr(turn, "typed", None),
    )


class Recorder:
    """Writes one session's turns and result to a ``Store`` as they happen."""

    def __init__(self, store: Store, info: SessionInfo, scenario: Any):
        self.store = store
        self.info = info
        self.scenario = scenario
        self.recorded = info.turns
        self.finished = info.status == "finished"
        self.error: StoreError | None = None
        #: Called with the StoreError when a write fails (e.g. to show a notice).
        self.on_error: Callable[[StoreError], None] | None = None
        self.session: Any = None
        self.debrief: Any = None

    @property
    def session_id(self) -> int:
        """The local id of the recorded session."""
        return self.info.id

    @property
    def enabled(self) -> bool:
        """True: this recorder writes to a database."""
        return True

    def attach(self, session: Any) -> None:
        """Subscribe to ``session`` and store any turns it already has."""
        self.session = session
        session.subscribe(self._on_event)
        self.sync()

    def _on_event(self, event: Any) -> None:
        self.sync()
        if type(event).__name__ == "SessionEnded" or getattr(self.session, "is_over", False):
            self.finish()

    def _failed(self, exc: StoreError) -> None:
        first = self.error is None or self.error.kind != exc.kind
        self.error = exc
        log.warning("recording failed: %s", exc)
        if first and self.on_error is not None:
            self.on_error(exc)

    def sync(self) -> bool:
        """Commit every turn of the attached session not stored yet; False on failure."""
        if self.session is None:
            return True
        history = self.session.history
        if len(history) <= self.recorded:
            return True
        lang = self.info.lang
        rows = [turn_row(self.scenario, t, lang) for t in history[self.recorded:]]
        try:
            self.store.add_turns(self.session_id, rows)
        except StoreError as exc:
            self._failed(exc)
            return False
        self.recorded = len(history)
        self.error = None
        return True

    def finish(self, debrief: Any = None) -> bool:
        """Store the ending, score and per-step status (from ``debrief``, else assessed
        here with ``sim.coach``); idempotent. False when the write failed."""
        if self.finished or self.session is None or not self.session.is_over:
            return self.finished
        if not self.sync():
            return False
        if debrief is None:
            from sim.coach import assess

            # the stored result needs no turning point: don't search for one here
            debrief = assess(self.session, turning=False)
        self.debrief = debrief
        steps = {step: result.status for step, result in debrief.steps.items()}
        try:
            self.store.finish_session(
                self.session_id, ending=debrief.ending_id, outcome=debrief.outcome,
                score=debrief.score, steps=steps,
                scoring_version=getattr(debrief, "scoring_version", None),
            )
        except StoreError as exc:
            self._failed(exc)
            return False
        self.finished = True
        return True

    def abandon(self) -> None:
        """Close the session without an ending (e.g. the trainee chose "start over")."""
        try:
            self.store.abandon(self.session_id)
        except StoreError as exc:
            self._failed(exc)


class NullRecorder:
    """The same interface, recording nothing (play without recording)."""

    error: StoreError | None = None
    on_error: Callable[[StoreError], None] | None = None
    session: Any = None
    debrief: Any = None
    finished = False
    recorded = 0
    session_id = 0

    @property
    def enabled(self) -> bool:
        """False: nothing is written."""
        return False

    def attach(self, session: Any) -> None:
        """Remember the session only."""
        self.session = session

    def sync(self) -> bool:
        """Nothing to do."""
        return True

    def finish(self, debrief: Any = None) -> bool:
        """Nothing to do."""
        return True

    def abandon(self) -> None:
        """Nothing to do."""
