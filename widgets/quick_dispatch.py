"""Keyboard dispatch: one key on the incident in hand, a digit for who goes, Enter — accepted and assigned.

:class:`QuickDispatch` owns the shortcut (``D``).  It acts on the newest one-key alarm nobody has
acknowledged yet — what the red bar asks the operator to handle — and otherwise on the incident selected
in the queue.  Its :class:`QuickDispatchDialog` numbers the suggested nearest workers and departments
1–9; a digit picks, Enter confirms, Esc cancels.  Confirming runs
:meth:`~console.storage.dispatch.DispatchService.dispatch` on the database writer: a report still waiting
is accepted and assigned (and its one-key alarm answered) in one transaction.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from console.core.roles import may
from console.core.workflow import Action, Status, WorkflowError, allowed_actions
from console.gui.taskman import TaskManager
from console.storage.dispatch import DispatchService, StaleIncident
from console.storage.dispatch_suggestions import suggest_for_incident
from widgets import labels
from widgets.action_dialogs import AssignAnswer, Target
from widgets.guard import guarded
from widgets.suggestion_list import SuggestionList, answer_for

log = logging.getLogger(__name__)

#: The key that opens the keyboard dispatch (D for dispatch; text fields keep it as a letter).
DISPATCH_KEY = "D"


def can_dispatch(status: str) -> bool:
    """Whether an incident in ``status`` can be accepted-and-assigned or (re-)assigned."""
    return status == Status.REPORTED.value or Action.ASSIGN in allowed_actions(status)


class QuickDispatchDialog(QDialog):
    """The numbered suggestions for one incident: 1–9 pick, Enter dispatches, Esc cancels."""

    def __init__(self, tasks: TaskManager, service: DispatchService, target: Target, lang: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.target = target
        reported = target.status == Status.REPORTED.value
        self.setWindowTitle(self.tr("Dispatch incident"))
        heading = QLabel(f"{target.number}  {target.title}", self)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        heading.setWordWrap(True)
        state = labels.status_name(target.status)
        if target.one_key and not target.alarm_acknowledged:
            state = self.tr("One-key alarm") + " · " + state
        if reported:
            state += " — " + self.tr("it is accepted and assigned in one step")
        self.state = QLabel(state, self)
        self.suggestions = SuggestionList(tasks, lang, self, self)
        self.hint = QLabel(self.tr("1–9 choose · Enter dispatches · Esc cancels"), self)
        self.hint.setEnabled(False)  # drawn as secondary text
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Accept and dispatch") if reported else self.tr("Dispatch"))
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.state)
        layout.addWidget(QLabel(self.tr("Nearest workers, then departments:"), self))
        layout.addWidget(self.suggestions, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.suggestions.picked.connect(self._validate)
        self.suggestions.loaded.connect(self._loaded)
        self.suggestions.itemDoubleClicked.connect(lambda _item, _column: self.ok.click())
        self.suggestions.setFocus()
        self._validate()
        self.resize(640, 420)
        self.suggestions.load(suggest_for_incident, service.store, service.taxonomy, service.clock, target.id)

    def answer(self) -> AssignAnswer | None:
        """Who was picked, or None."""
        chosen = self.suggestions.chosen()
        return answer_for(chosen) if chosen is not None else None

    def _loaded(self, count: int) -> None:
        if not count:
            self.hint.setText(self.tr("Nobody to suggest here: use Assign… (Ctrl+Shift+D) to choose from everyone"))
        self._validate()

    def _validate(self, *_args) -> None:
        self.ok.setEnabled(self.answer() is not None)


class QuickDispatch(QObject):
    """The keyboard dispatch action and what it does (see the module).

    Signals (GUI thread): ``incident_dispatched(id)`` once the database has the assignment;
    ``dispatch_failed(id, message)`` when it was refused (the message was shown); ``message(text)``
    for the status bar when there is nothing to dispatch.
    """

    incident_dispatched = Signal(int)
    dispatch_failed = Signal(int, str)
    message = Signal(str)

    def __init__(self, tasks: TaskManager, service: DispatchService, operator: str, lang: str, actions,
                 alarms=None, parent: QObject | None = None):
        super().__init__(parent)
        self._tasks, self._service, self._operator, self._lang = tasks, service, operator, lang
        self._actions, self._alarms = actions, alarms
        self.dialog: QuickDispatchDialog | None = None
        self.action = QAction(self.tr("&Dispatch to the nearest…"), self)
        self.action.setShortcut(QKeySequence(DISPATCH_KEY))
        self.action.setToolTip(self.tr("Accept and assign in one step: the newest one-key alarm, else the "
                                       "selected incident; 1–9 pick who goes (%1)").replace("%1", DISPATCH_KEY))
        self.action.triggered.connect(self.open)

    def target(self) -> Target | None:
        """What the key acts on: the newest unacknowledged one-key alarm, else the queue's selection."""
        alarms = self._alarms.alarms() if self._alarms is not None else []
        if alarms:
            return Target.of(alarms[0])
        return self._actions.current()

    def open(self) -> QuickDispatchDialog | None:
        """Open the dialog on :meth:`target` (not modal to the event loop: the answer comes back by signal)."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        target = self.target()
        if target is None:
            self.message.emit(self.tr("Select an incident to dispatch first"))
            return None
        if not can_dispatch(target.status):
            self.message.emit(self.tr("Incident %1 cannot be dispatched: it is %2")
                              .replace("%1", target.number).replace("%2", labels.status_name(target.status)))
            return None
        role = getattr(self._service, "role", None)
        if role is not None and not may(role, Action.ASSIGN):
            self.message.emit(self.tr("Your role may not dispatch incidents"))
            return None
        parent = self.parent() if isinstance(self.parent(), QWidget) else QApplication.activeWindow()
        dialog = QuickDispatchDialog(self._tasks, self._service, target, self._lang, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(functools.partial(self._confirmed, dialog))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        dialog.activateWindow()
        return dialog

    def _confirmed(self, dialog: QuickDispatchDialog) -> None:
        answer, target = dialog.answer(), dialog.target
        if answer is None:
            return
        self._tasks.write(functools.partial(self._service.dispatch, target.id, self._operator,
                                            worker_id=answer.worker_id, department_ids=answer.department_ids,
                                            expected_version=target.version),
                          on_done=guarded(self, lambda me, _r: me.incident_dispatched.emit(target.id)),
                          on_error=guarded(self, lambda me, exc: me._failed(target, exc)))

    def _failed(self, target: Target, exc: BaseException) -> None:
        if isinstance(exc, StaleIncident):
            title = self.tr("Changed by someone else")
        elif isinstance(exc, WorkflowError):
            title = self.tr("Dispatch refused")
        else:
            log.error("dispatching incident %s failed", target.id, exc_info=exc)
            title = self.tr("Dispatch failed")
        message = str(exc) if isinstance(exc, WorkflowError) else str(exc).strip().splitlines()[0]
        self._actions.dialogs.show_error(QApplication.activeWindow(), title, message)
        self.dispatch_failed.emit(target.id, message)
