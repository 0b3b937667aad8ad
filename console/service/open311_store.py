"""Open311 requests in the store: file a citizen's report as an incident, and find the requests filed so.

Filing goes through :meth:`DispatchService.report_many` (the workflow and the audit trail, actor
``open311:<key name>``); what the incident has no column for (the address and media URL as sent)
goes into an :class:`~console.storage.models.Open311Request` row in the incident's own transaction.
Reports that arrive together are filed together (:meth:`Open311Book.file_many`: one transaction,
one commit), which is what lets the intake keep up with a burst.  Only incidents filed through
Open311 are listed: the internal reports of grid workers and cameras are not published to
citizens' apps.  Every method runs on the intake's writer thread.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from console.core.clock import Clock
from console.core.taxonomy import Taxonomy
from console.core.workflow import OPEN_STATUS_VALUES, OPEN_STATUSES, Source, Status, WorkflowError
from console.storage.api_keys import ApiKeyRecord
from console.storage.cameras import nearest_grid_ids
from console.storage.db import Store
from console.storage.dispatch import DispatchService, FiledIncident, Filing, IncidentDraft
from console.storage.models import AuditEntry, Incident, Open311Request

TITLE_CHARS = 80
_NOTES = {Status.REPORTED: "reported, waiting to be accepted", Status.ACCEPTED: "accepted",
          Status.DISPATCHED: "dispatched", Status.IN_PROGRESS: "being handled", Status.REOPENED: "reopened",
          Status.RESOLVED: "resolved, waiting to be verified", Status.CLOSED: "closed"}
_REJECTED = {"invalid": "rejected as invalid", "duplicate": "rejected as a duplicate"}


@dataclass(frozen=True)
class CitizenReport:
    """A validated ``POST requests``: everything needed to file it."""

    service_code: str
    lat: float | None
    lon: float | None
    address: str
    description: str
    media_url: str
    reporter: str
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RequestQuery:
    """The filters of ``GET requests``; ``numbers`` set means the others are ignored (as the spec says)."""

    numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    states: tuple[str, ...] = ()  # "open", "closed"
    limit: int = 1000


@dataclass(frozen=True)
class RequestRecord:
    """One service request as Open311 shows it."""

    number: str
    service_code: str
    state: str  # open | closed
    status_notes: str
    description: str
    agency: str
    requested: datetime
    updated: datetime
    expected: datetime
    address: str
    lat: float | None
    lon: float | None
    media_url: str


def open311_state(status: str, reject_reason: str | None, feedback: str) -> tuple[str, str]:
    """Our workflow status as Open311's ``open``/``closed`` plus a note saying where it really is."""
    status = Status(status)
    if status is Status.REJECTED:
        return "closed", _REJECTED.get(reject_reason or "", "rejected")
    note = _NOTES[status]
    if status in (Status.RESOLVED, Status.CLOSED) and feedback:
        note = f"{note}: {feedback}"
    return ("open" if status in OPEN_STATUSES else "closed"), note


class Open311Book:
    """Files and finds Open311 requests."""

    def __init__(self, store: Store, clock: Clock, taxonomy: Taxonomy):
        self.store = store
        self.dispatch = DispatchService(store, clock, taxonomy=taxonomy)
        self.taxonomy = taxonomy

    def file_many(self, reports: Sequence[tuple[CitizenReport, ApiKeyRecord]]) -> list[str | WorkflowError]:
        """File each report (with the client key it came with) as a citizen incident in the nearest grid
        (if one is near), all in one transaction; the incidents' numbers, or why one was refused, in order."""
        with self.store.sessions() as session:
            grid_ids = nearest_grid_ids(session, [(report.lon, report.lat) for report, _key in reports])
        numbers: list[str | None] = [None] * len(reports)
        filings = [Filing(self._draft(report, grid_id), f"open311:{key.name}",
                          functools.partial(_with_request, report, key, numbers, k))
                   for k, ((report, key), grid_id) in enumerate(zip(reports, grid_ids))]
        outcomes = self.dispatch.report_many(filings)
        return [outcome if isinstance(outcome, WorkflowError) else numbers[k] for k, outcome in enumerate(outcomes)]

    def _draft(self, report: CitizenReport, grid_id: int | None) -> IncidentDraft:
        item = self.taxonomy.item(report.service_code)
        first_line = report.description.strip().splitlines()[0] if report.description.strip() else ""
        return IncidentDraft(subitem=item.code, title=first_line[:TITLE_CHARS] or item.name_zh,
                             description=_description(report), source=Source.CITIZEN,
                             lon=report.lon, lat=report.lat, grid_id=grid_id, reporter=report.reporter)

    def find(self, query: RequestQuery) -> list[RequestRecord]:
        """The requests matching ``query``, newest first."""
        updated = select(func.max(AuditEntry.at)).where(AuditEntry.incident_id == Incident.id).scalar_subquery()
        statement = (select(Incident, Open311Request, updated)
                     .join(Open311Request, Open311Request.incident_id == Incident.id))
        if query.numbers:
            statement = statement.where(Incident.number.in_(query.numbers))
        else:
            if query.service_codes:
                statement = statement.where(Incident.subitem.in_(query.service_codes))
            if query.start is not None:
                statement = statement.where(Incident.created_at >= query.start)
            if query.end is not None:
                statement = statement.where(Incident.created_at <= query.end)
            if query.states and set(query.states) != {"open", "closed"}:
                statement = statement.where(Incident.status.in_(OPEN_STATUS_VALUES) if "open" in query.states
                                            else Incident.status.not_in(OPEN_STATUS_VALUES))
        statement = statement.order_by(Incident.created_at.desc(), Incident.id.desc()).limit(query.limit)
        with self.store.sessions() as session:
            return [_request(incident, extra, updated_at) for incident, extra, updated_at in session.execute(statement)]


def _with_request(report: CitizenReport, key: ApiKeyRecord, numbers: list, k: int, session,
                  incident: FiledIncident) -> None:
    """In the report's own transaction: what the incident has no column for, and its number for the answer."""
    session.add(Open311Request(incident_id=incident.id, api_key_id=key.id, address=report.address,
                               media_url=report.media_url))
    numbers[k] = incident.number


def _description(report: CitizenReport) -> str:
    """The citizen's text, then what the operator needs to see of the rest (one line each)."""
    lines = [report.description.strip()] if report.description.strip() else []
    if report.address:
        lines.append(f"Address: {report.address}")
    if report.media_url:
        lines.append(f"Media: {report.media_url}")
    lines += [f"{name}: {value}" for name, value in report.attributes]
    return "\n".join(lines)


def _request(incident: Incident, extra: Open311Request, updated_at: datetime | None) -> RequestRecord:
    state, notes = open311_state(incident.status, incident.reject_reason, incident.feedback)
    return RequestRecord(incident.number, incident.subitem, state, notes, incident.description,
                         incident.assignee_text, incident.created_at, updated_at or incident.created_at,
                         incident.deadline_at, extra.address, incident.lat, incident.lon, extra.media_url)
