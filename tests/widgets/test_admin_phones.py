"""The Administration window's Phones tab, on a real store through the task runner: it lists the registered
phones with their workers, registers one (the intake then knows it), refuses a bad one with the core's one
line, and unregisters one after a confirmation; an operator's desk is refused by the core whatever it asks."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from console.core.roles import Role
from console.storage.positions import PositionStore
from tests.widgets.admin_rig import TIMEOUT, close_rig, make_rig
from tests.widgets.admin_rig import rig  # noqa: F401  (the fixture)
from widgets.admin_phones import RegisterPhoneDialog


def _opened(rig, qtbot):
    window = rig.desk.open_window()
    window.tabs.setCurrentWidget(window.phones)
    qtbot.waitUntil(lambda: rig.desk.phone_model.rowCount() == 1, timeout=TIMEOUT)
    return window


def _row(model, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def _answer_register(monkeypatch, device_id: str, kind: str, worker: str) -> None:
    def exec_(dialog: RegisterPhoneDialog):
        dialog.device_id.setText(device_id)
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        dialog.worker.setText(worker)
        dialog._try_accept()
        return dialog.result()
    monkeypatch.setattr(RegisterPhoneDialog, "exec", exec_)


def test_the_phones_are_listed_with_their_workers(rig, qtbot):
    window = _opened(rig, qtbot)
    assert _row(rig.desk.phone_model, 0) == ["phone-1", "Traccar Client / OsmAnd", "王小红", "W0", "第0网格", ""]
    assert not window.phones.unregister_button.isEnabled()  # nothing selected yet


def test_register_a_phone_for_a_worker_by_name(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    _answer_register(monkeypatch, "tid-lijg", "owntracks", "李建国")
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        window.phones.register_button.click()
    qtbot.waitUntil(lambda: rig.desk.phone_model.rowCount() == 2, timeout=TIMEOUT)
    assert _row(rig.desk.phone_model, 1)[:4] == ["tid-lijg", "OwnTracks", "李建国", "W1"]
    assert window.message_text() == "Phone tid-lijg registered."
    assert "tid-lijg" in PositionStore(rig.store).device_index()


def test_a_phone_registered_twice_is_refused_in_one_line_and_nothing_changes(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    _answer_register(monkeypatch, "phone-1", "osmand", "W1")
    window.phones.register_button.click()
    qtbot.waitUntil(lambda: "already registered" in window.message_text(), timeout=TIMEOUT)
    assert window.message_text() == "Not done: device 'phone-1' is already registered"
    assert [d.worker_code for d in PositionStore(rig.store).devices()] == ["W0"]


def test_empty_entries_are_not_sent(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    _answer_register(monkeypatch, "  ", "osmand", "W1")
    with qtbot.assertNotEmitted(window.phones.register_requested):
        window.phones.register_button.click()


def test_unregister_after_a_confirmation(rig, qtbot, monkeypatch):
    window = _opened(rig, qtbot)
    window.phones.select("phone-1")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text: asked.append(text) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(rig.desk.changed, timeout=TIMEOUT):
        window.phones.unregister_button.click()
    assert "Its positions are deleted with it" in asked[0] and "王小红" in asked[0]
    qtbot.waitUntil(lambda: rig.desk.phone_model.rowCount() == 0, timeout=TIMEOUT)
    assert PositionStore(rig.store).devices() == []


def test_an_operator_cannot_register_a_phone_even_through_the_desk(tmp_path, qtbot):
    rig = make_rig(tmp_path / "operator.db", role=Role.OPERATOR)
    try:
        assert not rig.desk.action.isEnabled()
        window = rig.desk.open_window()  # the window cannot be opened from the menu; the core refuses anyway
        rig.desk.register_phone("tid-x", "owntracks", "W1")
        qtbot.waitUntil(lambda: "administrator" in window.message_text(), timeout=TIMEOUT)
        assert len(PositionStore(rig.store).devices()) == 1
    finally:
        close_rig(rig)
