"""The demo's movers drawn once as sprites: people, cars, vans, buses, lorries, bicycles, scooters, boats.

All face right and stand on the bottom edge of their sprite; colours are BGR.
"""

from __future__ import annotations

import numpy as np

from .base import Canvas, Sprite

CAR_COLOURS = ((235, 235, 232), (190, 190, 186), (38, 38, 40), (120, 120, 118), (40, 40, 185),
               (150, 85, 30), (95, 45, 20), (150, 190, 212), (60, 95, 45))
CAR_WEIGHTS = (0.26, 0.2, 0.18, 0.1, 0.07, 0.07, 0.05, 0.04, 0.03)
SHIRTS = ((220, 220, 220), (40, 40, 40), (60, 60, 170), (150, 90, 40), (60, 140, 200), (90, 130, 60),
          (170, 170, 90), (120, 80, 150), (30, 100, 220), (200, 180, 160))
TROUSERS = ((40, 40, 45), (110, 70, 40), (80, 80, 85), (150, 150, 155), (60, 50, 40))
GLASS = (75, 60, 50)
TYRE = (28, 28, 28)


def person(height: float, shirt, trousers, hair=(25, 25, 30), frames: int = 4) -> list[Sprite]:
    """A walker seen from the side, ``frames`` steps of a stride."""
    hp = max(height, 6.0)
    w = hp * 0.55 + 2
    out = []
    for step in range(frames):
        spread = (0.17, 0.0, -0.17, 0.0)[step % 4] * hp
        c = Canvas(w, hp + 1)
        mid, hip, leg = w / 2, hp * 0.56, max(hp * 0.09, 1)
        c.line(mid, hip, mid + spread, hp - 1, trousers, leg)
        c.line(mid, hip, mid - spread, hp - 1, trousers, leg)
        c.rect(mid - hp * 0.12, hp * 0.2, mid + hp * 0.12, hip, shirt)
        c.line(mid, hp * 0.24, mid - spread * 0.8, hp * 0.5, shirt, max(hp * 0.06, 1))
        c.circle(mid, hp * 0.11, hp * 0.1, (150, 175, 205))
        c.ellipse(mid - hp * 0.02, hp * 0.08, hp * 0.1, hp * 0.06, hair)
        out.append(c.sprite())
    return out


def people(rng: np.random.Generator, height: float, count: int) -> list[list[Sprite]]:
    """``count`` differently dressed walkers of about ``height`` pixels."""
    return [person(height * rng.uniform(0.88, 1.1), SHIRTS[rng.integers(len(SHIRTS))],
                   TROUSERS[rng.integers(len(TROUSERS))]) for _ in range(count)]


def car(length: float, colour) -> Sprite:
    """A saloon car."""
    L, h = length, length * 0.42
    c = Canvas(L + 1, h + 1)
    c.poly([(0, .5 * h), (.05 * L, .4 * h), (.26 * L, .36 * h), (.37 * L, .06 * h), (.69 * L, .06 * h),
            (.84 * L, .36 * h), (.97 * L, .44 * h), (L, .62 * h), (L, .82 * h), (0, .82 * h)], colour)
    c.poly([(.39 * L, .13 * h), (.52 * L, .13 * h), (.52 * L, .37 * h), (.31 * L, .37 * h)], GLASS)
    c.poly([(.55 * L, .13 * h), (.67 * L, .13 * h), (.79 * L, .37 * h), (.55 * L, .37 * h)], GLASS)
    c.rect(.96 * L, .5 * h, L, .6 * h, (170, 235, 245))
    c.rect(0, .48 * h, .03 * L, .6 * h, (30, 30, 200))
    for x in (.21 * L, .79 * L):
        c.circle(x, .8 * h, .19 * h, TYRE)
        c.circle(x, .8 * h, .08 * h, (160, 160, 160))
    return c.sprite()


def van(length: float, colour) -> Sprite:
    """A minibus / delivery van."""
    L, h = length, length * 0.5
    c = Canvas(L + 1, h + 1)
    c.poly([(0, .05 * h), (.78 * L, .05 * h), (.97 * L, .4 * h), (L, .82 * h), (0, .82 * h)], colour)
    c.poly([(.8 * L, .12 * h), (.93 * L, .4 * h), (.8 * L, .4 * h)], GLASS)
    for x in (.08, .3, .52):
        c.rect(x * L, .14 * h, (x + .17) * L, .38 * h, GLASS)
    for x in (.18 * L, .8 * L):
        c.circle(x, .82 * h, .16 * h, TYRE)
    return c.sprite()


def bus(length: float, colour) -> Sprite:
    """A town bus with a row of windows."""
    L, h = length, length * 0.3
    c = Canvas(L + 1, h + 1)
    c.rect(0, .04 * h, L, .84 * h, colour)
    c.rect(.03 * L, .14 * h, .97 * L, .5 * h, GLASS)
    for x in np.arange(.14, .95, .12):
        c.line(x * L, .14 * h, x * L, .5 * h, colour, max(h * .04, 1))
    c.rect(.86 * L, .14 * h, .94 * L, .8 * h, (90, 80, 70))
    c.rect(.02 * L, .6 * h, .98 * L, .66 * h, (235, 235, 235))
    for x in (.17 * L, .8 * L):
        c.circle(x, .84 * h, .14 * h, TYRE)
    return c.sprite()


def lorry(length: float, colour, cab=(150, 80, 25)) -> Sprite:
    """A lorry: a blue cab and a cargo box or tarpaulin of ``colour``."""
    L, h = length, length * 0.42
    c = Canvas(L + 1, h + 1)
    c.rect(0, 0, .72 * L, .76 * h, colour)
    c.line(.04 * L, .1 * h, .68 * L, .1 * h, tuple(int(v * .8) for v in colour), max(h * .04, 1))
    c.rect(0, .72 * h, L * .98, .8 * h, (50, 50, 50))
    c.poly([(.74 * L, .2 * h), (.93 * L, .2 * h), (L, .45 * h), (L, .78 * h), (.74 * L, .78 * h)], cab)
    c.poly([(.8 * L, .26 * h), (.92 * L, .26 * h), (.97 * L, .45 * h), (.8 * L, .45 * h)], GLASS)
    for x in (.12 * L, .3 * L, .86 * L):
        c.circle(x, .82 * h, .14 * h, TYRE)
    return c.sprite()


def two_wheeler(length: float, kind: str, body, shirt, helmet) -> Sprite:
    """A ridden ``kind`` ("bicycle", "ebike" or "scooter"), ``length`` wheel to wheel."""
    L = length
    h = L * 1.15
    c = Canvas(L + 1, h + 1)
    r = L * (0.2 if kind == "bicycle" else 0.15)
    wy = h - r - 1
    for x in (r + 1, L - r - 1):
        c.circle(x, wy, r, TYRE, max(round(L * .05), 1) if kind == "bicycle" else -1)
    if kind == "bicycle":
        c.line(r + 1, wy, L * .45, wy, body, max(L * .05, 1))
        c.line(L * .45, wy, L * .4, h * .5, body, max(L * .05, 1))
        c.line(L * .4, h * .5, L - r - 1, wy, body, max(L * .05, 1))
        seat, lean = (L * .38, h * .48), L * .12
    else:
        c.poly([(L * .2, wy - r * .3), (L * .35, h * .55), (L * .72, h * .55), (L * .8, wy - r * .4),
                (L * .68, wy + r * .2), (L * .28, wy + r * .2)], body)
        c.line(L * .72, h * .55, L * .78, h * .35, body, max(L * .06, 1))
        seat, lean = (L * .4, h * .52), L * .06
    c.line(seat[0], seat[1], seat[0] + L * .2, wy - r * .2, (60, 55, 50), max(L * .07, 1))
    c.line(seat[0], seat[1], seat[0] + lean, h * .22, shirt, max(L * .14, 1))
    c.line(seat[0] + lean, h * .28, L * .72, h * .38, shirt, max(L * .05, 1))
    c.circle(seat[0] + lean + L * .02, h * .14, L * .09, helmet)
    return c.sprite()


def boat(length: float) -> Sprite:
    """A black-awning boat (乌篷船) with its boatman at the stern."""
    L, h = length, length * 0.32
    c = Canvas(L + 1, h + 1)
    c.poly([(0, .62 * h), (L, .55 * h), (.94 * L, .92 * h), (.06 * L, .95 * h)], (35, 40, 45))
    for x0 in (.25, .45):
        c.ellipse((x0 + .1) * L, .64 * h, .11 * L, .42 * h, (20, 22, 25), 180, 360)
    c.rect(.15 * L, .22 * h, .2 * L, .62 * h, (60, 65, 70))
    c.ellipse(.175 * L, .2 * h, .05 * L, .05 * h, (30, 30, 30))
    c.line(.12 * L, .4 * h, .02 * L, .9 * h, (70, 100, 130), max(L * .01, 1))
    return c.sprite()


def traffic(rng: np.random.Generator, car_length: float, count: int, heavy: float = 0.2) -> list[list[Sprite]]:
    """``count`` vehicles for a lane: mostly cars, some vans, buses and lorries (share ``heavy``)."""
    looks = []
    for _ in range(count):
        colour = CAR_COLOURS[rng.choice(len(CAR_COLOURS), p=CAR_WEIGHTS)]
        roll = rng.random()
        if roll < heavy * 0.35:
            looks.append([bus(car_length * 2.4, ((60, 140, 40), (170, 110, 30), (40, 150, 220))[rng.integers(3)])])
        elif roll < heavy:
            looks.append([lorry(car_length * rng.uniform(1.6, 2.2), ((150, 150, 150), (50, 110, 40), (40, 90, 170),
                                                                      (200, 200, 200))[rng.integers(4)])])
        elif roll < heavy + 0.12:
            looks.append([van(car_length * 1.1, colour)])
        else:
            looks.append([car(car_length * rng.uniform(0.9, 1.1), colour)])
    return looks


def riders(rng: np.random.Generator, length: float, count: int,
           kinds=("bicycle", "ebike", "scooter")) -> list[list[Sprite]]:
    """``count`` people on two wheels."""
    bodies = ((40, 40, 180), (200, 200, 200), (150, 90, 40), (40, 40, 40), (60, 150, 210), (90, 140, 60))
    helmets = ((30, 30, 30), (40, 200, 240), (40, 40, 200), (230, 230, 230), (200, 120, 30))
    return [[two_wheeler(length * rng.uniform(.9, 1.1), kinds[rng.integers(len(kinds))],
                         bodies[rng.integers(len(bodies))], SHIRTS[rng.integers(len(SHIRTS))],
                         helmets[rng.integers(len(helmets))])] for _ in range(count)]
