"""A worker as the map's card shows them: who, where, and their patrol over a period (no Qt)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
from sqlalchemy import select

from console.core.clock import to_epoch
from console.core.geo import LocalProjection, Region
from console.core.gpx import track_gpx
from console.core.patrol import TrackPolicy, TrackStats, track_statistics
from console.core.workflow import OPEN_STATUS_VALUES
from console.storage.db import Store
from console.storage.models import Boundary, Grid, Incident, Village, Worker
from console.storage.positions import PositionStore



class _Fix(NamedTuple):
    t: float
    lon: float
    lat: float


@dataclass(frozen=True)
class WorkerTrack:
    """A worker's stored positions in a period: times (epoch s), lon/lat and metres on the map's plane."""

    t: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def gpx(self, name: str) -> bytes:
        """The track as a GPX 1.1 document (WGS-84, one ``trkpt`` per stored position)."""
        points = (_Fix(float(t), float(lon), float(lat)) for t, lon, lat in zip(self.t, self.lon, self.lat))
        return track_gpx(name, points)

    def position_at(self, when: float) -> tuple[float, float] | None:
        """Where the worker was at ``when`` (metres, interpolated between fixes); None outside the track."""
        if not len(self.t) or when < self.t[0] or when > self.t[-1]:
            return None
        return float(np.interp(when, self.t, self.x)), float(np.interp(when, self.t, self.y))


@dataclass(frozen=True)
class WorkerCard:
    """Everything the map's card says about one worker for a period (normally today)."""

    worker_id: int
    code: str
    name: str
    phone: str
    grid_id: int
    grid_name: str
    village_name: str
    start: datetime
    end: datetime
    stats: TrackStats
    track: WorkerTrack
    stops_xy: np.ndarray  # (n, 2) metres
    in_hand: list[tuple[int, str, str]]  # (incident id, number, title) of open incidents dispatched to them


def load_worker_card(store: Store, worker_id: int, start: datetime, end: datetime, projection: LocalProjection,
                     positions: PositionStore | None = None, policy: TrackPolicy = TrackPolicy()) -> WorkerCard:
    """The worker's card for ``start``..``end``: facts, patrol statistics (time outside their own grid
    included when the grid has an outline) and the track in the map's metres."""
    positions = positions or PositionStore(store)
    with store.engine.connect() as conn:
        row = conn.execute(select(Worker.code, Worker.name, Worker.phone, Worker.grid_id, Grid.name, Grid.code,
                                  Village.name_zh)
                           .join(Grid, Grid.id == Worker.grid_id).join(Village, Village.id == Grid.village_id)
                           .where(Worker.id == worker_id)).one_or_none()
        if row is None:
            raise LookupError(f"no worker with id {worker_id}")
        code, name, phone, grid_id, grid_name, grid_code, village_name = row
        region = _grid_region(conn, grid_code)
        in_hand = conn.execute(select(Incident.id, Incident.number, Incident.title)
                               .where(Incident.assignee_worker_id == worker_id,
                                      Incident.status.in_(OPEN_STATUS_VALUES))
                               .order_by(Incident.created_at)).all()
    points = positions.track(worker_id, to_epoch(start), to_epoch(end))
    stats = track_statistics((p.fix() for p in points), policy, region)
    t = np.array([p.t for p in points], dtype=float)
    lon = np.array([p.lon for p in points], dtype=float)
    lat = np.array([p.lat for p in points], dtype=float)
    x, y = projection.to_xy(lon, lat)
    stops = [projection.to_xy(stop.lon, stop.lat) for stop in stats.stops]
    return WorkerCard(worker_id, code, name, phone, grid_id, grid_name, village_name, start, end, stats,
                      WorkerTrack(t, lon, lat, np.asarray(x, dtype=float), np.asarray(y, dtype=float)),
                      np.array(stops, dtype=float).reshape(-1, 2), [tuple(r) for r in in_hand])


@dataclass(frozen=True)
class GridPatrol:
    """A grid's patrol over a period: each of its workers' statistics, and the sums."""

    grid_id: int
    grid_name: str
    village_name: str
    start: datetime
    end: datetime
    workers: list[tuple[int, str, TrackStats]]  # (worker id, name, statistics)

    @property
    def distance_m(self) -> float:
        return sum(stats.distance_m for _id, _name, stats in self.workers)

    @property
    def patrol_s(self) -> float:
        return sum(stats.patrol_s for _id, _name, stats in self.workers)

    @property
    def outside_s(self) -> float:
        return sum(stats.outside_s for _id, _name, stats in self.workers)

    @property
    def stops(self) -> int:
        return sum(len(stats.stops) for _id, _name, stats in self.workers)


def load_grid_patrol(store: Store, grid_id: int, start: datetime, end: datetime,
                     positions: PositionStore | None = None, policy: TrackPolicy = TrackPolicy()) -> GridPatrol:
    """Patrol statistics of every worker of a grid for ``start``..``end`` (time outside measured against the
    grid's outline when it has one)."""
    positions = positions or PositionStore(store)
    with store.engine.connect() as conn:
        row = conn.execute(select(Grid.name, Grid.code, Village.name_zh).join(Village, Village.id == Grid.village_id)
                           .where(Grid.id == grid_id)).one_or_none()
        if row is None:
            raise LookupError(f"no grid with id {grid_id}")
        grid_name, grid_code, village_name = row
        region = _grid_region(conn, grid_code)
        workers = conn.execute(select(Worker.id, Worker.name).where(Worker.grid_id == grid_id)
                               .order_by(Worker.id)).all()
    stats = [(worker_id, name, track_statistics((p.fix() for p in positions.track(worker_id, to_epoch(start),
                                                                                   to_epoch(end))), policy, region))
             for worker_id, name in workers]
    return GridPatrol(grid_id, grid_name, village_name, start, end, stats)


def _grid_region(conn, grid_code: str) -> Region | None:
    """The grid's outline for point tests, or None when it has none (then nothing counts as outside)."""
    outline = conn.execute(select(Boundary.geometry).where(Boundary.level == "grid",
                                                           Boundary.code == grid_code)).scalar()
    return Region(json.loads(outline)) if outline else None
