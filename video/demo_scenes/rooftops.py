"""Rooftops seen from a high camera, with a shed that can be built on one roof over simulated days.

Scene-time model.  Two clocks run from the scene time ``t`` (seconds):

* ``t`` itself drives what moves at real speed: traffic and walkers in the street at
  the bottom, a person pacing a roof, washing in the wind, cloud shadows drifting.
* A simulated calendar ``days = startday + hour / 24 + t / day`` (settings ``day``,
  seconds of scene time per simulated day, default 86400 = real speed; ``hour``,
  the time of day at t = 0, default 10; ``startday``, default 0) drives what changes
  over hours and days, in 10-minute steps:

  - daylight (see ``daylight``): brightness and colour, and building shadows that
    sweep from left to right across the day; dark blue nights with a different set
    of lit windows each night;
  - a lorry that on most days drives in between 08:30 and 09:30, parks in the street
    and leaves between 12:30 and 14:30 (each drive takes a few seconds of scene time);
  - how many cloud shadows drift by (0-3, changing from day to day);
  - the shed, if ``growth`` > 0: from day ``build`` (default 1) builders work on one
    flat roof from 08:00 to 17:00; its progress p is their working hours over
    9 × ``growth``.  Until p = 0.12 material piles up, until p = 0.72 the walls rise
    (a wall "not half a person high" is p ≈ 0.3), then blue steel roof sheets are laid
    from the back; two builders stand by it during working hours until it is done.

Everything but the shed comes and goes, so a change detector must see through
light, shadows, clouds, people, washing and the lorry and still flag the shed.
``industrial=1`` shows low factory halls with blue steel roofs instead of houses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from . import sprites
from .base import Scene, Stream, blit, mix, speckle, tri
from .daylight import WORK_END, WORK_START, cloud_patch, daylight, work_hours

GROUND = (140, 146, 146)
ASPHALT = (88, 88, 92)
WALLS = ((205, 210, 214), (190, 200, 210), (215, 215, 210), (175, 185, 195), (160, 175, 185))
BRICK = (70, 90, 150)
BLOCK = (150, 152, 156)
STEEL = (185, 120, 45)


@dataclass(frozen=True)
class Box:
    """A building (or the shed) in the camera's oblique view, in pixels.

    The footprint is ``w`` wide and ``d`` deep (on screen) with its back-left corner
    at (x, y); it stands on ground ``base`` pixels high and rises ``h`` pixels, leaning
    ``lean`` pixels sideways per pixel of height (away from the picture's centre).
    """

    x: float
    y: float
    w: float
    d: float
    h: float
    lean: float
    base: float = 0.0

    def corners(self, lift: float) -> np.ndarray:
        """Back-left, back-right, front-right, front-left corners ``lift`` pixels above the footprint."""
        up = self.base + lift
        dx = self.lean * up
        x, y = self.x + dx, self.y - up
        return np.array([[x, y], [x + self.w, y], [x + self.w, y + self.d], [x, y + self.d]], np.float32)


def _fill(images, points, colours) -> None:
    pts = np.round(points).astype(np.int32)
    for image, colour in zip(images, colours):
        cv2.fillConvexPoly(image, pts, colour)


def _box(image, mask, box: Box, wall, roof) -> None:
    """Draw a box's visible side, front and roof onto ``image`` (and 255 into ``mask``)."""
    low, top = box.corners(0), box.corners(box.h)
    shade = lambda f: tuple(int(c * f) for c in wall)  # noqa: E731
    side = [1, 2] if box.lean < 0 else [0, 3]
    _fill((image, mask), np.vstack([low[side], top[side][::-1]]), (shade(0.72), 255))
    _fill((image, mask), np.vstack([low[[3, 2]], top[[2, 3]]]), (shade(0.88), 255))
    _fill((image, mask), top, (roof, 255))


def _shadow(box: Box, shadow: tuple[float, float]) -> np.ndarray:
    """The outline of the shadow ``box`` casts on the ground it stands on."""
    foot = box.corners(0)
    hull = cv2.convexHull(np.vstack([foot, foot + np.float32([shadow[0] * box.h, shadow[1] * box.h])]))
    return np.round(hull).astype(np.int32)


class RooftopScene(Scene):
    """Flat and tiled roofs of a village from a high pole, a street below; see the module for its clocks."""

    name = "rooftops"
    options = {"day": 86400.0, "hour": 10.0, "startday": 0.0, "growth": 0.0, "build": 1.0, "industrial": 0.0}

    def __init__(self, width, height, seed, settings):
        super().__init__(width, height, seed, settings)
        s, k, rng = self.settings, self.k, self.rng
        self.day_s = max(s["day"], 1.0)
        self.day0 = s["startday"] + s["hour"] / 24
        self.sx = width / 640
        self.windows: list[tuple[int, int, int, int]] = []
        self.washing: list[tuple[int, int, tuple]] = []
        self._layout()
        self._cache_key: tuple | None = None
        self._lit = self.backdrop
        street = self.py(0.8)
        cars, walkers = sprites.traffic(rng, 46 * k, 10, 0.25), sprites.people(rng, 20 * k, 6)
        self.streams = [
            Stream(seed * 7 + 1, width, street + int(20 * k), -70 * self.sx, cars, 3, 0.6),
            Stream(seed * 7 + 2, width, street + int(40 * k), 80 * self.sx, cars, 3, 0.6),
            Stream(seed * 7 + 3, width, street + int(58 * k), 18 * self.sx, walkers, 4, 0.5, 4 * k, 0.3),
            Stream(seed * 7 + 4, width, street + int(60 * k), -20 * self.sx, walkers, 4, 0.5, 4 * k, 0.3),
        ]
        self.lorry = sprites.lorry(80 * k, (50, 110, 40))
        self.lorry_baseline = street + int(2 * k)
        self.builders = [sprites.person(13 * k, (40, 140, 230), (60, 60, 60), (30, 200, 240)) for _ in range(2)]
        self.walker = sprites.person(12 * k, (200, 200, 200), (60, 50, 40))
        self.clouds = [cloud_patch(rng, int(rng.uniform(160, 260) * self.sx), int(rng.uniform(90, 150) * k))
                       for _ in range(3)]

    # -- the place, built once ------------------------------------------------------------------
    def _layout(self) -> None:
        rng, k, sx = self.rng, self.k, self.sx
        industrial = bool(self.settings["industrial"])
        self.ground = np.empty_like(self.backdrop)
        self.ground[:] = GROUND
        speckle(self.ground, rng, 6)
        street = self.py(0.8)
        self.ground[street - int(8 * k):] = (150, 155, 158)
        self.ground[street + int(6 * k):street + int(46 * k)] = ASPHALT
        cv2.line(self.ground, (0, street + int(26 * k)), (self.width, street + int(26 * k)), (210, 210, 210),
                 max(int(k), 1))
        self.layer = np.zeros_like(self.backdrop)
        self.layer_mask = np.zeros(self.backdrop.shape[:2], np.uint8)
        self.boxes: list[Box] = []
        rows = ((34, 44, (44, 70)), (120, 60, (34, 52)), (206, 58, (26, 40)))
        self.target: Box | None = None
        self.flat_roofs: list[Box] = []
        for row, (y, depth, heights) in enumerate(rows):
            x = -rng.uniform(10, 40)
            while x < 660:
                w = rng.uniform(150, 260) if industrial else rng.uniform(85, 150)
                front_centre = row == 2 and self.target is None and x + w > 250
                if front_centre:
                    w = max(w, 120)
                lean = ((x + w / 2) - 320) / 640 * 0.5
                h = rng.uniform(*heights) * (0.6 if industrial else 1.0)
                box = Box(x * sx, y * k, w * sx, depth * k, h * k, lean)
                kind = "flat" if front_centre else ("steel" if industrial else rng.choice(["flat", "flat", "tiles"]))
                self._building(box, kind, clutter=not front_centre)
                if front_centre:
                    self.target = box
                elif kind != "tiles" and row < 2:
                    self.flat_roofs.append(box)
                self.boxes.append(box)
                x += w + rng.uniform(8, 22)
        t = self.target
        self.shed = Box(t.x + t.w * 0.18, t.y + t.d * 0.18, t.w * 0.46, t.d * 0.52, 16 * k, t.lean, t.h)
        self.target_roof = np.zeros_like(self.layer_mask)
        _fill((self.target_roof,), t.corners(t.h), (255,))

    def _building(self, box: Box, kind: str, clutter: bool) -> None:
        rng, k = self.rng, self.k
        wall = WALLS[rng.integers(len(WALLS))]
        roof = {"flat": (168, 172, 174), "tiles": (82, 84, 90), "steel": STEEL}[kind]
        _box(self.layer, self.layer_mask, box, wall, roof)
        top = box.corners(box.h)
        low = box.corners(0)
        floors = max(int(box.h / (11 * k)), 1)
        for f in range(floors):
            lift = box.h * (f + 0.35) / floors
            y = int(low[3][1] - lift)
            for wx in np.arange(box.x + 6 * k, box.x + box.w - 8 * k, 16 * k):
                x = int(wx + box.lean * (lift + box.base))
                rect = (x, y - int(4 * k), x + int(7 * k), y + int(2 * k))
                cv2.rectangle(self.layer, rect[:2], rect[2:], (95, 85, 80), -1)
                self.windows.append(rect)
        pts = np.round(top).astype(np.int32)
        if kind == "flat":
            cv2.polylines(self.layer, [pts], True, (200, 204, 206), max(int(2 * k), 1))
        elif kind == "tiles":
            mid = (top[0] + top[3]) / 2, (top[1] + top[2]) / 2
            cv2.line(self.layer, tuple(np.int32(mid[0])), tuple(np.int32(mid[1])), (130, 130, 135), max(int(2 * k), 1))
        else:
            for u in np.arange(0.05, 1, 0.06):
                a, b = top[0] + (top[1] - top[0]) * u, top[3] + (top[2] - top[3]) * u
                cv2.line(self.layer, tuple(np.int32(a)), tuple(np.int32(b)), (205, 140, 60), 1)
        if kind != "flat" or not clutter:
            return
        u, v = rng.uniform(0.1, 0.6), rng.uniform(0.2, 0.5)
        spot = top[0] + (top[1] - top[0]) * u + (top[3] - top[0]) * v
        x, y = int(spot[0]), int(spot[1])
        if rng.random() < 0.5:  # a water tank
            cv2.rectangle(self.layer, (x, y), (x + int(12 * k), y + int(10 * k)), (150, 105, 45), -1)
            cv2.ellipse(self.layer, (x + int(6 * k), y), (int(6 * k), int(3 * k)), 0, 0, 360, (190, 140, 70), -1)
        else:  # a solar water heater
            cv2.rectangle(self.layer, (x, y), (x + int(26 * k), y + int(9 * k)), (80, 50, 40), -1)
            for tx in range(x, x + int(26 * k), max(int(3 * k), 2)):
                cv2.line(self.layer, (tx, y), (tx, y + int(9 * k)), (140, 120, 110), 1)
        if rng.random() < 0.5:
            wx, wy = int(top[0][0] + box.w * 0.55), int(top[0][1] + box.d * 0.6)
            cv2.line(self.layer, (wx, wy), (wx + int(34 * k), wy), (60, 60, 60), 1)
            for i in range(4):
                self.washing.append((wx + int((3 + 8 * i) * k), wy, sprites.SHIRTS[rng.integers(len(sprites.SHIRTS))]))

    # -- slow changes: light, shadows, the shed ---------------------------------------------------
    def days(self, t: float) -> float:
        """The simulated calendar at scene time ``t``: day number plus the fraction of the day gone."""
        return self.day0 + t / self.day_s

    def shed_progress(self, t: float) -> float:
        """How far the shed is built at scene time ``t``: 0 (not begun) .. 1 (finished)."""
        growth = self.settings["growth"]
        if growth <= 0:
            return 0.0
        return min(work_hours(self.days(t), self.settings["build"]) / ((WORK_END - WORK_START) * growth), 1.0)

    def roof_zones(self, mode: str = "roofs") -> list[np.ndarray]:
        """Watch zones as an operator would draw them over the middle and front rows of roofs (where a
        shed can go up), as normalised polygons (4 × 2 arrays, 0..1): ``roofs`` — each roof its own zone,
        inset by 8 % (roofs less than 30 px wide in the picture are left out); ``rows`` — one band per row."""
        width, height = self.width, self.height
        rows = sorted({round(b.y, 3) for b in self.boxes})[1:]
        zones = []
        for row in rows:
            tops = [b.corners(b.h) for b in self.boxes if round(b.y, 3) == row]
            if mode == "rows":
                pts = np.vstack(tops)
                x0, x1 = max(pts[:, 0].min(), 0), min(pts[:, 0].max(), width)
                zones.append(np.array([[x0, min(t[0][1] for t in tops)], [x1, min(t[1][1] for t in tops)],
                                       [x1, max(t[2][1] for t in tops)], [x0, max(t[3][1] for t in tops)]]))
                continue
            for top in tops:
                centre = top.mean(axis=0)
                inset = centre + (top - centre) * 0.92
                inset[:, 0] = np.clip(inset[:, 0], 0, width)
                if inset[:, 0].max() - inset[:, 0].min() > 30 * self.sx:
                    zones.append(inset)
        return [np.clip(z / [width, height], 0, 1) for z in zones]

    def shed_mask(self, t: float, threshold: int = 25) -> np.ndarray:
        """Where the shed (with its own shadow) shows at scene time ``t``: uint8, 255 where the unbuilt
        scene's background differs from the built one by more than ``threshold`` on some channel.

        Builders, noise and the clock are not in it: it is the structure alone, for measuring
        detectors against.  All zero while nothing is built.
        """
        progress = round(self.shed_progress(t) * 300) / 300
        if progress <= 0:
            return np.zeros(self.backdrop.shape[:2], np.uint8)
        days = self.days(t)
        light = daylight(round((days % 1) * 144) / 6)
        built = self._light(light, progress, math.floor(days)).astype(np.int16)
        plain = self._light(light, 0.0, math.floor(days)).astype(np.int16)
        return ((np.abs(built - plain).max(axis=2) > threshold) * 255).astype(np.uint8)

    def background(self, t: float) -> np.ndarray:
        days = self.days(t)
        hour = round((days % 1) * 144) / 6
        light = daylight(hour)
        key = (hour, round(self.shed_progress(t) * 300), math.floor(days) if light.night else -1)
        if key != self._cache_key:
            self._cache_key, self._lit = key, self._light(light, key[1] / 300, math.floor(days))
        return self._lit

    def _light(self, light, progress: float, day: int) -> np.ndarray:
        image = self.ground.copy()
        shed = replace(self.shed, h=self.shed.h * self._wall_share(progress))
        if light.shadow_depth > 0:
            mask = np.zeros_like(self.layer_mask)
            for box in self.boxes:
                cv2.fillConvexPoly(mask, _shadow(box, light.shadow), 255)
            cv2.copyTo(cv2.multiply(image, (1 - light.shadow_depth,) * 3 + (0,)), mask, image)
        cv2.copyTo(self.layer, self.layer_mask, image)
        if progress > 0:
            if light.shadow_depth > 0 and shed.h > 0:
                mask = np.zeros_like(self.layer_mask)
                cv2.fillConvexPoly(mask, _shadow(shed, light.shadow), 255)
                cv2.bitwise_and(mask, self.target_roof, dst=mask)
                cv2.copyTo(cv2.multiply(image, (1 - light.shadow_depth,) * 3 + (0,)), mask, image)
            self._draw_shed(image, shed, progress)
        cv2.multiply(image, light.scale, dst=image)
        if light.night:
            for i, (x0, y0, x1, y1) in enumerate(self.windows):
                if mix(self.seed, i, day) % 5 == 0:
                    cv2.rectangle(image, (x0, y0), (x1, y1), (90, 200, 250), -1)
        return image

    @staticmethod
    def _wall_share(progress: float) -> float:
        return min(max((progress - 0.12) / 0.6, 0.0), 1.0)

    def _draw_shed(self, image: np.ndarray, shed: Box, progress: float) -> None:
        k = self.k
        if progress < 0.12 or shed.h < 1:
            base = shed.corners(0)
            for i in range(1 + int(progress / 0.02)):
                u, v = (mix(self.seed, i, 5) % 90) / 100, (mix(self.seed, i, 6) % 80) / 100
                p = base[0] + (base[1] - base[0]) * u + (base[3] - base[0]) * v
                colour = BRICK if i % 2 else BLOCK
                cv2.rectangle(image, (int(p[0]), int(p[1])), (int(p[0] + 6 * k), int(p[1] + 4 * k)), colour, -1)
            return
        _box(image, np.zeros_like(self.layer_mask), shed, BLOCK, (105, 105, 110))
        top = shed.corners(shed.h)
        inner = top + (np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], np.float32) * 2 * k)
        cv2.polylines(image, [np.round(top).astype(np.int32)], True, (175, 178, 182), max(int(2 * k), 1))
        cv2.fillConvexPoly(image, np.round(inner).astype(np.int32), (110, 112, 116))
        covered = min(max((progress - 0.72) / 0.28, 0.0), 1.0)
        if covered > 0:
            sheet = top.copy()
            sheet[2] = top[1] + (top[2] - top[1]) * covered
            sheet[3] = top[0] + (top[3] - top[0]) * covered
            cv2.fillConvexPoly(image, np.round(sheet).astype(np.int32), STEEL)
            for u in np.arange(0.08, 1, 0.12):
                a, b = sheet[0] + (sheet[1] - sheet[0]) * u, sheet[3] + (sheet[2] - sheet[3]) * u
                cv2.line(image, tuple(np.int32(a)), tuple(np.int32(b)), (210, 150, 70), 1)

    # -- what moves ------------------------------------------------------------------------------
    def draw(self, frame: np.ndarray, t: float) -> None:
        k, days = self.k, self.days(t)
        for x, y, colour in self.washing:
            sway = int(round(1.5 * k * math.sin(2.1 * t + x)))
            cv2.rectangle(frame, (x + sway, y), (x + sway + int(5 * k), y + int(7 * k)), colour, -1)
        roof = self.flat_roofs[self.seed % len(self.flat_roofs)]
        top = roof.corners(roof.h)
        u = tri(t / 40 + self.seed % 7 / 7)
        x = int(top[0][0] + 4 * k + u * (roof.w - 16 * k))
        blit(frame, self.walker[int(t * 2) % 4], x, int(top[0][1] + roof.d * 0.55 - self.walker[0].h))
        progress = self.shed_progress(t)
        hour = (days % 1) * 24
        if 0 < progress < 1 and WORK_START <= hour < WORK_END:
            front = self.shed.corners(0)
            for i, builder in enumerate(self.builders):
                bx = front[3][0] + (i * 1.1 - 0.2) * self.shed.w
                blit(frame, builder[int(t * 2 + i) % 2], int(bx), int(front[3][1] + 2 * k - builder[0].h))
        lorry_x = self._lorry_x(t)
        if lorry_x is not None:
            blit(frame, self.lorry, int(lorry_x), self.lorry_baseline - self.lorry.h)
        for stream in self.streams:
            stream.draw(frame, t)
        if not daylight(hour).night:
            self._clouds(frame, t, math.floor(days))

    def _lorry_x(self, t: float) -> float | None:
        days = self.days(t)
        day = math.floor(days)
        h = mix(self.seed, day, 11)
        if h % 4 == 0:
            return None
        arrive = day + (8.5 + (h >> 8) % 60 / 60) / 24
        leave = day + (12.5 + (h >> 16) % 120 / 60) / 24
        t_arrive, t_leave = (arrive - self.day0) * self.day_s, (leave - self.day0) * self.day_s
        drive = min(4.0, (t_leave - t_arrive) * 0.2)
        park, far = self.width * 0.52, self.width + 2
        if t < t_arrive - drive or t > t_leave + drive:
            return None
        if t < t_arrive:
            u = (t - t_arrive + drive) / drive
            return -self.lorry.w + (park + self.lorry.w) * u * (2 - u)
        if t <= t_leave:
            return park
        u = (t - t_leave) / drive
        return park + (far - park) * u * u

    def _clouds(self, frame: np.ndarray, t: float, day: int) -> None:
        active = mix(self.seed, day, 7) % 4
        for i, patch in enumerate(self.clouds[:active]):
            ph, pw = patch.shape[:2]
            loop = self.width + pw + 80 * self.sx
            x = int((mix(self.seed, i, 8) % 1000 / 1000 * loop + (7 + 3 * i) * self.sx * t) % loop - pw)
            y = int((mix(self.seed, i, 9) % 1000) / 1000 * (self.height - ph))
            x0, x1 = max(x, 0), min(x + pw, self.width)
            if x0 < x1:
                roi = frame[y:y + ph, x0:x1]
                cv2.subtract(roi, patch[:, x0 - x:x1 - x], dst=roi)
