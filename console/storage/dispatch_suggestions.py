"""Who to send: the numbered suggestions of the keyboard dispatch, for an incident or a place (Qt-free).

At most nine choices, so that the keys 1–9 pick them: the grid workers nearest to the place first
(on duty, phone not silent, by great-circle distance from their newest fix), then — for a place
without a position or workers without phones — the on-duty workers of the place's grid and village,
and after them the stationed departments, those of the sub-item's usual handler kind first.
Plain functions taking a store, run on the I/O pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, select

from console.core.clock import Clock
from console.core.nearest import nearest_workers
from console.core.patrol import StatePolicy
from console.core.taxonomy import Taxonomy
from console.storage.db import Store
from console.storage.models import Department, Grid, Incident, Worker
from console.storage.positions import PositionStore

#: How many choices the keys 1–9 can pick.
MAX_CHOICES = 9
#: How many of them are grid workers (when there are as many); departments take the rest.
WORKER_CHOICES = 6


@dataclass(frozen=True)
class Spot:
    """Where someone has to go and for what: a place (any of a position, grid, village) and a sub-item."""

    subitem: str
    lon: float | None = None
    lat: float | None = None
    grid_id: int | None = None
    village_id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """One numbered choice: a grid worker (``kind`` "worker") or a stationed department ("department").

    ``detail`` is a worker's grid name or a department's kind; ``distance_m`` how far a worker's newest
    fix is from the place (None when unknown); ``usual`` a worker of the place's own grid, or a department
    of the sub-item's usual handler kind."""

    kind: str
    id: int
    name_zh: str
    name_en: str
    detail: str
    distance_m: float | None = None
    usual: bool = False

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") or not self.name_en else self.name_en


def spot_of_incident(store: Store, incident_id: int) -> Spot:
    """The place and sub-item of a stored incident."""
    with store.engine.connect() as conn:
        row = conn.execute(select(Incident.subitem, Incident.lon, Incident.lat, Incident.grid_id,
                                  Incident.village_id).where(Incident.id == incident_id)).one()
    return Spot(*row)


def suggest_for_incident(store: Store, taxonomy: Taxonomy, clock: Clock, incident_id: int) -> list[Suggestion]:
    """:func:`suggest_assignees` for a stored incident."""
    return suggest_assignees(store, taxonomy, clock, spot_of_incident(store, incident_id))


def suggest_assignees(store: Store, taxonomy: Taxonomy, clock: Clock, spot: Spot,
                      limit: int = MAX_CHOICES, worker_choices: int = WORKER_CHOICES) -> list[Suggestion]:
    """Up to ``limit`` choices for ``spot``: nearest workers first, then departments (see the module)."""
    workers = _workers(store, clock, spot, min(worker_choices, limit))
    return workers + _departments(store, taxonomy, spot.subitem, limit - len(workers))


def _workers(store: Store, clock: Clock, spot: Spot, count: int) -> list[Suggestion]:
    with store.engine.connect() as conn:
        village_id = spot.village_id
        if village_id is None and spot.grid_id is not None:
            village_id = conn.scalar(select(Grid.village_id).where(Grid.id == spot.grid_id))
        directory = {r.id: r for r in conn.execute(
            select(Worker.id, Worker.name, Worker.grid_id, Grid.name.label("grid"), Grid.village_id)
            .join(Grid, Grid.id == Worker.grid_id).where(Worker.on_duty.is_(True)))}
    chosen: list[Suggestion] = []
    if spot.lon is not None and spot.lat is not None:
        latest = [p for p in PositionStore(store, clock).latest_positions(StatePolicy().offline_after_s).values()
                  if not p.offline and p.worker_id in directory]
        if latest:
            nearby = nearest_workers(spot.lon, spot.lat, np.array([p.lon for p in latest]),
                                     np.array([p.lat for p in latest]), np.ones(len(latest), bool), count)
            for near in nearby:
                worker = directory[latest[near.index].worker_id]
                chosen.append(Suggestion("worker", worker.id, worker.name, worker.name, worker.grid,
                                         near.distance_m, worker.grid_id == spot.grid_id))
    if len(chosen) < count and (spot.grid_id is not None or village_id is not None):
        taken = {s.id for s in chosen}
        local = [w for w in directory.values() if w.id not in taken
                 and (w.grid_id == spot.grid_id or (village_id is not None and w.village_id == village_id))]
        local.sort(key=lambda w: (w.grid_id != spot.grid_id, w.name, w.id))
        chosen += [Suggestion("worker", w.id, w.name, w.name, w.grid, None, w.grid_id == spot.grid_id)
                   for w in local[:count - len(chosen)]]
    return chosen


def _departments(store: Store, taxonomy: Taxonomy, subitem: str, count: int) -> list[Suggestion]:
    if count <= 0:
        return []
    kind = taxonomy.item(subitem).handler_kind if taxonomy.has_item(subitem) else ""
    usual = case((Department.kind == kind, 0), else_=1)
    with store.engine.connect() as conn:
        rows = conn.execute(select(Department.id, Department.name_zh, Department.name_en, Department.kind)
                            .order_by(usual, Department.code).limit(count)).all()
    return [Suggestion("department", r.id, r.name_zh, r.name_en, r.kind, None, r.kind == kind) for r in rows]
