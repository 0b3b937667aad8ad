"""The intake's upkeep of the daily patrol summaries (:mod:`console.storage.patrol_days`), on a thread of its
own so a day's summary (a day of positions read and measured) never holds up storing fixes (no Qt).

* **Each finished day once**: every ``summary_check_s`` the days of the last ``lookback_days`` that are
  over (local midnight plus ``max_gap_s``, in the town's time zone) and have no summary are summarised —
  normally just yesterday, once, shortly after midnight; a few more after the service was down.
* **Before retention**: the day retention is about to take positions from is summarised first, if it has
  no summary (a store upgraded with months of positions and never back-filled).
* **The day in progress**: each time (after the finished days), every worker's running summary of today
  (``patrol_partials``, :mod:`console.storage.patrol_partials`) is brought up to a minute ago, reading only
  the positions since the last time, so that the month in progress's scorecards read only the positions of
  the last run's interval (the intake's ``summary_check_s``) or so.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from datetime import date, timedelta, tzinfo
from typing import TypeVar

from console.core.clock import Clock, to_epoch
from console.storage.db import Store
from console.storage.patrol_days import local_day, summarise_before_deleting, summarise_missing
from console.storage.patrol_partials import advance_partials
from console.tasks import Cancelled, TaskState

log = logging.getLogger(__name__)
R = TypeVar("R")


class PatrolUpkeep:
    """One thread that keeps ``patrol_days`` up to date for a running intake; :meth:`stop` interrupts a
    summary in progress (the day it was on is not written)."""

    def __init__(self, store: Store, clock: Clock, tz: tzinfo | None = None, lookback_days: int = 7):
        self.store, self.clock, self.tz, self.lookback_days = store, clock, tz, lookback_days
        self._state = TaskState()
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gridwatch-patrol-summaries")

    def submit(self, job: Callable[[], R]) -> concurrent.futures.Future:
        """Run ``job`` on the upkeep thread."""
        return self._thread.submit(self._logged, job)

    def summarise_finished_days(self) -> list[date]:
        """Summarise the finished days of the last ``lookback_days`` that have none, then bring the day in
        progress's running summaries up to date (on the calling thread); returns the days summarised."""
        now = self.clock.now()
        today = local_day(to_epoch(now), self.tz)
        days = summarise_missing(self.store, today - timedelta(days=self.lookback_days), today - timedelta(days=1),
                                 self._state, tz=self.tz, now=now)
        if days:
            log.info("patrol summaries: %s", ", ".join(day.isoformat() for day in days))
        self.advance_today()
        return days

    def advance_today(self) -> date:
        """Bring every worker's running summary of the day in progress up to a minute ago; returns the day."""
        return advance_partials(self.store, self.clock.now(), self._state, tz=self.tz)

    def summarise_before_deleting(self, cutoff: int) -> list[date]:
        """Summarise the days without a summary that lose positions when those before ``cutoff`` go."""
        days = summarise_before_deleting(self.store, cutoff, self._state, tz=self.tz, now=self.clock.now())
        if days:
            log.info("patrol summaries before retention: %s", ", ".join(day.isoformat() for day in days))
        return days

    def stop(self) -> None:
        self._state.request_interruption()
        self._thread.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _logged(job: Callable[[], R]) -> R | None:
        try:
            return job()
        except Cancelled:
            return None
        except Exception:
            log.exception("patrol summaries failed")
            raise
