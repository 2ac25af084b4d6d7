"""Resume an interrupted session by replaying its recorded choices.

The engine is deterministic, so choosing the same replies again from the start puts a
new ``Session`` exactly where the trainee stopped. That only holds for the scenario
file that was played: its content hash is compared first, and a changed or missing
file is reported so the front end can offer a restart instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.records.errors import ResumeError
from sim.records.models import SessionInfo

if TYPE_CHECKING:
    from sim.records.recorder import Recorder
    from sim.records.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ResumePlan:
    """What can be done with one open session.

    ``state``: ``ready`` (the same scenario file is there: resume), ``changed`` (the
    file changed since: offer a restart on the new version), ``missing`` (no file).
    ``message`` is a Text map (``{"en": ..., "zh": ...}``) to show the trainee.
    """

    info: SessionInfo
    state: str
    scenario: Any  # the loaded current Scenario, None when missing or unloadable
    path: Path | None
    message: dict[str, str]


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, as the scenario loader computes ``content_hash``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _candidates(info: SessionInfo, library: str | os.PathLike[str] | None) -> list[Path]:
    found: list[Path] = []
    if info.scenario_path:
        found.append(Path(info.scenario_path))
    try:
        from sim.scenario import resolve_scenario

        found.append(Path(resolve_scenario(info.scenario_id, library)))
    except Exception as exc:  # a missing library or id is just "no candidate here"
        log.debug("no library match for %s: %s", info.scenario_id, exc)
    unique: list[Path] = []
    for p in found:
        if p.is_file() and p.resolve() not in [u.resolve() for u in unique]:
            unique.append(p)
    return unique


def plan_resume(
    store: Store, info: SessionInfo | int, library: str | os.PathLike[str] | None = None
) -> ResumePlan:
    """Locate the scenario of an open session and compare its content hash."""
    from sim.scenario import load_scenario

    if isinstance(info, int):
        info = store.session(info)
    candidates = _candidates(info, library)
    for path in candidates:
        try:
            if file_hash(path) == info.scenario_hash:
                return ResumePlan(info, "ready", load_scenario(path), path, {
                    "en": f"Continue “{info.scenario_id}” where you stopped "
                          f"(reply {info.turns + 1}).",
                    "zh": f"从上次中断处继续“{info.scenario_id}”（第 {info.turns + 1} 次回复）。",
                })
        except Exception as exc:  # unreadable or now invalid: try the next candidate
            log.debug("cannot use %s for resume: %s", path, exc)
    for path in candidates:
        try:
            scenario = load_scenario(path)
        except Exception as exc:
            log.debug("cannot load %s: %s", path, exc)
            continue
        return ResumePlan(info, "changed", scenario, path, {
            "en": f"The scenario “{info.scenario_id}” has changed since this session was "
                  "played, so it cannot be continued. Start it again?",
            "zh": f"情景“{info.scenario_id}”在上次练习后已被修改，无法继续。要重新开始吗？",
        })
    return ResumePlan(info, "missing", None, None, {
        "en": f"The scenario “{info.scenario_id}” is no longer available; this session "
              "cannot be continued.",
        "zh": f"找不到情景“{info.scenario_id}”，无法继续这次练习。",
    })


def replay(scenario: Any, turns: list[Any], seed: int | None = None) -> Any:
    """A new ``Session`` (reply order from ``seed``) with the recorded turns chosen
    again, in order."""
    from sim.engine import Session

    session = Session(scenario, seed=seed)
    for turn in turns:
        if session.is_over:
            raise ResumeError(f"the session ended before recorded turn {turn.number}")
        if session.node_id != turn.node:
            raise ResumeError(
                f"turn {turn.number} was played at node {turn.node!r}, "
                f"but the replay is at {session.node_id!r}"
            )
        for position, offered in enumerate(session.choices()):
            if offered.index == turn.choice_index:
                session.choose(position, typed=getattr(turn, "typed", None))
                break
        else:
            raise ResumeError(
                f"turn {turn.number}: the recorded reply is not offered at {turn.node!r}"
            )
    return session


def resume(store: Store, plan: ResumePlan) -> tuple[Any, Recorder]:
    """Replay a ``ready`` plan; returns the session and its attached recorder."""
    from sim.records.recorder import Recorder

    if plan.state != "ready" or plan.scenario is None:
        raise ResumeError(plan.message["en"])
    info = store.session(plan.info.id)
    if not info.is_open:
        raise ResumeError(f"session {info.id} is already {info.status}")
    session = replay(plan.scenario, store.turns(info.id), info.seed)
    recorder = Recorder(store, info, plan.scenario)
    recorder.attach(session)
    if session.is_over:  # stopped between the last turn and its result: finish it now
        recorder.finish()
    return session, recorder


def restart(store: Store, plan: ResumePlan, seed: int | None = None) -> Recorder:
    """Abandon the open session and start a new one on the plan's current scenario
    (its reply order from ``seed``)."""
    if plan.scenario is None:
        raise ResumeError(plan.message["en"])
    store.abandon(plan.info.id)
    return store.start(plan.info.trainee, plan.scenario, plan.info.lang, plan.info.mode,
                       seed=seed)
