"""Benchmark: all of a month's scorecards (every grid worker and stationed department, with the month before
for comparison) at a given database.

    /work/venv/bin/python bench/scorecards.py --db /tmp/mb/sc/city-110d.db [--month YYYY-MM] [--repeat N]
        [--positions-per-worker-day N] [--partial-minutes M]

Copy a cached city database first (opening migrates it).  Without ``--month`` the month of the newest
incident is scored.  Prints the wall time of each run and what was computed.

With ``--positions-per-worker-day N`` the copy is first given a month of patrols as the intake keeps them: a
daily summary (``patrol_days``) of every worker for every finished day of the month and the month before,
and N raw positions per worker for today so far (a phone per worker), which the scorecards still compute
from positions; this writes into the database, so give it a copy (a SQLite one: the positions go in with the
driver's own ``executemany``, ~10x faster than ORM rows, so tens of millions of fixes are a few minutes).

With ``--partial-minutes M`` today's running summaries (``patrol_partials``) are then brought forward as the
intake's upkeep does: once from midnight to 2M minutes before the scorecards' "now", then by M minutes more
(the upkeep's usual step, timed apart), so that the scorecards read M minutes of raw positions.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta, timezone
from pathlib import Path

# bench/ holds a queue.py: keep the directory off the path so the standard library's queue wins.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import numpy as np  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

from console.core.assessment import Month, load_rules  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.core.clock import from_epoch, to_epoch  # noqa: E402
from console.storage.models import Device, Incident, PatrolDay, Position, Worker  # noqa: E402
from console.storage.monthly_report import month_bounds  # noqa: E402
from console.storage.patrol_day import local_midnight  # noqa: E402
from console.storage.patrol_partials import advance_partials  # noqa: E402
from console.storage.scorecards import read_scorecards  # noqa: E402
from console.tasks import TaskState  # noqa: E402

CHINA = timezone(timedelta(hours=8))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--month", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--positions-per-worker-day", type=int, default=None, metavar="N",
                        help="first write a month of daily summaries and N positions per worker for today")
    parser.add_argument("--partial-minutes", type=float, default=None, metavar="M",
                        help="then bring today's running summaries up to M minutes before now")
    args = parser.parse_args()
    t0 = time.perf_counter()
    store = open_store(args.db)
    print(f"open (and migrate): {time.perf_counter() - t0:.1f} s")
    with store.engine.connect() as conn:
        newest = conn.execute(select(func.max(Incident.created_at))).scalar()
        positions = conn.execute(select(func.count()).select_from(Position)).scalar()
    now = newest + timedelta(hours=1)
    month = Month.parse(args.month) if args.month else Month(newest.astimezone(CHINA).year,
                                                             newest.astimezone(CHINA).month)
    if args.positions_per_worker_day is not None:
        t0 = time.perf_counter()
        days, positions = fill_patrols(store, month, now, args.positions_per_worker_day)
        print(f"wrote {days} days of summaries and {positions} positions for today: "
              f"{time.perf_counter() - t0:.1f} s")
    if args.partial_minutes is not None:
        for minutes in (2 * args.partial_minutes, args.partial_minutes):
            t0, c0 = time.perf_counter(), time.process_time()
            advance_partials(store, now - timedelta(minutes=minutes), tz=CHINA, lag_s=0)
            print(f"running summaries brought up to {minutes:g} min before now: {time.perf_counter() - t0:.1f} s "
                  f"({time.process_time() - c0:.1f} s CPU)")
    print(f"month {month}, judged at {now.isoformat()}, {positions} positions stored")
    for run in range(args.repeat):
        state = TaskState()
        t0, c0 = time.perf_counter(), time.process_time()
        cards = read_scorecards(store, month, tz=CHINA, now=now, state=state)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        reports = sum(w.reports for w in cards.workers)
        received = sum(d.received for d in cards.departments)
        print(f"run {run + 1}: {seconds:.1f} s ({cpu:.1f} s CPU) — {len(cards.workers)} workers ({reports} reports), "
              f"{len(cards.departments)} departments ({received} incidents received), rules {cards.rules.version}")
    store.dispose()
    return 0


def fill_patrols(store, month: Month, now, per_worker: int) -> tuple[int, int]:
    """Daily summaries of every worker for the finished days of ``month`` and the month before, and
    ``per_worker`` positions of each for today up to ``now`` (a fix every few seconds, walking); returns
    the days summarised and the positions now stored."""
    rng = np.random.default_rng(1)
    previous = month.previous()
    first, _after = month_bounds(previous.year, previous.month, CHINA)
    rules = load_rules()
    today = now.astimezone(CHINA).date()
    days = [first.date() + timedelta(days=k) for k in range((today - first.date()).days)]
    t_today, t_now = local_midnight(today, CHINA), to_epoch(now)
    with store.engine.begin() as conn:
        workers = conn.execute(select(Worker.id, Worker.grid_id).order_by(Worker.id)).all()
        conn.execute(delete(PatrolDay).where(PatrolDay.day >= days[0]))
        for day in days:
            n = len(workers)
            duty = rules.for_month(Month(day.year, day.month)).worker.duty_hours
            covered = rng.uniform(0, 6 * 3600, n)
            conn.execute(insert(PatrolDay), [dict(
                day=day, worker_id=w.id, starts_at=local_midnight(day, CHINA), grid_id=w.grid_id,
                distance_m=covered[k] * 0.8, patrol_s=covered[k], outside_s=covered[k] * 0.1, covered_s=covered[k],
                overnight_s=0.0, duty_from_h=duty[0], duty_to_h=duty[1], duty_covered_s=covered[k] * 0.9,
                overnight_duty_s=0.0, fixes=int(covered[k] / 5), computed_at=from_epoch(t_now))
                for k, w in enumerate(workers)])
        devices = dict(conn.execute(select(Device.worker_id, Device.id)).all())
        missing = [w.id for w in workers if w.id not in devices]
        if missing:
            conn.execute(insert(Device), [dict(unique_id=f"bench-{w}", worker_id=w, kind="osmand",
                                               created_at=from_epoch(t_today)) for w in missing])
            devices = dict(conn.execute(select(Device.worker_id, Device.id)).all())
        conn.execute(delete(Position).where(Position.t >= t_today))
        step = max(1, (t_now - t_today) // max(1, per_worker))
        k = np.arange(per_worker)
        insert_sql = ("INSERT INTO positions (device_id, worker_id, t, lon, lat, accuracy, valid) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)")  # lon/lat as the stored integer millionths (SQLite)
        rows = []
        for w in workers:
            lon, lat = 120.3 + rng.uniform(-0.5, 0.5), 30.0 + rng.uniform(-0.3, 0.3)
            lons = np.round((lon + 0.00003 * k) * 1_000_000).astype(np.int64).tolist()
            lats = np.round((lat + rng.normal(0, 0.00003, per_worker)) * 1_000_000).astype(np.int64).tolist()
            times = (t_today + k * step).tolist()
            device = devices[w.id]
            rows += [(device, w.id, t, x, y, 8.0, 1) for t, x, y in zip(times, lons, lats)]
            if len(rows) >= 500_000:
                conn.exec_driver_sql(insert_sql, rows)
                rows = []
        if rows:
            conn.exec_driver_sql(insert_sql, rows)
        stored = conn.execute(select(func.count()).select_from(Position)).scalar()
    return len(days), stored


if __name__ == "__main__":
    sys.exit(main())
