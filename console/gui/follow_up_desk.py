"""The operator's follow-up tasks, wired: raised from the map's watchers, listed, settled on the record."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.gui.context import ConsoleContext
from console.storage.follow_ups import FollowUpBook, TaskDraft
from widgets.follow_up_list import FollowUpList


class FollowUpDesk(QObject):
    """Owns the :class:`FollowUpList`; raises tasks on the database writer and re-reads the open ones.

    Signals (GUI thread): ``tasks_raised(int)`` — that many new tasks are in the list (the
    console alerts the operator); ``message(str)`` for the status bar.
    """

    tasks_raised = Signal(int)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.book = FollowUpBook(context.store, context.clock)
        self.view = FollowUpList()
        self.village_names: dict[int, str] = {}
        self.worker_names: dict[int, str] = {}
        self.view.settle_requested.connect(self._settle)

    def set_names(self, village_names: dict[int, str], worker_names: dict[int, str]) -> None:
        self.village_names, self.worker_names = village_names, worker_names
        self.reload()

    def reload(self) -> None:
        self.context.tasks.read(self.book.open_tasks, on_done=self._show,
                                on_error=lambda exc: self.message.emit(self.tr("Follow-up tasks: %1")
                                                                       .replace("%1", str(exc))))

    def take(self, drafts: list[TaskDraft]) -> None:
        """Raise what the watchers found (tasks already open for the same subject are not raised twice)."""
        if not drafts:
            return

        def raised(tasks) -> None:
            if tasks:
                self.tasks_raised.emit(len(tasks))
            self.reload()
        self.context.tasks.write(self.book.raise_tasks, drafts, on_done=raised,
                                 on_error=lambda exc: self.message.emit(self.tr("Follow-up tasks: %1")
                                                                        .replace("%1", str(exc))))

    def _settle(self, task_id: int, note: str) -> None:
        self.context.tasks.write(self.book.settle, task_id, self.context.operator, note,
                                 on_done=lambda _task: self.reload(),
                                 on_error=lambda exc: (self.message.emit(str(exc)), self.reload()))

    def _show(self, tasks) -> None:
        self.view.set_tasks(tasks, self.village_names, self.worker_names)
