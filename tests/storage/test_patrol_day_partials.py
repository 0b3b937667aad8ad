"""Running summaries of the day in progress: the scorecards of the month in progress give the same figures
with them as from the positions alone, wherever the intake last brought them forward (a walk out of the grid
across midnight, the day before not summarised yet); they read only the positions after a summary; a day's
daily summary replaces them; a summary for another grid is not used.

The town of tests/storage/test_patrol_days.py: 李建国 (W1) walks out of his outlined grid from 23:00 on
10 October to 01:00 on the 11th, a fix a minute, a few marked poor."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import delete, select, update

from console.core.clock import to_epoch
from console.storage import patrol_day as patrol_day_module
from console.storage.models import PatrolPartial, Position, Worker
from console.storage.patrol_day import local_midnights, patrol_day
from console.storage.patrol_days import summarise_days
from console.storage.patrol_partials import advance_partials
from console.storage.scorecards import read_scorecards
from console.tasks import Cancelled, TaskState
from tests.storage.test_patrol_days import add_midnight_walk, patrols
from tests.storage.test_scorecards import CN, OCTOBER, Town, at


@pytest.fixture
def town(store) -> Town:
    town = Town(store).build()
    add_midnight_walk(town)
    return town


def cards(town, now):
    return patrols(read_scorecards(town.store, OCTOBER, tz=CN, now=now, previous=False))


def partial_rows(town) -> dict:
    with town.store.sessions() as session:
        return {(r.day, r.worker_id): r for r in session.scalars(select(PatrolPartial))}


@pytest.mark.parametrize("steps", [
    [(10, 23, 20)],
    [(10, 23, 9), (10, 23, 31), (10, 23, 32), (10, 23, 58)],
    [(10, 23, 40), (11, 0, 2), (11, 0, 17)],  # the 10th's summary brought to midnight, then the 11th's begun
])
def test_the_month_in_progress_is_the_same_with_running_summaries(town, steps):
    summarise_days(town.store, date(2026, 10, 1), date(2026, 10, 9), tz=CN, now=at(11, 1))
    for day, hour, minute in steps:
        advance_partials(town.store, at(day, hour, minute), tz=CN)
    for now in (at(11, 0, 17), at(11, 0, 59), at(11, 1, 30)):
        with_partials = cards(town, now)
        with town.store.engine.begin() as conn:
            saved = conn.execute(select(PatrolPartial.__table__)).mappings().all()
            conn.execute(delete(PatrolPartial))
        assert with_partials == cards(town, now)
        with town.store.engine.begin() as conn:
            conn.execute(PatrolPartial.__table__.insert(), [dict(r) for r in saved])


def test_a_row_holds_the_day_so_far_and_only_later_positions_are_read(town):
    through = to_epoch(at(10, 23, 59)) - 60  # he left his grid at 23:50
    assert advance_partials(town.store, at(10, 23, 59), tz=CN) == date(2026, 10, 10)
    rows = partial_rows(town)
    assert {w for _day, w in rows} == {town.w0, town.w1, town.w2}  # every worker, zeros without a position
    w1 = rows[(date(2026, 10, 10), town.w1)]
    with town.store.engine.connect() as conn:
        fixes = [(t, lon, lat, acc, valid) for t, lon, lat, acc, valid in conn.execute(
            select(Position.t, Position.lon, Position.lat, Position.accuracy, Position.valid)
            .where(Position.worker_id == town.w1, Position.t < through).order_by(Position.t))]
    midnight = local_midnights(date(2026, 10, 10), 1, CN)[0]
    expected = patrol_day(fixes, [], np.array([[8, 17], [32, 41]]) * 3600 + midnight, None)
    assert (w1.through, w1.fixes) == (through, 58)
    assert (w1.patrol_s, w1.covered_s, w1.fixes) == (expected.patrol_s, expected.covered_s, expected.fixes)
    assert 0 < w1.outside_s < w1.patrol_s and w1.distance_m > 0
    # the scorecards take the evening up to ``through`` from the row: without its positions, the same figures
    now = at(11, 0, 45)
    before = cards(town, now)
    with town.store.engine.begin() as conn:
        conn.execute(delete(Position).where(Position.worker_id == town.w1, Position.t < through,
                                            Position.t >= to_epoch(at(10, 12))))
    assert cards(town, now) == before


def test_bringing_forward_twice_to_the_same_second_changes_nothing(town):
    advance_partials(town.store, at(10, 23, 30), tz=CN)
    first = {k: (r.state, r.distance_m, r.fixes) for k, r in partial_rows(town).items()}
    advance_partials(town.store, at(10, 23, 30), tz=CN)
    assert {k: (r.state, r.distance_m, r.fixes) for k, r in partial_rows(town).items()} == first


def test_a_summary_for_another_grid_is_not_used_and_the_daily_summary_replaces_them(town):
    advance_partials(town.store, at(10, 23, 30), tz=CN)
    now = at(10, 23, 45)
    with town.store.engine.begin() as conn:
        conn.execute(update(PatrolPartial).where(PatrolPartial.worker_id == town.w1).values(
            grid_id=PatrolPartial.grid_id + 1000, patrol_s=0.0, distance_m=0.0, state='{"bad": 1}'))
        from_positions = cards(town, now)
        conn.execute(delete(PatrolPartial))
    assert from_positions == cards(town, now)
    advance_partials(town.store, at(11, 0, 30), tz=CN)
    assert {day for day, _w in partial_rows(town)} == {date(2026, 10, 11)}
    summarise_days(town.store, date(2026, 10, 11), date(2026, 10, 11), tz=CN, now=at(12, 1))
    assert partial_rows(town) == {}


def test_a_worker_moved_to_another_grid_is_measured_from_midnight_again(town):
    advance_partials(town.store, at(10, 23, 30), tz=CN)
    with town.store.engine.begin() as conn:
        other = conn.execute(select(Worker.grid_id).where(Worker.id == town.w0)).scalar()
        conn.execute(update(Worker).where(Worker.id == town.w1).values(grid_id=other))
    advance_partials(town.store, at(10, 23, 50), tz=CN)
    w1 = partial_rows(town)[(date(2026, 10, 10), town.w1)]
    assert (w1.grid_id, w1.fixes, w1.outside_s) == (other, 49, 0.0)  # the other grid has no outline


def test_cancelling_leaves_the_rows_as_they_were(town):
    advance_partials(town.store, at(10, 23, 30), tz=CN)
    before = {k: (r.through, r.state) for k, r in partial_rows(town).items()}
    state = TaskState()
    state.request_interruption()
    with pytest.raises(Cancelled):
        advance_partials(town.store, at(10, 23, 50), state, tz=CN)
    assert {k: (r.through, r.state) for k, r in partial_rows(town).items()} == before


def test_the_same_when_every_worker_is_read_at_once(town, monkeypatch):
    """A city's scorecards read every worker's positions in one query (by worker, through the workers)."""
    summarise_days(town.store, date(2026, 10, 1), date(2026, 10, 9), tz=CN, now=at(11, 1))
    advance_partials(town.store, at(10, 23, 40), tz=CN)
    few = cards(town, at(11, 0, 30))
    with town.store.engine.begin() as conn:
        conn.execute(delete(PatrolPartial))
    monkeypatch.setattr(patrol_day_module, "FEW_WORKERS", 0)
    assert cards(town, at(11, 0, 30)) == few  # from the positions alone
    advance_partials(town.store, at(10, 23, 40), tz=CN)
    advance_partials(town.store, at(10, 23, 55), tz=CN)
    assert cards(town, at(11, 0, 30)) == few
