"""The administrator's Phones tab: the workers' phones that may report positions; register and unregister.

A thin view like the Keys tab: it shows the :class:`~console.storage.positions.DeviceRecord` list it is given
and turns the buttons into intent signals that :mod:`console.gui.admin_desk` carries out on the task runner
(the core checks the role and the entries again and says what is wrong in one line).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QMessageBox, QPushButton, QWidget

from console.storage.positions import DEVICE_KINDS, DeviceRecord
from widgets.admin_dialogs import EntryForm
from widgets.record_table import lay_out_with_buttons, record_table, select_row


def _when(moment) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment is not None else ""


class PhoneTableModel(QAbstractTableModel):
    """Phones as rows, in the order they were registered: device id, app, worker, worker's code, grid, last
    position (phones flagged offline greyed)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._phones: list[DeviceRecord] = []

    def set_phones(self, phones: list[DeviceRecord]) -> None:
        """Show ``phones``."""
        self.beginResetModel()
        self._phones = list(phones)
        self.endResetModel()

    def phone(self, row: int) -> DeviceRecord | None:
        """The phone on ``row``, or None."""
        return self._phones[row] if 0 <= row < len(self._phones) else None

    def row_of(self, unique_id: str) -> int:
        """The row of the phone ``unique_id``, or -1."""
        return next((row for row, phone in enumerate(self._phones) if phone.unique_id == unique_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._phones)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 6

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        phone = self.phone(index.row())
        if phone is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and phone.offline_since is not None:
            return QColor("#8b949e")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (phone.unique_id, app_name(phone.kind), phone.worker_name, phone.worker_code, phone.grid_name,
                _when(phone.last_fix_at))[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Device id"), self.tr("App"), self.tr("Worker"), self.tr("Code"), self.tr("Grid"),
                self.tr("Last position"))[section]


def app_name(kind: str) -> str:
    """The phone app a device kind stands for."""
    return {"osmand": "Traccar Client / OsmAnd", "owntracks": "OwnTracks"}.get(kind, kind)


class RegisterPhoneDialog(EntryForm):
    """A phone's device id (as its app reports it), its app, and the worker (code or name) who carries it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register phone"))
        self.device_id = QLineEdit(self)
        self.device_id.setMaxLength(64)
        self.device_id.setPlaceholderText(self.tr("as set in the phone's app"))
        self.kind = QComboBox(self)
        for kind in DEVICE_KINDS:
            self.kind.addItem(app_name(kind), kind)
        self.worker = QLineEdit(self)
        self.worker.setMaxLength(32)
        self.worker.setPlaceholderText(self.tr("worker's code or name"))
        self.form.addRow(self.tr("Device id:"), self.device_id)
        self.form.addRow(self.tr("App:"), self.kind)
        self.form.addRow(self.tr("Worker:"), self.worker)

    def problem_text(self) -> str:
        """An empty device id or worker."""
        if not self.device_id.text().strip():
            return self.tr("Enter the phone's device id.")
        if not self.worker.text().strip():
            return self.tr("Enter the worker's code or name.")
        return ""


class AdminPhonesView(QWidget):
    """The phones table with Register and Unregister.

    Intent signals, emitted on the GUI thread once the operator confirmed in a dialog:
    ``register_requested(device id, kind, worker)`` and ``unregister_requested(device id)``.
    """

    register_requested = Signal(str, str, str)
    unregister_requested = Signal(str)

    def __init__(self, model: PhoneTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.table = record_table(model, self)
        self.register_button = QPushButton(self.tr("Register…"), self)
        self.unregister_button = QPushButton(self.tr("Unregister…"), self)
        self.register_button.clicked.connect(self.ask_register)
        self.unregister_button.clicked.connect(self.ask_unregister)
        lay_out_with_buttons(self, self.table, (self.register_button, self.unregister_button))
        model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def current_phone(self) -> DeviceRecord | None:
        """The selected phone, or None."""
        return self.model.phone(self.table.currentIndex().row())

    def select(self, unique_id: str) -> None:
        """Select the phone ``unique_id`` (after a reload)."""
        select_row(self.table, self.model.row_of(unique_id))

    def ask_register(self) -> None:
        """Ask for the phone's device id, app and worker, and request the registration."""
        dialog = RegisterPhoneDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.register_requested.emit(dialog.device_id.text().strip(), dialog.kind.currentData(),
                                         dialog.worker.text().strip())

    def ask_unregister(self) -> None:
        """Unregister the selected phone after a confirmation."""
        phone = self.current_phone()
        if phone is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Unregister phone"),
            self.tr("Unregister the phone %1 of %2? Its positions are deleted with it and it is refused from now "
                    "on.").replace("%1", phone.unique_id).replace("%2", phone.worker_name))
        if answer == QMessageBox.StandardButton.Yes:
            self.unregister_requested.emit(phone.unique_id)

    def _update_buttons(self, *_args) -> None:
        self.unregister_button.setEnabled(self.current_phone() is not None)
