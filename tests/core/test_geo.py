"""Geometry: the published WGS-84 <-> GCJ-02 transform against known pairs, distances, polygons."""

from __future__ import annotations

import math

import pytest

from console.core.geo import (LocalProjection, Region, distance_to_boundary_m, gcj02_to_wgs84, geometry_area_m2,
                              haversine_m, point_in_geometry, point_in_polygon, ring_centroid, wgs84_to_gcj02,
                              wgs84_to_gcj02_arrays)

# (WGS-84 lon, lat) -> (GCJ-02 lon, lat) from eviltransform's test suite (Shanghai, Shenzhen, Beijing)
# and coordtransform's (Beijing, 116.404 E 39.915 N).
KNOWN_PAIRS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]


@pytest.mark.parametrize("wgs, gcj", KNOWN_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert lon == pytest.approx(gcj[0], abs=1e-9)
    assert lat == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", KNOWN_PAIRS)
def test_gcj02_to_wgs84_inverts_to_within_a_millimetre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert haversine_m(lon, lat, *wgs) < 0.001


def test_the_shift_near_shaoxing_is_a_few_hundred_metres():
    lon, lat = wgs84_to_gcj02(120.30, 30.11)
    assert 300 < haversine_m(120.30, 30.11, lon, lat) < 700


@pytest.mark.parametrize("point", [(-0.1276, 51.5072), (139.6917, 35.6895), (150.0, 30.0), (100.0, 0.5)])
def test_outside_china_nothing_moves(point):
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_the_array_transform_agrees_with_the_scalar_one():
    lons = [wgs[0] for wgs, _ in KNOWN_PAIRS] + [-0.1276]
    lats = [wgs[1] for wgs, _ in KNOWN_PAIRS] + [51.5072]
    glons, glats = wgs84_to_gcj02_arrays(lons, lats)
    for lon, lat, glon, glat in zip(lons, lats, glons, glats):
        assert (glon, glat) == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-12)


def test_haversine_known_distances():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)  # a degree of the equator
    assert haversine_m(120.3, 30.1, 120.3, 30.1) == 0
    # Shaoxing to Hangzhou (West Lake), about 50 km
    assert haversine_m(120.582, 30.003, 120.148, 30.243) == pytest.approx(49_300, rel=0.02)


def test_local_projection_round_trip_and_scale():
    projection = LocalProjection(120.3, 30.1)
    x, y = projection.to_xy(120.31, 30.11)
    assert math.hypot(x, y) == pytest.approx(haversine_m(120.3, 30.1, 120.31, 30.11), rel=1e-3)
    assert projection.to_lonlat(x, y) == pytest.approx((120.31, 30.11), abs=1e-12)


SQUARE = [[120.0, 30.0], [120.01, 30.0], [120.01, 30.01], [120.0, 30.01], [120.0, 30.0]]
HOLE = [[120.004, 30.004], [120.006, 30.004], [120.006, 30.006], [120.004, 30.006], [120.004, 30.004]]


def test_point_in_polygon_with_a_hole():
    polygon = [SQUARE, HOLE]
    assert point_in_polygon(120.002, 30.002, polygon)
    assert not point_in_polygon(120.005, 30.005, polygon)  # in the hole
    assert not point_in_polygon(120.02, 30.005, polygon)


def test_point_in_a_multipolygon():
    other = [[[p[0] + 0.02, p[1]] for p in SQUARE]]
    geometry = {"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], other]}
    assert point_in_geometry(120.025, 30.005, geometry)
    assert point_in_geometry(120.001, 30.001, geometry)
    assert not point_in_geometry(120.015, 30.005, geometry)
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        point_in_geometry(0, 0, {"type": "LineString", "coordinates": []})


def test_distance_to_the_boundary_inside_and_outside():
    square = {"type": "Polygon", "coordinates": [SQUARE]}
    metre = 1 / 111_195
    assert distance_to_boundary_m(120.005, 30.0 - 20 * metre, square) == pytest.approx(20, rel=0.01)
    assert distance_to_boundary_m(120.005, 30.0 + 5 * metre, square) == pytest.approx(5, rel=0.01)
    region = Region(square)
    assert region.signed_distance_m(120.005, 30.0 + 5 * metre) < 0 < region.signed_distance_m(120.005, 29.99)


def test_area_and_centroid():
    square = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    side = haversine_m(120.0, 30.005, 120.01, 30.005), haversine_m(120.005, 30.0, 120.005, 30.01)
    hole = side[0] * side[1] * 0.04
    assert geometry_area_m2(square) == pytest.approx(side[0] * side[1] - hole, rel=1e-3)
    assert ring_centroid(SQUARE) == pytest.approx((120.005, 30.005))
