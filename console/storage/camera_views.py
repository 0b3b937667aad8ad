"""Where the cameras look: set a camera's field of view, and find the cameras that see a point.

The geometry is :mod:`console.core.coverage`; this module stores each camera's viewing direction,
angle of view and range (``cameras.view_direction``, ``view_angle``, ``view_range``) and answers
"which cameras see this spot, closest first" from them.  Aiming a camera is camera management, an
administrator's (:data:`~console.core.roles.MANAGE_CAMERAS`), checked here in the core for a book
bound to a logged-in operator (:mod:`console.storage.acting`); each change is one transaction with
an audit entry (``subject`` ``camera:<id>``).  Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from console.core.clock import Clock, SystemClock
from console.core.coverage import FieldOfView, PlacedCamera, cameras_covering
from console.core.roles import MANAGE_CAMERAS, Role
from console.storage.acting import Acting
from console.storage.cameras import _find as find_camera
from console.storage.db import Store
from console.storage.models import AuditEntry, Camera, Incident


@dataclass(frozen=True)
class CoveringCamera:
    """A camera that sees a point, and how far away it is."""

    camera_id: int
    name: str
    distance_m: float


class CameraViews(Acting):
    """The cameras' fields of view: read them, set one, and find who sees a point."""

    def __init__(self, store: Store, *, role: Role | str = Role.SYSTEM, actor: str = "system",
                 clock: Clock | None = None):
        self.store = store
        self.clock = clock or SystemClock()
        self._bind(role, actor)

    def placed(self) -> dict[int, PlacedCamera]:
        """Every camera with a position, by id, with its field of view (None when not set)."""
        with self.store.sessions() as session:
            rows = session.execute(select(Camera.id, Camera.name, Camera.lon, Camera.lat, Camera.view_direction,
                                          Camera.view_angle, Camera.view_range)
                                   .where(Camera.lon.is_not(None), Camera.lat.is_not(None))).all()
        return {camera_id: PlacedCamera(name, lon, lat, _view(direction, angle, range_m))
                for camera_id, name, lon, lat, direction, angle, range_m in rows}

    def covering(self, lon: float, lat: float) -> list[CoveringCamera]:
        """The cameras that see the point (lon, lat), closest first."""
        placed = self.placed()
        ids = {id(camera): camera_id for camera_id, camera in placed.items()}
        return [CoveringCamera(ids[id(camera)], camera.name, distance)
                for camera, distance in cameras_covering(list(placed.values()), lon, lat)]

    def covering_incident(self, incident_id: int) -> list[CoveringCamera]:
        """The cameras that see where an incident is, closest first (none when it has no position)."""
        with self.store.sessions() as session:
            place = session.execute(select(Incident.lon, Incident.lat).where(Incident.id == incident_id)).first()
        if place is None or place.lon is None or place.lat is None:
            return []
        return self.covering(place.lon, place.lat)

    def set_view(self, name_or_id: str | int, view: FieldOfView | None) -> None:
        """Aim a camera (``None`` forgets its field of view)."""
        self.check_role(MANAGE_CAMERAS)
        with self.store.sessions.begin() as session:
            camera = find_camera(session, name_or_id)
            camera.view_direction = view.direction_deg if view else None
            camera.view_angle = view.fov_deg if view else None
            camera.view_range = view.range_m if view else None
            note = (f"camera {camera.name}: direction {view.direction_deg:g}°, angle {view.fov_deg:g}°, "
                    f"range {view.range_m:g} m" if view else f"camera {camera.name}: field of view cleared")
            session.add(AuditEntry(incident_id=None, subject=f"camera:{camera.id}", at=self.clock.now(),
                                   actor=self.actor, action="aim_camera", note=note))


def _view(direction: float | None, angle: float | None, range_m: float | None) -> FieldOfView | None:
    if direction is None or angle is None or range_m is None:
        return None
    return FieldOfView(direction, angle, range_m)
