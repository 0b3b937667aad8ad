"""The monthly report's figures against a hand-built November: exact counts, rates, per-level averages, department
rows and red lights, for the town and for one village; incidents outside the month do not count."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.core.clock import to_epoch
from console.storage.monthly_report import month_bounds, previous_month, read_month
from tests.storage.conftest import insert_incident

H, DAY = 3600, 86400
UTC = timezone.utc
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def add(store, places, when: datetime, *, village: int = 0, status: str = "closed", source: str = "worker_app",
        category: str = "ENV", level: int = 1, close_after: int = H, deadline_after: int = DAY,
        resolve_after: int | None = None, departments: tuple[int, ...] = ()) -> int:
    """One incident reported at ``when``; closed ones are resolved and closed ``close_after`` s after it."""
    created = to_epoch(when)
    closed_at = created + close_after if status == "closed" else None
    resolved_at = created + resolve_after if resolve_after is not None else closed_at
    return insert_incident(store, places, created=created, village=village, status=status, source=source,
                           category=category, level=level, deadline_after=deadline_after, resolved_at=resolved_at,
                           closed_at=closed_at, departments=departments, prefix="M")


def nov(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def month(store, places):
    """November 2026 (UTC): village 0 has 3 incidents, all open (red); village 1 has 6: 4 closed, 1 rejected,
    1 resolved late.  Plus incidents just before and just after the month."""
    # village 0: three open, two of them past their deadline now
    add(store, places, nov(3), status="reported", deadline_after=H, departments=(0,))
    add(store, places, nov(3), status="dispatched", deadline_after=H, source="one_key", category="FIR",
        departments=(0, 1))
    add(store, places, nov(30, 20), status="in_progress", category="FIR", level=2, deadline_after=30 * DAY)
    # village 1: closed in 2 h and 4 h (level 1), 10 h and 20 h (level 2, the 20 h one after its 12 h deadline)
    add(store, places, nov(1, 0), village=1, close_after=2 * H, departments=(0,))
    add(store, places, nov(5), village=1, close_after=4 * H, source="camera", departments=(1,))
    add(store, places, nov(10), village=1, level=2, close_after=10 * H, source="citizen", departments=(1,))
    add(store, places, nov(10), village=1, level=2, close_after=20 * H, deadline_after=12 * H, departments=(1,))
    add(store, places, nov(12), village=1, status="rejected", category="TRA", deadline_after=H)
    add(store, places, nov(20), village=1, status="resolved", resolve_after=3 * DAY, deadline_after=DAY,
        departments=(2,))
    # outside the month: the last hour of October, the first of December
    add(store, places, datetime(2026, 10, 31, 23, tzinfo=UTC), village=1, departments=(0,))
    add(store, places, datetime(2026, 12, 1, 0, tzinfo=UTC), status="reported", departments=(0,))


def test_town_figures(store, places, month):
    fig = read_month(store, 2026, 11, tz=UTC, now=NOW)
    assert (fig.received, fig.closed, fig.rejected, fig.open) == (9, 4, 1, 3)
    assert fig.overdue == 4  # two open past deadline, one closed after it, one resolved after it
    assert fig.closure_rate == pytest.approx(4 / 8)
    assert fig.reference_closure_rate == pytest.approx(0.996)
    assert fig.closed_by_level == {1: 2, 2: 2, 3: 0, 4: 0}
    assert fig.average_close_by_level == {1: pytest.approx(3 * H), 2: pytest.approx(15 * H), 3: None, 4: None}
    assert fig.average_close_s == pytest.approx(9 * H)
    assert (fig.town_name_zh, fig.village_name_zh, fig.place_name("zh_CN")) == ("杨汛桥镇", "", "杨汛桥镇")
    # per day
    assert len(fig.day_starts) == len(fig.new_per_day) == 30
    assert fig.day_starts[0] == to_epoch(nov(1, 0))
    assert sum(fig.new_per_day) == 9
    assert (fig.new_per_day[0], fig.new_per_day[2], fig.new_per_day[9], fig.new_per_day[29]) == (1, 2, 2, 1)
    assert dict(fig.sources) == {"worker_app": 6, "one_key": 1, "camera": 1, "citizen": 1, "operator": 0}
    assert fig.categories == (("ENV", 6), ("FIR", 2), ("TRA", 1))
    # departments: 0 has three (two open and overdue, one closed in 2 h); 1 has four; 2 has the late resolved one
    d0, d1, d2 = fig.departments
    assert (d0.name_zh, d0.received, d0.closed, d0.overdue, d0.average_close_s) == ("杨汛桥派出所", 3, 1, 2, 2 * H)
    assert (d1.received, d1.closed, d1.overdue, d1.average_close_s) == (4, 3, 2, pytest.approx(34 * H / 3))
    assert (d2.received, d2.closed, d2.overdue, d2.average_close_s) == (1, 0, 1, None)
    assert d0.assessment == "A"
    # villages: village 0 all open -> red; village 1: nothing open -> not red
    v0, v1 = fig.villages
    assert (v0.id, v0.reported, v0.open, v0.unresolved_share, v0.red) == (places.villages[0], 3, 3, 1.0, True)
    assert (v1.id, v1.reported, v1.open, v1.red) == (places.villages[1], 6, 0, False)
    assert fig.red_villages == (places.villages[0],)


def test_one_village(store, places, month):
    fig = read_month(store, 2026, 11, places.villages[1], tz=UTC, now=NOW)
    assert (fig.received, fig.closed, fig.rejected, fig.open, fig.overdue) == (6, 4, 1, 0, 2)
    assert fig.closure_rate == pytest.approx(4 / 5)
    assert fig.place_name("en") == "Village 1" and fig.town_name_en == "Yangxunqiao"
    assert [v.id for v in fig.villages] == [places.villages[1]]
    # the town's departments, with this village's incidents only
    assert [(d.received, d.closed, d.overdue) for d in fig.departments] == [(1, 1, 0), (3, 3, 1), (1, 0, 1)]
    assert fig.scope.town_id == places.town


def test_month_boundaries_follow_the_time_zone(store, places, month):
    # in China Standard Time November runs from Oct 31 16:00 UTC to Nov 30 16:00 UTC: the October incident
    # (23:00 UTC = Nov 1 07:00 CST) counts, the one of Nov 30 20:00 UTC (Dec 1 CST) does not
    fig = read_month(store, 2026, 11, tz=CST, now=NOW)
    assert fig.received == 9
    assert fig.start == to_epoch(datetime(2026, 11, 1, tzinfo=CST))
    assert fig.new_per_day[0] == 2 and fig.new_per_day[-1] == 0
    december = read_month(store, 2026, 12, tz=CST, now=NOW)
    assert december.received == 2 and len(december.day_starts) == 31


def test_empty_month_and_helpers(store, places):
    fig = read_month(store, 2026, 2, tz=UTC, now=NOW)
    assert (fig.received, fig.closure_rate, fig.average_close_s, len(fig.day_starts)) == (0, None, None, 28)
    assert all(d.received == 0 for d in fig.departments) and not fig.red_villages
    start, end = month_bounds(2026, 12, UTC)
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert previous_month(datetime(2026, 1, 15, tzinfo=UTC)) == (2025, 12)
    with pytest.raises(ValueError):
        read_month(store, 2026, 11, 999_999, tz=UTC, now=NOW)
