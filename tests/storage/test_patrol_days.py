"""Daily patrol summaries: the same figures as the positions give, one transaction a day, recomputing
replaces, cancelling leaves no part of a day, and retention summarises a day before deleting its positions.

The hand-built town of tests/storage/test_scorecards.py, plus 李建国 (W1) walking out of his grid (which has an
outline here) across midnight from 10 to 11 October, with a few fixes the phone marks as poor."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from console.core.clock import to_epoch
from console.storage.models import Boundary, PatrolDay
from console.storage.patrol_days import summarise_before_deleting, summarise_days, summarised_days
from console.storage.positions import PositionRow, PositionStore
from console.storage.scorecards import read_scorecards
from console.tasks import Cancelled, TaskState
from tests.storage.test_scorecards import CN, NOW, OCTOBER, Town, at

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def add_midnight_walk(town: Town) -> None:
    """W1's grid is a small square; he walks east out of it from 23:00 on 10 October to 01:00 on the 11th."""
    square = {"type": "Polygon", "coordinates": [[[120.30, 30.10], [120.31, 30.10], [120.31, 30.11],
                                                  [120.30, 30.11], [120.30, 30.10]]]}
    with town.store.sessions.begin() as session:
        session.add(Boundary(level="grid", code="G1", geometry=json.dumps(square), min_lon=120.30, min_lat=30.10,
                             max_lon=120.31, max_lat=30.11))
    positions = PositionStore(town.store, town.clock)
    device = positions.add_device(town.w1, "phone-w1")
    t0 = to_epoch(at(10, 23))
    rows = [PositionRow(device.id, town.w1, t0 + 60 * k, 120.305 + 0.0001 * k, 30.105,
                        accuracy=80.0 if k % 17 == 5 else 6.0) for k in range(121)]
    positions.write_batch(rows)


@pytest.fixture
def town(store) -> Town:
    town = Town(store).build()
    add_midnight_walk(town)
    return town


def patrols(cards) -> dict:
    return {w.worker_id: (w.patrol, w.score.total) for w in cards.workers}


def test_scorecards_are_the_same_before_and_after_summarising(town):
    before = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    written = summarise_days(town.store, FIRST, LAST, tz=CN, now=NOW)
    assert written == [FIRST + timedelta(days=k) for k in range(31)]
    after = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    assert patrols(after) == patrols(before)
    w1 = after.worker(town.w1).patrol
    assert 0 < w1.inside_grid_s < w1.patrol_s  # he left his grid


def test_a_month_in_progress_mixes_summaries_and_positions(town):
    now = at(11, 0, 30)
    before = read_scorecards(town.store, OCTOBER, tz=CN, now=now, previous=False)
    assert summarise_days(town.store, FIRST, LAST, tz=CN, now=now) == [FIRST + timedelta(days=k)
                                                                      for k in range(10)]
    after = read_scorecards(town.store, OCTOBER, tz=CN, now=now, previous=False)
    assert patrols(after) == patrols(before)


def test_a_days_row_holds_the_positions_figures(town):
    summarise_days(town.store, date(2026, 10, 3), date(2026, 10, 3), tz=CN, now=NOW)
    with town.store.sessions() as session:
        rows = {r.worker_id: r for r in session.scalars(select(PatrolDay).where(PatrolDay.day == date(2026, 10, 3)))}
    assert set(rows) == {town.w0, town.w1, town.w2}  # every worker, a row of zeros without a position
    w0 = rows[town.w0]
    assert (w0.patrol_s, w0.covered_s, w0.duty_covered_s, w0.outside_s, w0.fixes) == (5400, 5400, 5400, 0, 91)
    assert 1500 / 2 < w0.distance_m < 90 * 20 * 1.05
    assert (w0.duty_from_h, w0.duty_to_h, w0.starts_at) == (8, 17, to_epoch(at(3, 0)))
    assert rows[town.w1].fixes == 0 and rows[town.w1].patrol_s == 0


def test_the_interval_across_midnight_is_kept_apart(town):
    summarise_days(town.store, date(2026, 10, 10), date(2026, 10, 11), tz=CN, now=NOW)
    with town.store.sessions() as session:
        w1 = {r.day: r for r in session.scalars(select(PatrolDay).where(PatrolDay.worker_id == town.w1))}
    evening, morning = w1[date(2026, 10, 10)], w1[date(2026, 10, 11)]
    # a fix a minute from 23:00 (60 that evening, 61 the next morning); the poor ones only thin the track
    assert (evening.fixes, morning.fixes) == (60, 61)
    assert (evening.covered_s, evening.overnight_s, morning.covered_s, morning.overnight_s) == (3540, 60, 3600, 0)
    assert 0 < evening.outside_s < evening.patrol_s and morning.outside_s == morning.patrol_s == 3600


def test_recomputing_a_day_replaces_it(town):
    day = date(2026, 10, 3)
    summarise_days(town.store, day, day, tz=CN, now=NOW)
    positions = PositionStore(town.store, town.clock)
    device = positions.add_device(town.w2, "phone-w2")
    t0 = to_epoch(at(3, 14))
    positions.write_batch([PositionRow(device.id, town.w2, t0 + 60 * k, 120.3, 30.1 + 0.0002 * k, accuracy=5.0)
                           for k in range(31)])
    summarise_days(town.store, day, day, tz=CN, now=NOW)
    with town.store.sessions() as session:
        rows = session.scalars(select(PatrolDay).where(PatrolDay.day == day)).all()
    assert len(rows) == 3
    assert next(r for r in rows if r.worker_id == town.w2).patrol_s == 30 * 60


def test_a_day_not_over_is_not_summarised(town):
    now = at(20, 0, 5)  # the 19th's last interval could still run past midnight
    assert summarise_days(town.store, date(2026, 10, 18), date(2026, 10, 20), tz=CN, now=now) == \
        [date(2026, 10, 18)]


def test_cancelling_leaves_the_days_before_written_and_none_in_part(town):
    state = TaskState(lambda fraction, message: message == "2026-10-03" and state.request_interruption())
    with pytest.raises(Cancelled):
        summarise_days(town.store, FIRST, LAST, state, tz=CN, now=NOW)
    assert summarised_days(town.store, FIRST, LAST) == {date(2026, 10, 1), date(2026, 10, 2)}


def test_retention_summarises_a_day_before_deleting_its_positions(town):
    positions = PositionStore(town.store, town.clock)
    cutoff = to_epoch(at(4, 12))
    now = datetime(2026, 11, 2, tzinfo=CN)
    before = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW, previous=False)
    days = summarise_before_deleting(town.store, cutoff, tz=CN, now=now)
    assert days == [date(2026, 10, 3), date(2026, 10, 4)]  # the oldest stored position's day to the cutoff's
    assert summarise_before_deleting(town.store, cutoff, tz=CN, now=now) == []  # once
    assert positions.delete_older_than(0, now=cutoff) == 2 * 91
    after = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW, previous=False)
    assert patrols(after) == patrols(before)
    with town.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PatrolDay)).scalar() == 2 * 3
