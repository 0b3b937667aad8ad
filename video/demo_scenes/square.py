"""A town square seen from a lamp post: paving, trees, benches, people crossing; a market or square dancers.

``market=1`` fills the square with stalls and vendors (the market camera); otherwise a
group of square dancers (广场舞) keeps time on one side.  People walk back and forth on
straight paths across the paving and get smaller towards the back of the square.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import sprites
from .base import Canvas, Scene, Sprite, blit, speckle, tri

PAVING = (182, 188, 192)
CANOPIES = ((40, 40, 190), (170, 110, 40), (60, 150, 60), (40, 160, 230), (220, 220, 220))
GOODS = ((40, 170, 80), (40, 90, 220), (60, 200, 230), (120, 60, 160), (30, 130, 200))
_SIZES = 5


class SquareScene(Scene):
    """People crossing a paved square, sorted by depth; stalls and vendors or a dancing group."""

    name = "square"
    options = {"market": 0.0}

    def __init__(self, width, height, seed, settings):
        super().__init__(width, height, seed, settings)
        rng, k = self.rng, self.k
        self.top = self.py(0.24)
        self.market = bool(self.settings["market"])
        self._paint()
        # Looks by size class (back of the square to the front), each facing right and left.
        self.looks = []
        for size in range(_SIZES):
            right = sprites.people(rng, self._height_at(self.top + (self.height - self.top) * (size + 0.5) / _SIZES), 6)
            self.looks.append((right, [[f.flipped() for f in look] for look in right]))
        self.walkers = []
        for _ in range(34 if self.market else 22):
            angle = rng.choice([rng.uniform(-0.3, 0.3), rng.uniform(math.pi / 2 - 0.5, math.pi / 2 + 0.5)])
            self.walkers.append((rng.uniform(0.05, 0.95) * width, rng.uniform(self.top + 20 * k, height + 10 * k),
                                 math.cos(angle), math.sin(angle) * 0.55, rng.uniform(120, 420) * k,
                                 rng.uniform(22, 36) * k, rng.uniform(0, 1), int(rng.integers(6))))
        self.stalls: list[tuple[int, Sprite, int]] = []
        self.still: list[tuple[int, int, list[Sprite]]] = []
        if self.market:
            for row, fy in enumerate((0.45, 0.72)):
                for i in range(5):
                    x, y = self.px(0.04 + i * 0.19 + row * 0.05), self.py(fy)
                    stall = self._stall(self._height_at(y) * 2.3, i + row)
                    self.stalls.append((y, stall, x))
                    self.still.append((x + stall.w // 2, y - int(stall.h * 0.35), self._pick(y, i)))
        else:
            for row in range(3):
                for col in range(4):
                    y = self.py(0.5 + row * 0.09)
                    self.still.append((self.px(0.62 + col * 0.075 + row * 0.02), y, self._pick(y, row + col)))

    def _height_at(self, y: float) -> float:
        """How tall a person standing at row ``y`` looks."""
        return (14 + 30 * (y - self.top) / (self.height - self.top)) * self.k

    def _pick(self, y: float, index: int) -> list[Sprite]:
        size = min(max(int((y - self.top) / (self.height - self.top) * _SIZES), 0), _SIZES - 1)
        return self.looks[size][0][index % 6]

    def _paint(self) -> None:
        bg, rng, k, W, H, top = self.backdrop, self.rng, self.k, self.width, self.height, self.top
        bg[:top] = (232, 212, 188)
        x = 0
        while x < W:
            w = int(rng.integers(60, 120) * k)
            roof = int(rng.integers(2, int(top * 0.4) + 3))
            cv2.rectangle(bg, (x, roof), (x + w, top), (200 - int(rng.integers(0, 40)), 205, 210), -1)
            for wy in range(roof + int(5 * k), top - int(18 * k), int(12 * k)):
                for wx in range(x + int(5 * k), x + w - int(8 * k), int(13 * k)):
                    cv2.rectangle(bg, (wx, wy), (wx + int(6 * k), wy + int(6 * k)), (110, 95, 80), -1)
            cv2.rectangle(bg, (x + 2, top - int(16 * k)), (x + w - 2, top - int(11 * k)),
                          CANOPIES[rng.integers(len(CANOPIES))], -1)
            x += w
        bg[top:] = PAVING
        speckle(bg, rng, 5, np.s_[top:])
        vx, vy = W / 2, top - H * 1.2  # the paving lines meet far above the picture
        for i in range(-12, 13):
            bx = W / 2 + i * W / 10
            sx = vx + (bx - vx) * (top - vy) / (H - vy)
            cv2.line(bg, (int(sx), top), (int(bx), H), (160, 166, 170), 1)
        for i in range(1, 14):
            y = int(top + (H - top) * (i / 13) ** 1.5)
            cv2.line(bg, (0, y), (W, y), (160, 166, 170), 1)
        for fx, fy in ((0.08, 0.38), (0.35, 0.3), (0.9, 0.42), (0.5, 0.95)):
            x, y, s = self.px(fx), self.py(fy), self._height_at(self.py(fy)) / 30
            cv2.ellipse(bg, (x + int(12 * s), y + int(4 * s)), (int(26 * s), int(8 * s)), 0, 0, 360,
                        (130, 135, 138), -1)  # the tree's shadow
            cv2.rectangle(bg, (x - int(3 * s), y - int(30 * s)), (x + int(3 * s), y), (40, 60, 85), -1)
            for dx, dy, r in ((-10, -40, 16), (8, -44, 15), (0, -56, 14)):
                cv2.circle(bg, (x + int(dx * s), y + int(dy * s)), int(r * s), (50, 110 + int(dx), 60), -1)
        if not self.market:
            cx, cy = self.px(0.3), self.py(0.62)
            cv2.ellipse(bg, (cx, cy), (int(70 * k), int(22 * k)), 0, 0, 360, (110, 115, 118), -1)
            cv2.ellipse(bg, (cx, cy), (int(64 * k), int(19 * k)), 0, 0, 360, (60, 120, 70), -1)
            for i in range(14):
                a = i / 14 * 2 * math.pi
                cv2.circle(bg, (cx + int(50 * k * math.cos(a)), cy + int(13 * k * math.sin(a))), max(int(3 * k), 1),
                           GOODS[i % len(GOODS)], -1)

    def _stall(self, width: float, index: int) -> Sprite:
        canopy = CANOPIES[(index + self.seed) % len(CANOPIES)]
        h = width * 0.7
        c = Canvas(width, h)
        c.rect(width * 0.06, h * 0.2, width * 0.1, h, (70, 70, 70))
        c.rect(width * 0.9, h * 0.2, width * 0.94, h, (70, 70, 70))
        c.poly([(0, h * 0.25), (width * 0.1, 0), (width * 0.9, 0), (width, h * 0.25)], canopy)
        for u in np.arange(0.1, 0.9, 0.2):
            stripe = [(u, 0), (u + 0.1, 0), (u + 0.11, 0.25), (u - 0.01, 0.25)]
            c.poly([(width * x, h * y) for x, y in stripe], (235, 235, 235))
        c.rect(width * 0.05, h * 0.6, width * 0.95, h, (60, 90, 130))
        for i in range(12):
            c.circle(width * (0.1 + 0.07 * i), h * 0.58, width * 0.04, GOODS[(i * 7 + index) % len(GOODS)])
        return c.sprite()

    def draw(self, frame: np.ndarray, t: float) -> None:
        k, top, height = self.k, self.top, self.height
        items: list[tuple[float, Sprite, int]] = []
        for ax, ay, dx, dy, length, speed, phase, look in self.walkers:
            u = phase + speed * t / (2 * length)
            offset = (tri(u) - 0.5) * length
            x, y = ax + dx * offset, ay + dy * offset
            if y < top:
                y = 2 * top - y
            size = min(max(int((y - top) / (height - top) * _SIZES), 0), _SIZES - 1)
            forwards = (u % 1) < 0.5
            frames = self.looks[size][0 if (dx >= 0) == forwards else 1][look]
            sprite = frames[int(u * 2 * length / (5 * k)) % 4]
            items.append((y, sprite, int(x) - sprite.w // 2))
        beat = int(t * 2)
        for i, (x, y, frames) in enumerate(self.still):
            sway = 0 if self.market else int(round(6 * k * math.sin(math.pi * t / 2)))
            sprite = frames[beat % 2] if not self.market else frames[1 + (beat + i) % 7 // 6]
            items.append((y, sprite, x + sway - sprite.w // 2))
        for y, stall, x in self.stalls:
            items.append((y + 0.5, stall, x))
        items.sort(key=lambda item: item[0])
        for y, sprite, x in items:
            blit(frame, sprite, x, int(y) - sprite.h)
