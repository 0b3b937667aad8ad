"""Where base-map tiles land on the map's plane of metres, in WGS-84 whatever datum the tiles are drawn in.

The map's overlays (workers, grids, cameras) sit at :meth:`LocalProjection.to_xy` of their WGS-84
positions.  A tile's corners are slippy-map lon/lat (:func:`console.maps.tiles.tile_xy_to_lonlat`); on a
GCJ-02 base map (AutoNavi/Gaode, Tencent, most Chinese intranet servers) those numbers are GCJ-02, so each
corner goes through :func:`console.core.geo.gcj02_to_wgs84` first.  The shift (a few hundred metres) varies
slowly, so placing each tile by its four corners keeps every pixel within a few centimetres of the exact
transform at street zooms (see the tests), and neighbouring tiles share their corners exactly: no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.core.geo import LocalProjection, gcj02_to_wgs84, wgs84_to_gcj02
from console.maps.tiles import TileKey, tile_xy_to_lonlat

Point = tuple[float, float]
#: Corners remembered per placer before the memo starts again (a corner is shared by four tiles).
_CORNER_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class TilePlacement:
    """A tile's corners on the map's plane (metres east, north), in the order NW, NE, SE, SW."""

    key: TileKey
    north_west: Point
    north_east: Point
    south_east: Point
    south_west: Point

    @property
    def corners(self) -> tuple[Point, Point, Point, Point]:
        """NW, NE, SE, SW: the image's top-left, top-right, bottom-right and bottom-left corners."""
        return self.north_west, self.north_east, self.south_east, self.south_west

    @property
    def centre(self) -> Point:
        """The mean of the corners (metres)."""
        xs, ys = zip(*self.corners)
        return sum(xs) / 4.0, sum(ys) / 4.0

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(min_x, min_y, max_x, max_y)`` of the corners, in metres."""
        xs, ys = zip(*self.corners)
        return min(xs), min(ys), max(xs), max(ys)


class TilePlacer:
    """Places the tiles of one base map on the plane of a :class:`LocalProjection`.

    ``gcj02`` says the tiles are drawn in GCJ-02: each corner is moved back to WGS-84, so that WGS-84
    markers land on the right street.  Not thread-safe (its corner memo): use it on one thread."""

    def __init__(self, projection: LocalProjection, gcj02: bool = False):
        self.projection = projection
        self.gcj02 = gcj02
        self._corners: dict[tuple[int, int, int], Point] = {}

    def corner(self, z: int, x: int, y: int) -> Point:
        """The plane position of the north-west corner of tile ``(z, x, y)`` (shared with three neighbours)."""
        key = (z, x, y)
        found = self._corners.get(key)
        if found is None:
            lon, lat = tile_xy_to_lonlat(x, y, z)
            if self.gcj02:
                lon, lat = gcj02_to_wgs84(lon, lat)
            found = self.projection.to_xy(lon, lat)
            if len(self._corners) >= _CORNER_MEMO_LIMIT:
                self._corners.clear()
            self._corners[key] = found
        return found

    def place(self, key: TileKey) -> TilePlacement:
        """Where the tile's corners land."""
        z, x, y = key
        return TilePlacement(key, self.corner(z, x, y), self.corner(z, x + 1, y),
                             self.corner(z, x + 1, y + 1), self.corner(z, x, y + 1))

    def tile_datum_box(self, min_x: float, min_y: float, max_x: float, max_y: float) -> tuple[float, float, float, float]:
        """A rectangle of the plane as ``(west, south, east, north)`` in the tiles' own datum.

        That is the box to ask tiles for: on a GCJ-02 base map the tiles that cover a WGS-84 area are
        numbered by that area's GCJ-02 coordinates."""
        corners = [self.projection.to_lonlat(x, y) for x in (min_x, max_x) for y in (min_y, max_y)]
        if self.gcj02:
            corners = [wgs84_to_gcj02(lon, lat) for lon, lat in corners]
        lons, lats = zip(*corners)
        return min(lons), min(lats), max(lons), max(lats)
