"""Many same-coloured round markers drawn 500 a call: the map's workers, 26,059 of them in a city.

pyqtgraph's ``ScatterPlotItem`` keeps a Python record per point, which made a
second's refresh of a city's workers cost about 100 ms on the GUI thread, and
``drawPoints`` with a round pen took 90 ms to paint them.  :class:`PointCloudItem`
keeps the coordinates in numpy arrays, maps them to the screen, drops those off
it and stamps one pre-rendered disc per visible point with ``drawPixmapFragments``
(as pyqtgraph's own scatter does with its atlas), 500 a call so that a cached
picture of them can be drawn over several event-loop passes.
Clicks find the nearest point within a few pixels with numpy.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap

from widgets.cached_layers import CachedLayer

#: A click this close to a marker (in pixels, beyond its radius) still picks it.
CLICK_SLACK_PX = 3
#: With more visible markers than this, markers that would land on the same few pixels
#: (:data:`DEDUPE_CELL_PX` square) are drawn once: in a zoomed-out city thousands of workers share a
#: few screen pixels, and their discs cover each other anyway.  (Cells are counted from the painted
#: area's top left corner less the marker margin.)
DEDUPE_ABOVE = 2_000
DEDUPE_CELL_PX = 4
#: Markers stamped between two yields of :meth:`PointCloudItem.draw_steps` (under a millisecond).
MARKERS_PER_STEP = 500


class PointCloudItem(CachedLayer):
    """Round markers of one colour with an outline; ``clicked(int)`` (GUI thread) gives the picked point's id."""

    clicked = Signal(int)

    def __init__(self, colour: QColor, outline: QColor, size: float = 8.0):
        super().__init__()
        self.size = size
        self._disc = _disc(colour, outline, size)
        self.x = self.y = np.empty(0)
        self.ids = np.empty(0, dtype=np.int64)
        self._bounds = QRectF()
        self._pad: float | None = None  # boundingRect's padding in item units, until the view's zoom changes

    def set_points(self, x: np.ndarray, y: np.ndarray, ids: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.ids = np.asarray(ids, dtype=np.int64)
        if len(self.x):
            self._bounds = QRectF(QPointF(self.x.min(), self.y.min()), QPointF(self.x.max(), self.y.max()))
        else:
            self._bounds = QRectF()
        self._changed()

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph API
        super().viewTransformChanged()
        self._pad = None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        # Markers are a few pixels wide whatever the zoom: pad by their size in item units.  (The scene asks
        # ~25 times a repaint, and working out a pixel's length cost 60 µs each time.)
        if self._pad is None:
            pixel = self.pixelLength(pg.Point(1, 0))
            if pixel is None:
                return self._bounds
            self._pad = (self.size + 2) * pixel
        pad = self._pad
        return self._bounds.adjusted(-pad, -pad, pad, pad)

    def paint(self, painter: QPainter, *_args) -> None:
        if not self.painted_elsewhere:
            self.draw(painter, QRectF(painter.viewport()))

    def draw_steps(self, painter: QPainter, window: QRectF) -> Iterator[None]:
        """Stamp the markers that show in ``window`` (logical pixels) with ``painter`` (item coordinates to
        logical pixels), yielding after every :data:`MARKERS_PER_STEP`."""
        if not len(self.x):
            return
        transform = painter.transform()
        sx = transform.m11() * self.x + transform.m21() * self.y + transform.dx()
        sy = transform.m12() * self.x + transform.m22() * self.y + transform.dy()
        margin = self.size
        shown = ((sx >= window.left() - margin) & (sx <= window.right() + margin)
                 & (sy >= window.top() - margin) & (sy <= window.bottom() + margin))
        sx, sy = sx[shown], sy[shown]
        if len(sx) > DEDUPE_ABOVE:
            sx, sy = _first_in_each_cell(sx, sy, window.left() - margin, window.top() - margin,
                                         window.width() + 2 * margin, window.height() + 2 * margin)
        count = len(sx)
        if not count:
            return
        side = self._disc.width()
        # QPainter.PixmapFragment's fields: x, y, the source rectangle (the whole disc), scale x and y,
        # rotation, opacity; drawPixmapFragments reads them from this array's memory.
        fragments = np.empty((count, 10))
        fragments[:, 0], fragments[:, 1] = sx, sy
        fragments[:, 2:6] = (0, 0, side, side)
        fragments[:, 6:10] = (1.0, 1.0, 0.0, 1.0)
        yield
        painter.save()
        try:
            painter.resetTransform()
            for start in range(0, count, MARKERS_PER_STEP):
                first = shiboken6.wrapInstance(fragments[start].ctypes.data, QPainter.PixmapFragment)
                painter.drawPixmapFragments(first, min(MARKERS_PER_STEP, count - start), self._disc)
                yield
        finally:
            painter.restore()

    def point_near(self, x: float, y: float) -> int | None:
        """The id of the marker drawn over (x, y), or None."""
        if not len(self.x):
            return None
        pixel = self.pixelLength(pg.Point(1, 0)) or 0.0
        reach = (self.size / 2 + CLICK_SLACK_PX) * pixel
        distance = np.hypot(self.x - x, self.y - y)
        nearest = int(np.argmin(distance))
        return int(self.ids[nearest]) if distance[nearest] <= reach else None

    def mouseClickEvent(self, event) -> None:  # noqa: N802 - pyqtgraph API
        if event.button() != Qt.MouseButton.LeftButton or not self.isVisible():
            return
        point = event.pos()
        found = self.point_near(point.x(), point.y())
        if found is not None:
            event.accept()
            self.clicked.emit(found)


def _first_in_each_cell(sx: np.ndarray, sy: np.ndarray, left: float, top: float, width: float,
                        height: float) -> tuple[np.ndarray, np.ndarray]:
    """The first point in each :data:`DEDUPE_CELL_PX` square of the area, cells in row order.

    One pass over a dense array of the area's cells instead of sorting the points (``np.unique``):
    about a tenth of the time with 26,059 workers on screen, and the same points in the same order."""
    cell_left, cell_top = int(left // DEDUPE_CELL_PX), int(top // DEDUPE_CELL_PX)
    columns = int((left + width) // DEDUPE_CELL_PX) - cell_left + 1
    rows = int((top + height) // DEDUPE_CELL_PX) - cell_top + 1
    cells = (((sy // DEDUPE_CELL_PX).astype(np.int64) - cell_top) * columns
             + (sx // DEDUPE_CELL_PX).astype(np.int64) - cell_left)
    count = len(sx)
    first = np.full(rows * columns, count, dtype=np.int64)
    # With repeated indices the last assignment stays: written backwards, the first point of a cell wins.
    first[cells[::-1]] = np.arange(count - 1, -1, -1, dtype=np.int64)
    first = first[first < count]
    return sx[first], sy[first]


def _disc(colour: QColor, outline: QColor, size: float) -> QPixmap:
    """A filled circle of ``size`` pixels with a one-pixel outline, on a transparent square."""
    side = int(size) + 2
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(outline, 1.0))
    painter.setBrush(QBrush(colour))
    painter.drawEllipse(QRectF(0.5, 0.5, side - 1, side - 1))
    painter.end()
    return pixmap
