"""Situation replay at city scale: loading a 2-hour period, its memory, and the cost of one frame.

    /work/venv/bin/python bench/situation_replay.py --db /tmp/mb/replay/city-11d.db [--hours 2] [--every 10]

``--db`` is a *copy* of the city data set (``/tmp/gwcache/city-11d.db``: 26,059 workers, 8,436 grids,
11 days of incidents; opening it migrates it).  The data set has no positions, so the first run gives
every worker a phone and writes a walk around their grid's centre, one fix every ``--every`` seconds,
for the ``--hours`` before the newest incident plus 20 minutes (straight into the positions table,
as the intake would have stored it: ids in time order).  Then it loads the period of ``--hours``
ending at the newest incident with :func:`console.storage.situation_replay.load_situation`, as the
replay window does, and prints the load time, the memory the arrays keep, the peak memory the load
allocated (tracemalloc: Python objects and numpy arrays), the process's peak RSS, and what one
frame (:meth:`SituationReplay.state_at`) costs at 200 moments across the period.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/queue.py shadows queue
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from console.core.clock import from_epoch  # noqa: E402
from console.storage.db import Store, open_store  # noqa: E402
from console.storage.map_data import load_map_places  # noqa: E402
from console.storage.models import Device, Grid, Incident, Position, Worker  # noqa: E402
from console.storage.positions import PositionStore  # noqa: E402
from console.storage.situation_replay import load_situation  # noqa: E402
from console.storage.types import MICRO_DEGREES  # noqa: E402

LEAD_IN_S = 20 * 60


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(store: Store, end: int, hours: float, every: int) -> int:
    """Phones and walks for every worker, unless the store has positions already; returns how many fixes."""
    with store.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Position)).scalar()
        if stored:
            return stored
        workers = conn.execute(select(Worker.id, Grid.lon, Grid.lat).join(Grid, Worker.grid_id == Grid.id)
                               .order_by(Worker.id)).all()
        have = set(conn.execute(select(Device.worker_id)).scalars())
    PositionStore(store).add_devices([(w.id, f"bench-{w.id}", "osmand") for w in workers if w.id not in have])
    with store.engine.connect() as conn:
        device_of = dict(conn.execute(select(Device.worker_id, Device.id)).all())
    worker_ids = np.array([w.id for w in workers], dtype=np.int64)
    devices = np.array([device_of[w] for w in worker_ids.tolist()], dtype=np.int64)
    lon0 = np.array([w.lon for w in workers])
    lat0 = np.array([w.lat for w in workers])
    rng = np.random.default_rng(7)
    phase, radius = rng.uniform(0, 2 * np.pi, len(workers)), rng.uniform(0.001, 0.003, len(workers))
    times = range(end - int(hours * 3600) - LEAD_IN_S, end + 1, every)
    started, written = time.perf_counter(), 0
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DROP INDEX IF EXISTS ix_positions_worker_t")
        for t in times:
            angle = phase + (t - times.start) * 1.2 / (radius * 111_000)
            lon = np.round((lon0 + radius * np.cos(angle)) * MICRO_DEGREES).astype(np.int64)
            lat = np.round((lat0 + radius * np.sin(angle)) * MICRO_DEGREES).astype(np.int64)
            cursor.executemany(
                "INSERT INTO positions (device_id, worker_id, t, lon, lat, speed, accuracy, valid) "
                "VALUES (?, ?, ?, ?, ?, 120, 8.0, 1)",
                zip(devices.tolist(), worker_ids.tolist(), [t] * len(workers), lon.tolist(), lat.tolist()))
            written += len(workers)
        cursor.execute("CREATE INDEX ix_positions_worker_t ON positions (worker_id, t)")
        raw.commit()
    finally:
        raw.close()
    print(f"wrote {written:,} fixes ({len(workers):,} workers every {every} s) in "
          f"{time.perf_counter() - started:.0f} s")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/mb/replay/city-11d.db", help="a copy of the city data set")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--every", type=int, default=10, help="seconds between a phone's fixes (first run)")
    args = parser.parse_args(argv)
    store = open_store(args.db)
    with store.engine.connect() as conn:
        end = int(conn.execute(select(func.max(Incident.created_at))).scalar().timestamp())
    stored = prepare(store, end, args.hours, args.every)
    places = load_map_places(store)
    start = end - int(args.hours * 3600)
    print(f"store: {stored:,} fixes, {len(places.workers.ids):,} workers; period "
          f"{from_epoch(start):%Y-%m-%d %H:%M} – {from_epoch(end):%H:%M} UTC ({args.hours:g} h)")
    rss_before = _rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    replay = load_situation(store, places.projection, from_epoch(start), from_epoch(end))
    load_s = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load: {load_s:.2f} s; kept {replay.fix_count:,} fixes at {replay.resolution_s or 'every'} s "
          f"resolution, {len(replay.incidents.ids):,} incidents with {len(replay.incidents.step_keys):,} steps")
    print(f"memory: arrays {replay.nbytes() / 2**20:.1f} MB; load peak {peak / 2**20:.1f} MB (tracemalloc); "
          f"peak RSS {rss_before:.0f} → {_rss_mb():.0f} MB")
    frames = []
    for t in np.linspace(start, end, 200).astype(int).tolist():
        began = time.perf_counter()
        state = replay.state_at(t)
        frames.append((time.perf_counter() - began) * 1000)
    print(f"state_at: {np.mean(frames):.1f} ms mean, {np.percentile(frames, 95):.1f} ms p95, "
          f"{np.max(frames):.1f} ms max ({len(state.workers.ids):,} workers, {len(state.incidents.ids):,} "
          f"open incidents at the end)")
    one_hour = replay.state_at(start + 3600)
    print(f"an hour in: {len(one_hour.workers.ids):,} workers on the map, "
          f"{len(one_hour.incidents.ids):,} open incidents, {len(one_hour.in_hand):,} workers handling")
    store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
