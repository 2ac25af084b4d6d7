"""Errors raised by the records store, each with a message a trainee can act on."""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """The records database cannot be used; ``message`` names the file and says why.

    ``kind`` is a short machine-readable reason: ``corrupt``, ``foreign``, ``newer``,
    ``locked``, ``readonly``, ``full`` or ``io``. Front ends show ``str(error)`` and
    offer to play without recording.
    """

    def __init__(self, path: Path | str, kind: str, message: str):
        self.path = Path(path)
        self.kind = kind
        self.message = message
        super().__init__(f"{path}: {message}")


class ResumeError(Exception):
    """A recorded session cannot be replayed into a new play-through."""


def classify(path: Path | str, exc: BaseException) -> StoreError:
    """Turn a low-level ``sqlite3``/OS error into a ``StoreError`` with a clear message."""
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno == errno.ENOSPC:
            return StoreError(
                path, "full", "the disk is full; free some space so results can be recorded"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return StoreError(
                path, "readonly", "this location cannot be written (read-only file or folder)"
            )
        if exc.errno in (errno.ENOTDIR, errno.ENOENT):
            return StoreError(path, "io", f"this path cannot be used: {exc.strerror}")
    if isinstance(exc, UnicodeDecodeError):  # damaged bytes where SQLite keeps text
        return StoreError(
            path, "corrupt",
            "this file is not a readable Defuse records database (damaged?); it was left "
            "untouched",
        )
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            path, "locked",
            "the records database is locked by another program; close it and try again",
        )
    if "full" in text or "no space" in text:
        return StoreError(
            path, "full", "the disk is full; free some space so results can be recorded"
        )
    if "readonly" in text or "read-only" in text or "permission" in text \
            or "unable to open" in text or isinstance(exc, PermissionError):
        return StoreError(
            path, "readonly",
            "the records database cannot be written (read-only file or folder?)",
        )
    if ("not a database" in text or "malformed" in text or "corrupt" in text
            or "could not decode" in text):
        return StoreError(
            path, "corrupt",
            "this file is not a readable Defuse records database (damaged?); it was left "
            "untouched",
        )
    return StoreError(path, "io", f"the records database cannot be used: {exc}")
