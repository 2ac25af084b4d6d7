"""The records database schema and its migrations.

The schema version lives in ``PRAGMA user_version`` and the file is marked as ours
with ``PRAGMA application_id``, so a foreign SQLite file is recognised and left alone.
Migrations run in order, each in the same transaction as the version bump; the
caller backs the file up before the first one (see ``sim.records.store``).

Version history
---------------
1. trainees, sessions (scenario id + content hash, language, mode, start/end,
   ending, score) and turns, each turn committed as it is played.
2. Sharing results between machines and mastery over time:
   ``session.uid`` (a random id, so importing the same file twice adds nothing;
   for v1 sessions one derived from trainee, scenario and start time),
   ``session.outcome`` and ``session.origin`` (where an imported session came from),
   ``turn.pitfall``, and a ``session_step`` table with the debrief's per-step status
   (backfilled for finished v1 sessions from their turns with the debrief's rule:
   a ``best`` reply of the step -> excellent, ``good`` -> done, only poor/harmful ->
   weak, never -> missed).
3. Assessment v2: ``session.seed`` (the seed of the session's reply order, so a
   resumed session shows the replies in the same order; NULL: the authored order) and
   ``session.scoring_version`` (which scoring formula gave ``session.score``: sessions
   finished before this version were scored by formula 1, and keep that score; see
   docs/records.md).

Scores: the debrief scores to one decimal (``99.5``) and ``session.score`` stores it as
given. The column's INTEGER affinity keeps ``99.5`` as REAL and ``88.0`` as the integer
``88`` (both read back as the same number, compared and ordered as numbers), so files
from before, with whole scores, need no migration.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable

#: "DFSE": marks a SQLite file as a Defuse records database.
APPLICATION_ID = 0x44465345

STEPS = ("listen", "apologize", "clarify", "solve", "commit")

_V1 = """
CREATE TABLE trainee (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    trainee_id INTEGER NOT NULL REFERENCES trainee(id),
    scenario_id TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    scenario_path TEXT,
    lang TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'playing'
        CHECK (status IN ('playing', 'finished', 'abandoned')),
    ending TEXT,
    score INTEGER
);
CREATE INDEX session_by_trainee ON session(trainee_id, started_at);
CREATE INDEX session_by_scenario ON session(scenario_id);
CREATE TABLE turn (
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    node TEXT NOT NULL,
    choice_index INTEGER NOT NULL,
    choice_id TEXT,
    reply TEXT NOT NULL,
    step TEXT,
    quality TEXT NOT NULL,
    emotion INTEGER NOT NULL,
    trust INTEGER NOT NULL,
    played_at TEXT NOT NULL,
    PRIMARY KEY (session_id, number)
);
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            conn.execute(statement)


_QUALITY_RANK = {"best": 3, "good": 2, "poor": 1, "harmful": 1}
_RANK_STATUS = {3: "excellent", 2: "done", 1: "weak"}


def step_status_from_turns(turns: list[tuple[str | None, str]]) -> dict[str, str]:
    """Per-step status from ``(step, quality)`` pairs, by the debrief's rule."""
    rank: dict[str, int] = {}
    for step, quality in turns:
        if step:
            rank[step] = max(rank.get(step, 0), _QUALITY_RANK.get(quality, 2))
    return {step: _RANK_STATUS.get(rank.get(step, 0), "missed") for step in STEPS}


def _legacy_uid(trainee: str, scenario_id: str, scenario_hash: str, started_at: str) -> str:
    key = "\x1f".join((trainee, scenario_id, scenario_hash, started_at))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE session ADD COLUMN uid TEXT")
    conn.execute("ALTER TABLE session ADD COLUMN outcome TEXT")
    conn.execute("ALTER TABLE session ADD COLUMN origin TEXT")
    conn.execute("ALTER TABLE turn ADD COLUMN pitfall TEXT")
    # New sessions get a random uid. Old ones get one derived from what identifies them,
    # so two copies of the same v1 file migrated apart still agree (no duplicate on
    # re-import).
    rows = conn.execute(
        """SELECT s.id, t.name, s.scenario_id, s.scenario_hash, s.started_at
           FROM session s JOIN trainee t ON t.id = s.trainee_id"""
    ).fetchall()
    conn.executemany(
        "UPDATE session SET uid = ? WHERE id = ?",
        [(_legacy_uid(*row[1:]), row[0]) for row in rows],
    )
    conn.execute("CREATE UNIQUE INDEX session_by_uid ON session(uid)")
    conn.execute(
        """CREATE TABLE session_step (
            session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
            step TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('excellent', 'done', 'weak', 'missed')),
            PRIMARY KEY (session_id, step)
        )"""
    )
    finished = [
        row[0] for row in conn.execute("SELECT id FROM session WHERE status = 'finished'")
    ]
    for session_id in finished:
        pairs = conn.execute(
            "SELECT step, quality FROM turn WHERE session_id = ?", (session_id,)
        ).fetchall()
        conn.executemany(
            "INSERT INTO session_step(session_id, step, status) VALUES (?, ?, ?)",
            [(session_id, s, st) for s, st in step_status_from_turns(pairs).items()],
        )


def _v3(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE session ADD COLUMN seed INTEGER")
    conn.execute("ALTER TABLE session ADD COLUMN scoring_version INTEGER")
    # every score stored so far was given by the first formula
    conn.execute("UPDATE session SET scoring_version = 1 WHERE score IS NOT NULL")


#: MIGRATIONS[n] brings a database from version n to n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]

SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def application_id(conn: sqlite3.Connection) -> int:
    """The application id recorded in the file (0 when none)."""
    return int(conn.execute("PRAGMA application_id").fetchone()[0])


def has_tables(conn: sqlite3.Connection) -> bool:
    """True when the file already holds tables (ours or someone else's)."""
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])


# Each check finds the first row that Defuse could never have written, as
# (table, what is wrong) with the offending value quoted by SQLite. Files are copied,
# merged and edited by other programs: a row like these must be refused, not shown.
_STEP_LIST = ", ".join(f"'{s}'" for s in STEPS)
_ROW_CHECKS = (
    ("trainee", "SELECT id, quote(name) FROM trainee WHERE typeof(name) != 'text' "
                "OR trim(name) = '' LIMIT 1", "the trainee name {1} is not a name"),
    ("session", "SELECT id, quote(score) FROM session WHERE score IS NOT NULL AND ("
                "typeof(score) NOT IN ('integer', 'real') OR score < 0 OR score > 100) LIMIT 1",
     "session {0} has the score {1}, not a number from 0 to 100"),
    ("session", "SELECT id, quote(outcome) FROM session WHERE outcome IS NOT NULL AND "
                "outcome NOT IN ('resolved', 'partial', 'escalated', 'lost') LIMIT 1",
     "session {0} has the outcome {1}, not resolved, partial, escalated or lost"),
    ("session", "SELECT id, quote(status) FROM session WHERE status IS NULL OR status NOT IN "
                "('playing', 'finished', 'abandoned') LIMIT 1",
     "session {0} has the status {1}"),
    ("session", "SELECT id, quote(uid) FROM session WHERE typeof(uid) != 'text' OR "
                "typeof(scenario_id) != 'text' OR typeof(started_at) != 'text' OR "
                "typeof(lang) != 'text' OR typeof(mode) != 'text' OR "
                "typeof(scenario_hash) != 'text' LIMIT 1",
     "session {0} lacks its id, scenario, language, mode or start time"),
    ("session", "SELECT id, quote(scenario_path) FROM session WHERE scenario_path IS NOT NULL "
                "AND typeof(scenario_path) != 'text' LIMIT 1",
     "session {0} has the scenario path {1}, which is not a path"),
    ("session", "SELECT id, quote(trainee_id) FROM session WHERE trainee_id NOT IN "
                "(SELECT id FROM trainee) LIMIT 1", "session {0} belongs to no trainee"),
    ("turn", "SELECT session_id, quote(quality) FROM turn WHERE quality IS NULL OR quality "
             "NOT IN ('best', 'good', 'poor', 'harmful') LIMIT 1",
     "a turn of session {0} has the quality {1}, not best, good, poor or harmful"),
    ("turn", "SELECT session_id, quote(step) FROM turn WHERE step IS NOT NULL AND step "
             f"NOT IN ({_STEP_LIST}) LIMIT 1",
     "a turn of session {0} has the step {1}, not one of the five"),
    ("turn", "SELECT session_id, quote(number) FROM turn WHERE typeof(number) != 'integer' OR "
             "number < 1 OR number > 100000 OR typeof(choice_index) != 'integer' OR "
             "choice_index < 0 OR choice_index > 100 LIMIT 1",
     "a turn of session {0} has the number {1}, not a turn number"),
    ("turn", "SELECT session_id, quote(emotion) || ', ' || quote(trust) FROM turn WHERE "
             "typeof(emotion) != 'integer' OR typeof(trust) != 'integer' OR emotion < 0 OR "
             "emotion > 100 OR trust < 0 OR trust > 100 LIMIT 1",
     "a turn of session {0} has the meters {1}, not whole numbers from 0 to 100"),
    ("turn", "SELECT session_id, quote(node) FROM turn WHERE typeof(node) != 'text' OR "
             "typeof(reply) != 'text' OR typeof(played_at) != 'text' OR "
             "(pitfall IS NOT NULL AND typeof(pitfall) != 'text') OR "
             "(choice_id IS NOT NULL AND typeof(choice_id) != 'text') LIMIT 1",
     "a turn of session {0} lacks its node, reply or time"),
    ("session_step", "SELECT session_id, quote(step) FROM session_step WHERE step NOT IN "
                     f"({_STEP_LIST}) LIMIT 1",
     "session {0} has a result for the step {1}, not one of the five"),
)
TABLES = ("trainee", "session", "turn", "session_step")


def row_problem(conn: sqlite3.Connection) -> str | None:
    """The first thing in a current-schema database that Defuse could never have written
    (a missing table, a score of 999, a name that is a number, an unknown quality), said
    in words; None when every row is possible."""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                          "'table'")}
    for table in TABLES:
        if table not in present:
            return f"its '{table}' table is missing"
    for _table, sql, message in _ROW_CHECKS:
        row = conn.execute(sql).fetchone()
        if row is not None:
            return message.format(*(str(v)[:60] for v in row))
    return None


def migrate(conn: sqlite3.Connection, start: int, target: int = SCHEMA_VERSION) -> None:
    """Run migrations ``start .. target-1`` on ``conn`` inside the caller's transaction."""
    for version in range(start, target):
        MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA user_version = {int(target)}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
