"""How long to wait before reconnecting to a camera that failed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BackOff:
    """Capped exponential back-off: ``initial_s * factor ** attempt``, never more than ``max_s``.

    ``attempt`` counts the failures since the last frame (0 for the first retry).

    A camera that was live a moment ago (its last frame at most ``recent_s`` seconds ago) is
    retried at least every ``recent_max_s`` seconds however many attempts failed: a server
    restart or a network blip usually ends within seconds, and the picture must be back
    within seconds of the camera, not after a back-off that doubled meanwhile.  A camera
    that has been gone longer backs off as usual (up to ``max_s``).
    """

    initial_s: float = 1.0
    factor: float = 2.0
    max_s: float = 30.0
    recent_s: float = 60.0
    recent_max_s: float = 2.0

    def delay(self, attempt: int, since_live: float | None = None) -> float:
        """The wait before retry ``attempt``; ``since_live``: seconds since the source's last frame (None: never)."""
        attempt = max(0, attempt)
        try:
            delay = min(self.max_s, self.initial_s * self.factor ** attempt)
        except OverflowError:
            delay = self.max_s
        if since_live is not None and since_live <= self.recent_s:
            delay = min(delay, self.recent_max_s)
        return delay
