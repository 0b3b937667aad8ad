"""The login at start: user name and password, or — on a demo store — the demo operator with one click.

The check itself (a scrypt hash, ~0.1 s, and the audit entries) runs on the database writer through the
:class:`TaskManager`; its answer comes back on the GUI thread.  The dialog only knows two callables,
``authenticate(login, password)`` and ``demo_login()``, each returning the logged-in
:class:`~console.storage.operators.OperatorRecord` or raising
:class:`~console.storage.operators.OperatorError`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from console.gui.taskman import TaskManager
from console.storage.operators import WRONG, LockedOut, OperatorRecord


class LoginDialog(QDialog):
    """Asks who is on duty; :attr:`operator` is the logged-in user after ``exec()`` returned Accepted.

    :attr:`demo` tells whether the demo button was used."""

    def __init__(self, tasks: TaskManager, authenticate: Callable[[str, str], OperatorRecord],
                 demo_login: Callable[[], OperatorRecord] | None = None, login: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks, self._authenticate, self._demo_login = tasks, authenticate, demo_login
        self.operator: OperatorRecord | None = None
        self.demo = False
        self._busy = False
        self.setWindowTitle(self.tr("Gridwatch — log in"))
        self.user = QLineEdit(self)
        self.user.setObjectName("login_user")
        self.user.setMaxLength(32)
        self.user.setText(login)
        self.password = QLineEdit(self)
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        self.error = QLabel(self)
        self.error.setObjectName("login_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #e05252;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.login_button = buttons.addButton(self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.log_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.demo_button: QPushButton | None = None
        if demo_login is not None:
            self.demo_button = QPushButton(self.tr("Log in as the demo operator"), self)
            self.demo_button.setObjectName("login_demo")
            self.demo_button.setToolTip(self.tr("This is the demo town: log in as its duty officer without "
                                                "a password"))
            self.demo_button.clicked.connect(self.log_in_demo)
            layout.addWidget(self.demo_button)
        layout.addWidget(buttons)
        (self.password if login else self.user).setFocus()

    # -- actions -------------------------------------------------------------------------------------
    def log_in(self) -> None:
        """Check the typed user name and password (on the writer thread)."""
        login, password = self.user.text().strip(), self.password.text()
        if not login:
            self.show_error(self.tr("Enter your user name"))
            return
        self._run(self._authenticate, login, password, demo=False)

    def log_in_demo(self) -> None:
        """Log in as the demo store's duty officer, no password asked."""
        if self._demo_login is not None:
            self._run(self._demo_login, demo=True)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # -- internals -----------------------------------------------------------------------------------
    def _run(self, fn, *args, demo: bool) -> None:
        if self._busy:
            return
        self._set_busy(True)

        def done(operator: OperatorRecord) -> None:
            self._set_busy(False)
            self.operator, self.demo = operator, demo
            self.accept()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self.password.clear()
            self.show_error(self._message(exc))
            self.password.setFocus()
        self.tasks.write(fn, *args, on_done=done, on_error=failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.login_button, self.demo_button, self.user, self.password):
            if widget is not None:
                widget.setEnabled(not busy)

    def _message(self, exc: BaseException) -> str:
        if isinstance(exc, LockedOut):
            return self.tr("Too many failed logins: locked until %1").replace(
                "%1", f"{exc.until.astimezone():%H:%M}")
        if str(exc) == WRONG:
            return self.tr("Wrong user name or password")
        text = str(exc).strip().splitlines()
        return text[0] if text else type(exc).__name__
