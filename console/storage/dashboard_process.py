"""The dashboard's figures read in a process of their own, so that reading never holds the GUI's GIL.

Read on a thread of the console's process, a refresh (SQLite stepping, numpy over the 60-day window,
the figures' objects) shares the interpreter lock with the GUI thread: each time the GUI thread runs
Python during a refresh it waits for the reader to hand the lock over, and the longest such waits
(17–25 ms at city scale, more when the machine is busy and the reader is descheduled holding the lock)
were what kept the GUI thread from the 16 ms frame (bench/dashboard.py).  In a process of its own the
reader has its own interpreter; the console's side of a refresh is one request on a pipe and
unpickling the :class:`~console.storage.dashboard.Dashboard` (~1–3 ms at city scale), on a pool thread.
The :class:`~console.storage.dashboard.DashboardCache` lives in that process, as does the garbage the
reading leaves.

The process starts (``spawn``: never a fork of a process with Qt threads) at the first read and lives
until :meth:`DashboardReader.close`; it is a daemon, so it cannot outlive the console, and it ends when
its pipe closes.  Qt-free.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import threading
from datetime import datetime

from console.storage.dashboard import (Dashboard, DashboardCache, DashboardScope, DepartmentFigures, IncidentLine,
                                       VillageFigures, read_dashboard)


class DashboardReadFailed(RuntimeError):
    """Reading the figures failed in the reader process (the message says why), or the process died."""


class DashboardReader:
    """Reads :class:`Dashboard` snapshots of the database at ``url`` in a separate process, one at a time.

    :meth:`read` blocks until the figures arrive: call it off the GUI thread (the task runner's pool)."""

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.Lock()
        self._process: multiprocessing.Process | None = None
        self._pipe = None

    def read(self, now: datetime, scope: DashboardScope = DashboardScope()) -> Dashboard:
        """The figures for ``scope`` at ``now`` (an aware datetime), from the process's warm cache."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._stop()
                self._start()
            try:
                self._pipe.send((now, scope))
                ok, value = self._pipe.recv()
                if ok:
                    value = _unflattened(value)
            except (EOFError, OSError) as exc:
                self._stop()
                raise DashboardReadFailed(f"the dashboard's reader process ended ({exc or type(exc).__name__})") \
                    from None
        if not ok:
            raise DashboardReadFailed(value)
        return value

    def close(self) -> None:
        """End the process (the next :meth:`read` would start a new one)."""
        with self._lock:
            self._stop()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.url, theirs), name="gridwatch-dashboard",
                                        daemon=True)
        self._process.start()
        theirs.close()

    def _stop(self) -> None:
        if self._process is None:
            return
        try:
            self._pipe.send(None)
        except (OSError, ValueError):
            pass
        self._pipe.close()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._process = self._pipe = None


def _serve(url: str, pipe) -> None:
    """The reader process: answer each ``(now, scope)`` with ``(True, dashboard)`` or ``(False, why)``."""
    from console.storage.db import open_store

    store = open_store(url, migrate_schema=False)
    cache = DashboardCache()
    # Garbage is collected between answers, not in the middle of one (a full collection of the cache's
    # objects took ~100 ms and landed in every few refreshes); what the first read loaded is kept frozen.
    gc.disable()
    try:
        while True:
            try:
                request = pipe.recv()
            except EOFError:
                return
            if request is None:
                return
            now, scope = request
            try:
                answer = (True, _flattened(read_dashboard(store, now, scope, cache)))
            except Exception as exc:  # noqa: BLE001 - the console shows it; the process reads on
                answer = (False, f"{type(exc).__name__}: {exc}")
            pipe.send(answer)
            del answer
            gc.collect()
            gc.freeze()
    finally:
        store.dispose()


#: The fields of a :class:`Dashboard` that hold figures objects, and their classes.
_OBJECT_FIELDS = {"departments": DepartmentFigures, "villages": VillageFigures, "latest_one_key": IncidentLine,
                  "most_overdue": IncidentLine}


def _flattened(dash: Dashboard) -> dict:
    """``dash`` as plain tuples: unpickling ~3,000 dataclass objects is one C call that holds the console's
    interpreter lock ~5 ms at city scale, where tuples take a fraction and the objects are then built in
    Python, which gives the lock up every switch interval."""
    flat = {f.name: getattr(dash, f.name) for f in dataclasses.fields(dash)}
    for name, cls in _OBJECT_FIELDS.items():
        names = [f.name for f in dataclasses.fields(cls)]
        flat[name] = [tuple(getattr(item, n) for n in names) for item in flat[name]]
    return flat


def _unflattened(flat: dict) -> Dashboard:
    for name, cls in _OBJECT_FIELDS.items():
        flat[name] = tuple(cls(*values) for values in flat[name])
    return Dashboard(**flat)
