"""The administrator's small dialogs: a new user, a new password, a role, a new key, and the key shown once.

Each only collects (or shows) values; nothing here touches the store.  The password dialogs check the
length and that both entries match before they accept, with the same limits as
:func:`console.storage.operators.check_new_password` (the core checks again).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from console.storage.operators import MAX_PASSWORD, MIN_PASSWORD

#: The roles a user may be given, by stored name, in the order offered.
ROLES = ("operator", "duty", "admin")
#: The kinds of key, in the order offered.
KEY_KINDS = ("open311", "device")


def role_name(role: str) -> str:
    """A role's name for people ("duty officer"), from its stored name."""
    if role == "admin":
        return QCoreApplication.translate("AdminDialogs", "administrator")
    if role == "duty":
        return QCoreApplication.translate("AdminDialogs", "duty officer")
    return QCoreApplication.translate("AdminDialogs", "operator")


def kind_name(kind: str) -> str:
    """A key kind's name for people."""
    if kind == "device":
        return QCoreApplication.translate("AdminDialogs", "worker phone")
    return QCoreApplication.translate("AdminDialogs", "Open311 client")


class EntryForm(QDialog):
    """A form with OK/Cancel and a line for what is wrong with the entries."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.setMinimumWidth(380)
        self.form = QFormLayout()
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #f85149;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _password_fields(self) -> tuple[QLineEdit, QLineEdit]:
        fields = []
        for _ in range(2):
            field = QLineEdit(self)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(MAX_PASSWORD)
            fields.append(field)
        return fields[0], fields[1]

    def _password_problem(self, first: QLineEdit, second: QLineEdit) -> str:
        if len(first.text()) < MIN_PASSWORD:
            return QCoreApplication.translate("AdminDialogs", "The password must have at least %1 characters.") \
                .replace("%1", str(MIN_PASSWORD))
        if first.text() != second.text():
            return QCoreApplication.translate("AdminDialogs", "The passwords do not match.")
        return ""

    def problem_text(self) -> str:
        """What is wrong with the entries, or "" (subclasses)."""
        return ""

    def show_problem(self, text: str) -> None:
        """Show what is wrong (in red under the entries), or hide the line for ""."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _try_accept(self) -> None:
        problem = self.problem_text()
        self.show_problem(problem)
        if not problem:
            self._entries_fit()

    def _entries_fit(self) -> None:
        """The entries passed the checks: accept the dialog (subclasses may do otherwise)."""
        self.accept()


class NewUserDialog(EntryForm):
    """A new user's login, display name, role and password (twice)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add user"))
        self.login = QLineEdit(self)
        self.login.setMaxLength(32)
        self.display_name = QLineEdit(self)
        self.display_name.setMaxLength(64)
        self.role = QComboBox(self)
        for role in ROLES:
            self.role.addItem(role_name(role), role)
        self.password, self.again = self._password_fields()
        self.form.addRow(self.tr("User name:"), self.login)
        self.form.addRow(self.tr("Name shown:"), self.display_name)
        self.form.addRow(self.tr("Role:"), self.role)
        self.form.addRow(self.tr("Password:"), self.password)
        self.form.addRow(self.tr("Password again:"), self.again)

    def problem_text(self) -> str:
        """Empty user name, short or mismatched password."""
        if not self.login.text().strip():
            return self.tr("Enter a user name.")
        return self._password_problem(self.password, self.again)


class PasswordDialog(EntryForm):
    """A new password for one user, entered twice."""

    def __init__(self, login: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reset password"))
        self.password, self.again = self._password_fields()
        self.form.addRow(QLabel(self.tr("New password for %1.").replace("%1", login), self))
        self.form.addRow(self.tr("Password:"), self.password)
        self.form.addRow(self.tr("Password again:"), self.again)

    def problem_text(self) -> str:
        """Short or mismatched password."""
        return self._password_problem(self.password, self.again)


class RoleDialog(EntryForm):
    """Another role for one user."""

    def __init__(self, login: str, current: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change role"))
        self.role = QComboBox(self)
        for role in ROLES:
            self.role.addItem(role_name(role), role)
        self.role.setCurrentIndex(max(0, self.role.findData(current)))
        self.form.addRow(QLabel(self.tr("Role of %1:").replace("%1", login), self), self.role)


class IssueKeyDialog(EntryForm):
    """The kind of a new key and its name (for a worker's phone, the phone's registered device id)."""

    def __init__(self, device_ids: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Issue key"))
        self.device_ids = list(device_ids)
        self.kind = QComboBox(self)
        for kind in KEY_KINDS:
            self.kind.addItem(kind_name(kind), kind)
        self.name = QComboBox(self)
        self.name.setEditable(True)
        self.name.setMinimumWidth(260)
        self.name.lineEdit().setMaxLength(64)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.form.addRow(self.tr("For:"), self.kind)
        self.form.addRow(self.tr("Name:"), self.name)
        self.form.addRow(self.hint)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def chosen_kind(self) -> str:
        """open311 or device."""
        return self.kind.currentData()

    def chosen_name(self) -> str:
        """The key's name as entered."""
        return self.name.currentText().strip()

    def _kind_changed(self) -> None:
        self.name.clear()
        if self.chosen_kind() == "device":
            self.name.addItems(self.device_ids)
            self.hint.setText(self.tr("A worker's phone: choose its registered device id."))
        else:
            self.name.setEditText("")
            self.hint.setText(self.tr("A civic-reporting app or organisation, e.g. its name."))

    def problem_text(self) -> str:
        """No name."""
        return "" if self.chosen_name() else self.tr("Enter a name.")


class NewKeyDialog(QDialog):
    """Shows a newly issued key once, with a button that copies it and a warning that it is never shown again."""

    def __init__(self, name: str, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New key"))
        self.setMinimumWidth(520)
        intro = QLabel(self.tr("The key for %1:").replace("%1", name), self)
        self.key = QLineEdit(key, self)
        self.key.setObjectName("new_key")
        self.key.setReadOnly(True)
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.selectAll()
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.clicked.connect(self.copy)
        warning = QLabel(self.tr("Copy it now and hand it over: it cannot be shown again. Only its hash is kept."),
                         self)
        warning.setObjectName("warning")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #d29922; font-weight: bold;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(warning)
        layout.addWidget(buttons)
        self.finished.connect(self._forget)

    def copy(self) -> None:
        """Put the key on the clipboard."""
        QGuiApplication.clipboard().setText(self.key.text())
        self.copy_button.setText(self.tr("Copied"))

    def _forget(self, _result: int = 0) -> None:
        self.key.clear()  # closed: the key is gone from the window too
