"""The dialogs behind the workflow actions that need the operator's input.

:class:`ActionDialogs` is the seam: :class:`widgets.incident_actions.IncidentActions`
asks it for answers, and tests replace it with one that answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from console.core.workflow import RejectReason
from console.gui.taskman import TaskManager
from console.storage.dispatch import DispatchService
from console.storage.duplicates import DuplicateCandidate, likely_duplicates
from widgets import labels
from widgets.guard import guarded
from widgets.lookups import AssignCandidates, assign_candidates


@dataclass(frozen=True)
class Target:
    """The incident an action applies to, as the operator last saw it."""

    id: int
    number: str
    title: str
    status: str
    version: int
    one_key: bool = False
    alarm_acknowledged: bool = False

    @classmethod
    def of(cls, row) -> "Target":
        """From a queue row or a detached incident."""
        acknowledged = getattr(row, "alarm_acknowledged", None)
        if acknowledged is None:
            acknowledged = getattr(row, "alarm_acknowledged_at", None) is not None
        return cls(row.id, row.number, row.title, str(getattr(row.status, "value", row.status)), row.version,
                   bool(row.one_key), bool(acknowledged))


@dataclass(frozen=True)
class RejectAnswer:
    """Why to reject: invalid, or a duplicate of the incident numbered ``duplicate_of``."""

    reason: RejectReason
    duplicate_of: str = ""
    note: str = ""


@dataclass(frozen=True)
class AssignAnswer:
    """A grid worker and/or departments (several departments make a joint meeting)."""

    worker_id: int | None
    department_ids: tuple[int, ...] = ()
    note: str = ""


def _heading(target: Target) -> QLabel:
    label = QLabel(f"{target.number}  {target.title}")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class TextDialog(QDialog):
    """Asks for a required text (the resolution feedback, the reason to reopen)."""

    def __init__(self, target: Target, title: str, prompt: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.buttons = _buttons(self, ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(target))
        layout.addWidget(QLabel(prompt, self))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._validate)
        self._validate()
        self.resize(480, 280)

    def answer(self) -> str:
        return self.text.toPlainText().strip()

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.answer()))


class RejectDialog(QDialog):
    """Reject a report as invalid or as a duplicate of another incident.

    With ``tasks`` and ``service`` it looks up likely duplicates off the GUI thread (an open incident
    of the same sub-item within 50 m, reported in the 24 hours before) and offers them: picking one
    fills in its number.
    """

    def __init__(self, target: Target, parent: QWidget | None = None, *, tasks: TaskManager | None = None,
                 service: DispatchService | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reject report"))
        self.candidates = QListWidget(self)
        self.candidates.setMaximumHeight(96)
        self.candidates_label = QLabel(self.tr("Likely duplicates (same kind, within 50 m, in the 24 hours before):"),
                                       self)
        for widget in (self.candidates, self.candidates_label):
            widget.hide()
        self.invalid = QRadioButton(labels.reject_reason_name(RejectReason.INVALID), self)
        self.duplicate = QRadioButton(self.tr("Duplicate of incident number:"), self)
        self.duplicate_of = QLineEdit(self)
        self.duplicate_of.setPlaceholderText(self.tr("e.g. 20261129-0042"))
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("Note for the reporter (optional)"))
        group = QButtonGroup(self)
        group.addButton(self.invalid)
        group.addButton(self.duplicate)
        self.invalid.setChecked(True)
        self.buttons = _buttons(self, self.tr("Reject"))
        duplicate_row = QHBoxLayout()
        duplicate_row.addWidget(self.duplicate)
        duplicate_row.addWidget(self.duplicate_of, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(target))
        layout.addWidget(self.invalid)
        layout.addLayout(duplicate_row)
        layout.addWidget(self.candidates_label)
        layout.addWidget(self.candidates)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.buttons)
        for signal in (self.invalid.toggled, self.duplicate_of.textChanged):
            signal.connect(self._validate)
        self.candidates.currentItemChanged.connect(self._pick)
        self._validate()
        self.resize(480, 280)
        if tasks is not None and service is not None:
            tasks.read(likely_duplicates, service.store, target.id,
                       on_done=guarded(self, RejectDialog._offer), on_error=lambda _exc: None)

    def _offer(self, found: list[DuplicateCandidate]) -> None:
        for candidate in found:
            text = (self.tr("%1  %2 — %3 m away, %4 earlier")
                    .replace("%1", candidate.number).replace("%2", candidate.title)
                    .replace("%3", f"{candidate.distance_m:.0f}")
                    .replace("%4", labels.format_duration(candidate.earlier_by.total_seconds())))
            item = QListWidgetItem(text, self.candidates)
            item.setData(Qt.ItemDataRole.UserRole, candidate.number)
        for widget in (self.candidates, self.candidates_label):
            widget.setVisible(bool(found))

    def _pick(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.duplicate.setChecked(True)
            self.duplicate_of.setText(item.data(Qt.ItemDataRole.UserRole))

    def answer(self) -> RejectAnswer:
        note = self.note.toPlainText().strip()
        if self.duplicate.isChecked():
            return RejectAnswer(RejectReason.DUPLICATE, self.duplicate_of.text().strip(), note)
        return RejectAnswer(RejectReason.INVALID, "", note)

    def _validate(self) -> None:
        self.duplicate_of.setEnabled(self.duplicate.isChecked())
        ok = self.invalid.isChecked() or bool(self.duplicate_of.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class AssignDialog(QDialog):
    """Dispatch to a grid worker (the incident's grid first, then its village) and/or departments.

    Candidates are loaded off the GUI thread when the dialog opens.
    """

    def __init__(self, tasks: TaskManager, service: DispatchService, target: Target, lang: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._lang = lang
        self.setWindowTitle(self.tr("Assign incident"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Filter workers and departments…"))
        self.search.setClearButtonEnabled(True)
        self.workers = QListWidget(self)
        self.departments = QListWidget(self)
        self.status = QLabel(self.tr("Loading candidates…"), self)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Instructions for the assignees (optional)"))
        self.buttons = _buttons(self, self.tr("Assign"))
        worker_box, department_box = QGroupBox(self.tr("Grid worker"), self), QGroupBox(self.tr("Departments"), self)
        QVBoxLayout(worker_box).addWidget(self.workers)
        QVBoxLayout(department_box).addWidget(self.departments)
        lists = QHBoxLayout()
        lists.addWidget(worker_box, 1)
        lists.addWidget(department_box, 1)
        form = QFormLayout()
        form.addRow(self.tr("Note:"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(target))
        layout.addWidget(self.search)
        layout.addLayout(lists, 1)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._filter)
        self.workers.itemSelectionChanged.connect(self._validate)
        self.departments.itemChanged.connect(self._validate)
        self._loaded = False
        self._validate()
        self.resize(720, 480)
        tasks.read(assign_candidates, service.store, service.taxonomy, target.id,
                   on_done=guarded(self, AssignDialog._fill), on_error=guarded(self, AssignDialog._failed))

    def is_loaded(self) -> bool:
        return self._loaded

    def answer(self) -> AssignAnswer:
        selected = [i for i in self.workers.selectedItems() if i.data(Qt.ItemDataRole.UserRole) is not None]
        worker_id = selected[0].data(Qt.ItemDataRole.UserRole) if selected else None
        return AssignAnswer(worker_id, tuple(self.checked_departments()), self.note.text().strip())

    def checked_departments(self) -> list[int]:
        return [self.departments.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.departments.count())
                if self.departments.item(i).checkState() == Qt.CheckState.Checked]

    def select_worker(self, worker_id: int) -> None:
        for i in range(self.workers.count()):
            if self.workers.item(i).data(Qt.ItemDataRole.UserRole) == worker_id:
                self.workers.setCurrentRow(i)
                return
        raise KeyError(worker_id)

    def check_department(self, department_id: int, checked: bool = True) -> None:
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == department_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(department_id)

    def _fill(self, candidates: AssignCandidates) -> None:
        groups = [self.tr("This grid"), self.tr("Same village"), self.tr("Other workers")]
        nearness = None
        for worker in candidates.workers:
            if worker.nearness != nearness:
                nearness = worker.nearness
                header = QListWidgetItem(groups[nearness])
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = QFont(header.font())
                font.setBold(True)
                header.setFont(font)
                self.workers.addItem(header)
            text = f"{worker.name} · {worker.grid}"
            if not worker.on_duty:
                text += " " + self.tr("(off duty)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, worker.id)
            self.workers.addItem(item)
        for department in candidates.departments:
            text = department.name(self._lang)
            if department.usual:
                text += " — " + self.tr("usual handler")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, department.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if department.usual:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.departments.addItem(item)
        self._loaded = True
        self._validate()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Cannot load candidates: %1").replace("%1", str(exc)))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for widget in (self.workers, self.departments):
            for i in range(widget.count()):
                item = widget.item(i)
                header = item.data(Qt.ItemDataRole.UserRole) is None
                item.setHidden(bool(needle) and not header and needle not in item.text().lower())

    def _validate(self, *_args) -> None:
        answer = self.answer()
        if not self._loaded:
            pass
        elif len(answer.department_ids) > 1:
            self.status.setText(self.tr("%1 departments: a joint meeting").replace(
                "%1", str(len(answer.department_ids))))
        else:
            self.status.setText(self.tr("Choose a grid worker, one department, or several for a joint meeting"))
        ok = answer.worker_id is not None or bool(answer.department_ids)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class ActionDialogs:
    """Asks the operator what the workflow actions need (modal dialogs); None means cancelled."""

    def __init__(self, tasks: TaskManager, service: DispatchService, lang: str):
        self._tasks, self._service, self._lang = tasks, service, lang

    def reject(self, parent: QWidget | None, target: Target) -> RejectAnswer | None:
        dialog = RejectDialog(target, parent, tasks=self._tasks, service=self._service)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def assign(self, parent: QWidget | None, target: Target) -> AssignAnswer | None:
        dialog = AssignDialog(self._tasks, self._service, target, self._lang, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def resolve(self, parent: QWidget | None, target: Target) -> str | None:
        dialog = resolve_dialog(target, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def reopen(self, parent: QWidget | None, target: Target) -> str | None:
        dialog = reopen_dialog(target, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)


def resolve_dialog(target: Target, parent: QWidget | None = None) -> TextDialog:
    title = QCoreApplication.translate("ActionDialogs", "Resolve incident")
    prompt = QCoreApplication.translate("ActionDialogs", "The handler's feedback (required):")
    return TextDialog(target, title, prompt, QCoreApplication.translate("ActionDialogs", "Resolve"), parent)


def reopen_dialog(target: Target, parent: QWidget | None = None) -> TextDialog:
    title = QCoreApplication.translate("ActionDialogs", "Reopen incident")
    prompt = QCoreApplication.translate("ActionDialogs", "Why is it reopened? (required)")
    return TextDialog(target, title, prompt, QCoreApplication.translate("ActionDialogs", "Reopen"), parent)
