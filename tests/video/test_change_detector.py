"""The camera change detector: persistent structures are reported once, light, passers-by, shadows and shake are not."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from video.change_detector import ChangeFound, DetectorSettings, ZoneDetector
from video.demo import DemoReader

STEP = 60.0  # seconds between observations in these tests (the console uses 5 s; the parameters are in seconds)
ZONE = [(0.1, 0.15), (0.9, 0.15), (0.9, 0.9), (0.1, 0.9)]
SHED = (300, 150, 80, 40)  # x, y, w, h in a 640 × 360 frame
OTHER_SHED = (140, 230, 60, 36)
LEARNT = 45 * 60.0  # the default memory (8 entries 5 min apart) is learnt by then


class Roof:
    """A generated flat roof seen from above: speckled concrete, a water tank, a solar heater, sensor noise.

    ``frame(t, ...)`` draws it with optional light gain, shake, passers-by, a lorry, a shadow and sheds.
    """

    def __init__(self, size=(640, 360), seed=1):
        self.size = size
        rng = np.random.default_rng(seed)
        w, h = size
        k = w / 640
        base = np.full((h, w, 3), (168, 172, 174), np.float32)
        base += rng.normal(0, 3, (h, w, 1)).astype(np.float32)
        cv2.rectangle(base, (int(100 * k), int(100 * k)), (int(124 * k), int(120 * k)), (150, 105, 45), -1)
        for x in range(int(450 * k), int(500 * k), max(int(3 * k), 2)):
            cv2.line(base, (x, int(250 * k)), (x, int(268 * k)), (80, 50, 40), 1)
        cv2.rectangle(base, (0, int(330 * k)), (w, h), (88, 88, 92), -1)  # the street below the zone
        self.base = base
        self.k = k
        self.rng = np.random.default_rng(seed + 1)
        self.noise = [rng.normal(0, 2.2, (h, w, 3)).astype(np.float32) for _ in range(5)]
        blob = np.zeros((h, 3 * w), np.float32)
        cv2.ellipse(blob, (int(1.5 * w), h // 2), (int(90 * k), int(60 * k)), 0, 0, 360, 34, -1)
        self.cloud = cv2.GaussianBlur(blob, (0, 0), 25 * k)[..., None]

    def frame(self, t: float, *, gain=1.0, shake=0, walkers=0, lorry=False, shadow_x=None, cloud_x=None,
              sheds=(), rain=False) -> np.ndarray:
        k, (w, h) = self.k, self.size
        image = self.base.copy()
        for x, y, bw, bh in sheds:
            box = [int(v * k) for v in (x, y, x + bw, y + bh)]
            cv2.rectangle(image, box[:2], box[2:], (110, 112, 116), -1)
            cv2.rectangle(image, box[:2], box[2:], (175, 178, 182), max(int(2 * k), 1))
            cv2.rectangle(image, (box[0], box[3]), (box[2], box[3] + int(8 * k)), (132, 134, 137), -1)
        if shadow_x is not None:  # a building's shadow whose edge sweeps across
            image[:, :int(shadow_x * k)] *= 0.55
        if cloud_x is not None:  # a soft cloud shadow, centred at cloud_x
            left = int(1.5 * w - cloud_x * k)
            image -= self.cloud[:, left:left + w]
        image *= gain
        for i in range(walkers):  # people crossing the roof at walking pace
            x = (t * 1.3 + i * 170) % 560 + 40
            y = 120 + 60 * i
            cv2.rectangle(image, (int(x * k), int(y * k)), (int((x + 5) * k), int((y + 12) * k)), (200, 60, 40), -1)
        if lorry:
            cv2.rectangle(image, (int(200 * k), int(200 * k)), (int(300 * k), int(240 * k)), (50, 110, 40), -1)
        if rain:
            for _ in range(300):
                x, y = int(self.rng.integers(0, w)), int(self.rng.integers(0, h))
                cv2.line(image, (x, y), (x + 3, y + 11), (225, 225, 225), 1)
        image += self.noise[int(self.rng.integers(len(self.noise)))]
        frame = np.clip(image, 0, 255).astype(np.uint8)
        if shake:
            dx, dy = self.rng.integers(-shake, shake + 1, 2)
            frame = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), (w, h), borderMode=cv2.BORDER_REPLICATE)
        return frame


def run(detector: ZoneDetector, roof: Roof, start: float, end: float, step: float = STEP, **scene) -> list[ChangeFound]:
    """Observe from ``start`` to ``end`` every ``step`` seconds; ``scene`` values may be functions of t."""
    found = []
    for t in np.arange(start, end, step):
        kwargs = {key: (value(t) if callable(value) else value) for key, value in scene.items()}
        change = detector.observe(roof.frame(t, **kwargs), float(t))
        if change is not None:
            found.append(change)
    return found


def covers(box, target, size=(640, 360)) -> bool:
    """Whether ``box`` (frame pixels) covers most of ``target`` (640 × 360 pixels) and not much else."""
    k = size[0] / 640
    x, y, w, h = box
    tx, ty, tw, th = (v * k for v in target)
    inter = max(0, min(x + w, tx + tw) - max(x, tx)) * max(0, min(y + h, ty + th) - max(y, ty))
    return inter >= 0.6 * tw * th and w * h <= 4 * tw * th


def sheds_from(when: float, *boxes):
    return lambda t: boxes if t >= when else ()


def test_a_structure_that_appears_and_stays_is_reported_once_with_where_and_when():
    roof, detector = Roof(), ZoneDetector(ZONE)
    assert run(detector, roof, 0, LEARNT) == []
    built = LEARNT + 600
    found = run(detector, roof, LEARNT, built + 3 * 3600, sheds=sheds_from(built, SHED), walkers=2)
    assert len(found) == 1, [f.box for f in found]
    change = found[0]
    settings = DetectorSettings()
    assert change.appeared_at == built
    assert settings.persist_s <= change.detected_at - change.appeared_at <= settings.persist_s + 2 * STEP
    assert covers(change.box, SHED), change.box
    assert change.before.shape == change.after.shape == (360, 640, 3)
    x, y, w, h = SHED
    inside = np.s_[y + 5:y + h - 5, x + 5:x + w - 5]
    assert change.after[inside].mean() < 125 < change.before[inside].mean()
    assert 1 < change.score < 50


def test_light_people_a_lorry_that_leaves_shadows_clouds_rain_and_shake_are_not_changes():
    roof, detector = Roof(seed=3), ZoneDetector(ZONE)

    def gain(t):  # a day: bright noon, dusk, night, dawn, morning
        hour = 10 + t / 3600
        return float(np.interp(hour, [10, 13, 17, 18.5, 19, 23, 23.5, 25, 30], [0.9, 1.0, 0.8, 0.35, 0.2, 0.2,
                                                                                0.35, 0.8, 1.0]))

    found = run(detector, roof, 0, 20 * 3600, 2 * STEP, gain=gain, walkers=3, shake=2,
                lorry=lambda t: 3 * 3600 <= t < 3 * 3600 + 250,  # stops for a delivery, shorter than persist_s
                shadow_x=lambda t: (t - 5 * 3600) / 3600 * 640 if 5 * 3600 <= t < 6 * 3600 else None,
                cloud_x=lambda t: (t * 3) % 800 - 80 if 6 * 3600 < t < 9 * 3600 else None,
                rain=lambda t: 9 * 3600 < t < 11 * 3600)
    assert found == [], [(f.detected_at / 3600, f.box) for f in found]


def test_accepting_the_scene_takes_the_structure_into_the_reference_and_re_arms_the_zone():
    roof, detector = Roof(), ZoneDetector(ZONE)
    run(detector, roof, 0, LEARNT)
    first = run(detector, roof, LEARNT, LEARNT + 1800, sheds=(SHED,), walkers=1)
    assert len(first) == 1
    detector.accept_scene()
    later = LEARNT + 1800
    assert run(detector, roof, later, later + 3 * 3600, sheds=(SHED,), walkers=1, shake=1) == []
    later += 3 * 3600
    second = run(detector, roof, later, later + 1800, sheds=(SHED, OTHER_SHED), walkers=1)
    assert len(second) == 1 and covers(second[0].box, OTHER_SHED), [f.box for f in second]
    x, y, w, h = SHED
    assert second[0].before[y + 5:y + h - 5, x + 5:x + w - 5].mean() < 125, "the accepted shed is in the reference"


def test_a_reported_change_that_goes_away_re_arms_the_zone():
    roof, detector = Roof(), ZoneDetector(ZONE)
    run(detector, roof, 0, LEARNT)
    assert len(run(detector, roof, LEARNT, LEARNT + 1800, sheds=(SHED,))) == 1
    assert run(detector, roof, LEARNT + 1800, LEARNT + 3600) == []  # taken away again: nothing to say
    assert len(run(detector, roof, LEARNT + 3600, LEARNT + 5400, sheds=(SHED,))) == 1


def test_the_state_survives_a_restart():
    roof = Roof()
    detector = ZoneDetector(ZONE)
    run(detector, roof, 0, LEARNT)
    built = LEARNT + 300
    run(detector, roof, LEARNT, built + 180, sheds=sheds_from(built, SHED))  # the shed is pending, not yet reported
    restored = ZoneDetector.from_bytes(detector.to_bytes(), ZONE)
    rest = dict(sheds=(SHED,))
    original, again = run(detector, Roof(), built + 180, built + 1800, **rest), run(restored, Roof(), built + 180,
                                                                                     built + 1800, **rest)
    assert len(original) == len(again) == 1
    assert (again[0].appeared_at, again[0].detected_at, again[0].box) == (original[0].appeared_at,
                                                                           original[0].detected_at, original[0].box)
    assert again[0].appeared_at == built
    redrawn = ZoneDetector.from_bytes(detector.to_bytes(), [(0.2, 0.2), (0.8, 0.2), (0.5, 0.8)])
    assert run(redrawn, roof, built + 1800, built + 2400, **rest) == [], "another zone starts learning afresh"
    with pytest.raises(ValueError):
        ZoneDetector.from_bytes(b"not a detector", ZONE)


@pytest.mark.parametrize("polygon", [
    [(0.1, 0.1), (0.9, 0.9)],
    [(0.1, 0.1), (0.9, 0.1), (1.2, 0.9)],
    [(0.1, 0.1), (0.5, 0.5), (0.9, 0.9)],
    [(0.1, 0.1), (0.9, float("nan")), (0.1, 0.9)],
    [],
    "zone",
])
def test_a_zone_must_be_a_polygon_in_normalised_coordinates(polygon):
    with pytest.raises(ValueError):
        ZoneDetector(polygon)


def test_the_camera_may_change_its_frame_size():
    small, large = Roof((640, 360)), Roof((1280, 720))
    detector = ZoneDetector(ZONE)
    run(detector, small, 0, LEARNT)
    assert run(detector, large, LEARNT, LEARNT + 1800, walkers=2) == []
    found = run(detector, large, LEARNT + 1800, LEARNT + 3600, sheds=(SHED,))
    assert len(found) == 1
    assert found[0].after.shape == found[0].before.shape == (720, 1280, 3)
    assert covers(found[0].box, SHED, (1280, 720)), found[0].box


def test_an_observation_costs_a_few_milliseconds_even_on_full_hd():
    roof, detector = Roof((1920, 1080)), ZoneDetector(ZONE)
    frames = [roof.frame(t, walkers=2) for t in range(3)]
    for i, t in enumerate(np.arange(0, LEARNT, 5 * STEP)):  # one observation per memory entry
        detector.observe(frames[i % 3], float(t))
    start = time.thread_time()
    for i in range(30):
        detector.observe(frames[i % 3], LEARNT + i * STEP)
    per_observation = (time.thread_time() - start) / 30
    assert per_observation < 0.03, f"{per_observation * 1000:.1f} ms"  # 2 % of a core at 5 s is 100 ms


DAY = 86400.0


@pytest.mark.parametrize("growth", [0, 1.5])
def test_the_shed_on_the_demo_rooftops_is_found_and_nothing_else(growth):
    cam = DemoReader(f"demo:rooftops?seed=5&day={DAY:g}&hour=6&growth={growth}", wall_clock=lambda: 1_764_403_200.0)
    scene = cam.scene
    target = scene.target.corners(scene.target.h)
    centre = target.mean(axis=0)
    zone = [(float(x) / 640, float(y) / 360) for x, y in centre + (target - centre) * 0.92]
    detector = ZoneDetector(zone)
    found = []
    for t in np.arange(DAY, DAY + 5 * 3600, 120.0):  # 06:00 .. 11:00 on the build day
        change = detector.observe(cam.render(t), float(t))
        if change is not None:
            found.append(change)
    if not growth:
        assert found == []
        return
    assert len(found) >= 1
    ys, xs = np.nonzero(scene.shed_mask(DAY + 5 * 3600))
    x, y, w, h = found[0].box
    assert x <= xs.max() and xs.min() <= x + w and y <= ys.max() and ys.min() <= y + h
    assert found[0].detected_at - DAY < 4 * 3600  # building starts at 08:00
