"""The Administration window's Keys tab, on a real store through the task runner: it lists the keys (never
a key itself), issues one and shows it once with a copy button, revokes one after a confirmation — and the
revoked key stops verifying at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox

from tests.widgets.admin_rig import TIMEOUT, rig  # noqa: F401  (rig: the fixture)
from widgets.admin_dialogs import IssueKeyDialog


def _opened(rig, qtbot):
    window = rig.desk.open_window()
    window.tabs.setCurrentWidget(window.keys)
    qtbot.waitUntil(lambda: rig.desk.key_model.rowCount() == 1 and window.keys.device_ids == ["phone-1"],
                    timeout=TIMEOUT)
    return window


def _row(model, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(4)]


def _answer_issue(monkeypatch, kind: str, name: str | None, seen: list) -> None:
    def exec_(dialog: IssueKeyDialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        seen.append([dialog.name.itemText(i) for i in range(dialog.name.count())])
        if name is not None:
            dialog.name.setEditText(name)
        dialog._try_accept()
        return dialog.result()
    monkeypatch.setattr(IssueKeyDialog, "exec", exec_)


def test_the_keys_are_listed_without_the_keys(rig, qtbot):
    _opened(rig, qtbot)
    model = rig.desk.key_model
    assert _row(model, 0) == ["kiosk", "Open311 client", rig.keys.list()[0].created_at.astimezone()
                              .strftime("%Y-%m-%d %H:%M"), ""]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Name", "Kind", "Created",
                                                                                  "Revoked"]


def test_issue_a_key_it_is_shown_once_and_copied_and_it_works(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    seen: list = []
    _answer_issue(monkeypatch, "open311", "civic-app", seen)
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        window.keys.issue_button.click()
    dialog = window.keys.new_key_dialog
    assert dialog is not None and dialog.isVisible()
    key = dialog.key.text()
    assert key.startswith("gw_") and rig.keys.verify(key, "open311").name == "civic-app"
    assert "cannot be shown again" in dialog.findChild(QLabel, "warning").text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == key and dialog.copy_button.text() == "Copied"
    dialog.close()
    assert dialog.key.text() == ""  # closed: gone from the window too
    qtbot.waitUntil(lambda: rig.desk.key_model.rowCount() == 2, timeout=TIMEOUT)
    assert window.message_text() == "Key civic-app issued."
    assert all(key not in str(_row(rig.desk.key_model, row)) for row in range(2))


def test_a_device_key_is_offered_for_the_registered_phones(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    seen: list = []
    _answer_issue(monkeypatch, "device", None, seen)
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        window.keys.issue_button.click()
    assert seen == [["phone-1"]]
    key = window.keys.new_key_dialog.key.text()
    assert rig.keys.verify(key, "device").name == "phone-1" and rig.keys.verify(key, "open311") is None
    window.keys.new_key_dialog.close()


def test_a_refused_issue_is_shown_in_the_window(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    _answer_issue(monkeypatch, "open311", "kiosk", [])
    window.keys.issue_button.click()
    qtbot.waitUntil(lambda: "exists already" in window.message_text(), timeout=TIMEOUT)
    assert window.keys.new_key_dialog is None


def test_revoke_after_a_confirmation_and_the_key_stops_working_at_once(rig, qtbot, monkeypatch):
    _record, key = rig.keys.issue("open311", "old-app")
    window = _opened_with(rig, qtbot, 2)
    window.keys.select("old-app")
    assert window.keys.revoke_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *rest: (
        asked.append(text), QMessageBox.StandardButton.No)[1])
    window.keys.revoke_button.click()
    assert "old-app" in asked[0] and rig.keys.verify(key, "open311") is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        window.keys.revoke_button.click()
    assert rig.keys.verify(key, "open311") is None  # at once: no cache anywhere
    qtbot.waitUntil(lambda: _row(rig.desk.key_model, 1)[3] != "", timeout=TIMEOUT)
    assert not window.keys.revoke_button.isEnabled()  # still selected, and revoked
    assert window.message_text() == "Key old-app revoked: it no longer works."


def _opened_with(rig, qtbot, count: int):
    window = rig.desk.open_window()
    window.tabs.setCurrentWidget(window.keys)
    qtbot.waitUntil(lambda: rig.desk.key_model.rowCount() == count, timeout=TIMEOUT)
    return window
