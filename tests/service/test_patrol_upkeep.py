"""The intake keeps the daily patrol summaries up to date: each finished day once, a day before retention
deletes its positions, and a running summary of today."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from console.core.clock import to_epoch
from console.service import start_service
from console.storage.models import PatrolDay, PatrolPartial
from console.storage.positions import PositionRow
from tests.service.conftest import PHONE, T0

CN = timezone(timedelta(hours=8))  # START (08:00 UTC on 29 November) is 16:00 there
START_CN = datetime(2026, 11, 29, 16, tzinfo=CN)


def walk(positions, start: datetime, minutes: int) -> None:
    """W0's phone: a fix a minute from ``start``, walking east."""
    device = positions.device(PHONE)
    t0 = to_epoch(start)
    positions.write_batch([PositionRow(device.id, device.worker_id, t0 + 60 * k, 120.3 + 0.0002 * k, 30.1,
                                       accuracy=5.0) for k in range(minutes + 1)])


def summaries(store) -> dict:
    with store.sessions() as session:
        return {(r.day, r.worker_id): r for r in session.scalars(select(PatrolDay))}


def test_the_intake_summarises_yesterday_once(store, clock, positions):
    walk(positions, datetime(2026, 11, 28, 9, tzinfo=CN), 60)
    walk(positions, datetime(2026, 11, 29, 9, tzinfo=CN), 30)  # today: not over, not summarised
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, local_tz=CN, summary_lookback_days=1,
                           retention_days=None)
    try:
        assert handle.summarise_patrols() == [date(2026, 11, 28)]
        assert handle.summarise_patrols() == []
        clock.advance(timedelta(hours=8, minutes=5))  # 00:05 on the 30th: the 29th's last interval may still run
        assert handle.summarise_patrols() == []
        clock.advance(timedelta(minutes=10))
        assert handle.summarise_patrols() == [date(2026, 11, 29)]
    finally:
        handle.stop()
    rows = summaries(store)
    worker = positions.device(PHONE).worker_id
    assert {day for day, _ in rows} == {date(2026, 11, 28), date(2026, 11, 29)}
    assert rows[(date(2026, 11, 28), worker)].patrol_s == 3600 and rows[(date(2026, 11, 28), worker)].fixes == 61
    assert rows[(date(2026, 11, 29), worker)].patrol_s == 1800


def test_retention_summarises_a_day_before_deleting_its_positions(store, clock, positions):
    old = datetime.fromtimestamp(T0 - 40 * 86_400, CN).replace(hour=9, minute=0, second=0)
    walk(positions, old, 60)
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, local_tz=CN, retention_days=30,
                           summary_check_s=None)
    try:
        assert handle.apply_retention() == 61
    finally:
        handle.stop()
    assert positions.count() == 0
    row = summaries(store)[(old.date(), positions.device(PHONE).worker_id)]
    assert row.patrol_s == 3600 and row.fixes == 61


def test_the_intake_keeps_a_running_summary_of_today(store, clock, positions):
    walk(positions, datetime(2026, 11, 29, 15, 30, tzinfo=CN), 20)  # 15:30 to 15:50 today
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, local_tz=CN, summary_lookback_days=1,
                           retention_days=None)
    worker = positions.device(PHONE).worker_id
    try:
        handle.summarise_patrols()  # 16:00: today up to 15:59
        first = running(store)[(date(2026, 11, 29), worker)]
        assert (first.through, first.fixes, first.patrol_s) == (to_epoch(START_CN) - 60, 21, 1200)
        walk(positions, datetime(2026, 11, 29, 16, 10, tzinfo=CN), 10)
        clock.advance(timedelta(minutes=30))
        handle.summarise_patrols()
    finally:
        handle.stop()
    later = running(store)[(date(2026, 11, 29), worker)]
    assert (later.through, later.fixes, later.patrol_s) == (to_epoch(START_CN) + 29 * 60, 32, 1800)


def running(store) -> dict:
    with store.sessions() as session:
        return {(r.day, r.worker_id): r for r in session.scalars(select(PatrolPartial))}
