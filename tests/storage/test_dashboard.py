"""The dashboard's figures against a hand-built town: known counts, rates and red lights, on both backends;
every figure's queue filter selects exactly the incidents behind it; the cache stays equal to a fresh read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from console.core.clock import to_epoch
from console.storage.dashboard import (PERIOD_DAYS, TREND_DAYS, DashboardCache, DashboardScope, figure_filter,
                                       read_dashboard)
from console.storage.models import Incident
from console.storage.queue import QueueQuery
from tests.storage.conftest import START, insert_incident

NOW = START  # 2026-11-29 08:00 UTC
H, DAY = 3600, 86400
T = Incident.__table__


def add(store, places, *, ago: float, village: int = 0, status: str = "closed", source: str = "worker_app",
        category: str = "ENV", level: int = 1, close_after: int | None = None, deadline_after: int = DAY,
        resolved_ago: float | None = None, departments: tuple[int, ...] = ()) -> int:
    """One incident reported ``ago`` seconds before NOW; closed ones close ``close_after`` s after report."""
    created = to_epoch(NOW) - int(ago)
    closed_at = created + (close_after or H) if status == "closed" else None
    resolved_at = to_epoch(NOW) - int(resolved_ago) if resolved_ago is not None else closed_at
    return insert_incident(store, places, created=created, village=village, status=status, source=source,
                           category=category, level=level, deadline_after=deadline_after, resolved_at=resolved_at,
                           closed_at=closed_at, departments=departments)


@pytest.fixture
def town(store, places):
    """Village 0: 4 open of 4 this week (red).  Village 1: 1 open of 5 this week.  Older history besides."""
    ids = {}
    # village 0, this week: all four still open, two overdue (deadline 1 h after report, reported 2 days ago)
    ids["red_open"] = [add(store, places, ago=2 * DAY, status="reported", deadline_after=H, departments=(0,)),
                       add(store, places, ago=2 * DAY, status="dispatched", deadline_after=H, source="one_key",
                           category="FIR"),
                       add(store, places, ago=3 * H, status="in_progress", category="FIR", level=2),
                       add(store, places, ago=30 * 60, status="reported", source="citizen", departments=(1,))]
    # village 1, this week: four closed (1 h, 2 h, 3 h, 4 h to close), one open
    ids["b_closed"] = [add(store, places, ago=3 * DAY + k * H, village=1, close_after=(k + 1) * H,
                           departments=(0,) if k == 0 else ()) for k in range(4)]
    ids["b_open"] = add(store, places, ago=5 * H, village=1, status="accepted", source="camera", level=3)
    # older, still in the 30-day period: two level-2 closed (10 h and 20 h), one rejected, one resolved
    ids["old"] = [add(store, places, ago=20 * DAY, village=1, level=2, close_after=10 * H, source="operator"),
                  add(store, places, ago=20 * DAY + H, village=1, level=2, close_after=20 * H),
                  add(store, places, ago=10 * DAY, village=0, status="rejected", category="TRA"),
                  add(store, places, ago=12 * DAY, village=0, status="resolved", resolved_ago=2 * H)]
    # the previous 30 days and before: counted in the trend only, then not at all
    ids["previous"] = add(store, places, ago=45 * DAY, village=1)
    ids["ancient"] = add(store, places, ago=90 * DAY, village=1)
    return ids


def test_known_counts_rates_and_red_lights(store, places, town):
    dash = read_dashboard(store, NOW)
    v0, v1 = places.villages
    # the period: 4 + 5 + 4 incidents, 6 closed, 1 rejected -> 6 / 12
    assert (dash.received, dash.closed, dash.rejected) == (13, 6, 1)
    assert dash.closure_rate == pytest.approx(6 / 12)
    assert dash.reference_closure_rate == pytest.approx(0.996)
    assert dash.closed_by_level == {1: 4, 2: 2, 3: 0, 4: 0}
    assert dash.average_close_by_level == {1: pytest.approx(2.5 * H), 2: pytest.approx(15 * H), 3: None, 4: None}
    assert (dash.open_now, dash.overdue_now, dash.one_key_open) == (5, 2, 1)
    assert dict(dash.sources) == {"worker_app": 9, "one_key": 1, "camera": 1, "citizen": 1, "operator": 1}
    assert dash.categories == (("ENV", 10), ("FIR", 2), ("TRA", 1))
    # villages over the 7-day red-light window
    by_id = {v.id: v for v in dash.villages}
    assert (by_id[v0].reported, by_id[v0].open, by_id[v0].unresolved_share, by_id[v0].red) == (4, 4, 1.0, True)
    assert (by_id[v1].reported, by_id[v1].open, by_id[v1].red) == (5, 1, False)
    assert by_id[v1].unresolved_share == pytest.approx(0.2)
    assert dash.red_villages == (v0,) and dash.villages[0].id == v0
    # departments: 0 got the overdue report and one closed (1 h); 1 got the fresh report
    d0, d1, d2 = dash.departments
    assert (d0.received, d0.closed, d0.overdue, d0.average_close_s) == (2, 1, 1, pytest.approx(H))
    assert (d1.received, d1.closed, d1.overdue, d1.average_close_s) == (1, 0, 0, None)
    assert (d2.received, d2.overdue, d2.assessment) == (0, 0, "A")
    # trend: 60 days, the last is today (3 reported today: 5 h, 3 h and 30 min ago)
    assert len(dash.day_starts) == TREND_DAYS and dash.day_starts[-1] == to_epoch(NOW) - 8 * H
    assert sum(dash.current_30) == 13 + 0 and sum(dash.previous_30) == 1
    assert dash.new_today == 3
    assert dash.new_per_day[-3] == 2 and dash.new_per_day[-4] == 4  # 2 days ago; 3 days ago
    # per hour (the last is the current hour, 08:00-09:00): reported 5 h, 3 h and 30 min ago; resolved 2 h ago
    assert dash.reported_per_hour[-2] == 1 and dash.reported_per_hour[-4] == 1 and dash.reported_per_hour[-6] == 1
    assert sum(dash.reported_per_hour) == 3
    assert sum(dash.handled_per_hour) == 1 and dash.handled_per_hour[-3] == 1
    assert [line.id for line in dash.latest_one_key] == [town["red_open"][1]]
    assert [line.id for line in dash.most_overdue] == town["red_open"][:2]
    assert dash.latest_one_key[0].number.startswith("T-")


def test_a_village_scope_counts_only_that_village(store, places, town):
    dash = read_dashboard(store, NOW, DashboardScope(village_id=places.villages[1]))
    assert (dash.received, dash.closed, dash.open_now) == (7, 6, 1)
    assert [v.id for v in dash.villages] == [places.villages[1]]
    town_dash = read_dashboard(store, NOW, DashboardScope(town_id=places.town))
    assert town_dash.received == 13 and len(town_dash.departments) == 3


def _figures(dash):
    yield "received", None, dash.received
    yield "closed", None, dash.closed
    yield "open", None, dash.open_now
    yield "overdue", None, dash.overdue_now
    yield "one_key", None, dash.one_key_open
    for i, n in enumerate(dash.reported_per_hour):
        yield "hour", i, n
    for i, n in enumerate(dash.new_per_day):
        yield "day", i, n
    for source, n in dash.sources:
        yield "source", source, n
    for category, n in dash.categories:
        yield "category", category, n
    for level, n in dash.closed_by_level.items():
        yield "level", level, n
    for d in dash.departments:
        yield "department", d.id, d.received
        yield "department_closed", d.id, d.closed
        yield "department_overdue", d.id, d.overdue
    for v in dash.villages:
        yield "village", v.id, v.reported
        yield "village_open", v.id, v.open


@pytest.mark.parametrize("scope", ["all", "village"])
def test_every_figure_filters_the_queue_to_exactly_its_incidents(store, places, town, scope):
    dash = read_dashboard(store, NOW, DashboardScope(village_id=places.villages[0]) if scope == "village"
                          else DashboardScope())
    with store.engine.connect() as conn:
        for kind, key, expected in _figures(dash):
            pinned, unpinned = QueueQuery(figure_filter(dash, kind, key)).count(conn, NOW)
            assert pinned + unpinned == expected, (kind, key)


def test_the_cache_keeps_up_with_closing_reopening_new_reports_and_time(store, places, town):
    cache = DashboardCache()
    first = read_dashboard(store, NOW, cache=cache)
    assert first == read_dashboard(store, NOW)
    with store.engine.begin() as conn:  # one closes, one closed one is reopened, one new report
        conn.execute(update(T).where(T.c.id == town["red_open"][2]).values(
            status="closed", resolved_at=to_epoch(NOW), closed_at=to_epoch(NOW)))
        conn.execute(update(T).where(T.c.id == town["b_closed"][1]).values(status="reopened"))
    add(store, places, ago=60, village=1, status="reported", departments=(2,))
    later = NOW + timedelta(hours=1)
    again = read_dashboard(store, later, cache=cache)
    assert again == read_dashboard(store, later)
    assert (again.received, again.closed, again.open_now) == (14, 6, 6)
    # a month on, the window slides: the cached one still equals a fresh read
    much_later = NOW + timedelta(days=PERIOD_DAYS)
    assert read_dashboard(store, much_later, cache=cache) == read_dashboard(store, much_later)


def test_a_reader_process_reads_the_same_figures_and_keeps_up(store, places, town):
    """The console reads the figures in a process of its own: the same figures as read here, a closed
    incident shows on the next read, and a reader whose process died starts a new one."""
    from console.storage.dashboard_process import DashboardReader

    reader = DashboardReader(store.engine.url.render_as_string(hide_password=False))
    try:
        before = reader.read(NOW, DashboardScope())
        assert before == read_dashboard(store, NOW, DashboardScope())
        with store.engine.begin() as conn:
            conn.execute(update(T).where(T.c.id == town["b_open"]).values(
                status="closed", resolved_at=to_epoch(NOW) - 60, closed_at=to_epoch(NOW) - 60))
        later = reader.read(NOW, DashboardScope())
        assert later == read_dashboard(store, NOW, DashboardScope())
        assert later.open_now == before.open_now - 1
        first = reader._process
        first.kill()
        first.join()
        assert reader.read(NOW, DashboardScope(village_id=places.villages[1])) == read_dashboard(
            store, NOW, DashboardScope(village_id=places.villages[1]))
        process = reader._process
    finally:
        reader.close()
    assert process.exitcode == 0  # closed: it ended by itself
