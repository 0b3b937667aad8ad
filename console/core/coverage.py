"""Which cameras see a point: each camera's field of view as a sector on the ground (Qt-free).

A camera stands at (lon, lat) and looks along ``direction`` (degrees clockwise from north, as a
compass reads); it sees what lies within ``fov`` degrees around that direction (half to each side)
and within ``range_m`` metres.  A field of view of 360° is a dome or a PTZ camera that can turn
anywhere.  Distances and bearings are taken on the plane tangent at the camera
(:class:`~console.core.geo.LocalProjection`), exact to far better than a metre over a camera's
few hundred metres of range.  A point exactly on the edge (at the range, or at half the angle)
counts as seen: the sector is closed.

A camera without a direction, angle or range has no known field of view and sees nothing here; the
map does not draw one for it either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from console.core.geo import LocalProjection

#: Tolerance for the closed sector's edges (floating-point round-off, far below a centimetre or a degree).
_EDGE_M = 1e-6
_EDGE_DEG = 1e-9
#: What a new camera's field of view is set to when an operator first draws it on the map.
DEFAULT_FOV_DEG = 60.0
DEFAULT_RANGE_M = 100.0
MAX_RANGE_M = 5_000.0


class CoverageError(ValueError):
    """A field of view that cannot be: a direction, angle or range out of bounds; one line."""


@dataclass(frozen=True)
class FieldOfView:
    """Where a camera looks: compass direction, angle of view and range on the ground."""

    direction_deg: float
    fov_deg: float
    range_m: float

    def __post_init__(self) -> None:
        for name, value in (("direction", self.direction_deg), ("angle of view", self.fov_deg),
                            ("range", self.range_m)):
            if not math.isfinite(value):
                raise CoverageError(f"the {name} must be a number, not {value}")
        if not 0 < self.fov_deg <= 360:
            raise CoverageError(f"the angle of view must be more than 0° and at most 360°, not {self.fov_deg:g}°")
        if not 0 < self.range_m <= MAX_RANGE_M:
            raise CoverageError(f"the range must be more than 0 m and at most {MAX_RANGE_M:,.0f} m, "
                                f"not {self.range_m:g} m")
        object.__setattr__(self, "direction_deg", self.direction_deg % 360.0)


@dataclass(frozen=True)
class PlacedCamera:
    """A camera where it stands, with its field of view (None: not known)."""

    name: str
    lon: float
    lat: float
    view: FieldOfView | None


def bearing_deg(from_lon: float, from_lat: float, to_lon: float, to_lat: float) -> float:
    """The compass bearing (0–360°, clockwise from north) from one point to another nearby."""
    x, y = LocalProjection(from_lon, from_lat).to_xy(to_lon, to_lat)
    return math.degrees(math.atan2(x, y)) % 360.0


def angle_between_deg(a: float, b: float) -> float:
    """The smaller angle between two compass directions (0–180°)."""
    difference = abs(a - b) % 360.0
    return min(difference, 360.0 - difference)


def sees(camera: PlacedCamera, lon: float, lat: float) -> float | None:
    """The distance in metres from the camera to the point if the camera sees it, else None."""
    if camera.view is None:
        return None
    x, y = LocalProjection(camera.lon, camera.lat).to_xy(lon, lat)
    distance = math.hypot(x, y)
    if distance > camera.view.range_m + _EDGE_M:
        return None
    if distance <= _EDGE_M or camera.view.fov_deg >= 360.0:
        return distance
    bearing = math.degrees(math.atan2(x, y)) % 360.0
    if angle_between_deg(bearing, camera.view.direction_deg) > camera.view.fov_deg / 2 + _EDGE_DEG:
        return None
    return distance


def cameras_covering(cameras: list[PlacedCamera], lon: float, lat: float) -> list[tuple[PlacedCamera, float]]:
    """The cameras that see the point, closest first (ties by name), each with its distance in metres."""
    seen = [(camera, distance) for camera in cameras if (distance := sees(camera, lon, lat)) is not None]
    return sorted(seen, key=lambda pair: (pair[1], pair[0].name))


def sector_offsets_m(view: FieldOfView, *, step_deg: float = 5.0) -> list[tuple[float, float]]:
    """The field of view's outline as metres east and north of the camera: the camera, the arc at the
    range, back to the camera (only the arc, closed, for 360°).  For drawing."""
    steps = max(2, math.ceil(view.fov_deg / step_deg))
    start = view.direction_deg - view.fov_deg / 2
    arc = []
    for k in range(steps + 1):
        angle = math.radians(start + view.fov_deg * k / steps)
        arc.append((view.range_m * math.sin(angle), view.range_m * math.cos(angle)))
    if view.fov_deg >= 360.0:
        return arc
    return [(0.0, 0.0), *arc, (0.0, 0.0)]


def sector_outline(camera: PlacedCamera, *, step_deg: float = 5.0) -> list[tuple[float, float]]:
    """The field of view as a closed ring of (lon, lat) (see :func:`sector_offsets_m`); empty when not known."""
    if camera.view is None:
        return []
    projection = LocalProjection(camera.lon, camera.lat)
    return [projection.to_lonlat(x, y) for x, y in sector_offsets_m(camera.view, step_deg=step_deg)]
