"""Geometry on the WGS-84 ellipsoid, small enough for a town: datums, distances, polygons.

Every function takes and returns **(lon, lat)** in degrees, in that order, as
GeoJSON does.  Phones report WGS-84; Chinese base maps (AutoNavi/Gaode, Tencent,
and most intranet tile servers) are drawn in GCJ-02, so a marker must go through
:func:`wgs84_to_gcj02` before it lands on such a map, and a click on such a map
through :func:`gcj02_to_wgs84` before it is compared with stored positions.

The WGS-84 -> GCJ-02 transform is the published one (eviltransform,
coordtransform and many others: Krasovsky 1940 ellipsoid, a = 6378245.0,
ee = 0.00669342162296594323); outside China's bounding box it is the identity.
Its inverse has no closed form: :func:`gcj02_to_wgs84` iterates to < 1 mm.

Polygons are GeoJSON coordinate lists: a ``Polygon`` is ``[exterior, hole, ...]``,
each ring a list of ``[lon, lat]`` closed by repeating the first point; a
``MultiPolygon`` is a list of those.  :class:`LocalProjection` turns degrees into
metres on a plane tangent at a reference point: exact enough (< 0.1 % over 20 km)
for point-to-boundary distances, stop detection and drawing a town.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Mean Earth radius (IUGG), for haversine distances.
EARTH_RADIUS_M = 6_371_008.8
#: The GCJ-02 transform's ellipsoid: Krasovsky 1940.
KRASOVSKY_A = 6_378_245.0
KRASOVSKY_EE = 0.00669342162296594323

# China's bounding box as the published transform defines it (the shift applies inside only).
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

Ring = Sequence[Sequence[float]]
PolygonCoords = Sequence[Ring]


def out_of_china(lon: float, lat: float) -> bool:
    """True where the GCJ-02 shift does not apply (outside the transform's bounding box)."""
    return not (_CHINA_LON[0] <= lon <= _CHINA_LON[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1])


def _shift(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlon, dlat) in degrees at a WGS-84 point inside China."""
    x, y = lon - 105.0, lat - 35.0
    common = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (common + 20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)
               + 160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (common + 20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)
               + 150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180.0 / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point as GCJ-02 (unchanged outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _shift(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, *, tolerance_deg: float = 1e-9, max_rounds: int = 30) -> tuple[float, float]:
    """A GCJ-02 point back to WGS-84, by fixed-point iteration of the forward transform.

    Converges in 3-5 rounds to ``tolerance_deg`` (1e-9 degrees is about 0.1 mm)."""
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(max_rounds):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < tolerance_deg and abs(dlat) < tolerance_deg:
            break
    return wlon, wlat


def wgs84_to_gcj02_arrays(lons, lats):
    """:func:`wgs84_to_gcj02` over numpy arrays (for thousands of markers at once)."""
    import numpy as np

    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    x, y = lons - 105.0, lats - 35.0
    pi = np.pi
    common = 20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (common + 20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)
               + 160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (common + 20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)
               + 150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad_lat = np.radians(lats)
    magic = 1.0 - KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180.0 / (KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * pi)
    inside = ((lons >= _CHINA_LON[0]) & (lons <= _CHINA_LON[1]) & (lats >= _CHINA_LAT[0]) & (lats <= _CHINA_LAT[1]))
    return np.where(inside, lons + dlon, lons), np.where(inside, lats + dlat, lats)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class LocalProjection:
    """Metres east (x) and north (y) of a reference point, on the plane tangent there.

    Equirectangular: x = R·Δλ·cos φ0, y = R·Δφ.  Within 20 km of the reference the
    error stays under 0.1 %, which is far below GPS noise."""

    lon0: float
    lat0: float

    def __post_init__(self) -> None:
        # metres per degree, computed once (frozen: set through object.__setattr__)
        object.__setattr__(self, "_kx", math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0)))
        object.__setattr__(self, "_ky", math.radians(1.0) * EARTH_RADIUS_M)

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Metres east and north of the reference point."""
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The point ``x`` metres east and ``y`` metres north of the reference point."""
        return self.lon0 + x / self._kx, self.lat0 + y / self._ky

    def ring_xy(self, ring: Ring) -> list[tuple[float, float]]:
        """A ring's points in metres."""
        kx, ky = self._kx, self._ky
        return [((p[0] - self.lon0) * kx, (p[1] - self.lat0) * ky) for p in ring]


# -- polygons ------------------------------------------------------------------------------------------

def point_in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd rule: is the point inside the closed ring?  (Points exactly on an edge may go either way.)"""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(lon: float, lat: float, polygon: PolygonCoords) -> bool:
    """Inside the exterior ring and outside every hole."""
    if not polygon or not point_in_ring(lon, lat, polygon[0]):
        return False
    return not any(point_in_ring(lon, lat, hole) for hole in polygon[1:])


def polygons_of(geometry: dict) -> list[PolygonCoords]:
    """The polygons of a GeoJSON ``Polygon`` or ``MultiPolygon`` geometry."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"expected a Polygon or MultiPolygon geometry, not {kind!r}")


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """Is the point inside a GeoJSON ``Polygon`` or ``MultiPolygon`` (holes excluded)?"""
    return any(point_in_polygon(lon, lat, polygon) for polygon in polygons_of(geometry))


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def distance_to_boundary_m(lon: float, lat: float, geometry: dict) -> float:
    """Metres from the point to the nearest edge of the geometry (any ring, holes included)."""
    projection = LocalProjection(lon, lat)
    best = math.inf
    for polygon in polygons_of(geometry):
        for ring in polygon:
            points = projection.ring_xy(ring)
            for (ax, ay), (bx, by) in zip(points, points[1:]):
                best = min(best, _segment_distance(0.0, 0.0, ax, ay, bx, by))
    return best


def signed_border_distance_m(lon: float, lat: float, geometry: dict) -> float:
    """Distance to the boundary, negative inside the geometry and positive outside it."""
    distance = distance_to_boundary_m(lon, lat, geometry)
    return -distance if point_in_geometry(lon, lat, geometry) else distance


@dataclass
class Region:
    """A GeoJSON polygon geometry prepared for many point tests (bounding box first)."""

    geometry: dict

    def __post_init__(self) -> None:
        points = [p for polygon in polygons_of(self.geometry) for p in polygon[0]]
        self.min_lon = min(p[0] for p in points)
        self.max_lon = max(p[0] for p in points)
        self.min_lat = min(p[1] for p in points)
        self.max_lat = max(p[1] for p in points)
        self._polygons = polygons_of(self.geometry)
        # The rings in metres on a plane tangent at the region's centre, for distances (a region is
        # a few km across: the plane's error is far below GPS noise).
        self._projection = LocalProjection((self.min_lon + self.max_lon) / 2, (self.min_lat + self.max_lat) / 2)
        self._rings_xy = [self._projection.ring_xy(ring) for polygon in self._polygons for ring in polygon]

    def contains(self, lon: float, lat: float) -> bool:
        """Is the point inside (holes excluded)?"""
        if not (self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat):
            return False
        return any(point_in_polygon(lon, lat, polygon) for polygon in self._polygons)

    def distance_to_boundary_m(self, lon: float, lat: float) -> float:
        """Metres from the point to the nearest edge (any ring)."""
        px, py = self._projection.to_xy(lon, lat)
        return min(_segment_distance(px, py, ax, ay, bx, by)
                   for points in self._rings_xy for (ax, ay), (bx, by) in zip(points, points[1:]))

    def signed_distance_m(self, lon: float, lat: float) -> float:
        """Metres to the boundary: negative inside, positive outside."""
        distance = self.distance_to_boundary_m(lon, lat)
        return -distance if self.contains(lon, lat) else distance


def ring_area_m2(ring: Ring, projection: LocalProjection) -> float:
    """Signed area (shoelace) of a ring in square metres: positive when counter-clockwise."""
    points = projection.ring_xy(ring)
    return 0.5 * sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(points, points[1:]))


def geometry_area_m2(geometry: dict) -> float:
    """Area of a Polygon or MultiPolygon in square metres (holes subtracted)."""
    polygons = polygons_of(geometry)
    first = polygons[0][0][0]
    projection = LocalProjection(first[0], first[1])
    total = 0.0
    for polygon in polygons:
        total += abs(ring_area_m2(polygon[0], projection))
        total -= sum(abs(ring_area_m2(hole, projection)) for hole in polygon[1:])
    return total


def ring_centroid(ring: Ring) -> tuple[float, float]:
    """The area centroid of a simple ring (lon, lat): where a map puts the ring's label."""
    area2 = cx = cy = 0.0
    lon0, lat0 = ring[0][0], ring[0][1]
    for a, b in zip(ring, ring[1:]):
        ax, ay, bx, by = a[0] - lon0, a[1] - lat0, b[0] - lon0, b[1] - lat0
        cross = ax * by - bx * ay
        area2 += cross
        cx += (ax + bx) * cross
        cy += (ay + by) * cross
    if area2 == 0:
        return lon0, lat0
    return lon0 + cx / (3 * area2), lat0 + cy / (3 * area2)
