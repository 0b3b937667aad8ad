"""Where tiles land on the map's plane, against the published WGS-84 -> GCJ-02 transform."""

import math

import pytest

from console.core.geo import LocalProjection, wgs84_to_gcj02
from console.maps.placement import TilePlacer
from console.maps.tiles import TileKey, tile_bounds, tile_of, tile_xy_to_lonlat

SHAOXING = LocalProjection(120.58, 30.0)


def test_a_wgs84_tile_lands_on_its_own_corners():
    key = tile_of(120.58, 30.0, 16)
    placement = TilePlacer(SHAOXING, gcj02=False).place(key)
    bounds = tile_bounds(*key)
    assert placement.north_west == pytest.approx(SHAOXING.to_xy(bounds.west, bounds.north))
    assert placement.south_east == pytest.approx(SHAOXING.to_xy(bounds.east, bounds.south))
    west, south, east, north = placement.extent[0], placement.extent[1], placement.extent[2], placement.extent[3]
    assert west < 0 < east and south < 0 < north  # the tile holds the projection's origin


def test_a_gcj02_tile_lands_where_the_forward_transform_says():
    key = tile_of(*wgs84_to_gcj02(120.58, 30.0), 16)
    placement = TilePlacer(SHAOXING, gcj02=True).place(key)
    for (cx, cy), (tx, ty) in zip(placement.corners, [(0, 0), (1, 0), (1, 1), (0, 1)]):
        drawn_lon, drawn_lat = SHAOXING.to_lonlat(cx, cy)            # WGS-84 of where the corner is drawn
        tile_lon, tile_lat = tile_xy_to_lonlat(key.x + tx, key.y + ty, key.z)  # the tile's own (GCJ-02) corner
        # a WGS-84 point at the drawn corner, shown on the GCJ-02 map, is at the tile's corner
        assert wgs84_to_gcj02(drawn_lon, drawn_lat) == pytest.approx((tile_lon, tile_lat), abs=1e-8)


def test_the_gcj02_shift_near_shaoxing_is_hundreds_of_metres_to_the_north_west():
    key = tile_of(120.58, 30.0, 16)
    plain = TilePlacer(SHAOXING, gcj02=False).place(key).centre
    shifted = TilePlacer(SHAOXING, gcj02=True).place(key).centre
    dx, dy = shifted[0] - plain[0], shifted[1] - plain[1]
    # GCJ-02 reads about 390 m east and 290 m south of WGS-84 here, so its tiles are drawn that much back
    assert -450 < dx < -330 and 240 < dy < 350
    assert 400 < math.hypot(dx, dy) < 550


@pytest.mark.parametrize("gcj02", [False, True])
def test_neighbouring_tiles_share_their_corners_exactly(gcj02):
    placer = TilePlacer(SHAOXING, gcj02)
    z, x, y = tile_of(120.58, 30.0, 15)
    tile = placer.place(TileKey(z, x, y))
    east = placer.place(TileKey(z, x + 1, y))
    south = placer.place(TileKey(z, x, y + 1))
    assert tile.north_east == east.north_west and tile.south_east == east.south_west
    assert tile.south_west == south.north_west and tile.south_east == south.north_east


def test_the_box_to_ask_tiles_for_is_the_views_box_in_the_tiles_datum():
    plain = TilePlacer(SHAOXING, gcj02=False).tile_datum_box(-500, -400, 500, 400)
    gcj = TilePlacer(SHAOXING, gcj02=True).tile_datum_box(-500, -400, 500, 400)
    west, south = SHAOXING.to_lonlat(-500, -400)
    east, north = SHAOXING.to_lonlat(500, 400)
    assert plain == pytest.approx((west, south, east, north))
    gw, gs = wgs84_to_gcj02(west, south)
    ge, gn = wgs84_to_gcj02(east, north)
    assert gcj == pytest.approx((gw, gs, ge, gn), abs=2e-5)  # the shift barely changes across a kilometre
    assert gcj[0] - plain[0] > 0.003  # about 390 m east
