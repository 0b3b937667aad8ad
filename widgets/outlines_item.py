"""Thousands of outlines (a city's villages or grids) as one graphics item that draws only what is on screen.

A ``QGraphicsPathItem`` per outline made the scene recompute thousands of
bounding rectangles whenever the map panned or zoomed; one path for all of
them was stroked whole even when a corner was in view.  :class:`OutlinesItem`
keeps each outline's polygon and bounding box, culls with numpy against the
area being painted, and fills each outline with its own brush (a village's
shading) when it has one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QPolygonF

from console.storage.map_data import Outline
from widgets.cached_layers import CachedLayer

_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)
#: Outlines drawn between two yields of :meth:`OutlinesItem.draw_steps` (under a millisecond, mostly).
OUTLINES_PER_STEP = 50


class OutlinesItem(CachedLayer):
    """Outlines with keys (e.g. village ids), a pen for all, and an optional fill per key."""

    def __init__(self, pen: QPen):
        super().__init__()
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # paint() learns the exposed area
        self._pen = pen
        self._keys: list[int] = []
        self._shapes: list[QPainterPath] = []
        self._boxes = np.empty((0, 4))
        self._fills: list[QBrush] = []  # per outline (empty: none filled)
        self._bounds = QRectF()

    def set_outlines(self, outlines: list[Outline], keys: list[int]) -> None:
        """The outlines to draw, each with a key (``keys[i]`` belongs to ``outlines[i]``)."""
        self.prepareGeometryChange()
        self._keys = list(keys)
        self._shapes = [_shape(outline) for outline in outlines]
        boxes = []
        for outline in outlines:
            points = np.concatenate(outline.rings) if outline.rings else np.zeros((1, 2))
            boxes.append((points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()))
        self._boxes = np.array(boxes, dtype=float).reshape(-1, 4)
        self._fills = []
        if len(self._boxes):
            x0, y0 = self._boxes[:, 0].min(), self._boxes[:, 1].min()
            x1, y1 = self._boxes[:, 2].max(), self._boxes[:, 3].max()
            self._bounds = QRectF(QPointF(x0, y0), QPointF(x1, y1))
        else:
            self._bounds = QRectF()
        self._changed()

    def set_pen(self, pen: QPen) -> None:
        if pen != self._pen:
            self._pen = pen
            self._changed()

    def set_fills(self, brushes: dict[int, QBrush]) -> None:
        """Fill the outlines whose keys are given; the others stay hollow."""
        self._fills = [brushes.get(key, _NO_BRUSH) for key in self._keys] if brushes else []
        self._changed()

    def set_fill_classes(self, classes: np.ndarray, brushes: list[QBrush]) -> None:
        """Fill outline ``i`` (in :meth:`set_outlines`' order) with ``brushes[classes[i]]``; -1 leaves it hollow.

        The quick way for many outlines and few brushes (villages by their shading bucket)."""
        table = [*brushes, _NO_BRUSH]  # -1 picks the last
        self._fills = [table[c] for c in np.asarray(classes, dtype=np.int64).tolist()] if (
            np.asarray(classes) >= 0).any() else []
        self._changed()

    def key_at(self, x: float, y: float) -> int | None:
        """The key of the outline containing (x, y), or None."""
        if not len(self._boxes):
            return None
        boxes = self._boxes
        near = np.flatnonzero((boxes[:, 0] <= x) & (x <= boxes[:, 2]) & (boxes[:, 1] <= y) & (y <= boxes[:, 3]))
        for index in near.tolist():
            if self._shapes[index].contains(QPointF(x, y)):
                return self._keys[index]
        return None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def paint(self, painter: QPainter, option, _widget=None) -> None:
        if not self.painted_elsewhere:
            self._draw(painter, option.exposedRect if option.exposedRect.isValid() else self._bounds)

    def draw_steps(self, painter: QPainter, window: QRectF) -> Iterator[None]:
        """Paint the outlines that show in ``window`` (logical pixels) with ``painter``, yielding after every
        :data:`OUTLINES_PER_STEP` (for :class:`widgets.cached_layers.CachedLayersItem`)."""
        yield from self._draw_steps(painter, painter.transform().inverted()[0].mapRect(window))

    def _draw(self, painter: QPainter, area: QRectF) -> None:
        for _ in self._draw_steps(painter, area):
            pass

    def _draw_steps(self, painter: QPainter, area: QRectF) -> Iterator[None]:
        if not len(self._boxes):
            return
        boxes = self._boxes
        shown = np.flatnonzero((boxes[:, 2] >= area.left()) & (boxes[:, 0] <= area.right())
                               & (boxes[:, 3] >= area.top()) & (boxes[:, 1] <= area.bottom())).tolist()
        painter.setPen(self._pen)
        shapes, fills = self._shapes, self._fills
        painter.setBrush(_NO_BRUSH)
        for start in range(0, len(shown), OUTLINES_PER_STEP):  # in order: where outlines overlap, the later is on top
            for index in shown[start:start + OUTLINES_PER_STEP]:
                if fills:
                    painter.setBrush(fills[index])
                painter.drawPath(shapes[index])
            yield


def _shape(outline: Outline) -> QPainterPath:
    """An outline's rings as one path (odd-even fill, so holes stay holes)."""
    path = QPainterPath()
    for ring in outline.rings:
        if len(ring) >= 3:
            path.addPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in ring.tolist()]))
            path.closeSubpath()
    return path
