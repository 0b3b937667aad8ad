"""What an operator does from a tile: report an incident with a snapshot, save a snapshot, export a clip."""

from __future__ import annotations

import errno
import os

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.main_window import MainWindow
from console.gui.settings import ConsoleSettings
from console.gui.wall_windows import WallWindows
from console.storage.models import Incident
from tests.video.helpers import wait_until
from tests.widgets.video_rig import GRID1_LAT, GRID1_LON, wait_live
from video import registry
from video.capture import CaptureState
from video.clip import ClipError
from video.decoder_host import RemoteClip
from widgets.camera_report_dialog import CameraReportDialog
from widgets.wall_actions import WallActions, WallDialogs

OPERATOR = "值班员 测试"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class FakeWallDialogs(WallDialogs):
    """Answers the wall's questions at once, the report with the real dialog's draft; records what it showed."""

    def __init__(self, save_to: str | None = None):
        super().__init__(default_taxonomy(), "en")
        self.save_to = save_to
        self.reports: list[QImage] = []
        self.errors: list[tuple[str, str]] = []

    def report(self, parent, camera, picture):
        self.reports.append(picture)
        dialog = CameraReportDialog(camera, picture, self.taxonomy, self.lang, parent)
        dialog.note.setPlainText("Scaffolding on the lane")
        draft = dialog.draft()
        dialog.deleteLater()
        return draft

    def save_path(self, parent, title, name, filters):
        return self.save_to

    def tour_seconds(self, parent, group):
        return 5

    def show_error(self, parent, title, message):
        self.errors.append((title, message))


def activate(qtbot, window) -> None:
    """Make ``window`` the one the keyboard talks to (shortcuts act in the active window only)."""
    qtbot.waitUntil(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), timeout=2_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)


def incidents_with_attachments(store) -> list[Incident]:
    with store.sessions() as session:
        return list(session.scalars(select(Incident).options(selectinload(Incident.attachments))))


@pytest.fixture
def wall_with_actions(video_rig, small_db, qtbot):
    """A shown wall with one live demo camera in grid 1, and the tile actions on it."""
    camera = video_rig.add("Lane camera", "demo:lane", lon=GRID1_LON, lat=GRID1_LAT, group="North")
    video_rig.load()
    wall = video_rig.wall()
    dialogs = FakeWallDialogs()
    actions = WallActions(video_rig.catalog, video_rig.pool, video_rig.tasks, small_db.service, OPERATOR, dialogs)
    actions.attach(wall)
    wait_live(qtbot, wall.tiles[0])
    yield camera, wall, actions, dialogs
    actions.deleteLater()


# -- report ------------------------------------------------------------------------------------------

@pytest.fixture
def console(small_db, tasks, tmp_path, qtbot):
    """The main window on a database with places, one camera and no incidents."""
    from console.storage.cameras import CameraBook

    camera = CameraBook(small_db.store).add("Lane camera", "demo:lane", lon=GRID1_LON, lat=GRID1_LAT)
    context = ConsoleContext(small_db.store, small_db.service, tasks, default_taxonomy(), small_db.clock,
                             OPERATOR, "en")
    window = MainWindow(context, ConsoleSettings(tmp_path / "console.ini"))
    qtbot.addWidget(window)
    window.show()
    yield window, camera
    window.close()
    wait_until(lambda: not registry.running(), timeout=5, what="every capture worker stopped")


def test_a_report_from_a_tile_files_one_camera_incident_that_the_queue_selects(console, small_db, qtbot):
    window, camera = console
    assert camera.grid_id == 1 and camera.village_id == 1
    dialogs = FakeWallDialogs()
    window.video.actions.dialogs = dialogs
    wall = window.video.wall
    qtbot.waitUntil(lambda: wall.catalog.loaded and wall.tiles[0].camera_id == camera.id, timeout=5_000)
    tile = wall.tiles[0]  # the fresh wall lays itself out again once the cameras are read
    wait_live(qtbot, tile)
    activate(qtbot, window)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)  # select the tile, then Ctrl+Shift+C
    with qtbot.waitSignal(window.video.actions.incident_reported, timeout=5_000) as reported:
        qtbot.keyClick(tile, Qt.Key.Key_C, CTRL_SHIFT)
    incident_id = reported.args[0]
    qtbot.waitUntil(lambda: window.queue_view.current_row() is not None
                    and window.queue_view.current_row().id == incident_id, timeout=5_000)

    incidents = incidents_with_attachments(small_db.store)
    assert len(incidents) == 1 and dialogs.errors == []
    incident = incidents[0]
    assert incident.id == incident_id and incident.source == "camera"
    assert (incident.lon, incident.lat) == (camera.lon, camera.lat)
    assert (incident.grid_id, incident.village_id) == (camera.grid_id, camera.village_id)
    assert incident.reporter == "Lane camera" and incident.title == "Seen on camera Lane camera"
    assert incident.description == "Scaffolding on the lane"
    assert len(incident.attachments) == 1
    attachment = incident.attachments[0]
    assert attachment.mime == "image/jpeg" and attachment.filename.endswith(".jpg")
    snapshot = cv2.imdecode(np.frombuffer(attachment.data, np.uint8), cv2.IMREAD_COLOR)
    assert snapshot is not None and snapshot.shape == (360, 640, 3)  # the source's own size, not the tile's
    assert_caption_band(snapshot)


def assert_caption_band(image: np.ndarray) -> None:
    """The bottom band is darkened, with white text (the camera's name and the time) on it."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(float)
    band = grey[-18:-4]   # inside the band (font 12 px + 10 px padding on a 360-line picture)
    above = grey[-60:-30]
    assert np.median(band) < 0.6 * np.median(above), "no darkened caption band"
    assert (band > 200).mean() > 0.01, "no caption text in the band"


def test_a_cancelled_report_files_nothing(wall_with_actions, small_db, qtbot):
    camera, _wall, actions, dialogs = wall_with_actions
    dialogs.report = lambda parent, cam, picture: None
    with qtbot.assertNotEmitted(actions.incident_reported, wait=200):
        actions.report_from(camera.id)
    assert incidents_with_attachments(small_db.store) == []


# -- snapshots and clips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["snapshot.png", "snapshot.jpg"])
def test_a_snapshot_saved_from_the_tile_menu(name, wall_with_actions, tmp_path, qtbot):
    camera, wall, actions, dialogs = wall_with_actions
    dialogs.save_to = str(tmp_path / name)
    menu = actions.build_menu(wall, camera.id)  # what a right click on the tile pops up
    save = next(a for a in menu.actions() if a.text() == actions.snapshot_action.text())
    with qtbot.waitSignal(actions.message, timeout=2_000) as message:
        save.trigger()
    assert message.args[0] == f"Snapshot saved: {dialogs.save_to}" and dialogs.errors == []
    image = cv2.imread(dialogs.save_to)
    assert image is not None and image.shape == (360, 640, 3)
    assert_caption_band(image)


def test_a_snapshot_into_a_missing_folder_says_so_and_writes_nothing(wall_with_actions, tmp_path, qtbot):
    camera, _wall, actions, dialogs = wall_with_actions
    target = tmp_path / "no such folder" / "snapshot.png"
    dialogs.save_to = str(target)
    with qtbot.assertNotEmitted(actions.message):
        actions.save_snapshot(camera.id)
        qtbot.waitUntil(lambda: dialogs.errors != [], timeout=5_000)  # the full-size picture comes from the decoder
    assert len(dialogs.errors) == 1
    title, message = dialogs.errors[0]
    assert title == "Snapshot"
    assert message.startswith(f"Could not save {target}") and "No such file or directory" in message
    assert not target.parent.exists()


def test_a_clip_exports_the_last_moments_as_an_mp4(wall_with_actions, tmp_path, qtbot):
    camera, _wall, actions, dialogs = wall_with_actions
    feed = actions.pool.get(camera.id)
    qtbot.waitUntil(lambda: feed.clip.frame_count >= 8, timeout=3_000)
    dialogs.save_to = str(tmp_path / "clip.mp4")
    with qtbot.waitSignal(actions.message, timeout=10_000) as message:
        actions.save_clip(camera.id)
    assert message.args[0].startswith(f"Clip saved: {dialogs.save_to} (") and dialogs.errors == []
    reader = cv2.VideoCapture(dialogs.save_to)
    try:
        frames = 0
        while True:
            ok, image = reader.read()
            if not ok:
                break
            frames += 1
            assert image.shape[1] == 640
        assert frames >= 8
    finally:
        reader.release()
    assert feed.status.state is CaptureState.LIVE


# -- a full disk ---------------------------------------------------------------------------------------------

def disk_that_fills_up(monkeypatch, folder, room: int = 1000) -> None:
    """Every file in ``folder`` takes ``room`` bytes at most; a write past that fails as on a full disk
    (ENOSPC), after writing what fits, as the kernel does.  Files elsewhere are written as usual."""
    real_write = os.write
    written: dict[int, int] = {}

    def write(fd, data):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if not target.startswith(str(folder)):
            return real_write(fd, data)
        left = room - written.get(fd, 0)
        if left <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real_write(fd, bytes(data[:left]))
        written[fd] = written.get(fd, 0) + done
        return done
    monkeypatch.setattr(os, "write", write)


def test_a_snapshot_onto_a_full_disk_says_so_in_one_line_and_the_console_goes_on(wall_with_actions, tmp_path,
                                                                                  qtbot):
    camera, wall, actions, dialogs = wall_with_actions
    target = tmp_path / "snapshot.png"
    target.symlink_to("/dev/full")  # a device that is always full: the kernel's own ENOSPC
    dialogs.save_to = str(target)
    with qtbot.assertNotEmitted(actions.message):
        actions.save_snapshot(camera.id)
        qtbot.waitUntil(lambda: dialogs.errors != [], timeout=5_000)  # the full-size picture comes from the decoder
    assert dialogs.errors == [("Snapshot", f"Could not save {target}: the disk is full")]

    # the operator frees some room (here: picks another place) and the next snapshot is saved
    dialogs.errors.clear()
    dialogs.save_to = str(tmp_path / "again.png")
    with qtbot.waitSignal(actions.message, timeout=2_000) as message:
        actions.save_snapshot(camera.id)
    assert message.args[0] == f"Snapshot saved: {dialogs.save_to}" and dialogs.errors == []
    assert cv2.imread(dialogs.save_to) is not None
    assert wall.tiles[0].feed.status.state is CaptureState.LIVE


def test_a_disk_that_fills_up_while_saving_leaves_no_partial_snapshot_and_keeps_the_old_one(
        wall_with_actions, tmp_path, qtbot, monkeypatch):
    camera, _wall, actions, dialogs = wall_with_actions
    folder = tmp_path / "evidence"
    folder.mkdir()
    target = folder / "gate.jpg"
    target.write_bytes(b"yesterday's snapshot")  # the operator chose to replace it
    dialogs.save_to = str(target)
    disk_that_fills_up(monkeypatch, folder)
    with qtbot.assertNotEmitted(actions.message):
        actions.save_snapshot(camera.id)
        qtbot.waitUntil(lambda: dialogs.errors != [], timeout=5_000)  # the full-size picture comes from the decoder
    monkeypatch.undo()
    assert dialogs.errors == [("Snapshot", f"Could not save {target}: the disk is full")]
    assert sorted(p.name for p in folder.iterdir()) == ["gate.jpg"]  # no partial file left behind
    assert target.read_bytes() == b"yesterday's snapshot"

    dialogs.errors.clear()
    with qtbot.waitSignal(actions.message, timeout=2_000):
        actions.save_snapshot(camera.id)
    assert dialogs.errors == [] and cv2.imread(str(target)).shape == (360, 640, 3)


def test_a_clip_onto_a_full_disk_says_so_in_one_line_and_the_console_goes_on(wall_with_actions, tmp_path, qtbot,
                                                                             monkeypatch):
    camera, _wall, actions, dialogs = wall_with_actions
    feed = actions.pool.get(camera.id)
    qtbot.waitUntil(lambda: feed.clip.frame_count >= 5, timeout=3_000)
    target = tmp_path / "clip.mp4"
    dialogs.save_to = str(target)

    def disk_full(_clip, path, *, title=None, timeout=0):
        # what the decoder process answers on a full disk (tests/video/test_clip.py makes one for real)
        raise ClipError(f"cannot write {path}: the disk is full", errno.ENOSPC)
    monkeypatch.setattr(RemoteClip, "export_mp4", disk_full)
    actions.save_clip(camera.id)
    qtbot.waitUntil(lambda: dialogs.errors != [], timeout=10_000)
    monkeypatch.undo()
    assert dialogs.errors == [("Clip", f"Could not save {target}: the disk is full")]
    assert feed.status.state is CaptureState.LIVE

    dialogs.errors.clear()
    with qtbot.waitSignal(actions.message, timeout=10_000) as message:
        actions.save_clip(camera.id)
    assert message.args[0].startswith(f"Clip saved: {dialogs.save_to} (") and dialogs.errors == []


def test_the_tile_shortcuts_work_in_a_wall_window_too(wall_with_actions, small_db, qtbot):
    camera, _wall, actions, dialogs = wall_with_actions
    windows = WallWindows(actions.catalog, actions.pool, ConsoleSettings(), actions)
    window = windows.open()
    try:
        tile = window.wall.tiles[0]
        assert tile.camera_id == camera.id
        wait_live(qtbot, tile)
        activate(qtbot, window)  # the operator turns to the wall window, clicks a tile and presses Ctrl+Shift+C
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(actions.incident_reported, timeout=5_000):
            qtbot.keyClick(tile, Qt.Key.Key_C, CTRL_SHIFT)
        assert len(incidents_with_attachments(small_db.store)) == 1 and len(dialogs.reports) == 1
    finally:
        windows.close_all(remember=False)


# -- PTZ -----------------------------------------------------------------------------------------------

def test_an_onvif_camera_is_steered_from_its_tile_menu(video_rig, small_db, qtbot):
    from tests.video.onvif_service import FakeOnvifCamera

    with FakeOnvifCamera("admin", "secret") as device:
        onvif = device.url.replace("http://", "http://admin:secret@")
        camera = video_rig.add("Dome", "demo:road", onvif_url=onvif)
        plain = video_rig.add("Fixed", "demo:lane")
        video_rig.load()
        wall = video_rig.wall()
        actions = WallActions(video_rig.catalog, video_rig.pool, video_rig.tasks, small_db.service, OPERATOR,
                              FakeWallDialogs())
        actions.attach(wall)
        ptz_text = "Pan, tilt, zoom…"
        assert ptz_text not in [a.text() for a in actions.build_menu(wall, plain.id).actions()]
        menu = actions.build_menu(wall, camera.id)
        next(a for a in menu.actions() if a.text() == ptz_text).trigger()
        panel = actions._ptz_panels[camera.id]
        qtbot.waitUntil(lambda: panel.presets.count() == 1, timeout=5_000)
        panel.buttons["▲"].pressed.emit()
        qtbot.waitUntil(lambda: device.position()[1] > 0.05, timeout=5_000)
        assert panel.windowTitle() == "PTZ — Dome"
        panel.close()  # closing never leaves the camera turning
        qtbot.waitUntil(lambda: "Stop" in device.calls, timeout=5_000)
        actions.deleteLater()
