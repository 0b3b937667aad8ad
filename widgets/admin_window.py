"""The Administration window: the Users, Keys and Phones tabs and a line for what happened or went wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from widgets.admin_keys import AdminKeysView, KeyTableModel
from widgets.admin_phones import AdminPhonesView, PhoneTableModel
from widgets.admin_users import AdminUsersView, UserTableModel


class AdminWindow(QWidget):
    """A top-level window with the :class:`AdminUsersView`, :class:`AdminKeysView` and :class:`AdminPhonesView` tabs.

    ``reload_requested`` (GUI thread) when the operator asks to read the lists again.  Messages stay in
    the window (:meth:`show_error`, :meth:`show_done`) until the next one.
    """

    reload_requested = Signal()

    def __init__(self, users: UserTableModel, keys: KeyTableModel, phones: PhoneTableModel,
                 parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("AdminWindow")
        self.setWindowTitle(self.tr("Gridwatch — administration"))
        self.resize(760, 480)
        self.users = AdminUsersView(users, self)
        self.keys = AdminKeysView(keys, self)
        self.phones = AdminPhonesView(phones, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.users, self.tr("Users"))
        self.tabs.addTab(self.keys, self.tr("Keys"))
        self.tabs.addTab(self.phones, self.tr("Phones"))
        self.message = QLabel(self)
        self.message.setObjectName("admin_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton(self.tr("Reload"), self)
        self.reload_button.clicked.connect(self.reload_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def show_error(self, message: str) -> None:
        """Show what went wrong (one line from the core), in red."""
        self.message.setStyleSheet("color: #f85149;")
        self.message.setText(message)

    def show_done(self, message: str) -> None:
        """Show what was done."""
        self.message.setStyleSheet("")
        self.message.setText(message)

    def message_text(self) -> str:
        """The message shown now."""
        return self.message.text()
