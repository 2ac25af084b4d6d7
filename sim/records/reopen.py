"""Reopen a past session: rebuild its play-through and debrief from the stored turns.

The records keep every turn (which reply, at which node, typed words if any) and the
seed of the reply order, and the engine is deterministic, so choosing the same replies
again on the same scenario file gives back the very session that was played; the coach
then assesses it as it did at the end of play. Two things can stand in the way, and
both are said rather than papered over:

* **The scenario file changed or is gone.** Replaying recorded choices on an edited
  file could lead elsewhere, so a session is only rebuilt on a file whose content hash
  is the one recorded (``state`` ``changed`` or ``missing`` otherwise; the stored
  outcome and score are still there to show).
* **The scoring formula changed.** A session keeps the score it was given
  (``session.scoring_version``; see docs/records.md): the rebuilt debrief is scored by
  today's formula, and :attr:`Reopened.rescored` tells the front end to show the score
  of record with a note that the breakdown is today's, never to swap one for the other.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.records.errors import ResumeError
from sim.records.models import SessionInfo

if TYPE_CHECKING:
    from sim.records.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reopened:
    """A past session made whole again, or why it could not be.

    ``state``: ``ready`` (``session`` and ``debrief`` are set), ``changed`` (the
    scenario file was edited since), ``missing`` (no file) or ``broken`` (the recorded
    turns no longer replay, e.g. a damaged record). ``scenario`` and ``path`` are the
    matching file's when it was found.
    """

    info: SessionInfo
    state: str
    scenario: Any = None
    path: Path | None = None
    session: Any = None
    debrief: Any = None
    reason: str = ""

    @property
    def ready(self) -> bool:
        """True when the session and its debrief were rebuilt."""
        return self.state == "ready"

    @property
    def rescored(self) -> bool:
        """True when the session was scored by another formula than today's: its score
        of record (``info.score``) differs in kind from the rebuilt debrief's."""
        if not self.ready or self.info.status != "finished" or self.info.score is None:
            return False
        return self.info.scoring_version != self.debrief.scoring_version


def replay_turns(scenario: Any, turns: list[Any], seed: int | None = None) -> Any:
    """A new ``Session`` (reply order from ``seed``) with the stored turns given again in
    order, typed words included; ``ResumeError`` when a turn no longer fits."""
    from sim.engine import ChoiceError, Session

    session = Session(scenario, seed=seed)
    for turn in turns:
        if session.is_over:
            raise ResumeError(f"the session ended before recorded turn {turn.number}")
        if session.node_id != turn.node:
            raise ResumeError(f"turn {turn.number} was played at node {turn.node!r}, "
                              f"but the replay is at {session.node_id!r}")
        try:
            session.choose_index(turn.choice_index, typed=turn.typed)
        except ChoiceError as exc:
            raise ResumeError(f"turn {turn.number}: {exc}") from None
    return session


def reopen(
    store: Store, info: SessionInfo | int, library: str | os.PathLike[str] | None = None
) -> Reopened:
    """Rebuild a recorded session and its debrief (see the module docstring)."""
    from sim.coach import assess

    if isinstance(info, int):
        info = store.session(info)
    plan = store.plan_resume(info, library)  # finds the file with the recorded hash
    if plan.state != "ready":
        return Reopened(info, plan.state, plan.scenario, plan.path, reason=plan.message["en"])
    try:
        session = replay_turns(plan.scenario, store.turns(info.id), info.seed)
    except ResumeError as exc:
        log.warning("session %s cannot be rebuilt: %s", info.id, exc)
        return Reopened(info, "broken", plan.scenario, plan.path, reason=str(exc))
    # the turning point is searched for by the front end, beside the window
    debrief = assess(session, turning=False)
    if (info.status == "finished" and info.score is not None
            and info.scoring_version == debrief.scoring_version
            and round(float(info.score), 1) != round(float(debrief.score), 1)):
        # same file, same formula: the scores agree unless the record was altered
        log.warning("session %s: stored score %s, rebuilt %s", info.id, info.score,
                    debrief.score)
    return Reopened(info, "ready", plan.scenario, plan.path, session, debrief)
