"""The logged-in operator's own password change: the current password, the new one twice.

The dialog only collects: when the entries pass the local checks (length, both new entries alike, different
from the current one) it says ``change_requested`` and waits, with its buttons off, for :meth:`show_refusal`
(the core said no: the dialog stays open with what was typed) or :meth:`show_changed` (it closes).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from widgets.admin_dialogs import EntryForm


class OwnPasswordDialog(EntryForm):
    """Asks for the current password and a new one (twice) for ``login``.

    ``change_requested(current, new)`` (GUI thread) when the entries are fit to send to the core.
    """

    change_requested = Signal(str, str)

    def __init__(self, login: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change my password"))
        self.current = QLineEdit(self)
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.password, self.again = self._password_fields()
        self.form.addRow(self.tr("User:"), QLineEdit(login, self, readOnly=True))
        self.form.addRow(self.tr("Current password:"), self.current)
        self.form.addRow(self.tr("New password:"), self.password)
        self.form.addRow(self.tr("New password again:"), self.again)

    def problem_text(self) -> str:
        """No current password, a short or mismatched new one, or the same as before."""
        if not self.current.text():
            return self.tr("Enter your current password.")
        problem = self._password_problem(self.password, self.again)
        if not problem and self.password.text() == self.current.text():
            return self.tr("The new password must differ from the current one.")
        return problem

    def _entries_fit(self) -> None:
        self.buttons.setEnabled(False)
        self.change_requested.emit(self.current.text(), self.password.text())

    def show_refusal(self, reason: str) -> None:
        """The core refused (wrong current password, locked out…): say why and let the operator try again."""
        self.buttons.setEnabled(True)
        self.show_problem(reason)
        self.current.selectAll()
        self.current.setFocus()

    def show_changed(self) -> None:
        """The new password is stored: close."""
        self.buttons.setEnabled(True)
        self.accept()
