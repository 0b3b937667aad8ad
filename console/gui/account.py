"""The logged-in operator's own account: File › Change my password…, wired to the store.

The change runs on the database writer (the password hash takes a noticeable fraction of a second, and the
GUI thread never waits for the store); a wrong current password counts as a failed login in the core, so
guessing through this dialog locks the account out like the login dialog does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.gui.context import ConsoleContext
from console.storage.operators import OperatorBook
from widgets.guard import guarded
from widgets.own_password_dialog import OwnPasswordDialog


class AccountDesk(QObject):
    """The menu action that opens the own-password dialog, and the change it asks for.

    ``password_changed`` (GUI thread) once the new password is stored.
    """

    password_changed = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self._parent_widget = parent
        self.book = OperatorBook(context.store, context.clock)
        self.dialog: OwnPasswordDialog | None = None
        self.action = QAction(self.tr("Change my &password…"), self)
        self.action.setObjectName("own_password_action")
        usable = bool(context.login) and not context.demo_login
        self.action.setEnabled(usable)
        self.action.setToolTip(self.tr("Set a new password for your own user") if usable else
                               self.tr("The demo's one-click login has no password; an administrator sets one "
                                       "in Administration › Users, keys and phones"))
        self.action.triggered.connect(self.open_dialog)

    def open_dialog(self) -> OwnPasswordDialog:
        """Show a fresh dialog (entries never linger from an earlier one)."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = OwnPasswordDialog(self.context.login, self._parent_widget)
        self.dialog.change_requested.connect(self.change)
        self.dialog.open()
        return self.dialog

    def change(self, current: str, new: str) -> None:
        """Ask the core to change the logged-in operator's password (on the writer)."""
        self.context.tasks.write(self.book.change_password, self.context.login, current, new,
                                 on_done=guarded(self, AccountDesk._changed),
                                 on_error=guarded(self, AccountDesk._refused))

    def _changed(self, _record) -> None:
        if self.dialog is not None:
            self.dialog.show_changed()
        self.password_changed.emit()

    def _refused(self, error: BaseException) -> None:
        if self.dialog is not None:
            self.dialog.show_refusal(str(error) or type(error).__name__)
