"""A pyqtgraph chart of one worker's or department's score over the last 12 months (0-100, a gap for a
month with no score: not yet in post, before the store's first incident, or not computed yet)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

LINE_COLOUR = QColor("#4fc3f7")


class ScoreHistoryChart(pg.PlotWidget):
    """Scores by month, the newest on the right; :meth:`set_series` draws one subject's."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.setBackground(None)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(y=True, alpha=0.2)
        self.plot_item.getAxis("left").setWidth(36)
        self.plot_item.getAxis("left").setTicks([[(float(v), str(v)) for v in (0, 25, 50, 75, 100)]])
        self._line = pg.PlotDataItem(pen=pg.mkPen(LINE_COLOUR, width=2), symbol="o", symbolSize=7,
                                     symbolBrush=LINE_COLOUR, symbolPen=None, connect="finite")
        self.addItem(self._line)
        self._values: list[float | None] = []
        self.plot_item.setYRange(-12, 112, padding=0)

    def set_series(self, title: str, months: Sequence[str], values: Sequence[float | None]) -> None:
        """Draw ``values`` (None: no score that month) over ``months`` (their labels, oldest first)."""
        self._values = list(values)
        self.plot_item.setTitle(title)
        x = np.arange(len(values), dtype=float)
        y = np.array([math.nan if v is None else float(v) for v in values], dtype=float)
        self._line.setData(x, y)
        self.plot_item.getAxis("bottom").setTicks([[(float(k), label) for k, label in enumerate(months)]])
        self.plot_item.setXRange(-0.5, max(len(values), 1) - 0.5, padding=0)
        self.plot_item.setYRange(-12, 112, padding=0)

    def clear_series(self, title: str = "") -> None:
        self.set_series(title, [], [])

    def values(self) -> list[float | None]:
        """What is drawn, oldest month first."""
        return list(self._values)
