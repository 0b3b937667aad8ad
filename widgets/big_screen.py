"""The big-screen layout for an LED wall: village map with red lights, key figures readable across a room,
rolling charts, the latest one-key and the most overdue incidents.

Thin: :meth:`BigScreenView.set_dashboard` draws a :class:`~console.storage.dashboard.Dashboard`;
:meth:`BigScreenView.scale_to` sizes its text for a screen.  The map is a light one (villages as dots
at their coordinates, red when their light is red, sized by what they reported), not the desk's full map.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.storage.dashboard import Dashboard, IncidentLine
from widgets import labels
from widgets.dashboard import AMBER, GREEN, RED, day_label, hour_label
from widgets.dashboard_charts import BarChart, StepwiseDrawing

QUIET = QColor("#66bb6a")


class VillageMap(pg.PlotWidget):
    """Villages as dots at their longitude and latitude: red ones big and red, the rest by what they reported."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.setBackground(None)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.plot_item = self.getPlotItem()
        self.plot_item.hideAxis("left")
        self.plot_item.hideAxis("bottom")
        self.plot_item.setAspectLocked(True, ratio=1 / np.cos(np.radians(30)))
        self.dots = pg.ScatterPlotItem(pxMode=True)
        self._brushes = (pg.mkBrush(RED), pg.mkBrush(AMBER), pg.mkBrush(QUIET))
        self._pen = pg.mkPen(QColor("#263238"))
        self.addItem(self.dots)
        self._labels: list[pg.TextItem] = []
        self._extent = None

    def set_villages(self, villages, lang: str, label_points: float = 14) -> None:
        if not villages:
            self.dots.setData([], [])
            return
        lon = np.array([v.lon for v in villages], dtype=float)
        lat = np.array([v.lat for v in villages], dtype=float)
        reported = np.array([v.reported for v in villages], dtype=float)
        # Few distinct sizes and three shared brushes: pyqtgraph renders one symbol image per (size, brush),
        # and 1,937 distinct ones cost ~0.3 s on the GUI thread; a dozen cost nothing.
        size = np.round((8 + 22 * np.sqrt(reported / max(reported.max(), 1.0))) / 4) * 4
        size = np.where([v.red for v in villages], np.maximum(size, 28), size)
        red, amber, quiet = self._brushes
        brushes = [red if v.red else (amber if v.unresolved_share >= 0.5 else quiet) for v in villages]
        self.dots.setData(lon, lat, size=size, brush=brushes, pen=self._pen)
        for item in self._labels:
            self.removeItem(item)
        self._labels = []
        font = QFont()
        font.setPointSizeF(label_points)
        for v in villages:
            if v.red:
                text = pg.TextItem(v.name(lang), anchor=(0.5, 1.4), color=RED)
                text.setFont(font)
                text.setPos(v.lon, v.lat)
                self.addItem(text)
                self._labels.append(text)
        extent = (float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max()))
        if extent != self._extent:
            self._extent = extent
            self.plot_item.setXRange(extent[0], extent[1], padding=0.05)
            self.plot_item.setYRange(extent[2], extent[3], padding=0.05)


class BigFigure(QFrame):
    """A number to read across the room and its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("figure")
        self.value = QLabel("—", self)
        self.caption = QLabel(caption, self)
        for label in (self.value, self.caption):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set_value(self, text: str, colour: QColor | None = None) -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour.name()};" if colour is not None else "")


class IncidentList(QFrame):
    """A titled list of incidents, one line each (number, time, title)."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("list")
        self.title = QLabel(title, self)
        self.body = QLabel(self)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)

    def set_lines(self, lines: list[str], empty: str) -> None:
        self.body.setText("\n".join(lines) if lines else empty)


class BigScreenView(QWidget):
    """Everything on the LED wall, laid out for a wide screen (map left, figures and charts right)."""

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.dashboard: Dashboard | None = None
        self.setObjectName("big_screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # else the sheet's background is ignored
        self.title = QLabel(self.tr("Command room — live"), self)
        self.clock = QLabel(self)
        self.map = VillageMap(self)
        self.figures = {
            "new_today": BigFigure(self.tr("reported today"), self),
            "open": BigFigure(self.tr("open"), self),
            "overdue": BigFigure(self.tr("overdue"), self),
            "one_key": BigFigure(self.tr("one-key open"), self),
            "closure": BigFigure(self.tr("closure rate · city 99.6 %"), self),
            "red": BigFigure(self.tr("red villages"), self),
        }
        self.per_hour = BarChart(self.tr("Reported and handled per hour"), self)
        self.per_day = BarChart(self.tr("New per day, 30 days (line: the 30 before)"), self)
        self.one_key = IncidentList(self.tr("Latest one-key reports"), self)
        self.overdue = IncidentList(self.tr("Most overdue"), self)
        self._drawing = StepwiseDrawing(self)
        for plot in (self.map, self.per_hour, self.per_day):
            plot.setBackground(QColor("#12222e"))
        self._lay_out()
        self.scale_to(1080)

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.clock)
        figures = QGridLayout()
        for i, figure in enumerate(self.figures.values()):
            figures.addWidget(figure, i // 3, i % 3)
        charts = QHBoxLayout()
        charts.addWidget(self.per_hour)
        charts.addWidget(self.per_day)
        lists = QHBoxLayout()
        lists.addWidget(self.one_key)
        lists.addWidget(self.overdue)
        right = QVBoxLayout()
        right.addLayout(figures, 3)
        right.addLayout(charts, 4)
        right.addLayout(lists, 3)
        body = QHBoxLayout()
        body.addWidget(self.map, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(header)
        layout.addLayout(body, 1)

    def scale_to(self, height: int) -> None:
        """Size the text for a screen ``height`` pixels high (1080: figures 60 px, text 22 px)."""
        unit = max(height / 1080, 0.5)
        self._text_px = round(22 * unit)
        self.setStyleSheet("#big_screen { background: #0b1620; } QLabel { color: #eceff1; } "
                           "QFrame#figure, QFrame#list { background: #12222e; border-radius: 8px; }")
        self._font(self.title, 34 * unit, bold=True)
        self._font(self.clock, 30 * unit)
        for figure in self.figures.values():
            self._font(figure.value, 60 * unit, bold=True)
            self._font(figure.caption, 20 * unit)
        for lst in (self.one_key, self.overdue):
            self._font(lst.title, 24 * unit, bold=True)
            self._font(lst.body, 20 * unit)
        for chart in (self.per_hour, self.per_day):
            chart.set_font_size(14 * unit)
        self._label_pt = 16 * unit
        if self.dashboard is not None:
            self.draw_now(self.dashboard)

    @staticmethod
    def _font(label: QLabel, pixels: float, bold: bool = False) -> None:
        font = label.font()
        font.setPixelSize(max(int(pixels), 8))
        font.setBold(bold)
        label.setFont(font)

    def set_dashboard(self, dash: Dashboard) -> None:
        """Draw ``dash`` in parts, one per pass of the event loop (a wall's worth of painting at once
        would hold the GUI thread for a frame or more)."""
        self.dashboard = dash
        self._drawing.start(dash, [self._draw_figures, self._draw_map, self._draw_charts, self._draw_lists])

    def draw_now(self, dash: Dashboard) -> None:
        self.set_dashboard(dash)
        self._drawing.finish()

    def is_drawing(self) -> bool:
        return self._drawing.busy()

    def _draw_figures(self, dash: Dashboard) -> None:
        self.clock.setText(labels.format_datetime(dash.at))
        f = self.figures
        f["new_today"].set_value(labels.format_count(dash.new_today))
        f["open"].set_value(labels.format_count(dash.open_now))
        f["overdue"].set_value(labels.format_count(dash.overdue_now), RED if dash.overdue_now else GREEN)
        f["one_key"].set_value(labels.format_count(dash.one_key_open), RED if dash.one_key_open else GREEN)
        below = dash.closure_rate is not None and dash.closure_rate < dash.reference_closure_rate
        f["closure"].set_value(labels.format_percent(dash.closure_rate), AMBER if below else GREEN)
        f["red"].set_value(str(len(dash.red_villages)), RED if dash.red_villages else GREEN)

    def _draw_map(self, dash: Dashboard) -> None:
        self.map.set_villages(list(dash.villages), self.lang, self._label_pt)

    def _draw_charts(self, dash: Dashboard) -> None:
        hours = list(range(len(dash.hour_starts)))
        self.per_hour.set_bars(hours, [hour_label(h) for h in dash.hour_starts], dash.reported_per_hour,
                               [f"{hour_label(h)}:00 {r} / {d}" for h, r, d in
                                zip(dash.hour_starts, dash.reported_per_hour, dash.handled_per_hour)],
                               line=dash.handled_per_hour, tick_every=3)
        first = len(dash.day_starts) - len(dash.current_30)
        days = dash.day_starts[first:]
        self.per_day.set_bars(list(range(first, len(dash.day_starts))), [day_label(d) for d in days],
                              dash.current_30, [f"{day_label(d)}: {n}" for d, n in zip(days, dash.current_30)],
                              line=dash.previous_30, tick_every=7)

    def _draw_lists(self, dash: Dashboard) -> None:
        self.one_key.set_lines([self._line(i, dash) for i in dash.latest_one_key],
                               QCoreApplication.translate("BigScreenView", "None open"))
        self.overdue.set_lines([self._line(i, dash, overdue=True) for i in dash.most_overdue],
                               QCoreApplication.translate("BigScreenView", "Nothing overdue"))

    def _line(self, line: IncidentLine, dash: Dashboard, overdue: bool = False) -> str:
        when = labels.format_time_left(line.deadline_at, dash.at) if overdue else \
            labels.format_short_datetime(line.created_at)
        title = line.title if len(line.title) <= 22 else line.title[:21] + "…"
        return f"{line.number}  {when}  {title}"
