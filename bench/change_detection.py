"""How well the camera change detector finds rooftop construction and ignores everything else, and what it costs.

    /work/venv/bin/python bench/change_detection.py [--quick] [--sequences 40] [--days 2.25] [--step 120]
                                                    [--processes 2] [--zones roofs|rows] [--seed 2026]

A labelled synthetic benchmark on the ``demo:rooftops`` scene at 640×360 (real-speed
clock, ``day=86400``).  ``--sequences`` cameras (default 40; ``--quick``: 12 over 1.6 days)
are drawn from one fixed seed: every other one has a shed built (``growth`` 0.5..3, i.e.
4.5..27 working hours, from 08:00 on day 1), the rest only decoys (daylight and nights,
sweeping building shadows, cloud shadows, the parked lorry, a person on a roof, washing,
traffic).  Each camera also gets camera shake (a random whole-pixel offset of up to 0..3 px
per frame, fixed per camera) and on a third of the cameras rain in a third of the hours
(400 bright streaks per frame and extra sensor noise, σ = 4), added here since the scene has neither.  Scene seed,
``industrial`` and the start hour (05:00..11:00 on day 0) vary too.  Each camera is watched
for ``--days`` simulated days (default 2.25: two nights).

Simulated time: a frame is rendered every ``--step`` simulated seconds (default 120) and
given to the detectors with ``at`` = simulated seconds, so the detector's time parameters
(a change must persist 300 s, in ≥ 3 and ≥ 75 % of the observations; a track survives one
miss; the reference band is made of 8 observations ≥ 300 s apart) mean the same as in the
console, where a frame comes every 5 s (60 observations per 300 s instead of 3): only fewer
observations back each decision here, and movers are seen at unrelated places in each frame.

Watch zones, drawn as an operator would: ``roofs`` (default) outlines every roof of the
middle and front rows (where a shed can be put up), each a zone of its own, inset by 4 %;
``rows`` draws one band over each of those two rows of roofs, alleys between them included.

Labels.  The structure has *appeared* at the first sampled moment when the shed's visible
mask (:meth:`RooftopScene.shed_mask`: background pixels that differ by > 12 on some channel
from the unbuilt scene, builders, noise and clock excluded) inside the zone that holds it
covers 48 pixels of the 640×360 frame: two of the first bricks piled on the roof (about 0.6 %
of that roof; the grey blocks among them differ from the roof by only 18 levels).  An alert
raised once building has begun whose box overlaps the roof the shed is built on (it and its
shadows stay there) is *true* (the first one
counts for recall and delay = detected_at − appeared; later ones on the same shed, raised
as it keeps growing after the operator accepted the first, are *repeats*); any other alert
is *false*.  The operator accepts every alert at once (``accept_scene``).

Figures: recall, false alerts per camera per simulated day, repeats, median and max delay in
simulated minutes, detector CPU (``time.thread_time`` around ``observe``) per camera
observation (all its zones) and as % of one core per camera at the default 5 s interval.
Targets: recall ≥ 0.95, ≤ 0.5 false alerts per camera-day, median delay ≤ 10 min, ≤ 2 % core.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/queue.py shadows queue
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from video.change_detector import DetectorSettings, ZoneDetector  # noqa: E402
from video.demo import DemoReader  # noqa: E402
from video.demo_scenes.base import mix  # noqa: E402

DAY = 86400.0
APPEAR_THRESHOLD, APPEAR_AREA = 12, 48  # appeared: ≥ 48 px (two bricks) differ by > 12 from the unbuilt scene
WIDTH, HEIGHT = 640, 360


@dataclass(frozen=True)
class Camera:
    """One labelled sequence."""

    index: int
    seed: int
    growth: float
    industrial: int
    hour: float
    shake: int
    rain: bool

    @property
    def url(self) -> str:
        return (f"demo:rooftops?seed={self.seed}&day={DAY:g}&hour={self.hour:g}&growth={self.growth:g}"
                f"&build=1&industrial={self.industrial}")


@dataclass
class Outcome:
    """What the detectors did on one camera."""

    camera: Camera
    days: float
    appeared: float | None = None
    first_true: float | None = None
    repeats: int = 0
    false: list[tuple[float, tuple]] = field(default_factory=list)
    cpu_s: float = 0.0
    observations: int = 0


def cameras(count: int, seed: int) -> list[Camera]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        growth = float(np.round(rng.uniform(0.5, 3.0), 2)) if i % 2 == 0 else 0.0
        out.append(Camera(i, int(rng.integers(1, 100_000)), growth, int(rng.random() < 0.3),
                          float(np.round(rng.uniform(5, 11), 2)), int(rng.integers(0, 4)), bool(rng.random() < 1 / 3)))
    return out


def weather(frame: np.ndarray, camera: Camera, t: float, rng: np.random.Generator) -> np.ndarray:
    """Camera shake and, on rainy cameras in rainy hours, rain streaks and extra noise."""
    if camera.shake:
        dx, dy = rng.integers(-camera.shake, camera.shake + 1, 2)
        frame = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), (WIDTH, HEIGHT),
                               borderMode=cv2.BORDER_REPLICATE)
    if camera.rain and mix(camera.seed, int(t // 3600), 99) % 3 == 0:
        streaks = np.zeros_like(frame)
        for _ in range(400):
            x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
            length = int(rng.integers(6, 14))
            cv2.line(streaks, (x, y), (x + length // 4, y + length), (60, 60, 60), 1)
        frame = cv2.add(frame, streaks)
        noise = rng.normal(0, 4, frame.shape).astype(np.int16)
        frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return frame


def run(job: tuple[Camera, float, float, str]) -> Outcome:
    camera, days, step, mode = job
    cv2.setNumThreads(1)
    settings = DetectorSettings()
    reader = DemoReader(camera.url, wall_clock=lambda: 1_764_403_200.0)
    scene = reader.scene
    zones = scene.roof_zones(mode)
    detectors = [ZoneDetector([tuple(p) for p in z], settings) for z in zones]
    outcome = Outcome(camera, days)
    rng = np.random.default_rng(camera.seed)
    shed_outline = scene.shed_mask(10 * DAY) if camera.growth else None  # finished, long after
    if shed_outline is not None:
        top = scene.target.corners(scene.target.h)  # the shed and the shadows it casts stay on this roof
        shed_box = (top[:, 0].min(), top[:, 1].min(), top[:, 0].max(), top[:, 1].max())
        holder = max(range(len(zones)), key=lambda i: _overlap(zones[i], shed_outline))
        holder_mask = _polygon_mask(zones[holder])
    reported_shed = False
    for t in np.arange(0.0, days * DAY, step):
        frame = weather(reader.render(t), camera, t, rng)
        if shed_outline is not None and outcome.appeared is None:
            visible = np.count_nonzero(scene.shed_mask(t, APPEAR_THRESHOLD) & holder_mask)
            if visible >= APPEAR_AREA:
                outcome.appeared = float(t)
        for detector in detectors:
            start = time.thread_time()
            found = detector.observe(frame, float(t))
            outcome.cpu_s += time.thread_time() - start
            if found is None:
                continue
            detector.accept_scene()
            x, y, w, h = found.box
            on_shed = (shed_outline is not None and scene.shed_progress(t) > 0
                       and not (x > shed_box[2] or x + w < shed_box[0] or y > shed_box[3] or y + h < shed_box[1]))
            if on_shed and not reported_shed:
                reported_shed, outcome.first_true = True, float(t)
            elif on_shed:
                outcome.repeats += 1
            else:
                outcome.false.append((float(t), found.box))
        outcome.observations += 1
    return outcome


def _polygon_mask(zone: np.ndarray) -> np.ndarray:
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.fillPoly(mask, [np.round(zone * [WIDTH, HEIGHT]).astype(np.int32)], 255)
    return mask


def _overlap(zone: np.ndarray, mask: np.ndarray) -> int:
    return int(np.count_nonzero(_polygon_mask(zone) & mask))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 cameras over 1.6 days")
    parser.add_argument("--sequences", type=int, default=40)
    parser.add_argument("--days", type=float, default=2.25)
    parser.add_argument("--step", type=float, default=120.0, help="simulated seconds between frames")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--zones", choices=("roofs", "rows"), default="roofs")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--verbose", action="store_true", help="one line per camera")
    args = parser.parse_args()
    if args.quick:
        args.sequences, args.days = 12, 1.6
    jobs = [(c, args.days, args.step, args.zones) for c in cameras(args.sequences, args.seed)]
    started = time.monotonic()
    with multiprocessing.Pool(args.processes) as pool:
        outcomes = list(pool.imap_unordered(run, jobs))
    outcomes.sort(key=lambda o: o.camera.index)
    wall = time.monotonic() - started
    report(outcomes, args, wall)


def report(outcomes: list[Outcome], args, wall: float) -> None:
    built = [o for o in outcomes if o.camera.growth]
    found = [o for o in built if o.first_true is not None]
    delays = [(o.first_true - o.appeared) / 60 for o in found if o.appeared is not None]
    camera_days = sum(o.days for o in outcomes)
    false = sum(len(o.false) for o in outcomes)
    cpu_ms = 1000 * sum(o.cpu_s for o in outcomes) / sum(o.observations for o in outcomes)
    zones = statistics.mean(len(DemoReader(o.camera.url).scene.roof_zones(args.zones)) for o in outcomes[:4])
    interval = DetectorSettings().sample_interval_s
    if args.verbose:
        for o in outcomes:
            c = o.camera
            print(f"  cam {c.index:2d} seed {c.seed:5d} growth {c.growth:4.2f} ind {c.industrial} shake {c.shake} "
                  f"rain {int(c.rain)}: appeared {_hm(o.appeared, c.hour)} "
                  f"alert {_hm(o.first_true, c.hour)} repeats {o.repeats} "
                  f"false {[(_hm(t, c.hour), b) for t, b in o.false]}")
    print(f"change detection: {len(outcomes)} cameras ({len(built)} with a shed), {args.days:g} simulated days each, "
          f"a frame every {args.step:g} simulated s, zones '{args.zones}' (~{zones:.0f} per camera), 640×360")
    print(f"  recall                          {len(found)}/{len(built)} = {len(found) / max(len(built), 1):.3f}")
    print(f"  false alerts / camera / day     {false / camera_days:.3f}  ({false} in {camera_days:.1f} camera-days)")
    print(f"  repeat alerts on a growing shed {sum(o.repeats for o in outcomes)}")
    if delays:
        print(f"  delay from appearance, minutes  median {statistics.median(delays):.1f}  max {max(delays):.1f}"
              f"  min {min(delays):.1f}")
    print(f"  CPU per camera observation      {cpu_ms:.2f} ms (all its zones) = "
          f"{cpu_ms / (interval * 1000) * 100:.3f} % of one core per camera at one frame per {interval:g} s")
    print(f"  wall time                       {wall:.0f} s")


def _hm(t: float | None, start_hour: float) -> str:
    """Scene time ``t`` as simulated day and hour."""
    if t is None:
        return "-"
    t += start_hour * 3600
    return f"d{int(t // DAY)} {t % DAY / 3600:05.2f}h"


if __name__ == "__main__":
    main()
