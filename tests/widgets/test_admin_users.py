"""The Administration window's Users tab, on a real store through the task runner: it lists the users with
their state, adds one, changes a role, disables a user who then cannot log in, unlocks, resets a password;
the core's refusals show in the window; the menu entry is for administrators only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from console.core.roles import Role
from console.storage.operators import OperatorError
from tests.widgets.admin_rig import PASSWORD, TIMEOUT, close_rig, make_rig
from tests.widgets.admin_rig import rig  # noqa: F401  (the fixture)
from widgets.admin_dialogs import NewUserDialog, PasswordDialog, RoleDialog


def _opened(rig, qtbot):
    window = rig.desk.open_window()
    qtbot.waitUntil(lambda: rig.desk.user_model.rowCount() == 3, timeout=TIMEOUT)
    return window


def _cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def _answer(monkeypatch, dialog_class, fill) -> None:
    def exec_(dialog):
        fill(dialog)
        dialog._try_accept()
        return dialog.result()
    monkeypatch.setattr(dialog_class, "exec", exec_)


def _changed(rig, qtbot, act) -> None:
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        act()


def test_the_users_are_listed_with_name_role_and_state(rig, qtbot):
    window = _opened(rig, qtbot)
    model = rig.desk.user_model
    assert [[_cell(model, row, col) for col in range(4)] for row in range(3)] == [
        ["lixd", "主任 李晓东", "administrator", "active"],
        ["wangli", "值班员 王丽", "duty officer", "active"],
        ["zhanghua", "操作员 张华", "operator", "active"]]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["User name", "Name", "Role", "State"]
    assert not window.users.role_button.isEnabled()  # nothing selected yet
    window.users.select("wangli")
    assert window.users.role_button.isEnabled() and window.users.disable_button.text() == "Disable"


def test_add_a_user_and_change_their_role(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)

    def fill(dialog: NewUserDialog):
        dialog.login.setText("chengang")
        dialog.display_name.setText("值班员 陈刚")
        dialog.role.setCurrentIndex(dialog.role.findData("duty"))
        dialog.password.setText(PASSWORD)
        dialog.again.setText(PASSWORD)
    _answer(monkeypatch, NewUserDialog, fill)
    _changed(rig, qtbot, window.users.ask_add)
    qtbot.waitUntil(lambda: rig.desk.user_model.rowCount() == 4, timeout=TIMEOUT)
    assert window.message_text() == "User chengang added."
    assert rig.users.authenticate("chengang", PASSWORD).role is Role.DUTY

    window.users.select("chengang")
    _answer(monkeypatch, RoleDialog, lambda dialog: dialog.role.setCurrentIndex(dialog.role.findData("operator")))
    _changed(rig, qtbot, window.users.ask_role)
    qtbot.waitUntil(lambda: _cell(rig.desk.user_model, 0, 2) == "operator", timeout=TIMEOUT)
    assert rig.users.get("chengang").role is Role.OPERATOR


def test_a_mismatched_password_keeps_the_dialog_open(qtbot):
    dialog = NewUserDialog()
    qtbot.addWidget(dialog)
    dialog.login.setText("chengang")
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD + "!")
    dialog._try_accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.problem.text() == "The passwords do not match."
    dialog.again.setText("short")
    dialog.password.setText("short")
    dialog._try_accept()
    assert "at least 8" in dialog.problem.text()


def test_a_disabled_user_cannot_log_in_and_is_shown_so_then_enabled(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    window.users.select("zhanghua")
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    _changed(rig, qtbot, window.users.disable_button.click)
    qtbot.waitUntil(lambda: _cell(rig.desk.user_model, 2, 3) == "disabled", timeout=TIMEOUT)
    with pytest.raises(OperatorError, match="disabled"):
        rig.users.authenticate("zhanghua", PASSWORD)
    assert window.users.current_user().login == "zhanghua" and window.users.disable_button.text() == "Enable"
    _changed(rig, qtbot, window.users.disable_button.click)
    qtbot.waitUntil(lambda: _cell(rig.desk.user_model, 2, 3) == "active", timeout=TIMEOUT)
    assert rig.users.authenticate("zhanghua", PASSWORD).login == "zhanghua"


def test_a_locked_user_is_shown_locked_then_unlocked_and_a_password_reset(rig, qtbot, monkeypatch):
    for _ in range(5):
        with pytest.raises(OperatorError):
            rig.users.authenticate("wangli", "guess")
    window = _opened(rig, qtbot)
    assert _cell(rig.desk.user_model, 1, 3).startswith("locked until ")
    window.users.select("wangli")
    _changed(rig, qtbot, window.users.unlock_button.click)
    qtbot.waitUntil(lambda: _cell(rig.desk.user_model, 1, 3) == "active", timeout=TIMEOUT)

    def fill(dialog: PasswordDialog):
        dialog.password.setText("a brand new one")
        dialog.again.setText("a brand new one")
    _answer(monkeypatch, PasswordDialog, fill)
    _changed(rig, qtbot, window.users.ask_password)
    assert window.message_text() == "New password set for wangli."
    assert rig.users.authenticate("wangli", "a brand new one").login == "wangli"


def test_the_core_refusal_is_shown_in_the_window(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    window.users.select("lixd")
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window.users.disable_button.click()
    qtbot.waitUntil(lambda: "last enabled administrator" in window.message_text(), timeout=TIMEOUT)
    assert window.message_text().startswith("Not done: ") and not rig.users.get("lixd").disabled


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.DUTY])
def test_for_a_non_administrator_the_entry_is_disabled_and_the_core_refuses_anyway(tmp_path, qtbot, role):
    rig = make_rig(tmp_path / "admin.db", role)
    try:
        assert not rig.desk.action.isEnabled() and "administrator" in rig.desk.action.toolTip()
        window = rig.desk.open_window()  # even if a window were opened some other way
        rig.desk.disable("zhanghua")
        qtbot.waitUntil(lambda: "Only an administrator" in window.message_text(), timeout=TIMEOUT)
        rig.desk.issue_key("open311", "sneaky")
        qtbot.waitUntil(lambda: "manage API keys" in window.message_text(), timeout=TIMEOUT)
        assert not rig.users.get("zhanghua").disabled and [k.name for k in rig.keys.list()] == ["kiosk"]
    finally:
        close_rig(rig)


def test_for_an_administrator_the_entry_is_enabled(rig):
    assert rig.desk.action.isEnabled() and rig.desk.action.text() == "&Users, keys and phones…"
