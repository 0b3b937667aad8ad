"""Cheap, thread-safe measurements: a frame-rate meter and a latency recorder.

Both may be fed from one thread (a capture worker) and read from another (the GUI).
"""

from __future__ import annotations

import math
import threading
from collections import deque


class RateMeter:
    """Events per second over a sliding window (2 s by default) of ``tick`` times."""

    def __init__(self, window_s: float = 2.0, max_events: int = 4096):
        self.window_s = window_s
        self._ticks: deque[float] = deque(maxlen=max_events)
        self._lock = threading.Lock()

    def tick(self, now: float) -> None:
        with self._lock:
            self._ticks.append(now)

    def rate(self, now: float) -> float:
        """Intervals per second between the ticks of the last window and now (0.0 with fewer than two).

        Measured from the oldest tick in the window to ``now``, so the rate of a source
        that stopped falls towards zero instead of freezing at its last value.
        """
        with self._lock:
            horizon = now - self.window_s
            while self._ticks and self._ticks[0] <= horizon:
                self._ticks.popleft()
            if len(self._ticks) < 2 or now <= self._ticks[0]:
                return 0.0
            return (len(self._ticks) - 1) / (now - self._ticks[0])

    def reset(self) -> None:
        with self._lock:
            self._ticks.clear()


class LatencyRecorder:
    """The last ``capacity`` latency samples (seconds) and their percentiles."""

    def __init__(self, capacity: int = 1000):
        self._samples: deque[float] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._samples.append(seconds)

    @property
    def count(self) -> int:
        """How many samples are held (at most ``capacity``)."""
        with self._lock:
            return len(self._samples)

    def percentile(self, p: float) -> float | None:
        """The ``p``-th percentile (0-100, linear interpolation) of the held samples; None when there are none."""
        if not 0 <= p <= 100:
            raise ValueError(f"percentile must be within 0..100, not {p}")
        with self._lock:
            ordered = sorted(self._samples)
        if not ordered:
            return None
        position = (len(ordered) - 1) * p / 100
        low, high = math.floor(position), math.ceil(position)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    def clear(self) -> None:
        with self._lock:
            self._samples.clear()
