"""The cameras' fields of view on the map: one translucent sector per aimed camera, the selected one bright.

Sectors are drawn in the map's metres around each camera's marker
(:func:`console.core.coverage.sector_offsets_m`): a town has tens of cameras, so one painter path for
all of them and one for the selected camera cost nothing worth culling.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF

from console.core.coverage import FieldOfView, sector_offsets_m

_FILL = QColor(179, 157, 219, 46)      # the cameras' marker colour, faint
_EDGE = QColor(126, 87, 194, 140)
_SELECTED_FILL = QColor(255, 235, 59, 90)
_SELECTED_EDGE = QColor(255, 193, 7, 230)


class FieldsOfViewItem(pg.GraphicsObject):
    """Every aimed camera's sector; :meth:`set_selected` brightens one (e.g. the wall's selected tile)."""

    def __init__(self):
        super().__init__()
        self._positions: dict[int, tuple[float, float]] = {}
        self._views: dict[int, FieldOfView] = {}
        self._sectors: dict[int, QPainterPath] = {}
        self._all = QPainterPath()
        self._selected: int | None = None
        self._bounds = QRectF()

    def set_views(self, positions: dict[int, tuple[float, float]], views: dict[int, FieldOfView]) -> None:
        """The cameras' positions (metres) and fields of view, by camera id; cameras without either are left out."""
        self._positions = dict(positions)
        self._views = {camera_id: view for camera_id, view in views.items() if camera_id in positions}
        self._rebuild()

    def set_view(self, camera_id: int, view: FieldOfView | None) -> None:
        """Change one camera's field of view (None: not aimed), e.g. while the operator drags it."""
        if camera_id not in self._positions:
            return
        if view is None:
            self._views.pop(camera_id, None)
        else:
            self._views[camera_id] = view
        self._rebuild()

    def view_of(self, camera_id: int) -> FieldOfView | None:
        return self._views.get(camera_id)

    def _rebuild(self) -> None:
        self.prepareGeometryChange()
        self._sectors = {camera_id: _sector(self._positions[camera_id], view)
                         for camera_id, view in self._views.items()}
        self._all = QPainterPath()
        for path in self._sectors.values():
            self._all.addPath(path)
        self._bounds = self._all.boundingRect()
        self.update()

    def set_selected(self, camera_id: int | None) -> None:
        if camera_id != self._selected:
            self._selected = camera_id
            self.update()

    @property
    def selected(self) -> int | None:
        """The camera whose field of view is brightened."""
        return self._selected

    def selected_sector(self) -> QPainterPath | None:
        """The selected camera's sector in metres (None: none selected, or it is not aimed)."""
        return self._sectors.get(self._selected) if self._selected is not None else None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_cosmetic(_EDGE, 1.0))
        painter.setBrush(QBrush(_FILL))
        painter.drawPath(self._all)
        selected = self.selected_sector()
        if selected is not None:
            painter.setPen(_cosmetic(_SELECTED_EDGE, 2.0))
            painter.setBrush(QBrush(_SELECTED_FILL))
            painter.drawPath(selected)


def _sector(position: tuple[float, float], view: FieldOfView) -> QPainterPath:
    x0, y0 = position
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x0 + dx, y0 + dy) for dx, dy in sector_offsets_m(view)]))
    path.closeSubpath()
    return path


def _cosmetic(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)  # the same width in pixels at every zoom
    return pen
