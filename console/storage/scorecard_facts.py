"""A month's incidents as the scorecards need them: one row per incident with the times of its steps, and
whose report each one is (no Qt).

:func:`read_month_incidents` is one query over the incidents reported in the month, joined to an aggregate of
the audit trail (the last dispatch, the first start or resolution after it: the time to respond), and one
over their department links; the rows become numpy columns that :mod:`console.storage.scorecards` counts
by worker and department.  :func:`attribute_reports` decides whose report an incident is (by name: the
incidents table keeps the reporter's name, not the worker's id).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Integer, and_, func, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.workflow import Action, Source, Status
from console.storage.models import AuditEntry, Incident, incident_departments

T, A, L = Incident.__table__, AuditEntry.__table__, incident_departments


@dataclass
class MonthIncidents:
    """One row per incident reported in a month, as numpy columns sorted by id (times in epoch seconds, -1 for
    none); ``overdue`` as judged at the time given to :meth:`judge`."""

    id: np.ndarray
    created: np.ndarray
    deadline: np.ndarray
    resolved: np.ndarray
    status: np.ndarray          # text
    rejected_as: np.ndarray     # text, "" when not rejected
    level: np.ndarray
    source: np.ndarray          # text
    village: np.ndarray
    grid: np.ndarray
    reporter: np.ndarray        # text
    assignee: np.ndarray        # worker id, 0 for none
    supervised: np.ndarray      # bool
    respond_s: np.ndarray       # from the last dispatch to the first start/resolution after it; -1: none
    closed: np.ndarray
    links: np.ndarray           # (n, 2): (row index, department id)
    overdue: np.ndarray = field(init=False)

    def judge(self, now: int) -> None:
        rejected = self.status == Status.REJECTED.value
        self.overdue = ~rejected & np.where(self.resolved >= 0, self.resolved > self.deadline, self.deadline < now)


def read_month_incidents(conn: Connection, start: int, end: int, now: int) -> MonthIncidents:
    """The incidents reported from ``start`` to ``end`` (epoch seconds), overdue judged at ``now``."""
    created = type_coerce(T.c.created_at, Integer)
    in_month = and_(created >= start, created < end)
    at = type_coerce(A.c.at, Integer)
    last_dispatch = (select(A.c.incident_id.label("incident_id"), func.max(at).label("dispatched"))
                     .select_from(A.join(T, T.c.id == A.c.incident_id))
                     .where(in_month, A.c.action == Action.ASSIGN.value).group_by(A.c.incident_id).subquery())
    response = (select(last_dispatch.c.incident_id, last_dispatch.c.dispatched,
                       func.min(at).label("responded"))
                .select_from(last_dispatch.join(A, and_(A.c.incident_id == last_dispatch.c.incident_id,
                                                        A.c.action.in_((Action.START.value, Action.RESOLVE.value)),
                                                        at >= last_dispatch.c.dispatched)))
                .group_by(last_dispatch.c.incident_id, last_dispatch.c.dispatched).subquery())
    rows = conn.execute(
        select(T.c.id, created, type_coerce(T.c.deadline_at, Integer), type_coerce(T.c.resolved_at, Integer),
               T.c.status, T.c.reject_reason, T.c.level, T.c.source, T.c.village_id, T.c.grid_id, T.c.reporter,
               T.c.assignee_worker_id, T.c.supervised_at.is_not(None),
               response.c.responded - response.c.dispatched, type_coerce(T.c.closed_at, Integer))
        .select_from(T.outerjoin(response, response.c.incident_id == T.c.id))
        .where(in_month).order_by(T.c.id)).all()
    cols = list(zip(*rows)) if rows else [()] * 15

    def ints(values, none=-1):
        return np.array([none if v is None else v for v in values], dtype=np.int64)

    def texts(values):
        return np.array(["" if v is None else v for v in values], dtype=object)
    ids = ints(cols[0])
    link_rows = conn.execute(select(L.c.incident_id, L.c.department_id)
                             .select_from(L.join(T, T.c.id == L.c.incident_id)).where(in_month)).all()
    links = np.array([(a, b) for a, b in link_rows], dtype=np.int64).reshape(-1, 2)  # plain tuples: Rows are slow
    if len(links):
        links[:, 0] = np.searchsorted(ids, links[:, 0])
    facts = MonthIncidents(ids, ints(cols[1]), ints(cols[2]), ints(cols[3]), texts(cols[4]), texts(cols[5]),
                   ints(cols[6], 0), texts(cols[7]), ints(cols[8], 0), ints(cols[9], 0), texts(cols[10]),
                   ints(cols[11], 0), np.array([bool(v) for v in cols[12]], dtype=bool), ints(cols[13]),
                   ints(cols[14]), links)
    facts.judge(now)
    return facts


def attribute_reports(facts: MonthIncidents, workers) -> np.ndarray:
    """The worker id each incident's report counts for (0: none): worker-app and one-key reports whose
    reporter's name is a worker's of the incident's village (of namesakes there, the one of the incident's
    grid; else nobody's).  ``workers`` are rows with ``id``, ``name``, ``grid_id`` and ``village_id``."""
    by_name: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for w in workers:
        by_name[(w.village_id, w.name)].append((w.id, w.grid_id))
    worker_sources = (facts.source == Source.WORKER_APP.value) | (facts.source == Source.ONE_KEY.value)
    owner = np.zeros(len(facts.id), dtype=np.int64)
    found: dict[tuple[int, int, str], int] = {}
    for k in np.flatnonzero(worker_sources).tolist():
        key = (int(facts.village[k]), int(facts.grid[k]), facts.reporter[k])
        who = found.get(key)
        if who is None:
            candidates = by_name.get((key[0], key[2]), ())
            if len(candidates) == 1:
                who = candidates[0][0]
            else:
                who = next((wid for wid, gid in candidates if gid == key[1]), 0)
            found[key] = who
        owner[k] = who
    return owner
