"""The supervision orders (督办单) the deadline check issued, read for the list and the printed documents.

An order's state follows its incident through the rest of the closed loop (discover → report →
handle → feedback), so it is derived, not stored:

* **issued** — the incident is still open: the order is outstanding and the assignee is being chased;
* **answered** — the assignee reported the incident resolved (the feedback step): the order has its
  answer, waiting for the command room to verify it;
* **closed** — the command room verified and closed the incident (or rejected it as invalid or a
  duplicate): the order is done with.

A reopened incident makes its order outstanding again.  Every one of these moves is already a step
of the incident's audit trail (resolve, close, reopen, with who and when), so a state column changed
alongside would only be a second record that could disagree with the first; no migration is needed.
``SupervisionOrder.state`` keeps the value written at issue (``issued``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import Select, select

from console.core.workflow import Status, is_open
from console.storage.db import Store
from console.storage.models import Grid, Incident, SupervisionOrder, Village


class OrderState(str, Enum):
    """Where a supervision order stands (derived from its incident's status)."""

    ISSUED = "issued"
    ANSWERED = "answered"
    CLOSED = "closed"


def order_state(incident_status: Status | str) -> OrderState:
    """The order's state for its incident's status (see the module's docstring)."""
    status = Status(incident_status)
    if is_open(status):
        return OrderState.ISSUED
    if status is Status.RESOLVED:
        return OrderState.ANSWERED
    return OrderState.CLOSED


@dataclass(frozen=True)
class OrderRecord:
    """A supervision order with what its document shows about the incident; detached from the database."""

    id: int
    number: str
    incident_id: int
    incident_number: str
    incident_title: str
    subitem: str
    level: int
    village_zh: str
    village_en: str
    grid: str
    assignee: str
    deadline_missed_at: datetime
    issued_at: datetime
    issued_by: str
    incident_status: str
    resolved_at: datetime | None
    closed_at: datetime | None
    feedback: str

    @property
    def state(self) -> OrderState:
        return order_state(self.incident_status)

    def village(self, lang: str) -> str:
        return self.village_zh if lang.startswith("zh") or not self.village_en else self.village_en


#: The most orders one list or batch shows (newest first); a city issues some 40 a day.
MAX_ORDERS = 5_000


class SupervisionBook:
    """Reads supervision orders with their incidents (plain functions of a store: run them on the I/O pool)."""

    def __init__(self, store: Store):
        self.store = store

    def orders(self, since: datetime | None = None, until: datetime | None = None,
               limit: int = MAX_ORDERS) -> list[OrderRecord]:
        """Orders issued in ``[since, until)`` (either end open), newest first, at most ``limit``."""
        stmt = self._select()
        if since is not None:
            stmt = stmt.where(SupervisionOrder.issued_at >= since)
        if until is not None:
            stmt = stmt.where(SupervisionOrder.issued_at < until)
        stmt = stmt.order_by(SupervisionOrder.issued_at.desc(), SupervisionOrder.id.desc()).limit(limit)
        return self._read(stmt)

    def orders_by_id(self, order_ids: list[int]) -> list[OrderRecord]:
        """The orders with these ids, in the order given (unknown ids are left out)."""
        if not order_ids:
            return []
        found = {r.id: r for r in self._read(self._select().where(SupervisionOrder.id.in_(order_ids)))}
        return [found[i] for i in order_ids if i in found]

    @staticmethod
    def _select() -> Select:
        return (select(SupervisionOrder.id, SupervisionOrder.number, SupervisionOrder.incident_id, Incident.number,
                       Incident.title, Incident.subitem, Incident.level, Village.name_zh, Village.name_en, Grid.name,
                       SupervisionOrder.assignee_text, SupervisionOrder.deadline_missed_at,
                       SupervisionOrder.issued_at, SupervisionOrder.issued_by, Incident.status, Incident.resolved_at,
                       Incident.closed_at, Incident.feedback)
                .join(Incident, Incident.id == SupervisionOrder.incident_id)
                .outerjoin(Village, Village.id == Incident.village_id)
                .outerjoin(Grid, Grid.id == Incident.grid_id))

    def _read(self, stmt: Select) -> list[OrderRecord]:
        with self.store.sessions() as session:
            return [OrderRecord(oid, number, incident_id, incident_number, title, subitem, level, village_zh or "",
                                village_en or "", grid or "", assignee, missed, issued, issued_by, status, resolved,
                                closed, feedback or "")
                    for (oid, number, incident_id, incident_number, title, subitem, level, village_zh, village_en,
                         grid, assignee, missed, issued, issued_by, status, resolved, closed, feedback)
                    in session.execute(stmt)]
