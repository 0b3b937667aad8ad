"""One task runner for long and blocking work, kept off the GUI thread.

Work is written as a plain function taking a :class:`TaskState` (for
progress and interruption) and run by :class:`TaskRunner`: database writes go
through a single writer thread, so they never contend with each other; reads
and other I/O go through a small pool.  Modelled on Orange's
``widgets/utils/concurrent.py`` and Anki's ``qt/aqt/taskman.py``; the Qt
bridge that delivers results on the GUI thread is
:class:`console.gui.taskman.TaskManager`.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

R = TypeVar("R")


class Cancelled(Exception):
    """The task stopped because the user asked it to."""


class TaskState:
    """Progress and interruption of one task, shared between the worker and the GUI."""

    def __init__(self, on_progress: Callable[[float, str], None] | None = None):
        self._interrupt = threading.Event()
        self._on_progress = on_progress
        self.fraction = 0.0
        self.message = ""

    def request_interruption(self) -> None:
        self._interrupt.set()

    def is_interruption_requested(self) -> bool:
        return self._interrupt.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked the task to stop."""
        if self._interrupt.is_set():
            raise Cancelled()

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, fraction))
        if message:
            self.message = message
        if self._on_progress is not None:
            self._on_progress(self.fraction, self.message)


class TaskRunner:
    """A single database-writer thread plus a pool for reads and I/O."""

    def __init__(self, io_workers: int = 3):
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="gridwatch-db-writer")
        self._io = ThreadPoolExecutor(io_workers, thread_name_prefix="gridwatch-io")

    def write(self, fn: Callable[..., R], *args, **kwargs) -> Future:
        """Run a database write; writes run one at a time in submission order."""
        return self._writer.submit(fn, *args, **kwargs)

    def read(self, fn: Callable[..., R], *args, **kwargs) -> Future:
        """Run a read or other blocking I/O on the pool."""
        return self._io.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        self._io.shutdown(wait=wait, cancel_futures=True)
        self._writer.shutdown(wait=wait, cancel_futures=False)
