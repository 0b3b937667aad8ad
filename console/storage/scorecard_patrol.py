"""The patrol side of a worker's scorecard: distance, time inside their own grid, days without patrol and
time offline while on duty, over a month, for every worker at once (no Qt).

Each worker-day comes from its daily summary (``patrol_days``, :mod:`console.storage.patrol_days`) when it
has a usable one; otherwise from the day's running summary (``patrol_partials``,
:mod:`console.storage.patrol_partials`: today, as the intake keeps it) and the positions after it; otherwise
from the positions (a store never summarised), one streamed query per run of such days ordered by worker and
time (the ``(worker_id, t)`` index).  All three give the figures of
:func:`console.storage.patrol_day.patrol_day` over the whole day, so they are the same either way: each day's fixes
are cleaned from local midnight (:func:`console.core.patrol.clean_fixes`) and measured by
:func:`console.core.patrol.track_statistics` exactly as the map's worker card does, so the distance and
the time outside the grid are the card's figures.  Definitions:

* *distance*, *patrol time*, *time outside*: the card's figures for each day, added up;
* *covered*: the intervals between consecutive usable fixes closer together than
  :attr:`~console.core.patrol.TrackPolicy.max_gap_s` (the card's patrol time); an interval belongs to the
  local day it starts in (the one across midnight after the last day in post does not count);
* *time inside the grid*: patrol time minus time outside the grid (all of it when the grid has no outline);
* *a day patrolled*: a day in post with at least the rules' ``min_patrol_minutes_per_day`` covered;
* *time offline while on duty*: the duty hours (the rules' ``duty_hours``, local time) of the days in post,
  up to now, that no covered interval overlaps.

A summary is usable for a day that ended ``max_gap_s`` or more before ``now``, cut at the same local
midnight, for the worker's present grid and the month's duty hours; any other worker-day is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.core.patrol import TrackPolicy
from console.storage.models import PatrolDay as PatrolDayRow
from console.storage.patrol_day import duty_windows, stream_patrol_days
from console.storage.patrol_partials import read_partial_days
from console.tasks import TaskState

S = PatrolDayRow.__table__
#: The per-day figures, in the order of the columns of the month's arrays.
DAY_FIELDS = ("distance_m", "patrol_s", "outside_s", "covered_s", "duty_covered_s", "overnight_s",
              "overnight_duty_s")


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


def read_patrols(conn: Connection, first_day: date, midnights: np.ndarray, posts: dict[int, PostDays],
                 grids: dict[int, tuple[int, str | None]], duty_hours: tuple[int, int], min_patrol_s: float,
                 now: int, state: TaskState, policy: TrackPolicy = TrackPolicy()) -> dict[int, PatrolFigures]:
    """Patrol figures of every worker in ``posts`` (worker id → days in post) for the month of days
    ``first_day``… whose local midnights are ``midnights`` (the month's days, then the two midnights after
    it).  ``grids`` gives each worker's grid id and code (its outline decides time outside).  A worker
    without a position has no distance, no day patrolled and every duty hour offline."""
    n_days = len(midnights) - 2
    windows = duty_windows(midnights[:-1], duty_hours, now)
    workers = [w for w, post in posts.items() if post.last >= post.first]
    row_of = {w: k for k, w in enumerate(workers)}
    figures = np.zeros((len(workers), n_days, len(DAY_FIELDS)))
    known = np.zeros((len(workers), n_days), dtype=bool)
    state.set_progress(0.0, "patrols")
    _read_summaries(conn, first_day, midnights, row_of, grids, duty_hours, now, policy, figures, known)
    state.check()
    state.set_progress(0.2)
    wanted = {w: {k for k in range(posts[w].first, posts[w].last + 1) if not known[row_of[w], k]}
              for w in workers}
    wanted = {w: days for w, days in wanted.items() if days}
    for worker_id, k, day in read_partial_days(conn, first_day, midnights, windows, wanted, grids, duty_hours, now,
                                               state, policy):
        figures[row_of[worker_id], k] = [getattr(day, name) for name in DAY_FIELDS]
        wanted[worker_id].discard(k)
    wanted = {w: days for w, days in wanted.items() if days}
    for worker_id, k, day in stream_patrol_days(conn, midnights, windows, wanted,
                                                {w: code for w, (_grid, code) in grids.items()}, state, policy):
        figures[row_of[worker_id], k] = [getattr(day, name) for name in DAY_FIELDS]
    return _month_figures(workers, posts, figures, windows[:n_days], min_patrol_s)


def _read_summaries(conn: Connection, first_day: date, midnights: np.ndarray, row_of: dict[int, int],
                    grids: dict[int, tuple[int, str | None]], duty_hours: tuple[int, int], now: int,
                    policy: TrackPolicy, figures: np.ndarray, known: np.ndarray) -> None:
    """Fill ``figures`` and ``known`` from the usable summaries of the month (see the module docstring)."""
    n_days = len(midnights) - 2
    finished = int(np.searchsorted(midnights[1:] + policy.max_gap_s, now, side="right"))  # days over by now
    if not finished or not row_of:
        return
    stmt = (select(S.c.worker_id, S.c.starts_at, S.c.grid_id, S.c.duty_from_h, S.c.duty_to_h,
                   *(S.c[name] for name in DAY_FIELDS))
            .where(S.c.day >= first_day, S.c.day < first_day + timedelta(days=min(finished, n_days))))
    # the driver's tuples, as every column is a plain number: half the time of rows; a grid of None reads as
    # NaN, never usable
    result = conn.execute(stmt)
    try:
        table = np.array(result.cursor.fetchall(), dtype=float)
    finally:
        result.close()
    if not len(table):
        return
    worker_id, starts_at = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    grid_id, duty_from, duty_to, values = table[:, 2], table[:, 3], table[:, 4], table[:, 5:]
    size = max(int(worker_id.max()), max(grids)) + 1
    row_by_id = np.full(size, -1)
    row_by_id[list(row_of)] = list(row_of.values())
    grid_now = np.full(size, np.nan)
    grid_now[list(grids)] = [grid if grid is not None else np.nan for grid, _code in grids.values()]
    row = row_by_id[worker_id]
    k = np.minimum(np.searchsorted(midnights, starts_at), n_days - 1)
    usable = ((row >= 0) & (midnights[k] == starts_at) & (grid_id == grid_now[worker_id])
              & (duty_from == duty_hours[0]) & (duty_to == duty_hours[1]))
    figures[row[usable], k[usable]] = values[usable]
    known[row[usable], k[usable]] = True


def _month_figures(workers: list[int], posts: dict[int, PostDays], figures: np.ndarray, windows: np.ndarray,
                   min_patrol_s: float) -> dict[int, PatrolFigures]:
    """Each worker's month from their days: see the module docstring's definitions."""
    n_days = figures.shape[1]
    first = np.array([posts[w].first for w in workers], dtype=np.int64).reshape(-1, 1)
    last = np.array([posts[w].last for w in workers], dtype=np.int64).reshape(-1, 1)
    day = np.arange(n_days).reshape(1, -1)
    in_post = (day >= first) & (day <= last)
    before_last = in_post & (day < last)  # the interval across the last midnight in post does not count
    column = {name: figures[:, :, k] for k, name in enumerate(DAY_FIELDS)}

    def total(name: str, mask: np.ndarray) -> np.ndarray:
        return np.where(mask, column[name], 0.0).sum(axis=1)

    covered_per_day = column["covered_s"] + np.where(before_last, column["overnight_s"], 0.0)
    days_patrolled = ((covered_per_day >= min_patrol_s) & in_post).sum(axis=1)
    covered_duty = total("duty_covered_s", in_post) + total("overnight_duty_s", before_last)
    duty = np.where(in_post, (windows[:, 1] - windows[:, 0]).reshape(1, -1), 0).sum(axis=1)
    distance, patrol, outside = total("distance_m", in_post), total("patrol_s", in_post), \
        total("outside_s", in_post)
    return {w: PatrolFigures(float(distance[k]), float(patrol[k]), float(patrol[k] - outside[k]),
                             int(days_patrolled[k]), max(0.0, float(duty[k] - covered_duty[k])))
            for k, w in enumerate(workers)}
