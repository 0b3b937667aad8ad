"""The administrator's desk: the Administration window wired to the users, keys and phones in the store.

Every store call runs on the task runner (reads on the I/O pool, changes on the single writer); the GUI
thread only hands over the operator's intent and shows the answer.  The books are bound to the logged-in
operator (:meth:`~console.storage.acting.Acting.for_operator`), so the core refuses an operator or a duty
officer whatever this window offers; the menu entry is enabled for administrators only.  A refusal or a
failure is shown in the window, and the lists are read again after every change, so nothing is lost or
shown stale.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.core.roles import MANAGE_DEVICES, MANAGE_KEYS, MANAGE_USERS, may
from console.gui.context import ConsoleContext
from console.storage.api_keys import ApiKeyStore
from console.storage.operators import OperatorBook
from console.storage.positions import PositionStore
from widgets.admin_keys import KeyTableModel
from widgets.admin_phones import PhoneTableModel
from widgets.admin_users import UserTableModel
from widgets.admin_window import AdminWindow
from widgets.guard import guarded


class AdminDesk(QObject):
    """Owns the Administration window (made on first use), its models and the menu action that opens it.

    ``changed`` (GUI thread) after a change was stored and the lists were asked for again.
    """

    changed = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self._parent_widget = parent
        self.users = OperatorBook(context.store, context.clock).for_operator(context.role, context.operator)
        self.keys = ApiKeyStore(context.store, context.clock).for_operator(context.role, context.operator)
        self.positions = PositionStore(context.store, context.clock).for_operator(context.role, context.operator)
        self.user_model = UserTableModel(self)
        self.key_model = KeyTableModel(self)
        self.phone_model = PhoneTableModel(self)
        self.window: AdminWindow | None = None
        self.allowed = all(may(context.role, what) for what in (MANAGE_USERS, MANAGE_KEYS, MANAGE_DEVICES))
        self.action = QAction(self.tr("&Users, keys and phones…"), self)
        self.action.setObjectName("admin_action")
        self.action.setEnabled(self.allowed)
        self.action.setToolTip(self.tr("Users, Open311 API keys, worker phones and their keys") if self.allowed else
                               self.tr("Only an administrator may manage users, keys and phones"))
        self.action.triggered.connect(self.open_window)

    def open_window(self) -> AdminWindow:
        """Show the Administration window (making it the first time) and read the lists."""
        if self.window is None:
            window = AdminWindow(self.user_model, self.key_model, self.phone_model, self._parent_widget)
            window.reload_requested.connect(self.reload)
            window.users.add_requested.connect(self.add_user)
            window.users.role_change_requested.connect(self.set_role)
            window.users.disable_requested.connect(self.disable)
            window.users.enable_requested.connect(self.enable)
            window.users.unlock_requested.connect(self.unlock)
            window.users.password_reset_requested.connect(self.reset_password)
            window.keys.issue_requested.connect(self.issue_key)
            window.keys.revoke_requested.connect(self.revoke_key)
            window.phones.register_requested.connect(self.register_phone)
            window.phones.unregister_requested.connect(self.unregister_phone)
            self.window = window
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.reload()
        return self.window

    # -- reading -------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the users, the keys and the registered phones again (on the I/O pool)."""
        users, keys, positions, clock = self.users, self.keys, self.positions, self.context.clock

        def read():
            return users.list(), clock.now(), keys.list(), positions.devices()
        self.context.tasks.read(read, on_done=guarded(self, AdminDesk._loaded),
                                on_error=guarded(self, AdminDesk._failed))

    def _loaded(self, lists) -> None:
        users, now, keys, phones = lists
        window = self.window
        selected_user = window.users.current_user() if window is not None else None
        selected_key = window.keys.current_key() if window is not None else None
        selected_phone = window.phones.current_phone() if window is not None else None
        self.user_model.set_users(users, now)
        self.key_model.set_keys(keys)
        self.phone_model.set_phones(phones)
        if window is not None:
            window.keys.set_device_ids([phone.unique_id for phone in phones])
            if selected_user is not None:
                window.users.select(selected_user.login)
            if selected_key is not None:
                window.keys.select(selected_key.name)
            if selected_phone is not None:
                window.phones.select(selected_phone.unique_id)

    # -- changes (on the writer) -----------------------------------------------------------------------
    def add_user(self, login: str, display_name: str, role: str, password: str) -> None:
        """Add a user."""
        self._write(self.users.add, (login, role, password, display_name),
                    QCoreApplication.translate("AdminDesk", "User %1 added.").replace("%1", login))

    def set_role(self, login: str, role: str) -> None:
        """Give a user another role."""
        self._write(self.users.set_role, (login, role),
                    QCoreApplication.translate("AdminDesk", "Role of %1 changed.").replace("%1", login))

    def disable(self, login: str) -> None:
        """Disable a user."""
        self._write(self.users.disable, (login,),
                    QCoreApplication.translate("AdminDesk", "%1 disabled: they can no longer log in.")
                    .replace("%1", login))

    def enable(self, login: str) -> None:
        """Enable a disabled user."""
        self._write(self.users.enable, (login,),
                    QCoreApplication.translate("AdminDesk", "%1 enabled.").replace("%1", login))

    def unlock(self, login: str) -> None:
        """Clear a user's lock-out."""
        self._write(self.users.unlock, (login,),
                    QCoreApplication.translate("AdminDesk", "%1 unlocked.").replace("%1", login))

    def reset_password(self, login: str, password: str) -> None:
        """Give a user a new password."""
        self._write(self.users.reset_password, (login, password),
                    QCoreApplication.translate("AdminDesk", "New password set for %1.").replace("%1", login))

    def issue_key(self, kind: str, name: str) -> None:
        """Issue a key; it is shown once when it comes back."""
        self._write(self.keys.issue, (kind, name),
                    QCoreApplication.translate("AdminDesk", "Key %1 issued.").replace("%1", name),
                    AdminDesk._issued)

    def revoke_key(self, name: str) -> None:
        """Revoke a key: it stops working at once."""
        self._write(self.keys.revoke, (name,),
                    QCoreApplication.translate("AdminDesk", "Key %1 revoked: it no longer works.")
                    .replace("%1", name))

    def register_phone(self, unique_id: str, kind: str, worker: str) -> None:
        """Register a worker's phone: its positions are taken from now on."""
        self._write(self.positions.add_device, (worker, unique_id, kind),
                    QCoreApplication.translate("AdminDesk", "Phone %1 registered.").replace("%1", unique_id))

    def unregister_phone(self, unique_id: str) -> None:
        """Unregister a phone (its stored positions go with it)."""
        self._write(self.positions.remove_device, (unique_id,),
                    QCoreApplication.translate("AdminDesk", "Phone %1 unregistered.").replace("%1", unique_id))

    def _issued(self, issued) -> None:
        record, key = issued
        if self.window is not None:
            self.window.keys.show_new_key(record.name, key)

    def _write(self, change, args: tuple, done_message: str, then=None) -> None:
        """Run ``change(*args)`` on the database writer; then say so, read the lists again and call
        ``then(desk, result)``; a refusal or failure is shown in the window."""
        def done(desk: AdminDesk, result) -> None:
            if desk.window is not None:
                desk.window.show_done(done_message)
            if then is not None:
                then(desk, result)
            desk.reload()
            desk.changed.emit()
        self.context.tasks.write(change, *args, on_done=guarded(self, done),
                                 on_error=guarded(self, AdminDesk._failed))

    def _failed(self, error: BaseException) -> None:
        if self.window is not None:
            self.window.show_error(QCoreApplication.translate("AdminDesk", "Not done: %1")
                                   .replace("%1", str(error) or type(error).__name__))
