"""Frames that carry the sender's wall clock, so a reader can measure end-to-end latency.

The clock is milliseconds modulo 2**32, drawn as 32 vertical black-and-white stripes
(most significant bit on the left) across the whole frame, so it survives H.264 or
JPEG compression and any resize that keeps the full picture.  ``rtsp_server.py``
draws the same stripes without numpy (it runs under Debian's own Python).
"""

from __future__ import annotations

import time

import numpy as np

CLOCK_BITS = 32
_MODULUS = 1 << CLOCK_BITS


def now_millis() -> int:
    return int(time.time() * 1000) % _MODULUS


def clock_image(width: int, height: int, millis: int | None = None) -> np.ndarray:
    """A BGR frame showing ``millis`` (default: now)."""
    millis = now_millis() if millis is None else millis % _MODULUS
    row = np.zeros(width, np.uint8)
    for bit in range(CLOCK_BITS):
        if millis >> (CLOCK_BITS - 1 - bit) & 1:
            row[bit * width // CLOCK_BITS:(bit + 1) * width // CLOCK_BITS] = 255
    return np.ascontiguousarray(np.broadcast_to(row[None, :, None], (height, width, 3)))


def read_clock(image: np.ndarray) -> int:
    """The milliseconds shown by a clock frame (sampled at the centre of each stripe)."""
    height, width = image.shape[:2]
    row = image[height // 2]
    value = 0
    for bit in range(CLOCK_BITS):
        value = value << 1 | int(row[int((bit + 0.5) * width / CLOCK_BITS)].mean() > 127)
    return value


def latency_s(image: np.ndarray, wall_time: float) -> float:
    """Seconds between the clock drawn in ``image`` and ``wall_time`` (a ``time.time()``)."""
    return ((int(wall_time * 1000) - read_clock(image)) % _MODULUS) / 1000.0
