"""Drawing watch zones on a camera's picture: clicks become a polygon in picture coordinates, whatever the
window's size; zones are listed, switched off and removed through the owner."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from console.storage.change_alerts import Zone
from widgets.watch_zone_editor import WatchZoneEditor


def _editor(qtbot) -> WatchZoneEditor:
    picture = QImage(640, 360, QImage.Format.Format_RGB32)
    picture.fill(QColor(120, 130, 140))
    editor = WatchZoneEditor("江桥村高位", picture)
    qtbot.addWidget(editor)
    editor.resize(1000, 600)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _at(canvas, x: float, y: float) -> QPoint:
    point = canvas.to_widget((x, y))
    return QPoint(round(point.x()), round(point.y()))


def test_clicked_corners_become_a_named_zone_in_picture_coordinates(qtbot):
    editor = _editor(qtbot)
    canvas = editor.canvas
    editor.name.setText("东侧楼顶")
    corners = [(0.25, 0.5), (0.75, 0.5), (0.75, 0.9), (0.25, 0.9)]
    for x, y in corners + [(0.5, 0.2)]:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_at(canvas, x, y))
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)  # the last click was a slip
    assert "4 point" in editor.hint.text()
    with qtbot.waitSignal(editor.add_requested) as added:
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    name, polygon = added.args
    assert name == "东侧楼顶" and editor.name.text() == ""
    for (x, y), (px, py) in zip(corners, polygon):
        assert abs(x - px) < 0.01 and abs(y - py) < 0.01
    assert canvas.draft == []


def test_a_click_outside_the_picture_adds_nothing_and_escape_starts_again(qtbot):
    editor = _editor(qtbot)
    canvas = editor.canvas
    rect = canvas.picture_rect()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(2, 2) if rect.x() > 4 or rect.y() > 4
                     else QPoint(canvas.width() - 2, canvas.height() - 2))
    assert canvas.draft == []
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_at(canvas, 0.5, 0.5))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.draft == []
    with qtbot.assertNotEmitted(editor.add_requested):
        qtbot.keyClick(canvas, Qt.Key.Key_Return)  # fewer than three points: nothing to close


def test_zones_are_listed_switched_off_and_removed_through_the_owner(qtbot):
    editor = _editor(qtbot)
    zones = [Zone(3, 1, "东侧楼顶", ((0.1, 0.1), (0.4, 0.1), (0.4, 0.4)), True),
             Zone(4, 1, "空地", ((0.5, 0.5), (0.9, 0.5), (0.9, 0.9)), False)]
    editor.set_zones(zones)
    assert [editor.zone_list.item(i).text() for i in range(2)] == ["东侧楼顶", "空地 (off)"]
    editor.zone_list.setCurrentRow(1)
    assert editor.toggle_button.text() == "Switch on" and editor.canvas.highlighted == 4
    with qtbot.waitSignal(editor.enable_requested) as toggled:
        editor.toggle_button.click()
    assert toggled.args == [4, True]
    with qtbot.waitSignal(editor.remove_requested) as removed:
        editor.remove_button.click()
    assert removed.args == [4]
    editor.show_error("a watch zone needs 3 to 64 distinct points")
    assert editor.error.text().startswith("a watch zone")
