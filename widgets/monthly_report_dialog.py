"""The monthly report's small dialog: which month, and for the whole town or one village."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QWidget

from console.storage.monthly_report import VillageChoice


class MonthlyReportDialog(QDialog):
    """Month picker and scope combo ("Whole town" first, then the villages)."""

    def __init__(self, villages: Sequence[VillageChoice], lang: str, year: int, month: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Monthly report"))
        self.month_edit = QDateEdit(QDate(year, month, 1), self)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(False)
        self.scope_combo = QComboBox(self)
        self.scope_combo.addItem(self.tr("Whole town"), None)
        for village in villages:
            self.scope_combo.addItem(village.name(lang), village.id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write PDF…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Month:"), self.month_edit)
        form.addRow(self.tr("For:"), self.scope_combo)
        form.addRow(buttons)

    def year_month(self) -> tuple[int, int]:
        date = self.month_edit.date()
        return date.year(), date.month()

    def village_id(self) -> int | None:
        return self.scope_combo.currentData()

    def set_village(self, village_id: int | None) -> None:
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(village_id), 0))
