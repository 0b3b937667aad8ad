"""Keyboard dispatch's storage side: accept + assign (and report + accept + assign) as one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.core import roles
from console.core.roles import PermissionDenied, Role
from console.core.workflow import Action, IllegalTransition, Source, Status, WorkflowError
from console.storage.dispatch import IncidentDraft, StaleIncident
from console.storage.models import AuditEntry, Incident

from .conftest import START, WORKER_NAMES

S, A = Status, Action


def _draft(subitem="DIS01", title="邻里因排水沟发生争吵", **kwargs) -> IncidentDraft:
    return IncidentDraft(subitem=subitem, title=title, **kwargs)


def _trail(store, incident_id) -> list[tuple]:
    with store.sessions() as session:
        return [(e.action, e.from_status, e.to_status, e.actor) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.incident_id == incident_id).order_by(AuditEntry.id))]


def _counts(store) -> tuple[int, int]:
    with store.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Incident)),
                session.scalar(select(func.count()).select_from(AuditEntry)))


def test_dispatch_accepts_and_assigns_a_report_in_one_step(service, store, places):
    incident_id = service.report(_draft(grid_id=places.grids[0]), "王小红")
    service.dispatch(incident_id, "op-zhang", worker_id=places.workers[0], note="take the mediator",
                     expected_version=1)
    incident = service.get(incident_id)
    assert incident.status == S.DISPATCHED.value
    assert (incident.assignee_worker_id, incident.assignee_text) == (places.workers[0], WORKER_NAMES[0])
    assert incident.version == 2  # one transaction: one version further
    assert _trail(store, incident_id) == [
        ("report", None, "reported", "王小红"),
        ("accept", "reported", "accepted", "op-zhang"),
        ("assign", "accepted", "dispatched", "op-zhang")]
    assert service.timeline(incident_id)[-1].note == f"to {WORKER_NAMES[0]}; take the mediator"


def test_dispatch_of_an_accepted_incident_only_assigns_and_reassigns(service, store, places):
    incident_id = service.report(_draft(), "王小红")
    service.accept(incident_id, "op")
    service.dispatch(incident_id, "op", department_ids=[places.departments[0], places.departments[1]])
    service.dispatch(incident_id, "op", worker_id=places.workers[1])  # a re-assignment stays one step too
    assert [step[0] for step in _trail(store, incident_id)] == ["report", "accept", "assign", "assign"]
    incident = service.get(incident_id)
    assert (incident.status, incident.assignee_worker_id, incident.departments) == (
        S.DISPATCHED.value, places.workers[1], [])


def test_dispatching_a_one_key_report_answers_its_alarm(service, store, places, clock):
    incident_id = service.report(_draft("FIR01", "厂房起火", source=Source.ONE_KEY), "王小红")
    service.dispatch(incident_id, "op", department_ids=[places.departments[0]])
    incident = service.get(incident_id)
    assert incident.alarm_acknowledged_at == START
    assert (incident.status, incident.queue_rank) == (S.DISPATCHED.value, 0)  # still first until handled
    assert [step[0] for step in _trail(store, incident_id)] == ["report", "accept", "acknowledge_alarm", "assign"]


@pytest.mark.parametrize("refusal", ["unknown worker", "stale", "closed", "nobody"])
def test_a_refused_dispatch_changes_nothing(service, store, places, refusal):
    incident_id = service.report(_draft(), "王小红")
    expected: dict = {}
    if refusal == "closed":
        for step in (lambda: service.accept(incident_id, "op"),
                     lambda: service.assign(incident_id, "op", worker_id=places.workers[0]),
                     lambda: service.resolve(incident_id, "op", "done"),
                     lambda: service.close(incident_id, "op")):
            step()
    before, trail = service.get(incident_id), _trail(store, incident_id)
    if refusal == "unknown worker":
        error, expected = WorkflowError, {"worker_id": 999_999}
    elif refusal == "stale":
        error, expected = StaleIncident, {"worker_id": places.workers[0], "expected_version": before.version + 1}
    elif refusal == "closed":
        error, expected = IllegalTransition, {"worker_id": places.workers[0]}
    else:
        error = WorkflowError
    with pytest.raises(error):
        service.dispatch(incident_id, "op", **expected)
    after = service.get(incident_id)
    assert (after.status, after.version, after.assignee_worker_id) == (before.status, before.version,
                                                                       before.assignee_worker_id)
    assert _trail(store, incident_id) == trail


def test_dispatch_checks_every_step_against_the_role(service, store, places, monkeypatch):
    # Suppose accepting needed a duty officer: an operator could then assign accepted incidents only.
    monkeypatch.setitem(roles.MINIMUM_ROLE, Action.ACCEPT, Role.DUTY)
    operator = service.for_operator("operator")
    reported = service.report(_draft(), "王小红")
    with pytest.raises(PermissionDenied):
        operator.dispatch(reported, "op", worker_id=places.workers[0])
    assert service.get(reported).status == S.REPORTED.value and len(_trail(store, reported)) == 1
    with pytest.raises(PermissionDenied):
        operator.report_and_dispatch(_draft(), "op", worker_id=places.workers[0])
    service.accept(reported, "duty")
    operator.dispatch(reported, "op", worker_id=places.workers[0])
    assert service.get(reported).status == S.DISPATCHED.value


def test_report_and_dispatch_files_accepts_and_assigns_in_one_transaction(service, store, places):
    incident_id = service.report_and_dispatch(
        _draft("CON01", "屋顶违章搭建", source=Source.CAMERA, grid_id=places.grids[1], reporter="高点3号",
               photos=[("cam.jpg", "image/jpeg", b"\xff\xd8photo")]),
        "op-zhang", department_ids=[places.departments[1]], note="before they finish the roof")
    incident = service.get(incident_id)
    assert (incident.status, incident.source, incident.version) == (S.DISPATCHED.value, "camera", 2)
    assert [d.id for d in incident.departments] == [places.departments[1]]
    assert len(incident.attachments) == 1
    assert _trail(store, incident_id) == [
        ("report", None, "reported", "op-zhang"),
        ("accept", "reported", "accepted", "op-zhang"),
        ("assign", "accepted", "dispatched", "op-zhang")]


def test_report_and_dispatch_to_nobody_known_files_nothing(service, store, places):
    service.report(_draft(), "王小红")
    before = _counts(store)
    with pytest.raises(WorkflowError, match="Unknown department"):
        service.report_and_dispatch(_draft(), "op", department_ids=[999_999])
    with pytest.raises(WorkflowError, match="Assign to whom"):
        service.report_and_dispatch(_draft(), "op")
    assert _counts(store) == before
    # and the day's numbering goes on as if nothing had been tried
    assert service.get(service.report(_draft(), "op")).number.endswith("-0002")
