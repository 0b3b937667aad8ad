"""The worker-tracking map's drawing surface (pyqtgraph): outlines, labels, markers, tracks, a scale bar.

:class:`MapCanvas` draws in metres east and north of the map's
:class:`~console.core.geo.LocalProjection` with the aspect locked, so a metre
is a metre in both directions.  Each kind of thing is a layer that can be
switched off (:data:`LAYERS`); the outlines of a level are one painter path,
the markers of a kind one scatter item, so a city's 8,436 grids and 26,059
workers stay cheap to pan and zoom.  Village and grid names appear only when
the view is close enough for them to be read.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QWidget

from console.core.redlight import RedLightPolicy
from console.storage.map_data import LiveMap, MapPlaces, Outline, PlaceMarks
from widgets.map_style import (INCIDENT_STATUS_COLOURS, LEVEL_SIZES, OUTLINE_PENS, WORKER_STATE_COLOURS,
                               share_colour)
from widgets.scale_bar import ScaleBar

#: The layers an operator can switch on and off.
LAYERS = ("grids", "villages", "workers", "tracks", "incidents", "cameras")
#: Labels are drawn when the view is narrower than this many metres (villages) ...
VILLAGE_LABELS_BELOW_M = 30_000
#: ... and grid labels when narrower than this.
GRID_LABELS_BELOW_M = 2_500
#: Never more labels than this at once (the rest would be unreadable anyway).
MAX_LABELS = 160
_Z = {"villages": -20, "outline": -10, "tracks": 10, "incidents": 20, "cameras": 25, "workers": 30,
      "labels": 40, "highlight": 50}


class MapCanvas(pg.PlotWidget):
    """The map: places, live workers and incidents, cameras and a track, in metres around one projection.

    Signals (emitted on the GUI thread): ``worker_clicked(int)``, ``incident_clicked(int)``,
    ``camera_clicked(int)`` with the clicked marker's id, ``village_clicked(int)`` when a
    click lands inside a village but on no marker.
    """

    worker_clicked = Signal(int)
    incident_clicked = Signal(int)
    camera_clicked = Signal(int)
    village_clicked = Signal(int)
    scale_bar: ScaleBar | None = None  # pyqtgraph resizes the view before __init__ has made it

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=None)
        self.setObjectName("MapCanvas")
        plot = self.getPlotItem()
        for axis in ("left", "bottom"):
            plot.hideAxis(axis)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view: pg.ViewBox = plot.getViewBox()
        self.view.setAspectLocked(True)
        self.places: MapPlaces | None = None
        self.live: LiveMap | None = None
        self._visible = {layer: True for layer in LAYERS}
        self._incident_filter: tuple[frozenset[str] | None, frozenset[int] | None] = (None, None)
        self._red_threshold = RedLightPolicy().threshold
        self._outline_items: dict[str, QGraphicsPathItem] = {}
        self._village_paths: dict[int, QPainterPath] = {}
        self._shade_items: list[QGraphicsPathItem] = []
        self._labels: list[pg.TextItem] = []
        self._workers = self._scatter("workers", size=8)
        self._incidents = self._scatter("incidents", size=9)
        self._cameras = self._scatter("cameras", size=12, symbol="s")
        self._track = pg.PlotDataItem(pen=pg.mkPen(QColor("#4fc3f7"), width=2))
        self._track.setZValue(_Z["tracks"])
        self._stops = self._scatter("tracks", size=11, symbol="o")
        self._highlight = pg.ScatterPlotItem(size=22, pen=pg.mkPen(QColor("#ffffff"), width=2),
                                             brush=QBrush(Qt.BrushStyle.NoBrush), pxMode=True)
        self._highlight.setZValue(_Z["highlight"])
        for item in (self._track, self._highlight):
            self.addItem(item)
        self._workers.sigClicked.connect(lambda _item, points, _ev: self._clicked(points, self.worker_clicked))
        self._incidents.sigClicked.connect(lambda _item, points, _ev: self._clicked(points, self.incident_clicked))
        self._cameras.sigClicked.connect(lambda _item, points, _ev: self._clicked(points, self.camera_clicked))
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self._label_timer = QTimer(self, singleShot=True, interval=120)
        self._label_timer.timeout.connect(self._update_labels)
        self.view.sigRangeChanged.connect(lambda *_: self._label_timer.start())
        self.scale_bar = ScaleBar(self.view, self)
        self._marker_clicked = False

    # -- content ----------------------------------------------------------------------------------
    def set_places(self, places: MapPlaces) -> None:
        """Outlines, village shapes, cameras and labels; the view shows all of it."""
        self.places = places
        for item in self._outline_items.values():
            self.removeItem(item)
        self._outline_items.clear()
        for level in ("grid", "village", "town"):
            path = _path_of(places.outlines.get(level, []))
            item = QGraphicsPathItem(path)
            item.setPen(OUTLINE_PENS[level])
            item.setZValue(_Z["outline"] + ("grid", "village", "town").index(level))
            self.addItem(item)
            self._outline_items[level] = item
        villages_by_code = dict(zip(places.villages.codes, places.villages.ids.tolist()))
        self._village_paths = {villages_by_code[o.code]: _path_of([o])
                               for o in places.outlines.get("village", []) if o.code in villages_by_code}
        cams = places.cameras
        self._cameras.setData(x=cams.x, y=cams.y, data=cams.ids, brush=QBrush(QColor("#b39ddb")),
                              pen=pg.mkPen(QColor("#311b92")))
        self._apply_visibility()
        self.show_everything()
        self._update_labels()

    def set_live(self, live: LiveMap) -> None:
        """Workers, open incidents and village shading as of ``live.at``."""
        self.live = live
        workers = live.workers
        self._workers.setData(x=workers.x, y=workers.y, data=workers.ids,
                              brush=[WORKER_STATE_COLOURS[s][0] for s in workers.states.tolist()],
                              pen=pg.mkPen(QColor("#102027"), width=1))
        self._show_incidents()
        self._shade_villages()

    def set_track(self, x: np.ndarray, y: np.ndarray, stops_x: np.ndarray | None = None,
                  stops_y: np.ndarray | None = None) -> None:
        """A worker's track (metres) and where they stopped; empty arrays clear it."""
        self._track.setData(x=np.asarray(x, dtype=float), y=np.asarray(y, dtype=float))
        if stops_x is None or not len(stops_x):
            self._stops.clear()
        else:
            self._stops.setData(x=stops_x, y=stops_y, brush=QBrush(QColor("#ffb300")),
                                pen=pg.mkPen(QColor("#4e342e")))

    def set_incident_filter(self, statuses: frozenset[str] | None, levels: frozenset[int] | None) -> None:
        """Show only open incidents with these statuses and levels (None: all)."""
        self._incident_filter = (statuses, levels)
        self._show_incidents()

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        if layer not in LAYERS:
            raise ValueError(f"unknown map layer {layer!r}")
        self._visible[layer] = visible
        self._apply_visibility()
        self._update_labels()

    def layer_visible(self, layer: str) -> bool:
        return self._visible[layer]

    # -- where the view looks ---------------------------------------------------------------------
    def show_everything(self) -> None:
        if self.places is not None:
            x0, y0, x1, y1 = self.places.extent
            self.view.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.03)

    def centre_on(self, x: float, y: float, width_m: float | None = None) -> None:
        """Centre the view on (x, y) metres, zoomed to ``width_m`` across (None: keep the zoom)."""
        (vx0, vx1), (vy0, vy1) = self.view.viewRange()
        width = width_m or (vx1 - vx0)
        height = width * (vy1 - vy0) / max(vx1 - vx0, 1e-9)
        self.view.setRange(QRectF(x - width / 2, y - height / 2, width, height), padding=0)

    def highlight(self, x: float | None, y: float | None) -> None:
        """Ring the selected marker (None: nothing selected)."""
        if x is None or y is None:
            self._highlight.clear()
        else:
            self._highlight.setData(x=[x], y=[y])

    def view_width_m(self) -> float:
        (x0, x1), _ = self.view.viewRange()
        return x1 - x0

    def pixel_of(self, x: float, y: float) -> QPointF:
        """Where the point (metres) is on this widget, in widget pixels (for tests and tooltips)."""
        scene = self.view.mapViewToScene(QPointF(x, y))
        return QPointF(self.mapFromScene(scene))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.scale_bar is not None:
            self.scale_bar.place()

    # -- drawing ----------------------------------------------------------------------------------
    def _scatter(self, layer: str, size: int, symbol: str = "o") -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=size, symbol=symbol, pxMode=True, hoverable=False)
        item.setZValue(_Z[layer])
        self.addItem(item)
        return item

    def _show_incidents(self) -> None:
        if self.live is None:
            return
        incidents = self.live.incidents
        statuses, levels = self._incident_filter
        keep = np.ones(len(incidents.ids), dtype=bool)
        if statuses is not None:
            keep &= np.array([s in statuses for s in incidents.statuses], dtype=bool)
        if levels is not None:
            keep &= np.isin(incidents.levels, list(levels))
        rows = np.flatnonzero(keep)
        self._incidents.setData(
            x=incidents.x[rows], y=incidents.y[rows], data=incidents.ids[rows],
            brush=[INCIDENT_STATUS_COLOURS.get(incidents.statuses[i], INCIDENT_STATUS_COLOURS["reported"])
                   for i in rows.tolist()],
            size=[LEVEL_SIZES[int(incidents.levels[i])] for i in rows.tolist()],
            symbol=["star" if incidents.one_key[i] else "d" for i in rows.tolist()],
            pen=pg.mkPen(QColor("#212121")))

    def _shade_villages(self) -> None:
        for item in self._shade_items:
            self.removeItem(item)
        self._shade_items.clear()
        if self.live is None or not self._village_paths:
            return
        buckets: dict[int, QPainterPath] = {}
        for village_id, path in self._village_paths.items():
            counts = self.live.village_counts.get(village_id)
            share = counts.unresolved_share if counts else 0.0
            bucket = 10 if share >= self._red_threshold and counts and counts.total else min(int(share * 10), 9)
            buckets.setdefault(bucket, QPainterPath()).addPath(path)
        for bucket, path in sorted(buckets.items()):
            item = QGraphicsPathItem(path)
            item.setPen(QPen(Qt.PenStyle.NoPen))
            item.setBrush(QBrush(share_colour(bucket)))
            item.setZValue(_Z["villages"])
            item.setVisible(self._visible["villages"])
            self.addItem(item)
            self._shade_items.append(item)

    def _apply_visibility(self) -> None:
        if "grid" in self._outline_items:
            self._outline_items["grid"].setVisible(self._visible["grids"])
        for item in self._shade_items:
            item.setVisible(self._visible["villages"])
        self._workers.setVisible(self._visible["workers"])
        self._incidents.setVisible(self._visible["incidents"])
        self._cameras.setVisible(self._visible["cameras"])
        self._track.setVisible(self._visible["tracks"])
        self._stops.setVisible(self._visible["tracks"])

    def _update_labels(self) -> None:
        for label in self._labels:
            self.removeItem(label)
        self._labels.clear()
        if self.places is None:
            return
        width = self.view_width_m()
        (x0, x1), (y0, y1) = self.view.viewRange()
        if width < VILLAGE_LABELS_BELOW_M:
            self._add_labels(self.places.villages, (x0, x1, y0, y1), bold=True)
        if width < GRID_LABELS_BELOW_M and self._visible["grids"]:
            self._add_labels(self.places.grids, (x0, x1, y0, y1), bold=False)

    def _add_labels(self, marks: PlaceMarks, box: tuple[float, float, float, float], bold: bool) -> None:
        x0, x1, y0, y1 = box
        inside = np.flatnonzero((marks.x >= x0) & (marks.x <= x1) & (marks.y >= y0) & (marks.y <= y1))
        for index in inside[:max(0, MAX_LABELS - len(self._labels))].tolist():
            text = pg.TextItem(marks.names[index], anchor=(0.5, 0.5),
                               color=QColor("#eceff1") if bold else QColor("#b0bec5"))
            font = text.textItem.font()
            font.setBold(bold)
            font.setPointSizeF(9.5 if bold else 8.0)
            text.setFont(font)
            text.setPos(float(marks.x[index]), float(marks.y[index]))
            text.setZValue(_Z["labels"])
            self.addItem(text)
            self._labels.append(text)

    # -- clicks -----------------------------------------------------------------------------------
    def _clicked(self, points, signal) -> None:
        if len(points):
            self._marker_clicked = True
            signal.emit(int(points[0].data()))

    def _scene_clicked(self, event) -> None:
        if self._marker_clicked:  # a marker took this click
            self._marker_clicked = False
            return
        if event.button() != Qt.MouseButton.LeftButton or not self._visible["villages"]:
            return
        point = self.view.mapSceneToView(event.scenePos())
        for village_id, path in self._village_paths.items():
            if path.contains(point):
                self.village_clicked.emit(village_id)
                return


def _path_of(outlines: list[Outline]) -> QPainterPath:
    """All rings of the outlines as one painter path (odd-even fill, so holes stay holes)."""
    path = QPainterPath()
    for outline in outlines:
        for ring in outline.rings:
            if len(ring) < 3:
                continue
            path.moveTo(float(ring[0, 0]), float(ring[0, 1]))
            for x, y in ring[1:].tolist():
                path.lineTo(x, y)
            path.closeSubpath()
    return path
