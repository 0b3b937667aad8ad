"""Camera change alerts in the main window, on the demo town: a change the detector found is listed with its
before and after pictures; confirming files exactly one incident with both, dismissing files none and resets
the zone's reference."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from console.storage.models import Attachment, Camera, Incident
from video.change_detector import ChangeFound
from video.change_watch import WatchFinding

from tests.console.test_main_window import UNTIL, console, demo_db  # noqa: F401  (the demo town and its window)

ROOF = [(0.2, 0.2), (0.6, 0.2), (0.6, 0.5), (0.2, 0.5)]


def _incidents(store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Incident))


def _raise_alert(window, store, qtbot):
    """A zone on the first rooftop camera, and a change found in it as the detector's thread hands it over."""
    room = window.changes
    with store.sessions() as session:
        camera = session.scalar(select(Camera.id).where(Camera.url.like("demo:rooftop%")).order_by(Camera.id))
    zone = room.book.add_zone(camera, "东侧楼顶", ROOF, "值班员 测试")
    before = np.full((360, 640, 3), 90, np.uint8)
    after = before.copy()
    after[100:160, 200:300] = (40, 120, 200)  # a shed
    at = UNTIL.timestamp()
    finding = WatchFinding(zone.id, camera, ChangeFound(at - 900, at, before, after, (200, 100, 100, 60), 0.7))
    with qtbot.waitSignal(room.change_found, timeout=10_000):
        room.watch._on_found(finding)  # what the watch's thread calls
    view = room.view
    qtbot.waitUntil(lambda: any(a.zone_id == zone.id for a in view.alerts), timeout=10_000)
    qtbot.waitUntil(lambda: view.after.image is not None and view.before.image is not None, timeout=10_000)
    assert (view.after.image.width(), view.after.image.height()) == (640, 360)
    assert view.confirm_button.isEnabled() and view.dismiss_button.isEnabled()
    return room, view, zone


def test_a_confirmed_change_is_one_incident_with_both_pictures_in_the_queue(console, qtbot):  # noqa: F811
    open_window, store, _clock, _settings = console
    window = open_window()
    room, view, _zone = _raise_alert(window, store, qtbot)
    count = _incidents(store)
    with qtbot.waitSignal(room.incident_reported, timeout=10_000) as reported:
        view.confirm_button.click()
    incident_id = reported.args[0]
    assert _incidents(store) == count + 1
    with store.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert (incident.source, incident.subitem, incident.reporter) == ("camera", "CON01", "江桥村高位（楼顶）")
        assert incident.lon is not None and incident.grid_id is not None
        assert session.scalar(select(func.count()).select_from(Attachment)
                              .where(Attachment.incident_id == incident_id)) == 2
    qtbot.waitUntil(lambda: window.queue_view.current_row() is not None
                    and window.queue_view.current_row().id == incident_id, timeout=10_000)
    qtbot.waitUntil(lambda: not view.alerts, timeout=10_000)  # no longer waiting
    assert view.empty.isVisible() or not view.isVisible()


def test_a_dismissed_change_files_nothing_and_resets_the_zone(console, qtbot, monkeypatch):  # noqa: F811
    open_window, store, _clock, _settings = console
    window = open_window()
    room, view, zone = _raise_alert(window, store, qtbot)
    accepted = []
    monkeypatch.setattr(room.watch, "accept", accepted.append)
    count = _incidents(store)
    view.note.setText("晾晒的被子")
    with qtbot.waitSignal(room.message, timeout=10_000):
        view.dismiss_button.click()
    qtbot.waitUntil(lambda: accepted == [zone.id], timeout=10_000)
    qtbot.waitUntil(lambda: not view.alerts, timeout=10_000)
    assert _incidents(store) == count
    assert room.book.alerts("dismissed")[0].decided_by == "值班员 测试"


@pytest.mark.parametrize("on_the_wall", [True, False], ids=["picture from its tile", "picture fetched"])
def test_zones_drawn_on_a_camera_are_stored_and_watched(console, qtbot, on_the_wall):  # noqa: F811
    open_window, store, _clock, _settings = console
    window = open_window()
    room = window.changes
    with store.sessions() as session:
        camera = session.scalar(select(Camera.id).where(Camera.url.like("demo:rooftop%")).order_by(Camera.id))
    before = len(room.book.zones(camera))
    qtbot.waitUntil(lambda: room.catalog.get(camera) is not None, timeout=10_000)  # the cameras are loaded
    if on_the_wall:  # the editor takes the tile's latest picture; otherwise it opens the stream for one
        window.video.wall.show_camera(camera, 0)
        qtbot.waitUntil(lambda: (feed := window.video.pool.get(camera)) is not None
                        and feed.capture.latest_frame() is not None, timeout=10_000)
    room.edit_zones(camera, window)
    qtbot.waitUntil(lambda: camera in room._editors, timeout=15_000)
    editor = room._editors[camera]
    assert not editor.canvas.picture.isNull()  # the camera's picture to draw on
    editor.add_requested.emit("东侧楼顶", ROOF)
    qtbot.waitUntil(lambda: editor.zone_list.count() == before + 1, timeout=10_000)
    zone = next(z for z in room.book.zones(camera) if z.name == "东侧楼顶")
    assert zone.polygon == tuple(ROOF) and zone.enabled
    watched = len(room.book.zones(enabled_only=True))  # the demo's roofs and the new zone
    qtbot.waitUntil(lambda: room.watching and room.watch.budget().zones == watched, timeout=10_000)
    editor.remove_requested.emit(zone.id)
    qtbot.waitUntil(lambda: editor.zone_list.count() == before, timeout=10_000)
    editor.close()
