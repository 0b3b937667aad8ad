"""Synthetic ``demo:`` cameras: generated CCTV pictures, so the demo town plays with no network and no files.

A demo URL names a scene and optional settings::

    demo:road                     a main road (also crossroad, bridge)
    demo:lane-2                   a village lane by a canal (also village, river, school)
    demo:rooftops?growth=3&day=60 rooftops from a high camera (also rooftop, factory)
    demo:square?seed=7&w=1280&h=720&fps=15   a town square (also market)

``-N`` after the name picks a variant (another seed); ``seed``, ``w``, ``h`` (default
640 × 360) and ``fps`` (default 25) apply to every scene; the other settings belong
to one scene (see the scene modules in ``video.demo_scenes``).

Scene time: the n-th frame read shows the scene at ``t = n / fps`` seconds, so a
frame is a function of (scene, seed, settings, n) alone and the caller's pacing
decides how fast the scene runs.  ``render(t)`` shows any moment without moving the
clock.  Two things do not follow scene time: the burnt-in clock, top-left, shows the
wall clock (``time.time()``, local time) as real CCTV does, and is the only part of
a frame that differs between two runs with the same seed.  Sensor noise is taken
from a bank shared by all readers of one size, at offsets chosen by (seed, n).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from urllib.parse import unquote

import cv2
import numpy as np

from .demo_scenes import ALIASES, SCENES
from .demo_scenes.base import Sprite, blit, mix

DEFAULT_SIZE = (640, 360)
DEFAULT_FPS = 25.0
_NOISE_ROWS = 61  # extra rows in the noise bank: offsets 0..60 give 61 × 61 noise patterns
_NOISE_SIGMA = 2.2
_noise_banks: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
_noise_lock = threading.Lock()


def scene_names() -> list[str]:
    """Every name a ``demo:`` URL may use."""
    return sorted([*SCENES, *ALIASES])


class DemoReader:
    """A generated camera picture for a ``demo:`` URL, read frame by frame like a video file.

    ``fps`` is the rate the scene is made for (the caller paces reads at it),
    ``live`` is False (frames are made on demand, nothing is dropped if the caller
    is slow), ``size`` is (width, height).  Each ``read()`` returns a new H × W × 3
    uint8 BGR array that the caller may keep.  Not thread-safe: read from one thread.
    """

    live: bool = False

    def __init__(self, url: str, *, wall_clock: Callable[[], float] = time.time):
        name, variant, scene_cls, settings, general = _parse(url)
        self.url = url
        self.scene_name = scene_cls.name
        self.seed = int(general.get("seed", zlib.crc32(f"{name}-{variant}".encode()) & 0x7FFFFFFF))
        self.size: tuple[int, int] = (int(general.get("w", DEFAULT_SIZE[0])), int(general.get("h", DEFAULT_SIZE[1])))
        self.fps: float = float(general.get("fps", DEFAULT_FPS))
        width, height = self.size
        if not (32 <= width <= 3840 and 32 <= height <= 2160) or not 0 < self.fps <= 120:
            raise ValueError(f"demo camera {url!r}: size must be 32..3840 × 32..2160 and fps 0..120")
        if not 0 <= self.seed < 2**63:
            raise ValueError(f"demo camera {url!r}: seed must be 0 or more")
        self._scene = scene_cls(width, height, self.seed, settings)
        self._noise_up, self._noise_down = _noise_bank(width, height)
        self._clock = _ClockOverlay(width, height)
        self._wall_clock = wall_clock
        self._frames = 0
        self._released = False

    def read(self) -> np.ndarray | None:
        """The next frame; the scene clock advances by 1 / fps.  None once released, like an ended source."""
        if self._released:
            return None
        t = self._frames / self.fps
        self._frames += 1
        return self.render(t)

    @property
    def scene(self):
        """The scene object (e.g. a :class:`~video.demo_scenes.rooftops.RooftopScene`, for its ground truth)."""
        if self._scene is None:
            raise RuntimeError(f"demo camera {self.url!r} was released")
        return self._scene

    @property
    def calendar_speed(self) -> float:
        """How many seconds of the scene's simulated calendar pass per second of scene time (its ``day``
        setting: 86400 / day; 1 for scenes without a calendar)."""
        day = self._scene.settings.get("day") if self._scene is not None else None
        return 86400.0 / max(float(day), 1.0) if day else 1.0

    def render(self, t: float) -> np.ndarray:
        """The frame at scene time ``t`` seconds (the clock overlay still shows the wall clock)."""
        if self._released:
            raise RuntimeError(f"demo camera {self.url!r} was released")
        height = self.size[1]
        frame = self._scene.background(t).copy()
        self._scene.draw(frame, t)
        h = mix(self.seed, int(round(t * self.fps)))
        up, down = h % _NOISE_ROWS, (h >> 16) % _NOISE_ROWS
        cv2.add(frame, self._noise_up[up:up + height], dst=frame)
        cv2.subtract(frame, self._noise_down[down:down + height], dst=frame)
        self._clock.draw(frame, self._wall_clock())
        return frame

    def release(self) -> None:
        """Drop the scene (idempotent); ``read`` then returns None and ``render`` raises RuntimeError."""
        self._released = True
        self._scene = None


def _parse(url: str):
    """(name, variant, scene class, scene settings, general settings) of a demo URL; ValueError if it is not one."""
    if not url.startswith("demo:"):
        raise ValueError(f"not a demo camera URL: {url!r}")
    body, _, query = url[len("demo:"):].partition("?")
    name, dash, variant = body.partition("-")
    if dash and not variant.isdigit():
        name, variant = body, ""
    if name in SCENES:
        scene_cls, settings = SCENES[name], {}
    elif name in ALIASES:
        base, preset = ALIASES[name]
        scene_cls, settings = SCENES[base], dict(preset)
    else:
        raise ValueError(f"unknown demo scene {name!r} in {url!r}; scenes: {', '.join(scene_names())}")
    general: dict[str, float] = {}
    for item in filter(None, query.split("&")):
        key, eq, value = item.partition("=")
        key = unquote(key)
        try:
            number = float(unquote(value))
        except ValueError:
            number = float("nan")
        if not eq or number != number:
            raise ValueError(f"demo camera {url!r}: {item!r} is not key=number")
        if key in ("seed", "w", "h", "fps"):
            general[key] = number
        elif key in scene_cls.options:
            settings[key] = number
        else:
            known = ", ".join(["seed", "w", "h", "fps", *scene_cls.options])
            raise ValueError(f"demo camera {url!r}: unknown setting {key!r}; {scene_cls.name} takes {known}")
    return name, variant or "0", scene_cls, settings, general


def _noise_bank(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative halves of a fixed bank of Gaussian sensor noise, shared by readers of one size."""
    with _noise_lock:
        bank = _noise_banks.get((width, height))
        if bank is None:
            noise = np.random.default_rng(20180109).normal(0, _NOISE_SIGMA, (height + _NOISE_ROWS, width, 3))
            noise = np.round(noise).astype(np.int16)
            bank = (np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8))
            _noise_banks[(width, height)] = bank
        return bank


class _ClockOverlay:
    """The burnt-in date and time, white with a black outline; redrawn only when the second changes."""

    FONT = cv2.FONT_HERSHEY_SIMPLEX

    def __init__(self, width: int, height: int):
        k = height / 360
        self.scale, self.thickness = 0.55 * k, max(int(round(k)), 1)
        (tw, th), base = cv2.getTextSize("0000-00-00 00:00:00", self.FONT, self.scale, self.thickness)
        self.pad = self.thickness + 1
        self.shape = (th + base + 2 * self.pad, tw + 2 * self.pad)
        self.origin = (int(6 * k), int(6 * k))
        self.second: int | None = None
        self.sprite: Sprite | None = None

    def draw(self, frame: np.ndarray, now: float) -> None:
        second = int(now // 1)
        if second != self.second:
            self.second, self.sprite = second, self._render(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second)))
        blit(frame, self.sprite, *self.origin)

    def _render(self, text: str) -> Sprite:
        image, mask = np.zeros((*self.shape, 3), np.uint8), np.zeros(self.shape, np.uint8)
        org = (self.pad, self.shape[0] - self.pad - (self.shape[0] - 2 * self.pad) // 4)
        cv2.putText(mask, text, org, self.FONT, self.scale, 255, self.thickness, cv2.LINE_8)
        cv2.putText(image, text, org, self.FONT, self.scale, (245, 245, 245), self.thickness, cv2.LINE_AA)
        return Sprite(image, cv2.dilate(mask, np.ones((3, 3), np.uint8)))  # the black outline
