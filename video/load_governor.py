"""Shed video load before the console freezes: fewer frames per camera when the GUI falls behind."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

#: Frame caps per level: level 0 shows every frame.
FRAME_CAPS: tuple[float | None, ...] = (None, 15.0, 8.0, 4.0)


@dataclass
class LoadGovernor:
    """Turns the GUI's event-loop lag into a frame cap for every camera.

    The console measures how late a regular GUI timer fires and calls
    :meth:`observe` with each lag and the time.  When the median lag over the
    last ``window_s`` exceeds ``overloaded_s`` the cap tightens one level
    (15, 8, then 4 frames a second); once the lags of the last ``calm_s_for``
    seconds stayed (90th percentile) under ``calm_s`` it relaxes one level.
    Each change waits for a fresh window, so one slow moment never flips the
    wall back and forth.  Time, not the number of observations, decides: a
    starved GUI observes rarely, and must not wait for many observations.

    Decoding more than the machine can do otherwise starves the GUI thread
    (seen at 36 tiles on 2 cores: half a frame shown a second and a frozen
    window); with the cap the operator gets fewer frames and a console that
    answers.  The console does not observe during its first seconds (windows
    opening and the queue loading lag too).  Not thread-safe: call from the
    GUI thread.
    """

    overloaded_s: float = 0.060
    calm_s: float = 0.030
    window_s: float = 2.0
    calm_s_for: float = 8.0
    level: int = 0
    _lags: deque = field(default_factory=lambda: deque(maxlen=400))
    _changed_at: float | None = None

    def observe(self, lag_s: float, now: float) -> bool:
        """Record one lag seen at ``now`` (monotonic s); True if the cap changed (see :attr:`frame_cap`)."""
        lag_s = max(0.0, lag_s)
        self._lags.append((now, lag_s))
        if self._changed_at is None:
            self._changed_at = now - lag_s
        since_change = now - self._changed_at
        if since_change >= self.window_s and self.level < len(FRAME_CAPS) - 1:
            recent = sorted(lag for t, lag in self._lags if t >= now - self.window_s)
            if recent[len(recent) // 2] > self.overloaded_s:
                return self._change(+1, now)
        if since_change >= self.calm_s_for and self.level > 0:
            calm = sorted(lag for t, lag in self._lags if t >= now - self.calm_s_for)
            if calm[int(len(calm) * 0.9)] < self.calm_s:
                return self._change(-1, now)
        return False

    def _change(self, step: int, now: float) -> bool:
        self.level += step
        self._changed_at = now
        return True

    @property
    def frame_cap(self) -> float | None:
        return FRAME_CAPS[self.level]
