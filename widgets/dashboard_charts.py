"""A pyqtgraph bar chart for the dashboard: values on hover, a signal on click, an optional comparison line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QToolTip, QWidget

BAR_COLOUR = QColor("#4fc3f7")
LINE_COLOUR = QColor("#ffb74d")


class BarChart(pg.PlotWidget):
    """Vertical bars with their labels below; hovering shows a bar's tooltip, clicking emits its key.

    Signals (GUI thread): ``bar_clicked(object)`` with the key of the bar clicked.
    """

    bar_clicked = Signal(object)

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.setBackground(None)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.plot_item = self.getPlotItem()
        if title:
            self.plot_item.setTitle(title)
        self.plot_item.showGrid(y=True, alpha=0.2)
        self.plot_item.getAxis("left").setWidth(48)  # room for "10000": pyqtgraph drops labels that do not fit
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=BAR_COLOUR)
        self._line = pg.PlotDataItem(pen=pg.mkPen(LINE_COLOUR, width=2))
        self.addItem(self._bars)
        self.addItem(self._line)
        self._keys: list = []
        self._values = np.zeros(0)
        self._tips: list[str] = []
        self._tick_every = 1
        self.scene().sigMouseMoved.connect(self._hover)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_font_size(self, points: float, title: bool = True) -> None:
        """Axis (and title) text size (the big screen reads across a room; many bars need small labels)."""
        font = QFont()
        font.setPointSizeF(points)
        for name in ("bottom", "left"):
            self.plot_item.getAxis(name).setTickFont(font)
        self.plot_item.getAxis("left").setWidth(max(48, int(points * 6)))
        if not title:
            return
        self.plot_item.titleLabel.setText(self.plot_item.titleLabel.text, size=f"{points * 1.2:.0f}pt")

    def set_bars(self, keys: Sequence, labels: Sequence[str], values: Sequence[float], tips: Sequence[str],
                 colours: Sequence[QColor] | None = None, line: Sequence[float] | None = None,
                 tick_every: int = 1) -> None:
        """Show one bar per key (``labels`` under them, every ``tick_every``-th), ``tips`` on hover, and
        ``line`` (same length, e.g. last month's figures) drawn over the bars."""
        self._keys, self._values, self._tips = list(keys), np.asarray(values, dtype=float), list(tips)
        x = np.arange(len(self._keys), dtype=float)
        brushes = [pg.mkBrush(c) for c in colours] if colours is not None else None
        self._bars.setOpts(x=x, height=self._values, width=0.7, brush=BAR_COLOUR, brushes=brushes)
        if line is not None:
            self._line.setData(x, np.asarray(line, dtype=float))
        else:
            self._line.setData([], [])
        ticks = [(float(i), str(label)) for i, label in enumerate(labels) if i % max(tick_every, 1) == 0]
        self.plot_item.getAxis("bottom").setTicks([ticks])
        top = max(float(self._values.max()) if len(self._values) else 0.0,
                  float(np.max(line)) if line is not None and len(line) else 0.0, 1.0)
        self.plot_item.setXRange(-0.6, max(len(self._keys), 1) - 0.4, padding=0)
        self.plot_item.setYRange(0, top * 1.1, padding=0)

    def keys(self) -> list:
        return list(self._keys)

    def values(self) -> list[float]:
        return self._values.tolist()

    def bar_at(self, scene_pos: QPointF) -> int:
        """The index of the bar under a scene position, or -1."""
        view = self.plot_item.getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            return -1
        point = view.mapSceneToView(scene_pos)
        index = int(round(point.x()))
        if 0 <= index < len(self._keys) and abs(point.x() - index) <= 0.4:
            return index
        return -1

    def bar_centre(self, index: int) -> QPoint:
        """Where bar ``index`` is, in the chart's viewport coordinates (for clicking it)."""
        view = self.plot_item.getViewBox()
        height = max(self._values[index], 0.0) / 2 if len(self._values) > index else 0.0
        scene = view.mapViewToScene(QPointF(index, height))
        return self.mapFromScene(scene)

    def _hover(self, scene_pos: QPointF) -> None:
        index = self.bar_at(scene_pos)
        tip = self._tips[index] if index >= 0 and index < len(self._tips) else ""
        self.setToolTip(tip)
        if tip:
            QToolTip.showText(self.mapToGlobal(self.mapFromScene(scene_pos)), tip, self)
        else:
            QToolTip.hideText()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at(event.scenePos())
        if index >= 0:
            self.bar_clicked.emit(self._keys[index])


class StepwiseDrawing(QObject):
    """Draws a dashboard in parts, one part per pass of the event loop: each part's drawing and painting
    stays well under a frame, where all of them at once held the GUI thread ~0.1 s at city scale
    (bench/dashboard.py).  A pass that runs a part is followed by one that runs none, in which Qt paints
    what the part changed (a chart's repaint costs about as much as setting its data: ~5 ms each), so
    that no pass both paints one chart and sets the next.  Runs on the GUI thread."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._parts: list = []
        self._argument = None
        self._paint_first = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._next)

    def start(self, argument, parts: Sequence) -> None:
        """Call each of ``parts`` with ``argument``, the first now and each next one on a later pass."""
        self._argument, self._parts = argument, list(parts)
        self._paint_first = False
        self._next()

    def finish(self) -> None:
        """Draw what is left at once (tests, pictures)."""
        self._paint_first = False
        while self._parts:
            self._next()

    def busy(self) -> bool:
        return bool(self._parts)

    def _next(self) -> None:
        if self._paint_first:
            self._paint_first = False  # this pass only paints what the last part changed
        elif self._parts:
            self._parts.pop(0)(self._argument)
            self._paint_first = True
        if self._parts:
            self._timer.start()
