"""One selection across the queue, the map and the wall (issue 10): each kind of pick answered by the other views."""

from __future__ import annotations

from sqlalchemy import select

from console.core.coverage import FieldOfView
from console.storage.camera_views import CameraViews
from console.storage.models import Camera, Incident
from tests.console.test_main_window import console, demo_db  # noqa: F401 - the fixtures

__all__ = ["console", "demo_db"]


def _ready(window, qtbot):
    panel = window.map.panel
    window.map_dock.raise_()
    qtbot.waitUntil(lambda: panel.live is not None and panel.places is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.queue_model.is_loading() and window.queue_model.rowCount() > 0,
                    timeout=10_000)
    qtbot.waitUntil(lambda: len(window.video.catalog.cameras()) > 0, timeout=10_000)
    return panel


def _open_placed_incident(store) -> Incident:
    with store.sessions() as session:
        return session.scalars(select(Incident).where(Incident.status == "reported", Incident.lon.is_not(None))
                               .order_by(Incident.id.desc())).first()


def test_an_incident_picked_in_the_queue_brings_the_cameras_that_see_it_to_the_wall_closest_first(console, qtbot):
    open_window, store, _clock, _settings = console
    incident = _open_placed_incident(store)
    with store.sessions() as session:
        cameras = session.scalars(select(Camera).order_by(Camera.id)).all()[:3]
    views = CameraViews(store)
    views.set_view(cameras[0].id, FieldOfView(0, 360, 5000))   # sees all the town
    views.set_view(cameras[1].id, FieldOfView(0, 360, 5000))
    views.set_view(cameras[2].id, FieldOfView(0, 360, 1))      # sees only its own spot
    expected = [c.name for c in views.covering_incident(incident.id)]
    assert len(expected) >= 2 and cameras[2].name not in expected
    window = open_window()
    panel = _ready(window, qtbot)
    with qtbot.waitSignal(window.links.cameras_brought, timeout=10_000) as brought:
        assert window.queue_view.select_incident(incident.id)
    assert brought.args[0] == expected[:4]
    wall = window.video.wall
    names = {c.id: c.name for c in cameras}
    assert [names.get(camera_id) for camera_id in wall.slots[:len(expected)]] == expected
    assert panel.selected_incident == incident.id  # and the map went to it
    assert window.selection.current == ("incident", incident.id)


def test_a_worker_picked_on_the_map_shows_their_incidents_in_the_queue(console, qtbot):
    open_window, store, _clock, _settings = console
    with store.sessions() as session:
        worker_id = session.scalar(select(Incident.assignee_worker_id).where(Incident.assignee_worker_id.is_not(None))
                                   .limit(1))
        theirs = set(session.scalars(select(Incident.id).where(Incident.assignee_worker_id == worker_id)))
    window = open_window()
    panel = _ready(window, qtbot)
    with qtbot.waitSignal(panel.worker_card_requested, timeout=5_000):  # their card and track
        panel.canvas.worker_clicked.emit(worker_id)
    model = window.queue_model
    qtbot.waitUntil(lambda: model.current_filter().worker_id == worker_id and not model.is_loading(), timeout=10_000)
    assert model.total_count() + model.pinned_count() == len(theirs)
    shown = {model.row_at(row).id for row in range(model.rowCount()) if model.row_at(row) is not None}
    assert shown and shown <= theirs
    name = panel.places.workers.names[panel.places.workers.index_of(worker_id)]
    assert name in window.queue_view.outside_filter.text()


def test_a_village_picked_on_the_map_shows_its_incidents(console, qtbot):
    open_window, _store, _clock, _settings = console
    window = open_window()
    panel = _ready(window, qtbot)
    village_id = int(panel.places.villages.ids[0])
    panel.canvas.village_clicked.emit(village_id)
    qtbot.waitUntil(lambda: window.queue_model.current_filter().village_id == village_id, timeout=5_000)
    assert panel.places.villages.names[0] in window.queue_view.outside_filter.text()


def test_a_camera_picked_on_the_map_goes_on_the_wall_and_a_tile_lights_its_field_of_view(console, qtbot):
    open_window, store, _clock, _settings = console
    with store.sessions() as session:
        first, second = session.scalars(select(Camera.id).order_by(Camera.id)).all()[:2]
    window = open_window()
    panel = _ready(window, qtbot)
    wall = window.video.wall
    panel.canvas.camera_clicked.emit(second)
    assert second in wall.slots[:wall.layout_def.tile_count]
    assert panel.canvas.selected_camera_sector() is not None  # demo cameras are aimed
    tile = wall.show_camera(first, 0)
    wall._tile_selected(tile)  # as a click on the tile does
    assert window.selection.current == ("camera", first)
    assert panel.canvas.selected_camera() == first


def test_a_one_key_alarm_selects_its_incident_by_itself(console, qtbot):
    open_window, store, _clock, _settings = console
    incident = _open_placed_incident(store)
    window = open_window()
    _ready(window, qtbot)
    with qtbot.waitSignal(window.links.cameras_brought, timeout=10_000):
        window.alarm_bar.alarm_raised.emit(incident.id)
    assert window.selection.current == ("incident", incident.id)
    assert window.detail.incident_id() == incident.id


def test_a_camera_aimed_on_the_map_is_stored_and_then_covers_what_it_looks_at(console, qtbot):
    open_window, store, _clock, _settings = console
    window = open_window()
    panel = _ready(window, qtbot)
    camera_id = int(panel.places.cameras.ids[0])
    with qtbot.waitSignal(window.map.message, timeout=10_000) as said:
        panel.aim_requested.emit(camera_id, FieldOfView(45, 90, 250))  # as a drag on the map ends
    assert "Camera aimed: 45° from north over 90°, up to 250 m" in said.args[0]
    assert CameraViews(store).placed()[camera_id].view == FieldOfView(45, 90, 250)
    assert panel.places.camera_views[camera_id] == FieldOfView(45, 90, 250)
