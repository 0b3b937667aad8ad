"""The scorecards' tables: a Qt table model over a month's worker or department scorecards, and the proxy that
filters them to one village or department.

A city has 26,059 workers, so nothing here is per-row work up front: the model keeps the cards as they came
and one numpy permutation (its sort order), formats a cell only when the view paints it, and sorts with one
``numpy`` argsort over the column's values — a :class:`QSortFilterProxyModel` sorting by itself would call
back into Python for every comparison (~400,000 of them for a city).  The proxy (:class:`ScorecardFilter`)
therefore only filters; its :meth:`~ScorecardFilter.sort` hands the sort to the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtGui import QColor

from console.storage.scorecards import DepartmentScorecard, WorkerScorecard
from widgets import labels

GAIN = QColor("#43a047")
LOSS = QColor("#e53935")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScorecardTables", text)


def grade_name(grade: str) -> str:
    """A grade's name in the interface language."""
    return {"excellent": _tr("excellent"), "good": _tr("good"), "pass": _tr("pass"),
            "fail": _tr("fail")}.get(grade, grade)


@dataclass(frozen=True)
class Column:
    """One column: its header, the value it sorts by (a number, a text or None), the text shown and, for a
    figure that counts incidents, the figure's name for the drill-down (:meth:`Scorecards.incidents`)."""

    header: str
    value: Callable[[object], object]
    text: Callable[[object], str]
    figure: str | None = None
    numeric: bool = True
    signed: bool = False  # a change: green when up, red when down
    centred: bool = False  # a word among numbers (the grade)


def _number(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _change(value) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _hours(seconds) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}"


def _count(name: str, header: str) -> Column:
    return Column(header, lambda c: getattr(c, name), lambda c: str(getattr(c, name)), figure=name)


def worker_columns(lang: str) -> list[Column]:
    """The worker table's columns: what a narrow dock shows first (rank, name, score), then the figures."""
    return [
        Column(_tr("Town rank"), lambda w: w.rank_in_town, lambda w: str(w.rank_in_town)),
        Column(_tr("Name"), lambda w: w.name, lambda w: w.name, numeric=False),
        Column(_tr("Score"), lambda w: w.score.total, lambda w: _number(w.score.total)),
        Column(_tr("Last month"), lambda w: w.previous_score, lambda w: _number(w.previous_score)),
        Column(_tr("Change"), lambda w: w.change, lambda w: _change(w.change), signed=True),
        Column(_tr("Grade"), lambda w: w.score.total, lambda w: grade_name(w.score.grade), centred=True),
        Column(_tr("Village"), lambda w: w.village_name(lang), lambda w: w.village_name(lang), numeric=False),
        Column(_tr("Village rank"), lambda w: w.rank_in_village, lambda w: str(w.rank_in_village)),
        Column(_tr("Grid"), lambda w: w.grid_name, lambda w: w.grid_name, numeric=False),
        _count("reports", _tr("Reports")),
        _count("accepted", _tr("Accepted")),
        _count("rejected", _tr("Rejected")),
        _count("duplicates", _tr("Duplicates")),
        _count("one_key", _tr("One-key")),
        _count("dispatched", _tr("Dispatched to them")),
        _count("handled_on_spot", _tr("Handled on the spot")),
        Column(_tr("Avg. to respond"), lambda w: w.average_respond_s,
               lambda w: labels.format_figure_duration(w.average_respond_s), figure="responded"),
        Column(_tr("Avg. to resolve"), lambda w: w.average_resolve_s,
               lambda w: labels.format_figure_duration(w.average_resolve_s), figure="resolved"),
        _count("overdue", _tr("Overdue")),
        _count("supervised", _tr("Supervised")),
        Column(_tr("Patrol km"), lambda w: w.patrol.distance_m, lambda w: f"{w.patrol.distance_m / 1000:.1f}"),
        Column(_tr("In grid (h)"), lambda w: w.patrol.inside_grid_s, lambda w: _hours(w.patrol.inside_grid_s)),
        Column(_tr("Days without patrol"), lambda w: w.days_without_patrol, lambda w: str(w.days_without_patrol)),
        Column(_tr("Offline on duty (h)"), lambda w: w.patrol.offline_on_duty_s,
               lambda w: _hours(w.patrol.offline_on_duty_s)),
    ]


def department_columns(lang: str) -> list[Column]:
    """The department table's columns: rank, name and score first, then the figures."""
    def close_level(level: int) -> Column:
        return Column(_tr("Avg. to close, L%1").replace("%1", str(level)),
                      lambda d: d.average_close_by_level[level],
                      lambda d: labels.format_figure_duration(d.average_close_by_level[level]),
                      figure=f"closed_level_{level}")
    return [
        Column(_tr("Town rank"), lambda d: d.rank_in_town, lambda d: str(d.rank_in_town)),
        Column(_tr("Department"), lambda d: d.name(lang), lambda d: d.name(lang), numeric=False),
        Column(_tr("Score"), lambda d: d.score.total, lambda d: _number(d.score.total)),
        Column(_tr("Last month"), lambda d: d.previous_score, lambda d: _number(d.previous_score)),
        Column(_tr("Change"), lambda d: d.change, lambda d: _change(d.change), signed=True),
        Column(_tr("Grade"), lambda d: d.score.total, lambda d: grade_name(d.score.grade), centred=True),
        Column(_tr("Category"), lambda d: d.category, lambda d: d.category, numeric=False),
        _count("received", _tr("Received")),
        _count("accepted_in_time", _tr("Accepted in time")),
        _count("closed", _tr("Closed")),
        Column(_tr("Closure rate"), lambda d: d.closure_rate, lambda d: labels.format_percent(d.closure_rate),
               figure="closed"),
        *(close_level(level) for level in (1, 2, 3, 4)),
        _count("overdue", _tr("Overdue")),
        _count("supervision_orders", _tr("Supervision orders")),
        _count("joint_meetings", _tr("Joint meetings")),
    ]


class ScorecardTable(QAbstractTableModel):
    """A month's worker or department scorecards as rows (``subject`` ``"worker"`` or ``"department"``)."""

    #: The row's subject id (worker or department id).
    SubjectRole = Qt.ItemDataRole.UserRole
    #: The id rows are filtered by: the worker's village, the department itself.
    GroupRole = Qt.ItemDataRole.UserRole + 1
    #: The column's drill-down figure, or None.
    FigureRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, subject: str, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.subject = subject
        self.columns = list(columns)
        self.cards: tuple = ()
        self.order = np.zeros(0, dtype=np.int64)
        self._tip = _tr("Double-click: the incidents behind this figure, in the queue")

    def set_cards(self, cards: Sequence[WorkerScorecard] | Sequence[DepartmentScorecard],
                  column: int = 0, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Show ``cards``, sorted by ``column``."""
        self.beginResetModel()
        self.cards = tuple(cards)
        self.order = self._sorted(column, order)
        self.endResetModel()

    def card(self, row: int):
        return self.cards[self.order[row]]

    def subject_id(self, card) -> int:
        return card.worker_id if self.subject == "worker" else card.department_id

    def group_id(self, card) -> int:
        return card.village_id if self.subject == "worker" else card.department_id

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cards)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            column = self.columns[section]
            return f"{column.header}\n{self._tip}" if column.figure else column.header
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self.card(index.row()))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignHCenter if column.centred else \
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == self.SubjectRole:
            return self.subject_id(self.card(index.row()))
        if role == self.GroupRole:
            return self.group_id(self.card(index.row()))
        if role == self.FigureRole:
            return column.figure
        if role == Qt.ItemDataRole.ForegroundRole and column.signed:
            change = self.card(index.row()).change
            return None if not change else (GAIN if change > 0 else LOSS)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.figure:
                return self._tip
            return None if column.numeric else column.text(self.card(index.row()))  # a name cut short
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (one numpy argsort; no data() call per comparison), keeping the selection."""
        if not self.cards or not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        rows = [self.order[index.row()] for index in persistent]
        self.order = self._sorted(column, order)
        where = np.empty_like(self.order)
        where[self.order] = np.arange(len(self.order))
        self.changePersistentIndexList(persistent, [self.index(int(where[card]), index.column())
                                                    for card, index in zip(rows, persistent)])
        self.layoutChanged.emit()

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        """The cards' order by one column; blanks (None) last either way, ties in the cards' own order."""
        n = len(self.cards)
        if not n or not 0 <= column < len(self.columns):
            return np.arange(n, dtype=np.int64)
        values = [self.columns[column].value(card) for card in self.cards]
        blank = np.array([v is None for v in values])
        if self.columns[column].numeric:
            keys = np.array([0.0 if v is None else float(v) for v in values])
            if order == Qt.SortOrder.DescendingOrder:
                keys = -keys
            order_ = np.lexsort((np.arange(n), keys, blank))
        else:
            texts = np.array(["" if v is None else str(v) for v in values], dtype=object)
            ascending = np.argsort(texts, kind="stable")
            rank = np.empty(n, dtype=np.int64)
            rank[ascending] = np.arange(n)
            if order == Qt.SortOrder.DescendingOrder:
                rank = -rank
            order_ = np.lexsort((np.arange(n), rank, blank))
        return order_.astype(np.int64)


class ScorecardFilter(QSortFilterProxyModel):
    """Shows the rows of one group (a village's workers, one department) or all; sorting is the model's."""

    def __init__(self, table: ScorecardTable, parent=None):
        super().__init__(parent)
        self.group: int | None = None
        self.setSourceModel(table)
        self.setDynamicSortFilter(False)

    def set_group(self, group: int | None) -> None:
        """Only the rows whose :attr:`ScorecardTable.GroupRole` is ``group`` (None: every row)."""
        self.beginFilterChange()
        self.group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self.group is None:
            return True
        table: ScorecardTable = self.sourceModel()
        return table.group_id(table.card(source_row)) == self.group

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def shown_cards(self) -> list:
        """The cards shown, in the order shown."""
        table: ScorecardTable = self.sourceModel()
        return [table.card(self.mapToSource(self.index(row, 0)).row()) for row in range(self.rowCount())]
