"""Where the records database lives: ``--db PATH``, else ``$DEFUSE_DB``, else the user
data directory given by ``platformdirs``."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "DEFUSE_DB"
FILE_NAME = "records.sqlite3"


def default_db_path() -> Path:
    """The database file in the user's data directory (not created here)."""
    return Path(platformdirs.user_data_dir("defuse", appauthor=False)) / FILE_NAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to use: ``explicit`` if given, else ``$DEFUSE_DB``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def ordinary_permissions(path: Path) -> None:
    """Give a file made by ``tempfile.mkstemp`` (mode 0600) the usual permissions
    (0666 less the umask), so a shared report or export can be read by others."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
