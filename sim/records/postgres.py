"""The records on a PostgreSQL server (``--db postgresql://user@host/dbname``).

The same ``Store`` API, queries and migrations as the SQLite file: the SQL written for
SQLite is passed through ``PgConnection``, which adapts the few places where the two
dialects differ (``?`` placeholders, ``INSERT OR IGNORE``, the id of a new row). The
schema version lives in a ``schema_version`` table; migrations run under an advisory
lock so fifty desktops starting at once migrate the database exactly once.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sim.records.errors import StoreError
from sim.records.schema import SCHEMA_VERSION, migrate
from sim.records.store import Store

log = logging.getLogger(__name__)

#: Seconds to wait for the server before it counts as away.
CONNECT_TIMEOUT_S = 5

#: pg_advisory_xact_lock key serialising migrations ("DFSE").
_MIGRATION_LOCK = 0x44465345


class DbUrl(str):
    """A database URL standing where a file path stands (messages, comparisons); shown
    without its password."""

    def __new__(cls, url: str) -> DbUrl:
        return super().__new__(cls, url)

    @property
    def name(self) -> str:
        """The database name (as a file's name would be used)."""
        return urlsplit(self).path.lstrip("/") or "postgres"

    def resolve(self) -> DbUrl:
        """Itself: a URL names no file, so it never equals one."""
        return self

    def exists(self) -> bool:
        """False: no file of this name is to be protected."""
        return False

    def __str__(self) -> str:
        parts = urlsplit(str.__str__(self))
        if parts.password is None:
            return str.__str__(self)
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))

    def __fspath__(self) -> str:  # report data and messages treat it like a path
        return str(self)


class _Cursor:
    """The part of ``sqlite3.Cursor`` the records code uses."""

    def __init__(self, cur: Any, lastrowid: int | None = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)


_RETURNING_ID = re.compile(r"^\s*INSERT\s+INTO\s+(trainee|session)\s*\(", re.I)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO", re.I)


def translate(sql: str) -> tuple[str, bool]:
    """SQLite SQL as PostgreSQL runs it; True when the statement returns the new id."""
    text = sql.strip()
    if text.upper() == "BEGIN IMMEDIATE":
        return "BEGIN", False
    text = text.replace("%", "%%").replace("?", "%s")
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1) + " ON CONFLICT DO NOTHING"
    returning = bool(_RETURNING_ID.match(text))
    if returning:
        text += " RETURNING id"
    return text, returning


class PgConnection:
    """A psycopg connection that runs the SQLite-dialect SQL of ``sim.records``."""

    dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        """Run one statement (``?`` placeholders)."""
        text, returning = translate(sql)
        cur = self.raw.execute(text, tuple(params))
        if returning:
            row = cur.fetchone()  # none when ON CONFLICT DO NOTHING skipped the row
            return _Cursor(cur, int(row[0]) if row else None)
        return _Cursor(cur)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        rows = [tuple(r) for r in rows]
        if not rows:
            return
        text, _ = translate(sql)
        with self.raw.cursor() as cur:
            cur.executemany(text, rows)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def classify_pg(url: DbUrl, exc: BaseException) -> StoreError:
    """A psycopg error as a ``StoreError``: ``offline`` when the server can't be reached."""
    import psycopg

    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return StoreError(url, "offline", f"the records server cannot be reached ({first})")
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return StoreError(url, "readonly", f"this account may not write the records ({first})")
    return StoreError(url, "io", f"the records database cannot be used: {first}")


def connect(url: DbUrl) -> PgConnection:
    """An autocommit connection (transactions are begun explicitly, as with SQLite)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise StoreError(url, "io", "PostgreSQL support needs the 'psycopg' package") from exc
    try:
        raw = psycopg.connect(str.__str__(url), autocommit=True,
                              connect_timeout=CONNECT_TIMEOUT_S,
                              application_name="defuse")
    except psycopg.Error as exc:
        raise classify_pg(url, exc) from exc
    return PgConnection(raw)


def schema_version(conn: PgConnection) -> int | None:
    """The version in ``schema_version``; None when the database has no Defuse schema."""
    # a query on the catalog, not to_regclass(): its cache may not yet see a table
    # another desktop created a moment ago (while this one waited for the lock)
    row = conn.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                       "current_schema() AND tablename = 'schema_version'").fetchone()
    if not row[0]:
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def foreign_tables(conn: PgConnection) -> bool:
    """True when the database holds tables but no Defuse schema (someone else's)."""
    row = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_name IN ('trainee', 'session', 'turn')").fetchone()
    return bool(row[0])


def migrate_pg(conn: PgConnection, url: DbUrl, *, create: bool) -> int:
    """Bring the database to ``SCHEMA_VERSION`` (one transaction under an advisory lock);
    returns the version found before. Refuses a newer or a foreign database."""
    version = schema_version(conn)
    if version is None and not create:
        raise StoreError(url, "missing", "no records yet in this database")
    if version is not None and version >= SCHEMA_VERSION:
        check_version(url, version)
        return version
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        version = schema_version(conn)  # again, inside the lock
        if version is None:
            if foreign_tables(conn):
                raise StoreError(url, "foreign", "this database holds tables of another "
                                 "program, not Defuse; it was left untouched")
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, "
                         "migrated_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            version = 0
        check_version(url, version)
        if version < SCHEMA_VERSION:
            migrate(conn, version)  # type: ignore[arg-type]
            log.info("migrated %s from schema %d to %d", url, version, SCHEMA_VERSION)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    return version


def check_version(url: DbUrl, version: int) -> None:
    """Refuse a database written by a newer Defuse."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            url, "newer",
            f"this records database was written by a newer Defuse (schema {version}, "
            f"this one knows {SCHEMA_VERSION}); update Defuse to use it")


class PgStore(Store):
    """The records ``Store`` on a PostgreSQL server; every method of ``Store`` works,
    only opening, transactions and reads differ."""

    def __init__(self, url: str, *, create: bool = True, readonly: bool = False):
        self.path = DbUrl(url)  # type: ignore[assignment]
        self.backup_path = None
        self.readonly = readonly
        conn = connect(self.path)
        try:
            found = migrate_pg(conn, self.path, create=create and not readonly) \
                if not readonly else self._check_readable(conn)
        except StoreError:
            conn.close()
            raise
        except Exception as exc:
            conn.close()
            raise classify_pg(self.path, exc) from exc
        self.found_version = found
        self._conn = conn  # type: ignore[assignment]

    def _check_readable(self, conn: PgConnection) -> int:
        version = schema_version(conn)
        if version is None:
            raise StoreError(self.path, "missing", "no records yet in this database")
        check_version(self.path, version)
        if version < SCHEMA_VERSION:
            raise StoreError(self.path, "older", f"this database has schema {version}; "
                             "run 'defuse migrate --db URL' (or play once) to upgrade it")
        return version

    def close(self) -> None:
        """Close the connection (every write was committed when it returned)."""
        with contextlib.suppress(Exception):
            self._conn.close()

    @property
    def schema_version(self) -> int:
        """The version in the database's ``schema_version`` table."""
        return int(schema_version(self._conn) or 0)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction; a lost server comes out as ``StoreError("offline")``,
        rows that clash as ``psycopg.IntegrityError`` (the caller says whose)."""
        import psycopg

        conn = self._conn
        try:
            conn.execute("BEGIN")
        except psycopg.Error as exc:
            raise classify_pg(self.path, exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except psycopg.Error as exc:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            if isinstance(exc, psycopg.IntegrityError):
                raise  # the caller says whose rows clash
            raise classify_pg(self.path, exc) from exc
        except BaseException:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a read query (``?`` placeholders); rows are dicts by column name."""
        import psycopg
        from psycopg.rows import dict_row

        text, _ = translate(sql)
        try:
            with self._conn.raw.cursor(row_factory=dict_row) as cur:
                cur.execute(text, tuple(params))
                return cur.fetchall()
        except psycopg.Error as exc:
            raise classify_pg(self.path, exc) from exc

    @staticmethod
    def _trainee_id(conn: Any, name: str) -> int:
        from sim.records.models import now_iso

        # many desktops may add the same new trainee at once: never a clash
        conn.execute("INSERT INTO trainee(name, created_at) VALUES (?, ?) "
                     "ON CONFLICT (name) DO NOTHING", (name, now_iso()))
        row = conn.execute("SELECT id FROM trainee WHERE name = ?", (name,)).fetchone()
        return int(row[0])
