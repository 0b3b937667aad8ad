"""Who else has an incident open: each console says which incident it shows, the others read it.

A console calls :meth:`PresenceBook.show` for the incident on its detail pane (again
every :data:`HEARTBEAT_S` while it stays there) and :meth:`PresenceBook.leave` when
it closes; :meth:`PresenceBook.others` lists the other consoles' operators on an
incident whose rows are younger than :data:`STALE_AFTER` — a console that crashed
drops out by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from console.core.clock import Clock, SystemClock
from console.storage.db import Store
from console.storage.models import IncidentPresence

HEARTBEAT_S = 20
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Viewer:
    """Another console's operator on the same incident, and since when."""

    operator: str
    since: datetime


def new_console_id() -> str:
    """An identifier for this running console."""
    return secrets.token_hex(8)


class PresenceBook:
    """Reads and writes the presence rows of one store; every call is one transaction."""

    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or SystemClock()

    def show(self, console_id: str, operator: str, incident_id: int) -> None:
        """This console shows ``incident_id`` now (the same incident again just refreshes the row)."""
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            row = session.get(IncidentPresence, console_id)
            if row is None:
                session.add(IncidentPresence(console_id=console_id, incident_id=incident_id, operator=operator,
                                             since=now, seen_at=now))
                return
            if row.incident_id != incident_id:
                row.incident_id, row.since = incident_id, now
            row.operator, row.seen_at = operator, now

    def leave(self, console_id: str) -> None:
        """This console shows no incident any more (or is closing)."""
        with self.store.sessions.begin() as session:
            session.execute(delete(IncidentPresence).where(IncidentPresence.console_id == console_id))

    def others(self, console_id: str, incident_id: int) -> list[Viewer]:
        """The other consoles' operators with ``incident_id`` open, longest first."""
        fresh = self.clock.now() - STALE_AFTER
        with self.store.sessions() as session:
            rows = session.execute(select(IncidentPresence.operator, IncidentPresence.since)
                                   .where(IncidentPresence.incident_id == incident_id,
                                          IncidentPresence.console_id != console_id,
                                          IncidentPresence.seen_at >= fresh)
                                   .order_by(IncidentPresence.since)).all()
        return [Viewer(operator, since) for operator, since in rows]
