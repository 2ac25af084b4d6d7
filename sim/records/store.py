"""Open the records database (checks, backup, migration) and write to it.

Every write is one short ``BEGIN IMMEDIATE`` transaction, so a turn is on disk the
moment ``add_turns`` returns; the file runs in WAL mode with a busy timeout so two
players (or a player and a trainer's report) can use it at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.records import queries
from sim.records.errors import StoreError, classify
from sim.records.models import BestScore, SessionInfo, StepMastery, TurnRow, now_iso
from sim.records.paths import is_db_url, resolve_db_target
from sim.records.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    STEPS,
    application_id,
    has_tables,
    migrate,
    row_problem,
    user_version,
)

if TYPE_CHECKING:
    from sim.records.recorder import Recorder
    from sim.records.resume import ResumePlan

log = logging.getLogger(__name__)

#: What reading a damaged file can raise: SQLite's errors, and a decoding error when
#: damaged bytes land in text SQLite hands back (a table's definition, an error message).
DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)

#: How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 10.0

_SQLITE_MAGIC = b"SQLite format 3\x00"


def open_store(
    path: str | os.PathLike[str] | None = None, *, create: bool = True,
    readonly: bool = False, outbox: bool = True,
) -> Store:
    """Open (creating and migrating if needed) the records database.

    ``path`` None means ``$DEFUSE_DB``, else the user data directory; a
    ``postgresql://user@host/dbname`` URL opens that database on a PostgreSQL server
    (``sim.records.postgres.PgStore``, the same API); for writing, with ``outbox``
    (players), a ``sim.records.outbox.CohortStore`` that keeps play going while the
    server is away. With
    ``create=False`` a missing file raises ``StoreError(kind="missing")`` instead
    of being created (for read-only commands such as ``history``). With
    ``readonly=True`` the file is only ever read (a read-only file is fine; an older
    schema is migrated in memory), for commands that only read.
    Every existing file is checked before anything is written to it: an integrity check
    (``PRAGMA quick_check``) and a check that every row is one Defuse could have written.
    Raises ``StoreError`` with a clear message for every unusable file; the file is
    never modified or deleted in that case.
    """
    target = resolve_db_target(path)
    if is_db_url(target):
        if outbox and create and not readonly:
            from sim.records.outbox import CohortStore

            return CohortStore(str(target))  # type: ignore[return-value]
        from sim.records.postgres import PgStore

        return PgStore(str(target), create=create, readonly=readonly)
    return Store(Path(target), create=create, readonly=readonly)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can only read ``path``.

    A WAL database needs its ``-shm`` file even to be read; on a read-only disk or
    folder that file can't be made, and then nobody can be writing the database either,
    so it is read as immutable.
    """
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + query, uri=True, timeout=BUSY_TIMEOUT_S,
                                   isolation_level=None, check_same_thread=False)
        except (*DB_ERRORS, OSError) as exc:
            raise classify(path, exc) from exc
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            text = str(exc).lower()
            if "immutable" in query or not ("unable to open" in text or "readonly" in text):
                raise classify(path, exc) from exc
            log.info("reading %s as immutable: %s", path, exc)
        except DB_ERRORS as exc:
            conn.close()
            raise classify(path, exc) from exc
    raise StoreError(path, "readonly", "this records database can't be read here")


class Store:
    """A records database: trainees, sessions and turns. See ``sim.records``."""

    def __init__(self, path: Path, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        self.backup_path: Path | None = None
        self.readonly = readonly
        self._conn = self._connect_readonly() if readonly else self._connect(create)

    # -- opening ---------------------------------------------------------------------

    def _existing(self, create: bool) -> bool:
        """True when the file exists (and is checked); refuse what can't be a database."""
        path = self.path
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise classify(path, exc) from exc
        if mode is None:
            if not create:
                raise StoreError(path, "missing", "no records yet (the file does not exist)")
            return False
        if stat.S_ISDIR(mode):
            raise StoreError(path, "io", "this is a folder, not a records database file")
        if not stat.S_ISREG(mode):  # a FIFO would block the open forever
            raise StoreError(path, "io", "this is not an ordinary file (a pipe, device or "
                             "socket), so it can't hold records; choose a file with --db")
        self._check_header(path)
        self._verify(path)
        return True

    def _verify(self, path: Path) -> None:
        """Check the file read-only, before any write (not even the switch to WAL):
        SQLite's integrity check, then that it is ours and every row is possible."""
        conn = open_readonly(path)
        try:
            version = user_version(conn)
            self._check_owner(conn, version)
            result = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if result != ["ok"]:
                log.warning("integrity check of %s: %s", path, "; ".join(map(str, result)))
                raise StoreError(path, "corrupt", "this records database is damaged (its "
                                 "integrity check fails); it was left untouched. Restore a "
                                 "backup or choose another file with --db")
            if version == SCHEMA_VERSION:
                self._check_rows(conn)
        except DB_ERRORS as exc:
            raise classify(path, exc) from exc
        finally:
            conn.close()

    def _check_owner(self, conn: sqlite3.Connection, version: int) -> None:
        app = application_id(conn)
        if app not in (0, APPLICATION_ID) or (app == 0 and has_tables(conn)):
            raise StoreError(
                self.path, "foreign",
                "this SQLite file belongs to another program, not Defuse; it was left "
                "untouched (choose another file with --db)",
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                self.path, "newer",
                f"this records database was written by a newer Defuse (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); update Defuse to use it",
            )

    def _check_rows(self, conn: sqlite3.Connection) -> None:
        problem = row_problem(conn)
        if problem is not None:
            raise StoreError(self.path, "corrupt", f"this records database holds records "
                             f"Defuse never writes ({problem}); it was left untouched")

    def _connect_readonly(self) -> sqlite3.Connection:
        """A connection that never writes the file; an older schema is migrated in a copy
        in memory."""
        path = self.path
        self._existing(create=False)
        conn = open_readonly(path)
        try:
            version = user_version(conn)
            if version < SCHEMA_VERSION:
                memory = sqlite3.connect(":memory:", isolation_level=None,
                                         check_same_thread=False)
                conn.backup(memory)
                conn.close()
                conn = memory
                self._migrate(conn)
                self._check_rows(conn)
        except StoreError:
            conn.close()
            raise
        except DB_ERRORS as exc:
            conn.close()
            raise classify(path, exc) from exc
        return conn

    def _connect(self, create: bool) -> sqlite3.Connection:
        path = self.path
        if not self._existing(create):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise classify(path, exc) from exc
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (*DB_ERRORS, OSError) as exc:
            raise classify(path, exc) from exc
        try:
            self._prepare(conn)
        except StoreError:
            conn.close()
            raise
        except (*DB_ERRORS, OSError) as exc:
            conn.close()
            raise classify(path, exc) from exc
        return conn

    @staticmethod
    def _check_header(path: Path) -> None:
        """Refuse a non-SQLite file before SQLite sees it (its bytes stay untouched)."""
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise classify(path, exc) from exc
        if head and head != _SQLITE_MAGIC:
            raise StoreError(
                path, "corrupt",
                "this file is not a Defuse records database (not SQLite, or damaged); "
                "it was left untouched",
            )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        version = user_version(conn)  # first read: fails here on a damaged file
        self._check_owner(conn, version)
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a turn that was committed survives a power cut too, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            if version > 0:
                self.backup_path = self._backup(conn, version)
            self._migrate(conn)
            if version > 0:
                self._check_rows(conn)

    def _backup(self, conn: sqlite3.Connection, version: int) -> Path:
        """Copy the database aside before changing its schema."""
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.v{version}.{n}.bak")
        dest = sqlite3.connect(target)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        log.info("backed up %s to %s before migrating from schema %d", self.path, target,
                 version)
        return target

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read again inside the lock: another process may have migrated meanwhile.
            version = user_version(conn)
            if version < SCHEMA_VERSION:
                migrate(conn, version)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection (committed data is already on disk)."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return user_version(self._conn)

    # -- low-level access --------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; SQLite errors come out as ``StoreError``."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except DB_ERRORS as exc:
            raise classify(self.path, exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except DB_ERRORS as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise classify(self.path, exc) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query; rows support access by column name."""
        try:
            cur = self._conn.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()
        except DB_ERRORS as exc:
            raise classify(self.path, exc) from exc

    # -- writes --------------------------------------------------------------------------

    @staticmethod
    def _trainee_id(conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM trainee WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        cur = conn.execute(
            "INSERT INTO trainee(name, created_at) VALUES (?, ?)", (name, now_iso())
        )
        return int(cur.lastrowid or 0)

    def create_session(
        self,
        trainee: str,
        scenario_id: str,
        scenario_hash: str,
        *,
        scenario_path: str | None = None,
        lang: str = "en",
        mode: str = "window",
        seed: int | None = None,
    ) -> SessionInfo:
        """Open a new session row (status ``playing``) and return it; ``seed`` is the
        seed of its reply order."""
        trainee = normalize_name(trainee)
        uid = uuid.uuid4().hex
        with self.transaction() as conn:
            tid = self._trainee_id(conn, trainee)
            cur = conn.execute(
                """INSERT INTO session(uid, trainee_id, scenario_id, scenario_hash,
                       scenario_path, lang, mode, started_at, status, seed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'playing', ?)""",
                (uid, tid, scenario_id, scenario_hash, scenario_path, lang, mode, now_iso(),
                 seed),
            )
            session_id = int(cur.lastrowid or 0)
        return self.session(session_id)

    def add_turns(self, session_id: int, turns: Sequence[TurnRow]) -> None:
        """Commit played turns (a turn number already stored is left as it was)."""
        if not turns:
            return
        with self.transaction() as conn:
            conn.executemany(
                """INSERT OR IGNORE INTO turn(session_id, number, node, choice_index,
                       choice_id, reply, step, quality, emotion, trust, pitfall, played_at,
                       typed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (session_id, t.number, t.node, t.choice_index, t.choice_id, t.reply,
                     t.step, t.quality, t.emotion, t.trust, t.pitfall, t.played_at, t.typed)
                    for t in turns
                ],
            )

    def finish_session(
        self,
        session_id: int,
        *,
        ending: str | None,
        outcome: str | None,
        score: float | None,
        steps: dict[str, str] | None = None,
        scoring_version: int | None = None,
    ) -> None:
        """Mark a session finished with its ending, score (0..100, one decimal, stored
        as given), per-step status and the version of the formula that scored it."""
        with self.transaction() as conn:
            conn.execute(
                """UPDATE session SET status = 'finished', ended_at = ?, ending = ?,
                       outcome = ?, score = ?, scoring_version = ? WHERE id = ?""",
                (now_iso(), ending, outcome, score, scoring_version, session_id),
            )
            conn.execute("DELETE FROM session_step WHERE session_id = ?", (session_id,))
            conn.executemany(
                "INSERT INTO session_step(session_id, step, status) VALUES (?, ?, ?)",
                [(session_id, s, st) for s, st in (steps or {}).items() if s in STEPS],
            )

    def abandon(self, session_id: int) -> None:
        """Close an open session without an ending (it is no longer offered for resume)."""
        with self.transaction() as conn:
            conn.execute(
                """UPDATE session SET status = 'abandoned', ended_at = ?
                   WHERE id = ? AND status = 'playing'""",
                (now_iso(), session_id),
            )

    # -- the front ends' API --------------------------------------------------------------

    def start(self, trainee: str, scenario: Any, lang: str = "en", mode: str = "window",
              seed: int | None = None) -> Recorder:
        """Open a session for ``scenario`` (a ``sim.scenario.Scenario``) and return its
        ``Recorder``; call ``recorder.attach(session)`` (a session made with the same
        ``seed``) before the first choice."""
        from sim.records.recorder import Recorder

        source = getattr(scenario, "source_path", None)
        info = self.create_session(
            trainee, scenario.id, scenario.content_hash,
            scenario_path=str(Path(source).resolve()) if source else None,
            lang=lang, mode=mode, seed=seed,
        )
        return Recorder(self, info, scenario)

    def unfinished(self, trainee: str | None = None) -> list[SessionInfo]:
        """Open sessions (newest first), to offer for resuming at start-up."""
        return queries.sessions(self, trainee=trainee, status="playing", newest_first=True)

    def plan_resume(self, info: SessionInfo | int, library: str | os.PathLike[str] | None = None,
                    ) -> ResumePlan:
        """Find the scenario of an open session and say whether it can be resumed
        (``plan.state``: ``ready``, ``changed`` or ``missing``)."""
        from sim.records.resume import plan_resume

        return plan_resume(self, info, library)

    def resume(self, plan: ResumePlan) -> tuple[Any, Recorder]:
        """Replay a ``ready`` plan into a new ``Session``; returns it with its recorder
        attached, exactly where the trainee stopped."""
        from sim.records.resume import resume

        return resume(self, plan)

    def restart(self, plan: ResumePlan, seed: int | None = None) -> Recorder:
        """Abandon the open session and start a new one on the current scenario file
        (its reply order from ``seed``)."""
        from sim.records.resume import restart

        return restart(self, plan, seed)

    # -- queries --------------------------------------------------------------------------

    def trainees(self) -> list[str]:
        """All trainee names, sorted."""
        return [r["name"] for r in self.read("SELECT name FROM trainee ORDER BY name")]

    def session(self, session_id: int) -> SessionInfo:
        """One session by its local id (``KeyError`` if there is none)."""
        found = queries.sessions(self, session_id=session_id)
        if not found:
            raise KeyError(session_id)
        return found[0]

    def sessions(self, trainee: str | None = None, scenario: str | None = None,
                 status: str | None = None, limit: int | None = None,
                 newest_first: bool = True) -> list[SessionInfo]:
        """Recorded sessions, filtered, newest first by default."""
        return queries.sessions(self, trainee=trainee, scenario=scenario, status=status,
                                limit=limit, newest_first=newest_first)

    def turns(self, session_id: int) -> list[TurnRow]:
        """The turns of one session, in play order."""
        return queries.turns(self, session_id)

    def best_scores(self, trainee: str) -> dict[str, BestScore]:
        """Best finished score per scenario id for ``trainee``."""
        return queries.best_scores(self, trainee)

    def progress(self, trainee: str, scenario: str | None = None) -> list[SessionInfo]:
        """Finished sessions, oldest first: scores over time."""
        return queries.sessions(self, trainee=trainee, scenario=scenario,
                                status="finished", newest_first=False)

    def mastery(self, trainee: str | None = None, last: int = 10,
                scenario: str | None = None) -> dict[str, StepMastery]:
        """Per step, how often it was excellent/done/weak/missed over the trainee's last
        ``last`` finished sessions (every trainee's when ``trainee`` is None)."""
        return queries.mastery(self, trainee=trainee, last=last, scenario=scenario)

    def choice_counts(self, scenario_id: str, trainee: str | None = None,
                      ) -> dict[str, dict[str, int]]:
        """For each node of a scenario, how many times each choice was picked."""
        return queries.choice_counts(self, scenario_id, trainee=trainee)


def normalize_name(name: str) -> str:
    """Trainee names are compared after trimming and collapsing inner spaces."""
    cleaned = " ".join(str(name).split())
    return cleaned or "trainee"

