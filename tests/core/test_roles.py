"""Roles: operator < duty < admin, the stored values mapped, and which steps each may take."""

from __future__ import annotations

import pytest

from console.core.roles import (MANAGE_KEYS, MANAGE_USERS, MANAGE_ZONES, PermissionDenied, Role, may, parse_role,
                                require, user_role)
from console.core.workflow import Action, WorkflowError


def test_stored_values_map_to_roles_and_unknown_is_the_least():
    assert parse_role("duty_officer") is Role.DUTY
    assert parse_role("supervisor") is Role.ADMIN
    assert parse_role("operator") is Role.OPERATOR
    assert parse_role("duty") is Role.DUTY and parse_role("admin") is Role.ADMIN
    assert parse_role("chief") is Role.OPERATOR and parse_role(None) is Role.OPERATOR
    assert parse_role("system") is Role.OPERATOR  # nobody is the system by a stored value
    assert Role.OPERATOR < Role.DUTY < Role.ADMIN < Role.SYSTEM


def test_each_role_may_do_what_the_one_below_may_and_more():
    for step in (Action.ACCEPT, Action.REJECT, Action.ASSIGN, Action.START, Action.RESOLVE, Action.COMMENT,
                 Action.ACKNOWLEDGE_ALARM, Action.REPORT):
        assert all(may(role, step) for role in Role)
    for step in (Action.CLOSE, Action.REOPEN, Action.SUPERVISE, MANAGE_ZONES):
        assert not may(Role.OPERATOR, step)
        assert may(Role.DUTY, step) and may(Role.ADMIN, step) and may(Role.SYSTEM, step)
    for what in (MANAGE_USERS, MANAGE_KEYS):
        assert not may(Role.DUTY, what) and may(Role.ADMIN, what)
    assert not may(Role.ADMIN, "something_unheard_of") and may(Role.SYSTEM, "something_unheard_of")


def test_permission_denied_is_a_one_line_workflow_error():
    with pytest.raises(PermissionDenied) as caught:
        require("operator", Action.CLOSE)
    assert isinstance(caught.value, WorkflowError)
    message = str(caught.value)
    assert "\n" not in message and "close incidents" in message and "duty officer" in message
    require("duty_officer", Action.CLOSE)


def test_user_roles_are_operator_duty_admin_only():
    assert user_role("Duty") is Role.DUTY
    for bad in ("system", "supervisor", ""):
        with pytest.raises(ValueError):
            user_role(bad)
