"""Where the records database lives: ``--db PATH`` (or ``--db postgresql://…``), else
``$DEFUSE_DB``, else the user data directory given by ``platformdirs``."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "DEFUSE_DB"
FILE_NAME = "records.sqlite3"


def default_db_path() -> Path:
    """The database file in the user's data directory (not created here)."""
    return Path(platformdirs.user_data_dir("defuse", appauthor=False)) / FILE_NAME


URL_PREFIXES = ("postgresql://", "postgres://")


def is_db_url(target: object) -> bool:
    """True when ``target`` names a PostgreSQL database rather than a file."""
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


def resolve_db_target(explicit: str | os.PathLike[str] | None = None) -> str | Path:
    """Like ``resolve_db_path``, but a PostgreSQL URL (given or in ``$DEFUSE_DB``) is
    returned as the string it is."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if is_db_url(chosen):
        return str(chosen)
    return resolve_db_path(explicit)


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
