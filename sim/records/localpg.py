"""A throwaway PostgreSQL server in a folder, for the tests and the cohort bench.

It uses the machine's own server binaries (``initdb``, ``pg_ctl``: on ``PATH`` or under
``/usr/lib/postgresql/*/bin``), listens on a free loopback port only, trusts local
connections and is deleted with its folder. PostgreSQL refuses to run as root, so when
this process is root the server runs as the ``postgres`` system user (or ``nobody``).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


class LocalPostgresError(RuntimeError):
    """The server binaries are missing or the server would not start."""


def find_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is absent."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK):
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """None when this process may run the server itself (it is not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise LocalPostgresError("running as root and there is no 'postgres' or 'nobody' user "
                             "to run the PostgreSQL server as")


class LocalPostgres:
    """``with LocalPostgres() as pg: pg.url`` -- a running server with database ``defuse``.

    ``stop()`` and ``start()`` may be called in between (to test a server that goes away);
    the data stays in the folder until the context ends.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        bindir = find_binaries()
        if bindir is None:
            raise LocalPostgresError("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                                     "install the 'postgresql' package")
        self.bindir = bindir
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="defuse-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = _server_user()

    @property
    def url(self) -> str:
        """The URL Defuse is given (``--db``) to use the server's ``defuse`` database."""
        role = self.user.pw_name if self.user else pwd.getpwuid(os.getuid()).pw_name
        return f"postgresql://{role}@127.0.0.1:{self.port}/defuse"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                   "--clear-groups", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.folder,
                                check=False)
        if result.returncode != 0:
            raise LocalPostgresError(f"{args[0]} failed: {result.stderr.strip()[-800:]}")
        return result

    def init(self) -> None:
        """Create the cluster (trust on loopback only) and the ``defuse`` database."""
        if self.user is not None:
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "defuse")

    def start(self) -> None:
        """Start (or restart) the server on its port; returns once it accepts connections."""
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories="
                   f"'{self.folder}' -c fsync=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server at once (sessions connected to it are cut off)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def __enter__(self) -> LocalPostgres:
        try:
            self.init()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        """Stop the server if it runs and delete its folder (when it made the folder)."""
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except LocalPostgresError as exc:
                log.warning("could not stop the local server: %s", exc)
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
