"""Building blocks of the demo scenes: masked sprites, clipped blits, looping streams of movers.

Everything that moves is a pure function of the scene time ``t`` (seconds): a mover's
position is its phase plus speed × t, wrapped round a loop a little longer than the
frame, and what it looks like on each pass round the loop comes from a hash of
(seed, mover, pass).  No state is carried from frame to frame, so a frame can be
rendered for any ``t`` and the same seed always gives the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import cv2
import numpy as np

_MASK64 = (1 << 64) - 1


def mix(*values: int) -> int:
    """A deterministic 64-bit hash of integers (splitmix64 rounds); unlike ``hash`` it is the same in every process."""
    h = 0x9E3779B97F4A7C15
    for value in values:
        h = ((h ^ (value & _MASK64)) * 0xBF58476D1CE4E5B9) & _MASK64
        h = ((h ^ (h >> 29)) * 0x94D049BB133111EB) & _MASK64
        h ^= h >> 32
    return h


def tri(u: float) -> float:
    """Triangle wave of period 1 in [0, 1]: walks forth and back along a segment."""
    u -= int(u) if u >= 0 else int(u) - 1
    return 2 * u if u < 0.5 else 2 - 2 * u


@dataclass(frozen=True)
class Sprite:
    """A small BGR picture and its mask (255 where it is opaque)."""

    image: np.ndarray
    mask: np.ndarray

    @property
    def w(self) -> int:
        return self.mask.shape[1]

    @property
    def h(self) -> int:
        return self.mask.shape[0]

    def flipped(self) -> Sprite:
        return Sprite(cv2.flip(self.image, 1), cv2.flip(self.mask, 1))


def blit(frame: np.ndarray, sprite: Sprite, x: int, y: int) -> None:
    """Copy ``sprite`` through its mask with its top-left corner at (x, y), clipped to the frame."""
    fh, fw = frame.shape[:2]
    sh, sw = sprite.mask.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + sw, fw), min(y + sh, fh)
    if x0 >= x1 or y0 >= y1:
        return
    cv2.copyTo(sprite.image[y0 - y:y1 - y, x0 - x:x1 - x], sprite.mask[y0 - y:y1 - y, x0 - x:x1 - x],
               frame[y0:y1, x0:x1])


class Canvas:
    """Draws a sprite: every shape goes into the picture and into the mask."""

    def __init__(self, w: float, h: float):
        self.image = np.zeros((max(int(round(h)), 1), max(int(round(w)), 1), 3), np.uint8)
        self.mask = np.zeros(self.image.shape[:2], np.uint8)

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour) -> None:
        p0, p1 = (round(x0), round(y0)), (round(x1), round(y1))
        cv2.rectangle(self.image, p0, p1, colour, -1)
        cv2.rectangle(self.mask, p0, p1, 255, -1)

    def poly(self, points, colour) -> None:
        pts = np.round(np.asarray(points, np.float32)).astype(np.int32)
        cv2.fillPoly(self.image, [pts], colour)
        cv2.fillPoly(self.mask, [pts], 255)

    def circle(self, x: float, y: float, r: float, colour, thickness: int = -1) -> None:
        centre, radius = (round(x), round(y)), max(round(r), 1)
        cv2.circle(self.image, centre, radius, colour, thickness)
        cv2.circle(self.mask, centre, radius, 255, thickness)

    def ellipse(self, x: float, y: float, rx: float, ry: float, colour, start: float = 0, end: float = 360) -> None:
        centre, axes = (round(x), round(y)), (max(round(rx), 1), max(round(ry), 1))
        cv2.ellipse(self.image, centre, axes, 0, start, end, colour, -1)
        cv2.ellipse(self.mask, centre, axes, 0, start, end, 255, -1)

    def line(self, x0: float, y0: float, x1: float, y1: float, colour, thickness: float = 1) -> None:
        p0, p1, th = (round(x0), round(y0)), (round(x1), round(y1)), max(round(thickness), 1)
        cv2.line(self.image, p0, p1, colour, th)
        cv2.line(self.mask, p0, p1, 255, th)

    def sprite(self) -> Sprite:
        return Sprite(self.image, self.mask)


class Stream:
    """Movers passing along one horizontal line (a traffic lane, a footpath, a stretch of water).

    ``looks`` are the movers' possible looks, each a list of animation frames facing
    right (one frame for things that do not animate); the animation steps every
    ``stride`` pixels travelled.  ``slots`` movers share the loop, evenly spaced
    with a little jitter; on each pass round the loop a slot is occupied with
    probability ``fill`` and picks its look afresh.  With ``jitter`` 0 all movers go
    at ``speed`` and never overlap (traffic); otherwise each has its own pace (people).
    """

    def __init__(self, key: int, width: int, baseline: int, speed: float, looks: list[list[Sprite]],
                 slots: int, fill: float = 1.0, stride: float = 0.0, jitter: float = 0.0):
        if speed < 0:
            looks = [[frame.flipped() for frame in frames] for frames in looks]
        self.key, self.width, self.baseline, self.speed = key, width, baseline, speed
        self.looks, self.stride = looks, stride
        self.margin = max(frame.w for frames in looks for frame in frames) + 2
        self.span = width + 2 * self.margin
        self.fill = int(fill * 1024)
        step, spread = self.span / max(slots, 1), 0.3 if slots > 1 else 1.0
        self.slots = [(i * step + (mix(key, i, 1) % 1000) / 1000 * step * spread,
                       abs(speed) * (1 + jitter * ((mix(key, i, 2) % 2001) / 1000 - 1)))
                      for i in range(slots)]

    def draw(self, frame: np.ndarray, t: float) -> None:
        looks, span = self.looks, self.span
        for i, (phase, speed) in enumerate(self.slots):
            u = phase + speed * t
            lap = int(u // span)
            s = u - lap * span
            h = mix(self.key, i, lap)
            if (h & 1023) >= self.fill:
                continue
            frames = looks[(h >> 10) % len(looks)]
            sprite = frames[int(s / self.stride) % len(frames)] if self.stride else frames[0]
            x = s - self.margin if self.speed > 0 else self.width + self.margin - s - sprite.w
            blit(frame, sprite, int(x), self.baseline - sprite.h)


class Scene:
    """One kind of demo picture: a background prerendered once and movers drawn over it each frame.

    Subclasses set ``name`` and ``options`` (the extra ``?key=value`` settings they take,
    with their defaults), build ``self.backdrop`` in ``__init__`` and draw movers in ``draw``.
    ``background(t)`` may change slowly with time (the rooftops' daylight); it returns
    an array the caller must not modify.
    """

    name: ClassVar[str] = ""
    options: ClassVar[dict[str, float]] = {}

    def __init__(self, width: int, height: int, seed: int, settings: dict[str, float]):
        self.width, self.height, self.seed = width, height, seed
        self.settings = {**self.options, **settings}
        self.rng = np.random.default_rng(seed)
        self.k = height / 360  # sizes are designed at 640 × 360 and scale with the height
        self.backdrop = np.zeros((height, width, 3), np.uint8)

    def background(self, t: float) -> np.ndarray:
        return self.backdrop

    def draw(self, frame: np.ndarray, t: float) -> None:
        raise NotImplementedError

    def px(self, fx: float) -> int:
        """A horizontal position given as a fraction of the width."""
        return int(round(fx * self.width))

    def py(self, fy: float) -> int:
        """A vertical position given as a fraction of the height."""
        return int(round(fy * self.height))


def speckle(image: np.ndarray, rng: np.random.Generator, amount: float, region=None) -> None:
    """Add fixed texture (grain of asphalt, stone, render) to a background once, at build time."""
    view = image if region is None else image[region]
    grain = rng.normal(0, amount, view.shape[:2]).astype(np.float32)
    grain = cv2.GaussianBlur(grain, (3, 3), 0)
    view[:] = np.clip(view.astype(np.float32) + grain[..., None], 0, 255).astype(np.uint8)
