"""Send the statements of the recorded sessions to a Learning Record Store.

``sync`` posts what the LRS has not had yet (``POST {url}/statements``, xAPI 1.0.3,
HTTP Basic), in batches, with retry and back-off while the LRS is unreachable or busy.
What it accepted is remembered per LRS in a small SQLite file in the user's data folder,
so the next sync sends only what is new; statement ids are fixed (``sim.records.xapi``),
so a statement sent twice anyway changes nothing. A batch the LRS refuses is sent again
one statement at a time, so each refused statement is reported with the LRS's reason and
the rest still go through.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from sim.records.errors import classify

log = logging.getLogger(__name__)

#: Environment variable naming the folder for local state (default: the user data dir).
DATA_ENV = "DEFUSE_DATA_DIR"
BATCH = 50
RETRIES = 5
BACKOFF_S = 0.5
TIMEOUT_S = 30.0


class LrsError(Exception):
    """The LRS could not be used at all (unreachable after retries, wrong credentials)."""


@dataclass
class SyncResult:
    """What a sync did."""

    sent: int = 0
    already: int = 0  # remembered as sent before: not sent again
    refused: list[tuple[str, str]] = field(default_factory=list)  # (statement id, why)


def data_dir() -> Path:
    """``$DEFUSE_DATA_DIR``, else the user data directory."""
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else Path(
        platformdirs.user_data_dir("defuse", appauthor=False))


class SentLog:
    """Which statements (id and content digest) each LRS has accepted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS sent (lrs TEXT NOT NULL, "
                               "id TEXT NOT NULL, digest TEXT NOT NULL, sent_at TEXT NOT "
                               "NULL, PRIMARY KEY (lrs, id))")
        except (sqlite3.Error, OSError) as exc:
            raise classify(path, exc) from exc

    def known(self, lrs: str) -> dict[str, str]:
        """``{statement id: digest}`` accepted by ``lrs``."""
        return dict(self._conn.execute("SELECT id, digest FROM sent WHERE lrs = ?", (lrs,)))

    def add(self, lrs: str, items: list[tuple[str, str]]) -> None:
        """Remember statements as accepted."""
        from sim.records.models import now_iso

        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.executemany(
            "INSERT OR REPLACE INTO sent(lrs, id, digest, sent_at) VALUES (?, ?, ?, ?)",
            [(lrs, sid, digest, now_iso()) for sid, digest in items])
        self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the file."""
        self._conn.close()


def digest(statement: dict[str, Any]) -> str:
    """A fingerprint of a statement's content (a changed statement is sent again)."""
    text = json.dumps(statement, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Client:
    """Posts statements to one LRS."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None, *,
                 retries: int = RETRIES, backoff_s: float = BACKOFF_S,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint = url.rstrip("/") + "/statements"
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.headers = {"Content-Type": "application/json",
                        "X-Experience-API-Version": "1.0.3"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    def post(self, batch: list[dict[str, Any]]) -> tuple[int, str]:
        """POST one batch; (HTTP status, body). Retries what may pass later (no answer,
        429, 5xx) with exponential back-off; raises ``LrsError`` when it never does."""
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            request = urllib.request.Request(self.endpoint, data=body, method="POST",
                                             headers=self.headers)
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                    return response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                text = exc.read().decode("utf-8", "replace")
                if exc.code == 429 or exc.code >= 500:
                    last = f"HTTP {exc.code}: {_reason(text)}"
                    log.info("LRS busy (%s), retrying", last)
                    continue
                return exc.code, text
            except (urllib.error.URLError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
                log.info("LRS unreachable (%s), retrying", last)
        raise LrsError(f"{self.endpoint}: the LRS did not answer after {self.retries + 1} "
                       f"attempts ({last})")


def _reason(body: str) -> str:
    """The LRS's explanation, short."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:300] or "no reason given"
    detail = data.get("detail", data) if isinstance(data, dict) else data
    if isinstance(detail, list):  # a list of validation errors: say the first few
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", [])[1:])
                parts.append(f"{where}: {item.get('msg', item)}")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)[:300]


def sync(statements: list[dict[str, Any]], client: Client, sent_log: SentLog,
         lrs_key: str) -> SyncResult:
    """Send what ``lrs_key``'s LRS has not accepted yet; see the module docstring."""
    result = SyncResult()
    known = sent_log.known(lrs_key)
    todo = []
    for st in statements:
        if known.get(st["id"]) == digest(st):
            result.already += 1
        else:
            todo.append(st)
    for start in range(0, len(todo), BATCH):
        _send(todo[start:start + BATCH], client, sent_log, lrs_key, result)
    return result


def _send(batch: list[dict[str, Any]], client: Client, sent_log: SentLog, lrs_key: str,
          result: SyncResult) -> None:
    status, body = client.post(batch)
    if status in (200, 204):
        sent_log.add(lrs_key, [(st["id"], digest(st)) for st in batch])
        result.sent += len(batch)
        return
    if status in (401, 403):
        raise LrsError(f"{client.endpoint}: the LRS refused the credentials "
                       f"(HTTP {status}: {_reason(body)}); check --user and --password")
    if len(batch) > 1:  # find the statements it refuses; the others go through
        for st in batch:
            _send([st], client, sent_log, lrs_key, result)
        return
    result.refused.append((batch[0]["id"], f"HTTP {status}: {_reason(body)}"))
