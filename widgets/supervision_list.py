"""The supervision orders (督办单) issued in a period: a sortable list, printed or exported to PDF.

Printing and PDF export are here because they lay out text (GUI thread); reading the orders is the
desk's (:mod:`console.gui.reports_desk`), off the GUI thread.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QDateEdit, QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from console.core.taxonomy import Taxonomy
from console.storage.supervision import OrderRecord, OrderState
from widgets import labels
from widgets.supervision_document import print_orders, state_name, write_orders_pdf

#: Columns of the list (number, state, incident, assignee, deadline missed, issued by, issued at).
STATE, INCIDENT, ISSUED_AT = 1, 2, 6
#: The period shown at first: the last this many days, today included.
DEFAULT_DAYS = 30


class SupervisionList(QWidget):
    """Supervision orders with their state; the period is chosen with two dates (local days, both included).

    Signals (GUI thread): ``period_changed(datetime, datetime)`` — reload the orders issued in
    ``[since, until)`` (aware UTC); ``incident_activated(int)`` — an order was double-clicked: show
    its incident; ``export_selected_requested()``, ``export_period_requested()``,
    ``print_requested()`` — the buttons (the desk asks where to and calls :meth:`write_pdf` /
    :meth:`print_to`).
    """

    period_changed = Signal(datetime, datetime)
    incident_activated = Signal(int)
    export_selected_requested = Signal()
    export_period_requested = Signal()
    print_requested = Signal()

    def __init__(self, taxonomy: Taxonomy, lang: str, operator: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.taxonomy, self.lang, self.operator = taxonomy, lang, operator
        self.orders: list[OrderRecord] = []
        self.truncated = False

        today = QDate.currentDate()
        self.since_edit = QDateEdit(today.addDays(1 - DEFAULT_DAYS), self)
        self.until_edit = QDateEdit(today, self)
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._period_edited)
        self.tree = QTreeWidget(self)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.setHeaderLabels([self.tr("Number"), self.tr("State"), self.tr("Incident"), self.tr("Assignee"),
                                   self.tr("Deadline missed"), self.tr("Issued by"), self.tr("Issued at")])
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(ISSUED_AT, Qt.SortOrder.DescendingOrder)
        self.tree.header().setMinimumSectionSize(40)
        self.summary = QLabel(self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.export_button = QPushButton(self.tr("Export PDF…"), self)
        self.export_button.setToolTip(self.tr("The selected supervision orders as a PDF document, one page each"))
        self.period_button = QPushButton(self.tr("Export period…"), self)
        self.period_button.setToolTip(self.tr("Every supervision order of the period in one PDF document, "
                                              "one page each"))

        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("Issued from"), self))
        period.addWidget(self.since_edit)
        period.addWidget(QLabel(self.tr("to"), self))
        period.addWidget(self.until_edit)
        period.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.period_button)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.print_button.clicked.connect(self.print_requested)
        self.export_button.clicked.connect(self.export_selected_requested)
        self.period_button.clicked.connect(self.export_period_requested)
        self._update_buttons()

    # -- period ------------------------------------------------------------------------------
    def period(self) -> tuple[datetime, datetime]:
        """The chosen period as aware UTC times ``[since, until)``: local midnight to the midnight after."""
        since, until = self.since_edit.date().toPython(), self.until_edit.date().toPython()
        if until < since:
            since, until = until, since
        return _local_midnight(since), _local_midnight(until + timedelta(days=1))

    def set_period(self, since: date, until: date) -> None:
        """Show orders issued from ``since`` to ``until`` (local days, both included)."""
        for edit, day in ((self.since_edit, since), (self.until_edit, until)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self._period_edited()

    def _period_edited(self) -> None:
        self.period_changed.emit(*self.period())

    # -- contents ----------------------------------------------------------------------------
    def set_orders(self, orders: list[OrderRecord], truncated: bool = False) -> None:
        keep = {order.id for order in self.selected_orders()}
        self.orders, self.truncated = list(orders), truncated
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        for order in self.orders:
            item = QTreeWidgetItem([order.number, state_name(order.state, short=True),
                                    f"{order.incident_number} {order.incident_title}",
                                    order.assignee, labels.format_datetime(order.deadline_missed_at), order.issued_by,
                                    labels.format_datetime(order.issued_at)])
            item.setData(0, Qt.ItemDataRole.UserRole, order.id)
            item.setToolTip(INCIDENT, order.incident_title)
            item.setToolTip(STATE, state_name(order.state))
            if order.state is OrderState.ISSUED:  # outstanding: the ones to chase
                font = item.font(STATE)
                font.setBold(True)
                item.setFont(STATE, font)
            self.tree.addTopLevelItem(item)
            item.setSelected(order.id in keep)
        self.tree.setSortingEnabled(True)
        for column in (0, 1, 3, 4, 5, 6):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), 220))
        self.tree.setColumnWidth(INCIDENT, 300)  # the incident's number and the start of its title
        outstanding = sum(order.state is OrderState.ISSUED for order in self.orders)
        if not self.orders:
            text = self.tr("No supervision orders in this period.")
        else:
            text = self.tr("%1 orders, %2 outstanding").replace("%1", labels.format_count(len(self.orders))) \
                .replace("%2", labels.format_count(outstanding))
            if truncated:
                text += " " + self.tr("(only the newest shown: choose a shorter period)")
        self.summary.setText(text)
        self._update_buttons()

    def selected_orders(self) -> list[OrderRecord]:
        """The selected orders, in the list's current order."""
        by_id = {order.id: order for order in self.orders}
        chosen = []
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.isSelected():
                order = by_id.get(item.data(0, Qt.ItemDataRole.UserRole))
                if order is not None:
                    chosen.append(order)
        return chosen

    def shown_orders(self) -> list[OrderRecord]:
        """Every listed order, in the list's current order (the period's batch)."""
        by_id = {order.id: order for order in self.orders}
        return [by_id[self.tree.topLevelItem(row).data(0, Qt.ItemDataRole.UserRole)]
                for row in range(self.tree.topLevelItemCount())]

    def select_order(self, order_id: int) -> bool:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole) == order_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    # -- documents ---------------------------------------------------------------------------
    def write_pdf(self, orders: list[OrderRecord], path: str, printed_at: datetime | None = None) -> None:
        """Write ``orders`` to the PDF file ``path``, one page each."""
        write_orders_pdf(orders, path, self.taxonomy, self.lang, printed_at or datetime.now(timezone.utc),
                         self.operator)

    def print_to(self, orders: list[OrderRecord], printer, printed_at: datetime | None = None) -> None:
        """Print ``orders`` on ``printer`` (a QPrinter the operator set up)."""
        print_orders(orders, printer, self.taxonomy, self.lang, printed_at or datetime.now(timezone.utc),
                     self.operator)

    def _update_buttons(self) -> None:
        selected = bool(self.tree.selectedItems())
        self.print_button.setEnabled(selected)
        self.export_button.setEnabled(selected)
        self.period_button.setEnabled(bool(self.orders))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        order_id = item.data(0, Qt.ItemDataRole.UserRole)
        order = next((o for o in self.orders if o.id == order_id), None)
        if order is not None:
            self.incident_activated.emit(order.incident_id)


def _local_midnight(day: date) -> datetime:
    """The start of a local day as an aware UTC time."""
    return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)
