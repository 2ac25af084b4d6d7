"""Play goes on while the records server is away: the local outbox.

``CohortStore`` is what ``open_store`` gives a player when the records live on a
PostgreSQL server. Every write (a new session, played turns, a result, an abandon) is
one *operation* that names its session by ``uid`` and can be applied twice without
effect (``ON CONFLICT DO NOTHING``, updates to the same values). While the server
answers, each operation is applied at once. When it doesn't (at start, or mid-session),
the operation is appended to the outbox, a SQLite file in the user's data folder, and
play goes on; a background thread keeps trying the server and, once it is back, applies
the queued operations in the order they were played, deleting each from the outbox only
after the server committed it. A crash between the two re-applies one operation, which
changes nothing: every turn reaches the server exactly once, in order.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import platformdirs

from sim.records.errors import StoreError, classify
from sim.records.models import SessionInfo, TurnRow, now_iso
from sim.records.postgres import DbUrl, PgStore
from sim.records.schema import STEPS

log = logging.getLogger(__name__)

#: Environment variable naming the outbox file (default: in the user data folder).
OUTBOX_ENV = "DEFUSE_OUTBOX"

#: Seconds between two attempts to reach the server again.
RETRY_S = 2.0

_OUTBOX_SQL = """CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    op TEXT NOT NULL,
    payload TEXT NOT NULL,
    queued_at TEXT NOT NULL
)"""


def outbox_path() -> Path:
    """``$DEFUSE_OUTBOX``, else ``outbox.sqlite3`` in the user's data folder."""
    env = os.environ.get(OUTBOX_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("defuse", appauthor=False)) / "outbox.sqlite3"


class Outbox:
    """The queue of operations not yet on the server (one SQLite file per computer)."""

    def __init__(self, path: Path, server: str) -> None:
        self.path = path
        self.server = server
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, timeout=10.0, isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute(_OUTBOX_SQL)
        except (sqlite3.Error, OSError) as exc:
            raise classify(path, exc) from exc
        self._lock = threading.Lock()

    def put(self, op: str, payload: dict[str, Any]) -> None:
        """Queue one operation (on disk when this returns)."""
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO pending(server, op, payload, queued_at) VALUES (?, ?, ?, ?)",
                    (self.server, op, json.dumps(payload, ensure_ascii=False), now_iso()))
            except sqlite3.Error as exc:
                raise classify(self.path, exc) from exc

    def pending(self) -> list[tuple[int, str, dict[str, Any]]]:
        """The queued operations for this server, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, op, payload FROM pending WHERE server = ? ORDER BY seq",
                (self.server,)).fetchall()
        return [(seq, op, json.loads(payload)) for seq, op, payload in rows]

    def done(self, seq: int) -> None:
        """Forget an operation the server has committed."""
        with self._lock:
            self._conn.execute("DELETE FROM pending WHERE seq = ?", (seq,))

    def count(self) -> int:
        """How many operations wait for this server."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM pending WHERE server = ?",
                                          (self.server,)).fetchone()[0])

    def close(self) -> None:
        """Close the file (everything queued is already on disk)."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()


def apply(server: Any, op: str, p: dict[str, Any]) -> None:
    """Apply one operation to the server in one transaction; applying it again changes
    nothing."""
    with server.transaction() as conn:
        if op == "session":
            tid = server._trainee_id(conn, p["trainee"])
            conn.execute(
                """INSERT INTO session(uid, trainee_id, scenario_id, scenario_hash,
                       scenario_path, lang, mode, started_at, status, seed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'playing', ?)
                   ON CONFLICT (uid) DO NOTHING""",
                (p["uid"], tid, p["scenario_id"], p["scenario_hash"], p["scenario_path"],
                 p["lang"], p["mode"], p["started_at"], p["seed"]))
            return
        row = conn.execute("SELECT id FROM session WHERE uid = ?", (p["uid"],)).fetchone()
        if row is None:
            raise StoreError(server.path, "io", f"session {p['uid']} is not on the server")
        sid = row[0]
        if op == "turns":
            conn.executemany(
                """INSERT OR IGNORE INTO turn(session_id, number, node, choice_index,
                       choice_id, reply, step, quality, emotion, trust, pitfall, played_at,
                       typed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [(sid, t["number"], t["node"], t["choice_index"], t["choice_id"], t["reply"],
                  t["step"], t["quality"], t["emotion"], t["trust"], t["pitfall"],
                  t["played_at"], t.get("typed")) for t in p["rows"]])
        elif op == "finish":
            conn.execute(
                """UPDATE session SET status = 'finished', ended_at = ?, ending = ?,
                       outcome = ?, score = ?, scoring_version = ? WHERE id = ?""",
                (p["ended_at"], p["ending"], p["outcome"], p["score"], p["scoring_version"],
                 sid))
            conn.execute("DELETE FROM session_step WHERE session_id = ?", (sid,))
            conn.executemany(
                "INSERT INTO session_step(session_id, step, status) VALUES (?, ?, ?)",
                [(sid, s, st) for s, st in p["steps"].items() if s in STEPS])
        elif op == "abandon":
            conn.execute("UPDATE session SET status = 'abandoned', ended_at = ? "
                         "WHERE id = ? AND status = 'playing'", (p["ended_at"], sid))
        else:
            raise ValueError(f"unknown outbox operation {op!r}")


class CohortStore:
    """A ``Store`` on a PostgreSQL server that never stops play (see the module).

    Reads go to the server (an open session list is empty while it is away); writes go
    through the outbox when it is. ``offline`` says which; ``on_offline`` and
    ``on_online`` (no arguments) are called when that changes.
    """

    def __init__(self, url: str, *, create: bool = True, outbox: Path | None = None,
                 retry_s: float = RETRY_S) -> None:
        self.path = DbUrl(url)
        self.backup_path: Path | None = None
        self.readonly = False
        self.retry_s = retry_s
        self.on_offline: Callable[[], None] | None = None
        self.on_online: Callable[[], None] | None = None
        self.outbox = Outbox(outbox or outbox_path(), str(self.path))
        self._lock = threading.RLock()
        self._uids: dict[int, str] = {}
        self._local_ids = itertools.count(-1, -1)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.server: Any = None
        self._offline = True
        self.found_version: int | None = None
        try:
            self.server = PgStore(url, create=create)
            self.found_version = self.server.found_version
        except StoreError as exc:
            if exc.kind != "offline":
                self.outbox.close()
                raise
            log.warning("records server away, saving on this computer: %s", exc)
            self._watch()
            return
        self._offline = False
        self.flush()  # what an earlier run left in the outbox goes first

    # -- state ---------------------------------------------------------------------------

    @property
    def offline(self) -> bool:
        """True from the moment the server is lost until it is back and everything
        queued meanwhile is on it."""
        return self._offline

    def _went_offline(self, exc: StoreError) -> None:
        log.warning("records server lost, saving on this computer: %s", exc)
        if self.server is not None:
            self.server.close()
        self.server = None
        self._offline = True
        self._watch()
        if self.on_offline is not None:
            self.on_offline()

    def _watch(self) -> None:
        """Start the thread that brings the server back (once)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._reconnect, name="defuse-outbox",
                                        daemon=True)
        self._thread.start()

    def _reconnect(self) -> None:
        while not self._stop.wait(self.retry_s):
            try:
                server = PgStore(str.__str__(self.path))
            except StoreError as exc:
                log.debug("records server still away: %s", exc)
                continue
            with self._lock:
                if self._stop.is_set():  # closed meanwhile: the next start pushes
                    server.close()
                    return
                self.server = server
                if self.flush():
                    log.info("records server back; the outbox is empty")
                    self._offline = False
                    if self.on_online is not None:
                        self.on_online()
                    return

    def flush(self) -> bool:
        """Apply every queued operation to the server, in order; True when the outbox is
        empty afterwards (False: the server went away again)."""
        with self._lock:
            if self.server is None:
                return False
            for seq, op, payload in self.outbox.pending():
                try:
                    apply(self.server, op, payload)
                except StoreError as exc:
                    if exc.kind == "offline":
                        self._went_offline(exc)
                        return False
                    raise
                self.outbox.done(seq)
            return True

    # -- writes --------------------------------------------------------------------------

    def _write(self, op: str, payload: dict[str, Any]) -> None:
        with self._lock:
            if self.server is not None and self.outbox.count() == 0:
                try:
                    apply(self.server, op, payload)
                    return
                except StoreError as exc:
                    if exc.kind != "offline":
                        raise
                    self.outbox.put(op, payload)
                    self._went_offline(exc)
                    return
            self.outbox.put(op, payload)
            if self.server is not None:
                self.flush()

    def _uid(self, session_id: int) -> str:
        uid = self._uids.get(session_id)
        if uid is None:
            uid = self.session(session_id).uid
        return uid

    def create_session(self, trainee: str, scenario_id: str, scenario_hash: str, *,
                       scenario_path: str | None = None, lang: str = "en",
                       mode: str = "window", seed: int | None = None) -> SessionInfo:
        """Open a new session (on the server, or in the outbox while it is away)."""
        import uuid

        from sim.records.store import normalize_name

        info = dict(uid=uuid.uuid4().hex, trainee=normalize_name(trainee),
                    scenario_id=scenario_id, scenario_hash=scenario_hash,
                    scenario_path=scenario_path, lang=lang, mode=mode,
                    started_at=now_iso(), seed=seed)
        self._write("session", info)
        with self._lock:
            session_id = None
            if self.server is not None:
                with contextlib.suppress(StoreError):
                    rows = self.server.read("SELECT id FROM session WHERE uid = ?",
                                            (info["uid"],))
                    session_id = rows[0]["id"] if rows else None
            if session_id is None:
                session_id = next(self._local_ids)
            self._uids[session_id] = info["uid"]
        return SessionInfo(id=session_id, ended_at=None, status="playing", ending=None,
                           outcome=None, score=None, turns=0, **info)

    def add_turns(self, session_id: int, turns: Sequence[TurnRow]) -> None:
        """Commit played turns (a turn already stored is left as it was)."""
        if turns:
            self._write("turns", {"uid": self._uid(session_id), "rows": [
                {name: getattr(t, name) for name in TurnRow.__slots__} for t in turns]})

    def finish_session(self, session_id: int, *, ending: str | None, outcome: str | None,
                       score: float | None, steps: dict[str, str] | None = None,
                       scoring_version: int | None = None) -> None:
        """Store a session's result."""
        self._write("finish", {"uid": self._uid(session_id), "ended_at": now_iso(),
                               "ending": ending, "outcome": outcome, "score": score,
                               "steps": steps or {}, "scoring_version": scoring_version})

    def abandon(self, session_id: int) -> None:
        """Close an open session without an ending."""
        self._write("abandon", {"uid": self._uid(session_id), "ended_at": now_iso()})

    # -- the front ends' API (as ``Store``) ---------------------------------------------

    def start(self, trainee: str, scenario: Any, lang: str = "en", mode: str = "window",
              seed: int | None = None) -> Any:
        """Open a session for ``scenario`` and return its ``Recorder``."""
        from sim.records.recorder import Recorder

        source = getattr(scenario, "source_path", None)
        info = self.create_session(
            trainee, scenario.id, scenario.content_hash,
            scenario_path=str(Path(source).resolve()) if source else None,
            lang=lang, mode=mode, seed=seed)
        return Recorder(self, info, scenario)

    def unfinished(self, trainee: str | None = None) -> list[SessionInfo]:
        """Open sessions on the server (none while it is away)."""
        if self.server is None:
            return []
        try:
            found = self.server.unfinished(trainee)
        except StoreError as exc:
            if exc.kind != "offline":
                raise
            self._went_offline(exc)
            return []
        for info in found:
            self._uids[info.id] = info.uid
        return found

    def session(self, session_id: int) -> SessionInfo:
        """One session by id (``KeyError`` if there is none)."""
        info = self._server().session(session_id)
        self._uids[info.id] = info.uid
        return info

    def plan_resume(self, info: SessionInfo | int, library: Any = None) -> Any:
        """As ``Store.plan_resume``."""
        from sim.records.resume import plan_resume

        return plan_resume(self, info, library)

    def resume(self, plan: Any) -> tuple[Any, Any]:
        """As ``Store.resume`` (the recorder writes through the outbox)."""
        from sim.records.resume import resume

        return resume(self, plan)

    def restart(self, plan: Any, seed: int | None = None) -> Any:
        """As ``Store.restart``."""
        from sim.records.resume import restart

        return restart(self, plan, seed)

    def _server(self) -> Any:
        if self.server is None:
            raise StoreError(self.path, "offline", "the records server cannot be reached "
                             "now; results are saved on this computer until it is back")
        return self.server

    def __getattr__(self, name: str) -> Any:
        # reads (sessions, turns, history, reports, import) go to the server
        if name.startswith("__"):
            raise AttributeError(name)
        if not callable(getattr(PgStore, name, None)):  # a property or the connection
            if self.server is None and not hasattr(PgStore, name):
                raise AttributeError(name)
            return getattr(self._server(), name)

        def call(*args: Any, **kwargs: Any) -> Any:
            # looked up at the call: the server may have come back (or gone) since
            try:
                return getattr(self._server(), name)(*args, **kwargs)
            except StoreError as exc:
                # a lost connection found by a read: reconnect in the background too
                if exc.kind == "offline":
                    with self._lock:
                        if self.server is not None:
                            self._went_offline(exc)
                raise
        return call

    def close(self, wait: float = 0.0) -> None:
        """Stop trying the server (after ``wait`` seconds to push what is queued) and
        close; what is still queued stays in the outbox for the next start."""
        if wait and self._thread is not None:
            self._thread.join(wait)
        self._stop.set()
        with self._lock:
            if self.server is not None:
                self.server.close()
            self.outbox.close()

    def __enter__(self) -> CohortStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
