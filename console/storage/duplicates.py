"""Likely duplicates: an open incident of the same sub-item reported close by, shortly before.

Two people report the same overflowing drain; the operator should see the first
report when the second arrives, and merge them (reject the second as a duplicate:
both timelines stay, and the first incident's timeline records the second reporter,
see :meth:`console.storage.dispatch.DispatchService.reject`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select

from console.core.nearest import distances_m
from console.core.workflow import OPEN_STATUS_VALUES
from console.storage.db import Store
from console.storage.models import Incident

#: How close and how recent an open incident of the same sub-item must be to be offered as a duplicate.
DUPLICATE_RADIUS_M = 50.0
DUPLICATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class DuplicateCandidate:
    """An earlier open incident that may be the same event: its number, title, reporter, how far and how long before."""

    id: int
    number: str
    title: str
    reporter: str
    created_at: datetime
    distance_m: float
    earlier_by: timedelta


def likely_duplicates(store: Store, incident_id: int, radius_m: float = DUPLICATE_RADIUS_M,
                      window: timedelta = DUPLICATE_WINDOW) -> list[DuplicateCandidate]:
    """Open incidents of the same sub-item within ``radius_m`` reported up to ``window`` before it, nearest first."""
    with store.sessions() as session:
        report = session.get(Incident, incident_id)
        if report is None or report.lon is None or report.lat is None:
            return []
        rows = session.execute(
            select(Incident.id, Incident.number, Incident.title, Incident.reporter, Incident.created_at,
                   Incident.lon, Incident.lat)
            .where(Incident.subitem == report.subitem, Incident.id != report.id,
                   Incident.created_at >= report.created_at - window, Incident.created_at <= report.created_at,
                   Incident.status.in_(OPEN_STATUS_VALUES), Incident.lon.is_not(None), Incident.lat.is_not(None))).all()
        reported_at = report.created_at
        lon, lat = report.lon, report.lat
    if not rows:
        return []
    distances = distances_m(lon, lat, np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
    found = [DuplicateCandidate(r.id, r.number, r.title, r.reporter, r.created_at, float(d), reported_at - r.created_at)
             for r, d in zip(rows, distances.tolist()) if d <= radius_m]
    return sorted(found, key=lambda c: (c.distance_m, -c.created_at.timestamp()))
