"""The trainer's report as CSV, for spreadsheets.

One row per recorded session (``record`` = ``session``); after a session that was
played in the own-words mode, one row per typed reply (``record`` = ``typed``): the
reply's number, node and id, the authored reply it was taken as, its step and quality,
and the trainee's own words. A spreadsheet filter on ``record`` keeps one kind; on
``scenario``, ``node`` and ``reply_id`` it shows what new hires actually say for a reply.
Session columns that describe the whole session (status, turns, ending, score, steps)
are left empty on typed rows, so sums and counts over them count sessions once.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from sim.records.models import format_score
from sim.records.queries import typed_turns
from sim.records.schema import STEPS

if TYPE_CHECKING:
    from sim.records.store import Store

#: the columns of a session row (the CSV's first columns, unchanged since the first report)
SESSION_COLUMNS = ("trainee", "scenario", "started_at", "ended_at", "status", "mode",
                   "lang", "turns", "ending", "outcome", "score", *STEPS, "origin", "uid")
#: the columns added for typed replies (empty on session rows)
TYPED_COLUMNS = ("record", "turn", "node", "reply_id", "reply", "step", "quality", "typed")
COLUMNS = SESSION_COLUMNS + TYPED_COLUMNS


def _safe(value: object) -> object:
    """Keep a spreadsheet from reading a name such as ``=HYPERLINK(...)`` as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(store: Store, *, trainee: str | None = None,
               scenario: str | tuple[str, ...] | None = None) -> str:
    """All matching sessions, oldest first, with each step's status (scores as the
    product shows them: ``99.5``, ``88``), each followed by its typed replies."""
    sessions = store.sessions(trainee=trainee, scenario=scenario, newest_first=False)
    statuses: dict[int, dict[str, str]] = {}
    for row in store.read("SELECT session_id, step, status FROM session_step"):
        statuses.setdefault(row["session_id"], {})[row["step"]] = row["status"]
    typed = typed_turns(store, [s.id for s in sessions])
    blank_steps = ("",) * len(STEPS)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in sessions:
        steps = statuses.get(s.id, {})
        writer.writerow([_safe(v) for v in (
            s.trainee, s.scenario_id, s.started_at, s.ended_at or "", s.status, s.mode,
            s.lang, s.turns, s.ending or "", s.outcome or "",
            format_score(s.score, none=""), *(steps.get(step, "") for step in STEPS),
            s.origin or "", s.uid, "session", "", "", "", "", "", "", "")])
        for t in typed.get(s.id, ()):
            writer.writerow([_safe(v) for v in (
                s.trainee, s.scenario_id, s.started_at, "", "", s.mode, s.lang, "", "", "",
                "", *blank_steps, s.origin or "", s.uid, "typed", t.number, t.node, t.key,
                t.reply, t.step or "", t.quality, t.typed)])
    return buf.getvalue()
