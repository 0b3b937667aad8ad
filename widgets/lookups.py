"""Small read-only look-ups the views need besides the queue (villages for the filter,
assignment candidates).  Plain functions taking a store, run on the I/O pool; no Qt.

They would sit as well in :mod:`console.storage`; they live here until storage
grows an equivalent API.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select

from console.core.taxonomy import Taxonomy
from console.storage.db import Store
from console.storage.models import Department, Grid, Incident, Village, Worker


@dataclass(frozen=True)
class VillageName:
    """A village's id with its names in both languages."""

    id: int
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") or not self.name_en else self.name_en


@dataclass(frozen=True)
class WorkerChoice:
    """A grid worker offered for assignment; ``nearness`` 0 = the incident's grid, 1 = its village, 2 = elsewhere."""

    id: int
    name: str
    grid: str
    on_duty: bool
    nearness: int


@dataclass(frozen=True)
class DepartmentChoice:
    """A stationed department offered for assignment; ``usual`` when it is the sub-item's usual handler kind."""

    id: int
    name_zh: str
    name_en: str
    kind: str
    usual: bool

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") or not self.name_en else self.name_en


@dataclass(frozen=True)
class AssignCandidates:
    """Who an incident can be assigned to, best candidates first."""

    incident_id: int
    number: str
    title: str
    handler_kind: str
    workers: list[WorkerChoice]
    departments: list[DepartmentChoice]


def village_names(store: Store) -> list[VillageName]:
    """Every village, in code order."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(Village.id, Village.name_zh, Village.name_en).order_by(Village.code))
        return [VillageName(*r) for r in rows]


def assign_candidates(store: Store, taxonomy: Taxonomy, incident_id: int,
                      worker_limit: int = 2000) -> AssignCandidates:
    """Workers of the incident's grid, then of its village (anywhere if it has neither);
    departments with the sub-item's usual handler kind first."""
    with store.engine.connect() as conn:
        inc = conn.execute(select(Incident.number, Incident.title, Incident.subitem, Incident.grid_id,
                                  Incident.village_id).where(Incident.id == incident_id)).one()
        kind = taxonomy.item(inc.subitem).handler_kind if taxonomy.has_item(inc.subitem) else ""
        village_id = inc.village_id
        if village_id is None and inc.grid_id is not None:
            village_id = conn.scalar(select(Grid.village_id).where(Grid.id == inc.grid_id))
        nearness = case((Worker.grid_id == (inc.grid_id if inc.grid_id is not None else -1), 0),
                        (Grid.village_id == (village_id if village_id is not None else -1), 1), else_=2)
        stmt = (select(Worker.id, Worker.name, Grid.name, Worker.on_duty, nearness)
                .join(Grid, Grid.id == Worker.grid_id))
        if village_id is not None:
            stmt = stmt.where(Grid.village_id == village_id)
        stmt = stmt.order_by(nearness, Worker.on_duty.desc(), Worker.name).limit(worker_limit)
        workers = [WorkerChoice(r[0], r[1], r[2], bool(r[3]), r[4]) for r in conn.execute(stmt)]
        usual = case((Department.kind == kind, 0), else_=1)
        departments = [DepartmentChoice(r[0], r[1], r[2], r[3], r[3] == kind) for r in conn.execute(
            select(Department.id, Department.name_zh, Department.name_en, Department.kind)
            .order_by(usual, Department.code))]
    return AssignCandidates(incident_id, inc.number, inc.title, kind, workers, departments)
