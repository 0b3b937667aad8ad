"""Which of many points lie outside a grid's outline by more than a border band, with numpy: the vectorised
form of ``not region.contains(p) and region.signed_distance_m(p) > band`` (:class:`console.core.geo.Region`)
for a whole day of a worker's fixes at once (no Qt).

The answers are those of the one-point code, decision for decision:

* *inside* is the same even-odd ray casting over the same edges with the same floating-point expression
  (``lon < (xj - xi) * (lat - yi) / (yj - yi) + xi``), so it gives the same bits, point for point;
* *distance to the boundary* is computed only for points near the outline: a point farther than the band
  (plus a metre) from the outline's bounding box is farther still from the outline.  Near points get the
  minimum over the edges in the region's own plane, as :meth:`Region.distance_to_boundary_m` does; where that
  lies within a nanometre-scale margin of the band (``numpy.hypot`` and ``math.hypot`` may differ in the last
  bit) the point is decided again by :meth:`Region.distance_to_boundary_m` itself.
"""

from __future__ import annotations

import numpy as np

from console.core.geo import Region, polygons_of

#: Relative margin around the band within which the one-point code decides (float noise, not geometry).
_AMBIGUOUS = 1e-9


class RegionArrays:
    """A :class:`Region`'s rings as edge arrays, for point tests over numpy arrays of lon/lat."""

    def __init__(self, region: Region):
        self.region = region
        # (polygon index, is exterior, edge arrays) for the even-odd rule, in degrees, edges as the one-point
        # code walks them: from the previous point (the last for the first) to each point
        self.rings: list[tuple[int, bool, np.ndarray]] = []
        for p, polygon in enumerate(polygons_of(region.geometry)):
            for r, ring in enumerate(polygon):
                points = np.array([[q[0], q[1]] for q in ring], dtype=float).reshape(-1, 2)
                previous = np.roll(points, 1, axis=0)
                self.rings.append((p, r == 0, np.hstack([points, previous])))
        self.n_polygons = len(polygons_of(region.geometry))
        # the edges in metres on the region's plane, for distances (every ring, as zip(points, points[1:]))
        segments = [np.hstack([np.asarray(ring[:-1], dtype=float).reshape(-1, 2),
                               np.asarray(ring[1:], dtype=float).reshape(-1, 2)])
                    for ring in region._rings_xy if len(ring) > 1]
        self.segments = np.vstack(segments) if segments else np.zeros((0, 4))
        projection = region._projection
        self.box_xy = (*projection.to_xy(region.min_lon, region.min_lat),
                       *projection.to_xy(region.max_lon, region.max_lat))

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """:meth:`Region.contains` for every point."""
        region = self.region
        inside = np.zeros(len(lon), dtype=bool)
        in_box = np.flatnonzero((region.min_lon <= lon) & (lon <= region.max_lon)
                                & (region.min_lat <= lat) & (lat <= region.max_lat))
        if not len(in_box):
            return inside
        px, py = lon[in_box], lat[in_box]
        in_exterior = np.zeros((self.n_polygons, len(in_box)), dtype=bool)
        in_hole = np.zeros((self.n_polygons, len(in_box)), dtype=bool)
        for p, exterior, edges in self.rings:
            odd = _crossings_odd(px, py, edges)
            if exterior:
                in_exterior[p] = odd
            else:
                in_hole[p] |= odd
        inside[in_box] = (in_exterior & ~in_hole).any(axis=0)
        return inside

    def outside_by_more_than(self, lon: np.ndarray, lat: np.ndarray, band_m: float) -> np.ndarray:
        """For every point: outside the region and (unless ``band_m`` <= 0) more than ``band_m`` from it."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        outside = ~self.contains(lon, lat)
        if band_m <= 0 or not outside.any():
            return outside
        x, y = self.region._projection.to_xy(lon, lat)
        x0, y0, x1, y1 = self.box_xy
        box_distance = np.hypot(np.maximum(np.maximum(x0 - x, x - x1), 0.0),
                                np.maximum(np.maximum(y0 - y, y - y1), 0.0))
        near = np.flatnonzero(outside & (box_distance <= band_m + 1.0))
        if len(near):
            distance = _boundary_distance(x[near], y[near], self.segments)
            beyond = distance > band_m
            unsure = np.flatnonzero(np.abs(distance - band_m) <= _AMBIGUOUS * max(band_m, 1.0))
            for k in unsure:
                beyond[k] = self.region.distance_to_boundary_m(float(lon[near[k]]), float(lat[near[k]])) > band_m
            outside[near] = beyond
        return outside


def prepared(region: Region) -> RegionArrays:
    """The region's :class:`RegionArrays`, built once per :class:`Region` object."""
    arrays = region.__dict__.get("_arrays")
    if arrays is None:
        arrays = region.__dict__["_arrays"] = RegionArrays(region)
    return arrays


def _crossings_odd(lon: np.ndarray, lat: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Even-odd rule over one ring's edges ``(xi, yi, xj, yj)``: an odd number of crossings is inside."""
    odd = np.zeros(len(lon), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for xi, yi, xj, yj in edges.tolist():
            straddles = (yi > lat) != (yj > lat)
            if straddles.any():
                odd ^= straddles & (lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
    return odd


def _boundary_distance(x: np.ndarray, y: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Metres from each point to the nearest segment ``(ax, ay, bx, by)``, as ``geo._segment_distance``."""
    best = np.full(len(x), np.inf)
    for ax, ay, bx, by in segments.tolist():
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else np.clip(((x - ax) * dx + (y - ay) * dy) / length2, 0.0, 1.0)
        np.minimum(best, np.hypot(x - (ax + t * dx), y - (ay + t * dy)), out=best)
    return best
