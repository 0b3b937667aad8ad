"""The workflow actions on the selected incident, as QActions for menus, toolbar and context menu."""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QWidget

from console.core.roles import may
from console.core.workflow import Action, RejectReason, WorkflowError, allowed_actions
from console.gui.taskman import TaskManager
from console.storage.dispatch import DispatchService, StaleIncident
from widgets.action_dialogs import ActionDialogs, Target
from widgets.guard import guarded

log = logging.getLogger(__name__)

SP = QStyle.StandardPixmap
# Ctrl+Shift+<letter>: free in QTableView (which uses Ctrl+A, Ctrl+C, arrows, Home/End, PgUp/PgDn)
# and in QLineEdit, so the shortcuts work wherever the focus is in the main window.
_KEYS = {
    Action.ACCEPT: ("Ctrl+Shift+A", SP.SP_DialogApplyButton),
    Action.REJECT: ("Ctrl+Shift+X", SP.SP_DialogCancelButton),
    Action.ASSIGN: ("Ctrl+Shift+D", SP.SP_ArrowForward),       # D for dispatch
    Action.START: ("Ctrl+Shift+S", SP.SP_MediaPlay),
    Action.RESOLVE: ("Ctrl+Shift+R", SP.SP_DialogSaveButton),
    Action.CLOSE: ("Ctrl+Shift+V", SP.SP_DialogOkButton),       # V for verify
    Action.REOPEN: ("Ctrl+Shift+O", SP.SP_BrowserReload),
    Action.ACKNOWLEDGE_ALARM: ("Ctrl+Shift+K", SP.SP_MediaVolumeMuted),
}


class IncidentActions(QObject):
    """Accept, reject, assign, start, resolve, close, reopen and acknowledge, for the current incident.

    Each step runs on the database writer thread with ``expected_version``
    from the row the operator saw; the service re-checks the workflow and a
    refusal is shown as a message.  Signals are emitted on the GUI thread.
    """

    #: The incident was changed by one of these actions.
    incident_changed = Signal(int)
    #: An action on the incident was refused or failed; the message was shown to the operator.
    action_failed = Signal(int, str)

    def __init__(self, tasks: TaskManager, service: DispatchService, operator: str, lang: str,
                 dialogs: ActionDialogs | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._tasks, self._service, self._operator = tasks, service, operator
        self.dialogs = dialogs or ActionDialogs(tasks, service, lang)
        self._target: Target | None = None
        self._busy = False
        self._changed: tuple[int, int] | None = None  # (id, version) we changed; wait for the new version
        style = QApplication.style()
        texts = {
            Action.ACCEPT: (self.tr("&Accept"), self.tr("Accept the report into the workflow")),
            Action.REJECT: (self.tr("Re&ject…"), self.tr("Reject the report as invalid or a duplicate")),
            Action.ASSIGN: (self.tr("A&ssign…"),
                            self.tr("Dispatch to a grid worker or departments (several: joint meeting)")),
            Action.START: (self.tr("S&tart handling"), self.tr("The assignee has started handling")),
            Action.RESOLVE: (self.tr("&Resolve…"), self.tr("Record the handler's feedback")),
            Action.CLOSE: (self.tr("&Verify and close"), self.tr("Verify the resolution and close the loop")),
            Action.REOPEN: (self.tr("Re&open…"), self.tr("Reopen a finished incident")),
            Action.ACKNOWLEDGE_ALARM: (self.tr("Ac&knowledge alarm"),
                                       self.tr("Silence the one-key alarm (the incident stays first)")),
        }
        self._actions: dict[Action, QAction] = {}
        for step, (keys, pixmap) in _KEYS.items():
            text, tip = texts[step]
            action = QAction(style.standardIcon(pixmap), text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")
            action.setStatusTip(tip)
            action.triggered.connect(functools.partial(self._trigger, step))
            self._actions[step] = action
        self.accept, self.reject, self.assign = (self._actions[a] for a in (Action.ACCEPT, Action.REJECT,
                                                                              Action.ASSIGN))
        self.start, self.resolve, self.close = (self._actions[a] for a in (Action.START, Action.RESOLVE,
                                                                             Action.CLOSE))
        self.reopen, self.acknowledge = self._actions[Action.REOPEN], self._actions[Action.ACKNOWLEDGE_ALARM]
        self._update_enabled()

    # -- public API ------------------------------------------------------------------------
    def all(self) -> list[QAction]:
        """Every action, in workflow order (for a menu or toolbar)."""
        return list(self._actions.values())

    def action(self, step: Action) -> QAction:
        return self._actions[step]

    def current(self) -> Target | None:
        return self._target

    def is_busy(self) -> bool:
        return self._busy

    def set_current(self, row) -> None:
        """The incident the actions apply to: a queue row or a detached incident, or None."""
        self._target = Target.of(row) if row is not None else None
        self._update_enabled()

    def context_menu(self, parent: QWidget | None = None) -> QMenu:
        """A menu of the actions for the table's context menu (deleted when closed)."""
        menu = QMenu(parent)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self._actions[Action.ACKNOWLEDGE_ALARM])
        menu.addSeparator()
        for step in (Action.ACCEPT, Action.REJECT, Action.ASSIGN, Action.START, Action.RESOLVE, Action.CLOSE,
                     Action.REOPEN):
            menu.addAction(self._actions[step])
        return menu

    # -- running ---------------------------------------------------------------------------
    def _update_enabled(self) -> None:
        target = self._target
        usable = target is not None and not self._busy and self._changed != (target.id, target.version)
        # What the operator's role forbids is disabled too (the service refuses it anyway).
        role = getattr(self._service, "role", None)
        allowed = {step for step in allowed_actions(target.status)
                   if role is None or may(role, step)} if usable else set()
        for step, action in self._actions.items():
            if step is Action.ACKNOWLEDGE_ALARM:
                action.setEnabled(usable and target.one_key and not target.alarm_acknowledged
                                  and (role is None or may(role, step)))
            else:
                action.setEnabled(step in allowed)

    def _dialog_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else QApplication.activeWindow()

    def _trigger(self, step: Action) -> None:
        target = self._target
        if target is None or self._busy:
            return
        service, parent = self._service, self._dialog_parent()
        version = {"expected_version": target.version}
        if step is Action.ACCEPT:
            call = functools.partial(service.accept, target.id, self._operator, **version)
        elif step is Action.REJECT:
            answer = self.dialogs.reject(parent, target)
            if answer is None:
                return
            call = functools.partial(service.reject, target.id, self._operator, RejectReason(answer.reason),
                                     duplicate_of=answer.duplicate_of, note=answer.note, **version)
        elif step is Action.ASSIGN:
            answer = self.dialogs.assign(parent, target)
            if answer is None:
                return
            call = functools.partial(service.assign, target.id, self._operator, worker_id=answer.worker_id,
                                     department_ids=tuple(answer.department_ids), note=answer.note, **version)
        elif step is Action.START:
            call = functools.partial(service.start, target.id, self._operator, **version)
        elif step is Action.RESOLVE:
            feedback = self.dialogs.resolve(parent, target)
            if feedback is None:
                return
            call = functools.partial(service.resolve, target.id, self._operator, feedback, **version)
        elif step is Action.CLOSE:
            call = functools.partial(service.close, target.id, self._operator, **version)
        elif step is Action.REOPEN:
            reason = self.dialogs.reopen(parent, target)
            if reason is None:
                return
            call = functools.partial(service.reopen, target.id, self._operator, reason, **version)
        else:
            call = functools.partial(service.acknowledge_alarm, target.id, self._operator)
        self._busy = True
        self._update_enabled()
        self._tasks.write(call, on_done=guarded(self, lambda me, _r: me._succeeded(target)),
                          on_error=guarded(self, lambda me, exc: me._failed(target, exc)))

    def _succeeded(self, target: Target) -> None:
        self._busy = False
        self._changed = (target.id, target.version)
        self._update_enabled()
        self.incident_changed.emit(target.id)

    def _failed(self, target: Target, exc: BaseException) -> None:
        self._busy = False
        self._update_enabled()
        if isinstance(exc, StaleIncident):
            title = self.tr("Changed by someone else")
        elif isinstance(exc, WorkflowError):
            title = self.tr("Action refused")
        else:
            log.error("workflow action on incident %s failed", target.id, exc_info=exc)
            title = self.tr("Action failed")
        message = _message(exc)
        self.dialogs.show_error(self._dialog_parent(), title, message)
        self.action_failed.emit(target.id, message)


def _message(exc: BaseException) -> str:
    if isinstance(exc, WorkflowError):
        return str(exc)
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return QCoreApplication.translate("IncidentActions", "The database did not accept the change: %1").replace(
        "%1", detail[0] if detail else type(exc).__name__)
