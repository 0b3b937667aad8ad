"""What the worker-tracking map shows, read from the store as plain arrays (no Qt).

The map reads in two parts, both on a background thread:

* :func:`load_map_places` — what changes rarely: the plane the map is drawn in
  (a :class:`~console.core.geo.LocalProjection` centred on the store's places),
  town, village and grid outlines in metres, village and grid labels, cameras,
  and the worker directory behind the cards and the search.
* :meth:`LiveMapReader.read` — what changes every second or so: each worker's
  newest position and state (patrolling, idle, handling an incident, offline),
  the open incidents, and per village the events of the red-light window and how
  many of them are unresolved.

Coordinates are metres east and north of the projection's reference point,
in WGS-84 as the phones report it (a GCJ-02 base map is shifted instead, see
:mod:`widgets.base_map`).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Integer, case, func, select, type_coerce

from console.core.clock import Clock, to_epoch
from console.core.coverage import FieldOfView
from console.core.geo import LocalProjection, polygons_of
from console.core.patrol import Fix, StatePolicy, WorkerActivity, WorkerState
from console.core.redlight import VillageCounts
from console.core.workflow import OPEN_STATUS_VALUES, Status
from console.storage.db import Store
from console.storage.models import Boundary, Camera, Grid, Incident, Village, Worker
from console.storage.positions import PositionStore

#: Which events count for a village's red light: those reported in this window.
RED_LIGHT_WINDOW = timedelta(days=7)
#: The states of :class:`~console.core.patrol.WorkerState` as small integers, for colour look-ups.
WORKER_STATES = (WorkerState.PATROLLING, WorkerState.IDLE, WorkerState.HANDLING, WorkerState.OFFLINE)
_STATE_CODE = {state: code for code, state in enumerate(WORKER_STATES)}
_IN_HAND = (Status.DISPATCHED.value, Status.IN_PROGRESS.value)


@dataclass(frozen=True)
class Outline:
    """A town's, village's or grid's outline: its rings (outer first) as (n, 2) arrays of metres."""

    level: str
    code: str
    name: str
    rings: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class PlaceMarks:
    """Places with a label at a point: ids (ascending), codes, names and their positions in metres."""

    ids: np.ndarray
    codes: list[str]
    names: list[str]
    x: np.ndarray
    y: np.ndarray
    parent_ids: np.ndarray  # a grid's village; a village's town; a camera's grid (0: none)

    def index_of(self, place_id: int) -> int | None:
        return _index_of(self.ids, place_id)


@dataclass(frozen=True)
class WorkerDirectory:
    """Every worker, for the cards and the search: id (ascending), code, name, phone and grid."""

    ids: np.ndarray
    codes: list[str]
    names: list[str]
    phones: list[str]
    grid_ids: np.ndarray
    on_duty: np.ndarray

    def index_of(self, worker_id: int) -> int | None:
        return _index_of(self.ids, worker_id)

    def on_duty_of(self, worker_ids: np.ndarray) -> np.ndarray:
        """For each of ``worker_ids``, whether that worker is on duty (False for an unknown id)."""
        rows = _indices_of(self.ids, worker_ids)
        return np.where(rows >= 0, self.on_duty[np.maximum(rows, 0)], False) if len(self.ids) \
            else np.zeros(len(worker_ids), dtype=bool)

    def find(self, text: str, grid_names: dict[int, str], limit: int = 20) -> list[int]:
        """Worker ids whose name, code or grid name contains ``text`` (exact name matches first)."""
        needle = text.strip().lower()
        if not needle:
            return []
        exact, partial = [], []
        for index, worker_id in enumerate(self.ids.tolist()):
            name = self.names[index].lower()
            haystack = (name, self.codes[index].lower(), grid_names.get(int(self.grid_ids[index]), "").lower())
            if name == needle:
                exact.append(worker_id)
            elif any(needle in h for h in haystack):
                partial.append(worker_id)
            if len(exact) >= limit:
                break
        return (exact + partial)[:limit]


@dataclass(frozen=True)
class MapPlaces:
    """What the map draws that rarely changes (see :func:`load_map_places`)."""

    projection: LocalProjection
    outlines: dict[str, list[Outline]]
    villages: PlaceMarks
    grids: PlaceMarks
    cameras: PlaceMarks
    workers: WorkerDirectory
    extent: tuple[float, float, float, float]  # x0, y0, x1, y1 in metres
    camera_views: dict[int, FieldOfView] = field(default_factory=dict)  # aimed cameras' fields of view

    @property
    def grid_names(self) -> dict[int, str]:
        return dict(zip(self.grids.ids.tolist(), self.grids.names))


@dataclass(frozen=True)
class LiveWorkers:
    """Workers with a known position: ids, metres, state codes (:data:`WORKER_STATES`) and fix times."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    states: np.ndarray
    fix_at: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


@dataclass(frozen=True)
class LiveIncidents:
    """Open incidents with a position: ids, numbers, titles, metres, lon/lat, status, level, one-key flag."""

    ids: np.ndarray
    numbers: list[str]
    titles: list[str]
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    statuses: list[str]
    levels: np.ndarray
    one_key: np.ndarray


@dataclass(frozen=True)
class LiveMap:
    """What the map shows that changes by the second (see :class:`LiveMapReader`)."""

    at: datetime
    workers: LiveWorkers
    incidents: LiveIncidents
    village_counts: dict[int, VillageCounts]
    in_hand: dict[int, list[int]] = field(default_factory=dict)  # worker id -> incidents dispatched to them


def load_map_places(store: Store) -> MapPlaces:
    """Outlines, labels, cameras and the worker directory, projected around the places' centre."""
    with store.engine.connect() as conn:
        villages = conn.execute(select(Village.id, Village.code, Village.name_zh, Village.lon, Village.lat,
                                       Village.town_id).order_by(Village.id)).all()
        grids = conn.execute(select(Grid.id, Grid.code, Grid.name, Grid.lon, Grid.lat, Grid.village_id)
                             .order_by(Grid.id)).all()
        cameras = conn.execute(select(Camera.id, Camera.name, Camera.name, Camera.lon, Camera.lat,
                                      func.coalesce(Camera.grid_id, 0))
                               .where(Camera.lon.is_not(None), Camera.lat.is_not(None)).order_by(Camera.id)).all()
        views = conn.execute(select(Camera.id, Camera.view_direction, Camera.view_angle, Camera.view_range)
                             .where(Camera.lon.is_not(None), Camera.lat.is_not(None),
                                    Camera.view_direction.is_not(None), Camera.view_angle.is_not(None),
                                    Camera.view_range.is_not(None))).all()
        workers = conn.execute(select(Worker.id, Worker.code, Worker.name, Worker.phone, Worker.grid_id,
                                      Worker.on_duty).order_by(Worker.id)).all()
        outlines = conn.execute(select(Boundary.level, Boundary.code, Boundary.name, Boundary.geometry)
                                .order_by(Boundary.level, Boundary.code)).all()
    points = [(v.lon, v.lat) for v in villages] or [(g.lon, g.lat) for g in grids] or [(120.58, 30.0)]
    lon0, lat0 = (float(np.mean([p[0] for p in points])), float(np.mean([p[1] for p in points])))
    projection = LocalProjection(round(lon0, 4), round(lat0, 4))
    by_level: dict[str, list[Outline]] = {}
    for level, code, name, geometry in outlines:
        rings = tuple(_project(projection, np.asarray(ring, dtype=float)[:, :2])
                      for polygon in polygons_of(json.loads(geometry)) for ring in polygon)
        by_level.setdefault(level, []).append(Outline(level, code, name, rings))
    marks = {kind: _marks(projection, rows) for kind, rows in (("villages", villages), ("grids", grids),
                                                               ("cameras", cameras))}
    directory = WorkerDirectory(np.array([w.id for w in workers], dtype=np.int64), [w.code for w in workers],
                                [w.name for w in workers], [w.phone for w in workers],
                                np.array([w.grid_id for w in workers], dtype=np.int64),
                                np.array([bool(w.on_duty) for w in workers]))
    return MapPlaces(projection, by_level, marks["villages"], marks["grids"], marks["cameras"], directory,
                     _extent(by_level, marks["villages"], marks["grids"]),
                     {camera_id: FieldOfView(*view) for camera_id, *view in views})


class LiveMapReader:
    """Reads :class:`LiveMap` snapshots, remembering how each worker moved between them.

    A worker is *patrolling* when they moved more than a few tens of metres in the
    last ten minutes, *idle* when not, *handling* with an incident dispatched to
    them, *offline* when their phone has been silent for ``state_policy.offline_after_s``
    (:func:`console.core.patrol.classify_worker`).  One reader per map; :meth:`read`
    may be called from any thread, one call at a time is enforced.
    """

    def __init__(self, store: Store, projection: LocalProjection, clock: Clock,
                 state_policy: StatePolicy = StatePolicy(), positions: PositionStore | None = None):
        self.store = store
        self.projection = projection
        self.clock = clock
        self.state_policy = state_policy
        self.positions = positions or PositionStore(store, clock)
        self._activity: dict[int, WorkerActivity] = {}
        self._lock = threading.Lock()

    def read(self) -> LiveMap:
        with self._lock:
            now = self.clock.now()
            latest = self.positions.latest_positions()
            with self.store.engine.connect() as conn:
                incidents = conn.execute(
                    select(Incident.id, Incident.number, Incident.title, Incident.lon, Incident.lat,
                           Incident.status, Incident.level, Incident.one_key, Incident.assignee_worker_id)
                    .where(Incident.status.in_(OPEN_STATUS_VALUES), Incident.lon.is_not(None), Incident.lat.is_not(None))
                    .order_by(Incident.id)).all()
                since = type_coerce(to_epoch(now - RED_LIGHT_WINDOW), Integer)
                counts = conn.execute(
                    select(Incident.village_id, func.count(),
                           func.sum(case((Incident.status.in_(OPEN_STATUS_VALUES), 1), else_=0)))
                    .where(type_coerce(Incident.created_at, Integer) >= since, Incident.village_id.is_not(None))
                    .group_by(Incident.village_id)).all()
            in_hand: dict[int, list[int]] = {}
            for row in incidents:
                if row.assignee_worker_id is not None and row.status in _IN_HAND:
                    in_hand.setdefault(row.assignee_worker_id, []).append(row.id)
            return LiveMap(now, self._workers(latest, in_hand, to_epoch(now)), self._incidents(incidents),
                           {village: VillageCounts(int(total), int(unresolved or 0))
                            for village, total, unresolved in counts}, in_hand)

    def _workers(self, latest, in_hand: dict[int, list[int]], now: int) -> LiveWorkers:
        ids = np.array(sorted(latest), dtype=np.int64)
        states = np.empty(len(ids), dtype=np.int8)
        lon, lat, fix_at = (np.empty(len(ids)) for _ in range(3))
        for index, worker_id in enumerate(ids.tolist()):
            position = latest[worker_id]
            activity = self._activity.get(worker_id)
            if activity is None:
                activity = self._activity[worker_id] = WorkerActivity(self.state_policy)
            activity.update(Fix(float(position.t), position.lon, position.lat, position.accuracy, position.speed))
            state = WorkerState.OFFLINE if position.offline else activity.state(now, worker_id in in_hand)
            states[index] = _STATE_CODE[state]
            lon[index], lat[index], fix_at[index] = position.lon, position.lat, position.t
        x, y = _project_arrays(self.projection, lon, lat)
        return LiveWorkers(ids, x, y, states, fix_at, lon, lat)

    def _incidents(self, rows) -> LiveIncidents:
        lon = np.array([r.lon for r in rows], dtype=float)
        lat = np.array([r.lat for r in rows], dtype=float)
        x, y = _project_arrays(self.projection, lon, lat)
        return LiveIncidents(np.array([r.id for r in rows], dtype=np.int64), [r.number for r in rows],
                             [r.title for r in rows], x, y, lon, lat,
                             [r.status for r in rows], np.array([r.level for r in rows], dtype=np.int8),
                             np.array([bool(r.one_key) for r in rows]))


def _indices_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The position of each of ``wanted`` in ``ids`` (sorted, as the loaders read them), -1 where absent."""
    wanted = np.asarray(wanted, dtype=ids.dtype if len(ids) else np.int64)
    if not len(ids):
        return np.full(len(wanted), -1, dtype=np.int64)
    rows = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return np.where(ids[rows] == wanted, rows, -1)


def _index_of(ids: np.ndarray, wanted: int) -> int | None:
    row = int(_indices_of(ids, np.array([wanted]))[0])
    return row if row >= 0 else None


def _project(projection: LocalProjection, lonlat: np.ndarray) -> np.ndarray:
    x, y = _project_arrays(projection, lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def _project_arrays(projection: LocalProjection, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return projection.to_xy(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def _marks(projection: LocalProjection, rows) -> PlaceMarks:
    x, y = _project_arrays(projection, np.array([r[3] for r in rows], dtype=float),
                           np.array([r[4] for r in rows], dtype=float))
    return PlaceMarks(np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows], [r[2] for r in rows],
                      x, y, np.array([r[5] or 0 for r in rows], dtype=np.int64))


def _extent(outlines: dict[str, list[Outline]], *marks: PlaceMarks) -> tuple[float, float, float, float]:
    xs = [ring[:, 0] for level in outlines.values() for outline in level for ring in outline.rings]
    ys = [ring[:, 1] for level in outlines.values() for outline in level for ring in outline.rings]
    xs += [m.x for m in marks if len(m.x)]
    ys += [m.y for m in marks if len(m.y)]
    if not xs:
        return (-1000.0, -1000.0, 1000.0, 1000.0)
    allx, ally = np.concatenate(xs), np.concatenate(ys)
    return (float(allx.min()), float(ally.min()), float(allx.max()), float(ally.max()))
