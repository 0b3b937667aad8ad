"""The dispatch service: every workflow step as one database transaction.

Each public method loads the incident, asks the state machine in
:mod:`console.core.workflow` whether the step is allowed, changes the row,
appends the step to the audit trail and commits, all or nothing.  Passing
``expected_version`` makes the step fail with :class:`StaleIncident` when
another console changed the incident since the caller read it.

Roles (:mod:`console.core.roles`) are checked here, in the core, before anything is written —
not only by the console's menus.  A service carries the role it acts with:

* ``DispatchService(store, …)`` acts as :data:`Role.SYSTEM`, which may take every step.  That is
  what the intake service, the deadline sweep and the demo simulation use; they pass plain
  ``actor`` strings ("system", a worker's or a reporter's name) exactly as before, so nothing that
  files reports or moves incidents on the system's behalf has to change.
* ``service.for_operator(role)`` (or ``DispatchService(…, role=…)``) is the same service bound to a
  logged-in operator's role: every method first checks that the role may take the step and raises
  :class:`~console.core.roles.PermissionDenied` (a :class:`WorkflowError`, one line) if not.  The
  console hands only this bound service to its windows, so whatever a window calls, an operator
  cannot close, reopen or issue supervision orders.  The ``actor`` string stays the name recorded
  in the audit trail.

The check guards the workflow against what operators may do through the console and the command
line; it is not a sandbox against code in the same process, which can always build a system service.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from console.core.clock import Clock, SystemClock
from console.core.deadlines import DeadlineState, due_escalations, supervision_number
from console.core.levels import DeadlinePolicy
from console.core.roles import Role, parse_role, require
from console.core.taxonomy import Taxonomy, default_taxonomy
from console.core.workflow import (OPEN_STATUSES, Action, RejectReason, Source, Status, WorkflowError,
                                   is_open, next_status)
from console.storage import audit_chain
from console.storage.db import Store
from console.storage.models import (Attachment, AuditEntry, Department, Grid, Incident, Meta, SupervisionOrder,
                                    Village, Worker)

#: How often a report is retried when another console took the same number at the same moment.  Writers
#: queue on the audit chain's head (console.storage.audit_chain) after numbering their incidents, so with
#: several consoles and the intake filing at once one of them can lose a few rounds in a row.
NUMBER_ATTEMPTS = 20


class IncidentNotFound(WorkflowError):
    """No incident with that id or number."""


class StaleIncident(WorkflowError):
    """Somebody else changed the incident since it was read."""


@dataclass
class IncidentDraft:
    """What a reporter supplies for a new incident."""

    subitem: str
    title: str
    description: str = ""
    source: Source = Source.OPERATOR
    level: int | None = None
    lon: float | None = None
    lat: float | None = None
    grid_id: int | None = None
    village_id: int | None = None
    reporter: str = ""
    photos: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, mime, data)


@dataclass(frozen=True)
class Filing:
    """One report for :meth:`DispatchService.report_many`: the draft, who files it, and what goes with it
    (``also(session, incident)``, in the same transaction)."""

    draft: IncidentDraft
    actor: str
    also: Callable[[Session, FiledIncident], None] | None = None


@dataclass(frozen=True)
class FiledIncident:
    """A report just filed, as :attr:`Filing.also` sees it inside the filing's transaction."""

    id: int
    number: str
    created_at: datetime


@dataclass(frozen=True)
class TimelineStep:
    """One step of an incident's timeline, detached from the database."""

    at: datetime
    actor: str
    action: Action
    from_status: Status | None
    to_status: Status | None
    note: str


@dataclass(frozen=True)
class DeadlineSweep:
    """What one deadline check recorded."""

    reminded: list[int]
    supervised: list[int]


def queue_rank(one_key: bool, status: Status) -> int:
    """0 (first in the queue) for a one-key report that still needs handling, else 1."""
    return 0 if one_key and is_open(status) else 1


#: Meta key holding how many digits a store's day sequence has (4 unless a store needs more, e.g. a city).
NUMBER_DIGITS_KEY = "incident_number_digits"


def incident_number(created: datetime, sequence: int, digits: int = 4) -> str:
    """Incident numbers read as their report day plus the day's sequence: ``20261129-0042``."""
    return f"{created:%Y%m%d}-{sequence:0{digits}d}"


class DispatchService:
    """The workflow operations of the dispatch queue, each one transaction."""

    def __init__(self, store: Store, clock: Clock | None = None, policy: DeadlinePolicy | None = None,
                 taxonomy: Taxonomy | None = None, *, role: Role | str = Role.SYSTEM):
        self.store = store
        self.clock = clock or SystemClock()
        self.policy = policy or DeadlinePolicy()
        self.taxonomy = taxonomy or default_taxonomy()
        #: The role every step is checked against (see the module's docstring).
        self.role = parse_role(role)
        self._digits: int | None = None

    def for_operator(self, role: Role | str) -> DispatchService:
        """This service bound to a logged-in operator's role (a stored value such as "duty_officer" is
        mapped by :func:`~console.core.roles.parse_role`); it shares the store, clock and policy."""
        bound = copy.copy(self)
        bound.role = parse_role(role)
        return bound

    def check_role(self, what) -> None:
        """Raise :class:`~console.core.roles.PermissionDenied` unless this service's role may do ``what``."""
        require(self.role, what)

    # -- reporting ---------------------------------------------------------------------------
    def report(self, draft: IncidentDraft, actor: str,
               also: Callable[[Session, FiledIncident], None] | None = None) -> int:
        """File a new incident; a one-key report jumps the queue and raises the alarm.

        ``also(session, incident)`` adds what belongs with the report (e.g. the Open311 request
        record) in the same transaction, so the report is stored with it or not at all."""
        outcome = self.report_many([Filing(draft, actor, also)])[0]
        if isinstance(outcome, WorkflowError):
            raise outcome
        return outcome

    def report_many(self, filings: Sequence[Filing]) -> list[int | WorkflowError]:
        """File several reports in one transaction (the intake's group commit); one outcome per filing.

        A filing the workflow refuses (unknown sub-item, grid or village, no title, no actor) gets
        its :class:`WorkflowError` in its place and is not filed; the others are stored together,
        with consecutive numbers, or — on a database error, which is raised — none of them."""
        self.check_role(Action.REPORT)
        outcomes: list[int | WorkflowError | None] = [None] * len(filings)
        checked = []
        for index, filing in enumerate(filings):
            try:
                checked.append((index, filing, *self._checked(filing)))
            except WorkflowError as error:
                outcomes[index] = error
        if checked:
            now = self.clock.now()
            for attempt in range(1, NUMBER_ATTEMPTS + 1):
                tried: list[str] = []
                try:
                    outcomes_filed = self._file_reports(checked, now, tried)
                    break
                except IntegrityError:
                    # Another console filed a report with the same number between our read and our write:
                    # take the next numbers.  Any other integrity error is not ours to hide.
                    if attempt == NUMBER_ATTEMPTS or not tried or not self._number_taken(tried[0]):
                        raise
            for (index, *_rest), outcome in zip(checked, outcomes_filed):
                outcomes[index] = outcome
        return outcomes

    def _checked(self, filing: Filing) -> tuple:
        """What filing ``filing`` needs that does not depend on the database: (item, level, source)."""
        _require_actor(filing.actor)
        draft = filing.draft
        if not self.taxonomy.has_item(draft.subitem):
            raise WorkflowError(f"Unknown event sub-item {draft.subitem!r}")
        item = self.taxonomy.item(draft.subitem)
        level = draft.level or item.default_level
        self._check_level(level)
        if not draft.title.strip():
            raise WorkflowError("A report needs a title")
        return item, level, Source(draft.source)

    def _number_taken(self, number: str) -> bool:
        with self.store.sessions() as session:
            return session.scalar(select(Incident.id).where(Incident.number == number)) is not None

    def _file_reports(self, checked: list, now: datetime, tried: list[str]) -> list[int | WorkflowError]:
        with self.store.sessions.begin() as session:
            grid_ids = {f.draft.grid_id for _i, f, *_r in checked if f.draft.grid_id is not None}
            village_ids = {f.draft.village_id for _i, f, *_r in checked if f.draft.village_id is not None}
            grid_villages = dict(session.execute(select(Grid.id, Grid.village_id).where(
                Grid.id.in_(grid_ids))).all()) if grid_ids else {}
            villages = (set(session.scalars(select(Village.id).where(Village.id.in_(village_ids))))
                        if village_ids else set())
            sequence = self._day_sequence(session, now)
            digits = self._number_digits(session)
            outcomes: list[dict | WorkflowError] = []
            for _index, filing, item, level, source in checked:
                draft = filing.draft
                if draft.village_id is not None and draft.village_id not in villages:
                    outcomes.append(WorkflowError(f"Unknown village {draft.village_id}"))
                elif draft.grid_id is not None and draft.grid_id not in grid_villages:
                    outcomes.append(WorkflowError(f"Unknown grid {draft.grid_id}"))
                else:
                    sequence += 1
                    tried.append(incident_number(now, sequence, digits))
                    outcomes.append(self._incident_row(draft, item, level, source, now, tried[-1],
                                                       draft.village_id or grid_villages.get(draft.grid_id)))
            rows = [row for row in outcomes if isinstance(row, dict)]
            if not rows:
                return outcomes
            # Core inserts, many rows a statement: the intake files hundreds of reports a second this way.
            ids = session.scalars(insert(Incident.__table__).returning(Incident.__table__.c.id,
                                                                      sort_by_parameter_order=True), rows).all()
            filings = [filing for (_i, filing, *_r), row in zip(checked, outcomes) if isinstance(row, dict)]
            filed = [FiledIncident(incident_id, row["number"], now) for incident_id, row in zip(ids, rows)]
            audit_chain.add_entries(session, [
                {"incident_id": incident.id, "subject": None, "at": now, "actor": filing.actor,
                 "action": Action.REPORT.value, "from_status": None, "to_status": Status.REPORTED.value,
                 "note": f"{row['source']}: {row['title']}"}
                for filing, incident, row in zip(filings, filed, rows)])
            for filing, incident in zip(filings, filed):
                for filename, mime, data in filing.draft.photos:
                    session.add(Attachment(incident_id=incident.id, filename=filename, mime=mime, data=data,
                                           created_at=now))
                if filing.also is not None:
                    filing.also(session, incident)
            numbered = iter(filed)
            return [next(numbered).id if isinstance(outcome, dict) else outcome for outcome in outcomes]

    def _incident_row(self, draft: IncidentDraft, item, level: int, source: Source, now: datetime, number: str,
                      village_id: int | None) -> dict:
        """The ``incidents`` row of a new report."""
        one_key = source is Source.ONE_KEY
        return {"number": number, "title": draft.title.strip(), "description": draft.description,
                "category": item.category, "subitem": item.code, "level": level, "source": source.value,
                "lon": draft.lon, "lat": draft.lat, "village_id": village_id, "grid_id": draft.grid_id,
                "reporter": draft.reporter, "created_at": now,
                "deadline_at": now + self.policy.deadline_for(level, one_key), "status": Status.REPORTED.value,
                "one_key": one_key, "queue_rank": queue_rank(one_key, Status.REPORTED), "assignee_text": "",
                "feedback": "", "version": 1}

    def _day_sequence(self, session: Session, now: datetime) -> int:
        """The last sequence number used on ``now``'s day (0 before the first report)."""
        return _last_sequence(session, Incident.number, f"{now:%Y%m%d}-")

    def _number_digits(self, session: Session) -> int:
        """The store's sequence width, so new numbers sort with the ones already there."""
        if self._digits is None:
            value = session.scalar(select(Meta.value).where(Meta.key == NUMBER_DIGITS_KEY))
            self._digits = int(value) if value and value.isdigit() else 4
        return self._digits

    # -- workflow steps ----------------------------------------------------------------------
    def accept(self, incident_id: int, actor: str, *, level: int | None = None, note: str = "",
               expected_version: int | None = None) -> None:
        """Accept a report, optionally re-grading its difficulty (which moves its deadline).

        The new level's deadline counts from when the current deadline started: the report, or the
        last reopening.  A deadline moved into the future can be reminded and supervised again."""
        if level is not None:
            self._check_level(level)

        def change(session, incident):
            if level is not None and level != incident.level:
                started = session.scalar(select(func.max(AuditEntry.at)).where(
                    AuditEntry.incident_id == incident.id, AuditEntry.action == Action.REOPEN.value))
                started = max(started, incident.created_at) if started else incident.created_at
                incident.level = level
                incident.deadline_at = started + self.policy.deadline_for(level, incident.one_key)
                if incident.deadline_at > self.clock.now():
                    incident.reminded_at = None
                    incident.supervised_at = None
        self._step(incident_id, actor, Action.ACCEPT, note, expected_version, change)

    def reject(self, incident_id: int, actor: str, reason: RejectReason, *, duplicate_of: str = "",
               note: str = "", expected_version: int | None = None) -> None:
        """Refuse a report as invalid or as a duplicate of another incident (by number)."""
        reason = RejectReason(reason)

        def change(session, incident):
            incident.reject_reason = reason.value
            if reason is RejectReason.DUPLICATE:
                original = session.scalar(select(Incident).where(Incident.number == duplicate_of.strip()))
                if original is None:
                    raise WorkflowError(f"Duplicate of what? No incident numbered {duplicate_of!r}")
                if original.id == incident.id:
                    raise WorkflowError("An incident cannot duplicate itself")
                incident.duplicate_of_id = original.id
                # Merged: the original's timeline names the second report and its reporter too.
                self._record(session, original, actor, Action.COMMENT, None, None,
                             f"duplicate report {incident.number} merged"
                             + (f" (reported by {incident.reporter})" if incident.reporter else ""))
                return f"duplicate of {original.number}" + (f"; {note}" if note else "")
            incident.duplicate_of_id = None
            return "invalid" + (f"; {note}" if note else "")
        self._step(incident_id, actor, Action.REJECT, note, expected_version, change)

    def assign(self, incident_id: int, actor: str, *, worker_id: int | None = None,
               department_ids: tuple[int, ...] | list[int] = (), note: str = "",
               expected_version: int | None = None) -> None:
        """Dispatch to a grid worker, a department, or several departments (a joint meeting)."""
        self._step(incident_id, actor, Action.ASSIGN, note, expected_version,
                   self._assignment(worker_id, department_ids, note))

    def dispatch(self, incident_id: int, actor: str, *, worker_id: int | None = None,
                 department_ids: tuple[int, ...] | list[int] = (), note: str = "",
                 expected_version: int | None = None) -> None:
        """Accept a report that still waits for it and assign it: one operator action, one transaction.

        The trail gets the accept step (when the incident was reported), the acknowledgement of a one-key
        alarm still sounding (dispatching is the answer to it) and the assign step, all or nothing; an
        incident already accepted (or dispatched, for a re-assignment) is only assigned."""
        self.check_role(Action.ASSIGN)
        _require_actor(actor)
        assignment = self._assignment(worker_id, department_ids, note)
        self._on_loaded(incident_id, expected_version,
                        lambda session, incident: self._dispatch_loaded(session, incident, actor, assignment, note))

    def report_and_dispatch(self, draft: IncidentDraft, actor: str, *, worker_id: int | None = None,
                            department_ids: tuple[int, ...] | list[int] = (), note: str = "") -> int:
        """File a report, accept it and assign it in one transaction (an operator reporting what a camera
        shows and sending someone at once); the new incident's id.  Nothing is stored if any part is refused."""
        for step in (Action.REPORT, Action.ACCEPT, Action.ASSIGN):
            self.check_role(step)
        assignment = self._assignment(worker_id, department_ids, note)

        def accept_and_assign(session: Session, filed: FiledIncident) -> None:
            self._dispatch_loaded(session, self._load(session, filed.id), actor, assignment, note)
        return self.report(draft, actor, accept_and_assign)

    def _assignment(self, worker_id: int | None, department_ids, note: str) -> Callable:
        """The change (for :meth:`_apply`) that hands an incident to a worker and/or departments."""
        department_ids = list(dict.fromkeys(department_ids))
        if worker_id is None and not department_ids:
            raise WorkflowError("Assign to whom? Choose a worker or at least one department")

        def change(session, incident):
            names = []
            if worker_id is not None:
                worker = session.get(Worker, worker_id)
                if worker is None:
                    raise WorkflowError(f"Unknown worker {worker_id}")
                names.append(worker.name)
            departments = []
            for dep_id in department_ids:
                department = session.get(Department, dep_id)
                if department is None:
                    raise WorkflowError(f"Unknown department {dep_id}")
                departments.append(department)
                names.append(department.name_zh)
            incident.assignee_worker_id = worker_id
            incident.departments = departments
            incident.assignee_text = "、".join(names)[:200]
            what = ("joint meeting: " if len(departments) > 1 else "to ") + ", ".join(names)
            return what + (f"; {note}" if note else "")
        return change

    def _dispatch_loaded(self, session: Session, incident: Incident, actor: str, assignment: Callable,
                         note: str) -> None:
        """Accept (if reported), acknowledge a sounding one-key alarm and assign, in the caller's transaction."""
        if incident.status == Status.REPORTED.value:
            self.check_role(Action.ACCEPT)
            self._apply(session, incident, actor, Action.ACCEPT, "")
        if incident.one_key and incident.alarm_acknowledged_at is None:
            self.check_role(Action.ACKNOWLEDGE_ALARM)
            incident.alarm_acknowledged_at = self.clock.now()
            self._record(session, incident, actor, Action.ACKNOWLEDGE_ALARM, None, None, "")
        self._apply(session, incident, actor, Action.ASSIGN, note, assignment)

    def start(self, incident_id: int, actor: str, *, note: str = "",
              expected_version: int | None = None) -> None:
        """The assignee has started handling the incident."""
        self._step(incident_id, actor, Action.START, note, expected_version)

    def resolve(self, incident_id: int, actor: str, feedback: str, *,
                expected_version: int | None = None) -> None:
        """Record the handler's feedback; the incident waits for verification."""
        if not feedback.strip():
            raise WorkflowError("Resolving needs the handler's feedback")

        def change(session, incident):
            incident.feedback = feedback.strip()
            incident.resolved_at = self.clock.now()
        self._step(incident_id, actor, Action.RESOLVE, feedback.strip(), expected_version, change)

    def close(self, incident_id: int, actor: str, *, note: str = "",
              expected_version: int | None = None) -> None:
        """Verify the resolution and close the loop."""
        def change(session, incident):
            incident.closed_at = self.clock.now()
        self._step(incident_id, actor, Action.CLOSE, note, expected_version, change)

    def reopen(self, incident_id: int, actor: str, reason: str, *,
               expected_version: int | None = None) -> None:
        """Reopen a resolved, closed or rejected incident; its deadline starts again."""
        if not reason.strip():
            raise WorkflowError("Reopening needs a reason")

        def change(session, incident):
            now = self.clock.now()
            incident.closed_at = None
            incident.resolved_at = None
            incident.reject_reason = None
            incident.duplicate_of_id = None
            incident.deadline_at = now + self.policy.deadline_for(incident.level, incident.one_key)
            incident.reminded_at = None
            incident.supervised_at = None
        self._step(incident_id, actor, Action.REOPEN, reason.strip(), expected_version, change)

    def acknowledge_alarm(self, incident_id: int, actor: str) -> None:
        """An operator has seen a one-key alarm; it stops sounding (the incident stays first until handled)."""
        self.check_role(Action.ACKNOWLEDGE_ALARM)
        _require_actor(actor)
        with self.store.sessions.begin() as session:
            incident = self._load(session, incident_id)
            if not incident.one_key:
                raise WorkflowError(f"Incident {incident.number} is not a one-key report")
            if incident.alarm_acknowledged_at is not None:
                return
            incident.alarm_acknowledged_at = self.clock.now()
            self._record(session, incident, actor, Action.ACKNOWLEDGE_ALARM, None, None, "")

    def comment(self, incident_id: int, actor: str, note: str) -> None:
        """Add a note to the timeline without changing the status."""
        self.check_role(Action.COMMENT)
        _require_actor(actor)
        if not note.strip():
            raise WorkflowError("An empty comment adds nothing")
        with self.store.sessions.begin() as session:
            incident = self._load(session, incident_id)
            self._record(session, incident, actor, Action.COMMENT, None, None, note.strip())

    # -- deadlines ---------------------------------------------------------------------------
    def check_deadlines(self, actor: str = "system", limit: int = 500) -> DeadlineSweep:
        """Record due reminders and supervision orders (each incident its own transaction).

        The sweep issues supervision orders, so it needs a duty officer (or the system)."""
        self.check_role(Action.SUPERVISE)
        now = self.clock.now()
        with self.store.sessions() as session:
            # Exactly the incidents with something due (see due_escalations): an incident reminded but
            # still within its grace period must not take one of the ``limit`` places every sweep.
            # One query per open status: with planner statistics an IN list over the statuses makes SQLite
            # walk a whole index of millions of rows; an equality finds the few open ones (3 s → 20 ms).
            due = (Incident.deadline_at <= now) & (
                Incident.reminded_at.is_(None)
                | (Incident.supervised_at.is_(None) & (Incident.deadline_at <= now - self.policy.supervision_grace)))
            found = []
            for status in sorted(s.value for s in OPEN_STATUSES):
                found += session.execute(select(Incident.deadline_at, Incident.id)
                                         .where(Incident.status == status, due)
                                         .order_by(Incident.deadline_at).limit(limit)).all()
            candidates = [incident_id for _deadline, incident_id in sorted(found)[:limit]]
        reminded, supervised = [], []
        for incident_id in candidates:
            try:
                done = self._escalate(incident_id, actor, now)
            except StaleIncident:
                continue  # another console escalated it at the same moment
            if Action.REMIND in done:
                reminded.append(incident_id)
            if Action.SUPERVISE in done:
                supervised.append(incident_id)
        return DeadlineSweep(reminded, supervised)

    def _escalate(self, incident_id: int, actor: str, now: datetime) -> list[Action]:
        try:
            with self.store.sessions.begin() as session:
                incident = self._load(session, incident_id)
                status = Status(incident.status)
                due = due_escalations(DeadlineState(status, incident.deadline_at, incident.reminded_at is not None,
                                                    incident.supervised_at is not None), now, self.policy)
                for action in due:
                    if action is Action.REMIND:
                        incident.reminded_at = now
                        self._record(session, incident, actor, Action.REMIND, None, None,
                                     f"deadline {incident.deadline_at:%Y-%m-%d %H:%M} UTC passed")
                    else:
                        order = SupervisionOrder(
                            number=self._next_order_number(session, now), incident_id=incident.id,
                            issued_at=now, deadline_missed_at=incident.deadline_at,
                            assignee_text=incident.assignee_text or "—", issued_by=actor)
                        session.add(order)
                        incident.supervised_at = now
                        self._record(session, incident, actor, Action.SUPERVISE, None, None,
                                     f"supervision order {order.number} to {order.assignee_text}")
                return due
        except (StaleDataError, IntegrityError) as exc:
            raise StaleIncident(f"incident {incident_id} changed during the deadline check") from exc

    def _next_order_number(self, session: Session, now: datetime) -> str:
        return supervision_number(now.year, _last_sequence(session, SupervisionOrder.number, f"DB-{now.year}-") + 1,
                                  self._number_digits(session))

    # -- reading -----------------------------------------------------------------------------
    def timeline(self, incident_id: int) -> list[TimelineStep]:
        """The incident's audit trail, oldest first."""
        with self.store.sessions() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.incident_id == incident_id)
                                   .order_by(AuditEntry.at, AuditEntry.id)).all()
            return [TimelineStep(r.at, r.actor, Action(r.action),
                                 Status(r.from_status) if r.from_status else None,
                                 Status(r.to_status) if r.to_status else None, r.note) for r in rows]

    def get(self, incident_id: int) -> Incident:
        """A detached incident with its assignees and attachments loaded."""
        with self.store.sessions() as session:
            incident = session.scalar(
                select(Incident).where(Incident.id == incident_id)
                .options(selectinload(Incident.departments), selectinload(Incident.attachments),
                         selectinload(Incident.village), selectinload(Incident.grid),
                         selectinload(Incident.assignee_worker)))
            if incident is None:
                raise IncidentNotFound(f"No incident {incident_id}")
            return incident

    # -- internals ---------------------------------------------------------------------------
    def _load(self, session: Session, incident_id: int) -> Incident:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise IncidentNotFound(f"No incident {incident_id}")
        return incident

    def _step(self, incident_id, actor, action, note, expected_version, change=None):
        """Run one workflow step; ``change`` may edit the row and return the note to record."""
        self.check_role(action)
        _require_actor(actor)
        self._on_loaded(incident_id, expected_version,
                        lambda session, incident: self._apply(session, incident, actor, action, note, change))

    def _on_loaded(self, incident_id: int, expected_version: int | None,
                   work: Callable[[Session, Incident], None]) -> None:
        """Run ``work(session, incident)`` in one transaction on the incident as stored, refused as
        :class:`StaleIncident` when it is not the version the operator saw or changes under us."""
        try:
            with self.store.sessions.begin() as session:
                incident = self._load(session, incident_id)
                if expected_version is not None and incident.version != expected_version:
                    raise StaleIncident(f"Incident {incident.number} was changed by someone else; "
                                        "reload it and try again")
                work(session, incident)
        except StaleDataError as exc:
            raise StaleIncident(f"Incident {incident_id} was changed by someone else; reload it and try again") \
                from exc

    def _apply(self, session: Session, incident: Incident, actor: str, action: Action, note: str,
               change: Callable | None = None) -> None:
        """Take one workflow step on an incident loaded in the caller's transaction; ``change`` may edit
        the row and return the note to record."""
        before = Status(incident.status)
        after = next_status(before, action, incident.number)
        if change is not None:
            # No autoflush while the step looks things up: a half-made change flushed early
            # would bump the incident's version twice in one step.
            with session.no_autoflush:
                note = change(session, incident) or note
        incident.status = after.value
        incident.queue_rank = queue_rank(incident.one_key, after)
        self._record(session, incident, actor, action, before, after, note)

    def _check_level(self, level) -> None:
        try:
            self.policy.rule(level)
        except ValueError as exc:
            raise WorkflowError(str(exc).capitalize()) from None

    def _record(self, session, incident, actor, action, before, after, note):
        session.add(AuditEntry(incident_id=incident.id, at=self.clock.now(), actor=actor, action=action.value,
                               from_status=before.value if before else None,
                               to_status=after.value if after else None, note=note))


def _require_actor(actor: str) -> None:
    if not actor or not actor.strip():
        raise WorkflowError("Every step needs the operator who takes it")


def _last_sequence(session: Session, column, prefix: str) -> int:
    """The highest sequence number after ``prefix`` in ``column`` (0 if none).

    Sequences are zero-padded to 4 digits and grow wider past 9999, where text
    order stops being number order ("…-9999" sorts after "…-10000"): when the
    text maximum is all nines, the next wider numbers are looked at too.  Each
    look-up is a ``max`` over a ``LIKE`` prefix, which does not depend on the
    database's collation and finds today's (the newest) numbers first."""
    pattern, sequence = prefix + "%", 0
    while True:
        last = session.scalar(select(func.max(column)).where(column.like(pattern)))
        if last is None:
            return sequence
        digits = last[len(prefix):]
        sequence = max(sequence, int(digits))
        if digits.strip("9"):
            return sequence
        pattern = prefix + "_" * (len(digits) + 1)
