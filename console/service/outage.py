"""Telling the operator once that the database went away and once that it is back.

When PostgreSQL restarts or a SQLite disk fails, every position batch and every request fails
until the database answers again; a log line for each would bury the one line that matters.
:class:`OutageLog` is told of each database success and failure on the intake's writer thread
and logs the transitions: an error when the first write fails ("answering 503 until it is
back"), a reminder once every :data:`REMIND_EVERY_S` while it lasts, and a warning with the
outage's length and the number of refused writes when the next one succeeds.
"""

from __future__ import annotations

import logging
import time

REMIND_EVERY_S = 60.0


class OutageLog:
    """Logs the database's outages on ``log``, not each failure; ``failed``/``succeeded`` come from one thread."""

    def __init__(self, log: logging.Logger, remind_every_s: float = REMIND_EVERY_S):
        self.log = log
        self.remind_every_s = remind_every_s
        self.since: float | None = None  # time.monotonic() of the first failure, None while all is well
        self.refused = 0
        self._reminded = 0.0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, reason: str, count: int = 1) -> None:
        """A write of ``count`` items failed because of the database (``reason``: one line)."""
        now = time.monotonic()
        if self.since is None:
            self.since, self.refused, self._reminded = now, count, now
            self.log.error("the database is unavailable (%s); answering 503 until it is back", reason)
            return
        self.refused += count
        if now - self._reminded >= self.remind_every_s:
            self._reminded = now
            self.log.error("the database is still unavailable after %.0f s, %d writes refused so far: %s",
                           now - self.since, self.refused, reason)

    def succeeded(self) -> None:
        """The database answered a write."""
        if self.since is None:
            return
        self.log.warning("the database is available again after %.1f s; %d writes were refused meanwhile "
                         "(the clients send them again)", time.monotonic() - self.since, self.refused)
        self.since = None
