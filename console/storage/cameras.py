"""The cameras of the video wall: list, add, change, remove, import and export as CSV.

Every write is one transaction.  A camera with a position belongs to the grid
whose centre is nearest, when one is within :data:`GRID_RADIUS_KM`, and so to
that grid's village.  Stream and ONVIF URLs may carry credentials: records offer
:attr:`CameraRecord.masked_url`, and no :class:`CameraError` message holds a
user name or password.

Adding, changing, removing and importing cameras are an administrator's
(:data:`~console.core.roles.MANAGE_CAMERAS`), checked here in the core for a book bound to a
logged-in operator (:mod:`console.storage.acting`; a plain book is the command line, with full
rights); each is one transaction with an audit entry whose ``subject`` is ``camera:<id>``
(``cameras`` for an import), never with a URL.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.core.clock import Clock, SystemClock
from console.core.geo import EARTH_RADIUS_M
from console.core.nearest import distances_m
from console.core.roles import MANAGE_CAMERAS, Role
from console.storage.acting import Acting
from console.storage.camera_csv import CameraCsvError, CsvRow, read_camera_csv, write_camera_csv
from console.storage.db import Store
from console.storage.models import AuditEntry, Camera, Grid, Village
from console.storage.url_checks import check_onvif_url, check_source_url
from video.sources import mask_url

MAX_NAME = 64
MAX_GROUP = 64
GRID_RADIUS_KM = 3.0
UPDATABLE_FIELDS = ("name", "url", "sub_url", "onvif_url", "lon", "lat", "group")


class CameraError(ValueError):
    """A camera cannot be added, changed, found or imported; one line, never with credentials."""


class CameraNotFound(CameraError):
    """No camera has that name or id."""


@dataclass(frozen=True)
class CameraRecord:
    """A camera as the console shows it, detached from the database.

    The URLs are stored ones, credentials included: display :attr:`masked_url`.
    The grid and village fields are None when the camera has no position or no
    grid centre is within :data:`GRID_RADIUS_KM` of it.
    """

    id: int
    name: str
    url: str
    sub_url: str | None
    onvif_url: str | None
    lon: float | None
    lat: float | None
    grid_id: int | None
    grid_name: str | None
    village_id: int | None
    village_name: str | None
    group: str

    @property
    def masked_url(self) -> str:
        """The main stream URL with any user name and password hidden."""
        return mask_url(self.url)


@dataclass
class CsvImport:
    """What one CSV import added (camera names, in file order) and the lines it skipped, with why."""

    added: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class CameraBook(Acting):
    """The store's cameras; each write is one transaction, each refusal a :class:`CameraError`.

    Built plainly it acts with full rights (the command line); bound by :meth:`for_operator`, every
    write needs an administrator (:class:`~console.core.roles.PermissionDenied` otherwise)."""

    def __init__(self, store: Store, *, role: Role | str = Role.SYSTEM, actor: str = "system",
                 clock: Clock | None = None):
        self.store = store
        self.clock = clock or SystemClock()
        self._bind(role, actor)

    def list(self) -> list[CameraRecord]:
        """All cameras in the order they were added."""
        with self.store.sessions() as session:
            return [_record(*row) for row in session.execute(_RECORDS.order_by(Camera.id))]

    def get(self, name_or_id: str | int) -> CameraRecord:
        """The camera with that name (or, for an int or a name that matches none, that id)."""
        with self.store.sessions() as session:
            return _record_of(session, _find(session, name_or_id).id)

    def add(self, name: str, url: str, *, sub_url: str | None = None, onvif_url: str | None = None,
            lon: float | None = None, lat: float | None = None, group: str = "") -> CameraRecord:
        """Add a camera; its grid and village follow from ``lon``/``lat``."""
        self.check_role(MANAGE_CAMERAS)
        values = _checked(dict(name=name, url=url, sub_url=sub_url, onvif_url=onvif_url, lon=lon, lat=lat,
                               group=group))
        try:
            with self.store.sessions.begin() as session:
                _refuse_taken_name(session, values["name"])
                camera = _new_camera(session, values)
                session.add(camera)
                session.flush()
                session.add(self._audit(f"camera:{camera.id}", "add_camera", f"camera {camera.name}"))
                return _record_of(session, camera.id)
        except IntegrityError:
            self._raise_if_name_taken(values["name"])
            raise

    def update(self, camera_id: int, **fields) -> CameraRecord:
        """Change some of :data:`UPDATABLE_FIELDS`; a new ``lon``/``lat`` moves the camera's grid."""
        self.check_role(MANAGE_CAMERAS)
        unknown = sorted(set(fields) - set(UPDATABLE_FIELDS))
        if unknown:
            raise CameraError(f"a camera has no field {unknown[0]!r}; it has " + ", ".join(UPDATABLE_FIELDS))
        changes = _checked(fields)
        try:
            with self.store.sessions.begin() as session:
                camera = _find(session, camera_id)
                if "name" in changes and changes["name"] != camera.name:
                    _refuse_taken_name(session, changes["name"])
                _apply(session, camera, changes)
                session.flush()
                session.add(self._audit(f"camera:{camera.id}", "update_camera",
                                        f"camera {camera.name}: " + ", ".join(sorted(changes))))
                return _record_of(session, camera.id)
        except IntegrityError:
            if "name" in changes:
                self._raise_if_name_taken(changes["name"], other_than=camera_id)
            raise

    def remove(self, name_or_id: str | int) -> CameraRecord:
        """Remove a camera; returns it as it was."""
        self.check_role(MANAGE_CAMERAS)
        with self.store.sessions.begin() as session:
            camera = _find(session, name_or_id)
            record = _record_of(session, camera.id)
            session.delete(camera)
            session.add(self._audit(f"camera:{record.id}", "remove_camera", f"camera {record.name}"))
        return record

    def import_csv(self, source: str | bytes | os.PathLike) -> CsvImport:
        """Add the cameras of a CSV file (see :mod:`console.storage.camera_csv`) in one transaction.

        Lines that are not valid cameras are skipped and reported as ``"line 7: why"``;
        a file that is not a camera list at all raises :class:`CameraError`."""
        self.check_role(MANAGE_CAMERAS)
        try:
            rows = read_camera_csv(source)
        except CameraCsvError as exc:
            raise CameraError(str(exc)) from None
        result = CsvImport()
        try:
            with self.store.sessions.begin() as session:
                taken = set(session.scalars(select(Camera.name)))
                first_line: dict[str, int] = {}
                for row in rows:
                    try:
                        values = _checked(_row_values(row))
                        _refuse_duplicate(values["name"], taken, first_line)
                    except CameraError as exc:
                        result.errors.append(f"line {row.line}: {exc}")
                        continue
                    first_line[values["name"]] = row.line
                    session.add(_new_camera(session, values))
                    result.added.append(values["name"])
                if result.added:
                    session.add(self._audit("cameras", "import_cameras",
                                            f"{len(result.added)} cameras imported: " + ", ".join(result.added)))
        except IntegrityError:
            raise CameraError("another console added a camera of the same name during the import; "
                              "nothing was imported, try again") from None
        return result

    def export_csv(self) -> str:
        """All cameras as CSV text that :meth:`import_csv` reads back (URLs with their credentials)."""
        return write_camera_csv((c.name, c.url, c.sub_url, c.lon, c.lat, c.group, c.onvif_url)
                                for c in self.list())

    def _audit(self, subject: str, action: str, note: str) -> AuditEntry:
        return AuditEntry(incident_id=None, subject=subject, at=self.clock.now(), actor=self.actor, action=action,
                          note=note[:500])

    def _raise_if_name_taken(self, name: str, other_than: int | None = None) -> None:
        """After a unique-name violation: the name was taken by another console meanwhile."""
        with self.store.sessions() as session:
            holder = session.scalar(select(Camera.id).where(Camera.name == name))
        if holder is not None and holder != other_than:
            raise CameraError(f"duplicate name {name!r}: a camera of that name exists") from None


def nearest_grid_id(session: Session, lon: float | None, lat: float | None) -> int | None:
    """The grid whose centre is nearest to the point, if within :data:`GRID_RADIUS_KM`."""
    return nearest_grid_ids(session, [(lon, lat)])[0]


def nearest_grid_ids(session: Session, points: Sequence[tuple[float | None, float | None]]) -> list[int | None]:
    """:func:`nearest_grid_id` for many (lon, lat) points (None for a point without a position), one query."""
    found: list[int | None] = [None] * len(points)
    placed = [(k, lon, lat) for k, (lon, lat) in enumerate(points) if lon is not None and lat is not None]
    if not placed:
        return found
    # Only grids in the points' latitude band can be near; longitude degrees shrink towards the poles.
    band = math.degrees(GRID_RADIUS_KM * 1000 / EARTH_RADIUS_M)
    lats = [lat for _k, _lon, lat in placed]
    rows = session.execute(select(Grid.id, Grid.lon, Grid.lat)
                           .where(Grid.lat.between(min(lats) - band, max(lats) + band)).order_by(Grid.id)).all()
    if not rows:
        return found
    grid_ids, grid_lons, grid_lats = (np.array(column) for column in zip(*rows))
    for k, lon, lat in placed:
        distances = distances_m(lon, lat, grid_lons, grid_lats)
        nearest = int(np.argmin(distances))
        if distances[nearest] <= GRID_RADIUS_KM * 1000:
            found[k] = int(grid_ids[nearest])
    return found


_RECORDS = (select(Camera, Grid.name, Village.id, Village.name_zh)
            .outerjoin(Grid, Camera.grid_id == Grid.id)
            .outerjoin(Village, Grid.village_id == Village.id))


def _record(camera: Camera, grid_name: str | None, village_id: int | None,
            village_name: str | None) -> CameraRecord:
    return CameraRecord(id=camera.id, name=camera.name, url=camera.url, sub_url=camera.sub_url,
                        onvif_url=camera.onvif_url, lon=camera.lon, lat=camera.lat, grid_id=camera.grid_id,
                        grid_name=grid_name, village_id=village_id, village_name=village_name,
                        group=camera.group_name)


def _record_of(session: Session, camera_id: int) -> CameraRecord:
    return _record(*session.execute(_RECORDS.where(Camera.id == camera_id)).one())


def _find(session: Session, name_or_id: str | int) -> Camera:
    if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
        camera = session.get(Camera, name_or_id)
        if camera is None:
            raise CameraNotFound(f"no camera with id {name_or_id}")
        return camera
    name = str(name_or_id).strip()
    camera = session.scalar(select(Camera).where(Camera.name == name))
    if camera is None and name.isdecimal():
        camera = session.get(Camera, int(name))
    if camera is None:
        raise CameraNotFound(f"no camera named {name!r}")
    return camera


def _refuse_taken_name(session: Session, name: str) -> None:
    if session.scalar(select(Camera.id).where(Camera.name == name)) is not None:
        raise CameraError(f"duplicate name {name!r}: a camera of that name exists")


def _refuse_duplicate(name: str, taken: set[str], first_line: dict[str, int]) -> None:
    if name in taken:
        raise CameraError(f"duplicate name {name!r}: a camera of that name exists")
    if name in first_line:
        raise CameraError(f"duplicate name {name!r}: already on line {first_line[name]}")


def _new_camera(session: Session, values: dict) -> Camera:
    return Camera(name=values["name"], url=values["url"], sub_url=values["sub_url"],
                  onvif_url=values["onvif_url"], lon=values["lon"], lat=values["lat"],
                  grid_id=nearest_grid_id(session, values["lon"], values["lat"]), group_name=values["group"])


def _apply(session: Session, camera: Camera, changes: dict) -> None:
    lon, lat = changes.get("lon", camera.lon), changes.get("lat", camera.lat)
    _check_pair(lon, lat)
    for name, value in changes.items():
        setattr(camera, "group_name" if name == "group" else name, value)
    if "lon" in changes or "lat" in changes:
        camera.grid_id = nearest_grid_id(session, lon, lat)


# -- validation ------------------------------------------------------------------------------------

def _checked(fields: dict) -> dict:
    """The fields, cleaned and checked one by one; a complete set must also have lon and lat together."""
    checks = {"name": _check_name, "url": lambda v: _check_source("url", v), "sub_url": _check_sub_url,
              "onvif_url": _check_onvif, "lon": lambda v: _check_coordinate("lon", v, 180),
              "lat": lambda v: _check_coordinate("lat", v, 90), "group": _check_group}
    cleaned = {name: checks[name](value) for name, value in fields.items()}
    if set(cleaned) == set(UPDATABLE_FIELDS):
        _check_pair(cleaned["lon"], cleaned["lat"])
    return cleaned


def _check_name(value) -> str:
    name = _text("name", value)
    if not name:
        raise CameraError("a camera needs a name")
    if len(name) > MAX_NAME:
        raise CameraError(f"camera name {name[:20]!r}... is longer than {MAX_NAME} characters")
    if not name.isprintable():
        raise CameraError(f"camera name {name!r} holds a tab, line break or other control character")
    return name


def _check_group(value) -> str:
    group = _text("group", value or "")
    if len(group) > MAX_GROUP:
        raise CameraError(f"group {group[:20]!r}... is longer than {MAX_GROUP} characters")
    if not group.isprintable():
        raise CameraError(f"group {group!r} holds a tab, line break or other control character")
    return group


def _check_source(label: str, value) -> str:
    url = _text(label, value)
    if not url:
        raise CameraError(f"a camera needs a {label}")
    problem = check_source_url(url)
    if problem:
        raise CameraError(f"{label}: {problem}")
    return url


def _check_sub_url(value) -> str | None:
    return _check_source("sub_url", value) if value is not None and _text("sub_url", value) else None


def _check_onvif(value) -> str | None:
    url = _text("onvif_url", value) if value is not None else ""
    if not url:
        return None
    problem = check_onvif_url(url)
    if problem:
        raise CameraError(f"onvif_url: {problem}")
    return url


def _check_coordinate(label: str, value, limit: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CameraError(f"{label} {value!r} is not a number")
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise CameraError(f"{label} {value} is outside [-{limit:g}, {limit:g}]")
    return float(value)


def _check_pair(lon: float | None, lat: float | None) -> None:
    if (lon is None) != (lat is None):
        raise CameraError("lon and lat go together: give both or neither")


def _text(label: str, value) -> str:
    if not isinstance(value, str):
        raise CameraError(f"{label} must be text, not {type(value).__name__}")
    return value.strip()


def _row_values(row: CsvRow) -> dict:
    """A CSV row as :meth:`CameraBook.add` arguments (coordinates parsed, empty fields None)."""
    if row.problem:
        raise CameraError(row.problem)
    values: dict = {name: row.values.get(name, "") for name in UPDATABLE_FIELDS}
    for label in ("lon", "lat"):
        text = values[label]
        try:
            values[label] = float(text) if text else None
        except ValueError:
            raise CameraError(f"{label} {text!r} is not a number") from None
    values["sub_url"] = values["sub_url"] or None
    values["onvif_url"] = values["onvif_url"] or None
    return values
