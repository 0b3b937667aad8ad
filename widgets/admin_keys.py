"""The administrator's Keys tab: Open311 clients' API keys and worker phones' tokens; issue and revoke.

A thin view: it shows the :class:`~console.storage.api_keys.ApiKeyRecord` list it is given (never a key:
only hashes are stored) and turns the buttons into intent signals; :mod:`console.gui.admin_desk` carries
them out on the task runner.  A newly issued key comes back through :meth:`AdminKeysView.show_new_key`,
which shows it once.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget

from console.storage.api_keys import ApiKeyRecord
from widgets.admin_dialogs import IssueKeyDialog, NewKeyDialog, kind_name
from widgets.record_table import lay_out_with_buttons, record_table, select_row


class KeyTableModel(QAbstractTableModel):
    """Keys as rows, oldest first: name, kind, created, revoked (revoked ones greyed)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._keys: list[ApiKeyRecord] = []

    def set_keys(self, keys: list[ApiKeyRecord]) -> None:
        """Show ``keys``."""
        self.beginResetModel()
        self._keys = list(keys)
        self.endResetModel()

    def key(self, row: int) -> ApiKeyRecord | None:
        """The key on ``row``, or None."""
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, name: str) -> int:
        """The row of the key named ``name``, or -1."""
        return next((row for row, key in enumerate(self._keys) if key.name == name), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        key = self.key(index.row())
        if key is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not key.active:
            return QColor("#8b949e")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return key.name
        if column == 1:
            return kind_name(key.kind)
        if column == 2:
            return f"{key.created_at.astimezone():%Y-%m-%d %H:%M}"
        return f"{key.revoked_at.astimezone():%Y-%m-%d %H:%M}" if key.revoked_at else ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Name"), self.tr("Kind"), self.tr("Created"), self.tr("Revoked"))[section]


class AdminKeysView(QWidget):
    """The keys table with Issue and Revoke.

    Intent signals, emitted on the GUI thread once the operator confirmed in a dialog:
    ``issue_requested(kind, name)`` and ``revoke_requested(name)``.
    """

    issue_requested = Signal(str, str)
    revoke_requested = Signal(str)

    def __init__(self, model: KeyTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.device_ids: list[str] = []
        self.new_key_dialog: NewKeyDialog | None = None
        self.table = record_table(model, self)
        self.issue_button = QPushButton(self.tr("Issue…"), self)
        self.revoke_button = QPushButton(self.tr("Revoke…"), self)
        self.issue_button.clicked.connect(self.ask_issue)
        self.revoke_button.clicked.connect(self.ask_revoke)
        lay_out_with_buttons(self, self.table, (self.issue_button, self.revoke_button))
        model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def set_device_ids(self, device_ids: list[str]) -> None:
        """The registered phones a device key may be issued for."""
        self.device_ids = list(device_ids)

    def current_key(self) -> ApiKeyRecord | None:
        """The selected key, or None."""
        return self.model.key(self.table.currentIndex().row())

    def select(self, name: str) -> None:
        """Select the key named ``name`` (after a reload)."""
        select_row(self.table, self.model.row_of(name))

    def ask_issue(self) -> None:
        """Ask for the new key's kind and name and request it."""
        dialog = IssueKeyDialog(self.device_ids, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.issue_requested.emit(dialog.chosen_kind(), dialog.chosen_name())

    def ask_revoke(self) -> None:
        """Revoke the selected key after a confirmation."""
        key = self.current_key()
        if key is None or not key.active:
            return
        answer = QMessageBox.question(self, self.tr("Revoke key"),
                                      self.tr("Revoke the key %1? Its client is refused from now on; this cannot "
                                              "be undone.").replace("%1", key.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.revoke_requested.emit(key.name)

    def show_new_key(self, name: str, key: str) -> NewKeyDialog:
        """Show a newly issued key, once (the dialog forgets it when closed)."""
        if self.new_key_dialog is not None:
            self.new_key_dialog.close()
            self.new_key_dialog.deleteLater()
        dialog = NewKeyDialog(name, key, self)
        self.new_key_dialog = dialog
        dialog.open()
        return dialog

    def _update_buttons(self, *_args) -> None:
        key = self.current_key()
        self.revoke_button.setEnabled(key is not None and key.active)
