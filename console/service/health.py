"""``GET /health`` on both intake ports: is the service up and can it reach its database?

200 and ``{"status": "ok", "database": "ok", ...}`` when it can, 503 and
``{"status": "unavailable", "database": "unavailable", "reason": "<one line>", ...}`` when
it cannot.  Both carry ``pending_writes`` (fixes and jobs queued for the writer thread),
``stored`` (positions this process stored since it started), ``failed`` (positions it could
not store) and ``uptime_s``.

The database counts as unavailable when

* the probe fails: a read of ``alembic_version`` (a real table, so a store whose schema was
  lost or whose file cannot be read fails it, where ``SELECT 1`` on a pooled connection would
  not), or it does not answer within :data:`PROBE_TIMEOUT_S`; or
* the writer's last batch failed, less than :data:`WRITE_FAILURE_WINDOW_S` ago, with no
  batch stored since: a database that answers reads but refuses writes (disk full, locked)
  is not healthy.  The window keeps the check from staying red for good when a load
  balancer, trusting it, sends no more positions that could prove the database well again.

Why the probe does not run on the writer thread: the writer takes up to
``max_pending`` (50,000) queued fixes, in batches, ahead of any job, so a check queued
behind them could wait seconds exactly when the service is loaded -- and a monitor would
then call a busy service dead.  It runs instead on its own thread with its own pooled
connection: on SQLite in WAL mode a reader is not blocked by the writer's transaction, on
PostgreSQL it is another session.  Requests arriving while a probe is under way share its
result, so a monitor polling hard costs at most one query at a time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text

from console.service.http import Request, Respond
from console.storage.db import Store

PATH = "/health"
PROBE_TIMEOUT_S = 5.0
WRITE_FAILURE_WINDOW_S = 60.0


@dataclass
class WriteOutcome:
    """The writer thread's last batch: ``failure`` is None after a stored batch, else the one-line reason."""

    failure: str | None = None
    at: float = 0.0  # time.monotonic() of that batch

    def record(self, failure: str | None) -> None:
        self.failure, self.at = failure, time.monotonic()


class HealthCheck:
    """Answers :data:`PATH` on the event loop; the database probe runs on its own thread.

    ``counters()`` gives the figures to report (called on the loop's thread)."""

    def __init__(self, store: Store, loop: asyncio.AbstractEventLoop, counters: Callable[[], dict],
                 writes: WriteOutcome, probe_timeout_s: float = PROBE_TIMEOUT_S):
        self.store = store
        self.loop = loop
        self.counters = counters
        self.writes = writes
        self.probe_timeout_s = probe_timeout_s
        self.started = time.monotonic()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridwatch-health")
        self._waiting: list[Respond] | None = None

    def handle(self, request: Request, respond: Respond) -> None:
        """Answer ``GET /health`` once the probe in hand, or a new one, is done."""
        if request.method != "GET":
            respond(405, "use GET /health\n")
            return
        if self._waiting is not None:
            self._waiting.append(respond)
            return
        self._waiting = [respond]
        future = self._executor.submit(self._probe)
        timer = self.loop.call_later(self.probe_timeout_s, self._answer,
                                     f"the database did not answer within {self.probe_timeout_s:g} s")
        future.add_done_callback(lambda f: self._from_thread(self._probed, f, timer))

    def close(self) -> None:
        """Stop the probe thread (a probe hung on the database is left to finish on its own)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _probe(self) -> None:
        with self.store.engine.connect() as connection:
            connection.execute(text("SELECT version_num FROM alembic_version")).all()

    def _from_thread(self, callback: Callable, *args) -> None:
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the service stopped, nobody waits
            pass

    def _probed(self, future: concurrent.futures.Future, timer: asyncio.TimerHandle) -> None:
        timer.cancel()
        if future.cancelled():
            self._answer("the service is stopping")
            return
        error = future.exception()
        self._answer(None if error is None else _one_line(error))

    def _answer(self, probe_failure: str | None) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting is None:  # already answered (the probe came back after the timeout)
            return
        reason = probe_failure
        writes = self.writes
        if reason is None and writes.failure is not None and time.monotonic() - writes.at < WRITE_FAILURE_WINDOW_S:
            reason = f"the last write failed: {writes.failure}"
        document = {"status": "ok" if reason is None else "unavailable",
                    "database": "ok" if reason is None else "unavailable"}
        if reason is not None:
            document["reason"] = reason
        document.update(self.counters())
        document["uptime_s"] = round(time.monotonic() - self.started, 1)
        body = json.dumps(document).encode()
        for respond in waiting:
            respond(200 if reason is None else 503, body, "application/json")


def _one_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in text_.splitlines() if line.strip()), type(exc).__name__)
