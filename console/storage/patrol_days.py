"""Daily per-worker patrol summaries (``patrol_days``): each finished local day's patrol of every worker,
computed once from the positions, so that a month's scorecards read a row per worker-day instead of every
fix of the month (no Qt).

:func:`summarise_days` computes a day with :func:`console.storage.patrol_day.patrol_day` — the scorecards'
own per-worker-day computation — for every worker (a row of zeros for one without a position) and writes
it in one transaction, replacing the day's rows if it was summarised before; a day is only summarised once
it is over and ``max_gap_s`` more have passed (its last covered interval may run past midnight).  The
intake keeps the table up to date (:mod:`console.service.patrol_upkeep`): the days just over, and any day
retention is about to take positions from; ``gridwatch patrol summarise`` back-fills.

The duty-hour figures are for the duty hours of the rules version of the day's month; a day whose rules
change afterwards, or a worker who changes grid, is computed from the positions again by the scorecards
(while they are kept) until summarised again.  Positions a phone uploads after its day was summarised are
only counted once the day is summarised again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import delete, insert, select

from console.core.assessment import AssessmentRules, Month, load_rules
from console.core.clock import from_epoch, to_epoch
from console.core.patrol import TrackPolicy
from console.storage.db import Store
from console.storage.models import Grid, PatrolDay as PatrolDayRow, PatrolPartial, Position, Worker
from console.storage.patrol_day import duty_windows, local_midnights, patrol_day, stream_patrol_days
from console.tasks import TaskState

S = PatrolDayRow.__table__


def summarise_days(store: Store, first_day: date, last_day: date, state: TaskState | None = None, *,
                   tz: tzinfo | None = None, rules: AssessmentRules | None = None, now: datetime | None = None,
                   policy: TrackPolicy = TrackPolicy()) -> list[date]:
    """Summarise every worker's patrol on each local day (in ``tz``, default this machine's) from
    ``first_day`` to ``last_day`` that is over by ``now``; returns the days written.  A day is one
    transaction: cancelling through ``state`` leaves the days before it written and none in part."""
    state = state or TaskState()
    rules = rules or load_rules()
    t_now = to_epoch(now) if now is not None else int(datetime.now().timestamp())
    days = [first_day + timedelta(days=k) for k in range((last_day - first_day).days + 1)]
    days = [day for day in days if local_midnights(day, 2, tz)[1] + policy.max_gap_s <= t_now]
    with store.engine.connect() as conn:
        workers = conn.execute(select(Worker.id, Worker.grid_id, Grid.code).join(Grid, Grid.id == Worker.grid_id)
                               .order_by(Worker.id)).all()
    written = []
    for n, day in enumerate(days):
        state.check()
        state.set_progress(n / max(1, len(days)), day.isoformat())
        rows = _summarise_day(store, day, workers, tz, duty_hours_of(rules, day), t_now, state, policy)
        state.check()
        with store.engine.begin() as conn:
            conn.execute(delete(S).where(S.c.day == day))
            conn.execute(delete(PatrolPartial).where(PatrolPartial.day == day))  # the day's running summary
            if rows:
                conn.execute(insert(S), rows)
        written.append(day)
    state.set_progress(1.0)
    return written


def _summarise_day(store: Store, day: date, workers, tz: tzinfo | None, duty_hours: tuple[int, int], now: int,
                   state: TaskState, policy: TrackPolicy) -> list[dict]:
    midnights = local_midnights(day, 3, tz)
    windows = duty_windows(midnights[:2], duty_hours, now)
    idle = patrol_day([], [], windows, None, policy)
    found = {}
    with store.engine.connect() as conn:
        for worker_id, _k, figures in stream_patrol_days(conn, midnights, windows, {w.id: {0} for w in workers},
                                                         {w.id: w.code for w in workers}, state, policy):
            found[worker_id] = figures
    computed_at = from_epoch(now)
    return [dict(day=day, worker_id=w.id, starts_at=int(midnights[0]), grid_id=w.grid_id,
                 duty_from_h=duty_hours[0], duty_to_h=duty_hours[1], computed_at=computed_at,
                 **found.get(w.id, idle).__dict__) for w in workers]


def duty_hours_of(rules: AssessmentRules, day: date) -> tuple[int, int]:
    """The duty hours of the rules version of ``day``'s month (the first version's before any applied)."""
    month = Month(day.year, day.month)
    applying = [v for v in rules.versions if v.effective_from <= month] or rules.versions[:1]
    return tuple(applying[-1].worker.duty_hours)


def summarised_days(store: Store, first_day: date, last_day: date) -> set[date]:
    """The days from ``first_day`` to ``last_day`` that have a summary."""
    with store.engine.connect() as conn:
        return set(conn.execute(select(S.c.day).distinct().where(S.c.day.between(first_day, last_day))).scalars())


def local_day(t: int, tz: tzinfo | None) -> date:
    """The local day (in ``tz``, default this machine's) epoch second ``t`` falls on."""
    when = from_epoch(t)
    return (when.astimezone() if tz is None else when.astimezone(tz)).date()


def summarise_missing(store: Store, first_day: date, last_day: date, state: TaskState | None = None, *,
                      tz: tzinfo | None = None, rules: AssessmentRules | None = None, now: datetime | None = None,
                      policy: TrackPolicy = TrackPolicy()) -> list[date]:
    """Summarise the days from ``first_day`` to ``last_day`` that are over and have no summary yet."""
    have = summarised_days(store, first_day, last_day)
    written = []
    day = first_day
    while day <= last_day:
        if day not in have:
            written += summarise_days(store, day, day, state, tz=tz, rules=rules, now=now, policy=policy)
        day += timedelta(days=1)
    return written


def summarise_before_deleting(store: Store, cutoff: int, state: TaskState | None = None, *,
                              tz: tzinfo | None = None, rules: AssessmentRules | None = None,
                              now: datetime | None = None, policy: TrackPolicy = TrackPolicy()) -> list[date]:
    """Before retention deletes the positions older than ``cutoff`` (epoch seconds): summarise each day
    from the oldest stored position's to the one ``cutoff`` falls in that has no summary yet.  The oldest
    position is taken as the first stored (by id): a phone's late upload of an older fix is not looked for."""
    with store.engine.connect() as conn:
        oldest = conn.execute(select(Position.t).order_by(Position.id).limit(1)).scalar()
    if oldest is None or oldest >= cutoff:
        return []
    return summarise_missing(store, local_day(oldest, tz), local_day(cutoff - 1, tz), state, tz=tz, rules=rules,
                             now=now, policy=policy)
