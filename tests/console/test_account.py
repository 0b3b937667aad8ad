"""File › Change my password… (:class:`AccountDesk`): the operator proves the current password and sets a new
one without the GUI thread waiting for the store; a wrong current password keeps the dialog open and counts as
a failed login."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core.clock import FakeClock
from console.core.taxonomy import default_taxonomy
from console.gui.account import AccountDesk
from console.gui.context import ConsoleContext
from console.gui.taskman import TaskManager
from console.storage.db import open_store
from console.storage.dispatch import DispatchService
from console.storage.operators import OperatorBook, OperatorError
from tests.storage.conftest import START

OLD, NEW = "old-secret-1", "new-secret-2"


@pytest.fixture
def desk(tmp_path, qtbot):
    store = open_store(str(tmp_path / "account.db"))
    clock = FakeClock(START)
    OperatorBook(store, clock).add("li", "operator", OLD, "李值班")
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock, "李值班", "en",
                             login="li")
    made = AccountDesk(context)
    yield made
    if made.dialog is not None:
        made.dialog.close()
    tasks.shutdown()
    store.dispose()


def fill(dialog, current: str, new: str, again: str | None = None) -> None:
    dialog.current.setText(current)
    dialog.password.setText(new)
    dialog.again.setText(new if again is None else again)


def press_ok(dialog) -> None:
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_the_new_password_works_and_the_old_one_no_longer_does(desk, qtbot):
    dialog = desk.open_dialog()
    fill(dialog, OLD, NEW)
    with qtbot.waitSignal(desk.password_changed, timeout=10_000):
        press_ok(dialog)
    assert not dialog.isVisible()
    book = OperatorBook(desk.context.store, desk.context.clock)
    assert book.authenticate("li", NEW).login == "li"
    with pytest.raises(OperatorError):
        book.authenticate("li", OLD)


def test_a_wrong_current_password_keeps_the_dialog_open_and_changes_nothing(desk, qtbot):
    dialog = desk.open_dialog()
    fill(dialog, "not-my-password", NEW)
    press_ok(dialog)
    assert not dialog.buttons.isEnabled()  # waiting for the core, not for a second click
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=10_000)
    assert dialog.problem.text() == "the current password is wrong"
    assert dialog.isVisible() and dialog.buttons.isEnabled() and dialog.password.text() == NEW
    assert OperatorBook(desk.context.store, desk.context.clock).authenticate("li", OLD).login == "li"


@pytest.mark.parametrize("current, new, again, problem", [
    ("", NEW, NEW, "Enter your current password."),
    (OLD, "short", "short", "at least"),
    (OLD, NEW, NEW + "x", "The passwords do not match."),
    (OLD, OLD, OLD, "must differ from the current one"),
])
def test_entries_that_cannot_be_right_are_not_sent(desk, qtbot, current, new, again, problem):
    dialog = desk.open_dialog()
    fill(dialog, current, new, again)
    with qtbot.assertNotEmitted(dialog.change_requested):
        press_ok(dialog)
    assert problem in dialog.problem.text() and dialog.isVisible()


def test_the_demo_one_click_login_has_no_password_to_change(desk):
    context = desk.context
    demo = ConsoleContext(context.store, context.service, context.tasks, context.taxonomy, context.clock,
                          "值班员", "en", is_demo=True, demo_login=True, login="duty")
    assert not AccountDesk(demo).action.isEnabled()
    assert desk.action.isEnabled()
