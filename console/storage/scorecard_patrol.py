"""The patrol side of a worker's scorecard: distance, time inside their own grid, days without patrol and
time offline while on duty, over a month, for every worker at once (no Qt).

One query streams the month's positions ordered by worker and time (the ``(worker_id, t)`` index); each
worker's fixes go through :func:`console.core.patrol.clean_fixes` and
:func:`console.core.patrol.track_statistics` exactly as the map's worker card does, so the distance and
the time outside the grid are the card's figures.  Definitions:

* *distance*, *patrol time*, *time outside*: the card's figures for each day, added up;
* *covered*: the intervals between consecutive usable fixes closer together than
  :attr:`~console.core.patrol.TrackPolicy.max_gap_s` (the card's patrol time); an interval belongs to the
  local day it starts in;
* *time inside the grid*: patrol time minus time outside the grid (all of it when the grid has no outline);
* *a day patrolled*: a day in post with at least the rules' ``min_patrol_minutes_per_day`` covered;
* *time offline while on duty*: the duty hours (the rules' ``duty_hours``, local time) of the days in post,
  up to now, that no covered interval overlaps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.core.geo import Region
from console.core.patrol import Fix, TrackPolicy, clean_fixes, track_statistics
from console.storage.models import Boundary, Position
from console.tasks import TaskState

P = Position.__table__
#: Rows fetched per round trip while streaming positions.
_FETCH = 20_000


@dataclass(frozen=True)
class PatrolFigures:
    """One worker's patrol over the days in post of a month (seconds, metres, days)."""

    distance_m: float
    patrol_s: float
    inside_grid_s: float
    days_patrolled: int
    offline_on_duty_s: float


@dataclass(frozen=True)
class PostDays:
    """Which days of the month a worker was in post: indexes into the month's day starts, ``first..last``."""

    first: int
    last: int  # inclusive; -1 when none


def duty_windows(day_starts: np.ndarray, duty_hours: tuple[int, int], now: int) -> np.ndarray:
    """Each day's duty window ``(start, end)`` in epoch seconds, clipped at ``now`` (an (n, 2) array)."""
    starts = day_starts + duty_hours[0] * 3600
    ends = np.minimum(day_starts + duty_hours[1] * 3600, now)
    return np.stack([starts, np.maximum(ends, starts)], axis=1)


def _duty_before(windows: np.ndarray):
    """A function ``t -> duty seconds before t`` (over every window), vectorised: piecewise linear."""
    xs = windows.reshape(-1).astype(float)
    lengths = windows[:, 1] - windows[:, 0]
    ys = np.empty(len(xs))
    ys[0::2] = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    ys[1::2] = np.cumsum(lengths)
    return lambda t: np.interp(t, xs, ys) if len(xs) else np.zeros_like(t, dtype=float)


def read_patrols(conn: Connection, start: int, end: int, day_starts: np.ndarray, posts: dict[int, PostDays],
                 grid_codes: dict[int, str], duty_hours: tuple[int, int], min_patrol_s: float, now: int,
                 state: TaskState, policy: TrackPolicy = TrackPolicy()) -> dict[int, PatrolFigures]:
    """Patrol figures of every worker in ``posts`` (worker id → days in post) for ``start``..``end``.

    ``grid_codes`` gives each worker's grid code (its outline decides time outside).  A worker without a
    position has no distance, no day patrolled and every duty hour offline."""
    windows = duty_windows(day_starts, duty_hours, now)
    duty_before = _duty_before(windows)
    day_edges = np.concatenate([day_starts, [end]])
    regions: dict[str, Region | None] = {}
    result: dict[int, PatrolFigures] = {}

    def finish(worker_id: int, rows: list) -> None:
        post = posts.get(worker_id)
        if post is None or post.last < post.first:
            return
        t0, t1 = int(day_edges[post.first]), int(day_edges[post.last + 1])
        fixes = [Fix(t, lon, lat, accuracy, None, bool(valid)) for t, lon, lat, accuracy, valid in rows
                 if t0 <= t < t1]
        kept, _dropped = clean_fixes(fixes, policy)
        code = grid_codes.get(worker_id)
        if code not in regions:
            regions[code] = _grid_region(conn, code)
        t = np.array([f.t for f in kept], dtype=float)
        day_of_fix = np.searchsorted(day_edges, t, side="right") - 1
        bounds = np.flatnonzero(np.diff(day_of_fix)) + 1
        distance = patrol_s = outside_s = 0.0
        for a_, b_ in zip(np.concatenate([[0], bounds]).tolist(), np.concatenate([bounds, [len(kept)]]).tolist()):
            day = track_statistics(kept[a_:b_], policy, regions[code])  # a day at a time, as the card shows it
            distance, patrol_s, outside_s = distance + day.distance_m, patrol_s + day.patrol_s, \
                outside_s + day.outside_s
        gaps = np.diff(t)
        covered = gaps <= policy.max_gap_s
        a, b = t[:-1][covered], t[1:][covered]
        per_day = np.bincount(np.searchsorted(day_edges, a, side="right") - 1, weights=b - a,
                              minlength=len(day_starts))[:len(day_starts)]
        days = per_day[post.first:post.last + 1]
        covered_duty = float((duty_before(b) - duty_before(a)).sum()) if len(a) else 0.0
        result[worker_id] = PatrolFigures(distance, patrol_s, patrol_s - outside_s,
                                          int((days >= min_patrol_s).sum()),
                                          max(0.0, _duty_in(windows, post) - covered_duty))

    stmt = (select(P.c.worker_id, P.c.t, P.c.lon, P.c.lat, P.c.accuracy, P.c.valid)
            .where(P.c.t >= start, P.c.t < end).order_by(P.c.worker_id, P.c.t))
    current, rows = None, []
    result_proxy = conn.execution_options(stream_results=True).execute(stmt)
    try:
        while chunk := result_proxy.fetchmany(_FETCH):
            state.check()
            for worker_id, t, lon, lat, accuracy, valid in chunk:
                if worker_id != current:
                    if current is not None:
                        finish(current, rows)
                    current, rows = worker_id, []
                rows.append((t, lon, lat, accuracy, valid))
    finally:
        result_proxy.close()
    if current is not None:
        finish(current, rows)
    for worker_id, post in posts.items():
        if worker_id not in result and post.last >= post.first:
            result[worker_id] = PatrolFigures(0.0, 0.0, 0.0, 0, _duty_in(windows, post))
    return result


def _duty_in(windows: np.ndarray, post: PostDays) -> float:
    part = windows[post.first:post.last + 1]
    return float((part[:, 1] - part[:, 0]).sum())


def _grid_region(conn: Connection, grid_code: str | None) -> Region | None:
    if grid_code is None:
        return None
    outline = conn.execute(select(Boundary.geometry).where(Boundary.level == "grid",
                                                           Boundary.code == grid_code)).scalar()
    return Region(json.loads(outline)) if outline else None
