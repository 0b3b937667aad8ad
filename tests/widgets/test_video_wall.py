"""The video wall as an operator sees it: live pictures from every kind of camera, offline cameras that retry
without freezing the console, layouts, drag and drop, maximise, paused hidden tiles, tours, named layouts, zoom."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from console.gui.settings import ConsoleSettings
from console.gui.wall_windows import SettingsLayoutLibrary
from tests.video.servers.ports import SilentServer, closed_port
from tests.widgets.video_rig import looks_like_a_picture, wait_live
from video.capture import RESIZE_TOLERANCE, CaptureState, fit_inside
from video.stream_choice import Stream
from widgets.camera_list import CameraListPanel
from widgets.video_tile import VideoTile
from widgets.wall_layouts import LAYOUTS
from widgets.wall_panel import WallPanel

SOURCES = {
    "demo": lambda request: "demo:road",
    "h264 file": lambda request: str(request.getfixturevalue("h264_clip")),
    "rtsp": lambda request: request.getfixturevalue("rtsp_server").url,
    "mjpeg": lambda request: request.getfixturevalue("mjpeg_server").url,
    "hls": lambda request: request.getfixturevalue("hls_url"),
}


def shown_cameras(wall) -> list[int | None]:
    """The camera on each tile of the current layout, as the operator sees them."""
    return [tile.camera_id for tile in wall.tiles]


def visible_tiles(wall) -> list[VideoTile]:
    return [tile for tile in wall.findChildren(VideoTile) if tile.isVisible()]


def drop(target, mime) -> bool:
    """Drag ``mime`` over ``target`` and drop it there, as Qt delivers a real drag; True if it was accepted."""
    centre = QPointF(target.width() / 2, target.height() / 2)
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(centre.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(centre, actions, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)
    return event.isAccepted()


# -- pictures ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(SOURCES))
def test_each_kind_of_camera_shows_live_pictures_in_its_tile(kind, request, video_rig, qtbot):
    video_rig.add(f"camera {kind}", SOURCES[kind](request))
    video_rig.load()
    wall = video_rig.wall()
    tile = wall.tiles[0]
    wait_live(qtbot, tile)

    def frame_is_shrunk_to_the_tile():
        """The worker shrinks the picture to the tile (it never enlarges it: the painter does that)."""
        frame = tile.feed.frame
        if frame is None:
            return False
        width, height = frame.source_size
        fitted = fit_inside((width, height), (tile.width(), tile.height()))
        shown = (tile.feed.image.width(), tile.feed.image.height())
        return shown == fitted if fitted[0] < width * (1 - RESIZE_TOLERANCE) else shown == (width, height)
    qtbot.waitUntil(frame_is_shrunk_to_the_tile, timeout=3_000)
    assert looks_like_a_picture(tile.grab().toImage()), f"the {kind} tile looks empty"


def test_an_offline_camera_says_when_it_retries_and_the_console_stays_responsive(video_rig, qtbot):
    silent = SilentServer()  # a camera that accepts the connection and never answers: a hung open
    try:
        video_rig.add("refused", f"rtsp://admin:s3cret@127.0.0.1:{closed_port()}/live")
        video_rig.add("hung", f"rtsp://127.0.0.1:{silent.port}/live")
        video_rig.load()
        gaps, last = [], [time.monotonic()]

        def beat():
            now = time.monotonic()
            gaps.append(now - last[0])
            last[0] = now
        heartbeat = QTimer(interval=10)
        heartbeat.timeout.connect(beat)
        heartbeat.start()
        began = time.monotonic()
        wall = video_rig.wall()
        refused, hung = wall.tiles[0], wall.tiles[1]
        open_timeout = video_rig.pool.options.open_timeout_s
        qtbot.waitUntil(lambda: refused.feed.status.state is CaptureState.OFFLINE, timeout=int(open_timeout * 1000))
        message = refused._state_message(refused.feed)
        assert re.match(r"offline — retrying in \d+ s\n", message), message
        assert "connection refused" in message and "s3cret" not in message
        qtbot.waitUntil(lambda: hung.feed.status.state is CaptureState.CONNECTING, timeout=1_000)  # still opening
        until_timeout = began + open_timeout + 0.8 - time.monotonic()  # the hung open ends at its timeout
        qtbot.waitUntil(lambda: hung.feed.status.state is CaptureState.OFFLINE, timeout=int(until_timeout * 1000))
        assert re.match(r"offline — retrying in \d+ s\n", hung._state_message(hung.feed))
        assert "no video within 2 s" in hung._state_message(hung.feed)
        wall.grab()  # both tiles paint their state
        heartbeat.stop()
        assert time.monotonic() - began > open_timeout * 0.8 and len(gaps) > 50
        assert max(gaps) < 0.15, f"the event loop stalled for {max(gaps) * 1000:.0f} ms"
    finally:
        silent.close()


def test_a_stream_that_stops_and_comes_back_is_live_again(video_rig, own_rtsp_server, qtbot):
    video_rig.add("gate", own_rtsp_server.url)
    video_rig.load()
    tile = video_rig.wall().tiles[0]
    wait_live(qtbot, tile)
    own_rtsp_server.stop()
    qtbot.waitUntil(lambda: tile.feed.status.state in (CaptureState.STALLED, CaptureState.OFFLINE), timeout=4_000)
    own_rtsp_server.start()
    back = time.monotonic()
    wait_live(qtbot, tile, timeout=5_000)
    assert time.monotonic() - back < 5


# -- what the wall shows ---------------------------------------------------------------------------------

def test_a_fresh_wall_shows_the_cameras_in_the_order_added_in_the_smallest_grid(video_rig, qtbot):
    ids = [video_rig.add(f"camera {n}", f"demo:road-{n}").id for n in range(5)]
    wall = video_rig.wall()
    video_rig.load()
    assert wall.layout_def.name == "3x3"
    assert len(visible_tiles(wall)) == 9
    assert shown_cameras(wall) == ids + [None] * 4


def test_every_layout_can_be_chosen_from_the_toolbar(video_rig, qtbot):
    video_rig.add("camera", "demo:road")
    video_rig.load()
    panel = WallPanel(video_rig.catalog, video_rig.pool, SettingsLayoutLibrary(ConsoleSettings()))
    qtbot.addWidget(panel)
    video_rig.walls.append(panel.wall)
    panel.resize(800, 480)
    panel.show()
    wall = panel.wall
    for name, layout in LAYOUTS.items():
        index = panel.layout_box.findData(name)
        panel.layout_box.setCurrentIndex(index)
        panel.layout_box.activated.emit(index)
        assert wall.layout_def.name == name
        qtbot.waitUntil(lambda: len(visible_tiles(wall)) == layout.tile_count, timeout=1_000)
        assert wall.tiles[0].camera_id == video_rig.catalog.cameras()[0].id
        rects = [tile.geometry() for tile in wall.tiles]  # every tile on the wall, none over another
        assert all(wall.rect().contains(rect) for rect in rects), name
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]), name


def test_drag_a_camera_from_the_list_onto_a_tile_and_a_tile_onto_another(video_rig, qtbot):
    first = video_rig.add("first", "demo:road-1")
    second = video_rig.add("second", "demo:lane-1", group="North")
    video_rig.load()
    wall = video_rig.wall()
    wall.set_layout("2x2")
    cameras = CameraListPanel(video_rig.catalog, video_rig.pool, video_rig.tasks)
    qtbot.addWidget(cameras)
    item = next(i for i in cameras._items() if i.data(0, Qt.ItemDataRole.UserRole) == second.id)
    assert drop(wall.tiles[3], cameras.tree.mimeData([item]))
    assert shown_cameras(wall) == [first.id, second.id, None, second.id]

    assert drop(wall.tiles[0], wall.tiles[3].mime_data())
    assert shown_cameras(wall) == [second.id, second.id, None, first.id]
    assert wall.tiles[3].feed.source.name == "first"


def test_double_click_maximises_one_tile_on_its_main_stream_and_again_restores(video_rig, qtbot):
    main, sub = "demo:road?w=1280&h=720", "demo:road?w=320&h=180"
    ids = [video_rig.add(f"camera {n}", main if n == 4 else f"demo:lane-{n}",
                         sub_url=sub if n == 4 else None).id for n in range(5)]
    video_rig.load()
    wall = video_rig.wall()
    assert wall.layout_def.name == "3x3"
    tile = wall.tiles[4]
    wait_live(qtbot, tile)
    assert tile.feed.stream is Stream.SUB and tile.feed.frame.source_size == (320, 180)

    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert visible_tiles(wall) == [tile] and tile.geometry() == wall.rect()
    assert tile.feed.stream is Stream.MAIN and tile.feed.capture.url == main
    qtbot.waitUntil(lambda: tile.feed.frame is not None and tile.feed.frame.source_size == (1280, 720),
                    timeout=5_000)

    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert len(visible_tiles(wall)) == 9 and shown_cameras(wall) == ids + [None] * 4
    qtbot.waitUntil(lambda: tile.feed.stream is Stream.SUB, timeout=3_000)  # a small tile again, after the dwell


def test_hidden_tiles_and_a_hidden_wall_stop_decoding(video_rig, qtbot):
    ids = [video_rig.add(f"camera {n}", f"demo:road-{n}").id for n in range(4)]
    video_rig.load()
    wall = video_rig.wall()
    feeds = [tile.feed for tile in wall.tiles]
    for tile in wall.tiles:
        wait_live(qtbot, tile)
    wall.toggle_maximise(0)
    qtbot.waitUntil(lambda: all(f.capture.status.state is CaptureState.PAUSED for f in feeds[1:]), timeout=2_000)
    paused = [f.capture.status.frames for f in feeds[1:]]
    before = feeds[0].capture.status.frames
    qtbot.waitUntil(lambda: feeds[0].capture.status.frames >= before + 10, timeout=2_000)
    assert [f.capture.status.frames for f in feeds[1:]] == paused, "hidden tiles kept decoding"
    assert feeds[0].status.state is CaptureState.LIVE

    wall.hide()
    qtbot.waitUntil(lambda: feeds[0].capture.status.state is CaptureState.PAUSED, timeout=2_000)
    wall.show()
    wall.toggle_maximise(0)
    for tile in wall.tiles:
        wait_live(qtbot, tile)
    assert shown_cameras(wall) == ids


def test_a_tile_tour_cycles_one_tile_and_a_wall_tour_pages_the_others(video_rig, qtbot):
    north = [video_rig.add(f"north {n}", f"demo:road-{n}", group="North").id for n in range(5)]
    south = [video_rig.add(f"south {n}", f"demo:lane-{n}", group="South").id for n in range(3)]
    video_rig.load()
    wall = video_rig.wall()
    wall.set_layout("2x2")
    began = time.monotonic()
    wall.start_tour("North", 2)
    assert shown_cameras(wall) == north[:4]
    qtbot.waitUntil(lambda: shown_cameras(wall) == [north[4], None, None, None], timeout=3_000)
    assert time.monotonic() - began > 1.8

    began = time.monotonic()
    wall.start_tour("South", 3, tile=3)
    assert shown_cameras(wall)[3] == south[0]
    qtbot.waitUntil(lambda: shown_cameras(wall)[:3] == north[:3], timeout=3_000)  # the wall tour wraps round
    assert shown_cameras(wall)[3] == south[0]
    qtbot.waitUntil(lambda: shown_cameras(wall)[3] == south[1], timeout=4_000)
    assert time.monotonic() - began > 2.8, "the tile tour moved on before its period"
    wall.stop_tours()
    assert wall.tours == []


def test_named_layouts_are_saved_and_recalled(video_rig, qtbot, monkeypatch):
    ids = [video_rig.add(f"camera {n}", f"demo:road-{n}", group="North").id for n in range(3)]
    video_rig.load()
    library = SettingsLayoutLibrary(ConsoleSettings())
    panel = WallPanel(video_rig.catalog, video_rig.pool, library)
    qtbot.addWidget(panel)
    video_rig.walls.append(panel.wall)
    panel.show()
    wall = panel.wall
    wall.set_layout("1+5")
    wall.show_camera(ids[2], 0)
    wall.show_camera(ids[0], 5)
    wall.start_tour("North", 30, tile=1)
    saved = wall.state()
    for name in ("Night shift", "早班/白天"):
        monkeypatch.setattr("widgets.wall_panel.QInputDialog.getText", lambda *args, n=name: (n, True))
        with qtbot.waitSignal(panel.layout_saved) as signal:
            panel.save_named()
        assert signal.args == [name]

    wall.stop_tours()
    wall.set_layout("4x4")
    wall.clear_tile(0)
    again = SettingsLayoutLibrary(ConsoleSettings())  # as read at the next start
    assert sorted(again.names()) == sorted(["Night shift", "早班/白天"])
    panel._fill_saved_menu()
    assert {a.text() for a in panel.saved_button.menu().actions()} >= {"Night shift", "早班/白天"}
    assert panel.recall("早班/白天")
    assert wall.state().layout == "1+5" and wall.state().cameras == saved.cameras
    assert [(t.group, t.seconds, t.tile) for t in wall.tours] == [("North", 30, 1)]
    assert panel.layout_box.currentData() == "1+5"
    assert not panel.recall("no such layout")


def test_wheel_zoom_shows_part_of_the_picture_and_reset_restores(video_rig, qtbot):
    video_rig.add("camera", "demo:square?w=1280&h=720")
    video_rig.load()
    tile = video_rig.wall().tiles[0]
    wait_live(qtbot, tile)
    whole = tile._source_rect(tile.feed)
    assert whole == tile.feed.image.rect().toRectF()
    at = QPointF(tile.width() * 0.25, tile.height() * 0.25)
    wheel = QWheelEvent(at, tile.mapToGlobal(at), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(tile, wheel)
    assert tile.zoom == pytest.approx(1.5625)
    part = tile._source_rect(tile.feed)
    frac = (part.width() / tile.feed.image.width(), part.height() / tile.feed.image.height())
    assert frac == pytest.approx((1 / 1.5625, 1 / 1.5625), abs=0.01)
    assert part.center().x() < whole.center().x() and part.center().y() < whole.center().y()
    # the point under the cursor stays where it was
    picture = tile._picture_rect(tile.feed.image.size())
    fx = (at.x() - picture.x()) / picture.width()
    assert (part.x() + fx * part.width()) / tile.feed.image.width() == pytest.approx(0.25, abs=0.02)
    # the worker is asked for more pixels, so the zoomed picture stays sharp
    qtbot.waitUntil(lambda: tile.feed.image.width() > tile.width(), timeout=3_000)

    tile.reset_zoom()
    assert tile.zoom == 1.0
    assert tile._source_rect(tile.feed) == tile.feed.image.rect().toRectF()
    qtbot.waitUntil(lambda: tile.feed.image.width() <= tile.width(), timeout=3_000)


def test_a_dialog_opened_over_the_wall_keeps_the_theme_in_light_mode(video_rig, qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QInputDialog

    from console.gui.theme import apply_theme
    app = QApplication.instance()
    before = app.property("gridwatch_theme") or "dark"
    apply_theme(app, "light")
    try:
        wall = video_rig.wall()
        dialog = QInputDialog(wall)  # a tour's period, a PTZ panel, a snapshot's file name: children of the wall
        qtbot.addWidget(dialog)
        dialog.show()
        picture = dialog.grab().toImage()
        light = app.palette().color(QPalette.ColorRole.Window)
        assert picture.pixelColor(picture.width() - 3, picture.height() // 2) == light  # not the wall's black
        assert wall.grab().toImage().pixelColor(2, 2).lightness() < 30  # the wall itself stays dark
    finally:
        apply_theme(app, before)
