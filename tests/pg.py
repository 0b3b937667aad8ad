"""A real, throw-away PostgreSQL server on loopback for the test session.

:class:`PgServer` runs Debian's PostgreSQL binaries (``/usr/lib/postgresql/*/bin``)
in a private temporary directory: a private port on 127.0.0.1 only, a private
unix-socket directory, trust authentication for the role ``app``, no fsync.
``initdb`` refuses to run as root, so as root everything runs as the ``postgres``
user (``initdb`` through ``runuser``; the postmaster as a direct child process, so
that stopping it is a signal to a pid we own and it is reaped, not left as a
zombie).  :meth:`PgServer.stop` is idempotent and also registered with :mod:`atexit`.
:meth:`PgServer.restart` (or :meth:`~PgServer.shut_down` then :meth:`~PgServer.resume`) stops
the postmaster and starts it again on the same port and data directory, for the tests of what
clients do while the server is away.

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
MISSING_MESSAGE = ("PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin "
                   "or on PATH. The storage tests run against a real PostgreSQL 15; .ci/run installs the "
                   "Debian package `postgresql` (apt-get install postgresql) - install it and run again.")


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started on this machine; the message says why and what to do."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` holding initdb and postgres (or the PATH's)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
                        reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory, tool), os.X_OK) for tool in ("initdb", "postgres")):
            return Path(directory)
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb and postgres and Path(initdb).parent == Path(postgres).parent:
        return Path(initdb).parent
    raise PgUnavailable(MISSING_MESSAGE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in a temporary directory, started and stopped by the tests."""

    def __init__(self, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        self.port = 0
        self.pid: int | None = None
        self._process: subprocess.Popen | None = None
        self.root: Path | None = None
        self._as_postgres = os.geteuid() == 0
        self._user: dict = {}

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

    def start(self, timeout: float = 30) -> "PgServer":
        """initdb a new cluster and run its postmaster as a child of this process."""
        user = {}
        if self._as_postgres:
            try:
                import pwd
                postgres = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable("running as root, but there is no `postgres` user to run initdb as; "
                                    ".ci/run installs the Debian package `postgresql`, which creates it") from None
            user = {"user": postgres.pw_uid, "group": postgres.pw_gid, "extra_groups": []}
        # Under /tmp when root: the postgres user must reach the directory, and a $TMPDIR (or pytest's
        # tmp_path) may sit inside a directory only root can enter; also keeps the socket path short.
        self.root = Path(tempfile.mkdtemp(prefix="gridwatch-pg-", dir="/tmp" if self._as_postgres else None))
        self.socket_dir.mkdir()
        if self._as_postgres:
            for path in (self.root, self.socket_dir):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
        init = self._run("initdb", "-D", str(self.data_dir), "-U", ROLE, "--auth=trust", "-E", "UTF8",
                         "--locale=C", "--no-sync")
        if init.returncode != 0:
            self.stop()
            raise PgUnavailable(f"initdb failed ({init.returncode}): {(init.stderr or init.stdout).strip()}")
        self._user = user
        last_error = ""
        for _attempt in range(3):  # another process may take the free port between the check and the start
            self.port = _free_port()
            if self._launch(timeout):
                atexit.register(self.stop)
                return self
            last_error = self._log_tail()
            self._stop_process()
        self.stop()
        raise PgUnavailable(f"PostgreSQL did not start: {last_error}")

    def _launch(self, timeout: float) -> bool:
        """Run the postmaster on :attr:`port` over :attr:`data_dir`; True once it accepts connections."""
        # The postmaster runs as our direct child (not daemonised by pg_ctl, not behind runuser, which
        # does not forward signals), so stop() can signal it by pid and reap it: nothing is left behind.
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir),
                 "-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-k", str(self.socket_dir),
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=60", "-c", "shared_buffers=32MB", "-c", "logging_collector=off"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=str(self.root), **self._user)
        self.pid = self._process.pid
        return self._wait_ready(timeout)

    def shut_down(self) -> None:
        """Stop the postmaster (fast shutdown: every session is ended) but keep the cluster for :meth:`resume`."""
        self._stop_process()

    def resume(self, timeout: float = 30) -> None:
        """Start the postmaster again on the same port and data directory after :meth:`shut_down`."""
        if not self._launch(timeout):
            tail = self._log_tail()
            self._stop_process()
            raise PgUnavailable(f"PostgreSQL did not start again: {tail}")

    def restart(self, timeout: float = 30) -> None:
        """Stop the server (every session ends) and start it again on the same port and data directory."""
        self.shut_down()
        self.resume(timeout)

    def _wait_ready(self, timeout: float) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                with psycopg.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres",
                                     connect_timeout=2):
                    return True
            except psycopg.OperationalError:
                time.sleep(0.05)
        return False

    def _stop_process(self) -> None:
        process, self._process, self.pid = self._process, None, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
            try:
                process.send_signal(sig)  # SIGINT: fast shutdown; SIGQUIT: immediate; SIGKILL: gone
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def stop(self) -> None:
        """Stop the server (fast shutdown), reap its postmaster, remove its files; safe to call twice."""
        self._stop_process()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- databases ---------------------------------------------------------------------------
    def create_database(self) -> str:
        """A new empty database; returns its name.  (0.2-0.7 s each here: create few, empty them instead.)"""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
