"""Python's cyclic garbage collector, run on the GUI thread only, from its event loop.

Left to itself the collector starts wherever an allocation crosses its threshold: on a reader thread in the
middle of a query, or on the GUI thread while Qt is delivering an event.  A cycle it frees may hold a Qt
object, whose C++ side is then deleted from the wrong thread or while Qt is still using it, and the console
crashes (a full test run crashed this way about one time in five, the GUI thread "Garbage-collecting" inside
the event loop while a reader thread compiled a query).  pyqtgraph's ``GarbageCollector`` does the same for
the same reason.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks whether a collection is due.  Often, so that each collection is small: at
#: 250 ms the garbage a dashboard refresh leaves was collected in one go that held the GUI thread up to 45 ms
#: (bench/dashboard.py at 2.2 M incidents), at 20 ms up to 21 ms.  A look costs a few microseconds.
CHECK_INTERVAL_MS = 20
#: The least time between two full collections.  CPython spaces them out by its own measure (objects
#: waiting against objects long-lived, not readable from Python); a full pass over a large cache holds the
#: GIL for tens of milliseconds, so it should not come every few seconds while a reader allocates a lot.
FULL_COLLECTION_SPACING_S = 30.0


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, int, int], *,
                   full_allowed: bool = True) -> int | None:
    """The generation the automatic collector would collect now — none until the youngest is over its
    threshold, then the oldest one over its own (the oldest only when ``full_allowed``) — or None."""
    if thresholds[0] <= 0 or counts[0] <= thresholds[0]:
        return None
    oldest = 2 if full_allowed else 1
    return next(g for g in range(oldest, -1, -1) if g == 0 or counts[g] > thresholds[g])


class GuiThreadGarbageCollector(QObject):
    """Turns the automatic cyclic garbage collector off and runs the collections it would have run from a
    timer on the GUI thread, at the top of the event loop, where no Qt call is half done.  Create it on the
    GUI thread once the application exists; :meth:`stop` gives collecting back to Python."""

    def __init__(self, interval_ms: int = CHECK_INTERVAL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._last_full = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        gc.disable()
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect what the automatic collector would have collected by now; the number of unreachable
        objects found."""
        now = time.monotonic()
        generation = due_generation(gc.get_count(), self._thresholds,
                                    full_allowed=now - self._last_full >= FULL_COLLECTION_SPACING_S)
        if generation is None:
            return 0
        if generation == 2:
            self._last_full = now
        return gc.collect(generation)

    def stop(self) -> None:
        """Stop the timer, collect what is due and let Python collect automatically again (if it did before)."""
        self._timer.stop()
        self.collect_if_due()
        if self._was_enabled:
            gc.enable()
