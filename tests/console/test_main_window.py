"""The main window on a small demo town: the queue fills, the simulation and deadlines run, layout persists."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from console.core.clock import FakeClock
from console.core.taxonomy import default_taxonomy
from console.demo import write_demo_data
from console.gui.context import ConsoleContext
from console.gui.main_window import MainWindow
from console.gui.settings import ConsoleSettings
from console.gui.taskman import TaskManager
from console.gui.video_room import MAIN_WALL_KEY
from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import AuditEntry, Incident
from widgets.video_wall import WallState

UNTIL = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.db"
    store = open_store(str(path))
    write_demo_data(store, scale="town", days=2, seed=11, until=UNTIL)
    store.dispose()
    return path


@pytest.fixture
def console(demo_db, tmp_path, qtbot):
    db = tmp_path / "town.db"
    db.write_bytes(demo_db.read_bytes())
    store = open_store(str(db))
    clock = FakeClock(UNTIL)
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock,
                             "值班员 测试", "en", is_demo=True)
    settings = ConsoleSettings(tmp_path / "console.ini")
    # An empty wall: these tests are about the window, and sixteen demo feeds decoding beside them would only
    # take the two cores from it (the wall has tests of its own; a test that needs a feed puts a camera up).
    settings.set(MAIN_WALL_KEY, WallState("2x2", [None] * 4).to_json())
    windows = []

    def open_window(speed: float = 0.0) -> MainWindow:
        window = MainWindow(context, settings, simulation_speed=speed)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window
    yield open_window, store, clock, settings
    for window in windows:
        window.close()
    tasks.shutdown()
    store.dispose()


def open_in_db(store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Incident)
                              .where(Incident.status.in_(["reported", "accepted", "dispatched", "in_progress",
                                                          "reopened"])))


def test_queue_shows_the_open_incidents_and_the_operator(console, qtbot):
    open_window, store, _clock, _settings = console
    window = open_window()
    model = window.queue_model
    qtbot.waitUntil(lambda: not model.is_loading() and model.rowCount() > 0, timeout=10_000)
    assert model.total_count() == open_in_db(store)
    assert "值班员 测试" in window.operator_label.text()
    assert window.findChild(type(window.detail_dock), "dock_detail") is window.detail_dock


def test_simulation_files_reports_that_appear_in_the_queue(console, qtbot):
    open_window, store, clock, _settings = console
    window = open_window(speed=50.0)
    model = window.queue_model
    qtbot.waitUntil(lambda: not model.is_loading() and model.rowCount() > 0, timeout=10_000)
    before = model.total_count()
    window.duties.stop()  # drive the ticks by hand with the fake clock
    with qtbot.waitSignal(window.duties.simulation_ticked, timeout=10_000):
        window.duties.tick_simulation()  # the first tick only starts the simulation's clock
    clock.advance(timedelta(minutes=10))
    with qtbot.waitSignal(window.duties.simulation_ticked, timeout=10_000) as ticked:
        window.duties.tick_simulation()
    assert ticked.args[0] > 0
    qtbot.waitUntil(lambda: model.total_count() > before, timeout=10_000)


def test_deadline_sweep_records_reminders_in_the_timeline(console, qtbot):
    open_window, store, clock, _settings = console
    window = open_window()
    window.duties.stop()
    clock.advance(timedelta(days=30))
    with qtbot.waitSignal(window.duties.store_changed, timeout=20_000):
        window.duties.check_deadlines()
    with store.sessions() as session:
        reminders = session.scalar(select(func.count()).select_from(AuditEntry)
                                   .where(AuditEntry.action == "remind", AuditEntry.at >= UNTIL + timedelta(days=30)))
    assert reminders > 0


def test_layout_is_restored_on_the_next_start(console, qtbot):
    open_window, _store, _clock, settings = console
    window = open_window()
    window.resize(window.minimumSizeHint().width(), 500)  # the offscreen screen is only 800×800
    window.detail_dock.hide()
    window.close()
    again = open_window()
    assert again.size().height() == 500
    assert again.detail_dock.isHidden()


def test_the_map_follows_the_queue_and_dispatches_through_the_workflow(console, qtbot):
    open_window, store, _clock, _settings = console
    window = open_window()
    panel = window.map.panel
    window.map_dock.raise_()  # the map's tab in front of the wall's
    qtbot.waitUntil(lambda: panel.live is not None and panel.places is not None, timeout=10_000)
    with store.sessions() as session:
        incident = session.scalars(select(Incident).where(Incident.status == "reported")
                                   .order_by(Incident.id.desc())).first()
    qtbot.waitUntil(lambda: window.queue_view.select_incident(incident.id), timeout=10_000)
    qtbot.waitUntil(lambda: panel.selected_incident == incident.id, timeout=5_000)  # the queue moved the map
    x, y = panel.places.projection.to_xy(incident.lon, incident.lat)
    (x0, x1), (y0, y1) = panel.canvas.view.viewRange()
    assert (x0 + x1) / 2 == pytest.approx(x, abs=2) and (y0 + y1) / 2 == pytest.approx(y, abs=2)

    worker_id = next(w for w in panel.places.workers.ids.tolist())
    with qtbot.waitSignal(window.map.incident_assigned, timeout=10_000):
        panel.assign_requested.emit(incident.id, worker_id)  # as the dispatch card does
    with store.sessions() as session:
        assigned = session.get(Incident, incident.id)
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.incident_id == incident.id)
                                  .order_by(AuditEntry.id)).all()
    assert assigned.status == "dispatched" and assigned.assignee_worker_id == worker_id
    assert actions[-2:] == ["accept", "assign"]  # one action on the map, both steps on the record


def test_a_follow_up_from_the_watchers_reaches_the_task_list_and_is_settled_on_the_record(console, qtbot):
    from console.storage.follow_ups import PHONE_VILLAGE, TaskDraft
    open_window, store, clock, _settings = console
    window = open_window()
    qtbot.waitUntil(lambda: window.map.places is not None, timeout=10_000)
    village = int(window.map.places.villages.ids[0])
    name = window.map.places.villages.names[0]
    with qtbot.waitSignal(window.follow_ups.tasks_raised, timeout=10_000):
        window.map.follow_ups_due.emit([TaskDraft(PHONE_VILLAGE, village, "phone", clock.now())])
    tasks = window.follow_ups.view
    qtbot.waitUntil(lambda: tasks.tree.topLevelItemCount() == 1, timeout=5_000)
    assert name in tasks.tree.topLevelItem(0).text(1)
    with qtbot.waitSignal(window.map.panel.village_selected, timeout=5_000) as shown:
        tasks.tree.itemDoubleClicked.emit(tasks.tree.topLevelItem(0), 1)  # the map shows the village
    assert shown.args == [village]
    tasks.tree.setCurrentItem(tasks.tree.topLevelItem(0))
    tasks.note.setText("called the village head")
    tasks.done_button.click()
    qtbot.waitUntil(lambda: tasks.tree.topLevelItemCount() == 0, timeout=5_000)
    with store.sessions() as session:
        notes = session.scalars(select(AuditEntry.note).where(AuditEntry.subject == f"village:{village}")
                                .order_by(AuditEntry.id)).all()
    assert notes == ["phone", "called the village head"]


def test_a_hidden_map_is_drawn_when_it_comes_to_the_front(console, qtbot):
    open_window, _store, _clock, _settings = console
    window = open_window()
    window.map_dock.raise_()
    with qtbot.waitSignal(window.map_dock.visibilityChanged, check_params_cb=lambda shown: not shown):
        window.wall_dock.raise_()  # the wall's tab in front: the map is behind it
    qtbot.waitUntil(lambda: window.map._hidden_live is not None, timeout=10_000)
    assert window.map.panel.live is None  # read (the watchers ran), not drawn
    window.map_dock.raise_()
    qtbot.waitUntil(lambda: window.map.panel.live is not None, timeout=5_000)


def test_a_report_filed_by_another_console_shows_at_once(console, qtbot):
    open_window, store, clock, _settings = console
    window = open_window()
    window._refresh_timer.stop()  # only the change feed may bring it
    qtbot.waitUntil(lambda: window.live_sync.feed.listening.is_set() and not window.queue_model.is_loading()
                    and window.queue_model.rowCount() > 0, timeout=10_000)
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        incident_id = DispatchService(other, clock).report(
            IncidentDraft("DIS01", "Filed by the other console", grid_id=1), "另一台控制台")
    finally:
        other.dispose()
    # The queue's own poll is stopped: only the change feed can bring the row (a busy, just-started
    # console on a loaded machine answers within a couple of seconds; bench/ measures the latency).
    qtbot.waitUntil(lambda: window.queue_model.row_of(incident_id) >= 0, timeout=5_000)


def test_a_one_key_alarm_from_a_phone_is_raised_within_two_seconds(console, qtbot):
    import http.client
    import time as clock_time

    from console.storage.api_keys import ApiKeyStore
    from console.storage.positions import PositionStore
    open_window, store, clock, _settings = console
    window = open_window()
    qtbot.waitUntil(lambda: window.intake.handle is not None, timeout=10_000)  # the console's own intake
    worker = PositionStore(store, clock).add_device(1, "phone-of-worker-1")
    key = ApiKeyStore(store, clock).issue("device", worker.unique_id)[1]
    connection = http.client.HTTPConnection("127.0.0.1", window.intake.handle.http_port, timeout=10)
    sent = clock_time.monotonic()
    with qtbot.waitSignal(window.alarm_bar.alarm_raised, timeout=5_000) as raised:
        connection.request("POST", "/api/v1/one-key", body="lat=30.1&lon=120.3&subitem=FIR01",
                           headers={"Authorization": f"Bearer {key}",
                                    "Content-Type": "application/x-www-form-urlencoded"})
        assert connection.getresponse().status == 201
    connection.close()
    assert clock_time.monotonic() - sent <= 2.0
    with store.sessions() as session:
        assert session.get(Incident, raised.args[0]).one_key


def test_a_second_console_on_the_same_incident_says_who_else_has_it_open(console, qtbot):
    open_window, store, _clock, _settings = console
    first, second = open_window(), open_window()
    assert first.console_id != second.console_id
    with store.sessions() as session:
        incident_id = session.scalars(select(Incident.id).where(Incident.status == "in_progress")
                                      .order_by(Incident.id.desc())).first()
    for window in (first, second):
        with qtbot.waitSignal(window.detail.loaded, timeout=10_000):
            window.detail.show_incident(incident_id)
    viewers = second.detail.fields["viewers"]
    qtbot.waitUntil(lambda: "值班员 测试" in viewers.text(), timeout=5_000)
    assert viewers.isVisibleTo(second.detail)
    first.close()  # it leaves; the second console learns it at its next look
    answers = []
    show_viewers = second.detail.show_viewers
    second.detail.show_viewers = lambda shown, found: (answers.append(found), show_viewers(shown, found))
    with qtbot.waitSignal(second.detail.loaded, timeout=10_000):
        second.detail.reload()
    qtbot.waitUntil(lambda: bool(answers) and answers[-1] == [], timeout=5_000)  # an earlier answer may come first
    assert viewers.text() == "—"


def test_the_dashboard_dock_filters_the_queue_and_opens_a_big_screen(console, qtbot):
    open_window, store, clock, _settings = console
    window = open_window()
    window.dashboard_dock.show()
    window.dashboard_dock.raise_()
    view = window.dashboard.view
    qtbot.waitUntil(lambda: view.dashboard is not None and not view.is_drawing(), timeout=20_000)
    model = window.queue_model
    with qtbot.waitSignal(model.counts_changed, timeout=10_000):
        view.request("overdue", None)  # what clicking the "overdue now" figure does
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=10_000)
    assert model.current_filter().overdue_only
    assert model.pinned_count() + model.total_count() == view.dashboard.overdue_now
    assert window.queue_view.outside_filter.isVisible()
    big = window.dashboard.open_big_screen(None)
    qtbot.waitUntil(lambda: big.view.dashboard is not None and not big.view.is_drawing(), timeout=10_000)
    assert big.isFullScreen()
    big.close()
    assert window.dashboard.windows == []


def test_the_demo_login_says_so_and_an_operator_role_cannot_close(console, qtbot):
    """The window names the demo operator and the role; with the operator role close and reopen are off, and
    the deadline sweep (the system's) still runs."""
    from console.core.roles import Role
    from console.core.workflow import Action
    from console.storage.operators import OperatorBook

    _open_window, store, clock, settings = console
    record = OperatorBook(store, clock).demo_login("demo")
    assert record.role is Role.DUTY
    system = DispatchService(store, clock)
    tasks = TaskManager()
    context = ConsoleContext(store, system.for_operator(Role.OPERATOR), tasks, default_taxonomy(), clock,
                             record.display_name, "en", is_demo=True, role=Role.OPERATOR, system_service=system,
                             demo_login=True)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    try:
        assert "demo operator" in window.windowTitle()
        assert record.display_name in window.operator_label.text()
        assert "demo operator" in window.operator_label.text() and "operator" in window.operator_label.text()
        assert window.duties.context.system_service is system
        resolved = type("Row", (), dict(id=1, number="x", title="t", status="resolved", version=1, one_key=False,
                                         alarm_acknowledged=False))()
        window.actions.set_current(resolved)
        assert not window.actions.action(Action.CLOSE).isEnabled()
        assert not window.actions.action(Action.REOPEN).isEnabled()
    finally:
        window.close()
        tasks.shutdown()
