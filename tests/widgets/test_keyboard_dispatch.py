"""Keyboard dispatch, counted: a one-key report and a camera tile each become an assigned incident in ≤ 3 keys.

An action is one key press or one shortcut chord, sent to whatever has the keyboard focus.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from console.core.taxonomy import default_taxonomy
from console.core.workflow import Source, Status
from console.gui.context import ConsoleContext
from console.gui.main_window import MainWindow
from console.gui.settings import ConsoleSettings
from console.storage.cameras import CameraBook
from console.storage.dispatch import IncidentDraft
from tests.video.helpers import wait_until
from tests.widgets.helpers import FakeDialogs, sql_scalar
from tests.widgets.video_rig import GRID1_LAT, GRID1_LON, wait_live
from video import registry
from widgets.camera_report_dialog import CameraReportDialog
from widgets.command_palette import CommandPalette
from widgets.quick_dispatch import QuickDispatchDialog
from widgets.wall_actions import LAST_SUBITEM_KEY, WallDialogs

OPERATOR = "值班员 键盘"
TIMEOUT = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SHOTS = "/tmp/mb"


class Keyboard:
    """Presses keys on the widget that has the focus, as the operator's keyboard does, and counts them."""

    def __init__(self, qtbot):
        self.qtbot, self.actions = qtbot, 0

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "nothing has the keyboard focus"
        self.actions += 1
        self.qtbot.keyClick(target, key, modifier)


def activate(qtbot, window) -> None:
    """Make ``window`` the one the keyboard talks to (shortcuts act in the active window only)."""
    qtbot.waitUntil(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), timeout=2_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)


def shoot(widget, name: str) -> None:
    """Save what ``widget`` shows, on its window colour (a modal dialog's grab has no background)."""
    os.makedirs(SHOTS, exist_ok=True)
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    image.fill(widget.palette().window().color())
    widget.render(image)
    image.save(os.path.join(SHOTS, name))


def incident(store, incident_id: int) -> dict:
    row = {k: sql_scalar(store, f"SELECT {k} FROM incidents WHERE id = :id", id=incident_id)
           for k in ("status", "version", "assignee_worker_id", "alarm_acknowledged_at", "source")}
    row["departments"] = sql_scalar(store, "SELECT group_concat(department_id) FROM incident_departments "
                                           "WHERE incident_id = :id", id=incident_id)
    row["steps"] = sql_scalar(store, "SELECT group_concat(action, ',') FROM (SELECT action FROM audit_entries "
                                     "WHERE incident_id = :id ORDER BY id)", id=incident_id)
    return row


@pytest.fixture
def console(small_db, tasks, tmp_path, qtbot):
    """The main window on a database with places, one camera in grid 1 and no incidents."""
    camera = CameraBook(small_db.store).add("Lane camera", "demo:lane", lon=GRID1_LON, lat=GRID1_LAT)
    context = ConsoleContext(small_db.store, small_db.service, tasks, default_taxonomy(), small_db.clock,
                             OPERATOR, "en")
    window = MainWindow(context, ConsoleSettings(tmp_path / "console.ini"))
    window.actions.dialogs = FakeDialogs()  # errors are recorded, not shown
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    yield window, camera
    window.close()
    wait_until(lambda: not registry.running(), timeout=5, what="every capture worker stopped")


def one_key_alarm(qtbot, window, db) -> int:
    incident_id = db.service.report(IncidentDraft("FIR01", "Workshop on fire", source=Source.ONE_KEY, grid_id=1),
                                    "worker-wang")
    window.alarm_bar.refresh()
    qtbot.waitUntil(lambda: [row.id for row in window.alarm_bar.alarms()] == [incident_id], timeout=TIMEOUT)
    return incident_id


def dispatch_dialog_ready(qtbot, window) -> QuickDispatchDialog:
    qtbot.waitUntil(lambda: window.quick_dispatch.dialog is not None
                    and window.quick_dispatch.dialog.suggestions.is_loaded()
                    and window.quick_dispatch.dialog.isActiveWindow(), timeout=TIMEOUT)
    return window.quick_dispatch.dialog


def test_a_one_key_report_is_assigned_in_three_keys(console, small_db, qtbot):
    window, _camera = console
    incident_id = one_key_alarm(qtbot, window, small_db)
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)

    keyboard.press(Qt.Key.Key_D)                                  # 1: dispatch the alarm
    dialog = dispatch_dialog_ready(qtbot, window)
    assert dialog.target.id == incident_id
    choices = dialog.suggestions.choices()
    shown = [dialog.suggestions.topLevelItem(i).text(0) for i in range(dialog.suggestions.topLevelItemCount())]
    assert shown == [str(n) for n in range(1, len(choices) + 1)] and 2 <= len(choices) <= 9
    assert [c.kind for c in choices][:2] == ["worker", "worker"] and choices[-1].kind == "department"
    assert choices[0].usual  # a worker of the incident's own grid comes first
    assert dialog.ok.text() == "Accept and dispatch" and not dialog.ok.isEnabled()
    shoot(dialog, "kbd_dispatch.png")

    keyboard.press(Qt.Key.Key_2)                                  # 2: the second suggestion
    assert dialog.answer().worker_id == choices[1].id
    with qtbot.waitSignal(window.quick_dispatch.incident_dispatched, timeout=TIMEOUT) as dispatched:
        keyboard.press(Qt.Key.Key_Return)                         # 3: confirm

    assert keyboard.actions == 3
    assert dispatched.args == [incident_id]
    stored = incident(small_db.store, incident_id)
    assert stored["status"] == Status.DISPATCHED.value and stored["assignee_worker_id"] == choices[1].id
    assert stored["alarm_acknowledged_at"] is not None  # dispatching answered the alarm
    assert stored["steps"] == "report,accept,acknowledge_alarm,assign"
    window.alarm_bar.refresh()
    qtbot.waitUntil(lambda: window.alarm_bar.alarms() == [], timeout=TIMEOUT)
    assert window.actions.dialogs.errors == []


def test_a_department_is_picked_by_its_number_too(console, small_db, qtbot):
    window, _camera = console
    incident_id = small_db.service.report(IncidentDraft("FIR01", "Smoke from a shed", grid_id=4), "worker-li")
    small_db.service.accept(incident_id, "op")
    window.queue_model.refresh()
    qtbot.waitUntil(lambda: window.queue_view.select_incident(incident_id), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.actions.current() is not None and window.actions.current().id == incident_id,
                    timeout=TIMEOUT)
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_D)
    dialog = dispatch_dialog_ready(qtbot, window)
    assert dialog.ok.text() == "Dispatch"
    choices = dialog.suggestions.choices()
    fire = next(n for n, c in enumerate(choices, start=1) if c.kind == "department" and c.usual)
    keyboard.press(getattr(Qt.Key, f"Key_{fire}"))
    with qtbot.waitSignal(window.quick_dispatch.incident_dispatched, timeout=TIMEOUT):
        keyboard.press(Qt.Key.Key_Enter)
    assert keyboard.actions == 3
    stored = incident(small_db.store, incident_id)
    assert stored["status"] == Status.DISPATCHED.value and stored["departments"] == str(choices[fire - 1].id)
    assert stored["steps"] == "report,accept,assign"


def test_escape_changes_nothing(console, small_db, qtbot):
    window, _camera = console
    incident_id = one_key_alarm(qtbot, window, small_db)
    before = incident(small_db.store, incident_id)
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_D)
    dialog_ready = dispatch_dialog_ready(qtbot, window)
    keyboard.press(Qt.Key.Key_1)
    with qtbot.waitSignal(dialog_ready.rejected, timeout=TIMEOUT):
        keyboard.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.quick_dispatch.dialog is None, timeout=TIMEOUT)
    tasks = window.context.tasks
    tasks.write(lambda: None).result(timeout=10)  # anything the dialog had queued would be written by now
    assert incident(small_db.store, incident_id) == before
    assert before["steps"] == "report" and before["status"] == Status.REPORTED.value


def test_a_dispatch_on_a_stale_view_is_refused_whole(console, small_db, qtbot):
    window, _camera = console
    incident_id = one_key_alarm(qtbot, window, small_db)
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_D)
    dispatch_dialog_ready(qtbot, window)
    small_db.service.accept(incident_id, "another console")  # meanwhile, elsewhere
    keyboard.press(Qt.Key.Key_1)
    with qtbot.waitSignal(window.quick_dispatch.dispatch_failed, timeout=TIMEOUT) as failed:
        keyboard.press(Qt.Key.Key_Return)
    assert failed.args[0] == incident_id and "changed by someone else" in failed.args[1]
    assert [title for title, _message in window.actions.dialogs.errors] == ["Changed by someone else"]
    stored = incident(small_db.store, incident_id)
    assert (stored["status"], stored["steps"], stored["alarm_acknowledged_at"]) == (
        Status.ACCEPTED.value, "report,accept", None)


def test_d_in_a_text_field_is_just_a_letter(console, small_db, qtbot):
    window, _camera = console
    one_key_alarm(qtbot, window, small_db)
    window.queue_view.search.setFocus()
    Keyboard(qtbot).press(Qt.Key.Key_D)
    assert window.queue_view.search.text().lower() == "d" and window.quick_dispatch.dialog is None


def test_nothing_to_dispatch_says_so(console, qtbot):
    window, _camera = console
    window.queue_view.table.setFocus()
    with qtbot.waitSignal(window.quick_dispatch.message, timeout=TIMEOUT) as said:
        Keyboard(qtbot).press(Qt.Key.Key_D)
    assert said.args == ["Select an incident to dispatch first"] and window.quick_dispatch.dialog is None


def when_modal_dialog_ready(kind, then) -> None:
    """Run ``then(dialog)`` inside the dialog's own event loop, once a modal ``kind`` is up and loaded."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.is_loaded() and dialog.isActiveWindow():
            then(dialog)
        else:
            QTimer.singleShot(10, poll)
    QTimer.singleShot(0, poll)


def test_a_camera_tile_becomes_an_assigned_incident_in_three_keys(console, small_db, qtbot):
    window, camera = console
    wall = window.video.wall
    qtbot.waitUntil(lambda: wall.catalog.loaded and wall.tiles[0].camera_id == camera.id, timeout=5_000)
    tile = wall.tiles[0]
    wait_live(qtbot, tile)
    activate(qtbot, window)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)  # the tile in hand (selected before the count starts)
    tile.setFocus()
    keyboard = Keyboard(qtbot)
    seen = {}

    def pick_and_file(dialog: CameraReportDialog) -> None:
        seen["choices"] = dialog.suggestions.choices()
        seen["subitem"] = dialog.subitem.currentData()
        shoot(dialog, "kbd_camera_report.png")
        keyboard.press(Qt.Key.Key_1)                              # 2: the nearest worker
        seen["answer"] = dialog.suggestions.chosen()
        keyboard.press(Qt.Key.Key_Return, CTRL)                   # 3: report and dispatch

    when_modal_dialog_ready(CameraReportDialog, pick_and_file)
    with qtbot.waitSignal(window.video.actions.incident_reported, timeout=TIMEOUT) as reported:
        keyboard.press(Qt.Key.Key_C, CTRL_SHIFT)                  # 1: report from the tile

    assert keyboard.actions == 3
    incident_id = reported.args[0]
    choices = seen["choices"]
    assert seen["subitem"] == "CON01" and choices and choices[0].kind == "worker"
    assert seen["answer"] == choices[0]
    stored = incident(small_db.store, incident_id)
    assert stored["source"] == "camera" and stored["status"] == Status.DISPATCHED.value
    assert stored["assignee_worker_id"] == choices[0].id
    assert stored["steps"] == "report,accept,assign"
    assert window.settings.text(LAST_SUBITEM_KEY) == "CON01"
    qtbot.waitUntil(lambda: window.queue_view.current_row() is not None
                    and window.queue_view.current_row().id == incident_id, timeout=TIMEOUT)


def test_the_camera_report_starts_on_the_last_sub_item_used(small_db, tasks, tmp_path, qtbot):
    settings = ConsoleSettings(tmp_path / "console.ini")
    camera = CameraBook(small_db.store).add("Lane camera", "demo:lane", lon=GRID1_LON, lat=GRID1_LAT)
    dialogs = WallDialogs(default_taxonomy(), "en", settings)
    dialogs.remember_subitem("ENV01")
    again = WallDialogs(default_taxonomy(), "en", settings)  # the next session
    picture = QImage(320, 180, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.darkGreen)
    dialog = CameraReportDialog(camera, picture, default_taxonomy(), "en", subitem=again._last_subitem,
                                tasks=tasks, service=small_db.service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.is_loaded, timeout=TIMEOUT)
    assert dialog.subitem.currentData() == "ENV01"
    # Enter without a pick only reports; a pick makes the dispatch button the default
    assert not dialog.dispatch_button.isEnabled() and dialog.report().assignee is None
    dialog.suggestions.pick_number(1)
    assert dialog.dispatch_button.isEnabled() and dialog.dispatch_button.isDefault()


# -- the command palette -------------------------------------------------------------------------------------

def palette_ready(qtbot, window) -> CommandPalette:
    qtbot.waitUntil(lambda: any(p.isActiveWindow() for p in window.findChildren(CommandPalette)), timeout=TIMEOUT)
    return next(p for p in window.findChildren(CommandPalette) if p.isVisible())


def test_the_command_palette_finds_commands_by_name_and_runs_them(console, small_db, qtbot):
    window, _camera = console
    incident_id = one_key_alarm(qtbot, window, small_db)
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_K, CTRL)
    palette = palette_ready(qtbot, window)
    everything = palette.shown()
    shoot(palette, "kbd_palette_all.png")
    assert {"Export queue as CSV", "Dispatch to the nearest", "Quit"} <= set(everything)
    assert "Accept" not in everything  # nothing selected: what cannot run now is not offered
    assert "Command palette" not in everything
    qtbot.keyClicks(QApplication.focusWidget(), "export csv")
    assert palette.shown() == ["Export queue as CSV"]
    QApplication.focusWidget().clear()
    qtbot.keyClicks(QApplication.focusWidget(), "nearest")
    shoot(palette, "kbd_palette.png")
    keyboard.press(Qt.Key.Key_Return)
    dialog = dispatch_dialog_ready(qtbot, window)
    assert dialog.target.id == incident_id and not window.findChildren(CommandPalette)  # closed and gone
    keyboard.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.quick_dispatch.dialog is None, timeout=TIMEOUT)


def test_the_palette_s_arrow_keys_move_and_escape_runs_nothing(console, qtbot):
    window, _camera = console
    window.queue_view.table.setFocus()
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_K, CTRL)
    palette = palette_ready(qtbot, window)
    first = palette.list.currentItem()
    keyboard.press(Qt.Key.Key_Down)
    assert palette.list.currentItem() is not first and QApplication.focusWidget() is palette.search
    with qtbot.waitSignal(palette.rejected, timeout=TIMEOUT):
        keyboard.press(Qt.Key.Key_Escape)
    assert window.quick_dispatch.dialog is None and window.isVisible()
