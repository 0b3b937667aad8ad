"""Web-Mercator ("slippy map") tile math: lon/lat <-> tile, tile bounds, zoom for a resolution.

Tiles are numbered as OpenStreetMap and every XYZ server number them: at zoom ``z`` the world is
``2**z`` × ``2**z`` tiles of 256 px, ``x`` growing east from 180° W and ``y`` growing south from
85.0511° N.  MBTiles stores rows the other way up (TMS): :func:`tms_row` converts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

#: Pixels along a tile's side.
TILE_SIZE = 256
#: Web Mercator's sphere (EPSG:3857), for ground resolutions.
WEB_MERCATOR_RADIUS_M = 6_378_137.0
#: The equator's length on that sphere.
EQUATOR_M = 2 * math.pi * WEB_MERCATOR_RADIUS_M
#: Web Mercator stops at ±atan(sinh(π)): the square world.
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))
#: The deepest zoom any source may claim (2**30 tiles a side is beyond every server).
MAX_ZOOM = 30


class TileKey(NamedTuple):
    """One tile: zoom, column (x, eastwards) and row (y, southwards)."""

    z: int
    x: int
    y: int


@dataclass(frozen=True)
class TileBounds:
    """A tile's extent in degrees (WGS-84 or GCJ-02, as the tiles are drawn)."""

    west: float
    south: float
    east: float
    north: float


def tiles_per_side(z: int) -> int:
    """How many tiles make one row (or column) of the world at zoom ``z``."""
    return 1 << z


def lonlat_to_tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    """The fractional tile coordinates of a point: the integer parts name its tile, the rest the place in it."""
    n = tiles_per_side(z)
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def tile_of(lon: float, lat: float, z: int) -> TileKey:
    """The tile at zoom ``z`` that holds the point (clamped to the world's edge)."""
    x, y = lonlat_to_tile_xy(lon, lat, z)
    last = tiles_per_side(z) - 1
    return TileKey(z, min(last, max(0, math.floor(x))), min(last, max(0, math.floor(y))))


def tile_xy_to_lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    """The point at fractional tile coordinates ``(x, y)``: a tile's north-west corner for whole numbers."""
    n = tiles_per_side(z)
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / n))))
    return lon, lat


def tile_bounds(z: int, x: int, y: int) -> TileBounds:
    """A tile's west, south, east and north edges in degrees."""
    west, north = tile_xy_to_lonlat(x, y, z)
    east, south = tile_xy_to_lonlat(x + 1, y + 1, z)
    return TileBounds(west, south, east, north)


def tms_row(z: int, y: int) -> int:
    """The TMS row (MBTiles' ``tile_row``, counted from the south) of XYZ row ``y``; its own inverse."""
    return tiles_per_side(z) - 1 - y


def metres_per_pixel(z: int, lat: float) -> float:
    """Ground metres one tile pixel covers at zoom ``z`` and latitude ``lat``."""
    return EQUATOR_M * math.cos(math.radians(lat)) / (TILE_SIZE * tiles_per_side(z))


def zoom_for_resolution(metres_per_px: float, lat: float, min_zoom: int = 0, max_zoom: int = MAX_ZOOM) -> int:
    """The zoom whose tiles show closest to one tile pixel per screen pixel, within ``[min_zoom, max_zoom]``.

    "Closest" is on a log scale, so a tile is drawn between 0.71× and 1.41× its size."""
    if not metres_per_px > 0:
        raise ValueError(f"metres per pixel must be positive, not {metres_per_px!r}")
    exact = math.log2(EQUATOR_M * math.cos(math.radians(lat)) / (TILE_SIZE * metres_per_px))
    return max(min_zoom, min(max_zoom, math.floor(exact + 0.5)))


def tiles_in_bounds(west: float, south: float, east: float, north: float, z: int) -> list[TileKey]:
    """Every tile at zoom ``z`` that overlaps the box (degrees), row by row from the north-west."""
    first = tile_of(west, north, z)
    last = tile_of(east, south, z)
    return [TileKey(z, x, y) for y in range(first.y, last.y + 1) for x in range(first.x, last.x + 1)]


def count_tiles_in_bounds(west: float, south: float, east: float, north: float, z: int) -> int:
    """How many tiles :func:`tiles_in_bounds` would list (without listing them)."""
    first = tile_of(west, north, z)
    last = tile_of(east, south, z)
    return (last.x - first.x + 1) * (last.y - first.y + 1)
