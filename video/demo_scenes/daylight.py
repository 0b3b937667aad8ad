"""Daylight for the outdoor demo scenes: brightness, colour, shadow direction by the hour; drifting cloud shadows.

The camera looks north.  The sun rises in the east (right) at 06:00, stands in the south
(behind the camera) at noon and sets in the west at 18:00, so shadows point left in the
morning, up the picture at noon and right in the evening, long near sunrise and sunset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

WORK_START, WORK_END = 8.0, 17.0


@dataclass(frozen=True)
class Daylight:
    """How the scene is lit at one time of day."""

    scale: tuple[float, float, float, float]  # BGR multipliers for cv2.multiply (fourth is unused)
    shadow: tuple[float, float]  # where the top of a 1-pixel-high thing casts its shadow, in pixels
    shadow_depth: float  # how much a shadow darkens the ground: 0 (none) .. 1 (black)
    night: bool


def _smoothstep(a: float, b: float, x: float) -> float:
    u = min(max((x - a) / (b - a), 0.0), 1.0)
    return u * u * (3 - 2 * u)


def daylight(hour: float) -> Daylight:
    """The light at ``hour`` (0..24, local solar time)."""
    angle = math.pi * (hour - 6) / 12
    height = math.sin(angle)  # < 0 at night
    bright = 0.24 + 0.76 * _smoothstep(-0.12, 0.45, height)
    warm = (1 - _smoothstep(0.05, 0.5, height)) * _smoothstep(-0.15, 0.02, height)
    blue = 1.25 if height < -0.1 else 1.0
    scale = (bright * (1 - 0.18 * warm) * blue, bright * (1 + 0.03 * warm), bright * (1 + 0.2 * warm), 0.0)
    if height <= 0.02:
        return Daylight(scale, (0.0, 0.0), 0.0, height < -0.1)
    elevation = math.radians(65) * height
    length = min(1 / math.tan(elevation), 3.0)
    shadow = (-math.cos(angle) * length, -math.sin(angle) * length * 0.6)
    return Daylight(scale, shadow, 0.45 * _smoothstep(0.02, 0.3, height), False)


def work_hours(days: float, start: float) -> float:
    """Working hours (08:00-17:00 each day) between simulated day ``start`` (a day number) and ``days``."""
    def since_day_zero(d: float) -> float:
        whole = math.floor(d)
        hour = (d - whole) * 24
        return whole * (WORK_END - WORK_START) + min(max(hour - WORK_START, 0.0), WORK_END - WORK_START)

    return max(since_day_zero(days) - since_day_zero(start), 0.0)


def cloud_patch(rng: np.random.Generator, width: int, height: int, depth: float = 34) -> np.ndarray:
    """A soft cloud shadow: how much to subtract from each pixel (uint8 BGR), strongest in its middle."""
    alpha = np.zeros((height, width), np.float32)
    for _ in range(6):
        cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.4, 0.6) * height
        axes = (int(rng.uniform(0.08, 0.16) * width), int(rng.uniform(0.1, 0.18) * height))
        cv2.ellipse(alpha, (int(cx), int(cy)), axes, 0, 0, 360, 1.0, -1)
    blur = max(int(min(width, height) * 0.3) | 1, 3)
    alpha = cv2.GaussianBlur(alpha, (blur, blur), 0)
    shade = (alpha * depth).astype(np.uint8)
    return cv2.merge([shade, shade, shade])
