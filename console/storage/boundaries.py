"""Town, village and grid outlines: import from GeoJSON, store, read back for the map and the rules.

A boundary file is a GeoJSON ``FeatureCollection`` whose features are ``Polygon`` or
``MultiPolygon`` geometries in WGS-84 with the properties ``level`` (``town``,
``village`` or ``grid``), ``code`` (the place's code, as in the store) and an
optional ``name``.  :func:`parse_boundaries` checks everything before anything is
written and stops at the first problem with a one-line :class:`BoundaryError` that
names the feature; :meth:`BoundaryBook.import_geojson` then replaces the outlines
of the same level and code in one transaction.  Checked: JSON syntax, structure,
geometry type, ring length (4+ positions), closed rings, longitude/latitude ranges,
and self-intersecting rings (pairwise edge test, for rings of up to
:data:`MAX_CHECKED_RING` points; a larger ring is taken as it is).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, tuple_

from console.core.geo import Region, polygons_of
from console.storage.db import Store
from console.storage.models import Boundary, Grid, Town, Village

LEVELS = ("town", "village", "grid")
MAX_CHECKED_RING = 2_000
_PLACE_TABLES = {"town": Town, "village": Village, "grid": Grid}


class BoundaryError(ValueError):
    """A boundary file cannot be imported; one line naming the feature and the problem."""


@dataclass(frozen=True)
class BoundaryRow:
    """One outline, checked: level, place code, name and a GeoJSON geometry dict."""

    level: str
    code: str
    name: str
    geometry: dict

    def values(self) -> dict:
        """The ``boundaries`` table's column values for this outline."""
        points = [p for polygon in polygons_of(self.geometry) for ring in polygon for p in ring]
        return {"level": self.level, "code": self.code, "name": self.name,
                "geometry": json.dumps(self.geometry, separators=(",", ":"), ensure_ascii=False),
                "min_lon": min(p[0] for p in points), "min_lat": min(p[1] for p in points),
                "max_lon": max(p[0] for p in points), "max_lat": max(p[1] for p in points)}


@dataclass
class BoundaryImport:
    """What an import wrote, per level, and the codes that match no place in the store (still imported)."""

    counts: dict[str, int] = field(default_factory=dict)
    unknown_codes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{self.counts[level]} {level}{'' if self.counts[level] == 1 else 's'}"
                 for level in LEVELS if self.counts.get(level)]
        return "imported " + (", ".join(parts) or "nothing")


class BoundaryBook:
    """The store's outlines."""

    def __init__(self, store: Store):
        self.store = store

    def import_geojson(self, source: str | bytes | os.PathLike) -> BoundaryImport:
        """Check a whole file, then write it in one transaction (outlines of the same level and code are replaced)."""
        rows = parse_boundaries(source)
        return self.replace(rows)

    def replace(self, rows: list[BoundaryRow]) -> BoundaryImport:
        """Store checked outlines in one transaction, replacing those of the same level and code."""
        result = BoundaryImport()
        with self.store.sessions.begin() as session:
            keys = [(row.level, row.code) for row in rows]
            for start in range(0, len(keys), 500):
                session.execute(delete(Boundary).where(tuple_(Boundary.level, Boundary.code).in_(keys[start:start + 500])))
            if rows:
                session.execute(Boundary.__table__.insert(), [row.values() for row in rows])
            for level in LEVELS:
                codes = {row.code for row in rows if row.level == level}
                result.counts[level] = len(codes)
                table = _PLACE_TABLES[level]
                known = set()
                code_list = sorted(codes)
                for start in range(0, len(code_list), 500):
                    known |= set(session.scalars(select(table.code).where(table.code.in_(code_list[start:start + 500]))))
                result.unknown_codes += [f"{level} {code}" for code in code_list if code not in known]
        return result

    def outlines(self, level: str | None = None) -> list[BoundaryRow]:
        """Stored outlines (of one level, or all), ordered by level and code."""
        query = select(Boundary.level, Boundary.code, Boundary.name, Boundary.geometry)
        if level is not None:
            query = query.where(Boundary.level == level)
        order = {name: index for index, name in enumerate(LEVELS)}
        with self.store.sessions() as session:
            rows = [BoundaryRow(lv, code, name, json.loads(text)) for lv, code, name, text in session.execute(query)]
        return sorted(rows, key=lambda row: (order.get(row.level, 9), row.code))

    def grid_regions(self) -> dict[int, Region]:
        """Grid id -> its outline prepared for point tests (grids without an outline are absent)."""
        with self.store.sessions() as session:
            rows = session.execute(select(Grid.id, Boundary.geometry)
                                   .join(Boundary, (Boundary.code == Grid.code) & (Boundary.level == "grid")))
            return {grid_id: Region(json.loads(text)) for grid_id, text in rows}


#: For a writer on a raw ``sqlite3`` connection: ``db.executemany(INSERT_BOUNDARY_SQL, [r.values() for r in rows])``.
INSERT_BOUNDARY_SQL = ("INSERT INTO boundaries (level, code, name, geometry, min_lon, min_lat, max_lon, max_lat) "
                       "VALUES (:level, :code, :name, :geometry, :min_lon, :min_lat, :max_lon, :max_lat)")


def insert_boundaries(connection, rows: Iterable[BoundaryRow]) -> int:
    """Insert outlines on an open SQLAlchemy connection (the caller's transaction); for bulk writers."""
    values = [row.values() for row in rows]
    if values:
        connection.execute(Boundary.__table__.insert(), values)
    return len(values)


# -- parsing and checking --------------------------------------------------------------------------

def parse_boundaries(source: str | bytes | os.PathLike) -> list[BoundaryRow]:
    """The outlines of a GeoJSON FeatureCollection (a path, or the text itself as str/bytes)."""
    label = "file"
    if isinstance(source, (os.PathLike,)) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        path = Path(source)
        label = path.name
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise BoundaryError(f"cannot read {path}: {exc.strerror or exc}") from None
    else:
        text = source
    try:
        document = json.loads(text)
    except UnicodeDecodeError:
        raise BoundaryError(f"{label} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BoundaryError(f"{label} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError(f"{label} is not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(f"{label} holds no features")
    rows: list[BoundaryRow] = []
    seen: dict[tuple[str, str], int] = {}
    for index, feature in enumerate(features, 1):
        row = _feature_row(index, feature)
        key = (row.level, row.code)
        if key in seen:
            raise BoundaryError(f"feature {index} ({row.level} {row.code}): the same {row.level} as feature {seen[key]}")
        seen[key] = index
        rows.append(row)
    return rows


def _feature_row(index: int, feature) -> BoundaryRow:
    where = f"feature {index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BoundaryError(f"{where} is not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise BoundaryError(f"{where}: properties must be an object")
    level, code, name = properties.get("level"), properties.get("code"), properties.get("name", "")
    if level not in LEVELS:
        raise BoundaryError(f"{where}: property level must be one of {', '.join(LEVELS)}, not {level!r}")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > 20:
        raise BoundaryError(f"{where}: property code must be the {level}'s code (1-20 characters), not {code!r}")
    code = code.strip()
    where = f"feature {index} ({level} {code})"
    if not isinstance(name, str) or len(name) > 64:
        raise BoundaryError(f"{where}: property name must be text of at most 64 characters")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise BoundaryError(f"{where} has no geometry")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise BoundaryError(f"{where}: a MultiPolygon needs at least one polygon")
        polygons = coordinates
    else:
        raise BoundaryError(f"{where}: geometry is a {kind}, expected Polygon or MultiPolygon")
    clean = [_checked_polygon(where if len(polygons) == 1 else f"{where} polygon {p}", polygon)
             for p, polygon in enumerate(polygons, 1)]
    geometry = {"type": "Polygon", "coordinates": clean[0]} if kind == "Polygon" else \
        {"type": "MultiPolygon", "coordinates": clean}
    return BoundaryRow(level, code, name.strip(), geometry)


def _checked_polygon(where: str, polygon) -> list[list[list[float]]]:
    if not isinstance(polygon, list) or not polygon:
        raise BoundaryError(f"{where}: a polygon needs an exterior ring")
    return [_checked_ring(f"{where} ring {r}" if len(polygon) > 1 else where, ring) for r, ring in enumerate(polygon, 1)]


def _checked_ring(where: str, ring) -> list[list[float]]:
    if not isinstance(ring, list):
        raise BoundaryError(f"{where}: a ring must be a list of positions")
    points = []
    for k, position in enumerate(ring, 1):
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2])):
            raise BoundaryError(f"{where}: position {k} is not [lon, lat]")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            raise BoundaryError(f"{where}: position {k} has longitude {position[0]} outside [-180, 180]")
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise BoundaryError(f"{where}: position {k} has latitude {position[1]} outside [-90, 90]"
                                + (" (lat and lon swapped?)" if -90 <= lon <= 90 and abs(lat) <= 180 else ""))
        point = [round(lon, 6), round(lat, 6)]
        if not points or point != points[-1]:  # a repeated position adds no edge
            points.append(point)
    if len(points) < 4:
        raise BoundaryError(f"{where}: a ring needs at least 4 positions (a closed triangle), it has {len(points)}")
    if points[0] != points[-1]:
        raise BoundaryError(f"{where}: ring is not closed (first position {points[0]} differs from the last "
                            f"{points[-1]})")
    if len(points) <= MAX_CHECKED_RING:
        crossing = _self_intersection(points)
        if crossing is not None:
            raise BoundaryError(f"{where}: ring crosses itself (edges {crossing[0]} and {crossing[1]})")
    return points


def _self_intersection(points: list[list[float]]) -> tuple[int, int] | None:
    """The first pair of non-adjacent edges (1-based) that touch or cross, if any."""
    edges = list(zip(points, points[1:]))
    n = len(edges)
    boxes = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])) for a, b in edges]
    for i in range(n):
        ax0, ax1, ay0, ay1 = boxes[i]
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the first and the last edge share the closing point
            bx0, bx1, by0, by1 = boxes[j]
            if bx0 > ax1 or bx1 < ax0 or by0 > ay1 or by1 < ay0:
                continue
            if _segments_touch(*edges[i], *edges[j]):
                return i + 1, j + 1
    return None


def _orientation(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a, b, c) -> bool:
    return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])


def _segments_touch(p1, p2, q1, q2) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return ((d1 == 0 and _on_segment(q1, q2, p1)) or (d2 == 0 and _on_segment(q1, q2, p2))
            or (d3 == 0 and _on_segment(p1, p2, q1)) or (d4 == 0 and _on_segment(p1, p2, q2)))
