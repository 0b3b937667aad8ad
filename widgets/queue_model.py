"""The dispatch queue as a lazy Qt table model over millions of incidents.

The model never holds the whole table.  A filter or sort change asks, off the
GUI thread, for the counts, the pinned (active one-key) rows and the first
page; further pages of :data:`PAGE_SIZE` rows are fetched when ``data()`` asks
for a row that is not loaded yet, and kept in a small LRU cache.  Every query
carries a generation number, so replies to a superseded filter are dropped.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont

from console.core.workflow import OPEN_STATUSES
from console.gui.taskman import TaskManager
from console.storage.db import Store
from console.storage.dispatch import DispatchService
from console.storage.queue import QueueFilter, QueueQuery, QueueRow, QueueSort, SortKey
from widgets import badges, labels
from widgets.guard import guarded
from widgets.lookups import village_names
from widgets.queue_pages import PAGE_SIZE, PageCache, QueueSnapshot, read_page, read_snapshot

_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"


class Column(IntEnum):
    """The queue's columns, in display order."""

    NUMBER = 0
    REPORTED = 1
    CATEGORY = 2
    LEVEL = 3
    PLACE = 4
    STATUS = 5
    ASSIGNEE = 6
    TIME_LEFT = 7
    SOURCE = 8


SORT_KEYS = {
    Column.NUMBER: SortKey.NUMBER, Column.REPORTED: SortKey.CREATED, Column.CATEGORY: SortKey.CATEGORY,
    Column.LEVEL: SortKey.LEVEL, Column.PLACE: SortKey.VILLAGE, Column.STATUS: SortKey.STATUS,
    Column.ASSIGNEE: SortKey.ASSIGNEE, Column.TIME_LEFT: SortKey.DEADLINE, Column.SOURCE: SortKey.SOURCE,
}
COLUMN_OF_KEY = {key: column for column, key in SORT_KEYS.items()}

#: ``data(index, IncidentIdRole)`` is the row's incident id (None while the row is loading).
IncidentIdRole = Qt.ItemDataRole.UserRole + 1
#: ``data(index, QueueRowRole)`` is the row's :class:`QueueRow` (None while loading).
QueueRowRole = Qt.ItemDataRole.UserRole + 2


class IncidentQueueModel(QAbstractTableModel):
    """The dispatch queue: active one-key reports first, then one page-fetched, sorted, filtered list.

    All signals are emitted on the GUI thread (replies from the I/O pool are
    delivered there by the :class:`TaskManager`).
    """

    #: (pinned one-key rows, all matching rows) after each count query. GUI thread.
    counts_changed = Signal(int, int)
    #: True while a count or page query is outstanding. GUI thread.
    loading_changed = Signal(bool)
    #: A query failed; the argument is a one-line message for the operator. GUI thread.
    query_failed = Signal(str)

    def __init__(self, store: Store, tasks: TaskManager, service: DispatchService, lang: str,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._store, self._tasks, self._service, self._lang = store, tasks, service, lang
        self._taxonomy = service.taxonomy
        self._filter = QueueFilter()
        self._sort = QueueSort()
        self._pinned: list[QueueRow] = []
        self._pinned_count = 0
        self._unpinned = 0
        self._cache = PageCache()
        self._query_gen = 0        # the newest count query issued
        self._head_pending = False
        self._reset_pending = False
        self._refresh_again = False
        self._loading = False
        self._visible: tuple[int, int] | None = None
        self._village_en: dict[str, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._now = self._service.clock.now().timestamp()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        if not lang.startswith("zh"):
            tasks.read(village_names, store, on_done=guarded(self, IncidentQueueModel._villages_loaded))
        self._requery(reset=True)

    # -- public API ------------------------------------------------------------------------
    @property
    def cache_bound(self) -> int:
        """The most unpinned rows the model ever holds at once."""
        return self._cache.bound

    def cached_row_count(self) -> int:
        return self._cache.row_count()

    @property
    def lang(self) -> str:
        return self._lang

    @property
    def store(self) -> Store:
        return self._store

    @property
    def tasks(self) -> TaskManager:
        return self._tasks

    @property
    def service(self) -> DispatchService:
        return self._service

    def current_filter(self) -> QueueFilter:
        return self._filter

    def current_sort(self) -> QueueSort:
        return self._sort

    def set_filter(self, flt: QueueFilter) -> None:
        """Show the incidents matching ``flt`` (re-queries off the GUI thread)."""
        if flt != self._filter:
            self._filter = flt
            self._requery(reset=True)

    def set_sort(self, sort: QueueSort) -> None:
        if sort != self._sort:
            self._sort = sort
            self._requery(reset=True)

    def refresh(self) -> None:
        """Re-query counts and the visible pages, keeping the selected incident selected."""
        if self._head_pending:
            self._refresh_again = True
            return
        self._requery(reset=False)

    def is_loading(self) -> bool:
        return self._loading

    def pinned_count(self) -> int:
        return self._pinned_count

    def total_count(self) -> int:
        return self._pinned_count + self._unpinned

    def row_at(self, row: int) -> QueueRow | None:
        """The loaded row at ``row`` (None while it is being fetched); does not fetch."""
        if 0 <= row < self.rowCount():
            return self._row(row, fetch=False)
        return None

    def row_of(self, incident_id: int) -> int:
        """The model row showing ``incident_id`` among the loaded rows, or -1."""
        for r, row in enumerate(self._pinned):
            if row.id == incident_id:
                return r
        for offset, row in self._cache.offsets():
            if row.id == incident_id:
                return len(self._pinned) + offset
        return -1

    def set_visible_rows(self, first: int, last: int) -> None:
        """The rows the view shows: the countdown updates them, and only their pages are fetched."""
        self._visible = (first, last) if 0 <= first <= last else None
        base = len(self._pinned)
        if self._visible is None:
            self._cache.set_visible_pages(None)
        else:
            self._cache.set_visible_pages((max(0, first - base) // PAGE_SIZE, max(0, last - base) // PAGE_SIZE))

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._pinned) + self._unpinned

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles()[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.TIME_LEFT:
            return self.tr("Time until the handling deadline (sorts by deadline)")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is not None:
            self.set_sort(QueueSort(key, order == Qt.SortOrder.DescendingOrder))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._row(index.row(), fetch=role == Qt.ItemDataRole.DisplayRole)
        column = Column(index.column())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and column == Column.NUMBER:
                return "…"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == IncidentIdRole:
            return row.id
        if role == QueueRowRole:
            return row
        is_open = row.status in _OPEN
        alarm = row.one_key and is_open
        overdue = is_open and _epoch(row.deadline_at) < self._now
        if role == Qt.ItemDataRole.BackgroundRole:
            if alarm:
                return badges.ONE_KEY_BACKGROUND
            if row.supervised and is_open:
                return badges.SUPERVISED_BACKGROUND
            return badges.OVERDUE_BACKGROUND if overdue else None
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.TIME_LEFT and overdue and not alarm:
            return badges.OVERDUE_RED
        if role == Qt.ItemDataRole.FontRole and (alarm or (column == Column.TIME_LEFT and overdue)):
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NUMBER:
            if alarm:
                return badges.badge_icon("one_key")
            if row.supervised and is_open:
                return badges.badge_icon("supervised")
            return badges.badge_icon("overdue") if overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, alarm, overdue, is_open)
        return None

    # -- presentation ----------------------------------------------------------------------
    def _titles(self) -> list[str]:
        return [self.tr("Number"), self.tr("Reported"), self.tr("Category"), self.tr("Level"),
                self.tr("Village / grid"), self.tr("Status"), self.tr("Assignee"), self.tr("Time left"),
                self.tr("Source")]

    def _display(self, row: QueueRow, column: Column) -> str:
        if column == Column.NUMBER:
            return row.number
        if column == Column.REPORTED:
            return labels.format_short_datetime(row.created_at)
        if column == Column.CATEGORY:
            return self._subitem_name(row.subitem)
        if column == Column.LEVEL:
            return labels.level_name(row.level)
        if column == Column.PLACE:
            village = self._village_en.get(row.village, row.village) if row.village else ""
            return " / ".join(part for part in (village, row.grid or "") if part)
        if column == Column.STATUS:
            return labels.status_name(row.status)
        if column == Column.ASSIGNEE:
            return row.assignee
        if column == Column.TIME_LEFT:
            return labels.format_time_left(row.deadline_at, self._now) if row.status in _OPEN else "—"
        return labels.source_name(row.source)

    def _subitem_name(self, code: str) -> str:
        return self._taxonomy.item(code).name(self._lang) if self._taxonomy.has_item(code) else code

    def _tooltip(self, row: QueueRow, alarm: bool, overdue: bool, is_open: bool) -> str:
        lines = [f"{row.number} {row.title}"]
        if self._taxonomy.has_item(row.subitem):
            item = self._taxonomy.item(row.subitem)
            lines.append(f"{self._taxonomy.category(item.category).name(self._lang)} › {item.name(self._lang)}")
        if alarm:
            lines.append(self.tr("One-key report: alarm acknowledged") if row.alarm_acknowledged
                         else self.tr("One-key report: alarm NOT acknowledged"))
        if row.supervised and is_open:
            lines.append(self.tr("Supervision order issued"))
        elif row.reminded and is_open:
            lines.append(self.tr("Overdue reminder sent"))
        if overdue:
            lines.append(self.tr("Overdue since %1").replace("%1", labels.format_datetime(row.deadline_at)))
        return "\n".join(lines)

    def _villages_loaded(self, villages) -> None:
        self._village_en = {v.name_zh: v.name(self._lang) for v in villages}
        if self.rowCount():
            self.dataChanged.emit(self.index(0, Column.PLACE), self.index(self.rowCount() - 1, Column.PLACE),
                                  [Qt.ItemDataRole.DisplayRole])

    # -- rows and pages --------------------------------------------------------------------
    def _row(self, row: int, fetch: bool) -> QueueRow | None:
        if row < len(self._pinned):
            return self._pinned[row]
        offset = row - len(self._pinned)
        found = self._cache.row(offset) if fetch else self._cache.peek(offset)
        if found is None and fetch and offset < self._unpinned:
            self._request_page(offset // PAGE_SIZE)
        return found

    def _query(self) -> QueueQuery:
        return QueueQuery(self._filter, self._sort)

    def _request_page(self, page: int) -> None:
        if self._reset_pending or self._cache.get(page) is not None or not self._cache.begin_fetch(page):
            return
        generation = self._cache.generation
        self._tasks.read(read_page, self._store, self._query(), self._service.clock.now(), page,
                         self._unpinned, self._cache.wanted(),
                         on_done=guarded(self, lambda m, rows: m._page_arrived(generation, page, rows)),
                         on_error=guarded(self, lambda m, exc: m._page_failed(generation, page, exc)))
        self._update_loading()

    def _page_arrived(self, generation: int, page: int, rows: list[QueueRow] | None) -> None:
        if generation != self._cache.generation:
            return
        self._cache.end_fetch(page)
        if rows:
            self._cache.put(page, rows)
            first = len(self._pinned) + page * PAGE_SIZE
            self.dataChanged.emit(self.index(first, 0), self.index(first + len(rows) - 1, len(Column) - 1))
        self._update_loading()

    def _page_failed(self, generation: int, page: int, exc: BaseException) -> None:
        if generation != self._cache.generation:
            return
        self._cache.end_fetch(page)
        self._update_loading()
        self.query_failed.emit(_one_line(exc))

    # -- count queries ---------------------------------------------------------------------
    def _requery(self, reset: bool) -> None:
        self._query_gen += 1
        generation = self._query_gen
        if reset:
            self._reset_pending = True
            self._refresh_again = False
        pages = [0] if self._reset_pending else self._pages_to_refresh()
        self._head_pending = True
        self._tasks.read(read_snapshot, self._store, self._query(), self._service.clock.now(), pages,
                         on_done=guarded(self, lambda m, head: m._head_arrived(generation, head)),
                         on_error=guarded(self, lambda m, exc: m._head_failed(generation, exc)))
        self._update_loading()

    def _pages_to_refresh(self) -> list[int]:
        base = len(self._pinned)
        rows = {index.row() for index in self.persistentIndexList()}
        if self._visible is not None:
            rows.update((self._visible[0], self._visible[1]))
        pages = set()
        for row in rows:
            if row >= base:
                page = (row - base) // PAGE_SIZE
                pages.update((page, page + 1))  # the next page too: new rows push the old ones down
        if self._visible is not None:
            first, last = ((max(0, r - base) // PAGE_SIZE) for r in self._visible)
            pages.update(range(first, last + 1))
        return sorted(pages)[:8] or [0]

    def _head_arrived(self, generation: int, head: QueueSnapshot) -> None:
        if generation != self._query_gen:
            return  # superseded by a newer filter, sort or refresh
        self._head_pending = False
        if self._reset_pending:
            self.beginResetModel()
            self._apply(head)
            self._reset_pending = False
            self.endResetModel()
        else:
            self._apply_keeping_selection(head)
        self._update_loading()
        self.counts_changed.emit(self._pinned_count, self._pinned_count + self._unpinned)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _head_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._query_gen:
            return
        self._head_pending = False
        self._refresh_again = False
        if self._reset_pending:  # rows of the old filter must not pass for the new one
            self.beginResetModel()
            self._apply(QueueSnapshot())
            self._reset_pending = False
            self.endResetModel()
            self.counts_changed.emit(0, 0)
        self._update_loading()
        self.query_failed.emit(_one_line(exc))

    def _apply(self, head: QueueSnapshot) -> None:
        self._pinned = head.pinned
        self._pinned_count = head.pinned_count
        self._unpinned = head.unpinned
        self._cache.reset(head.pages)
        if self._visible is not None:
            self.set_visible_rows(*self._visible)

    def _apply_keeping_selection(self, head: QueueSnapshot) -> None:
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)
        old = self.persistentIndexList()
        ids = []
        for index in old:
            row = self._row(index.row(), fetch=False)
            ids.append(row.id if row is not None else None)
        old_rows = [index.row() for index in old]
        self._apply(head)
        where = {row.id: r for r, row in enumerate(self._pinned)}
        for offset, row in self._cache.offsets():
            where.setdefault(row.id, len(self._pinned) + offset)
        count = self.rowCount()
        new = []
        for index, incident_id, old_row in zip(old, ids, old_rows):
            if incident_id is None:
                new_row = old_row if old_row < count else -1
            else:
                new_row = where.get(incident_id, -1)
            new.append(self.index(new_row, index.column()) if new_row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)

    def _update_loading(self) -> None:
        loading = self._head_pending or self._cache.fetching()
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- live countdown --------------------------------------------------------------------
    def _tick(self) -> None:
        before, self._now = self._now, self._service.clock.now().timestamp()
        if self._visible is None or not self.rowCount():
            return
        first = min(self._visible[0], self.rowCount() - 1)
        last = min(self._visible[1], self.rowCount() - 1)
        self.dataChanged.emit(self.index(first, Column.TIME_LEFT), self.index(last, Column.TIME_LEFT),
                              [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])
        for r in range(first, last + 1):
            row = self._row(r, fetch=False)
            if row is not None and row.status in _OPEN and before <= _epoch(row.deadline_at) < self._now:
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(Column) - 1))


def _epoch(when: datetime | int) -> float:
    """QueueRow times are aware datetimes (the ORM column type), though annotated as epoch ints."""
    return when.timestamp() if isinstance(when, datetime) else when


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0]

