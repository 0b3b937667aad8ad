"""The administrator's Users tab: every user with their role and state, and the tools to manage them.

A thin view: it shows the :class:`~console.storage.operators.OperatorRecord` list it is given and turns
the buttons (and their dialogs) into intent signals; :mod:`console.gui.admin_desk` carries them out on the
task runner and hands the new list back.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget

from console.storage.operators import OperatorRecord
from widgets.admin_dialogs import NewUserDialog, PasswordDialog, RoleDialog, role_name
from widgets.record_table import lay_out_with_buttons, record_table, select_row


class UserTableModel(QAbstractTableModel):
    """Users as rows: login, name shown, role, state (active, locked until …, disabled)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._users: list[OperatorRecord] = []
        self._now = datetime.now(timezone.utc)

    def set_users(self, users: list[OperatorRecord], now: datetime) -> None:
        """Show ``users``; ``now`` decides who is still locked."""
        self.beginResetModel()
        self._users, self._now = list(users), now
        self.endResetModel()

    def user(self, row: int) -> OperatorRecord | None:
        """The user on ``row``, or None."""
        return self._users[row] if 0 <= row < len(self._users) else None

    def row_of(self, login: str) -> int:
        """The row of ``login``, or -1."""
        return next((row for row, user in enumerate(self._users) if user.login == login), -1)

    def state(self, user: OperatorRecord) -> str:
        """"disabled", "locked until HH:MM" or "active", for people."""
        if user.disabled:
            return self.tr("disabled")
        if user.locked(self._now):
            return self.tr("locked until %1").replace("%1", f"{user.locked_until.astimezone():%H:%M}")
        return self.tr("active")

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        user = self.user(index.row())
        if user is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            if user.disabled:
                return QColor("#8b949e")
            return QColor("#d29922") if user.locked(self._now) else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return user.login
        if column == 1:
            return user.display_name
        if column == 2:
            return role_name(user.role.label)
        return self.state(user)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("State"))[section]


class AdminUsersView(QWidget):
    """The users table with Add, Change role, Disable/Enable, Unlock and Reset password.

    Intent signals, emitted on the GUI thread once the operator confirmed in a dialog:
    ``add_requested(login, display_name, role, password)``, ``role_change_requested(login, role)``,
    ``disable_requested(login)``, ``enable_requested(login)``, ``unlock_requested(login)``,
    ``password_reset_requested(login, password)``.
    """

    add_requested = Signal(str, str, str, str)
    role_change_requested = Signal(str, str)
    disable_requested = Signal(str)
    enable_requested = Signal(str)
    unlock_requested = Signal(str)
    password_reset_requested = Signal(str, str)

    def __init__(self, model: UserTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.table = record_table(model, self)
        self.add_button = QPushButton(self.tr("Add…"), self)
        self.role_button = QPushButton(self.tr("Change role…"), self)
        self.disable_button = QPushButton(self.tr("Disable"), self)
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.password_button = QPushButton(self.tr("Reset password…"), self)
        self.add_button.clicked.connect(self.ask_add)
        self.role_button.clicked.connect(self.ask_role)
        self.disable_button.clicked.connect(self.ask_disable_or_enable)
        self.unlock_button.clicked.connect(self.ask_unlock)
        self.password_button.clicked.connect(self.ask_password)
        lay_out_with_buttons(self, self.table, (self.add_button, self.role_button, self.disable_button,
                                                self.unlock_button, self.password_button))
        model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def current_user(self) -> OperatorRecord | None:
        """The selected user, or None."""
        return self.model.user(self.table.currentIndex().row())

    def select(self, login: str) -> None:
        """Select ``login``'s row (after a reload)."""
        select_row(self.table, self.model.row_of(login))

    def ask_add(self) -> None:
        """Ask for a new user and request it."""
        dialog = NewUserDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_requested.emit(dialog.login.text().strip(), dialog.display_name.text().strip(),
                                    dialog.role.currentData(), dialog.password.text())

    def ask_role(self) -> None:
        """Ask for the selected user's new role and request it."""
        user = self.current_user()
        if user is None:
            return
        dialog = RoleDialog(user.login, user.role.label, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.role.currentData() != user.stored_role:
            self.role_change_requested.emit(user.login, dialog.role.currentData())

    def ask_disable_or_enable(self) -> None:
        """Disable the selected user after a confirmation, or enable a disabled one."""
        user = self.current_user()
        if user is None:
            return
        if user.disabled:
            self.enable_requested.emit(user.login)
            return
        answer = QMessageBox.question(self, self.tr("Disable user"),
                                      self.tr("Disable %1? They can no longer log in; their records stay.")
                                      .replace("%1", user.login))
        if answer == QMessageBox.StandardButton.Yes:
            self.disable_requested.emit(user.login)

    def ask_unlock(self) -> None:
        """Request clearing the selected user's lock-out."""
        user = self.current_user()
        if user is not None:
            self.unlock_requested.emit(user.login)

    def ask_password(self) -> None:
        """Ask for a new password for the selected user and request it."""
        user = self.current_user()
        if user is None:
            return
        dialog = PasswordDialog(user.login, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.password_reset_requested.emit(user.login, dialog.password.text())

    def _update_buttons(self, *_args) -> None:
        user = self.current_user()
        for button in (self.role_button, self.disable_button, self.unlock_button, self.password_button):
            button.setEnabled(user is not None)
        self.disable_button.setText(self.tr("Enable") if user is not None and user.disabled else self.tr("Disable"))
