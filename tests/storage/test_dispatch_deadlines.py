"""Past the deadline the system reminds automatically, then issues a numbered supervision order (督办单)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from console.core.workflow import Action, RejectReason
from console.storage.dispatch import DeadlineSweep, DispatchService, IncidentDraft
from console.storage.models import SupervisionOrder

from .conftest import START, WORKER_NAMES

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)  # level 1 deadline, and the default supervision grace


def _report(service, places, subitem="DIS01", assign=True) -> int:
    incident_id = service.report(IncidentDraft(subitem=subitem, title="邻里纠纷"), "op")
    if assign:
        service.accept(incident_id, "duty1")
        service.assign(incident_id, "duty1", worker_id=places.workers[0])
    return incident_id


def _orders(store) -> list[tuple]:
    with store.sessions() as session:
        return [(o.number, o.incident_id, o.issued_at, o.deadline_missed_at, o.assignee_text, o.issued_by,
                 o.state) for o in session.scalars(select(SupervisionOrder).order_by(SupervisionOrder.id))]


def _actions(service, incident_id) -> list[Action]:
    return [step.action for step in service.timeline(incident_id)]


def test_nothing_before_the_deadline(service, places, clock, store):
    incident_id = _report(service, places)
    clock.set(START + DAY - SECOND)
    assert service.check_deadlines() == DeadlineSweep([], [])
    assert Action.REMIND not in _actions(service, incident_id)
    assert _orders(store) == []


def test_one_reminder_just_after_the_deadline_and_only_once(service, places, clock, store):
    incident_id = _report(service, places)
    clock.set(START + DAY + SECOND)
    assert service.check_deadlines() == DeadlineSweep([incident_id], [])
    step = service.timeline(incident_id)[-1]
    assert (step.action, step.actor, step.at, step.from_status, step.to_status) == (
        Action.REMIND, "system", START + DAY + SECOND, None, None)
    assert "2026-11-30 08:00" in step.note
    assert service.get(incident_id).reminded_at == START + DAY + SECOND

    clock.advance(timedelta(hours=1))
    assert service.check_deadlines() == DeadlineSweep([], [])
    assert _actions(service, incident_id).count(Action.REMIND) == 1
    assert _orders(store) == []


def test_supervision_order_after_the_grace_period(service, places, clock, store):
    incident_id = _report(service, places)
    clock.set(START + DAY + SECOND)
    service.check_deadlines()
    clock.set(START + 2 * DAY)
    assert service.check_deadlines("值班长") == DeadlineSweep([], [incident_id])
    assert _orders(store) == [("DB-2026-0001", incident_id, START + 2 * DAY, START + DAY, WORKER_NAMES[0],
                               "值班长", "issued")]
    step = service.timeline(incident_id)[-1]
    assert (step.action, step.actor, step.at) == (Action.SUPERVISE, "值班长", START + 2 * DAY)
    assert step.note == f"supervision order DB-2026-0001 to {WORKER_NAMES[0]}"

    clock.advance(DAY * 3)
    assert service.check_deadlines() == DeadlineSweep([], [])
    assert len(_orders(store)) == 1


def test_supervision_numbers_increase_and_restart_each_year(service, places, clock, store):
    first, second = _report(service, places), _report(service, places)
    clock.advance(DAY * 2)
    service.check_deadlines()
    third = _report(service, places)
    clock.advance(DAY * 2)
    service.check_deadlines()
    clock.set(datetime(2027, 1, 5, tzinfo=timezone.utc))
    fourth = _report(service, places)
    clock.advance(DAY * 2)
    service.check_deadlines()
    orders = [(number, incident) for number, incident, *_ in _orders(store)]
    assert orders == [("DB-2026-0001", first), ("DB-2026-0002", second), ("DB-2026-0003", third),
                      ("DB-2027-0001", fourth)]


def test_long_overdue_gets_reminder_and_order_in_one_sweep(service, places, clock):
    incident_id = _report(service, places)
    clock.advance(DAY * 30)
    assert service.check_deadlines() == DeadlineSweep([incident_id], [incident_id])
    assert _actions(service, incident_id)[-2:] == [Action.REMIND, Action.SUPERVISE]


def test_an_unassigned_report_is_supervised_too(service, places, clock, store):
    incident_id = _report(service, places, assign=False)
    clock.advance(DAY * 3)
    assert service.check_deadlines() == DeadlineSweep([incident_id], [incident_id])
    assert _orders(store)[0][4] == "—"


@pytest.mark.parametrize("finish", ["resolve", "close", "reject"])
def test_finished_incidents_never_escalate(service, places, clock, store, finish):
    if finish == "reject":
        incident_id = _report(service, places, assign=False)
        service.reject(incident_id, "duty1", RejectReason.INVALID)
    else:
        incident_id = _report(service, places)
        service.resolve(incident_id, "王小红", "处理完毕")
        if finish == "close":
            service.close(incident_id, "duty1")
    clock.advance(DAY * 365)
    assert service.check_deadlines() == DeadlineSweep([], [])
    assert not {Action.REMIND, Action.SUPERVISE} & set(_actions(service, incident_id))
    assert _orders(store) == []


def test_reopen_restarts_the_deadline(service, places, clock, store):
    incident_id = _report(service, places)
    clock.advance(DAY * 3)
    service.check_deadlines()
    service.resolve(incident_id, "王小红", "处理完毕")
    clock.advance(DAY)
    service.reopen(incident_id, "duty1", "问题复发")
    reopened_at = clock.now()
    assert service.get(incident_id).deadline_at == reopened_at + DAY
    clock.set(reopened_at + DAY - SECOND)
    assert service.check_deadlines() == DeadlineSweep([], [])
    clock.set(reopened_at + DAY + SECOND)
    assert service.check_deadlines() == DeadlineSweep([incident_id], [])
    clock.set(reopened_at + 2 * DAY)
    assert service.check_deadlines() == DeadlineSweep([], [incident_id])
    assert [number for number, *_ in _orders(store)] == ["DB-2026-0001", "DB-2026-0002"]
    assert _actions(service, incident_id).count(Action.REMIND) == 2


def test_regrading_into_the_future_reminds_again_at_the_new_deadline(service, places, clock):
    incident_id = service.report(IncidentDraft(subitem="DIS01", title="t"), "op")  # level 1: 24 h
    clock.advance(DAY + SECOND)
    assert service.check_deadlines().reminded == [incident_id]
    service.accept(incident_id, "duty1", level=3)  # 5 days from the report
    clock.set(START + 5 * DAY + SECOND)
    assert service.check_deadlines().reminded == [incident_id]


def test_incidents_in_their_grace_period_do_not_crowd_out_new_reminders(service, places, clock):
    """A sweep handles at most ``limit`` incidents; reminded ones waiting for the grace period to end
    must not take those places from incidents that still need their first reminder."""
    early = [_report(service, places) for _ in range(3)]
    clock.advance(timedelta(hours=2))
    late = _report(service, places)
    clock.set(START + DAY + SECOND)
    assert sorted(service.check_deadlines(limit=10).reminded) == sorted(early)
    clock.set(START + DAY + timedelta(hours=3))
    assert service.check_deadlines(limit=1) == DeadlineSweep([late], [])


def test_another_console_sweeping_after_finds_nothing_left(service, places, clock, store):
    incident_id = _report(service, places)
    other = DispatchService(store, clock)
    clock.advance(DAY * 3)
    first, second = service.check_deadlines(), other.check_deadlines()
    assert first == DeadlineSweep([incident_id], [incident_id]) and second == DeadlineSweep([], [])
    assert len(_orders(store)) == 1


def test_supervision_numbers_go_on_past_9999(service, places, clock, store):
    incidents = [_report(service, places) for _ in range(3)]
    with store.sessions.begin() as session:
        session.add(SupervisionOrder(number="DB-2026-9999", incident_id=incidents[0], issued_at=START,
                                     deadline_missed_at=START, assignee_text="—", issued_by="system"))
    clock.advance(DAY * 3)
    assert len(service.check_deadlines().supervised) == 3
    assert sorted(number for number, *_ in _orders(store)) == ["DB-2026-10000", "DB-2026-10001", "DB-2026-10002",
                                                               "DB-2026-9999"]
