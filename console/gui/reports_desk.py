"""Reports, wired: the supervision-order list with its PDF documents, the queue's CSV export and the monthly report.

Reading runs on the I/O pool; the CSV export runs there too, behind a cancellable progress dialog
(:meth:`console.gui.taskman.TaskManager.with_progress`), and writes exactly what the queue shows.
PDF documents are laid out on the GUI thread (Qt's text layout): one page per order, so even a busy
month (a town issues a few a day) is written in well under a second.

The monthly report's figures are read on the I/O pool (a month at city scale is ~275,000 incidents)
and drawn to PDF on the GUI thread (QPainter: a few pages, well under a second).

A period's batch is one PDF, not a folder of files: it is what gets printed and filed for the
month's assessment, one file is one attachment to send, and every order still starts on its own page.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from console.core.levels import DEFAULT_RULES
from console.core.workflow import Source, Status
from console.gui.context import ConsoleContext
from console.storage.monthly_report import MonthFigures, VillageChoice, previous_month, read_month, village_choices
from console.storage.queue import QueueFilter, QueueSort
from console.storage.queue_export import ExportNames, ExportResult, export_queue_csv
from console.storage.supervision import MAX_ORDERS, OrderRecord, SupervisionBook
from console.tasks import Cancelled, TaskState
from widgets import labels
from widgets.monthly_report_dialog import MonthlyReportDialog
from widgets.monthly_report_document import write_month_pdf
from widgets.supervision_list import SupervisionList


class ReportsDesk(QObject):
    """Owns the :class:`SupervisionList`; reloads it while shown, exports PDFs and the queue's CSV.

    Signals (GUI thread): ``message(str)`` for the status bar; ``incident_activated(int)`` when an
    order was double-clicked (the window selects the incident).
    """

    message = Signal(str)
    incident_activated = Signal(int)
    #: A queue export finished (its result), for whoever wants to know. GUI thread.
    queue_exported = Signal(object)

    def __init__(self, context: ConsoleContext, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.book = SupervisionBook(context.store)
        self.view = SupervisionList(context.taxonomy, context.lang, context.operator)
        self._shown = False
        self._generation = 0
        self._period: tuple[datetime, datetime] = self.view.period()
        self.view.period_changed.connect(self._period_changed)
        self.view.incident_activated.connect(self.incident_activated)
        self.view.export_selected_requested.connect(lambda: self._ask_pdf(self.view.selected_orders()))
        self.view.export_period_requested.connect(lambda: self._ask_pdf(self.view.shown_orders(), period=True))
        self.view.print_requested.connect(self._print)

    # -- supervision orders ------------------------------------------------------------------
    def set_shown(self, shown: bool) -> None:
        """Reload while the list is on screen (and once when it comes on screen)."""
        self._shown = shown
        if shown:
            self.reload()

    def reload(self, force: bool = False) -> None:
        if not (self._shown or force):
            return
        since, until = self._period
        self._generation += 1  # reads run on a pool: an older one may finish after a newer one
        generation = self._generation
        self.context.tasks.read(self.book.orders, since, until, MAX_ORDERS + 1,
                                on_done=lambda orders: self._show(generation, orders),
                                on_error=lambda exc: self.message.emit(self.tr("Supervision orders: %1")
                                                                       .replace("%1", str(exc))))

    def _period_changed(self, since: datetime, until: datetime) -> None:
        self._period = since, until
        self.reload()

    def _show(self, generation: int, orders: list[OrderRecord]) -> None:
        if generation != self._generation:
            return
        self.view.set_orders(orders[:MAX_ORDERS], truncated=len(orders) > MAX_ORDERS)

    def export_pdf(self, orders: list[OrderRecord], path: str) -> bool:
        """Write ``orders`` to ``path``; tells the operator how it went."""
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            self.view.write_pdf(orders, path, self.context.clock.now())
        except (OSError, ValueError) as exc:
            self.message.emit(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", str(exc)))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.message.emit(self.tr("%1 supervision order(s) written to %2").replace("%1", str(len(orders)))
                          .replace("%2", path))
        return True

    def _ask_pdf(self, orders: list[OrderRecord], period: bool = False) -> None:
        if not orders:
            return
        if period:
            since, until = self.view.since_edit.date(), self.view.until_edit.date()
            name = f"supervision-orders-{since.toString('yyyyMMdd')}-{until.toString('yyyyMMdd')}.pdf"
        else:
            name = f"{orders[0].number}.pdf" if len(orders) == 1 else "supervision-orders.pdf"
        path, _filter = QFileDialog.getSaveFileName(self.view, self.tr("Export supervision orders"),
                                                    str(Path.home() / name), self.tr("PDF documents (*.pdf)"))
        if path:
            self.export_pdf(orders, path)

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # only when printing: a large module
        orders = self.view.selected_orders()
        if not orders:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.view)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.view.print_to(orders, printer, self.context.clock.now())

    # -- the queue as CSV --------------------------------------------------------------------
    def export_names(self) -> ExportNames:
        """The CSV's headers and names in the console's language."""
        lang, taxonomy = self.context.lang, self.context.taxonomy
        return ExportNames(
            headers=[self.tr("Number"), self.tr("Title"), self.tr("Status"), self.tr("Level"), self.tr("Category"),
                     self.tr("Sub-item"), self.tr("Source"), self.tr("Village"), self.tr("Grid"),
                     self.tr("Reporter"), self.tr("Assignee"), self.tr("Reported at"), self.tr("Deadline"),
                     self.tr("Resolved at"), self.tr("Closed at"), self.tr("Overdue")],
            statuses={s.value: labels.status_name(s) for s in Status},
            levels={rule.level: labels.level_name(rule.level) for rule in DEFAULT_RULES},
            sources={s.value: labels.source_name(s) for s in Source},
            categories={c.code: c.name(lang) for c in taxonomy.categories},
            subitems={i.code: i.name(lang) for i in taxonomy.items},
            yes=self.tr("Yes"), no="", lang=lang)

    def ask_queue_export(self, flt: QueueFilter, sort: QueueSort, parent: QWidget | None = None) -> None:
        """Ask where to, then export the queue as it is filtered and sorted now."""
        now = self.context.service.clock.now()
        name = f"queue-{labels.local_time(now):%Y%m%d-%H%M}.csv"
        path, _filter = QFileDialog.getSaveFileName(parent, self.tr("Export queue as CSV"), str(Path.home() / name),
                                                    self.tr("CSV files (*.csv)"))
        if path:
            self.export_queue(flt, sort, path, parent)

    def export_queue(self, flt: QueueFilter, sort: QueueSort, path: str, parent: QWidget | None = None) -> TaskState:
        """Export the queue to ``path`` off the GUI thread, with a cancellable progress dialog."""
        store, names, now = self.context.store, self.export_names(), self.context.service.clock.now()

        def done(result: ExportResult) -> None:
            self.message.emit(self.tr("%1 incidents exported to %2").replace("%1", labels.format_count(result.rows))
                              .replace("%2", str(result.path)))
            self.queue_exported.emit(result)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.message.emit(self.tr("Queue export cancelled; no file written"))
            else:
                self.message.emit(self.tr("Queue export failed: %1").replace("%1", str(exc)))
            self.queue_exported.emit(exc)

        return self.context.tasks.with_progress(
            lambda state: export_queue_csv(store, flt, sort, now, path, names, state),
            self.tr("Exporting the queue to %1…").replace("%1", Path(path).name), parent,
            on_done=done, on_error=failed, write=False)

    # -- the monthly report ------------------------------------------------------------------
    def ask_monthly_report(self, parent: QWidget | None = None) -> None:
        """Read the villages (I/O pool), then ask which month and scope, where to, and write the report."""
        self.context.tasks.read(village_choices, self.context.store,
                                on_done=lambda villages: self._monthly_dialog(villages, parent),
                                on_error=lambda exc: self.message.emit(self.tr("Monthly report: %1")
                                                                       .replace("%1", str(exc))))

    def _monthly_dialog(self, villages: list[VillageChoice], parent: QWidget | None) -> None:
        year, month = previous_month(labels.local_time(self.context.clock.now()))
        dialog = MonthlyReportDialog(villages, self.context.lang, year, month, parent)
        try:
            if dialog.exec() != MonthlyReportDialog.DialogCode.Accepted:
                return
            (year, month), village_id = dialog.year_month(), dialog.village_id()
        finally:
            dialog.deleteLater()
        scope = "town" if village_id is None else f"village-{village_id}"
        name = f"monthly-report-{year:04d}-{month:02d}-{scope}.pdf"
        path, _filter = QFileDialog.getSaveFileName(parent, self.tr("Save the monthly report"),
                                                    str(Path.home() / name), self.tr("PDF documents (*.pdf)"))
        if path:
            self.write_monthly_report(year, month, village_id, path)

    def write_monthly_report(self, year: int, month: int, village_id: int | None, path: str) -> Future:
        """Read the month's figures on the I/O pool, then write the PDF to ``path`` and tell the operator."""
        store, now = self.context.store, self.context.clock.now()

        def write(fig: MonthFigures) -> None:
            try:
                write_month_pdf(fig, path, self.context.taxonomy, self.context.lang, self.context.clock.now(),
                                self.context.operator)
            except (OSError, ValueError) as exc:
                self.message.emit(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", str(exc)))
                return
            self.message.emit(self.tr("Monthly report for %1 written to %2")
                              .replace("%1", f"{year:04d}-{month:02d}").replace("%2", path))

        return self.context.tasks.read(lambda: read_month(store, year, month, village_id, now=now),
                                       on_done=write,
                                       on_error=lambda exc: self.message.emit(
                                           self.tr("Monthly report failed: %1").replace("%1", str(exc))))
