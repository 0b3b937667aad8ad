"""The closed-loop incident workflow as an explicit state machine.

discover → report → handle → feedback, every step leaving a trace:

    reported ─accept→ accepted ─assign→ dispatched ─start→ in_progress ─resolve→ resolved ─close→ closed
        └─reject→ rejected                  └───────────resolve──────────────┘         └─reopen→ reopened
    resolved/closed ─reopen→ reopened ─assign→ dispatched;  rejected ─reopen→ reported

Re-assigning a dispatched or in-progress incident is allowed (it goes back to
dispatched).  Anything not in :data:`TRANSITIONS` is refused with
:class:`IllegalTransition`.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """Where an incident is in the closed loop."""

    REPORTED = "reported"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Action(str, Enum):
    """A step of the workflow; each is stamped into the audit trail."""

    REPORT = "report"
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    START = "start"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    # Steps that leave a trace without moving the status:
    REMIND = "remind"
    SUPERVISE = "supervise"
    ACKNOWLEDGE_ALARM = "acknowledge_alarm"
    COMMENT = "comment"


class Source(str, Enum):
    """Where a report came from."""

    WORKER_APP = "worker_app"
    ONE_KEY = "one_key"
    CAMERA = "camera"
    CITIZEN = "citizen"
    OPERATOR = "operator"


class RejectReason(str, Enum):
    """Why a report was not accepted."""

    INVALID = "invalid"
    DUPLICATE = "duplicate"


S, A = Status, Action

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.REJECT): S.REJECTED,
    (S.ACCEPTED, A.ASSIGN): S.DISPATCHED,
    (S.DISPATCHED, A.ASSIGN): S.DISPATCHED,
    (S.IN_PROGRESS, A.ASSIGN): S.DISPATCHED,
    (S.REOPENED, A.ASSIGN): S.DISPATCHED,
    (S.DISPATCHED, A.START): S.IN_PROGRESS,
    (S.DISPATCHED, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.RESOLVED, A.REOPEN): S.REOPENED,
    (S.CLOSED, A.REOPEN): S.REOPENED,
    (S.REJECTED, A.REOPEN): S.REPORTED,
}

#: Statuses in which the incident still needs work and its deadline runs.
OPEN_STATUSES = frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED})
#: The same as the stored text values, in a fixed order (for SQL ``IN`` lists).
OPEN_STATUS_VALUES = tuple(sorted(s.value for s in OPEN_STATUSES))
#: Statuses that end the loop (for now).
FINISHED_STATUSES = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})
#: Steps that do not change the status but may happen in any open status.
ANNOTATIONS = frozenset({A.REMIND, A.SUPERVISE, A.ACKNOWLEDGE_ALARM, A.COMMENT})


class WorkflowError(Exception):
    """A workflow request that cannot be carried out; the message is for the operator."""


class IllegalTransition(WorkflowError):
    """The action is not allowed from the incident's current status."""

    def __init__(self, status: Status, action: Action, number: str = ""):
        self.status, self.action = Status(status), Action(action)
        what = f"incident {number}" if number else "this incident"
        super().__init__(f"Cannot {self.action.value.replace('_', ' ')} {what}: it is "
                         f"{self.status.value.replace('_', ' ')}; allowed: "
                         f"{', '.join(a.value for a in allowed_actions(self.status)) or 'nothing'}")


def next_status(status: Status | str, action: Action | str, number: str = "") -> Status:
    """The status after ``action``, or :class:`IllegalTransition` if the workflow forbids it."""
    status, action = Status(status), Action(action)
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action, number) from None


def allowed_actions(status: Status | str) -> list[Action]:
    """The status-changing actions an operator may take from ``status``, in workflow order."""
    status = Status(status)
    return [a for a in Action if (status, a) in TRANSITIONS]


def is_open(status: Status | str) -> bool:
    return Status(status) in OPEN_STATUSES
