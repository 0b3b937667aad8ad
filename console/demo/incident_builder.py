"""Who builds the history's incident table: this thread, or a helper process on the second core.

:class:`IncidentTableBuilder` owns the scratch database the table is built in
(:mod:`console.demo.incident_table`).  For a large history it starts the
helper process (:mod:`console.demo.incident_helper`) before anything else, so
the helper's imports overlap with planning the world; once the history is
planned, the helper gets the pickled generator and produces the rows itself.
It reports on standard output when the table is indexed (the writer may copy
it), and then the planner's statistics of the table, gathered while the writer
copies.  Small histories, where starting a process costs
more than it saves, are written on the writer's thread from its own batches.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

from console.demo.history import HistoryGenerator, IncidentBatch
from console.demo.incident_table import IncidentTableWriter, save_plan
from console.tasks import TaskState

#: From this many (expected) incidents on, the incident table is built by a helper process.
HELPER_PROCESS_FROM = 50_000
HELPER_MODULE = "console.demo.incident_helper"
#: What the helper process says on standard output, in this order (the statistics followed by JSON).
INDEXED, STATISTICS = "indexed", "statistics"
_POLL_S = 0.1


class IncidentTableError(RuntimeError):
    """The incident table could not be built; the message is the helper's last word."""


def _helper_environment() -> dict[str, str]:
    """The helper process imports the same ``console`` package as this one."""
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}


class IncidentTableBuilder:
    """Builds the incident table in a scratch database; a context manager that removes every trace."""

    def __init__(self, expected_incidents: int):
        handle, name = tempfile.mkstemp(prefix="gridwatch-demo-", suffix=".db")
        os.close(handle)
        self.path = Path(name)
        self.plan_path = self.path.with_suffix(".plan")
        self.in_process = expected_incidents < HELPER_PROCESS_FROM
        self._local: IncidentTableWriter | None = None
        self._process: subprocess.Popen | None = None
        self._errors = None
        self._said: dict[str, str] = {}
        self._statistics: list[tuple] = []
        if not self.in_process:
            self._errors = tempfile.TemporaryFile()
            self._process = subprocess.Popen(
                [sys.executable, "-m", HELPER_MODULE, str(self.path), str(self.plan_path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, env=_helper_environment())

    def __enter__(self) -> IncidentTableBuilder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.abandon()
        for path in (self.path, self.plan_path, *(Path(f"{self.path}{s}") for s in ("-journal", "-wal", "-shm"))):
            path.unlink(missing_ok=True)

    def start(self, history: HistoryGenerator) -> None:
        """The history is planned: start writing rows (here), or hand the plan to the helper process."""
        if self.in_process:
            self._local = IncidentTableWriter(self.path)
            return
        save_plan(self.plan_path, history)
        try:
            self._process.stdin.write(b"go\n")
            self._process.stdin.close()
        except (BrokenPipeError, OSError):
            self._process.wait()
            raise IncidentTableError(self._failure()) from None

    def add(self, batch: IncidentBatch) -> None:
        """One day's incident rows, unless the helper process generates them itself."""
        if self._local is not None:
            self._local.add(batch.incidents)
        elif self._process.poll() not in (None, 0):
            raise IncidentTableError(self._failure())

    def wait_indexed(self, state: TaskState) -> None:
        """Until the table is written and indexed (honouring cancellation); then it may be copied."""
        if self._local is not None:
            state.check()
            self._local.index()
            self._statistics = self._local.statistics()
            self._local.close()
            self._local = None
            return
        self._wait_for(INDEXED, state)

    def wait_statistics(self, state: TaskState) -> list[tuple[str, str | None, str]]:
        """The indexed table's ``sqlite_stat1`` rows (table, index, statistics)."""
        if self._process is not None:
            self._wait_for(STATISTICS, state)
            self._statistics = [tuple(row) for row in json.loads(self._said[STATISTICS])]
            while self._process.poll() is None:
                state.check()
                try:
                    self._process.wait(timeout=_POLL_S)
                except subprocess.TimeoutExpired:
                    continue
            if self._process.returncode != 0:
                raise IncidentTableError(self._failure())
        return self._statistics

    def abandon(self) -> None:
        """Stop building (after a cancellation or a failure, or when done)."""
        if self._local is not None:
            self._local.close()
            self._local = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    stream.close()
                except (BrokenPipeError, OSError):
                    pass  # the helper is gone; nothing was waiting for the rest
            self._process = None
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def _wait_for(self, word: str, state: TaskState) -> None:
        stdout = self._process.stdout
        while word not in self._said:
            state.check()
            ready, _, _ = select.select([stdout], [], [], _POLL_S)
            if not ready:
                continue
            line = stdout.readline()
            if not line:  # the helper ended without saying it
                self._process.wait()
                raise IncidentTableError(self._failure())
            said, _, rest = line.decode("utf-8", "replace").strip().partition(" ")
            self._said[said] = rest

    def _failure(self) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"the helper process ended with status {self._process.returncode}"
