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
    :meth:`observe` with each lag.  When the median lag of the last
    ``window`` observations exceeds ``overloaded_s`` the cap tightens one
    level (15, 8, then 4 frames a second); after ``calm_for`` observations
    whose 90th percentile stayed under ``calm_s`` it relaxes one level.  Each change waits
    for a fresh window, so one slow moment never flips the wall back and
    forth.  Decoding more than the machine can do otherwise starves the GUI
    thread (seen at 36 tiles on 2 cores: 0.5 frames shown a second and a
    frozen window); with the cap the operator gets fewer frames and a
    console that answers.  Not thread-safe: call from the GUI thread.
    """

    overloaded_s: float = 0.060
    calm_s: float = 0.030
    window: int = 20
    calm_for: int = 80
    level: int = 0
    _lags: deque = field(default_factory=lambda: deque(maxlen=200))
    _since_change: int = 0

    def observe(self, lag_s: float) -> bool:
        """Record one lag; True if the cap changed (read it from :attr:`frame_cap`)."""
        self._lags.append(max(0.0, lag_s))
        self._since_change += 1
        recent = list(self._lags)[-self.window:]
        if self._since_change >= self.window and self.level < len(FRAME_CAPS) - 1:
            if sorted(recent)[len(recent) // 2] > self.overloaded_s:
                return self._change(+1)
        if self._since_change >= self.calm_for and self.level > 0:
            calm = sorted(list(self._lags)[-self.calm_for:])
            if calm[int(len(calm) * 0.9)] < self.calm_s:
                return self._change(-1)
        return False

    def _change(self, step: int) -> bool:
        self.level += step
        self._since_change = 0
        return True

    @property
    def frame_cap(self) -> float | None:
        return FRAME_CAPS[self.level]
