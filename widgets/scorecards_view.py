"""The Scorecards dock: a month picker, the workers' and departments' tables, a progress bar with Cancel,
export buttons and the selected subject's score over 12 months.

Thin: it shows what it is given (:meth:`ScorecardsView.set_scorecards`, :meth:`ScorecardsView.set_history`)
and says what the operator wants through its signals; :class:`console.gui.scorecard_room.ScorecardRoom`
reads, computes and writes.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QSplitter, QTableView, QTabWidget, QToolButton,
                               QVBoxLayout, QWidget)

from console.core.assessment import Month
from console.storage.scorecards import Scorecards
from widgets import labels
from widgets.scorecards_chart import ScoreHistoryChart
from widgets.scorecards_tables import ScorecardFilter, ScorecardTable, department_columns, worker_columns

#: A month typed or stepped to is loaded this long after the last change.
MONTH_DEBOUNCE_MS = 700
SUBJECTS = ("worker", "department")
#: Columns are sized to their contents up to this many pixels (a longer header is elided; its tooltip has it).
MAX_NUMBER_WIDTH = 100
MAX_TEXT_WIDTH = 200


class ScorecardTab(QWidget):
    """One tab: a filter combo ("All …" or one group) above a sortable table of one subject's scorecards."""

    def __init__(self, table: ScorecardTable, filter_label: str, everyone: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = table
        self.rows = ScorecardFilter(table, self)
        self.everyone = everyone
        self.group = QComboBox(self)
        self.group.setMinimumContentsLength(12)
        self.group.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.group.addItem(everyone, None)
        self.view = QTableView(self)
        self.view.setModel(self.rows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(60)
        header.setDefaultSectionSize(72)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(filter_label, self))
        row.addWidget(self.group)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.group.currentIndexChanged.connect(lambda _k: self.rows.set_group(self.group.currentData()))

    def set_cards(self, cards, groups: list[tuple[int, str]]) -> None:
        """Show ``cards`` (keeping the sort and, if it is still there, the group) with ``groups`` to filter by."""
        chosen = self.group.currentData()
        header = self.view.horizontalHeader()
        first = not self.table.cards
        self.table.set_cards(cards, header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(self.everyone, None)
        for group_id, name in groups:
            self.group.addItem(name, group_id)
        self.group.setCurrentIndex(max(self.group.findData(chosen), 0))
        self.group.blockSignals(False)
        self.rows.set_group(self.group.currentData())
        if first:
            self.view.resizeColumnsToContents()
            for column in range(self.table.columnCount()):  # a long header is elided, not a wide column
                widest = MAX_NUMBER_WIDTH if self.table.columns[column].numeric else MAX_TEXT_WIDTH
                self.view.setColumnWidth(column, min(self.view.columnWidth(column), widest))

    def set_group(self, group_id: int | None) -> None:
        self.group.setCurrentIndex(max(self.group.findData(group_id), 0))

    def place(self) -> str:
        """The chosen group's name, or "" for all."""
        return "" if self.group.currentData() is None else self.group.currentText()


class ScorecardsView(QWidget):
    """The scorecards' widgets.  Signals (all emitted on the GUI thread):

    * ``month_chosen(object)``: the operator chose a :class:`Month` to see;
    * ``cancel_requested()``: the Cancel button was pressed;
    * ``subject_selected(str, int)``: a row was selected (``"worker"``/``"department"``, its id);
    * ``figure_activated(str, int, str)``: a figure was double-clicked (subject, id, figure name);
    * ``export_requested(str)``: ``"csv"`` or ``"pdf"`` of what the current tab shows;
    * ``history_requested()``: the operator asked to go on computing the 12 months' history.
    """

    month_chosen = Signal(object)
    cancel_requested = Signal()
    subject_selected = Signal(str, int)
    figure_activated = Signal(str, int, str)
    export_requested = Signal(str)
    history_requested = Signal()

    def __init__(self, lang: str, month: Month, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.cards: Scorecards | None = None
        self.month_edit = QDateEdit(QDate(month.year, month.month, 1), self)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCurrentSection(QDateEdit.Section.MonthSection)
        self.month_edit.setMaximumDate(QDate(month.year, month.month, 1).addMonths(1))
        self.csv_button = QPushButton(self.tr("Export CSV…"), self)
        self.pdf_button = QPushButton(self.tr("Export PDF…"), self)
        for button in (self.csv_button, self.pdf_button):
            button.setToolTip(self.tr("Write what this tab shows: the town, one village or one department"))
            button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress_text = QLabel(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.status = QLabel(self.tr("Scorecards are computed when you open this panel."), self)
        self.status.setWordWrap(True)
        self.workers = ScorecardTab(ScorecardTable("worker", worker_columns(lang), self), self.tr("Village:"),
                                    self.tr("All villages"), self)
        self.departments = ScorecardTab(ScorecardTable("department", department_columns(lang), self),
                                        self.tr("Department:"), self.tr("All departments"), self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.workers, self.tr("Workers"))
        self.tabs.addTab(self.departments, self.tr("Departments"))
        self.chart = ScoreHistoryChart(self)
        self.chart.setMinimumHeight(140)
        self.history_text = QLabel(self.tr("Select a worker or a department for their score over 12 months."), self)
        self.history_text.setWordWrap(True)
        self.history_button = QToolButton(self)
        self.history_button.setText(self.tr("Compute the 12 months"))
        self.history_button.hide()
        self._month_timer = QTimer(self, singleShot=True, interval=MONTH_DEBOUNCE_MS)
        self._lay_out()
        self.show_progress(None)

        self.month_edit.dateChanged.connect(lambda _date: self._month_timer.start())
        self._month_timer.timeout.connect(lambda: self.month_chosen.emit(self.month()))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.csv_button.clicked.connect(lambda: self.export_requested.emit("csv"))
        self.pdf_button.clicked.connect(lambda: self.export_requested.emit("pdf"))
        self.history_button.clicked.connect(self.history_requested)
        self.tabs.currentChanged.connect(lambda _k: self._selection_changed())
        for tab in (self.workers, self.departments):
            tab.view.selectionModel().currentChanged.connect(lambda _now, _was: self._selection_changed())
            tab.view.doubleClicked.connect(self._double_clicked)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month:"), self))
        top.addWidget(self.month_edit)
        top.addWidget(self.status, 1)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.progress_text)
        busy.addWidget(self.cancel_button)
        below = QWidget(self)
        history = QHBoxLayout()
        history.setContentsMargins(0, 0, 0, 0)
        history.addWidget(self.history_text, 1)
        history.addWidget(self.history_button)
        chart_box = QVBoxLayout(below)
        chart_box.setContentsMargins(0, 0, 0, 0)
        chart_box.addLayout(history)
        chart_box.addWidget(self.chart, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tabs)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(busy)
        layout.addWidget(split, 1)

    # -- what the room tells it ----------------------------------------------------------------------------
    def month(self) -> Month:
        date = self.month_edit.date()
        return Month(date.year(), date.month())

    def set_month(self, month: Month) -> None:
        """Show ``month`` in the picker without asking for it."""
        self.month_edit.blockSignals(True)
        self.month_edit.setDate(QDate(month.year, month.month, 1))
        self.month_edit.blockSignals(False)

    def show_progress(self, fraction: float | None, text: str = "") -> None:
        """A running computation's progress (None: nothing running)."""
        running = fraction is not None
        for widget in (self.progress, self.progress_text, self.cancel_button):
            widget.setVisible(running)
        if running:
            self.progress.setValue(int(fraction * 1000))
            self.progress_text.setText(text)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def set_scorecards(self, cards: Scorecards) -> None:
        """Show a month's scorecards in both tables."""
        self.cards = cards
        villages = sorted({(w.village_id, w.village_name(self.lang)) for w in cards.workers}, key=lambda v: v[1])
        departments = sorted(((d.department_id, d.name(self.lang)) for d in cards.departments), key=lambda d: d[1])
        self.workers.set_cards(cards.workers, villages)
        self.departments.set_cards(cards.departments, departments)
        self.set_status(self.tr("%1 · rules %2 · %3 workers, %4 departments · as of %5")
                        .replace("%1", str(cards.month)).replace("%2", cards.rules.version)
                        .replace("%3", labels.format_count(len(cards.workers)))
                        .replace("%4", labels.format_count(len(cards.departments)))
                        .replace("%5", datetime.fromtimestamp(cards.read_at).strftime("%Y-%m-%d %H:%M")))
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(True)
        self._selection_changed()

    def set_history(self, title: str, months: list[str], values: list[float | None], note: str,
                    can_continue: bool) -> None:
        """The selected subject's scores by month, what is known of the history, and whether it can go on."""
        self.chart.set_series(title, months, values)
        self.history_text.setText(note)
        self.history_button.setVisible(can_continue)

    def clear_history(self, note: str) -> None:
        self.chart.clear_series()
        self.history_text.setText(note)
        self.history_button.hide()

    # -- what the operator chose ----------------------------------------------------------------------------
    def current_tab(self) -> ScorecardTab:
        return self.workers if self.tabs.currentIndex() == 0 else self.departments

    def current_subject(self) -> str:
        return SUBJECTS[self.tabs.currentIndex()]

    def selected_id(self) -> int | None:
        index = self.current_tab().view.currentIndex()
        return index.data(ScorecardTable.SubjectRole) if index.isValid() else None

    def select(self, subject: str, subject_id: int) -> None:
        """Bring ``subject``'s tab to the front and select its row (if shown)."""
        tab = self.workers if subject == "worker" else self.departments
        self.tabs.setCurrentWidget(tab)
        for row in range(tab.rows.rowCount()):
            index = tab.rows.index(row, 0)
            if index.data(ScorecardTable.SubjectRole) == subject_id:
                tab.view.setCurrentIndex(index)
                tab.view.scrollTo(index)
                return

    def _selection_changed(self) -> None:
        subject_id = self.selected_id()
        if subject_id is not None:
            self.subject_selected.emit(self.current_subject(), subject_id)

    def _double_clicked(self, index: QModelIndex) -> None:
        figure = index.data(ScorecardTable.FigureRole)
        if figure:
            self.figure_activated.emit(self.current_subject(), index.data(ScorecardTable.SubjectRole), figure)
