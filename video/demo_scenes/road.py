"""A main road seen from a pole across the street: four traffic lanes, cycle lanes and pavements.

Variants: ``crossing=1`` paints a zebra crossing and opens a side road between the
shops (the crossroad cameras); ``bridge=1`` puts a river behind and below the road
instead of shops (the bridge camera).
"""

from __future__ import annotations

import cv2
import numpy as np

from . import sprites
from .base import Scene, Stream, speckle

SKY = (232, 212, 188)
ASPHALT = (78, 78, 82)
PAVEMENT = (165, 170, 172)
FACADES = ((200, 215, 225), (225, 228, 230), (170, 180, 190), (185, 200, 215), (150, 160, 160))
SIGNS = ((40, 40, 180), (150, 90, 30), (40, 130, 50), (30, 170, 220), (180, 180, 180))


class RoadScene(Scene):
    """Traffic both ways on a four-lane road, riders in the cycle lanes, walkers on both pavements."""

    name = "road"
    options = {"crossing": 0.0, "bridge": 0.0}

    def __init__(self, width, height, seed, settings):
        super().__init__(width, height, seed, settings)
        k, rng = self.k, self.rng
        self._paint()
        lanes = ((0.47, -125, 50), (0.565, -110, 56), (0.675, 118, 63), (0.775, 138, 70))
        self.streams: list[Stream] = []

        def add(baseline, speed, looks, slots, fill, stride=0.0, jitter=0.0):
            key = seed * 131 + len(self.streams)
            self.streams.append(Stream(key, width, self.py(baseline), speed * width / 640,
                                       looks, slots, fill, stride * k, jitter))

        walkers_far, walkers_near = sprites.people(rng, 15 * k, 8), sprites.people(rng, 30 * k, 8)
        add(0.335, -20, walkers_far, 5, 0.6, 3, 0.3)
        add(0.34, 22, walkers_far, 5, 0.6, 3, 0.3)
        add(0.385, 42, sprites.riders(rng, 17 * k, 6), 3, 0.6)
        for baseline, speed, length in lanes:
            looks = sprites.traffic(rng, length * k, 10)
            longest = max(frames[0].w for frames in looks)
            slots = max(int((width + 2 * longest) // (longest + 30 * k)), 2)
            add(baseline, speed, looks, slots, 0.8)
        add(0.835, -48, sprites.riders(rng, 30 * k, 6), 3, 0.6)
        add(0.915, 26, walkers_near, 4, 0.6, 5, 0.3)
        add(0.925, -24, walkers_near, 4, 0.6, 5, 0.3)

    def _paint(self) -> None:
        bg, rng, k, W = self.backdrop, self.rng, self.k, self.width
        py = self.py
        bg[:] = SKY
        if self.settings["bridge"]:
            self._river(0, py(0.06), py(0.28))
        else:
            self._shops(py(0.28))
        bg[py(0.28):py(0.39)] = PAVEMENT
        bg[py(0.39):py(0.78)] = ASPHALT
        bg[py(0.78):py(0.935)] = PAVEMENT
        bg[py(0.35):py(0.39)] = (120, 122, 125)  # cycle lanes are a darker tarmac
        bg[py(0.78):py(0.84)] = (120, 122, 125)
        speckle(bg, rng, 5, np.s_[py(0.28):py(0.935)])
        for y in range(py(0.28), py(0.35), max(int(8 * k), 2)):
            cv2.line(bg, (0, y), (W, y), (145, 150, 152), 1)
        for y in range(py(0.84), py(0.935), max(int(12 * k), 2)):
            cv2.line(bg, (0, y), (W, y), (145, 150, 152), 1)
        line = max(int(2 * k), 1)
        for fy in (0.39, 0.78):
            cv2.line(bg, (0, py(fy)), (W, py(fy)), (225, 225, 225), line)
        for fy in (0.6, 0.612):
            cv2.line(bg, (0, py(fy)), (W, py(fy)), (40, 190, 225), line)
        dash = int(30 * k)
        for fy in (0.495, 0.715):
            for x in range(0, W, 2 * dash):
                cv2.line(bg, (x, py(fy)), (x + dash, py(fy)), (220, 220, 220), line)
        if self.settings["crossing"]:
            x0, stripe = self.px(0.62), max(int(9 * k), 2)
            for y in range(py(0.40), py(0.775), 2 * stripe):
                cv2.rectangle(bg, (x0, y), (x0 + int(70 * k), y + stripe), (225, 225, 225), -1)
        if self.settings["bridge"]:
            self._river(py(0.935), py(0.95), self.height)
            for y0 in (py(0.27), py(0.925)):
                cv2.rectangle(bg, (0, y0), (W, y0 + int(4 * k)), (190, 195, 198), -1)
                for x in range(0, W, int(24 * k)):
                    cv2.rectangle(bg, (x, y0 - int(10 * k)), (x + int(4 * k), y0), (190, 195, 198), -1)
        else:
            bg[py(0.935):] = (60, 110, 70)  # hedge
            speckle(bg, rng, 14, np.s_[py(0.935):])

    def _shops(self, ground: int) -> None:
        bg, rng, k, py = self.backdrop, self.rng, self.k, self.py
        gap = (self.px(0.6), self.px(0.75)) if self.settings["crossing"] else None
        x = -int(rng.integers(0, 40))
        while x < self.width:
            w = int(rng.integers(70, 150) * k)
            top = py(rng.uniform(0.0, 0.1))
            if gap and x + w > gap[0] and x < gap[1]:
                cv2.rectangle(bg, (gap[0], py(0.2)), (gap[1], ground), ASPHALT, -1)
                x = gap[1]
                continue
            colour = FACADES[rng.integers(len(FACADES))]
            cv2.rectangle(bg, (x, top), (x + w, ground), colour, -1)
            for wy in range(top + int(6 * k), py(0.18), int(18 * k)):
                for wx in range(x + int(6 * k), x + w - int(14 * k), int(20 * k)):
                    cv2.rectangle(bg, (wx, wy), (wx + int(10 * k), wy + int(10 * k)), (110, 95, 80), -1)
            sign = SIGNS[rng.integers(len(SIGNS))]
            cv2.rectangle(bg, (x + 2, py(0.19)), (x + w - 2, py(0.225)), sign, -1)
            cv2.rectangle(bg, (x + int(8 * k), py(0.235)), (x + w - int(8 * k), ground), (70, 70, 75), -1)
            cv2.line(bg, (x, top), (x, ground), (90, 90, 90), 1)
            x += w
        for tx in range(int(rng.integers(20, 60) * k), self.width, int(rng.integers(110, 160) * k)):
            cv2.line(bg, (tx, ground), (tx, ground - int(30 * k)), (40, 60, 80), max(int(3 * k), 1))
            for _ in range(4):
                cv2.circle(bg, (tx + int(rng.integers(-12, 13) * k), ground - int(rng.integers(34, 48) * k)),
                           int(rng.integers(9, 14) * k), (45, int(rng.integers(90, 120)), 55), -1)

    def _river(self, top: int, water: int, bottom: int) -> None:
        bg, rng, k = self.backdrop, self.rng, self.k
        if water > top:
            bg[top:water] = (95, 130, 100)  # the far bank's trees
            speckle(bg, rng, 18, np.s_[top:water])
        bg[water:bottom] = (110, 105, 80)
        for _ in range(int(self.width * (bottom - water) / 900) + 1):
            x, y = int(rng.integers(0, self.width)), int(rng.integers(water, max(bottom, water + 1)))
            cv2.line(bg, (x, y), (x + int(rng.integers(8, 30) * k), y), (150, 145, 120), 1)

    def draw(self, frame: np.ndarray, t: float) -> None:
        for stream in self.streams:
            stream.draw(frame, t)
