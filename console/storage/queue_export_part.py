"""A helper process that writes the second part of a large SQLite queue export, on the other core.

Reading and formatting a row costs ~10 µs of Python, one core's worth; a second process reads the
rows from ``OFFSET k`` on and formats them while the export's own thread does the first ``k``.  Each
part goes to its own file and the helper's file is appended to the export's, so the result is the same
file byte for byte, rows in the same order.

Both parts read one snapshot of the database: the export holds the write lock (``BEGIN IMMEDIATE`` on a
connection of its own) while its connection and the helper each open a read transaction, then lets go
(a few milliseconds: the helper has started before and waits for the word).

The helper imports only :mod:`sqlite3` and :mod:`console.storage.csv_lines` (no SQLAlchemy, no Qt), so it
starts in well under a second and stays small.  Protocol, pickles on its stdin and lines on its stdout:

* parent → ``{"db": path}``; helper: opens a read transaction, answers ``S``;
* parent → a job (SQL and parameters, :class:`~console.storage.csv_lines.LineFormat`, batch size and
  file); helper: one line ``<rows written>`` per batch, then ``D <rows> <peak RSS in kB>``.

It stops when its stdin or stdout closes (the parent went away) and removes its file on any failure;
the parent kills it when the export is cancelled or fails, or when the rows turn out too few to share.  Qt-free.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    # The helper loads csv_lines by its file: importing the console package would pull in SQLAlchemy.
    import importlib.util

    _spec = importlib.util.spec_from_file_location("gridwatch_csv_lines", Path(__file__).with_name("csv_lines.py"))
    csv_lines = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(csv_lines)
else:
    from console.storage import csv_lines

#: How long the helper may take to start and open its snapshot before the export goes on without it.
START_TIMEOUT_S = 30.0


class PartFailed(RuntimeError):
    """The helper process failed; its error output is the message."""


class PartProcess:
    """The parent's handle on one helper process (see the module's documentation); call :meth:`close`
    in a ``finally``: it kills a helper still running and removes its file."""

    def __init__(self):
        # -I: neither this directory (whose queue.py would hide the standard library's) nor PYTHON* variables.
        self._proc = subprocess.Popen([sys.executable, "-I", str(Path(__file__).resolve())], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.set_blocking(self._proc.stdout.fileno(), False)
        self._pending = b""
        self.path: Path | None = None
        self.rows = 0
        self.peak_rss_kb = 0
        self.done = False

    def snapshot(self, db: str, check) -> None:
        """Have the helper open its read transaction on ``db``; returns once it has (``check()`` is called
        while waiting: it may raise to give up)."""
        self._send({"db": db})
        deadline = time.monotonic() + START_TIMEOUT_S
        while "S" not in self._read_lines(0.05):
            check()
            if self._proc.poll() is not None:
                raise PartFailed(self._errors())
            if time.monotonic() > deadline:
                raise PartFailed("the export's helper process did not start")

    def start(self, sql: str, params: tuple, fmt, batch: int, path: Path) -> None:
        """Write the rows of ``sql`` (with ``params``) to ``path``."""
        self.path = path
        self._send({"sql": sql, "params": params, "format": dataclasses.asdict(fmt), "batch": batch,
                    "path": str(path)})

    def poll(self, timeout: float = 0.0) -> int:
        """The rows written so far (waiting up to ``timeout`` seconds for news)."""
        self._take(self._read_lines(timeout))
        if not self.done and self._proc.poll() is not None:
            self._take(self._read_lines(0.0))  # what it said before it ended
            if not self.done:
                raise PartFailed(self._errors())
        return self.rows

    def append_to(self, out) -> None:
        """Copy the finished part to the end of the binary file ``out`` and remove it."""
        out.flush()
        with open(self.path, "rb") as part:
            size = os.fstat(part.fileno()).st_size
            copied = 0
            with contextlib.suppress(OSError, AttributeError):  # else copied through Python, below
                while copied < size and (n := os.copy_file_range(part.fileno(), out.fileno(), size - copied)):
                    copied += n
            if copied < size:
                part.seek(copied)
                out.seek(0, os.SEEK_END)
                shutil.copyfileobj(part, out, 1 << 20)
        self._proc.wait()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def close(self) -> None:
        """Stop the helper if it still runs and remove its file if any."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def _take(self, lines: list[str]) -> None:
        for line in lines:
            if line.startswith("D "):
                _d, rows, peak = line.split()
                self.rows, self.peak_rss_kb, self.done = int(rows), int(peak), True
            elif line.isdigit():
                self.rows = int(line)

    def _send(self, message) -> None:
        try:
            self._proc.stdin.write(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            self._proc.wait(5)
            raise PartFailed(self._errors()) from None

    def _read_lines(self, timeout: float) -> list[str]:
        fd = self._proc.stdout.fileno()
        if timeout and not select.select([fd], [], [], timeout)[0]:
            return []
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(fd, 65536):
                self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        return [line.decode() for line in lines]

    def _errors(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            return self._proc.stderr.read().decode(errors="replace").strip() or "the export's helper process failed"
        return "the export's helper process failed"


def _peak_rss_kb() -> int:
    """This process's own peak resident memory (getrusage's would count the parent's image before exec)."""
    with open("/proc/self/status") as status:
        return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)


def _report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    """The helper: see the module's documentation."""
    stdin = sys.stdin.buffer
    opened = pickle.load(stdin)
    if opened is None:
        return 0
    conn = sqlite3.connect(opened["db"], timeout=10, isolation_level=None)
    conn.text_factory = bytes
    conn.execute("BEGIN")
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the read transaction starts here
    _report("S")
    job = pickle.load(stdin)
    if job is None:
        return 0
    path = job["path"]
    try:
        lines_of = csv_lines.batch_lines_maker(csv_lines.LineFormat(**job["format"]))
        written = 0
        with open(path, "wb") as out:
            cursor = conn.execute(job["sql"], job["params"])
            while chunk := cursor.fetchmany(job["batch"]):
                out.write(lines_of(chunk))
                written += len(chunk)
                _report(str(written))  # fails once the parent is gone: then stop
        conn.execute("ROLLBACK")
        _report(f"D {written} {_peak_rss_kb()}")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
