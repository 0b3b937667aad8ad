"""The camera list: groups and cameras from the store; add, edit and remove through the panel, passwords hidden."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from tests.widgets.video_rig import GRID1_LAT, GRID1_LON, wait_live
from video.capture import CaptureState
from widgets.camera_editor import CameraEditor
from widgets.camera_feed import CameraFeed
from widgets.camera_list import CameraListPanel

SECRET_URL = "rtsp://admin:s3cret@10.0.0.7:554/Streaming/Channels/101"
SECRET_SUB = "rtsp://admin:s3cret@10.0.0.7:554/Streaming/Channels/102"
SECRET_ONVIF = "http://admin:s3cret@10.0.0.7/onvif/device_service"


@pytest.fixture
def panel(video_rig, qtbot):
    panel = CameraListPanel(video_rig.catalog, video_rig.pool, video_rig.tasks)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def tree_contents(panel) -> list[tuple[str, list[str]]]:
    """(group, camera names) as the tree shows them, without the state marks."""
    tree = panel.tree
    return [(tree.topLevelItem(g).text(0), [tree.topLevelItem(g).child(c).text(0).split(" ", 1)[1]
                                             for c in range(tree.topLevelItem(g).childCount())])
            for g in range(tree.topLevelItemCount())]


def answer_editor(monkeypatch, fill=None, accept=True) -> list[CameraEditor]:
    """Make the editor answer at once: ``fill(dialog)`` types into it; returns the editors shown."""
    shown = []

    def exec_(dialog):
        shown.append(dialog)
        if fill is not None:
            fill(dialog)
        return QDialog.DialogCode.Accepted if accept else QDialog.DialogCode.Rejected
    monkeypatch.setattr(CameraEditor, "exec", exec_)
    return shown


def test_the_list_shows_groups_and_cameras_in_the_order_added(video_rig, panel, qtbot):
    video_rig.add("Gate", "demo:road-1", group="North")
    video_rig.add("Market", "demo:square", group="South")
    video_rig.add("Bridge", "demo:bridge")
    video_rig.add("Lane", "demo:lane", group="North")
    video_rig.load()
    assert tree_contents(panel) == [("North", ["Gate", "Lane"]), ("South", ["Market"]), ("No group", ["Bridge"])]
    gate = panel.tree.topLevelItem(0).child(0)
    assert gate.toolTip(0) == "Gate\ndemo:road-1"
    # a camera on a wall shows its state in the list
    wall = video_rig.wall()
    wait_live(qtbot, wall.tiles[0])
    qtbot.waitUntil(lambda: gate.text(0) == "● Gate", timeout=2_000)
    # and its health on hover: state, frame rate and capture-to-paint latency
    qtbot.waitUntil(lambda: "latency p95" in gate.toolTip(0), timeout=3_000)
    lines = gate.toolTip(0).split("\n")
    assert lines[:3] == ["Gate", "demo:road-1", "live"]
    assert re.fullmatch(r"\d+ fps · latency p95 \d+ ms", lines[3])


def test_the_list_never_shows_a_stream_password(video_rig, panel, qtbot):
    video_rig.add("Dock", SECRET_URL)
    video_rig.load()
    video_rig.wall()
    item = panel.tree.topLevelItem(0).child(0)
    qtbot.waitUntil(lambda: len(item.toolTip(0).split("\n")) >= 3, timeout=3_000)
    assert "***@" in item.toolTip(0) and "s3cret" not in item.toolTip(0)


def test_add_a_camera_through_the_editor(video_rig, panel, qtbot, monkeypatch):
    video_rig.load()

    def fill(dialog):
        assert dialog.url.text() == "" and dialog.windowTitle() == "Add camera"
        dialog.name.setText("Canal")
        dialog.url.setText(SECRET_URL)
        dialog.lon.setValue(GRID1_LON)
        dialog.lat.setValue(GRID1_LAT)
        dialog.group.setText("River")
        assert dialog.problem.text() == ""
    answer_editor(monkeypatch, fill)
    with qtbot.waitSignal(panel.cameras_edited, timeout=5_000):
        panel.add_button.click()
    stored = video_rig.book.get("Canal")
    assert (stored.url, stored.group, stored.grid_id) == (SECRET_URL, "River", 1)
    assert (stored.lon, stored.lat) == pytest.approx((GRID1_LON, GRID1_LAT))
    qtbot.waitUntil(lambda: tree_contents(panel) == [("River", ["Canal"])], timeout=2_000)
    assert "s3cret" not in panel.tree.topLevelItem(0).child(0).toolTip(0)


def test_a_cancelled_editor_changes_nothing(video_rig, panel, qtbot, monkeypatch):
    video_rig.load()
    answer_editor(monkeypatch, lambda d: d.name.setText("Canal"), accept=False)
    with qtbot.assertNotEmitted(panel.cameras_edited, wait=200):
        panel.add_button.click()
    assert video_rig.book.list() == []


def test_the_editor_never_shows_a_password_and_keeps_it_when_the_masked_url_is_left_alone(video_rig, panel,
                                                                                           qtbot, monkeypatch):
    camera = video_rig.add("Canal", SECRET_URL, sub_url=SECRET_SUB, onvif_url=SECRET_ONVIF, group="River")
    video_rig.load()
    panel.select_camera(camera.id)

    def rename(dialog):
        texts = [edit.text() for edit in dialog.findChildren(QLineEdit)]
        assert not any("s3cret" in text for text in texts), texts
        assert dialog.url.text() == "rtsp://***@10.0.0.7:554/Streaming/Channels/101"
        assert dialog.sub_url.text() == "rtsp://***@10.0.0.7:554/Streaming/Channels/102"
        assert dialog.onvif_url.text() == "http://***@10.0.0.7/onvif/device_service"
        assert dialog.problem.text() == ""  # a masked URL is a valid entry
        dialog.name.setText("Canal bridge")
    shown = answer_editor(monkeypatch, rename)
    with qtbot.waitSignal(panel.cameras_edited, timeout=5_000):
        panel.edit_button.click()
    assert len(shown) == 1 and shown[0].windowTitle() == "Edit camera"
    stored = video_rig.book.get(camera.id)
    assert (stored.name, stored.url, stored.sub_url, stored.onvif_url) == ("Canal bridge", SECRET_URL, SECRET_SUB,
                                                                           SECRET_ONVIF)
    qtbot.waitUntil(lambda: tree_contents(panel) == [("River", ["Canal bridge"])], timeout=2_000)

    # a new URL typed over the masked one replaces it, credentials and all
    new_url = "rtsp://admin:n3w@10.0.0.8:554/live"
    answer_editor(monkeypatch, lambda dialog: dialog.url.setText(new_url))
    panel.select_camera(camera.id)
    with qtbot.waitSignal(panel.cameras_edited, timeout=5_000):
        panel.edit_button.click()
    stored = video_rig.book.get(camera.id)
    assert (stored.url, stored.sub_url) == (new_url, SECRET_SUB)


def test_remove_a_camera_that_is_on_the_wall(video_rig, panel, qtbot, monkeypatch):
    keep = video_rig.add("Gate", "demo:road-1", group="North")
    gone = video_rig.add("Lane", "demo:lane", group="North")
    video_rig.load()
    wall = video_rig.wall()
    wall.set_layout("2x2")  # the operator's own layout: the camera's tile empties, the others stay
    for tile in wall.tiles[:2]:
        wait_live(qtbot, tile)
    panel.select_camera(gone.id)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *rest: (
        asked.append(text), QMessageBox.StandardButton.No)[1])
    with qtbot.assertNotEmitted(panel.cameras_edited, wait=100):
        panel.remove_button.click()
    assert asked == ["Remove Lane from the console?"] and len(video_rig.book.list()) == 2

    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.cameras_edited, timeout=5_000):
        panel.remove_button.click()
    assert [c.name for c in video_rig.book.list()] == ["Gate"]
    qtbot.waitUntil(lambda: wall.tiles[1].camera_id is None, timeout=2_000)
    assert tree_contents(panel) == [("North", ["Gate"])]
    assert video_rig.pool.get(gone.id) is None
    qtbot.waitUntil(lambda: wall.tiles[1].feed is None, timeout=1_000)
    assert wall.tiles[0].camera_id == keep.id and wall.tiles[0].feed.status.state is CaptureState.LIVE
    for tile in wall.tiles:  # the wall keeps painting
        tile.grab()


def test_double_click_shows_a_camera_on_the_wall(video_rig, panel, qtbot):
    first = video_rig.add("Gate", "demo:road-1")
    second = video_rig.add("Lane", "demo:lane")
    video_rig.load()
    wall = video_rig.wall()
    wall.clear_tile(1)
    item = next(i for i in panel._items() if i.data(0, Qt.ItemDataRole.UserRole) == second.id)
    panel.show_requested.connect(lambda camera_id: wall.show_camera(camera_id))
    panel.tree.itemDoubleClicked.emit(item, 0)
    assert [tile.camera_id for tile in wall.tiles[:2]] == [first.id, second.id]


def test_a_new_url_for_a_camera_on_the_wall_takes_effect_at_once(video_rig, panel, qtbot, monkeypatch):
    camera = video_rig.add("Gate", "demo:road-1")
    video_rig.load()
    wall = video_rig.wall()
    wait_live(qtbot, wall.tiles[0])
    old_feed = wall.tiles[0].feed
    old_capture = old_feed.capture
    assert old_feed.frame.source_size == (640, 360)
    shown = []  # (feed, state) of every status a feed was given
    set_status = CameraFeed.set_status
    monkeypatch.setattr(CameraFeed, "set_status", lambda feed, status: (shown.append((feed, status.state)),
                                                                         set_status(feed, status)))
    panel.select_camera(camera.id)
    answer_editor(monkeypatch, lambda dialog: dialog.url.setText("demo:road-1?w=320&h=240"))
    with qtbot.waitSignal(panel.cameras_edited, timeout=5_000):
        panel.edit_button.click()
    qtbot.waitUntil(lambda: wall.tiles[0].feed is not old_feed, timeout=2_000)
    feed = wall.tiles[0].feed
    wait_live(qtbot, wall.tiles[0])
    assert feed.frame.source_size == (320, 240)
    qtbot.waitUntil(lambda: not old_capture.running, timeout=2_000)
    QApplication.processEvents()  # deliver the old capture's last reports (queued before its thread ended)
    assert [state for f, state in shown if f is feed and state is CaptureState.STOPPED] == []
    assert feed.status.state is CaptureState.LIVE
