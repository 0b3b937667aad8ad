"""The demo town's own outlines: deterministic, nested, tiling, and importable like any GeoJSON."""

from __future__ import annotations

import json

import pytest

from console.core.geo import geometry_area_m2, point_in_geometry, ring_centroid
from console.demo.geometry import boundary_rows
from console.demo.places import YANGXUNQIAO_CENTRE, build_world
from console.storage.boundaries import parse_boundaries


@pytest.fixture(scope="module")
def town():
    world = build_world("town", seed=1)
    return world, boundary_rows(world)


def test_every_town_village_and_grid_has_an_outline(town):
    world, rows = town
    levels = [row.level for row in rows]
    assert levels.count("town") == 1 and levels.count("village") == 20 and levels.count("grid") == 87
    assert {row.code for row in rows if row.level == "grid"} == {g.code for g in world.grids}


def test_the_outlines_are_deterministic_and_near_shaoxing(town):
    world, rows = town
    assert boundary_rows(build_world("town", seed=1)) == rows
    [outline] = [row for row in rows if row.level == "town"]
    lon, lat = ring_centroid(outline.geometry["coordinates"][0])
    assert abs(lon - YANGXUNQIAO_CENTRE[0]) < 0.02 and abs(lat - YANGXUNQIAO_CENTRE[1]) < 0.02
    assert 20e6 < geometry_area_m2(outline.geometry) < 100e6  # a town of some 50 km2


def test_grids_tile_their_village_and_villages_tile_the_town(town):
    world, rows = town
    by_code = {(row.level, row.code): row for row in rows}
    town_area = geometry_area_m2(next(row for row in rows if row.level == "town").geometry)
    village_areas = 0.0
    for village in world.villages:
        outline = by_code[("village", village.code)].geometry
        area = geometry_area_m2(outline)
        village_areas += area
        grids = [by_code[("grid", g.code)].geometry for g in world.grids
                 if world.villages[g.village].code == village.code]
        assert sum(geometry_area_m2(g) for g in grids) == pytest.approx(area, rel=1e-3)
        for grid in grids:  # each grid's label point lies in its village
            assert point_in_geometry(*ring_centroid(grid["coordinates"][0]), outline)
    assert village_areas == pytest.approx(town_area, rel=1e-3)


def test_village_and_most_grid_centres_lie_in_their_own_outline(town):
    world, rows = town
    by_code = {(row.level, row.code): row.geometry for row in rows}
    assert all(point_in_geometry(v.lon, v.lat, by_code[("village", v.code)]) for v in world.villages)
    inside = sum(point_in_geometry(g.lon, g.lat, by_code[("grid", g.code)]) for g in world.grids)
    assert inside >= 0.95 * len(world.grids)


def test_the_outlines_pass_the_geojson_import_checks(town):
    world, rows = town
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"level": r.level, "code": r.code, "name": r.name}, "geometry": r.geometry}
        for r in rows]}
    assert parse_boundaries(json.dumps(document, ensure_ascii=False).encode()) == rows
