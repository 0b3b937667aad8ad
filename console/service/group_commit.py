"""Group commit: requests that arrive while one batch is being written are written together in the next.

A web client waits for its answer until its report is committed, so filing each request
as its own transaction caps the intake at one commit (and its round trips) per request.
:class:`GroupCommit` keeps at most one batch on the writer thread; whatever arrives
meanwhile waits in a list on the event loop and goes, all of it (up to ``max_batch``),
into the next batch: one transaction and one commit however many clients are waiting.
Under light load a batch is one request and nothing waits longer than before.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

MAX_BATCH = 256


class GroupCommit:
    """Runs ``write_batch(items) -> outcomes`` (one outcome per item, in order) on the writer thread,
    many items at a time.  ``submit(item, done)`` runs on the event loop; so does ``done(outcome)``,
    where the outcome is what ``write_batch`` gave for that item, or the exception it raised (then
    every item of the batch gets it: nothing of that batch was written)."""

    def __init__(self, run_job: Callable[[Callable], concurrent.futures.Future], loop,
                 write_batch: Callable[[Sequence[Any]], Sequence[Any]], max_batch: int = MAX_BATCH):
        self.run_job = run_job
        self.loop = loop
        self.write_batch = write_batch
        self.max_batch = max_batch
        self._waiting: list[tuple[Any, Callable[[Any], None]]] = []
        self._writing = False

    def submit(self, item: Any, done: Callable[[Any], None]) -> None:
        """Queue ``item``; ``done(outcome)`` is called on the event loop once its batch is written."""
        self._waiting.append((item, done))
        if not self._writing:
            self._start_batch()

    def _start_batch(self) -> None:
        batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
        self._writing = True
        items = [item for item, _done in batch]
        future = self.run_job(lambda: self.write_batch(items))
        future.add_done_callback(lambda f: self._call_soon(self._finished, batch, f))

    def _call_soon(self, callback, *args) -> None:
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the service stopped, nobody waits for answers
            pass

    def _finished(self, batch: list, future: concurrent.futures.Future) -> None:
        self._writing = False
        try:
            outcomes = list(future.result())
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for a batch of {len(batch)}")
        except Exception as exc:  # noqa: BLE001 - each waiting client hears of it
            outcomes = [exc] * len(batch)
        if self._waiting:
            self._start_batch()
        for (_item, done), outcome in zip(batch, outcomes):
            try:
                done(outcome)
            except Exception:  # one answer failing must not cost the others theirs
                log.exception("answering a filed request failed")
