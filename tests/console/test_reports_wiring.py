"""The main window's reports: the supervision-orders dock and File › Export queue as CSV, on the demo town."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from PySide6.QtWidgets import QFileDialog

from console.storage.dispatch import DispatchService, IncidentDraft

from tests.console.test_main_window import console, demo_db  # noqa: F401  (the demo town and its window)


def _action(menu_bar, menu_text: str, action_text: str):
    for menu_action in menu_bar.actions():
        if menu_action.text().replace("&", "") == menu_text:
            for action in menu_action.menu().actions():
                if action.text().replace("&", "") == action_text:
                    return action
    raise AssertionError(f"no {menu_text} › {action_text}")


def test_the_queue_exports_as_it_is_shown(console, qtbot, tmp_path, monkeypatch):  # noqa: F811
    open_window, _store, _clock, _settings = console
    window = open_window()
    model = window.queue_model
    qtbot.waitUntil(lambda: not model.is_loading() and model.rowCount() > 0, timeout=10_000)
    path = tmp_path / "queue.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    with qtbot.waitSignal(window.reports.queue_exported, timeout=20_000) as exported:
        _action(window.menuBar(), "File", "Export queue as CSV…").trigger()
    assert exported.args[0].rows == model.total_count()
    with open(path, encoding="utf-8-sig", newline="") as f:
        numbers = [row[0] for row in csv.reader(f)][1:]
    shown = [model.row_at(r).number for r in range(min(50, model.rowCount())) if model.row_at(r) is not None]
    assert numbers[:len(shown)] == shown


def test_the_supervision_orders_dock_lists_orders_and_opens_their_incident(console, qtbot):  # noqa: F811
    open_window, store, clock, _settings = console
    service = DispatchService(store, clock)
    incident_id = service.report(IncidentDraft(subitem="DIS01", title="邻里纠纷", level=1), "op")
    clock.advance(timedelta(hours=49))  # past the day's deadline and the day's grace
    assert incident_id in service.check_deadlines(limit=10_000).supervised
    window = open_window()
    toggle = _action(window.menuBar(), "View", "Supervision orders")
    if not window.orders_dock.isVisible() or window.orders_dock.visibleRegion().isEmpty():
        window.orders_dock.show()
        window.orders_dock.raise_()
    assert toggle.isChecked()
    view = window.reports.view
    view.set_period(date(2026, 11, 1), date(2026, 12, 31))
    qtbot.waitUntil(lambda: incident_id in {order.incident_id for order in view.orders}, timeout=10_000)
    order = next(order for order in view.orders if order.incident_id == incident_id)
    view.select_order(order.id)
    with qtbot.waitSignal(window.detail.loaded, timeout=10_000):
        view.tree.itemDoubleClicked.emit(view.tree.currentItem(), 0)
    assert window.detail.incident_id() == incident_id
