"""Camera coverage: which cameras see a point, at the edges of range and angle, closest first."""

from __future__ import annotations

import math

import pytest

from console.core.coverage import (CoverageError, FieldOfView, PlacedCamera, angle_between_deg, bearing_deg,
                                   cameras_covering, sector_outline, sees)
from console.core.geo import LocalProjection, haversine_m

LON, LAT = 120.30, 30.10
HERE = LocalProjection(LON, LAT)


def _at(east_m: float, north_m: float) -> tuple[float, float]:
    return HERE.to_lonlat(east_m, north_m)


def _camera(name="东门", direction=90.0, fov=60.0, range_m=100.0, east=0.0, north=0.0) -> PlacedCamera:
    lon, lat = _at(east, north)
    return PlacedCamera(name, lon, lat, FieldOfView(direction, fov, range_m))


def test_a_camera_looking_east_sees_east_and_not_west_north_or_beyond_its_range():
    camera = _camera(direction=90, fov=60, range_m=100)
    assert sees(camera, *_at(50, 0)) == pytest.approx(50, abs=0.01)
    assert sees(camera, *_at(-50, 0)) is None  # behind it
    assert sees(camera, *_at(0, 50)) is None   # north, 90° off
    assert sees(camera, *_at(101, 0)) is None  # past the range


@pytest.mark.parametrize("offset_deg, seen", [(29.99, True), (30.0, True), (30.01, False), (-30.0, True),
                                              (-30.01, False)])
def test_the_edge_of_the_angle_counts_as_seen(offset_deg, seen):
    camera = _camera(direction=90, fov=60, range_m=100)
    angle = math.radians(90 + offset_deg)
    point = _at(80 * math.sin(angle), 80 * math.cos(angle))
    assert (sees(camera, *point) is not None) is seen


@pytest.mark.parametrize("distance_m, seen", [(99.99, True), (100.0, True), (100.01, False)])
def test_the_edge_of_the_range_counts_as_seen(distance_m, seen):
    assert (sees(_camera(direction=0, fov=10), *_at(0, distance_m)) is not None) is seen


def test_a_camera_looking_north_sees_across_the_zero_degree_line():
    camera = _camera(direction=350, fov=40, range_m=100)  # looks from 330° round to 10°
    assert sees(camera, *_at(10, 80)) is not None   # bearing ~7°
    assert sees(camera, *_at(-40, 80)) is not None  # bearing ~333°
    assert sees(camera, *_at(30, 80)) is None       # bearing ~20°


def test_a_dome_sees_all_round_and_a_camera_sees_its_own_spot():
    dome = _camera(direction=0, fov=360, range_m=50)
    assert all(sees(dome, *_at(40 * math.sin(a), 40 * math.cos(a))) is not None
               for a in (0, 1, 2, 3, 4, 5, 6))
    assert sees(_camera(direction=90, fov=20), LON, LAT) == 0.0


def test_covering_names_the_cameras_that_see_the_point_closest_first():
    cameras = [_camera("远处", direction=270, fov=30, range_m=300, east=250),
               _camera("近处", direction=90, fov=90, range_m=100, east=-20),
               _camera("背对", direction=270, fov=90, range_m=500, east=-100),
               PlacedCamera("未标定", *_at(10, 0), None)]
    names = [(camera.name, round(distance)) for camera, distance in cameras_covering(cameras, *_at(30, 0))]
    assert names == [("近处", 50), ("远处", 220)]


def test_distances_agree_with_the_great_circle():
    camera = _camera(direction=45, fov=90, range_m=500)
    point = _at(200, 200)
    assert sees(camera, *point) == pytest.approx(haversine_m(camera.lon, camera.lat, *point), rel=1e-4)
    assert bearing_deg(camera.lon, camera.lat, *point) == pytest.approx(45, abs=0.01)
    assert angle_between_deg(350, 10) == angle_between_deg(10, 350) == 20


@pytest.mark.parametrize("direction, fov, range_m, message", [
    (0, 0, 100, "angle of view"), (0, 361, 100, "angle of view"), (0, 60, 0, "range"),
    (0, 60, 50_000, "range"), (math.nan, 60, 100, "direction")])
def test_an_impossible_field_of_view_is_refused_in_one_line(direction, fov, range_m, message):
    with pytest.raises(CoverageError, match=message):
        FieldOfView(direction, fov, range_m)


def test_a_direction_is_kept_as_a_compass_reading():
    assert FieldOfView(-90, 60, 100).direction_deg == 270 and FieldOfView(450, 60, 100).direction_deg == 90


def test_the_outline_is_the_sector_the_camera_sees():
    camera = _camera(direction=90, fov=60, range_m=100)
    ring = sector_outline(camera)
    assert ring[0] == ring[-1] == (camera.lon, camera.lat)
    arc = ring[1:-1]
    assert all(haversine_m(camera.lon, camera.lat, *p) == pytest.approx(100, rel=1e-3) for p in arc)
    assert [round(bearing_deg(camera.lon, camera.lat, *p)) for p in (arc[0], arc[-1])] == [60, 120]
    assert sector_outline(PlacedCamera("x", LON, LAT, None)) == []
