"""Roles are checked in the core: an operator cannot close, reopen, issue supervision orders or manage watch
zones through the service API, whatever a window calls; a duty officer can; the system (intake, simulation,
deadline sweep) keeps its plain ``actor`` strings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.core.roles import PermissionDenied, Role
from console.core.workflow import Status
from console.storage.change_alerts import ChangeAlertBook
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import AuditEntry, Camera, SupervisionOrder, WatchZone

ROOF = [(0.2, 0.2), (0.6, 0.2), (0.6, 0.5), (0.2, 0.5)]


def _resolved(service: DispatchService, places) -> int:
    incident_id = service.report(IncidentDraft(subitem="DIS01", title="排水沟堵塞"), "李建国")
    service.accept(incident_id, "张华")
    service.assign(incident_id, "张华", worker_id=places.workers[0])
    service.resolve(incident_id, "李建国", "已疏通")
    return incident_id


def _audit_count(store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_default_service_is_the_system_and_may_do_everything(service):
    assert service.role is Role.SYSTEM
    assert service.for_operator("duty_officer").role is Role.DUTY
    assert service.for_operator("operator").store is service.store and service.role is Role.SYSTEM


def test_an_operator_handles_the_queue_but_cannot_close_or_reopen(service, store, places):
    operator = service.for_operator("operator")
    incident_id = _resolved(operator, places)  # report, accept, assign, resolve: all an operator's steps
    operator.comment(incident_id, "张华", "回访中")
    before = _audit_count(store)
    with pytest.raises(PermissionDenied, match="close incidents"):
        operator.close(incident_id, "张华")
    with pytest.raises(PermissionDenied, match="reopen incidents"):
        operator.reopen(incident_id, "张华", "群众不满意")
    assert service.get(incident_id).status == Status.RESOLVED.value and _audit_count(store) == before

    duty = service.for_operator(Role.DUTY)
    duty.reopen(incident_id, "王丽", "群众不满意")
    duty.assign(incident_id, "王丽", worker_id=places.workers[0])
    duty.resolve(incident_id, "李建国", "再次疏通")
    duty.close(incident_id, "王丽")
    assert service.get(incident_id).status == Status.CLOSED.value


def test_only_a_duty_officer_runs_the_sweep_that_issues_supervision_orders(service, store, clock):
    incident_id = service.report(IncidentDraft(subitem="DIS01", title="排水沟堵塞"), "李建国")
    clock.advance(timedelta(days=30))
    with pytest.raises(PermissionDenied, match="supervision orders"):
        service.for_operator("operator").check_deadlines("张华")
    sweep = service.for_operator("duty").check_deadlines("王丽")
    assert sweep.supervised == [incident_id]
    with store.sessions() as session:
        assert session.scalar(select(SupervisionOrder.issued_by)) == "王丽"


def test_an_operator_cannot_manage_watch_zones_a_duty_officer_can(store, service, places):
    with store.sessions.begin() as session:
        camera = Camera(name="江桥村高位", url="demo:roof", lon=120.31, lat=30.11, grid_id=places.grids[0])
        session.add(camera)
        session.flush()
        camera_id = camera.id
    duty_book = ChangeAlertBook(store, service.for_operator("duty_officer"))
    zone = duty_book.add_zone(camera_id, "东侧楼顶", ROOF, "王丽")
    operator_book = ChangeAlertBook(store, service.for_operator("operator"))
    before = _audit_count(store)
    with pytest.raises(PermissionDenied, match="manage watch zones"):
        operator_book.add_zone(camera_id, "西侧楼顶", ROOF, "张华")
    with pytest.raises(PermissionDenied):
        operator_book.update_zone(zone.id, "张华", enabled=False)
    with pytest.raises(PermissionDenied):
        operator_book.remove_zone(zone.id, "张华")
    assert _audit_count(store) == before
    assert [z.enabled for z in operator_book.zones()] == [True]  # reading is for everybody
    duty_book.update_zone(zone.id, "王丽", name="东楼顶")
    duty_book.remove_zone(zone.id, "王丽")
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WatchZone)) == 0
