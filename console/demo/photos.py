"""Small generated JPEG "photos" for demo incidents, drawn with OpenCV.

Not real pictures: a street scene in flat colours with the thing the report is
about (a rooftop structure, a rubbish pile, a parked car, a fire …) and the
phone app's timestamp burnt in, so the detail view has something to show.
"""

from __future__ import annotations

from datetime import datetime

import cv2
import numpy as np

WIDTH, HEIGHT = 320, 240

#: Sub-items a photo can show.
PHOTOGRAPHED_SUBITEMS = ("CON01", "CON04", "ENV01", "ENV04", "FIR01", "FIR02", "TRA02", "TRA03")


def incident_photo(subitem: str, taken_at: datetime, seed: int) -> bytes:
    """A JPEG of about 10 KB showing ``subitem``; the same arguments give the same bytes."""
    rng = np.random.default_rng([seed, sum(map(ord, subitem))])
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    horizon = int(HEIGHT * rng.uniform(0.45, 0.6))
    for y in range(horizon):  # sky: light blue fading to haze
        t = y / max(1, horizon)
        image[y, :] = (235 - 40 * t, 205 - 20 * t, 170 + 30 * t)
    image[horizon:, :] = (110, 118, 120)  # road / ground
    x = 0
    while x < WIDTH:  # a row of houses along the street
        w, h = int(rng.integers(40, 80)), int(rng.integers(40, horizon - 10))
        colour = tuple(int(c) for c in rng.integers(150, 225, 3))
        cv2.rectangle(image, (x, horizon - h), (x + w - 4, horizon), colour, -1)
        for wx in range(x + 6, x + w - 12, 14):
            for wy in range(horizon - h + 8, horizon - 10, 16):
                cv2.rectangle(image, (wx, wy), (wx + 7, wy + 9), (90, 80, 70), -1)
        x += w
    _draw_subject(image, subitem, horizon, rng)
    noise = rng.normal(0, 4, image.shape)
    image = np.clip(image.astype(np.int16) + noise.astype(np.int16), 0, 255).astype(np.uint8)
    stamp = f"{taken_at:%Y-%m-%d %H:%M}"
    cv2.putText(image, stamp, (8, HEIGHT - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(image, stamp, (8, HEIGHT - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise RuntimeError("OpenCV could not encode the demo photo")
    return encoded.tobytes()


def _draw_subject(image: np.ndarray, subitem: str, horizon: int, rng: np.random.Generator) -> None:
    cx = int(rng.integers(80, WIDTH - 80))
    if subitem == "CON01":  # blue steel shed going up on a roof
        top = horizon - 70
        cv2.rectangle(image, (cx - 45, top - 40), (cx + 45, top), (170, 110, 40), -1)
        cv2.line(image, (cx - 50, top - 40), (cx, top - 60), (140, 90, 30), 4)
        cv2.line(image, (cx, top - 60), (cx + 50, top - 40), (140, 90, 30), 4)
    elif subitem in ("CON04", "ENV01"):  # a heap of rubble or rubbish on the road side
        base = horizon + 40
        colours = [(70, 90, 110), (60, 60, 60), (40, 120, 160), (30, 140, 60), (200, 200, 200)]
        for _ in range(60):
            x, y = cx + int(rng.normal(0, 30)), base + int(rng.normal(0, 10))
            cv2.circle(image, (x, y), int(rng.integers(4, 10)), colours[int(rng.integers(len(colours)))], -1)
    elif subitem in ("ENV04", "FIR01"):  # flames and smoke
        base = horizon + 30
        pts = np.array([[cx - 40, base], [cx - 20, base - 50], [cx, base - 25], [cx + 15, base - 70],
                        [cx + 40, base]], np.int32)
        for radius in range(20, 70, 10):
            cv2.circle(image, (cx + radius // 3, base - 80 - radius), radius, (120, 120, 125), -1)
        inner = ((pts - (cx, base)) * 0.6 + (cx, base)).astype(np.int32)
        cv2.fillPoly(image, [pts], (0, 90, 240))
        cv2.fillPoly(image, [inner], (0, 190, 255))
    elif subitem == "FIR02":  # boxes blocking a fire lane
        base = horizon + 50
        cv2.line(image, (0, base + 10), (WIDTH, base + 10), (0, 0, 200), 3)
        for i in range(5):
            x = cx - 60 + 25 * i
            cv2.rectangle(image, (x, base - 20 - 8 * (i % 2)), (x + 22, base), (60, 130, 190), -1)
    elif subitem == "TRA02":  # a pothole
        cv2.ellipse(image, (cx, horizon + 60), (45, 14), 0, 0, 360, (50, 55, 60), -1)
    else:  # TRA03 and anything else: a car parked across the lane
        base = horizon + 60
        colour = tuple(int(c) for c in rng.integers(30, 220, 3))
        cv2.rectangle(image, (cx - 55, base - 25), (cx + 55, base), colour, -1)
        cv2.rectangle(image, (cx - 30, base - 45), (cx + 30, base - 25), colour, -1)
        for wx in (cx - 35, cx + 35):
            cv2.circle(image, (wx, base), 12, (20, 20, 20), -1)
