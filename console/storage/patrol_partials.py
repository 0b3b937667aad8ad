"""Running patrol summaries of the day in progress (``patrol_partials``): every worker's patrol from local
midnight up to a recent second, brought forward by the intake's upkeep every few minutes, so that the
scorecards of the month in progress read only the positions since instead of a whole day of them (no Qt).

A row holds the figures as if the day ended at its ``through`` and the measuring's state there
(:class:`console.core.patrol_stream.PatrolState`); :func:`advance_partials` reads the positions from the old
``through`` to the new one, continues each worker's state over them and replaces the day's rows in one
transaction.  :func:`read_partial_days` gives the scorecards a day's figures from its rows and the positions
after them: exactly those of :func:`console.storage.patrol_day.patrol_day` over the whole day
(``tests/storage/test_patrol_day_partials.py``).  A row is only used for the local midnight, grid and duty
hours it was computed for; a position a phone uploads late, timed before a row's ``through``, counts once
the day's daily summary (:mod:`console.storage.patrol_days`) replaces the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from console.core.assessment import AssessmentRules, load_rules
from console.core.clock import from_epoch, to_epoch
from console.core.patrol import TrackPolicy
from console.core.patrol_stream import PatrolState, advance, finish
from console.storage.db import Store
from console.storage.models import Grid, PatrolPartial, Worker
from console.storage.patrol_day import (GridRegions, PatrolDay, duty_before, duty_windows, first_usable,
                                        local_midnights, positions_between, rows_by_worker)
from console.storage.patrol_days import duty_hours_of, local_day
from console.tasks import TaskState

S = PatrolPartial.__table__
#: The figures a row holds, as :class:`PatrolDay`'s.
FIGURES = ("distance_m", "patrol_s", "outside_s", "covered_s", "duty_covered_s", "fixes")


def advance_partials(store: Store, now: datetime, state: TaskState | None = None, *, tz: tzinfo | None = None,
                     rules: AssessmentRules | None = None, lag_s: int = 60,
                     policy: TrackPolicy = TrackPolicy()) -> date:
    """Bring every worker's running summary of the local day (in ``tz``) in progress ``lag_s`` before ``now``
    up to that second (positions still arriving for the last ``lag_s`` are left for the next time); returns
    the day.  One transaction: cancelling through ``state`` leaves the rows as they were."""
    state = state or TaskState()
    through = to_epoch(now) - lag_s
    day = local_day(through - 1, tz)
    duty_hours = duty_hours_of(rules or load_rules(), day)
    midnight = int(local_midnights(day, 1, tz)[0])
    before = duty_before(duty_windows(local_midnights(day, 2, tz), duty_hours, through))
    with store.engine.connect() as conn:
        workers = conn.execute(select(Worker.id, Worker.grid_id, Grid.code).join(Grid, Grid.id == Worker.grid_id)
                               .order_by(Worker.id)).all()
        old = {r.worker_id: r for r in conn.execute(select(S).where(S.c.day == day))}
        # each worker goes on from their row if it is for this midnight, grid and duty hours, else from midnight
        starts = {w.id: old[w.id].through if _goes_on(old.get(w.id), midnight, w.grid_id, duty_hours, through)
                  else midnight for w in workers}
        regions = GridRegions(conn, {w.code for w in workers})
        code_of = {w.id: w.code for w in workers}
        moved: dict[int, PatrolState] = {}
        for start in sorted(set(starts.values()) - {through}):
            group = [w for w, s in starts.items() if s == start]
            for worker_id, rows in rows_by_worker(conn, positions_between(start, through - 1, group), state):
                if starts.get(worker_id) == start:
                    previous = old[worker_id].state if start != midnight else None
                    moved[worker_id] = advance(_parsed(previous), rows, before, regions.of(code_of[worker_id]),
                                               policy)
    state.check()
    rows = []
    for w in workers:
        row = dict(day=day, worker_id=w.id, starts_at=midnight, through=through, grid_id=w.grid_id,
                   duty_from_h=duty_hours[0], duty_to_h=duty_hours[1], computed_at=from_epoch(to_epoch(now)))
        if w.id not in moved and starts[w.id] != midnight:  # no position since its row: the same figures
            rows.append({**row, "state": old[w.id].state, **{name: getattr(old[w.id], name) for name in FIGURES}})
            continue
        current = moved.get(w.id, PatrolState())
        ended = finish(current, policy)
        rows.append({**row, "state": json.dumps(current.to_json()),
                     **{name: getattr(ended, name) for name in FIGURES}})
    with store.engine.begin() as conn:
        conn.execute(delete(S).where(S.c.day == day))
        conn.execute(delete(S).where(S.c.day < day - timedelta(days=1)))  # left by a service that was down
        if rows:
            conn.execute(insert(S), rows)
    return day


def _goes_on(row, midnight: int, grid_id: int, duty_hours: tuple[int, int], through: int) -> bool:
    return (row is not None and row.starts_at == midnight and row.grid_id == grid_id
            and (row.duty_from_h, row.duty_to_h) == tuple(duty_hours) and row.through <= through)


def _parsed(text: str | None) -> PatrolState:
    return PatrolState() if text is None else PatrolState.from_json(json.loads(text))


def read_partial_days(conn: Connection, first_day: date, midnights: np.ndarray, windows: np.ndarray,
                      wanted: dict[int, set[int]], grids: dict[int, tuple[int, str | None]],
                      duty_hours: tuple[int, int], now: int, state: TaskState,
                      policy: TrackPolicy = TrackPolicy()) -> Iterator[tuple[int, int, PatrolDay]]:
    """``(worker id, day index, PatrolDay)`` for the worker-days of ``wanted`` (worker id → indexes into
    ``midnights`` of the days from ``first_day``, as :func:`console.storage.patrol_day.stream_patrol_days`)
    that have a usable running
    summary (through no later than ``now``): its state continued over the positions after it."""
    n_days = len(midnights) - 1
    days = sorted(set().union(*wanted.values())) if wanted else []
    if not days:
        return
    by_day: dict[int, dict[int, object]] = {}
    for r in conn.execute(select(S.c.day, S.c.worker_id, S.c.starts_at, S.c.through, S.c.grid_id, S.c.duty_from_h,
                                 S.c.duty_to_h, S.c.state, *(S.c[name] for name in FIGURES))
                          .where(S.c.day >= first_day + timedelta(days=days[0]),
                                 S.c.day <= first_day + timedelta(days=days[-1]), S.c.through <= now)):
        k = int(np.searchsorted(midnights, r.starts_at))
        grid = grids.get(r.worker_id, (None, None))[0]
        if (k < n_days and midnights[k] == r.starts_at and k in wanted.get(r.worker_id, ()) and grid is not None
                and r.grid_id == grid and (r.duty_from_h, r.duty_to_h) == tuple(duty_hours)):
            by_day.setdefault(k, {})[r.worker_id] = r
    for k, rows_of in sorted(by_day.items()):
        regions = GridRegions(conn, {grids[w][1] for w in rows_of})
        before = duty_before(windows[k:k + 2])
        end = int(midnights[k + 1])
        seen = set()
        stmt = positions_between(min(r.through for r in rows_of.values()), end + int(policy.max_gap_s),
                                 sorted(rows_of))
        for worker_id, rows in rows_by_worker(conn, stmt, state):
            r = rows_of.get(worker_id)
            if r is None:
                continue
            seen.add(worker_id)
            times = rows[:, 0]
            lo, hi = np.searchsorted(times, [r.through, end], side="left")
            following = int(np.searchsorted(times, end + policy.max_gap_s, side="right"))
            ended = advance(_parsed(r.state), rows[lo:hi], before, regions.of(grids[worker_id][1]), policy,
                            finished=True)
            yield worker_id, k, _day_of(ended, rows[hi:following], before, policy)
        for worker_id, r in rows_of.items():
            if worker_id not in seen:  # no position since: the row's figures, and nothing overnight
                yield worker_id, k, PatrolDay(r.distance_m, r.patrol_s, r.outside_s, r.covered_s, r.duty_covered_s,
                                              0.0, 0.0, r.fixes)


def _day_of(ended: PatrolState, next_rows: np.ndarray, before, policy: TrackPolicy) -> PatrolDay:
    overnight = overnight_duty = 0.0
    last = ended.last_kept_t
    following = first_usable(next_rows, policy)
    if last is not None and following is not None and following - last <= policy.max_gap_s:
        overnight = following - last
        overnight_duty = float(before(np.array([following]))[0] - before(np.array([last]))[0])
    return PatrolDay(ended.distance_m, ended.patrol_s, ended.outside_s, ended.covered_s, ended.duty_covered_s,
                     float(overnight), overnight_duty, ended.fixes)
