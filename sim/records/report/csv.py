"""The trainer's report as CSV: one row per recorded session, for spreadsheets."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from sim.records.models import format_score
from sim.records.schema import STEPS

if TYPE_CHECKING:
    from sim.records.store import Store

COLUMNS = ("trainee", "scenario", "started_at", "ended_at", "status", "mode", "lang",
           "turns", "ending", "outcome", "score", *STEPS, "origin", "uid")


def _safe(value: object) -> object:
    """Keep a spreadsheet from reading a name such as ``=HYPERLINK(...)`` as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(store: Store, *, trainee: str | None = None,
               scenario: str | tuple[str, ...] | None = None) -> str:
    """All matching sessions, oldest first, with each step's status (scores as the
    product shows them: ``99.5``, ``88``)."""
    sessions = store.sessions(trainee=trainee, scenario=scenario, newest_first=False)
    statuses: dict[int, dict[str, str]] = {}
    for row in store.read("SELECT session_id, step, status FROM session_step"):
        statuses.setdefault(row["session_id"], {})[row["step"]] = row["status"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in sessions:
        steps = statuses.get(s.id, {})
        writer.writerow([_safe(v) for v in (
            s.trainee, s.scenario_id, s.started_at, s.ended_at or "", s.status, s.mode,
            s.lang, s.turns, s.ending or "", s.outcome or "",
            format_score(s.score, none=""), *(steps.get(step, "") for step in STEPS),
            s.origin or "", s.uid)])
    return buf.getvalue()
