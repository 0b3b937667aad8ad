"""The deadline rule: a reminder once the deadline passes, a supervision order after the grace period."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.core.deadlines import DeadlineState, due_escalations, supervision_number
from console.core.levels import DeadlinePolicy
from console.core.workflow import FINISHED_STATUSES, OPEN_STATUSES, Action, Status

DEADLINE = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
POLICY = DeadlinePolicy()  # 24 h grace
SECOND = timedelta(seconds=1)


def due(now, status=Status.DISPATCHED, reminded=False, supervised=False, policy=POLICY):
    return due_escalations(DeadlineState(status, DEADLINE, reminded, supervised), now, policy)


def test_nothing_before_the_deadline():
    assert due(DEADLINE - SECOND) == []


def test_a_reminder_once_the_deadline_has_passed():
    assert due(DEADLINE) == [Action.REMIND]
    assert due(DEADLINE + SECOND) == [Action.REMIND]


def test_no_second_reminder():
    assert due(DEADLINE + SECOND, reminded=True) == []
    assert due(DEADLINE + POLICY.supervision_grace - SECOND, reminded=True) == []


def test_supervision_order_after_the_grace_period():
    after_grace = DEADLINE + POLICY.supervision_grace
    assert due(after_grace, reminded=True) == [Action.SUPERVISE]
    assert due(after_grace + timedelta(days=3), reminded=True, supervised=True) == []


def test_reminder_comes_first_when_both_are_due_at_once():
    assert due(DEADLINE + timedelta(days=30)) == [Action.REMIND, Action.SUPERVISE]


def test_zero_grace_supervises_at_the_deadline():
    assert due(DEADLINE, policy=DeadlinePolicy(supervision_grace=timedelta(0))) == [Action.REMIND,
                                                                                     Action.SUPERVISE]


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES), ids=lambda s: s.value)
def test_every_open_status_escalates(status):
    assert due(DEADLINE + timedelta(days=30), status=status) == [Action.REMIND, Action.SUPERVISE]


@pytest.mark.parametrize("status", sorted(FINISHED_STATUSES), ids=lambda s: s.value)
def test_finished_incidents_never_escalate(status):
    assert due(DEADLINE + timedelta(days=365), status=status) == []


def test_supervision_numbers():
    assert supervision_number(2026, 42) == "DB-2026-0042"
    assert supervision_number(2027, 1) == "DB-2027-0001"
    assert supervision_number(2026, 12345) == "DB-2026-12345"
