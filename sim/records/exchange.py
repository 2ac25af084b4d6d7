"""Share results between machines: export a database file, import (merge) one.

An export is a consistent snapshot of the records database (SQLite's online backup,
so it includes what is still in the WAL). An import merges another Defuse database
into this one: trainees are matched by name, sessions by their ``uid``, so importing
the same file again adds nothing; a session that was still open in an earlier import
and has progressed since is brought up to date. The imported file is never modified:
it is copied aside first (and migrated there if it has an older schema).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.records.errors import StoreError, classify
from sim.records.models import SessionInfo
from sim.records.paths import ordinary_permissions

if TYPE_CHECKING:
    from sim.records.store import Store

log = logging.getLogger(__name__)


def export_db(store: Store, out: str | os.PathLike[str], trainee: str | None = None) -> int:
    """Write a snapshot of ``store`` (only ``trainee``'s sessions if given) to ``out``;
    returns the number of sessions exported. ``out`` is replaced atomically."""
    from sim.records.store import Store as _Store

    out = Path(out)
    if out.resolve() == store.path.resolve():
        raise StoreError(out, "io", "cannot export a database onto itself")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=out.name + ".", suffix=".part", dir=out.parent)
        os.close(fd)
    except OSError as exc:
        raise classify(out, exc) from exc
    tmp = Path(tmp_name)
    if getattr(store._conn, "dialect", "sqlite") != "sqlite":
        return _export_from_server(store, out, tmp, trainee)
    try:
        dest = sqlite3.connect(tmp)
        try:
            store._conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        try:
            copy = _Store(tmp)
        except StoreError as exc:  # the copy holds the records' own damage: name them
            raise StoreError(store.path, exc.kind, exc.message) from exc
        with copy, _blaming(store.path, tmp):
            if trainee is not None:
                with copy.transaction() as conn:
                    conn.execute(
                        "DELETE FROM session WHERE trainee_id NOT IN "
                        "(SELECT id FROM trainee WHERE name = ?)", (trainee,))
                    conn.execute("DELETE FROM trainee WHERE name != ?", (trainee,))
            count = len(copy.sessions())
            copy._conn.execute("PRAGMA journal_mode = DELETE")
        ordinary_permissions(tmp)
        os.replace(tmp, out)
    except sqlite3.Error as exc:
        raise classify(out, exc) from exc
    except OSError as exc:
        raise classify(out, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return count


def _export_from_server(store: Store, out: Path, tmp: Path, trainee: str | None) -> int:
    """Copy a server's sessions (``trainee``'s only, if given) into a new records file,
    session by session, as an import would."""
    from sim.records.store import Store as _Store

    try:
        try:
            copy = _Store(tmp)
        except StoreError as exc:
            raise StoreError(out, exc.kind, exc.message) from exc
        with copy:
            incoming = [s for s in store.sessions(newest_first=False)
                        if trainee is None or s.trainee == trainee]
            with copy.transaction() as conn:
                _merge_into(conn, store, incoming, None, ImportResult())
            copy._conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        ordinary_permissions(tmp)
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        raise classify(out, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return len(incoming)


@contextlib.contextmanager
def _blaming(path: Path, copy: Path) -> Iterator[None]:
    """Errors about the temporary ``copy`` are reported against ``path``, the user's file."""
    try:
        yield
    except StoreError as exc:
        if exc.path == copy:
            raise StoreError(path, exc.kind, exc.message) from exc
        raise


@dataclass
class ImportResult:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    trainees: set[str] = field(default_factory=set)


def _newer(incoming: SessionInfo, local: SessionInfo) -> bool:
    """True when the incoming copy of a session has progressed past the local one."""
    if local.status != "playing":
        return False
    return incoming.status != "playing" or incoming.turns > local.turns


def import_db(store: Store, source: str | os.PathLike[str]) -> ImportResult:
    """Merge the Defuse database ``source`` into ``store`` (see the module docstring)."""
    from sim.records.store import Store as _Store

    source = Path(source)
    if not source.exists():
        raise StoreError(source, "missing", "no such file")
    if not source.is_file():  # a folder, or a FIFO that would block the copy forever
        raise StoreError(source, "io", "this is not an ordinary file, so it holds no records")
    if source.resolve() == store.path.resolve():
        raise StoreError(source, "io", "this is the database in use; nothing to import")
    with tempfile.TemporaryDirectory(prefix="defuse-import-") as tmpdir:
        copy_path = Path(tmpdir) / "import.sqlite3"
        try:
            # Copy with its WAL so a file exported by copying a live database still works.
            shutil.copyfile(source, copy_path)
            for suffix in ("-wal",):
                side = source.with_name(source.name + suffix)
                if side.is_file():
                    shutil.copyfile(side, copy_path.with_name(copy_path.name + suffix))
        except OSError as exc:
            raise classify(source, exc) from exc
        try:
            # read-only: checked (integrity, every row possible) before anything merges
            other = _Store(copy_path, create=False, readonly=True)
        except StoreError as exc:  # the imported file is at fault, not the database
            raise StoreError(source, exc.kind, exc.message) from exc
        with other:
            return _merge(store, other, origin=source.name, source=source)


def _integrity_errors() -> tuple[type[BaseException], ...]:
    """The errors of both backends that say two rows clash."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)


def _merge(store: Store, other: Store, origin: str, source: Path) -> ImportResult:
    """Every incoming session in one transaction: all of them, or (on any error) none."""
    result = ImportResult()
    try:
        incoming = other.sessions(newest_first=False)
    except StoreError as exc:
        raise StoreError(source, exc.kind, exc.message) from exc
    with store.transaction() as conn:
        try:
            _merge_into(conn, other, incoming, origin, result)
        except _integrity_errors() as exc:  # the incoming rows clash with each other
            raise StoreError(source, "corrupt", f"its records can't be merged ({exc}); "
                             "nothing was imported") from exc
        except StoreError as exc:  # reading the incoming copy: name the user's file
            if exc.path == other.path:
                raise StoreError(source, exc.kind, exc.message) from exc
            raise
    log.info("imported from %s: %s", origin, result)
    return result


def _merge_into(conn: sqlite3.Connection, other: Store, incoming: list[SessionInfo],
                origin: str | None, result: ImportResult) -> None:
    for info in incoming:
        result.trainees.add(info.trainee)
        row = conn.execute(
            "SELECT id, status, (SELECT count(*) FROM turn WHERE session_id = session.id) "
            "FROM session WHERE uid = ?", (info.uid,)).fetchone()
        if row is not None:
            local = SessionInfo(**{**_as_dict(info), "id": row[0], "status": row[1],
                                   "turns": row[2]})
            if not _newer(info, local):
                result.unchanged += 1
                continue
            conn.execute("DELETE FROM session WHERE id = ?", (row[0],))
            result.updated += 1
        else:
            result.added += 1
        _insert(conn, other, info, info.origin or origin)


def _as_dict(info: SessionInfo) -> dict[str, object]:
    return {name: getattr(info, name) for name in info.__slots__}


def _insert(conn: sqlite3.Connection, other: Store, info: SessionInfo,
            origin: str | None) -> None:
    from sim.records.models import now_iso

    row = conn.execute("SELECT id FROM trainee WHERE name = ?", (info.trainee,)).fetchone()
    if row:
        trainee_id = row[0]
    else:
        trainee_id = conn.execute(
            "INSERT INTO trainee(name, created_at) VALUES (?, ?)", (info.trainee, now_iso())
        ).lastrowid
    session_id = conn.execute(
        """INSERT INTO session(uid, trainee_id, scenario_id, scenario_hash, scenario_path,
               lang, mode, started_at, ended_at, status, ending, outcome, score, origin,
               seed, scoring_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        # a path on the machine the file came from means nothing here and is never
        # followed: the scenario is found by its id in the library
        (info.uid, trainee_id, info.scenario_id, info.scenario_hash, None,
         info.lang, info.mode, info.started_at, info.ended_at, info.status, info.ending,
         info.outcome, info.score, origin,
         # the reply order (so an imported open session resumes as it was shown) and the
         # formula that gave its score travel with the session
         info.seed, info.scoring_version),
    ).lastrowid
    turns = other.turns(info.id)
    conn.executemany(
        """INSERT INTO turn(session_id, number, node, choice_index, choice_id, reply, step,
               quality, emotion, trust, pitfall, played_at, typed)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(session_id, t.number, t.node, t.choice_index, t.choice_id, t.reply, t.step,
          t.quality, t.emotion, t.trust, t.pitfall, t.played_at, t.typed) for t in turns],
    )
    steps = other.read("SELECT step, status FROM session_step WHERE session_id = ?",
                       (info.id,))
    conn.executemany(
        "INSERT INTO session_step(session_id, step, status) VALUES (?, ?, ?)",
        [(session_id, r["step"], r["status"]) for r in steps],
    )
