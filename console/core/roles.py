"""Who may do what: the operators' roles and the steps each role may take (Qt-free).

Three roles, each allowed what the one below it may do and more:

* **operator** — handles the queue: accept, reject, assign, start, resolve, comment, acknowledge
  one-key alarms, file reports, decide change alerts;
* **duty** (duty officer) — also closes and reopens incidents, issues supervision orders and
  manages the cameras' watch zones;
* **admin** (administrator) — also manages users, cameras, devices and API keys.

:data:`Role.SYSTEM` is not a user's role: it is what the console's own automatic work runs as (the
intake service, the deadline sweep, the demo simulation), which may take every step.  Stored role
values are mapped by :func:`parse_role`: the demo's ``duty_officer`` is duty, its ``supervisor`` is
admin, and anything unknown is the least, operator.
"""

from __future__ import annotations

from enum import IntEnum

from console.core.workflow import Action, WorkflowError


class Role(IntEnum):
    """An operator's role; a higher role may do everything a lower one may."""

    OPERATOR = 1
    DUTY = 2
    ADMIN = 3
    SYSTEM = 9  # the console's own automatic work, never a user's role

    @property
    def label(self) -> str:
        """The role's command-line (and stored) name: operator, duty, admin, system."""
        return self.name.lower()


#: The roles a user may have, by their command-line names.
USER_ROLES: dict[str, Role] = {"operator": Role.OPERATOR, "duty": Role.DUTY, "admin": Role.ADMIN}
#: Stored role values written before roles were enforced (the demo's operators), and their role now.
_LEGACY = {"duty_officer": Role.DUTY, "supervisor": Role.ADMIN, "administrator": Role.ADMIN}

#: Permissions that are not workflow steps of an incident.
MANAGE_ZONES = "manage_zones"
MANAGE_USERS = "manage_users"
MANAGE_CAMERAS = "manage_cameras"
MANAGE_DEVICES = "manage_devices"
MANAGE_KEYS = "manage_keys"
MANAGE_STAFF = "manage_staff"
DECIDE_CHANGES = "decide_changes"

#: The least role each step or permission needs; a step not listed needs :data:`Role.SYSTEM`.
MINIMUM_ROLE: dict[Action | str, Role] = {
    Action.REPORT: Role.OPERATOR,
    Action.ACCEPT: Role.OPERATOR,
    Action.REJECT: Role.OPERATOR,
    Action.ASSIGN: Role.OPERATOR,
    Action.START: Role.OPERATOR,
    Action.RESOLVE: Role.OPERATOR,
    Action.COMMENT: Role.OPERATOR,
    Action.ACKNOWLEDGE_ALARM: Role.OPERATOR,
    DECIDE_CHANGES: Role.OPERATOR,
    Action.REMIND: Role.OPERATOR,
    Action.CLOSE: Role.DUTY,
    Action.REOPEN: Role.DUTY,
    Action.SUPERVISE: Role.DUTY,
    MANAGE_ZONES: Role.DUTY,
    MANAGE_USERS: Role.ADMIN,
    MANAGE_CAMERAS: Role.ADMIN,
    MANAGE_DEVICES: Role.ADMIN,
    MANAGE_KEYS: Role.ADMIN,
    MANAGE_STAFF: Role.ADMIN,
}

_WHAT = {Action.CLOSE: "close incidents", Action.REOPEN: "reopen incidents",
         Action.SUPERVISE: "issue supervision orders", MANAGE_ZONES: "manage watch zones",
         MANAGE_USERS: "manage users", MANAGE_CAMERAS: "manage cameras", MANAGE_DEVICES: "manage devices",
         MANAGE_KEYS: "manage API keys",
         MANAGE_STAFF: "manage grid workers and departments", DECIDE_CHANGES: "decide change alerts"}
_ROLE_NAMES = {Role.OPERATOR: "an operator", Role.DUTY: "a duty officer", Role.ADMIN: "an administrator",
               Role.SYSTEM: "the system"}


class PermissionDenied(WorkflowError):
    """The acting operator's role does not allow the step; the message is one line for the operator."""

    def __init__(self, role: Role, what: Action | str):
        self.role, self.what = role, what
        needed = MINIMUM_ROLE.get(what, Role.SYSTEM)
        super().__init__(f"Only {_ROLE_NAMES[needed]} or above may {describe(what)}; "
                         f"you are logged in as {_ROLE_NAMES[role]}")


def describe(what: Action | str) -> str:
    """What a step or permission does, for messages ("close incidents")."""
    if what in _WHAT:
        return _WHAT[what]
    value = what.value if isinstance(what, Action) else str(what)
    return value.replace("_", " ")


def parse_role(value: str | Role | None) -> Role:
    """The role of a stored or typed value; unknown values (and None) are the least role, operator."""
    if isinstance(value, Role):
        return value
    text = (value or "").strip().lower()
    if text in USER_ROLES:
        return USER_ROLES[text]
    return _LEGACY.get(text, Role.OPERATOR)


def user_role(text: str) -> Role:
    """A role a user may be given, from its name (operator, duty, admin); ValueError otherwise."""
    try:
        return USER_ROLES[text.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown role {text!r}: choose operator, duty or admin") from None


def may(role: Role | str, what: Action | str) -> bool:
    """Whether ``role`` may take the step or have the permission ``what``."""
    return parse_role(role) >= MINIMUM_ROLE.get(what, Role.SYSTEM)


def require(role: Role | str, what: Action | str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` may do ``what``."""
    role = parse_role(role)
    if not may(role, what):
        raise PermissionDenied(role, what)
