"""The staff roster: grid workers (who they are, their grid, phone, duty and the day they took up the post) and the
stationed departments' assessment category (A or B).

The demo writes its own roster; a real town enters its workers here, and the day a worker took up the post
(``workers.joined_at``) is what the scorecards (:mod:`console.storage.scorecards`) assess a newcomer's first
month from.  A worker who leaves is put off duty, never deleted: incidents, positions and past scorecards
still name them.

Writes are an administrator's (:data:`~console.core.roles.MANAGE_STAFF`), checked here for a roster bound to a
logged-in operator (:mod:`console.storage.acting`; a plain roster is the command line); each is one
transaction with an audit entry whose ``subject`` is ``worker:<id>`` or ``department:<id>``.  Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from types import EllipsisType

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.core.clock import Clock, SystemClock
from console.core.roles import MANAGE_STAFF
from console.storage.acting import Acting
from console.storage.db import Store
from console.storage.models import AuditEntry, Department, Grid, Village, Worker

MAX_NAME = 32
MAX_PHONE = 20
ASSESSMENT_CATEGORIES = ("A", "B")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]*$")


class RosterError(ValueError):
    """A worker or department cannot be found, added or changed; one line for the operator."""


@dataclass(frozen=True)
class WorkerRecord:
    """A grid worker as the roster lists them, detached from the database."""

    id: int
    code: str
    name: str
    phone: str
    grid_code: str
    grid_name: str
    village_name: str
    on_duty: bool
    joined_at: datetime | None


@dataclass(frozen=True)
class DepartmentRecord:
    """A stationed department and its assessment category, detached from the database."""

    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    assessment: str


class Roster(Acting):
    """The store's grid workers and departments: list, add and change; every write one transaction on the record."""

    def __init__(self, store: Store, clock: Clock | None = None, *, actor: str = "system"):
        self.store = store
        self.clock = clock or SystemClock()
        self._bind(actor=actor)

    # -- reading ---------------------------------------------------------------------------------------------
    def workers(self, grid: str | None = None) -> list[WorkerRecord]:
        """Every worker (of ``grid``, a grid's code or unique name), by code."""
        with self.store.sessions() as session:
            query = _worker_rows()
            if grid is not None:
                query = query.where(Worker.grid_id == _find_grid(session, grid).id)
            return [_worker_record(row) for row in session.execute(query.order_by(Worker.code))]

    def worker(self, code_or_name: str) -> WorkerRecord:
        with self.store.sessions() as session:
            return _load_worker(session, _find_worker(session, code_or_name).id)

    def departments(self) -> list[DepartmentRecord]:
        """Every stationed department, by code."""
        with self.store.sessions() as session:
            return [_department_record(d) for d in session.scalars(select(Department).order_by(Department.code))]

    # -- writing ---------------------------------------------------------------------------------------------
    def add_worker(self, name: str, grid: str, phone: str, *, code: str | None = None,
                   joined_at: datetime | None = None, on_duty: bool = True) -> WorkerRecord:
        """Add a worker to ``grid`` (code or unique name); ``code`` defaults to the grid's code and the next
        number (``<grid>-<n>``, as the demo numbers them)."""
        self.check_role(MANAGE_STAFF)
        name, phone = _checked_name(name), _checked_phone(phone)
        with self.store.sessions.begin() as session:
            place = _find_grid(session, grid)
            code = _checked_code(code) if code is not None else _next_code(session, place)
            if session.scalar(select(Worker.id).where(Worker.code == code)) is not None:
                raise RosterError(f"a worker with code {code!r} already exists")
            worker = Worker(code=code, name=name, phone=phone, grid_id=place.id, on_duty=on_duty,
                            joined_at=_checked_joined(joined_at))
            session.add(worker)
            session.flush()
            session.add(self._audit(f"worker:{worker.id}", "add_worker", f"worker {code} {name}, grid {place.code}"))
            return _load_worker(session, worker.id)

    def update_worker(self, code_or_name: str, *, name: str | None = None, grid: str | None = None,
                      phone: str | None = None, on_duty: bool | None = None,
                      joined_at: datetime | None | EllipsisType = ...) -> WorkerRecord:
        """Change what is given (``joined_at=None`` clears the joining day; left out, it stays)."""
        self.check_role(MANAGE_STAFF)
        changes: list[str] = []
        with self.store.sessions.begin() as session:
            worker = _find_worker(session, code_or_name)
            if name is not None and name.strip() != worker.name:
                worker.name = _checked_name(name)
                changes.append(f"name {worker.name}")
            if grid is not None:
                place = _find_grid(session, grid)
                if place.id != worker.grid_id:
                    worker.grid_id = place.id
                    changes.append(f"grid {place.code}")
            if phone is not None and phone.strip() != worker.phone:
                worker.phone = _checked_phone(phone)
                changes.append("phone")
            if on_duty is not None and on_duty != worker.on_duty:
                worker.on_duty = on_duty
                changes.append("on duty" if on_duty else "off duty")
            if joined_at is not ...:
                joined = _checked_joined(joined_at)
                if joined != worker.joined_at:
                    worker.joined_at = joined
                    changes.append(f"joined {joined:%Y-%m-%d}" if joined else "joining day cleared")
            if changes:
                session.flush()
                session.add(self._audit(f"worker:{worker.id}", "update_worker",
                                        f"worker {worker.code}: " + ", ".join(changes)))
            return _load_worker(session, worker.id)

    def assess_department(self, code_or_name: str, category: str) -> DepartmentRecord:
        """Put a department in assessment category ``category`` (A or B); scorecards weigh it by that category."""
        self.check_role(MANAGE_STAFF)
        category = category.strip().upper()
        if category not in ASSESSMENT_CATEGORIES:
            raise RosterError(f"assessment category {category!r}: choose A or B")
        with self.store.sessions.begin() as session:
            department = _find_department(session, code_or_name)
            if department.assessment != category:
                note = f"department {department.code}: category {department.assessment} to {category}"
                department.assessment = category
                session.flush()
                session.add(self._audit(f"department:{department.id}", "assess_department", note))
            return _department_record(department)

    def _audit(self, subject: str, action: str, note: str) -> AuditEntry:
        return AuditEntry(incident_id=None, subject=subject, at=self.clock.now(), actor=self.actor, action=action,
                          note=note[:500])


# -- finding ---------------------------------------------------------------------------------------------------

def _one(rows: list, what: str, text: str, describe) -> object:
    if not rows:
        raise RosterError(f"no {what} {text!r}")
    if len(rows) > 1:
        raise RosterError(f"{len(rows)} {what}s are called {text!r} ({', '.join(describe(r) for r in rows[:5])}); "
                          "give the code")
    return rows[0]


def _find_grid(session: Session, text: str) -> Grid:
    text = text.strip()
    rows = list(session.scalars(select(Grid).where(Grid.code == text)))
    rows = rows or list(session.scalars(select(Grid).where(Grid.name == text).order_by(Grid.code).limit(6)))
    return _one(rows, "grid", text, lambda g: g.code)


def _find_worker(session: Session, text: str) -> Worker:
    text = text.strip()
    rows = list(session.scalars(select(Worker).where(Worker.code == text)))
    rows = rows or list(session.scalars(select(Worker).where(Worker.name == text).order_by(Worker.code).limit(6)))
    return _one(rows, "worker", text, lambda w: w.code)


def _find_department(session: Session, text: str) -> Department:
    text = text.strip()
    rows = list(session.scalars(select(Department).where(Department.code == text)))
    rows = rows or list(session.scalars(
        select(Department).where(or_(Department.name_zh == text, Department.name_en == text))
        .order_by(Department.code).limit(6)))
    return _one(rows, "department", text, lambda d: d.code)


def _next_code(session: Session, grid: Grid) -> str:
    prefix = f"{grid.code}-"
    taken = session.scalars(select(Worker.code).where(Worker.code.like(f"{prefix}%")))
    numbers = [int(code[len(prefix):]) for code in taken if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


# -- checking --------------------------------------------------------------------------------------------------

def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RosterError("a worker needs a name")
    if len(name) > MAX_NAME:
        raise RosterError(f"a worker's name has at most {MAX_NAME} characters")
    return name


def _checked_phone(phone: str) -> str:
    phone = phone.strip()
    if not _PHONE.match(phone) or len(phone) > MAX_PHONE:
        raise RosterError(f"phone {phone!r}: digits, spaces and dashes (an optional + first), "
                          f"at most {MAX_PHONE} characters")
    return phone


def _checked_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 20 or any(c.isspace() for c in code):
        raise RosterError(f"worker code {code!r}: 1 to 20 characters without spaces")
    return code


def _checked_joined(joined_at: datetime | None) -> datetime | None:
    if joined_at is not None and joined_at.tzinfo is None:
        raise RosterError("the joining day needs a time zone")
    return joined_at


# -- records ---------------------------------------------------------------------------------------------------

def _worker_rows():
    return (select(Worker.id, Worker.code, Worker.name, Worker.phone, Grid.code, Grid.name, Village.name_zh,
                   Worker.on_duty, Worker.joined_at)
            .join(Grid, Grid.id == Worker.grid_id).join(Village, Village.id == Grid.village_id))


def _worker_record(row) -> WorkerRecord:
    return WorkerRecord(*row[:7], on_duty=bool(row[7]), joined_at=row[8])


def _load_worker(session: Session, worker_id: int) -> WorkerRecord:
    return _worker_record(session.execute(_worker_rows().where(Worker.id == worker_id)).one())


def _department_record(d: Department) -> DepartmentRecord:
    return DepartmentRecord(d.id, d.code, d.name_zh, d.name_en, d.kind, d.assessment)

