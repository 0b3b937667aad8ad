"""The operator's follow-up tasks: phone a red-light village, check a worker who left their grid."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from console.storage.follow_ups import OUTSIDE_GRID, PHONE_VILLAGE, FollowUp
from widgets import labels


class FollowUpList(QWidget):
    """Open follow-up tasks, the longest due first, with a note and a button to settle the selected one.

    Signals (GUI thread): ``settle_requested(int, str)`` — task id and what was done;
    ``subject_activated(str, int)`` — ``"village"`` or ``"worker"`` and its id, on a double-click
    (the map shows the village, or the worker with their track).
    """

    settle_requested = Signal(int, str)
    subject_activated = Signal(str, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks: list[FollowUp] = []
        self.tree = QTreeWidget(self)
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Due"), self.tr("Task"), self.tr("Since")])
        self.empty = QLabel(self.tr("No follow-up tasks."), self)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("What was done (e.g. called the village head)…"))
        self.done_button = QPushButton(self.tr("Mark done"), self)
        self.done_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        self.tree.currentItemChanged.connect(lambda item, _old: self.done_button.setEnabled(item is not None))
        self.tree.itemDoubleClicked.connect(self._activated)
        self.done_button.clicked.connect(self._settle)
        self.note.returnPressed.connect(self._settle)

    def set_tasks(self, tasks: list[FollowUp], village_names: dict[int, str], worker_names: dict[int, str]) -> None:
        current = self.tree.currentItem()
        keep = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self.tasks = list(tasks)
        self.tree.clear()
        for task in self.tasks:
            item = QTreeWidgetItem([labels.format_short_datetime(task.due_at), self.describe(task, village_names,
                                                                                            worker_names),
                                    labels.format_short_datetime(task.since) if task.since else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            item.setToolTip(1, task.title)
            self.tree.addTopLevelItem(item)
            if task.id == keep:
                self.tree.setCurrentItem(item)
        for column in (0, 2):
            self.tree.resizeColumnToContents(column)
        self.empty.setVisible(not self.tasks)
        self.done_button.setEnabled(self.tree.currentItem() is not None)

    def describe(self, task: FollowUp, village_names: dict[int, str], worker_names: dict[int, str]) -> str:
        if task.kind == PHONE_VILLAGE:
            name = village_names.get(task.subject_id, str(task.subject_id))
            return self.tr("Phone %1: still a red light").replace("%1", name)
        if task.kind == OUTSIDE_GRID:
            name = worker_names.get(task.subject_id, str(task.subject_id))
            return self.tr("%1 is outside their grid").replace("%1", name)
        return task.title

    def _settle(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.settle_requested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)), self.note.text().strip())
            self.note.clear()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        task_id = item.data(0, Qt.ItemDataRole.UserRole)
        task = next((t for t in self.tasks if t.id == task_id), None)
        if task is not None:
            self.subject_activated.emit(task.subject_kind, task.subject_id)
