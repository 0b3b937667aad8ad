"""Workflow actions through the UI: QActions with dialogs answered programmatically."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from console.core.workflow import Action, RejectReason, Status
from console.storage.dispatch import IncidentDraft
from tests.widgets.helpers import FakeDialogs, sql_scalar
from widgets.action_dialogs import (ActionDialogs, AssignAnswer, AssignDialog, RejectAnswer, RejectDialog,
                                    Target, TextDialog)
from widgets.incident_actions import IncidentActions
from widgets.queue_model import IncidentQueueModel
from widgets.queue_view import QueueView

TIMEOUT = 10_000
OPERATOR = "op-li"


@pytest.fixture
def console(qtbot, big_db, tasks):
    dialogs = FakeDialogs()
    model = IncidentQueueModel(big_db.store, tasks, big_db.service, "en")
    actions = IncidentActions(tasks, big_db.service, OPERATOR, "en", dialogs=dialogs)
    view = QueueView(model, actions)
    qtbot.addWidget(view)
    view.resize(1300, 600)
    view.show()
    qtbot.waitUntil(lambda: not model.is_loading() and model.rowCount() > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        view.status_filter.set_preset("all")
    return SimpleNamespace(db=big_db, model=model, actions=actions, view=view, dialogs=dialogs)


def new_incident(qtbot, c, subitem="DIS01", title="Quarrel over a parking space", grid_id=5) -> int:
    c.db.clock.advance(timedelta(minutes=1))
    incident_id = c.db.service.report(IncidentDraft(subitem, title, grid_id=grid_id), "worker-wang")
    with qtbot.waitSignal(c.model.counts_changed, timeout=TIMEOUT):
        c.model.refresh()
    assert c.view.select_incident(incident_id)
    qtbot.waitUntil(lambda: c.actions.current() is not None and c.actions.current().id == incident_id)
    return incident_id


def step(qtbot, c, action, status: Status) -> None:
    before = c.view.current_row()
    with qtbot.waitSignal(c.actions.incident_changed, timeout=TIMEOUT) as blocker:
        action.trigger()
    assert blocker.args == [before.id]
    qtbot.waitUntil(lambda: c.view.current_row() is not None and c.view.current_row().version > before.version,
                    timeout=TIMEOUT)
    assert c.view.current_row().status == status.value
    assert c.db.service.get(before.id).status == status.value


def enabled(actions) -> set[Action]:
    return {a for a in Action if a in actions._actions and actions.action(a).isEnabled()}


def test_the_whole_loop_through_the_actions(qtbot, console):
    c = console
    incident_id = new_incident(qtbot, c)
    assert enabled(c.actions) == {Action.ACCEPT, Action.REJECT}
    step(qtbot, c, c.actions.accept, Status.ACCEPTED)
    assert enabled(c.actions) == {Action.ASSIGN}

    worker = sql_scalar(c.db.store, "SELECT id FROM workers WHERE grid_id = 5 LIMIT 1")
    c.dialogs.answers["assign"] = AssignAnswer(worker, (1, 2), "bring the mediator")
    step(qtbot, c, c.actions.assign, Status.DISPATCHED)
    incident = c.db.service.get(incident_id)
    assert incident.assignee_worker_id == worker and len(incident.departments) == 2
    step(qtbot, c, c.actions.start, Status.IN_PROGRESS)
    c.dialogs.answers["resolve"] = "Both parties agreed on alternate days"
    step(qtbot, c, c.actions.resolve, Status.RESOLVED)
    step(qtbot, c, c.actions.close, Status.CLOSED)
    c.dialogs.answers["reopen"] = "The quarrel started again"
    step(qtbot, c, c.actions.reopen, Status.REOPENED)

    timeline = c.db.service.timeline(incident_id)
    assert [s.action for s in timeline] == [Action.REPORT, Action.ACCEPT, Action.ASSIGN, Action.START,
                                            Action.RESOLVE, Action.CLOSE, Action.REOPEN]
    assert all(s.actor == OPERATOR for s in timeline[1:])
    assert "joint meeting" in timeline[2].note
    assert c.db.service.get(incident_id).feedback == "Both parties agreed on alternate days"
    assert c.dialogs.asked == ["assign", "resolve", "reopen"] and c.dialogs.errors == []


def test_reject_as_duplicate_then_reopen(qtbot, console):
    c = console
    original = sql_scalar(c.db.store, "SELECT number FROM incidents WHERE id = 1234")
    incident_id = new_incident(qtbot, c, title="Same quarrel, reported twice")
    c.dialogs.answers["reject"] = RejectAnswer(RejectReason.DUPLICATE, original, "already handled")
    step(qtbot, c, c.actions.reject, Status.REJECTED)
    assert c.db.service.get(incident_id).duplicate_of_id == 1234
    assert enabled(c.actions) == {Action.REOPEN}
    c.dialogs.answers["reopen"] = "It was a different quarrel"
    step(qtbot, c, c.actions.reopen, Status.REPORTED)


def test_a_cancelled_dialog_changes_nothing(qtbot, console):
    c = console
    incident_id = new_incident(qtbot, c)
    c.dialogs.answers["reject"] = None
    c.actions.reject.trigger()
    assert c.dialogs.asked == ["reject"] and not c.actions.is_busy()
    assert c.db.service.get(incident_id).status == Status.REPORTED.value


def test_a_stale_row_is_refused_with_the_services_message(qtbot, console):
    c = console
    incident_id = new_incident(qtbot, c)
    seen = c.view.current_row()
    c.db.service.accept(incident_id, "another-console")  # behind this console's back
    with qtbot.waitSignal(c.actions.action_failed, timeout=TIMEOUT) as blocker:
        c.actions.accept.trigger()
    title, message = c.dialogs.errors[-1]
    assert title == "Changed by someone else"
    assert "changed by someone else" in message and blocker.args == [incident_id, message]
    assert [s.actor for s in c.db.service.timeline(incident_id)] == ["worker-wang", "another-console"]
    # the queue refreshes after a refusal, so the actions follow the new state
    qtbot.waitUntil(lambda: c.view.current_row().version > seen.version, timeout=TIMEOUT)
    assert enabled(c.actions) == {Action.ASSIGN}


def test_an_illegal_step_is_refused_by_the_service(qtbot, console):
    c = console
    incident_id = new_incident(qtbot, c)
    c.db.service.accept(incident_id, "another-console")
    incident = c.db.service.get(incident_id)
    c.actions.set_current(Target(incident.id, incident.number, incident.title, Status.REPORTED.value,
                                 incident.version))  # a view that is wrong about the status
    with qtbot.waitSignal(c.actions.action_failed, timeout=TIMEOUT):
        c.actions.accept.trigger()
    title, message = c.dialogs.errors[-1]
    assert title == "Action refused"
    assert message.startswith(f"Cannot accept incident {incident.number}: it is accepted")
    assert c.db.service.get(incident_id).status == Status.ACCEPTED.value


def test_acknowledge_is_offered_for_unacknowledged_one_key_rows_only(qtbot, console):
    c = console
    row = c.model.row_at(0)
    assert row.one_key and row.alarm_acknowledged
    c.view.table.selectRow(0)
    assert not c.actions.acknowledge.isEnabled()
    incident_id = c.db.service.report(IncidentDraft("FIR01", "Shed on fire", source="one_key", grid_id=9), "w")
    with qtbot.waitSignal(c.model.counts_changed, timeout=TIMEOUT):
        c.model.refresh()
    assert c.view.select_incident(incident_id) and c.model.row_of(incident_id) < c.model.pinned_count()
    assert c.actions.acknowledge.isEnabled()
    with qtbot.waitSignal(c.actions.incident_changed, timeout=TIMEOUT):
        c.actions.acknowledge.trigger()
    assert c.db.service.timeline(incident_id)[-1].action is Action.ACKNOWLEDGE_ALARM
    qtbot.waitUntil(lambda: c.view.current_row().alarm_acknowledged, timeout=TIMEOUT)
    assert not c.actions.acknowledge.isEnabled()


def test_context_menu_selects_the_row_and_offers_the_actions(qtbot, console):
    c = console
    table = c.view.table
    row = c.model.pinned_count() + 2
    pos = table.visualRect(c.model.index(row, 1)).center()
    table.customContextMenuRequested.emit(pos)
    menu = QApplication.activePopupWidget()
    assert menu is not None and set(c.actions.all()) <= set(menu.actions())
    assert table.currentIndex().row() == row
    menu.close()


def test_shortcuts_are_distinct_and_clear_of_standard_keys(console):
    keys = [a.shortcut() for a in console.actions.all()]
    assert all(not k.isEmpty() for k in keys) and len(set(k.toString() for k in keys)) == len(keys)
    standard = {k.toString() for sk in (QKeySequence.StandardKey.SelectAll, QKeySequence.StandardKey.Copy,
                                        QKeySequence.StandardKey.Find, QKeySequence.StandardKey.Refresh,
                                        QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Save)
                for k in QKeySequence.keyBindings(sk)}
    assert not standard & {k.toString() for k in keys}


# -- the real dialogs --------------------------------------------------------------------------

def answer_modal(qtbot, fill):
    """Answer the next modal dialog with ``fill(dialog)`` once it returns True (polled)."""
    timer = QTimer()
    timer.setInterval(20)

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is not None and fill(dialog):
            timer.stop()
    timer.timeout.connect(poll)
    timer.start()
    return timer


def test_real_dialogs_drive_resolve_and_assign(qtbot, console):
    c = console
    c.actions.dialogs = ActionDialogs(c.model.tasks, c.db.service, "en")
    incident_id = new_incident(qtbot, c, subitem="FIR02", title="Bikes block the fire lane", grid_id=7)
    step(qtbot, c, c.actions.accept, Status.ACCEPTED)
    worker = sql_scalar(c.db.store, "SELECT id FROM workers WHERE grid_id = 7 ORDER BY id LIMIT 1")

    def assign(dialog):
        if not isinstance(dialog, AssignDialog) or not dialog.is_loaded():
            return False
        dialog.select_worker(worker)
        dialog.note.setText("move the bikes")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return True
    timer = answer_modal(qtbot, assign)
    step(qtbot, c, c.actions.assign, Status.DISPATCHED)
    timer.stop()
    assert c.db.service.get(incident_id).assignee_worker_id == worker

    def resolve(dialog):
        if not isinstance(dialog, TextDialog):
            return False
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled(), "feedback is required"
        dialog.text.setPlainText("Bikes moved, owners warned")
        ok.click()
        return True
    timer = answer_modal(qtbot, resolve)
    step(qtbot, c, c.actions.resolve, Status.RESOLVED)
    timer.stop()
    assert c.db.service.get(incident_id).feedback == "Bikes moved, owners warned"


def test_assign_dialog_offers_the_grid_first_and_the_usual_department_first(qtbot, console):
    c = console
    incident_id = new_incident(qtbot, c, subitem="FIR02", title="Blocked lane", grid_id=7)
    dialog = AssignDialog(c.model.tasks, c.db.service, c.actions.current(), "en")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.is_loaded, timeout=TIMEOUT)
    grid_workers = {r for r in range(dialog.workers.count())
                    if dialog.workers.item(r).data(Qt.ItemDataRole.UserRole) is not None}
    first_worker = dialog.workers.item(min(grid_workers)).data(Qt.ItemDataRole.UserRole)
    assert sql_scalar(c.db.store, "SELECT grid_id FROM workers WHERE id = :w", w=first_worker) == 7
    villages = {sql_scalar(c.db.store, "SELECT g.village_id FROM workers w JOIN grids g ON g.id = w.grid_id "
                                       "WHERE w.id = :w", w=dialog.workers.item(r).data(Qt.ItemDataRole.UserRole))
                for r in grid_workers}
    assert villages == {sql_scalar(c.db.store, "SELECT village_id FROM incidents WHERE id = :i", i=incident_id)}
    assert "usual handler" in dialog.departments.item(0).text() and "fire" in dialog.departments.item(0).text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.check_department(1)
    dialog.check_department(2)
    assert ok.isEnabled() and "joint meeting" in dialog.status.text()
    dialog.search.setText("traffic")
    visible = [dialog.departments.item(r).text() for r in range(dialog.departments.count())
               if not dialog.departments.item(r).isHidden()]
    assert visible == ["Department of traffic police"]
    assert dialog.answer() == AssignAnswer(None, (1, 2), "")


def test_reject_dialog_needs_a_number_for_a_duplicate(qtbot):
    dialog = RejectDialog(Target(1, "20261129-0001", "Noise", "reported", 1))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and dialog.answer().reason is RejectReason.INVALID
    dialog.duplicate.setChecked(True)
    assert not ok.isEnabled()
    dialog.duplicate_of.setText(" 20261128-0007 ")
    dialog.note.setPlainText("see the first report")
    assert ok.isEnabled()
    assert dialog.answer() == RejectAnswer(RejectReason.DUPLICATE, "20261128-0007", "see the first report")


def test_the_reject_dialog_offers_a_likely_duplicate_and_fills_in_its_number(qtbot, big_db, tasks):
    clock, service = big_db.clock, big_db.service
    clock.advance(timedelta(minutes=5))
    first = service.report(IncidentDraft("ENV02", "Blocked drain by the bridge", lon=120.3, lat=30.1, grid_id=5),
                           "worker-wang")
    clock.advance(timedelta(hours=2))
    second = service.report(IncidentDraft("ENV02", "Drain blocked again", lon=120.3002, lat=30.1, grid_id=5),
                            "citizen")
    target = Target.of(service.get(second))
    dialog = RejectDialog(target, tasks=tasks, service=service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.candidates.count() == 1, timeout=TIMEOUT)
    number = service.get(first).number
    assert dialog.candidates.item(0).text().startswith(number) and "19 m away" in dialog.candidates.item(0).text()
    dialog.candidates.setCurrentRow(0)
    assert dialog.answer() == RejectAnswer(RejectReason.DUPLICATE, number, "")
