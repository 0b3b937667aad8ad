"""How the worker-tracking map keeps up: GUI frame times with many worker markers, and drawing a long track.

    /work/venv/bin/python bench/map.py [--workers 100,1000,8000,26059] [--seconds 10] [--store city.db]
                                       [--sweep city|town]

A real :class:`widgets.map_panel.MapPanel` (offscreen, 1600×900) on the city demo's places
(118 towns, 1,937 villages, 8,436 grid outlines; written once into a temporary store with one
day of history).  For each worker count the markers are moved and handed to the map once a
second as :class:`console.gui.map_room.MapRoom` does: the snapshot is made and prepared for
drawing (:func:`widgets.map_live.prepare_live`) on a worker thread, which posts it to the GUI
thread through a :class:`console.gui.inbox.GuiInbox` — while the view pans and zooms every
50 ms across the whole city (between 15 % and 85 % of its width; with ``--sweep town``, around
its most crowded villages, 12–28 km across, with the names shown where the sweep began) and
Qt repaints as it does for an operator's drag (the view settles only before each sweep);
*GUI frame* is the gap between ticks of a 16 ms timer on the
GUI thread (p50 / p95 / p99 / max), *GUI CPU per frame* the CPU time the GUI thread used in
that gap (``time.thread_time``: what the map costs, less the waits for a core on a loaded
machine), *set_live* the time the GUI thread spent handing the
prepared snapshot to the map, *prepare* the worker thread's time.  Then one worker's 8-hour
track at one fix every 5 s (5,760 points) is drawn: the time from ``set_track`` to a finished
repaint of the map.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/queue.py shadows queue
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import threading  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QRectF, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.core.redlight import VillageCounts  # noqa: E402
from console.demo import write_demo_data  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.storage.map_data import LiveIncidents, LiveMap, LiveWorkers, load_map_places  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from console.gui.inbox import GuiInbox  # noqa: E402
from widgets.map_live import prepare_live  # noqa: E402
from widgets.map_panel import MapPanel  # noqa: E402

UNTIL = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


def _percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    v = np.array(values)
    return " / ".join(f"{x:.1f}" for x in (np.percentile(v, 50), np.percentile(v, 95), np.percentile(v, 99),
                                          v.max()))


def _live(places, rng, count: int, x: np.ndarray, y: np.ndarray) -> LiveMap:
    lon, lat = places.projection.to_lonlat(x, y)
    workers = LiveWorkers(places.workers.ids[:count], x, y, rng.integers(0, 4, count).astype(np.int8),
                          np.zeros(count), lon, lat)
    empty = np.empty(0)
    incidents = LiveIncidents(np.empty(0, dtype=np.int64), [], [], empty, empty, empty, empty, [],
                              np.empty(0, dtype=np.int8), np.empty(0, dtype=bool))
    counts = {int(v): VillageCounts(10, int(rng.integers(0, 11))) for v in places.villages.ids}
    return LiveMap(UNTIL, workers, incidents, counts)


def _sweep(places, sweep: str):
    """Where the view is at each step of the sweep: (centre x, centre y, width) in metres."""
    x0, y0, x1, y1 = places.extent
    if sweep == "city":  # across the whole city, 15 % to 85 % of its width
        return lambda phase: (x0 + (x1 - x0) * (0.5 + 0.35 * np.sin(phase)),
                              y0 + (y1 - y0) * (0.5 + 0.35 * np.cos(phase * 1.3)),
                              (x1 - x0) * (0.15 + 0.35 * (1 + np.sin(phase * 0.7))))
    # Around the village with the most villages within 15 km, 12 to 28 km across: its names are shown.
    vx, vy = places.villages.x, places.villages.y
    crowd = [np.sum((np.abs(vx - x) < 15_000) & (np.abs(vy - y) < 15_000)) for x, y in zip(vx, vy)]
    cx, cy = float(vx[int(np.argmax(crowd))]), float(vy[int(np.argmax(crowd))])
    return lambda phase: (cx + 6_000 * np.sin(phase), cy + 4_000 * np.cos(phase * 1.3),
                          20_000 + 8_000 * np.sin(phase * 0.7))


def run_markers(app, panel, places, count: int, seconds: float, sweep: str = "city") -> tuple[str, str, float, float]:
    rng = np.random.default_rng(count)
    grids = rng.integers(0, len(places.grids.ids), count)
    x = places.grids.x[grids] + rng.normal(0, 150, count)
    y = places.grids.y[grids] + rng.normal(0, 150, count)
    panel.set_live(_live(places, rng, count, x, y))
    where = _sweep(places, sweep)
    cx, cy, width = where(0.0)
    panel.canvas.view.setRange(QRectF(cx - width / 2, cy - width / 3, width, width * 2 / 3), padding=0)
    settled = time.perf_counter() + 0.5  # the view settles where the sweep starts (names shown, if close enough)
    while time.perf_counter() < settled:
        app.processEvents()
        time.sleep(0.005)
    gaps, busy, refresh_ms, prepare_ms = [], [], [], []
    inbox, reader = GuiInbox(), ThreadPoolExecutor(1, thread_name_prefix="bench-map-read")
    reading = threading.Event()
    clock, last, last_cpu = QElapsedTimer(), [0.0], [0.0]
    clock.start()

    def tick():
        now, cpu = clock.nsecsElapsed() / 1e6, time.thread_time() * 1000
        gaps.append(now - last[0])
        busy.append(cpu - last_cpu[0])
        last[0], last_cpu[0] = now, cpu

    def hand_over(prepared):
        started = time.perf_counter()
        panel.set_live(prepared)
        refresh_ms.append((time.perf_counter() - started) * 1000)
        reading.clear()

    def read():  # the worker thread: what LiveMapReader.read and prepare_live do in MapRoom (no Qt calls)
        nonlocal x, y
        x, y = x + rng.normal(0, 5, count), y + rng.normal(0, 5, count)
        live = _live(places, rng, count, x, y)
        started = time.perf_counter()
        prepared = prepare_live(live, places.villages.ids)
        prepare_ms.append((time.perf_counter() - started) * 1000)
        inbox.post(lambda: hand_over(prepared))

    def move():
        if not reading.is_set():  # as MapRoom: a read still running skips this refresh
            reading.set()
            reader.submit(read)

    step = [0]

    def pan():  # sweep, zooming in and out
        step[0] += 1
        cx, cy, width = where(step[0] / 40.0)
        panel.canvas.view.setRange(QRectF(cx - width / 2, cy - width / 3, width, width * 2 / 3), padding=0)

    timers = [QTimer(interval=16), QTimer(interval=1000), QTimer(interval=50)]
    for timer, slot in zip(timers, (tick, move, pan)):
        timer.timeout.connect(slot)
        timer.start()
    end = time.perf_counter() + seconds
    last[0], last_cpu[0] = clock.nsecsElapsed() / 1e6, time.thread_time() * 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    for timer in timers:
        timer.stop()
    reader.shutdown(wait=True)
    app.processEvents()
    inbox.close()
    return (_percentiles(gaps[2:]), _percentiles(busy[2:]), float(np.mean(refresh_ms)) if refresh_ms else 0.0,
            float(np.mean(prepare_ms)) if prepare_ms else 0.0)


def run_track(app, panel, places) -> float:
    rng = np.random.default_rng(5)
    steps = rng.normal(0, 6, (5760, 2)).cumsum(axis=0)
    x, y = places.grids.x[0] + steps[:, 0], places.grids.y[0] + steps[:, 1]
    panel.canvas.centre_on(float(x.mean()), float(y.mean()), width_m=2_000)
    app.processEvents()
    best = float("inf")
    for _ in range(5):
        panel.canvas.set_track([], [])
        app.processEvents()
        started = time.perf_counter()
        panel.canvas.set_track(x, y)
        panel.canvas.viewport().repaint()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="100,1000,8000,26059")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sweep", choices=["city", "town"], default="city",
                        help="pan and zoom across the whole city (16–110 km across), or around its most crowded "
                             "villages 12–28 km across, with their names shown")
    parser.add_argument("--store", help="a city demo store written before (default: write one into a temporary "
                                        "directory, ~10 s)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    if args.store:
        store = open_store(args.store)
    else:
        directory = Path(tempfile.mkdtemp(prefix="gridwatch-map-bench-"))
        store = open_store(str(directory / "city.db"))
        write_demo_data(store, "city", days=1, seed=1, until=UNTIL)
    places = load_map_places(store)
    panel = MapPanel()
    panel.resize(1600, 900)
    panel.show()
    panel.set_places(places)
    app.processEvents()
    print(f"City places: {sum(len(v) for v in places.outlines.values()):,} outlines; load average "
          f"{os.getloadavg()[0]:.2f}")
    print("| workers | GUI frame ms p50 / p95 / p99 / max | GUI CPU ms per frame p50 / p95 / p99 / max "
          "| `set_live` ms (mean, GUI) | prepare ms (mean, worker) | load average |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count in (int(c) for c in args.workers.split(",")):
        frames, busy, refresh, prepare = run_markers(app, panel, places, count, args.seconds, args.sweep)
        print(f"| {count:,} | {frames} | {busy} | {refresh:.1f} | {prepare:.1f} | {os.getloadavg()[0]:.2f} |",
              flush=True)
    print(f"\n8-hour track, 5,760 points: drawn in {run_track(app, panel, places):.1f} ms (best of 5)")
    panel.close()
    store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
