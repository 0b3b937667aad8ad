"""Watch zones on cameras and the changes found in them: drawn, found, confirmed into incidents or dismissed.

Every change is one transaction and leaves an audit entry: adding, editing or
removing a zone (``subject`` ``camera:<id>``), and each decision on an alert
(``subject`` ``alert:<id>``).  Confirming files the incident — sub-item illegal
structure, source camera, the camera's place, the before and after pictures —
in the same transaction as the alert's new state, so an alert becomes exactly one
incident even when two consoles confirm it at once; dismissing files nothing.

A change found where a confirmed one is still being handled — the same zone, an
overlapping region, its incident not closed — is the same construction going on: it is
*linked* to that incident (its after picture attached, a comment on the incident's
timeline) instead of asking the operator again.

Which console runs the detector is decided by a lease (:meth:`ChangeAlertBook.hold_watch`):
with several consoles on one store, one of them watches and the others only show
what it found.

Drawing, editing and removing zones needs a duty officer: the book checks the role of the
:class:`DispatchService` it was given (:meth:`DispatchService.for_operator`), so a book built on an
operator's service refuses them with :class:`~console.core.roles.PermissionDenied`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from console.core.clock import Clock, SystemClock
from console.core.roles import DECIDE_CHANGES, MANAGE_ZONES
from console.core.workflow import Source, WorkflowError
from console.storage.db import Store
from console.storage.dispatch import DispatchService, FiledIncident, IncidentDraft
from console.storage.models import Attachment, AuditEntry, Camera, ChangeAlert, Incident, Meta, WatchZone

#: The sub-item a confirmed change is filed as: illegal structure (rooftop or yard).
ILLEGAL_STRUCTURE = "CON01"
OPEN, CONFIRMED, DISMISSED, LINKED = "open", "confirmed", "dismissed", "linked"
#: Regions this many pixels apart still count as the same place (a structure grows at its edges).
_SAME_PLACE_PX = 12
_DECISION_ACTIONS = {CONFIRMED: "confirm_change", DISMISSED: "dismiss_change"}
_LEASE_KEY = "change_watch.lease"
MAX_ZONE_POINTS = 64


class ChangeAlertError(WorkflowError):
    """A zone or an alert cannot be changed as asked (unknown, already decided, a bad polygon); one line."""


@dataclass(frozen=True)
class Zone:
    """A watch zone, detached from the database; ``polygon`` in normalised picture coordinates."""

    id: int
    camera_id: int
    name: str
    polygon: tuple[tuple[float, float], ...]
    enabled: bool
    reference: bytes | None = None


@dataclass(frozen=True)
class FoundChange:
    """What the detector hands over for storing: the zone, times, region, score and both pictures as JPEG."""

    zone_id: int
    appeared_at: datetime
    detected_at: datetime
    box: tuple[int, int, int, int]
    score: float
    before_jpeg: bytes
    after_jpeg: bytes


@dataclass(frozen=True)
class AlertRecord:
    """A change alert as lists show it (without its pictures; :meth:`ChangeAlertBook.pictures` reads them)."""

    id: int
    zone_id: int
    zone_name: str
    camera_id: int
    camera_name: str
    appeared_at: datetime
    detected_at: datetime
    box: tuple[int, int, int, int]
    score: float
    state: str
    decided_at: datetime | None
    decided_by: str | None
    incident_id: int | None


def checked_polygon(points) -> tuple[tuple[float, float], ...]:
    """``points`` as a polygon of 3 to 64 distinct points inside the picture (0..1); ChangeAlertError if not."""
    try:
        polygon = tuple((float(x), float(y)) for x, y in points)
    except (TypeError, ValueError):
        raise ChangeAlertError("a watch zone is a list of (x, y) points") from None
    if not 3 <= len(set(polygon)) <= MAX_ZONE_POINTS:
        raise ChangeAlertError(f"a watch zone needs 3 to {MAX_ZONE_POINTS} distinct points")
    if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for point in polygon for v in point):
        raise ChangeAlertError("a watch zone's points must lie inside the picture")
    area = 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1])))
    if area < 1e-4:
        raise ChangeAlertError("a watch zone must cover some of the picture")
    return polygon


class ChangeAlertBook:
    """Zones, alerts and decisions over a store; the console's and the command line's one way to them."""

    def __init__(self, store: Store, service: DispatchService, clock: Clock | None = None):
        self.store = store
        self.service = service
        self.clock = clock or service.clock or SystemClock()

    # -- zones -----------------------------------------------------------------------------------
    def zones(self, camera_id: int | None = None, *, enabled_only: bool = False,
              with_reference: bool = False) -> list[Zone]:
        """The watch zones of one camera (or of all), in the order they were drawn."""
        query = select(WatchZone).order_by(WatchZone.camera_id, WatchZone.id)
        if camera_id is not None:
            query = query.where(WatchZone.camera_id == camera_id)
        if enabled_only:
            query = query.where(WatchZone.enabled.is_(True))
        with self.store.sessions() as session:
            return [_zone(row, with_reference) for row in session.scalars(query)]

    def add_zone(self, camera_id: int, name: str, polygon, actor: str) -> Zone:
        """Draw a new zone on a camera (duty officers)."""
        self.service.check_role(MANAGE_ZONES)
        shape, name = checked_polygon(polygon), _checked_name(name)
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            camera = session.get(Camera, camera_id)
            if camera is None:
                raise ChangeAlertError(f"no camera {camera_id}")
            zone = WatchZone(camera_id=camera_id, name=name, polygon=json.dumps(shape), enabled=True,
                             created_at=now, created_by=_checked_actor(actor))
            session.add(zone)
            session.flush()
            session.add(_audit(f"camera:{camera_id}", now, actor, "add_watch_zone",
                               f"zone {zone.id} “{name}” on {camera.name}"))
            return _zone(zone, False)

    def update_zone(self, zone_id: int, actor: str, *, name: str | None = None, polygon=None,
                    enabled: bool | None = None) -> Zone:
        """Rename, redraw (which forgets the learnt reference) or switch a zone on or off (duty officers)."""
        self.service.check_role(MANAGE_ZONES)
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            zone = self._zone_row(session, zone_id)
            changes = []
            if name is not None and name != zone.name:
                zone.name = _checked_name(name)
                changes.append(f"renamed “{zone.name}”")
            if polygon is not None:
                shape = json.dumps(checked_polygon(polygon))
                if shape != zone.polygon:
                    zone.polygon, zone.reference, zone.reference_at = shape, None, None
                    changes.append("redrawn")
            if enabled is not None and bool(enabled) != zone.enabled:
                zone.enabled = bool(enabled)
                changes.append("switched on" if enabled else "switched off")
            if changes:
                session.add(_audit(f"camera:{zone.camera_id}", now, actor, "edit_watch_zone",
                                   f"zone {zone.id}: " + ", ".join(changes)))
            return _zone(zone, False)

    def remove_zone(self, zone_id: int, actor: str) -> None:
        """Delete a zone and its alerts that were never decided (decided ones stay with their incidents);
        duty officers."""
        self.service.check_role(MANAGE_ZONES)
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            zone = self._zone_row(session, zone_id)
            decided = session.scalar(select(ChangeAlert.id).where(ChangeAlert.zone_id == zone_id,
                                                                  ChangeAlert.state != OPEN).limit(1))
            if decided is not None:  # keep the record: switch the zone off instead of deleting it
                zone.enabled = False
                note = f"zone {zone.id} “{zone.name}” retired (it has decided alerts)"
            else:
                session.delete(zone)
                note = f"zone {zone.id} “{zone.name}” removed"
            session.add(_audit(f"camera:{zone.camera_id}", now, actor, "remove_watch_zone", note))

    def save_reference(self, zone_id: int, data: bytes) -> None:
        """Keep the detector's learnt state of a zone (a zone removed meanwhile is ignored)."""
        with self.store.sessions.begin() as session:
            session.execute(update(WatchZone).where(WatchZone.id == zone_id)
                            .values(reference=data, reference_at=self.clock.now()))

    # -- alerts ----------------------------------------------------------------------------------
    def record(self, found: FoundChange) -> AlertRecord | None:
        """Store a change the detector found: ``open`` for a decision, or ``linked`` to the incident of the same
        construction (see the module's description); None when the zone is gone, switched off or already has
        an open alert."""
        with self.store.sessions.begin() as session:
            zone = session.get(WatchZone, found.zone_id)
            if zone is None or not zone.enabled:
                return None
            pending = session.scalar(select(ChangeAlert.id).where(ChangeAlert.zone_id == zone.id,
                                                                  ChangeAlert.state == OPEN).limit(1))
            if pending is not None:
                return None
            x, y, w, h = (int(v) for v in found.box)
            going_on = self._same_construction(session, zone.id, (x, y, w, h))
            alert = ChangeAlert(zone_id=zone.id, camera_id=zone.camera_id, appeared_at=found.appeared_at,
                                detected_at=found.detected_at, score=float(found.score), box_x=x, box_y=y,
                                box_w=w, box_h=h, before_jpeg=found.before_jpeg, after_jpeg=found.after_jpeg,
                                state=OPEN if going_on is None else LINKED)
            session.add(alert)
            session.flush()
            session.add(_audit(f"alert:{alert.id}", found.detected_at, "system", "change_found",
                               f"zone {zone.id} “{zone.name}”, appeared {found.appeared_at:%Y-%m-%d %H:%M} UTC"))
            if going_on is not None:
                alert.incident_id, alert.decided_at, alert.decided_by = going_on.id, found.detected_at, "system"
                session.add(Attachment(incident_id=going_on.id, filename=f"change-{alert.id}-after-"
                                       f"{found.detected_at:%Y%m%d-%H%M%S}.jpg", mime="image/jpeg",
                                       data=found.after_jpeg, created_at=found.detected_at))
                session.add(AuditEntry(incident_id=going_on.id, at=found.detected_at, actor="system",
                                       action="comment", note=f"camera: the change in zone “{zone.name}” goes on "
                                       f"(change alert {alert.id}); picture attached"))
            session.flush()
            return self._records(session, [alert.id])[0]

    def _same_construction(self, session, zone_id: int, box: tuple[int, int, int, int]) -> Incident | None:
        """The incident of a confirmed change in this zone, at an overlapping place, that is still being handled."""
        rows = session.execute(select(ChangeAlert.box_x, ChangeAlert.box_y, ChangeAlert.box_w, ChangeAlert.box_h,
                                      ChangeAlert.incident_id)
                               .where(ChangeAlert.zone_id == zone_id, ChangeAlert.incident_id.is_not(None))
                               .order_by(ChangeAlert.id.desc()).limit(20)).all()
        for *earlier, incident_id in rows:
            if _overlap(box, tuple(earlier)):
                incident = session.get(Incident, incident_id)
                if incident is not None and incident.status not in ("closed", "rejected"):
                    return incident
        return None

    def alerts(self, state: str | None = OPEN, limit: int = 200) -> list[AlertRecord]:
        """Alerts in ``state`` (None: all), the newest first."""
        query = select(ChangeAlert.id).order_by(ChangeAlert.detected_at.desc(), ChangeAlert.id.desc()).limit(limit)
        if state is not None:
            query = query.where(ChangeAlert.state == state)
        with self.store.sessions() as session:
            return self._records(session, list(session.scalars(query)))

    def states(self, alert_ids: list[int]) -> dict[int, str]:
        """The current state of each of ``alert_ids`` that still exists."""
        if not alert_ids:
            return {}
        with self.store.sessions() as session:
            return dict(session.execute(select(ChangeAlert.id, ChangeAlert.state)
                                        .where(ChangeAlert.id.in_(alert_ids))).all())

    def pictures(self, alert_id: int) -> tuple[bytes, bytes]:
        """The alert's before and after pictures (JPEG)."""
        with self.store.sessions() as session:
            row = session.execute(select(ChangeAlert.before_jpeg, ChangeAlert.after_jpeg)
                                  .where(ChangeAlert.id == alert_id)).first()
        if row is None:
            raise ChangeAlertError(f"no change alert {alert_id}")
        return row[0], row[1]

    def confirm(self, alert_id: int, actor: str, *, title: str = "", description: str = "",
                subitem: str = ILLEGAL_STRUCTURE, level: int | None = None) -> int:
        """File the alert as an incident (both pictures attached) straight into the queue; its id."""
        self.service.check_role(DECIDE_CHANGES)
        actor = _checked_actor(actor)
        with self.store.sessions() as session:
            alert = self._open_alert(session, alert_id)
            zone = session.get(WatchZone, alert.zone_id)
            camera = session.get(Camera, alert.camera_id)
            stamp = f"{alert.detected_at:%Y%m%d-%H%M%S}"
            draft = IncidentDraft(
                subitem=subitem, level=level, source=Source.CAMERA, lon=camera.lon, lat=camera.lat,
                grid_id=camera.grid_id,
                reporter=camera.name,
                title=title.strip() or f"Suspected illegal structure: {camera.name}, {zone.name}",
                description=description or (f"Change detector, zone “{zone.name}”: the change appeared "
                                             f"{alert.appeared_at:%Y-%m-%d %H:%M} UTC and persisted until "
                                             f"{alert.detected_at:%Y-%m-%d %H:%M} UTC."),
                photos=[(f"change-{alert.id}-before-{stamp}.jpg", "image/jpeg", alert.before_jpeg),
                        (f"change-{alert.id}-after-{stamp}.jpg", "image/jpeg", alert.after_jpeg)])

        def decide(session, incident: FiledIncident) -> None:
            self._decide(session, alert_id, actor, CONFIRMED, incident.created_at, incident.id,
                         f"confirmed as incident {incident.number}")

        return self.service.report(draft, actor, also=decide)

    def dismiss(self, alert_id: int, actor: str, note: str = "") -> None:
        """Not a change worth an incident: the zone's new scene becomes its reference."""
        self.service.check_role(DECIDE_CHANGES)
        actor = _checked_actor(actor)
        with self.store.sessions.begin() as session:
            self._decide(session, alert_id, actor, DISMISSED, self.clock.now(), None,
                         "dismissed" + (f": {note.strip()}" if note.strip() else ""))

    # -- who watches -----------------------------------------------------------------------------
    def hold_watch(self, console_id: str, ttl: timedelta = timedelta(seconds=60)) -> bool:
        """Take or renew the lease to run the detector for ``ttl``; False while another console holds it."""
        now = self.clock.now()
        value = f"{console_id} {int((now + ttl).timestamp())}"
        with self.store.sessions.begin() as session:
            row = session.get(Meta, _LEASE_KEY, with_for_update=True)
            if row is None:
                session.add(Meta(key=_LEASE_KEY, value=value))
                return True
            holder, _, until = row.value.partition(" ")
            if holder != console_id and until.isdigit() and int(until) > now.timestamp():
                return False
            row.value = value
            return True

    def release_watch(self, console_id: str) -> None:
        """Give the lease up (at exit), so another console can take over at once."""
        with self.store.sessions.begin() as session:
            row = session.get(Meta, _LEASE_KEY)
            if row is not None and row.value.partition(" ")[0] == console_id:
                session.delete(row)

    # -- helpers ---------------------------------------------------------------------------------
    def _zone_row(self, session, zone_id: int) -> WatchZone:
        zone = session.get(WatchZone, zone_id)
        if zone is None:
            raise ChangeAlertError(f"no watch zone {zone_id}")
        return zone

    def _open_alert(self, session, alert_id: int) -> ChangeAlert:
        alert = session.get(ChangeAlert, alert_id)
        if alert is None:
            raise ChangeAlertError(f"no change alert {alert_id}")
        if alert.state != OPEN:
            raise ChangeAlertError(f"change alert {alert_id} was already {alert.state} by {alert.decided_by}")
        return alert

    def _decide(self, session, alert_id: int, actor: str, state: str, at: datetime, incident_id: int | None,
                note: str) -> None:
        changed = session.execute(update(ChangeAlert).where(ChangeAlert.id == alert_id, ChangeAlert.state == OPEN)
                                  .values(state=state, decided_at=at, decided_by=actor, incident_id=incident_id))
        if changed.rowcount != 1:  # decided meanwhile (another console) or gone: nothing is written
            alert = session.get(ChangeAlert, alert_id)
            if alert is None:
                raise ChangeAlertError(f"no change alert {alert_id}")
            raise ChangeAlertError(f"change alert {alert_id} was already {alert.state} by {alert.decided_by}")
        session.add(_audit(f"alert:{alert_id}", at, actor, _DECISION_ACTIONS[state], note))

    def _records(self, session, alert_ids: list[int]) -> list[AlertRecord]:
        if not alert_ids:
            return []
        rows = session.execute(
            select(ChangeAlert.id, ChangeAlert.zone_id, WatchZone.name, ChangeAlert.camera_id, Camera.name,
                   ChangeAlert.appeared_at, ChangeAlert.detected_at, ChangeAlert.box_x, ChangeAlert.box_y,
                   ChangeAlert.box_w, ChangeAlert.box_h, ChangeAlert.score, ChangeAlert.state,
                   ChangeAlert.decided_at, ChangeAlert.decided_by, ChangeAlert.incident_id)
            .join(WatchZone, WatchZone.id == ChangeAlert.zone_id).join(Camera, Camera.id == ChangeAlert.camera_id)
            .where(ChangeAlert.id.in_(alert_ids))).all()
        by_id = {row[0]: AlertRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                                     (row[7], row[8], row[9], row[10]), row[11], row[12], row[13], row[14], row[15])
                 for row in rows}
        return [by_id[i] for i in alert_ids if i in by_id]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two regions (x, y, w, h) overlap or lie within :data:`_SAME_PLACE_PX` of each other."""
    return (a[0] - _SAME_PLACE_PX < b[0] + b[2] and b[0] - _SAME_PLACE_PX < a[0] + a[2]
            and a[1] - _SAME_PLACE_PX < b[1] + b[3] and b[1] - _SAME_PLACE_PX < a[1] + a[3])


def _zone(row: WatchZone, with_reference: bool) -> Zone:
    polygon = tuple((float(x), float(y)) for x, y in json.loads(row.polygon))
    return Zone(row.id, row.camera_id, row.name, polygon, bool(row.enabled),
                row.reference if with_reference else None)


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ChangeAlertError("a watch zone needs a name of 1 to 64 characters")
    return name


def _checked_actor(actor: str) -> str:
    if not (actor or "").strip():
        raise ChangeAlertError("every decision needs the operator who took it")
    return actor.strip()


def _audit(subject: str, at: datetime, actor: str, action: str, note: str) -> AuditEntry:
    return AuditEntry(incident_id=None, subject=subject, at=at, actor=actor, action=action, note=note[:500])
