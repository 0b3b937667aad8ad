"""A real, throw-away PostgreSQL server on loopback for the test session.

:class:`PgServer` runs Debian's PostgreSQL binaries (``/usr/lib/postgresql/*/bin``)
in a private temporary directory: a private port on 127.0.0.1 only, a private
unix-socket directory, trust authentication for the role ``app``, no fsync.
``initdb`` refuses to run as root, so as root everything runs as the ``postgres``
user through ``runuser``.  :meth:`PgServer.stop` is idempotent and makes sure the
postmaster it started is gone (it is also registered with :mod:`atexit`).

Missing binaries are a failure, not a skip: ``.ci/run`` installs the Debian
package ``postgresql``, and a machine without it should be fixed, not silently
test less.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

ROLE = "app"
MISSING_MESSAGE = ("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin "
                   "or on PATH. The storage tests run against a real PostgreSQL 15; .ci/run installs the "
                   "Debian package `postgresql` (apt-get install postgresql) - install it and run again.")


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started on this machine; the message says why and what to do."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` holding initdb and pg_ctl (or the PATH's)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
                        reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory, tool), os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(directory)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    raise PgUnavailable(MISSING_MESSAGE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is not running any more.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class PgServer:
    """One PostgreSQL cluster in a temporary directory, started and stopped by the tests."""

    def __init__(self, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        self.port = 0
        self.pid: int | None = None
        self.root: Path | None = None
        self._as_postgres = os.geteuid() == 0

    # -- paths -------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server, as the ``app`` role."""
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    # -- lifecycle ---------------------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                              cwd=str(self.root), check=False)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return "(no server log)"

    def start(self) -> "PgServer":
        if self._as_postgres:
            try:
                import pwd
                postgres = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable("running as root, but there is no `postgres` user to run initdb as; "
                                    ".ci/run installs the Debian package `postgresql`, which creates it") from None
        self.root = Path(tempfile.mkdtemp(prefix="gridwatch-pg-"))
        self.socket_dir.mkdir()
        if self._as_postgres:
            for path in (self.root, self.socket_dir):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
        init = self._run("initdb", "-D", str(self.data_dir), "-U", ROLE, "--auth=trust", "-E", "UTF8",
                         "--locale=C", "--no-sync")
        if init.returncode != 0:
            self.stop()
            raise PgUnavailable(f"initdb failed ({init.returncode}): {(init.stderr or init.stdout).strip()}")
        last_error = ""
        for _attempt in range(3):  # another process may grab the free port between the check and the start
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=50 -c shared_buffers=32MB")
            started = self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "30",
                                "-o", options, "start")
            if started.returncode == 0:
                self.pid = self._read_postmaster_pid()
                atexit.register(self.stop)
                return self
            last_error = f"{started.stdout.strip()} {started.stderr.strip()}\n{self._log_tail()}"
        self.stop()
        raise PgUnavailable(f"pg_ctl could not start PostgreSQL: {last_error}")

    def _read_postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the server (fast shutdown), make sure its postmaster is gone, remove its files."""
        if self.root is None:
            return
        pid = self.pid or self._read_postmaster_pid()
        if pid is not None and _pid_alive(pid):
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop")
            except subprocess.TimeoutExpired:
                pass
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _pid_alive(pid):  # the postmaster we started did not stop: end it and its children
                os.kill(pid, signal.SIGQUIT)
                time.sleep(0.5)
                if _pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
        self.pid = None
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    @property
    def running(self) -> bool:
        return self.pid is not None and _pid_alive(self.pid)

    # -- databases ---------------------------------------------------------------------------
    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its name."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres",
                             autocommit=True) as conn:
            suffix = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
            conn.execute(f"CREATE DATABASE {name}{suffix}")
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
