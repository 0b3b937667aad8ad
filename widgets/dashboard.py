"""The dashboard dock: key figures, rolling charts, department linkage and villages with their red lights.

Thin: it draws a :class:`~console.storage.dashboard.Dashboard` it is given (:meth:`DashboardView.set_dashboard`)
and turns a click on a figure into a queue filter (:func:`~console.storage.dashboard.figure_filter`).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QSizePolicy,
                               QTableView, QToolButton, QVBoxLayout, QWidget)

from console.core.taxonomy import Taxonomy
from console.storage.dashboard import PERIOD_DAYS, Dashboard, figure_filter
from widgets import labels
from widgets.dashboard_charts import BarChart, StepwiseDrawing

RED = QColor("#e53935")
GREEN = QColor("#43a047")
AMBER = QColor("#fb8c00")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dashboard", text)



def day_label(epoch: int) -> str:
    return labels.local_time(epoch).strftime("%m-%d")


def hour_label(epoch: int) -> str:
    return labels.local_time(epoch).strftime("%H")


def short_name(name: str, lang: str, chinese: int = 4) -> str:
    """A label that fits under a bar: a few characters of Chinese, one word of English (the tooltip has it all)."""
    if lang.startswith("zh"):
        return name[:chinese]
    word = name.split()[0] if name.split() else name
    return word if len(word) <= 9 else word[:8] + "…"


_ROLES_SHOWN = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.UserRole)


class FiguresTable(QAbstractTableModel):
    """Rows of figures (a department's, a village's): ``cells(row)`` gives a row's texts, its colour and
    tooltip, only when the view paints that row — so a city's 1,937 villages cost what the visible 20 do."""

    KeyRole = Qt.ItemDataRole.UserRole

    def __init__(self, headers: list[str], cells, parent=None, coloured: set[int] | None = None):
        super().__init__(parent)
        self.headers = headers
        self.coloured = coloured  # the columns a row's colour applies to (None: all)
        self.cells = cells  # figure -> (texts, colour or None, tooltip)
        self.rows: list = []
        self._shown: dict[int, tuple] = {}

    def set_rows(self, rows: list) -> None:
        """``rows``: figures with an ``id``, in display order."""
        self.beginResetModel()
        self.rows, self._shown = rows, {}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Painting a cell asks for seven roles: the four unused ones return before anything else.
        if role not in _ROLES_SHOWN or not index.isValid():
            return None
        row = index.row()
        if role == self.KeyRole:
            return self.rows[row].id
        shown = self._shown.get(row)
        if shown is None:
            shown = self._shown[row] = self.cells(self.rows[row])
        texts, colour, tip = shown
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return colour if self.coloured is None or index.column() in self.coloured else None
        return tip or None


class KeyFigure(QToolButton):
    """A big number with its caption; clicking it asks for the incidents behind it."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAutoRaise(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.set_value("—")

    def set_value(self, value: str, colour: QColor | None = None) -> None:
        self.setText(f"{value}\n{self.caption}")
        colour_rule = f"color: {colour.name()};" if colour is not None else ""
        self.setStyleSheet(f"QToolButton {{ font-size: 17px; font-weight: bold; {colour_rule} }}")


class DashboardView(QWidget):
    """The dashboard's widgets.  Signals (GUI thread): ``filter_requested(object, str)`` with the
    :class:`~console.storage.queue.QueueFilter` of the figure clicked and a description for the operator."""

    filter_requested = Signal(object, str)

    def __init__(self, taxonomy: Taxonomy, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.taxonomy, self.lang = taxonomy, lang
        self.dashboard: Dashboard | None = None
        self.status = QLabel(self.tr("Loading the dashboard…"), self)
        self.figures = {
            "received": KeyFigure(self.tr("reported, %1 days").replace("%1", str(PERIOD_DAYS)), self),
            "open": KeyFigure(self.tr("open now"), self),
            "overdue": KeyFigure(self.tr("overdue now"), self),
            "one_key": KeyFigure(self.tr("one-key open"), self),
            "closed": KeyFigure(self.tr("closure rate (city 99.6 %)"), self),
        }
        self.per_hour = BarChart(self.tr("Last 24 h: reported (bars), handled (line)"), self)
        self.per_day = BarChart(self.tr("New per day: last 30 days (bars), the 30 before (line)"), self)
        self.sources = BarChart(self.tr("Sources, last 30 days"), self)
        self.categories = BarChart(self.tr("Categories, last 30 days"), self)
        self.levels = BarChart(self.tr("Average time to close per level (hours)"), self)
        for chart in (self.sources, self.categories, self.levels):
            chart.set_font_size(8, title=False)
        self.department_rows = FiguresTable([self.tr("Department"), self.tr("Assessment"), self.tr("Received"),
                                             self.tr("Closed"), self.tr("Overdue"), self.tr("Avg. to close")],
                                            self._department_cells, self, coloured={4})
        self.village_rows = FiguresTable([self.tr("Village"), self.tr("Reported (7 days)"), self.tr("Open"),
                                          self.tr("Unresolved")], self._village_cells, self)
        self._red_tip = self.tr("Red light: %1 of this week's events unresolved")
        self._drawing = StepwiseDrawing(self)
        self.departments = QTableView(self)
        self.villages = QTableView(self)
        for table, model, widths in ((self.departments, self.department_rows, (220, 80, 70, 70, 70)),
                                     (self.villages, self.village_rows, (150, 110, 60))):
            table.setModel(model)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
            table.verticalHeader().setVisible(False)
            table.verticalHeader().setDefaultSectionSize(22)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.horizontalHeader().setStretchLastSection(True)
            for column, width in enumerate(widths):
                table.setColumnWidth(column, width)
            table.setCursor(Qt.CursorShape.PointingHandCursor)
        self._lay_out()

        for kind, button in self.figures.items():
            button.clicked.connect(lambda _=False, k=kind: self.request(k, None))
        self.per_hour.bar_clicked.connect(lambda key: self.request("hour", key))
        self.per_day.bar_clicked.connect(lambda key: self.request("day", key))
        self.sources.bar_clicked.connect(lambda key: self.request("source", key))
        self.categories.bar_clicked.connect(lambda key: self.request("category", key))
        self.levels.bar_clicked.connect(lambda key: self.request("level", key))
        self.departments.clicked.connect(self._department_clicked)
        self.villages.clicked.connect(self._village_clicked)

    def _lay_out(self) -> None:
        strip = QHBoxLayout()
        for button in self.figures.values():
            strip.addWidget(button)
        grid = QGridLayout()
        grid.addWidget(self.per_hour, 0, 0)
        grid.addWidget(self.per_day, 0, 1, 1, 2)
        grid.addWidget(self.sources, 1, 0)
        grid.addWidget(self.categories, 1, 1)
        grid.addWidget(self.levels, 1, 2)
        grid.addWidget(self.departments, 2, 0, 1, 2)
        grid.addWidget(self.villages, 2, 2)
        for row, stretch in enumerate((3, 3, 4)):
            grid.setRowStretch(row, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(strip)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)

    # -- drawing -------------------------------------------------------------------------------
    def set_dashboard(self, dash: Dashboard) -> None:
        """Draw ``dash``, one part per pass of the event loop (:class:`StepwiseDrawing`)."""
        self.dashboard = dash
        self._drawing.start(dash, [self._draw_figures, self._draw_per_hour, self._draw_per_day,
                                   self._draw_sources, self._draw_categories, self._draw_levels,
                                   self._fill_departments, self._fill_villages])

    def draw_now(self, dash: Dashboard) -> None:
        """Draw ``dash`` all at once (tests, pictures)."""
        self.set_dashboard(dash)
        self._drawing.finish()

    def is_drawing(self) -> bool:
        return self._drawing.busy()

    def _draw_figures(self, dash: Dashboard) -> None:
        f = self.figures
        f["received"].set_value(labels.format_count(dash.received))
        f["open"].set_value(labels.format_count(dash.open_now))
        f["overdue"].set_value(labels.format_count(dash.overdue_now), RED if dash.overdue_now else None)
        f["one_key"].set_value(labels.format_count(dash.one_key_open), RED if dash.one_key_open else None)
        below = dash.closure_rate is not None and dash.closure_rate < dash.reference_closure_rate
        f["closed"].set_value(labels.format_percent(dash.closure_rate), AMBER if below else GREEN)
        f["closed"].setToolTip(self.tr("%1 closed of %2 reported (%3 rejected); the city's reference is 99.6 %")
                               .replace("%1", labels.format_count(dash.closed))
                               .replace("%2", labels.format_count(dash.received))
                               .replace("%3", labels.format_count(dash.rejected)))
        self.status.setText(self.tr("As of %1 · red villages: %2").replace("%1", labels.format_datetime(dash.at))
                            .replace("%2", str(len(dash.red_villages))))

    def _draw_per_hour(self, dash: Dashboard) -> None:
        hours = list(range(len(dash.hour_starts)))
        self.per_hour.set_bars(hours, [hour_label(h) for h in dash.hour_starts], dash.reported_per_hour,
                               [self.tr("%1:00 — reported %2, handled %3").replace("%1", hour_label(h))
                                .replace("%2", str(r)).replace("%3", str(d))
                                for h, r, d in zip(dash.hour_starts, dash.reported_per_hour, dash.handled_per_hour)],
                               line=dash.handled_per_hour, tick_every=3)

    def _draw_per_day(self, dash: Dashboard) -> None:
        current, previous = dash.current_30, dash.previous_30
        first = len(dash.day_starts) - len(current)
        days = dash.day_starts[first:]
        self.per_day.set_bars(list(range(first, len(dash.day_starts))), [day_label(d) for d in days], current,
                              [self.tr("%1: %2 new (30 days earlier: %3)").replace("%1", day_label(d))
                               .replace("%2", str(n)).replace("%3", str(p))
                               for d, n, p in zip(days, current, previous)], line=previous, tick_every=5)

    def _draw_sources(self, dash: Dashboard) -> None:
        total = max(sum(n for _s, n in dash.sources), 1)
        self.sources.set_bars([s for s, _n in dash.sources],
                              [short_name(labels.source_name(s), self.lang) for s, _n in dash.sources],
                              [n for _s, n in dash.sources],
                              [f"{labels.source_name(s)}: {n} ({n / total:.1%})" for s, n in dash.sources])

    def _draw_categories(self, dash: Dashboard) -> None:
        names = {c.code: c.name(self.lang) for c in self.taxonomy.categories}
        total = max(sum(n for _c, n in dash.categories), 1)
        self.categories.set_bars([c for c, _n in dash.categories],
                                 [short_name(names.get(c, c), self.lang, 2) for c, _n in dash.categories],
                                 [n for _c, n in dash.categories],
                                 [f"{names.get(c, c)}: {n} ({n / total:.1%})" for c, n in dash.categories])

    def _draw_levels(self, dash: Dashboard) -> None:
        levels = sorted(dash.average_close_by_level)
        self.levels.set_bars(levels, [labels.level_name(lv) for lv in levels],
                             [(dash.average_close_by_level[lv] or 0) / 3600 for lv in levels],
                             [self.tr("%1: %2 on average, %3 closed").replace("%1", labels.level_name(lv))
                              .replace("%2", labels.format_figure_duration(dash.average_close_by_level[lv]))
                              .replace("%3", str(dash.closed_by_level[lv])) for lv in levels])

    def _fill_departments(self, dash: Dashboard) -> None:
        self.department_rows.set_rows(sorted(dash.departments, key=lambda d: (-d.overdue, -d.received, d.id)))

    def _department_cells(self, d):
        return ([d.name(self.lang), d.assessment, str(d.received), str(d.closed), str(d.overdue),
                 labels.format_figure_duration(d.average_close_s)], RED if d.overdue else None, "")

    def _fill_villages(self, dash: Dashboard) -> None:
        self.village_rows.set_rows([v for v in dash.villages if v.reported] or list(dash.villages))

    def _village_cells(self, v):
        return ([("● " if v.red else "○ ") + v.name(self.lang), str(v.reported), str(v.open),
                 labels.format_percent(v.unresolved_share)], RED if v.red else None,
                self._red_tip.replace("%1", labels.format_percent(v.unresolved_share)) if v.red else "")

    # -- clicks -----------------------------------------------------------------------------------
    def _department_clicked(self, index: QModelIndex) -> None:
        kind = {3: "department_closed", 4: "department_overdue"}.get(index.column(), "department")
        self.request(kind, index.data(FiguresTable.KeyRole))

    def _village_clicked(self, index: QModelIndex) -> None:
        self.request("village_open" if index.column() in (2, 3) else "village", index.data(FiguresTable.KeyRole))

    def request(self, kind: str, key) -> None:
        """Ask the queue for the incidents behind one figure (what a click does)."""
        if self.dashboard is None:
            return
        self.filter_requested.emit(figure_filter(self.dashboard, kind, key), self.describe(kind, key))

    def describe(self, kind: str, key) -> str:
        """What the queue was filtered to, in the operator's words."""
        dash = self.dashboard
        period = self.tr("last %1 days").replace("%1", str(PERIOD_DAYS))
        if kind == "hour":
            start = dash.hour_starts[key]
            return self.tr("reported %1, %2:00–%3:00").replace("%1", day_label(start)) \
                .replace("%2", hour_label(start)).replace("%3", hour_label(start + 3600))
        if kind == "day":
            return self.tr("reported on %1").replace("%1", labels.local_time(dash.day_starts[key]).strftime("%Y-%m-%d"))
        if kind == "source":
            return f"{labels.source_name(key)}, {period}"
        if kind == "category":
            names = {c.code: c.name(self.lang) for c in self.taxonomy.categories}
            return f"{names.get(key, key)}, {period}"
        if kind == "level":
            return self.tr("%1, closed, %2").replace("%1", labels.level_name(key)).replace("%2", period)
        if kind.startswith("department"):
            name = next((d.name(self.lang) for d in dash.departments if d.id == key), str(key))
            what = {"department": self.tr("received, %1").replace("%1", period),
                    "department_closed": self.tr("closed, %1").replace("%1", period),
                    "department_overdue": self.tr("overdue now")}[kind]
            return f"{name}: {what}"
        if kind.startswith("village"):
            name = next((v.name(self.lang) for v in dash.villages if v.id == key), str(key))
            return f"{name}: " + (self.tr("open, last 7 days") if kind == "village_open" else self.tr("last 7 days"))
        return {"received": self.tr("reported, %1").replace("%1", period),
                "closed": self.tr("closed, %1").replace("%1", period), "open": self.tr("open now"),
                "overdue": self.tr("overdue now"), "one_key": self.tr("one-key reports open now")}[kind]
