"""The closed-loop workflow: every allowed step, and every other one refused with a clear message."""

from __future__ import annotations

from itertools import product

import pytest

from console.core.workflow import (ANNOTATIONS, FINISHED_STATUSES, OPEN_STATUSES, TRANSITIONS, Action,
                                   IllegalTransition, Status, WorkflowError, allowed_actions, is_open,
                                   next_status)

ILLEGAL = [(s, a) for s, a in product(Status, Action) if (s, a) not in TRANSITIONS]


def _words(value: str) -> str:
    return value.replace("_", " ")


@pytest.mark.parametrize(("status", "action"), list(TRANSITIONS), ids=lambda x: x.value)
def test_every_allowed_transition(status, action):
    target = TRANSITIONS[(status, action)]
    assert next_status(status, action) is target
    assert next_status(status.value, action.value) is target  # as stored in the database
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=lambda x: x.value)
def test_every_illegal_transition_is_refused_with_a_message_naming_status_and_allowed_actions(status, action):
    with pytest.raises(IllegalTransition) as caught:
        next_status(status, action, "20261129-0042")
    error = caught.value
    assert isinstance(error, WorkflowError)
    assert (error.status, error.action) == (status, action)
    message = str(error)
    assert "20261129-0042" in message
    assert f"it is {_words(status.value)}" in message
    assert _words(action.value) in message
    allowed = allowed_actions(status)
    assert allowed, f"{status} is a dead end"
    assert message.endswith("allowed: " + ", ".join(a.value for a in allowed))


def test_message_without_number():
    with pytest.raises(IllegalTransition, match=r"^Cannot close this incident: it is in progress; allowed: "
                                                r"assign, resolve$"):
        next_status(Status.IN_PROGRESS, Action.CLOSE)


def test_expected_workflow_steps():
    S, A = Status, Action
    assert allowed_actions(S.REPORTED) == [A.ACCEPT, A.REJECT]
    assert allowed_actions(S.ACCEPTED) == [A.ASSIGN]
    assert allowed_actions(S.DISPATCHED) == [A.ASSIGN, A.START, A.RESOLVE]
    assert allowed_actions(S.IN_PROGRESS) == [A.ASSIGN, A.RESOLVE]
    assert allowed_actions(S.RESOLVED) == [A.CLOSE, A.REOPEN]
    assert allowed_actions(S.CLOSED) == [A.REOPEN]
    assert allowed_actions(S.REJECTED) == [A.REOPEN]
    assert allowed_actions(S.REOPENED) == [A.ASSIGN]


def test_annotations_never_change_the_status():
    assert not any(action in ANNOTATIONS for (_status, action) in TRANSITIONS)
    assert ANNOTATIONS == {Action.REMIND, Action.SUPERVISE, Action.ACKNOWLEDGE_ALARM, Action.COMMENT}


def test_every_status_is_open_or_finished_and_reachable_from_a_report():
    assert OPEN_STATUSES | FINISHED_STATUSES == set(Status)
    assert not OPEN_STATUSES & FINISHED_STATUSES
    assert all(is_open(s) == (s in OPEN_STATUSES) for s in Status)
    assert is_open("reported") and not is_open("closed")
    reached, frontier = {Status.REPORTED}, [Status.REPORTED]
    while frontier:
        status = frontier.pop()
        for (source, _action), target in TRANSITIONS.items():
            if source is status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status)


def test_every_finished_incident_can_be_reopened():
    for status in FINISHED_STATUSES:
        assert Action.REOPEN in allowed_actions(status)


def test_unknown_status_or_action_is_a_value_error():
    with pytest.raises(ValueError):
        next_status("lost", Action.ACCEPT)
    with pytest.raises(ValueError):
        next_status(Status.REPORTED, "teleport")
