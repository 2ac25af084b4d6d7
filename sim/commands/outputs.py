"""Where a command may write: checked before anything is written.

Every ``--out`` goes through :func:`output_path`, which refuses, as a usage error, a
path that would lose something: the records database (or its journal), a file the
command reads, a scenario, another records database, a folder, a pipe; and a path whose
folder does not exist (folders are never created on the fly: a typo in a folder name
should not scatter files, and the trainer can create the folder first). ``--force``
lifts the protection of existing files (records, inputs, scenarios, databases); an
ordinary earlier output (last week's report) is simply replaced.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from sim.commands import UsageError

_SQLITE_MAGIC = b"SQLite format 3\x00"
_JOURNALS = ("-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def output_path(raw: str | None, *, option: str = "--out", inputs: Sequence[Path] = (),
                db: Path | None = None, force: bool = False,
                may_replace_records: bool = False, allow_scenario: bool = False) -> Path:
    """The checked output path for ``raw`` (the option's value); raises UsageError.

    ``inputs`` are files the command reads (a scenario; an imported file), ``db`` the
    records database in use. ``may_replace_records`` allows replacing another records
    database (``export`` writes one); never the one in use without ``force``.
    ``allow_scenario`` allows replacing a ``.yaml`` file (``new --force`` writes one).
    """
    if raw is None or not raw.strip():
        raise UsageError(f"{option}: the file name is empty")
    out = Path(raw).expanduser()
    try:
        mode = out.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{raw}: this path can't be used: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{raw}: this is a folder; {option} needs a file name inside it")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"{raw}: this is not an ordinary file (a pipe, device or socket)")
    parent = out.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"{raw}: the folder {parent} {what}; create it first")
    if mode is None or force:
        return out
    if db is not None:
        for suffix in ("", *_JOURNALS):
            if _same(out, Path(f"{db}{suffix}")):
                raise UsageError(f"{raw}: this is the records database in use; writing "
                                 "here would replace every recorded session (choose another "
                                 "file, or add --force)")
    for source in inputs:
        if _same(out, source):
            raise UsageError(f"{raw}: this is the file being read; writing here would "
                             "replace it (choose another file, or add --force)")
    if out.suffix.lower() in (".yaml", ".yml") and not allow_scenario:
        raise UsageError(f"{raw}: this is a scenario file; writing here would replace it "
                         "(choose another file, or add --force)")
    if not may_replace_records and _is_sqlite(out):
        raise UsageError(f"{raw}: this is a database file (records?); writing here would "
                         "replace it (choose another file, or add --force)")
    return out
