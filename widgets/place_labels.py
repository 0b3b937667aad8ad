"""The map's place names (villages, grids) as one item that stamps them at a fixed size in pixels.

A pyqtgraph ``TextItem`` per name worked out its own transform again before every
repaint (``updateTransform`` on the scene's ``sigPrepareForPaint``): with the 160
names a view ~30 km across shows, a repaint during a pan cost ~23 ms of the GUI
thread instead of ~8.  :class:`PlaceLabelsItem` lays each name out once as a
``QStaticText`` and draws them all, centred on their places, in one ``paint``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QStaticText, QTransform


class PlaceLabelsItem(pg.GraphicsObject):
    """Names centred on points (item coordinates), in groups of one font and colour, whatever the zoom;
    no signals."""

    def __init__(self):
        super().__init__()
        self._groups: list[tuple[QFont, QColor, np.ndarray, np.ndarray, list[QStaticText], np.ndarray]] = []
        self._bounds = QRectF()
        self._half_px = (0.0, 0.0)  # half the widest name's width and the tallest's height, in pixels
        self._pad: tuple[float, float] | None = None  # the same in item units, until the zoom changes

    def set_labels(self, groups: list[tuple[QFont, QColor, np.ndarray, np.ndarray, list[str]]]) -> None:
        """Show these names: per group a font, a colour, the places' x and y and their names (empty: none)."""
        self.prepareGeometryChange()
        self._groups = []
        half_w = half_h = 0.0
        corners = []
        for font, colour, x, y, names in groups:
            texts = []
            for name in names:
                text = QStaticText(name)
                text.setTextFormat(Qt.TextFormat.PlainText)
                text.prepare(QTransform(), font)
                texts.append(text)
            sizes = np.array([(t.size().width(), t.size().height()) for t in texts], dtype=float).reshape(-1, 2)
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            self._groups.append((QFont(font), QColor(colour), x, y, texts, sizes))
            if len(texts):
                half_w, half_h = max(half_w, sizes[:, 0].max() / 2), max(half_h, sizes[:, 1].max() / 2)
                corners += [(x.min(), y.min()), (x.max(), y.max())]
        self._half_px, self._pad = (half_w, half_h), None
        if corners:
            points = np.array(corners)
            self._bounds = QRectF(QPointF(points[:, 0].min(), points[:, 1].min()),
                                  QPointF(points[:, 0].max(), points[:, 1].max()))
        else:
            self._bounds = QRectF()
        self.update()

    def names(self) -> list[str]:
        """The names shown, group by group."""
        return [text.text() for group in self._groups for text in group[4]]

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph API
        super().viewTransformChanged()
        self._pad = None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        if self._bounds.isNull():
            return QRectF()
        if self._pad is None:
            pixel_x, pixel_y = self.pixelLength(pg.Point(1, 0)), self.pixelLength(pg.Point(0, 1))
            if pixel_x is None or pixel_y is None:
                return self._bounds
            self._pad = (self._half_px[0] * pixel_x, self._half_px[1] * pixel_y)
        pad_x, pad_y = self._pad
        return self._bounds.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def paint(self, painter: QPainter, *_args) -> None:
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        for font, colour, x, y, texts, sizes in self._groups:
            if not texts:
                continue
            painter.setFont(font)
            painter.setPen(colour)
            left = transform.m11() * x + transform.m21() * y + transform.dx() - sizes[:, 0] / 2
            top = transform.m12() * x + transform.m22() * y + transform.dy() - sizes[:, 1] / 2
            for text, sx, sy in zip(texts, left.tolist(), top.tolist()):
                painter.drawStaticText(QPointF(sx, sy), text)
        painter.restore()
