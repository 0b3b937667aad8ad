"""When an open incident passes its deadline: first an automatic reminder, then,
after a grace period, a numbered supervision order (督办单) to the assignee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.core.levels import DeadlinePolicy
from console.core.workflow import Action, Status, is_open


@dataclass(frozen=True)
class DeadlineState:
    """What the deadline check needs to know about one incident."""

    status: Status
    deadline_at: datetime
    reminded: bool
    supervised: bool


def due_escalations(state: DeadlineState, now: datetime, policy: DeadlinePolicy) -> list[Action]:
    """The escalations that are due now and not yet recorded, in the order to record them."""
    if not is_open(state.status) or now < state.deadline_at:
        return []
    due = []
    if not state.reminded:
        due.append(Action.REMIND)
    if not state.supervised and now >= state.deadline_at + policy.supervision_grace:
        due.append(Action.SUPERVISE)
    return due


def supervision_number(year: int, sequence: int, digits: int = 4) -> str:
    """The printed number of a supervision order, e.g. ``督办〔2026〕0042号``-style ``DB-2026-0042``."""
    return f"DB-{year}-{sequence:0{digits}d}"
