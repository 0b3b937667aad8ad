"""How long to wait before reconnecting to a camera that failed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BackOff:
    """Capped exponential back-off: ``initial_s * factor ** attempt``, never more than ``max_s``.

    ``attempt`` counts the failures since the last frame (0 for the first retry).
    """

    initial_s: float = 1.0
    factor: float = 2.0
    max_s: float = 30.0

    def delay(self, attempt: int) -> float:
        attempt = max(0, attempt)
        try:
            delay = self.initial_s * self.factor ** attempt
        except OverflowError:
            return self.max_s
        return min(self.max_s, delay)
