"""The dashboard dock: it draws a hand-built day, hover shows values, and a click on a bar or a row
asks for exactly that figure's incidents — which the dispatch queue then shows, with a removable chip."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import insert

from console.core.clock import to_epoch
from console.core.taxonomy import default_taxonomy
from console.storage.dashboard import DashboardCache, read_dashboard
from console.storage.models import Incident, incident_departments
from widgets.dashboard import DashboardView
from widgets.queue_model import IncidentQueueModel
from widgets.queue_view import QueueView
from tests.widgets.conftest import NOW

T = Incident.__table__
H = 3600
TIMEOUT = 10_000
_numbers = itertools.count(1)


def add(store, *, ago: float, village: int, status: str = "closed", source: str = "worker_app",
        category: str = "ENV", level: int = 1, departments=()) -> int:
    created = to_epoch(NOW) - int(ago)
    n = next(_numbers)
    with store.engine.begin() as conn:
        incident_id = conn.execute(insert(T).values(
            number=f"D-{n:04d}", title=f"dashboard {n}", description="", category=category, subitem=category + "01",
            level=level, source=source, village_id=village, grid_id=(village - 1) * 3 + 1, reporter="",
            created_at=created, deadline_at=created + H, status=status, one_key=source == "one_key", queue_rank=1,
            assignee_text="", feedback="", version=1, resolved_at=created + H if status == "closed" else None,
            closed_at=created + H if status == "closed" else None)).inserted_primary_key[0]
        for d in departments:
            conn.execute(insert(incident_departments).values(incident_id=incident_id, department_id=d))
    return incident_id


@pytest.fixture
def day(small_db):
    """Camera reports in villages 1 and 2 (3 in the last 30 days, 1 older), worker reports besides."""
    store = small_db.store
    ids = {"camera": [add(store, ago=2 * H, village=1, source="camera", status="reported", departments=(2,)),
                      add(store, ago=3 * 86400, village=2, source="camera", departments=(2,)),
                      add(store, ago=10 * 86400, village=2, source="camera")],
           "old_camera": add(store, ago=40 * 86400, village=2, source="camera"),
           "worker": [add(store, ago=k * H + 60, village=1 + k % 3, status="in_progress" if k % 2 else "closed",
                          category="FIR" if k % 3 == 0 else "ENV", departments=(2,) if k == 1 else ())
                      for k in range(6)]}
    return ids


@pytest.fixture
def dashboard_view(qtbot, small_db, day):
    view = DashboardView(default_taxonomy(), "en")
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    view.draw_now(read_dashboard(small_db.store, NOW, cache=DashboardCache()))
    QTest.qWait(50)
    return view


def click_bar(qtbot, chart, key):
    index = chart.keys().index(key)
    with qtbot.waitSignal(chart.bar_clicked, timeout=2000) as clicked:
        QTest.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         chart.bar_centre(index))
    return clicked.args[0]


def test_charts_show_the_figures_and_values_on_hover(qtbot, dashboard_view):
    view = dashboard_view
    assert dict(zip(view.sources.keys(), view.sources.values()))["camera"] == 3
    assert view.figures["open"].text().startswith("4\n")  # the reported camera one and three in progress
    chart = view.sources
    QTest.mouseMove(chart.viewport(), chart.bar_centre(chart.keys().index("camera")))
    qtbot.waitUntil(lambda: "Camera: 3" in chart.toolTip(), timeout=2000)
    assert view.village_rows.rowCount() == 3 and view.department_rows.rowCount() == 19


def test_clicking_a_bar_filters_the_queue_to_exactly_its_incidents(qtbot, small_db, tasks, dashboard_view, day):
    view = dashboard_view
    requested = []
    view.filter_requested.connect(lambda flt, text: requested.append((flt, text)))
    assert click_bar(qtbot, view.sources, "camera") == "camera"
    [(flt, text)] = requested
    dash = view.dashboard
    assert (flt.source, flt.created_from, flt.statuses) == ("camera", dash.period_start, frozenset())
    assert "Camera" in text

    model = IncidentQueueModel(small_db.store, tasks, small_db.service, "en")
    queue = QueueView(model)
    qtbot.addWidget(queue)
    queue.show()
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        queue.apply_filter_from_outside(flt, text)
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    shown = {model.row_at(r).id for r in range(model.rowCount())}
    assert shown == set(day["camera"])  # not the 40-day-old one, not the worker reports
    assert queue.source_filter.currentData() == "camera" and queue.status_filter.statuses() == frozenset()
    assert queue.outside_filter.isVisible() and "Camera" in queue.outside_filter.text()

    # a department's "received" cell, then the chip's clear button
    requested.clear()
    rows = view.department_rows
    row = next(r for r in range(rows.rowCount()) if rows.index(r, 0).data(rows.KeyRole) == 2)
    rect = view.departments.visualRect(rows.index(row, 2))
    QTest.mouseClick(view.departments.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    [(flt, text)] = requested
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        queue.apply_filter_from_outside(flt, text)
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    assert {model.row_at(r).id for r in range(model.rowCount())} == {day["camera"][0], day["camera"][1],
                                                                     day["worker"][1]}
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        QTest.mouseClick(queue.clear_outside_filter, Qt.MouseButton.LeftButton)
    assert not queue.outside_filter.isVisible()
    assert model.current_filter().department_id is None and model.current_filter().created_from is None


def test_a_day_bar_and_a_village_row(qtbot, dashboard_view, day):
    view = dashboard_view
    requested = []
    view.filter_requested.connect(lambda flt, text: requested.append(flt))
    today = view.per_day.keys()[-1]
    click_bar(qtbot, view.per_day, today)
    dash = view.dashboard
    assert (requested[-1].created_from, requested[-1].created_to) == (
        dash.day_starts[-1], dash.day_starts[-1] + 86400)
    index = view.village_rows.index(0, 2)  # the "Open" column of the most unresolved village
    QTest.mouseClick(view.villages.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.villages.visualRect(index).center())
    assert requested[-1].village_id == index.data(view.village_rows.KeyRole)
    assert requested[-1].statuses and requested[-1].created_from == dash.red_light_start


def test_render_for_a_look(qtbot, dashboard_view):
    dashboard_view.grab().save("/tmp/dashboard-dock.png")


def test_the_room_reads_in_a_process_of_its_own_and_draws_the_figures(qtbot, small_db, tasks, day):
    """The dock's figures are read in a separate process (the GUI thread never waits for its interpreter
    lock) and drawn as read here; stopping the room ends that process."""
    from console.gui.context import ConsoleContext
    from console.gui.dashboard_room import DashboardRoom

    context = ConsoleContext(small_db.store, small_db.service, tasks, default_taxonomy(), small_db.clock, "test", "en")
    room = DashboardRoom(context)
    qtbot.addWidget(room.view)
    assert room.reader is not None
    try:
        with qtbot.waitSignal(room.updated, timeout=60_000) as arrived:
            room.start()
        expected = read_dashboard(small_db.store, small_db.clock.now().astimezone(), cache=DashboardCache())
        assert arrived.args[0] == expected
        qtbot.waitUntil(lambda: not room.view.is_drawing(), timeout=TIMEOUT)
        assert room.view.figures["received"].text().split("\n")[0] == str(expected.received)
        assert expected.received == 9  # the three camera reports of the last 30 days and the six workers'
        process = room.reader._process
    finally:
        room.stop()
    qtbot.waitUntil(lambda: process.exitcode is not None, timeout=TIMEOUT)
    assert process.exitcode == 0
