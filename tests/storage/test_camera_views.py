"""Cameras' fields of view in the store: aimed by an administrator, on the record, and asked who sees a point."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from console.core.coverage import FieldOfView
from console.core.geo import LocalProjection
from console.core.roles import PermissionDenied
from console.storage.camera_views import CameraViews
from console.storage.cameras import CameraBook, CameraNotFound
from console.storage.models import AuditEntry, Incident

LON, LAT = 120.30, 30.10
HERE = LocalProjection(LON, LAT)


def _add(store, name, east_m, north_m):
    lon, lat = HERE.to_lonlat(east_m, north_m)
    return CameraBook(store).add(name, f"demo:{name}", lon=lon, lat=lat)


def test_aimed_cameras_that_see_a_point_are_named_closest_first(store):
    for name, east in (("东门", 0), ("西门", -300), ("远处", 400)):
        _add(store, name, east, 0)
    _add(store, "未定位", 10, 10)
    views = CameraViews(store)
    views.set_view("东门", FieldOfView(90, 60, 200))    # looks east, towards the point
    views.set_view("西门", FieldOfView(90, 30, 500))    # looks east from further away
    views.set_view("远处", FieldOfView(270, 90, 150))   # looks west but the point is 250 m off
    point = HERE.to_lonlat(150, 0)
    covering = views.covering(*point)
    assert [(c.name, round(c.distance_m)) for c in covering] == [("东门", 150), ("西门", 450)]
    assert views.placed()[covering[0].camera_id].view == FieldOfView(90, 60, 200)


def test_aiming_is_an_administrators_and_goes_on_the_record(store):
    camera = _add(store, "东门", 0, 0)
    with pytest.raises(PermissionDenied):
        CameraViews(store).for_operator("duty", "值班员 王丽").set_view("东门", FieldOfView(0, 60, 100))
    assert CameraViews(store).placed()[camera.id].view is None
    CameraViews(store).for_operator("admin", "主任 李晓东").set_view(camera.id, FieldOfView(-45, 60, 100))
    assert CameraViews(store).placed()[camera.id].view.direction_deg == 315
    with store.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "aim_camera")).one()
    assert (entry.actor, entry.subject) == ("主任 李晓东", f"camera:{camera.id}")
    assert "direction 315°, angle 60°, range 100 m" in entry.note


def test_clearing_a_view_stops_the_camera_covering_anything(store):
    _add(store, "东门", 0, 0)
    views = CameraViews(store)
    views.set_view("东门", FieldOfView(0, 360, 100))
    assert [c.name for c in views.covering(LON, LAT)] == ["东门"]
    views.set_view("东门", None)
    assert views.covering(LON, LAT) == []


def test_an_unknown_camera_is_one_line(store):
    with pytest.raises(CameraNotFound, match="no camera named '北门'"):
        CameraViews(store).set_view("北门", FieldOfView(0, 60, 100))


def test_the_cameras_that_see_an_incident_are_those_that_see_where_it_is(store, places):
    from tests.storage.conftest import insert_incident
    _add(store, "东门", 0, 0)
    CameraViews(store).set_view("东门", FieldOfView(90, 90, 300))
    seen = insert_incident(store, places, created=0)
    lon, lat = HERE.to_lonlat(100, 10)
    unplaced = insert_incident(store, places, created=0)
    with store.engine.begin() as connection:
        connection.execute(Incident.__table__.update().where(Incident.id == seen).values(lon=lon, lat=lat))
    assert [c.name for c in CameraViews(store).covering_incident(seen)] == ["东门"]
    assert CameraViews(store).covering_incident(unplaced) == []
    assert CameraViews(store).covering_incident(999_999) == []
