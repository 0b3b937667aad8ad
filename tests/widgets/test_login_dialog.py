"""The login dialog: a wrong password shows the one message, five lock the user, the demo button logs in with
one click; and the workflow actions an operator's role forbids are disabled."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDialog

from console.core.clock import FakeClock
from console.core.roles import Role
from console.core.workflow import Action
from console.gui.taskman import TaskManager
from console.storage.db import open_store
from console.storage.dispatch import DispatchService
from console.storage.models import Meta, Operator
from console.storage.operators import OperatorBook
from tests.storage.conftest import START
from widgets.incident_actions import IncidentActions
from widgets.login_dialog import LoginDialog

TIMEOUT = 10_000


@pytest.fixture
def rig(tmp_path):
    store = open_store(str(tmp_path / "login.db"))
    clock = FakeClock(START)
    book = OperatorBook(store, clock)
    book.add("wangli", "duty", "a long secret", display_name="值班员 王丽")
    with store.sessions.begin() as session:
        session.add(Operator(login="demo", display_name="值班员 演示", role="duty_officer"))
        session.add(Meta(key="demo.scale", value="town"))
    tasks = TaskManager()
    yield SimpleNamespace(store=store, book=book, tasks=tasks, clock=clock)
    tasks.shutdown()
    store.dispose()


def test_a_wrong_password_shows_the_message_and_the_right_one_logs_in(qtbot, rig):
    dialog = LoginDialog(rig.tasks, rig.book.authenticate, login="wangli")
    qtbot.addWidget(dialog)
    assert dialog.demo_button is None
    dialog.password.setText("not it")
    dialog.log_in()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=TIMEOUT)
    assert dialog.error.text() == "Wrong user name or password" and dialog.password.text() == ""
    dialog.password.setText("a long secret")
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.log_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.operator.display_name, dialog.operator.role, dialog.demo) == ("值班员 王丽", Role.DUTY, False)


def test_the_lock_out_is_shown(qtbot, rig):
    dialog = LoginDialog(rig.tasks, rig.book.authenticate, login="wangli")
    qtbot.addWidget(dialog)
    for _ in range(5):
        dialog.password.setText("guess")
        dialog.log_in()
        qtbot.waitUntil(lambda: dialog.login_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.error.text().startswith("Too many failed logins: locked until ")
    assert dialog.operator is None


def test_the_demo_button_logs_in_the_demo_duty_officer_with_one_click(qtbot, rig):
    dialog = LoginDialog(rig.tasks, rig.book.authenticate, lambda: rig.book.demo_login("demo"))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.demo_button.click()
    assert (dialog.operator.login, dialog.operator.role, dialog.demo) == ("demo", Role.DUTY, True)


def test_the_actions_an_operator_may_not_take_are_disabled(qtbot, rig):
    resolved = SimpleNamespace(id=1, number="20261129-0001", title="t", status="resolved", version=3,
                               one_key=False, alarm_acknowledged=False)
    service = DispatchService(rig.store, rig.clock)
    for role, enabled in ((Role.OPERATOR, False), (Role.DUTY, True)):
        actions = IncidentActions(rig.tasks, service.for_operator(role), "someone", "en")
        actions.set_current(resolved)
        assert actions.action(Action.CLOSE).isEnabled() is enabled
        assert actions.action(Action.REOPEN).isEnabled() is enabled
    actions = IncidentActions(rig.tasks, service.for_operator(Role.OPERATOR), "someone", "en")
    actions.set_current(SimpleNamespace(**{**vars(resolved), "status": "reported"}))
    assert actions.action(Action.ACCEPT).isEnabled() and not actions.action(Action.CLOSE).isEnabled()
