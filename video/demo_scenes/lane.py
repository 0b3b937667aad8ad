"""A village lane along a canal, Shaoxing style: white walls, black tiles, a stone path, boats.

Settings: ``water`` is the share of the picture the canal takes (the river cameras
show more of it), ``boats`` how many boats share the canal, ``crowd`` multiplies the
number of walkers (the school gate).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import sprites
from .base import Scene, Stream, mix, speckle

WALL = (228, 232, 234)
TILES = (62, 60, 60)
STONE = (150, 156, 160)
WATER = (92, 108, 78)
LANTERN = (40, 40, 200)


class LaneScene(Scene):
    """People, bicycles and a scooter on a stone lane; lanterns sway; boats go by on the canal."""

    name = "lane"
    options = {"water": 0.28, "boats": 1.0, "crowd": 1.0}

    def __init__(self, width, height, seed, settings):
        super().__init__(width, height, seed, settings)
        k, rng, s = self.k, self.rng, self.settings
        water = min(max(s["water"], 0.1), 0.6)
        self.bank = 0.98 - water
        self.lane_top = self.bank - 0.2
        self.lanterns: list[tuple[int, int, float]] = []
        self._paint()
        self.streams: list[Stream] = []
        crowd = max(s["crowd"], 0.0)

        def add(fy, speed, looks, slots, fill, stride=0.0, jitter=0.0):
            key = seed * 257 + len(self.streams)
            self.streams.append(Stream(key, width, self.py(fy), speed * width / 640, looks, max(int(slots), 0),
                                       fill, stride * k, jitter))

        far, near = sprites.people(rng, 28 * k, 8), sprites.people(rng, 36 * k, 8)
        add(self.lane_top + 0.075, 24, far, 4 * crowd, 0.55, 5, 0.35)
        add(self.lane_top + 0.08, -22, far, 4 * crowd, 0.55, 5, 0.35)
        add(self.lane_top + 0.14, 62, sprites.riders(rng, 34 * k, 5, ("bicycle", "bicycle", "ebike")), 2, 0.6)
        add(self.lane_top + 0.15, -75, sprites.riders(rng, 34 * k, 3, ("scooter",)), 1, 0.5)
        add(self.bank - 0.005, -26, near, 3 * crowd, 0.55, 6, 0.35)
        add(self.bank, 23, near, 3 * crowd, 0.55, 6, 0.35)
        for boat in range(int(s["boats"])):
            fy = self.bank + 0.1 + (0.8 - self.bank) * (boat / max(s["boats"], 1))
            add(min(fy, 0.97), (-14, 11, -9)[boat % 3], [[sprites.boat(rng.uniform(100, 130) * k)]], 1, 1.0)
        self.glints = [(int(rng.integers(0, width)), self.py(rng.uniform(self.bank + 0.04, 0.99)),
                        int(rng.integers(6, 22) * k), rng.uniform(0.3, 1.2)) for _ in range(14)]

    def _paint(self) -> None:
        bg, rng, k, W, py = self.backdrop, self.rng, self.k, self.width, self.py
        eaves, lane_top, bank = py(0.1), py(self.lane_top), py(self.bank)
        bg[:eaves] = TILES
        for y in range(0, eaves, max(int(5 * k), 2)):
            cv2.line(bg, (0, y), (W, y), (45, 44, 46), 1)
        bg[eaves:lane_top] = WALL
        speckle(bg, rng, 7, np.s_[eaves:lane_top])
        stain = np.linspace(0, 40, max(lane_top - eaves, 1), dtype=np.float32)[:, None, None]
        wall = bg[eaves:lane_top].astype(np.float32) - stain * np.array([0.7, 0.8, 0.9], np.float32)
        bg[eaves:lane_top] = np.clip(wall, 0, 255).astype(np.uint8)
        cv2.rectangle(bg, (0, eaves), (W, eaves + int(6 * k)), (40, 40, 42), -1)
        x = int(rng.integers(10, 60) * k)
        while x < W:
            kind = rng.random()
            if kind < 0.45:
                door_w = int(rng.integers(34, 48) * k)
                top = lane_top - int((lane_top - eaves) * 0.72)
                cv2.rectangle(bg, (x - 3, top - 3), (x + door_w + 3, lane_top), (120, 125, 128), -1)
                cv2.rectangle(bg, (x, top), (x + door_w, lane_top), (40, 62, 100), -1)
                cv2.line(bg, (x + door_w // 2, top), (x + door_w // 2, lane_top), (25, 40, 70), 1)
                self.lanterns.append((x + door_w // 2, top - int(4 * k), rng.uniform(0, 6.28)))
                x += door_w
            else:
                win = int(rng.integers(26, 40) * k)
                top = eaves + int((lane_top - eaves) * 0.25)
                cv2.rectangle(bg, (x, top), (x + win, top + win), (50, 70, 95), -1)
                for g in range(1, 4):
                    cv2.line(bg, (x + g * win // 4, top), (x + g * win // 4, top + win), (95, 130, 160), 1)
                    cv2.line(bg, (x, top + g * win // 4), (x + win, top + g * win // 4), (95, 130, 160), 1)
                x += win
            x += int(rng.integers(50, 120) * k)
        bg[lane_top:bank] = STONE
        speckle(bg, rng, 9, np.s_[lane_top:bank])
        slab = max(int(22 * k), 4)
        for y in range(lane_top, bank, slab // 2):
            cv2.line(bg, (0, y), (W, y), (125, 130, 134), 1)
            offset = (y // (slab // 2)) % 2 * slab // 2
            for sx in range(offset, W, slab):
                cv2.line(bg, (sx, y), (sx, min(y + slab // 2, bank)), (125, 130, 134), 1)
        bg[bank:bank + int(8 * k)] = (118, 124, 128)
        bg[bank + int(8 * k):] = WATER
        speckle(bg, rng, 5, np.s_[bank + int(8 * k):])
        for _ in range(int(W / 12)):
            x, y = int(rng.integers(0, W)), int(rng.integers(bank + int(10 * k), self.height))
            cv2.line(bg, (x, y), (x + int(rng.integers(10, 40) * k), y), (80, 95, 68), 1)

    def draw(self, frame: np.ndarray, t: float) -> None:
        k = self.k
        for x, y, phase in self.lanterns:
            swing = int(round(3 * k * math.sin(1.3 * t + phase)))
            cv2.line(frame, (x, y - int(10 * k)), (x + swing, y), (30, 30, 30), 1)
            cv2.ellipse(frame, (x + swing, y + int(7 * k)), (int(7 * k), int(9 * k)), 0, 0, 360, LANTERN, -1)
        for i, (x, y, length, speed) in enumerate(self.glints):
            dx = int(length * math.sin(speed * t + i))
            if (mix(self.seed, i, int(t * speed)) & 3) != 0:
                cv2.line(frame, (x + dx, y), (x + dx + length, y), (150, 165, 150), 1)
        for stream in self.streams:
            stream.draw(frame, t)
