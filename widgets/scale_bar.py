"""A map scale bar: a round length (50 m, 1 km, 2 km, ...) drawn to scale in the map's bottom-left corner."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

#: The bar is at most this many pixels long.
MAX_BAR_PX = 140
_STEPS = (1, 2, 5)


def round_length_m(max_metres: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres that is at most ``max_metres``."""
    if max_metres <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(max_metres))
    return max(step * power for step in _STEPS if step * power <= max_metres)


def length_text(metres: float) -> str:
    if metres >= 1000:
        return QCoreApplication.translate("ScaleBar", "{0:g} km").format(metres / 1000)
    return QCoreApplication.translate("ScaleBar", "{0:g} m").format(metres)


class ScaleBar(QWidget):
    """An overlay on a map widget showing how long a round distance is at the current zoom."""

    def __init__(self, view: pg.ViewBox, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._view = view
        self.metres = 0.0
        self.pixels = 0.0
        view.sigRangeChanged.connect(lambda *_: self.update_scale())
        self.place()

    def place(self) -> None:
        parent = self.parentWidget()
        self.setGeometry(10, parent.height() - 44, MAX_BAR_PX + 80, 34)
        self.update_scale()

    def update_scale(self) -> None:
        metres_per_px = self._view.viewPixelSize()[0]
        if not math.isfinite(metres_per_px) or metres_per_px <= 0:
            return
        self.metres = round_length_m(MAX_BAR_PX * metres_per_px)
        self.pixels = self.metres / metres_per_px
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        if self.pixels <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = length_text(self.metres)
        metrics = QFontMetrics(self.font())
        painter.fillRect(QRectF(0, 0, max(self.pixels, metrics.horizontalAdvance(text)) + 16, 30),
                         QColor(0, 0, 0, 120))
        pen = QPen(QColor("#ffffff"))
        pen.setWidthF(2)
        painter.setPen(pen)
        y = 22.0
        painter.drawLine(QPointF(8, y), QPointF(8 + self.pixels, y))
        for x in (8, 8 + self.pixels):
            painter.drawLine(QPointF(x, y - 5), QPointF(x, y + 2))
        painter.drawText(QPointF(8, 14), text)
        painter.end()
