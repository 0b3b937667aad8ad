"""Tile math against published values (mercantile's documented tile, OSM's zoom table)."""

import math

import pytest

from console.maps.tiles import (MAX_LATITUDE, TileKey, count_tiles_in_bounds, lonlat_to_tile_xy, metres_per_pixel,
                                tile_bounds, tile_of, tile_xy_to_lonlat, tiles_in_bounds, tms_row,
                                zoom_for_resolution)


def test_bounds_of_a_documented_tile():
    # mercantile's README: bounds(486, 332, 10) == (-9.140625, 53.12040528310657, -8.7890625, 53.33087298301705)
    bounds = tile_bounds(10, 486, 332)
    assert bounds.west == pytest.approx(-9.140625, abs=1e-12)
    assert bounds.south == pytest.approx(53.12040528310657, abs=1e-12)
    assert bounds.east == pytest.approx(-8.7890625, abs=1e-12)
    assert bounds.north == pytest.approx(53.33087298301705, abs=1e-12)


def test_tile_of_known_points_at_zoom_16():
    assert tile_of(0.0, 0.0, 16) == TileKey(16, 32768, 32768)
    # just inside the north-west corner of mercantile's tile (486, 332, 10): its first child at z=16
    assert tile_of(-9.140625 + 1e-7, 53.33087298301705 - 1e-7, 16) == TileKey(16, 486 * 64, 332 * 64)
    # and just inside its south-east corner: the last child
    assert tile_of(-8.7890625 - 1e-7, 53.12040528310657 + 1e-7, 16) == TileKey(16, 486 * 64 + 63, 332 * 64 + 63)


def test_corners_of_the_world():
    assert tile_xy_to_lonlat(0, 0, 0) == pytest.approx((-180.0, MAX_LATITUDE))
    assert MAX_LATITUDE == pytest.approx(85.0511287798, abs=1e-9)
    assert tile_of(179.9999, -89.0, 3) == TileKey(3, 7, 7)  # clamped into the world
    assert tile_of(-180.0, 89.0, 3) == TileKey(3, 0, 0)


def test_fractional_tile_coordinates_round_trip_near_shaoxing():
    for z in (5, 12, 16, 18):
        x, y = lonlat_to_tile_xy(120.58, 30.0, z)
        lon, lat = tile_xy_to_lonlat(x, y, z)
        assert (lon, lat) == pytest.approx((120.58, 30.0), abs=1e-10)
        key = tile_of(120.58, 30.0, z)
        assert (key.x, key.y) == (math.floor(x), math.floor(y))


def test_tms_rows_count_from_the_south():
    assert tms_row(1, 0) == 1
    assert tms_row(16, 26770) == 65535 - 26770
    assert tms_row(16, tms_row(16, 12345)) == 12345


def test_ground_resolution_matches_the_osm_zoom_table():
    assert metres_per_pixel(0, 0.0) == pytest.approx(156543.03392804097, rel=1e-12)
    assert metres_per_pixel(16, 0.0) == pytest.approx(2.388657133911758, rel=1e-12)
    assert metres_per_pixel(16, 60.0) == pytest.approx(2.388657133911758 / 2, rel=1e-12)


def test_zoom_for_a_resolution():
    assert zoom_for_resolution(2.388657, 0.0) == 16
    assert zoom_for_resolution(2.388657 * 1.4, 0.0) == 16   # within √2 of native: same zoom
    assert zoom_for_resolution(2.388657 * 1.5, 0.0) == 15
    assert zoom_for_resolution(2.388657 / 1.5, 0.0) == 17
    assert zoom_for_resolution(2.388657 / 2, 60.0) == 16     # tiles shrink towards the poles
    assert zoom_for_resolution(0.01, 30.0, max_zoom=18) == 18
    assert zoom_for_resolution(5000.0, 30.0, min_zoom=10) == 10
    with pytest.raises(ValueError):
        zoom_for_resolution(0.0, 30.0)


def test_tiles_in_a_box_row_by_row():
    west, north = tile_xy_to_lonlat(100.2, 40.3, 8)
    east, south = tile_xy_to_lonlat(101.7, 41.9, 8)
    keys = tiles_in_bounds(west, south, east, north, 8)
    assert keys == [TileKey(8, 100, 40), TileKey(8, 101, 40), TileKey(8, 100, 41), TileKey(8, 101, 41)]
    assert count_tiles_in_bounds(west, south, east, north, 8) == 4
