"""The dispatch queue view: a filter bar over a lazily filled table."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QTableView, QToolButton, QVBoxLayout, QWidget)

from console.core.workflow import FINISHED_STATUSES, OPEN_STATUSES, Source, Status
from console.storage.queue import QueueFilter, QueueRow
from widgets import labels
from widgets.guard import guarded
from widgets.lookups import village_names
from widgets.queue_model import COLUMN_OF_KEY, Column, IncidentQueueModel, QueueRowRole

SEARCH_DEBOUNCE_MS = 250
ROW_HEIGHT = 24
_COLUMN_WIDTHS = {Column.NUMBER: 125, Column.REPORTED: 95, Column.CATEGORY: 175, Column.LEVEL: 105,
                  Column.PLACE: 175, Column.STATUS: 95, Column.ASSIGNEE: 125, Column.TIME_LEFT: 115,
                  Column.SOURCE: 95}
_STATUS_ORDER = [Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED,
                 Status.RESOLVED, Status.CLOSED, Status.REJECTED]


class StatusFilterButton(QToolButton):
    """A drop-down of checkable statuses with the presets "Open", "Finished" and "All"."""

    #: The checked statuses (empty: all) after the operator changed them (GUI thread).
    statuses_changed = Signal(frozenset)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self)
        self._presets = {
            "open": (self.tr("Open (needs work)"), frozenset(s.value for s in OPEN_STATUSES)),
            "finished": (self.tr("Finished"), frozenset(s.value for s in FINISHED_STATUSES)),
            "all": (self.tr("All"), frozenset()),
        }
        for key, (text, _statuses) in self._presets.items():
            menu.addAction(text, lambda key=key: self.set_preset(key))
        menu.addSeparator()
        self._actions = {}
        for status in _STATUS_ORDER:
            action = menu.addAction(labels.status_name(status))
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self._actions[status.value] = action
        self.setMenu(menu)
        self._statuses: frozenset[str] = frozenset()
        self._update_text()

    def statuses(self) -> frozenset[str]:
        """The checked statuses; empty means all."""
        return self._statuses

    def set_preset(self, key: str) -> None:
        self.set_statuses(self._presets[key][1])

    def set_statuses(self, statuses: frozenset[str]) -> None:
        statuses = frozenset(statuses)
        if statuses == frozenset(self._actions):
            statuses = frozenset()
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(value in statuses)
            action.blockSignals(False)
        if statuses != self._statuses:
            self._statuses = statuses
            self._update_text()
            self.statuses_changed.emit(statuses)

    def _toggled(self) -> None:
        self.set_statuses(frozenset(v for v, a in self._actions.items() if a.isChecked()))

    def _update_text(self) -> None:
        for text, statuses in self._presets.values():
            if statuses == self._statuses:
                self.setText(self.tr("Status: %1").replace("%1", text))
                return
        if len(self._statuses) == 1:
            name = labels.status_name(next(iter(self._statuses)))
        else:
            name = self.tr("%1 selected").replace("%1", str(len(self._statuses)))
        self.setText(self.tr("Status: %1").replace("%1", name))


class QueueView(QWidget):
    """The dispatch queue: filter bar, count label and the incident table.

    Given an :class:`~widgets.incident_actions.IncidentActions`, it keeps
    the actions on the selected row, offers them in the table's context menu
    and refreshes the model after each action.
    """

    #: The selected incident's id, or -1 when none is selected (GUI thread).
    incident_selected = Signal(int)
    #: The selected row's :class:`QueueRow` (or None) whenever it or its data changes,
    #: e.g. when a refresh shows a newer version (GUI thread).
    current_changed = Signal(object)

    def __init__(self, model: IncidentQueueModel, actions=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._actions = actions
        self._lang = model.lang
        self._current: QueueRow | None = None
        self._current_id = -1

        self.status_filter = StatusFilterButton(self)
        self.category_filter = QComboBox(self)
        self.level_filter = QComboBox(self)
        self.village_filter = QComboBox(self)
        self.source_filter = QComboBox(self)
        self.overdue_only = QCheckBox(self.tr("Overdue only"), self)
        self.search = QLineEdit(self)
        self.count_label = QLabel(self)
        self.outside_filter = QLabel(self)  # "Filtered from the dashboard: …", with its clear button
        self.outside_filter.setObjectName("outside_filter")
        self.outside_filter.setWordWrap(True)
        self.clear_outside_filter = QToolButton(self)
        self.clear_outside_filter.setText(self.tr("Clear"))
        self.clear_outside_filter.setToolTip(self.tr("Show the queue without the dashboard's filter"))
        self.outside_filter.hide()
        self.clear_outside_filter.hide()
        self.table = QTableView(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._pending_selection: int | None = None
        self._pending_deadline = QTimer(self, singleShot=True)
        self._pending_deadline.timeout.connect(lambda: setattr(self, "_pending_selection", None))
        self._fill_filters()
        self._build_table()
        self._lay_out()

        self.status_filter.statuses_changed.connect(self._apply_filter)
        for combo in (self.category_filter, self.level_filter, self.village_filter, self.source_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.overdue_only.toggled.connect(self._apply_filter)
        self.clear_outside_filter.clicked.connect(self.clear_filter_from_outside)
        self.search.textChanged.connect(self._debounce.start)
        self._debounce.timeout.connect(self._apply_filter)
        model.counts_changed.connect(self._show_counts)
        model.loading_changed.connect(self._show_loading)
        model.query_failed.connect(self._show_failure)
        for signal in (model.modelReset, model.layoutChanged, model.dataChanged):
            signal.connect(self._sync_current)
            signal.connect(self._try_pending_selection)
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._publish_visible_rows)
        self.table.selectionModel().currentRowChanged.connect(self._sync_current)
        self.table.verticalScrollBar().valueChanged.connect(self._publish_visible_rows)
        self.table.customContextMenuRequested.connect(self._context_menu)
        if actions is not None:
            actions.incident_changed.connect(lambda _id: model.refresh())
            actions.action_failed.connect(lambda _id, _msg: model.refresh())
        self.status_filter.set_preset("open")
        self._show_counts(model.pinned_count(), model.total_count())
        self._show_loading(model.is_loading())

    # -- public API ------------------------------------------------------------------------
    def model(self) -> IncidentQueueModel:
        return self._model

    def current_row(self) -> QueueRow | None:
        return self._current

    def current_filter(self) -> QueueFilter:
        return self._model.current_filter()

    def select_incident(self, incident_id: int) -> bool:
        """Select and show ``incident_id`` if it is among the loaded rows; False otherwise."""
        row = self._model.row_of(incident_id)
        if row < 0:
            return False
        index = self._model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def select_incident_when_loaded(self, incident_id: int, timeout_ms: int = 10_000) -> None:
        """Select ``incident_id`` now or as soon as a refresh brings its row in (a new report)."""
        self._pending_selection = incident_id
        self._pending_deadline.start(timeout_ms)
        self._try_pending_selection()

    def _try_pending_selection(self, *_args) -> None:
        if self._pending_selection is not None and self.select_incident(self._pending_selection):
            self._pending_selection = None
            self._pending_deadline.stop()

    def apply_filter_from_outside(self, flt: QueueFilter, description: str, chip: str | None = None) -> None:
        """Show exactly the incidents of ``flt`` (a dashboard figure that was clicked; ``chip``, when
        given, says where else the filter came from, e.g. a worker selected on the map).

        The filter bar takes what it can show (statuses, category, level, village, source, overdue);
        the rest (a time range, a department) is named on a chip above the table with a clear button."""
        widgets = (self.status_filter, self.category_filter, self.level_filter, self.village_filter,
                   self.source_filter, self.overdue_only, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.status_filter.set_statuses(flt.statuses)
            choice = f"subitem:{flt.subitem}" if flt.subitem else (f"category:{flt.category}" if flt.category else None)
            self.category_filter.setCurrentIndex(max(self.category_filter.findData(choice), 0))
            level = next(iter(flt.levels)) if len(flt.levels) == 1 else None
            self.level_filter.setCurrentIndex(max(self.level_filter.findData(level), 0))
            self.village_filter.setCurrentIndex(max(self.village_filter.findData(flt.village_id), 0))
            self.source_filter.setCurrentIndex(max(self.source_filter.findData(flt.source), 0))
            self.overdue_only.setChecked(flt.overdue_only)
            self.search.setText(flt.text)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._debounce.stop()
        self.outside_filter.setText(chip or self.tr("Filtered from the dashboard: %1").replace("%1", description))
        self.outside_filter.show()
        self.clear_outside_filter.show()
        self._model.set_filter(flt)

    def clear_filter_from_outside(self) -> None:
        """Drop the dashboard's filter: back to what the filter bar shows (the "Open" preset if untouched)."""
        self.outside_filter.hide()
        self.clear_outside_filter.hide()
        self._model.set_filter(self._filter_from_bar().with_(created_from=None, created_to=None, department_id=None,
                                                             worker_id=None, incident_ids=frozenset()))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- building --------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        taxonomy = self._model.service.taxonomy
        self.category_filter.addItem(self.tr("All categories"), None)
        for category in taxonomy.categories:
            self.category_filter.addItem(category.name(self._lang), "category:" + category.code)
            for item in taxonomy.items_of(category.code):
                self.category_filter.addItem("    " + item.name(self._lang), "subitem:" + item.code)
        self.level_filter.addItem(self.tr("All levels"), None)
        for level in (1, 2, 3, 4):
            self.level_filter.addItem(labels.level_name(level), level)
        self.village_filter.addItem(self.tr("All villages"), None)
        self.village_filter.setEnabled(False)
        self._model.tasks.read(village_names, self._model.store,
                                on_done=guarded(self, QueueView._villages_loaded))
        self.source_filter.addItem(self.tr("All sources"), None)
        for source in Source:
            self.source_filter.addItem(labels.source_name(source), source.value)
        self.search.setPlaceholderText(self.tr("Search number, title, description, assignee…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        for combo in (self.category_filter, self.level_filter, self.village_filter, self.source_filter):
            combo.setMaxVisibleItems(24)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(7)

    def _villages_loaded(self, villages) -> None:
        for village in villages:
            self.village_filter.addItem(village.name(self._lang), village.id)
        self.village_filter.setEnabled(True)

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self._model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        vertical = table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.setMinimumSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in _COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        sort = self._model.current_sort()
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(COLUMN_OF_KEY[sort.key], order)
        table.setSortingEnabled(True)

    def _lay_out(self) -> None:
        # Two rows, so the queue fits beside the video wall on a 1600-pixel screen.
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        for widget in (self.status_filter, self.category_filter, self.level_filter, self.village_filter,
                       self.source_filter):
            bar.addWidget(widget, 1)
        search_bar = QHBoxLayout()
        search_bar.setContentsMargins(0, 0, 0, 0)
        search_bar.addWidget(self.search, 1)
        search_bar.addWidget(self.overdue_only)
        footer = QHBoxLayout()
        footer.setContentsMargins(2, 0, 2, 0)
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addLayout(search_bar)
        chip = QHBoxLayout()
        chip.setContentsMargins(2, 0, 2, 0)
        chip.addWidget(self.outside_filter, 1)
        chip.addWidget(self.clear_outside_filter)
        layout.addLayout(chip)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

    # -- reacting --------------------------------------------------------------------------
    def _filter_from_bar(self) -> QueueFilter:
        category = subitem = None
        choice = self.category_filter.currentData()
        if choice is not None:
            kind, code = choice.split(":", 1)
            category, subitem = (code, None) if kind == "category" else (None, code)
        level = self.level_filter.currentData()
        return self._model.current_filter().with_(
            statuses=self.status_filter.statuses(), category=category, subitem=subitem,
            levels=frozenset() if level is None else frozenset({level}),
            village_id=self.village_filter.currentData(), source=self.source_filter.currentData(),
            overdue_only=self.overdue_only.isChecked(), text=self.search.text().strip())

    def _apply_filter(self, *_args) -> None:
        self._debounce.stop()
        self._model.set_filter(self._filter_from_bar())

    def _show_counts(self, pinned: int, total: int) -> None:
        text = (self.tr("1 incident") if total == 1 else
                self.tr("%1 incidents").replace("%1", labels.format_count(total)))
        if pinned:
            text += " · " + self.tr("%1 one-key").replace("%1", labels.format_count(pinned))
        self.count_label.setText(text)
        self.count_label.setToolTip("")

    def _show_loading(self, loading: bool) -> None:
        self.table.viewport().setCursor(Qt.CursorShape.BusyCursor if loading else Qt.CursorShape.ArrowCursor)
        if loading and self._model.rowCount() == 0:
            self.count_label.setText(self.tr("Loading…"))

    def _show_failure(self, message: str) -> None:
        self.count_label.setText(self.tr("Query failed: %1").replace("%1", message))
        self.count_label.setToolTip(message)

    def _publish_visible_rows(self, *_args) -> None:
        first = self.table.rowAt(0)
        if first < 0:
            self._model.set_visible_rows(-1, -1)
            return
        last = self.table.rowAt(self.table.viewport().height() - 1)
        self._model.set_visible_rows(first, last if last >= 0 else self._model.rowCount() - 1)

    def _sync_current(self, *_args) -> None:
        index = self.table.currentIndex()
        row = index.data(QueueRowRole) if index.isValid() else None
        if row != self._current:
            self._current = row
            if self._actions is not None:
                self._actions.set_current(row)
            self.current_changed.emit(row)
        incident_id = row.id if row is not None else -1
        if incident_id != self._current_id:
            self._current_id = incident_id
            self.incident_selected.emit(incident_id)

    def _context_menu(self, pos: QPoint) -> None:
        if self._actions is None:
            return
        index = self.table.indexAt(pos)
        if index.isValid() and index.row() != self.table.currentIndex().row():
            self.table.setCurrentIndex(index)
        menu = self._actions.context_menu(self.table)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._publish_visible_rows()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._publish_visible_rows)

