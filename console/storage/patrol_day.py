"""One worker's patrol on one local day, from the positions: the single computation behind both the daily
summaries (:mod:`console.storage.patrol_days`) and the scorecards' days without one
(:mod:`console.storage.scorecard_patrol`), so the two give the same figures (no Qt).

A day's fixes are cleaned (:func:`console.core.track_arrays.clean`) and measured
(:func:`console.core.patrol.measure_track`, numpy over the day's arrays, ~2-3 µs a fix where the
one-fix-at-a-time code took ~30) as the map's worker card cleans and measures today's track: from local
midnight.  A covered interval belongs to the day it starts in, so the interval from a day's last usable fix
to the next day's first (the next day's first valid, accurate fix) is kept apart, as
:attr:`PatrolDay.overnight_s`: a month counts it for every day in post but the last.  Positions are streamed
a fetch at a time into float arrays (no Python object per fix beyond the driver's row).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import numpy as np
from sqlalchemy import Integer, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.clock import to_epoch
from console.core.geo import Region
from console.core import track_arrays
from console.core.patrol import TrackPolicy, measure_track
from console.core.track_arrays import TrackArrays, time_order
from console.storage.models import Boundary, Position, Worker
from console.storage.types import MICRO_DEGREES
from console.tasks import TaskState

P = Position.__table__
W = Worker.__table__
#: Rows fetched per round trip while streaming positions.
_FETCH = 20_000
#: Up to this many workers, a stream asks for theirs only (an ``IN`` list); more, for every worker's.
FEW_WORKERS = 1_000

#: A position as read: epoch seconds, lon, lat, accuracy, valid.
Row = tuple[int, float, float, float | None, bool]
#: Positions as an (n, 5) float array of those columns (an accuracy of None is NaN, valid is 1.0 or 0.0), or
#: a list of :data:`Row`.
Rows = np.ndarray | list[Row]


@dataclass(frozen=True)
class PatrolDay:
    """A worker's patrol on one local day (seconds, metres); see the module docstring."""

    distance_m: float
    patrol_s: float
    outside_s: float
    covered_s: float
    duty_covered_s: float
    overnight_s: float
    overnight_duty_s: float
    fixes: int


def local_midnight(day: date, tz: tzinfo | None) -> int:
    """The epoch second ``day`` starts at in ``tz`` (None: this machine's time zone)."""
    start = datetime(day.year, day.month, day.day)
    return to_epoch(start.astimezone() if tz is None else start.replace(tzinfo=tz))


def local_midnights(first: date, count: int, tz: tzinfo | None) -> np.ndarray:
    """The starts of ``count`` consecutive local days from ``first`` (a day may have 23 or 25 hours)."""
    return np.array([local_midnight(first + timedelta(days=k), tz) for k in range(count)], dtype=np.int64)


def duty_windows(day_starts: np.ndarray, duty_hours: tuple[int, int], now: int) -> np.ndarray:
    """Each day's duty window ``(start, end)`` in epoch seconds, clipped at ``now`` (an (n, 2) array)."""
    starts = day_starts + duty_hours[0] * 3600
    ends = np.minimum(day_starts + duty_hours[1] * 3600, now)
    return np.stack([starts, np.maximum(ends, starts)], axis=1)


def duty_before(windows: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function ``t -> duty seconds before t`` (over every window), vectorised: piecewise linear."""
    xs = windows.reshape(-1).astype(float)
    lengths = windows[:, 1] - windows[:, 0]
    ys = np.empty(len(xs))
    ys[0::2] = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    ys[1::2] = np.cumsum(lengths)
    return lambda t: np.interp(t, xs, ys) if len(xs) else np.zeros_like(t, dtype=float)


def patrol_day(rows: Rows, next_rows: Rows, windows: np.ndarray, region: Region | None,
               policy: TrackPolicy = TrackPolicy()) -> PatrolDay:
    """The patrol of one worker-day from its positions ``rows`` (in time order), the first positions of the
    next day ``next_rows`` (up to ``max_gap_s`` after midnight) and the duty windows of the day and the next
    (a (2, 2) array); ``region`` is the worker's grid outline (None: no time outside)."""
    table = _table(rows)
    table = table[time_order(table[:, 0])]
    track = TrackArrays(table[:, 0], table[:, 1], table[:, 2], table[:, 3])
    kept_index, _dropped = track_arrays.clean(track, table[:, 4] != 0, policy)
    kept = track.take(kept_index)
    # measured as the worker card measures a track it is given: cleaned again (a fix kept after
    # MAX_JUMPS jumps from the one before is dropped the second time)
    day = measure_track(kept, np.ones(len(kept), dtype=bool), policy, region, stops=False)
    t = kept.t
    covered = np.diff(t) <= policy.max_gap_s
    a, b = t[:-1][covered], t[1:][covered]
    before = duty_before(windows)
    overnight = overnight_duty = 0.0
    following = first_usable(next_rows, policy)
    if len(t) and following is not None and following - t[-1] <= policy.max_gap_s:
        overnight = following - t[-1]
        overnight_duty = float(before(np.array([following]))[0] - before(t[-1:])[0])
    return PatrolDay(day.distance_m, day.patrol_s, day.outside_s, float((b - a).sum()),
                     float((before(b) - before(a)).sum()) if len(a) else 0.0, float(overnight), overnight_duty,
                     len(rows))


def _table(rows: Rows) -> np.ndarray:
    return np.asarray(rows, dtype=float).reshape(-1, 5)  # an accuracy of None reads as NaN


def first_usable(rows: Rows, policy: TrackPolicy) -> float | None:
    """The time of the first fix that cleaning a day from its start keeps: the first valid, accurate one."""
    table = _table(rows)
    usable = np.flatnonzero((table[:, 4] != 0) & ~(table[:, 3] > policy.max_accuracy_m))
    return float(table[usable[0], 0]) if len(usable) else None


def stream_patrol_days(conn: Connection, midnights: np.ndarray, windows: np.ndarray, wanted: dict[int, set[int]],
                       grid_codes: dict[int, str | None], state: TaskState,
                       policy: TrackPolicy = TrackPolicy()) -> Iterator[tuple[int, int, PatrolDay]]:
    """``(worker id, day index, PatrolDay)`` for the worker-days in ``wanted`` (worker id → day indexes into
    ``midnights``, whose entry ``k + 1`` ends day ``k``) that have positions, reading each run of consecutive
    wanted days in one streamed query ordered by worker and time.  ``windows[k]`` is day ``k``'s duty window
    (one more than the days: the day after the last).  Worker-days without a position are not yielded."""
    days = sorted(set().union(*wanted.values())) if wanted else []
    regions = GridRegions(conn, {grid_codes.get(w) for w in wanted})
    for run in _runs(days):
        workers = sorted(w for w, ks in wanted.items() if ks.intersection(run))
        start, end = int(midnights[run[0]]), int(midnights[run[-1] + 1])
        stmt = positions_between(start, end + policy.max_gap_s, workers)
        for worker_id, rows in rows_by_worker(conn, stmt, state):
            days_of_worker = wanted.get(worker_id)
            if not days_of_worker:
                continue
            times = rows[:, 0]
            edges = np.searchsorted(times, midnights[run[0]:run[-1] + 2], side="left")
            for offset, k in enumerate(run):
                if k not in days_of_worker:
                    continue
                lo, hi = int(edges[offset]), int(edges[offset + 1])
                if lo == hi:
                    continue
                following = int(np.searchsorted(times, midnights[k + 1] + policy.max_gap_s, side="right"))
                yield worker_id, k, patrol_day(rows[lo:hi], rows[hi:following], windows[k:k + 2],
                                               regions.of(grid_codes.get(worker_id)), policy)


def positions_between(start: int, last: int, workers: list[int]):
    """The statement for the positions from ``start`` to ``last`` (epoch seconds, inclusive) ordered by worker
    and time, for :func:`rows_by_worker`: of ``workers`` only when they are few (else every worker's).  Either
    way a range of the ``(worker_id, t)`` index per worker, never a scan of every stored position."""
    columns = (P.c.worker_id, P.c.t, type_coerce(P.c.lon, Integer), type_coerce(P.c.lat, Integer), P.c.accuracy,
               type_coerce(P.c.valid, Integer))
    if len(workers) <= FEW_WORKERS:
        return (select(*columns).where(P.c.worker_id.in_(workers), P.c.t >= start, P.c.t <= last)
                .order_by(P.c.worker_id, P.c.t))
    # from the workers, in their order: the planner seeks each one's range
    return (select(*columns).select_from(W.join(P, P.c.worker_id == W.c.id)).where(P.c.t >= start, P.c.t <= last)
            .order_by(W.c.id, P.c.t))


def _runs(days: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in days:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def rows_by_worker(conn: Connection, stmt, state: TaskState) -> Iterator[tuple[int, np.ndarray]]:
    """Each worker's rows of ``stmt`` (worker id, then :data:`Rows` columns with lon/lat as the stored integer
    millionths, ordered by worker) as one (n, 5) float array, converted a fetch at a time (the same floats
    as the column type's own ``value / MICRO_DEGREES``)."""
    current, pieces = None, []
    # SQLite's own cursor steps rows as they are fetched: its tuples (every column a plain number, nothing to
    # process) take half the time of result rows.  Elsewhere a server-side cursor, whose result buffers rows.
    raw = conn.dialect.name == "sqlite"
    result = conn.execute(stmt) if raw else conn.execution_options(stream_results=True).execute(stmt)
    fetch = result.cursor.fetchmany if raw else result.fetchmany
    try:
        while chunk := fetch(_FETCH):
            state.check()
            # as tuples: numpy converts result rows (sequences, not tuples) ten times slower
            table = np.array(chunk if raw else [tuple(row) for row in chunk], dtype=float).reshape(-1, 6)
            table[:, 2:4] /= MICRO_DEGREES
            starts = np.concatenate([[0], np.flatnonzero(np.diff(table[:, 0]) != 0) + 1, [len(table)]])
            for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):
                worker_id = int(table[lo, 0])
                if worker_id != current:
                    if current is not None:
                        yield current, np.concatenate(pieces)
                    current, pieces = worker_id, []
                pieces.append(table[lo:hi, 1:])
    finally:
        result.close()
    if current is not None:
        yield current, np.concatenate(pieces)


class GridRegions:
    """The outlines of the grids ``codes`` (read in one query when there are many), each parsed once."""

    def __init__(self, conn: Connection, codes: set[str | None]):
        self.conn = conn
        self.outlines: dict[str, str] | None = None
        if len(codes) > FEW_WORKERS:
            self.outlines = dict(conn.execute(select(Boundary.code, Boundary.geometry)
                                              .where(Boundary.level == "grid")).all())
        self.cache: dict[str | None, Region | None] = {None: None}

    def of(self, grid_code: str | None) -> Region | None:
        if grid_code not in self.cache:
            outline = self.outlines.get(grid_code) if self.outlines is not None else self.conn.execute(
                select(Boundary.geometry).where(Boundary.level == "grid", Boundary.code == grid_code)).scalar()
            self.cache[grid_code] = Region(json.loads(outline)) if outline else None
        return self.cache[grid_code]
