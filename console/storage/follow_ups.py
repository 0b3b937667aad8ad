"""The operator's follow-up tasks: raised by the console's watchers, settled by an operator, all on the record.

A task is raised at most once while open for the same kind and subject (several
consoles watching one store raise it once); raising and settling each write an
audit entry whose ``subject`` names the village or worker.  Every change is one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from console.core.clock import Clock, SystemClock
from console.storage.db import Store
from console.storage.models import AuditEntry, FollowUpTask

#: Kinds of task, and the subject each is about.
PHONE_VILLAGE, OUTSIDE_GRID = "phone_village", "outside_grid"
SUBJECT_OF = {PHONE_VILLAGE: "village", OUTSIDE_GRID: "worker"}
SYSTEM = "system"


class FollowUpError(ValueError):
    """A task cannot be settled (unknown, or already done); one line."""


@dataclass(frozen=True)
class TaskDraft:
    """A task a watcher wants raised."""

    kind: str
    subject_id: int
    title: str
    due_at: datetime
    since: datetime | None = None


@dataclass(frozen=True)
class FollowUp:
    """A stored task, detached from the database."""

    id: int
    kind: str
    subject_kind: str
    subject_id: int
    title: str
    raised_at: datetime
    due_at: datetime
    since: datetime | None
    done_at: datetime | None
    done_by: str | None
    note: str


class FollowUpBook:
    """Raise, list and settle follow-up tasks."""

    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or SystemClock()

    def raise_tasks(self, drafts: list[TaskDraft], actor: str = SYSTEM) -> list[FollowUp]:
        """Raise the drafts that have no open task of the same kind and subject yet; returns those raised."""
        raised = []
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            for draft in drafts:
                if draft.kind not in SUBJECT_OF:
                    raise ValueError(f"unknown follow-up kind {draft.kind!r}")
                already = session.scalar(select(FollowUpTask.id).where(
                    FollowUpTask.kind == draft.kind, FollowUpTask.subject_id == draft.subject_id,
                    FollowUpTask.done_at.is_(None)).limit(1))
                if already is not None:
                    continue
                subject_kind = SUBJECT_OF[draft.kind]
                task = FollowUpTask(kind=draft.kind, subject_kind=subject_kind, subject_id=draft.subject_id,
                                    title=draft.title[:200], raised_at=now, due_at=draft.due_at, since=draft.since,
                                    note="")
                session.add(task)
                session.add(AuditEntry(incident_id=None, subject=f"{subject_kind}:{draft.subject_id}", at=now,
                                       actor=actor, action="follow_up", note=draft.title[:200]))
                session.flush()
                raised.append(_detached(task))
        return raised

    def open_tasks(self) -> list[FollowUp]:
        """Tasks not settled yet, the longest due first."""
        with self.store.sessions() as session:
            rows = session.scalars(select(FollowUpTask).where(FollowUpTask.done_at.is_(None))
                                   .order_by(FollowUpTask.due_at, FollowUpTask.id)).all()
            return [_detached(row) for row in rows]

    def settle(self, task_id: int, actor: str, note: str = "") -> FollowUp:
        """Mark a task done by ``actor`` with what was done; on the record."""
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            task = session.get(FollowUpTask, task_id)
            if task is None:
                raise FollowUpError(f"no follow-up task {task_id}")
            if task.done_at is not None:
                raise FollowUpError(f"task {task_id} was already settled by {task.done_by}")
            task.done_at, task.done_by, task.note = now, actor, note
            session.add(AuditEntry(incident_id=None, subject=f"{task.subject_kind}:{task.subject_id}", at=now,
                                   actor=actor, action="follow_up_done", note=note or task.title))
            session.flush()
            return _detached(task)

    def history(self, subject_kind: str, subject_id: int) -> list[AuditEntry]:
        """The audit entries about one village or worker, oldest first."""
        with self.store.sessions() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.subject == f"{subject_kind}:{subject_id}")
                                   .order_by(AuditEntry.id)).all()
            session.expunge_all()
            return list(rows)


def _detached(task: FollowUpTask) -> FollowUp:
    return FollowUp(task.id, task.kind, task.subject_kind, task.subject_id, task.title, task.raised_at,
                    task.due_at, task.since, task.done_at, task.done_by, task.note)
