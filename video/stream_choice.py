"""Main or sub stream: pick by the size a camera is shown at, with hysteresis so it never flaps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Stream(str, Enum):
    """Which of a camera's two streams to decode."""

    MAIN = "main"
    SUB = "sub"


@dataclass
class StreamChooser:
    """Decides between a camera's main and sub stream from the tallest tile showing it.

    Small tiles play the sub stream.  A tile that grows to ``main_from_px``
    (170 px × 1.34 by default) switches to the main stream once it has stayed
    that tall for ``dwell_s``; it goes back to the sub stream only after
    staying below ``sub_below_px`` for ``dwell_s``.  Between the two heights
    nothing changes, so a tile resized back and forth around one threshold
    never makes the camera reconnect.  Not thread-safe: call from one thread.
    """

    sub_below_px: int = 170
    main_from_px: int = 228
    dwell_s: float = 1.0
    current: Stream = Stream.SUB
    _pending: Stream | None = None
    _pending_since: float = 0.0

    def decide(self, tile_height: int, now: float, maximised: bool = False) -> Stream:
        """The stream to play now for a tile ``tile_height`` pixels tall (``now`` in monotonic seconds).

        A maximised tile switches to the main stream at once: the operator asked to look closely.
        """
        if maximised:
            self.current, self._pending = Stream.MAIN, None
            return self.current
        if tile_height >= self.main_from_px:
            wanted = Stream.MAIN
        elif tile_height < self.sub_below_px:
            wanted = Stream.SUB
        else:
            wanted = self.current
        if wanted == self.current:
            self._pending = None
        elif self._pending != wanted:
            self._pending, self._pending_since = wanted, now
        elif now - self._pending_since >= self.dwell_s:
            self.current, self._pending = wanted, None
        return self.current

    @property
    def switch_pending(self) -> bool:
        """True while a switch is waiting out its dwell time (call :meth:`decide` again later)."""
        return self._pending is not None
