"""The worker-tracking map's drawing surface (pyqtgraph): outlines, labels, markers, tracks, a scale bar.

:class:`MapCanvas` draws in metres east and north of the map's
:class:`~console.core.geo.LocalProjection` with the aspect locked, so a metre
is a metre in both directions.  Each kind of thing is a layer that can be
switched off (:data:`LAYERS`).  Outlines are one item per level
(:class:`widgets.outlines_item.OutlinesItem`) that draws only the outlines on
screen, villages filled with their shading; the three levels are painted through
one cached picture (:class:`widgets.cached_layers.CachedLayersItem`) that is
moved with the view during a pan or zoom, drawn afresh between repaints (over
several event-loop passes) when the view leaves it and once the view settles;
grid outlines and names appear only when the view is close enough for them to
be read.  Workers are one scatter item per state, so a second's
refresh of a city's 26,059 markers hands over four arrays, not 26,059 brushes;
grouping them and shading the villages can be done beforehand on another thread
(:func:`widgets.map_live.prepare_live`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QWidget

from console.core.redlight import RedLightPolicy
from console.maps.setting import BaseMapSetting
from console.storage.map_data import LiveMap, MapPlaces
from widgets.map_style import (INCIDENT_STATUS_COLOURS, LEVEL_SIZES, NO_PEN, OUTLINE_PENS, WORKER_STATE_COLOURS,
                               share_colour)
from widgets.base_map import BaseMapLayer
from widgets.fields_of_view_item import FieldsOfViewItem
from widgets.map_live import PreparedLive, prepare_live
from widgets.cached_layers import CachedLayersItem
from widgets.outlines_item import OutlinesItem
from widgets.place_labels import PlaceLabelsItem
from widgets.point_cloud import DEDUPE_CELL_PX, PointCloudItem
from widgets.scale_bar import ScaleBar

#: The layers an operator can switch on and off.
LAYERS = ("grids", "villages", "workers", "tracks", "incidents", "cameras")
#: Labels are drawn when the view is narrower than this many metres (villages) ...
VILLAGE_LABELS_BELOW_M = 30_000
#: ... and grid labels when narrower than this.
GRID_LABELS_BELOW_M = 2_500
#: Never more labels than this at once (the rest would be unreadable anyway).
MAX_LABELS = 160
#: Grid outlines are drawn when the view is narrower than this (wider, they would be a grey blur) ...
GRID_OUTLINES_BELOW_M = 25_000
#: ... and village outlines when narrower than this (wider, the villages' shading and the towns'
#: outlines say enough, and stroking two thousand outlines would cost a quarter of a frame).
VILLAGE_OUTLINES_BELOW_M = 45_000
#: While the view is being panned or zoomed, the workers' markers are moved and scaled with it as one
#: picture until its zoom differs by this factor (an 8-pixel marker stays within a pixel of its size).
MARKER_RESCALE_LIMIT = 1.1
#: ... when there are more workers than this (fewer are stamped faster than a picture of the view is copied).
MARKERS_CACHED_ABOVE = 2_000
_Z = {"outlines": -20, "views": 5, "tracks": 10, "incidents": 20, "cameras": 25, "workers": 30,
      "labels": 40, "highlight": 50}


class MapCanvas(pg.PlotWidget):
    """The map: places, live workers and incidents, cameras and a track, in metres around one projection.

    Signals (emitted on the GUI thread): ``worker_clicked(int)``, ``incident_clicked(int)``,
    ``camera_clicked(int)`` with the clicked marker's id; a click on no marker gives
    ``grid_clicked(int)`` when grid outlines are shown and it lands in a grid, and
    ``village_clicked(int)`` when it lands in a village; ``base_map_failed(str)`` with a
    translated reason when the base map cannot be shown.
    """

    worker_clicked = Signal(int)
    incident_clicked = Signal(int)
    camera_clicked = Signal(int)
    village_clicked = Signal(int)
    grid_clicked = Signal(int)
    base_map_failed = Signal(str)
    scale_bar: ScaleBar | None = None  # pyqtgraph resizes the view before __init__ has made it
    base_map: BaseMapLayer | None = None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=None)
        self.setObjectName("MapCanvas")
        plot = self.getPlotItem()
        for axis in ("left", "bottom"):
            plot.hideAxis(axis)
        for axis in ("left", "bottom", "top", "right"):  # hidden, they would still relabel themselves at every pan
            plot.getAxis(axis).unlinkFromView()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view: pg.ViewBox = plot.getViewBox()
        self.view.setAspectLocked(True)
        self.places: MapPlaces | None = None
        self.live: LiveMap | None = None
        self._visible = {layer: True for layer in LAYERS}
        self._incident_filter: tuple[frozenset[str] | None, frozenset[int] | None] = (None, None)
        self._red_threshold = RedLightPolicy().threshold
        # Bottom first; painted together through one cached picture, under everything else.
        self._outlines = {level: OutlinesItem(OUTLINE_PENS[level]) for level in ("village", "grid", "town")}
        self._outline_layers = CachedLayersItem(list(self._outlines.values()))
        self._outline_layers.setZValue(_Z["outlines"])
        self.addItem(self._outline_layers)
        # Per village (places' order) its shading bucket, and per village outline its village's row (-1: none).
        self._village_buckets: np.ndarray | None = None
        self._village_rows = np.empty(0, dtype=np.int64)
        self.setBackground(self.palette().color(QPalette.ColorRole.Window))
        self.set_translucent_shading(False)
        self._labels = PlaceLabelsItem()
        self._labels.setZValue(_Z["labels"])
        self.addItem(self._labels)
        self._workers = [PointCloudItem(WORKER_STATE_COLOURS[code], QColor("#102027"), size=8)
                         for code in sorted(WORKER_STATE_COLOURS)]
        for item in self._workers:  # in the scene for clicks; painted through one cached picture
            item.setZValue(_Z["workers"])
            self.addItem(item)
        self._marker_layers = CachedLayersItem(self._workers, rescale_limit=MARKER_RESCALE_LIMIT, max_stale_s=0.0,
                                               align_px=DEDUPE_CELL_PX)
        self._marker_layers.setZValue(_Z["workers"])
        self.addItem(self._marker_layers)
        self._incidents = self._scatter("incidents", size=9)
        self._cameras = self._scatter("cameras", size=12, symbol="s")
        self._views = FieldsOfViewItem()
        self._views.setZValue(_Z["views"])
        self.addItem(self._views)
        self._track = pg.PlotDataItem(pen=pg.mkPen(QColor("#4fc3f7"), width=2))
        self._track.setZValue(_Z["tracks"])
        self._stops = self._scatter("tracks", size=11, symbol="o")
        self._highlight = pg.ScatterPlotItem(size=22, pen=pg.mkPen(QColor("#ffffff"), width=2),
                                             brush=QBrush(Qt.BrushStyle.NoBrush), pxMode=True)
        self._highlight.setZValue(_Z["highlight"])
        for item in (self._track, self._highlight):
            self.addItem(item)
        for item in self._workers:
            item.clicked.connect(self._worker_clicked)
        self._incidents.sigClicked.connect(lambda _item, points, _ev: self._clicked(points, self.incident_clicked))
        self._cameras.sigClicked.connect(lambda _item, points, _ev: self._clicked(points, self.camera_clicked))
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self._label_timer = QTimer(self, singleShot=True, interval=120)
        self._label_timer.timeout.connect(self._zoom_settled)
        self.view.sigRangeChanged.connect(self._range_changed)
        self.scale_bar = ScaleBar(self.view, self)
        self._marker_clicked = False

    # -- content ----------------------------------------------------------------------------------
    def set_places(self, places: MapPlaces) -> None:
        """Outlines, village shapes, cameras and labels; the view shows all of it."""
        self.places = places
        self._village_buckets = None
        villages_by_code = dict(zip(places.villages.codes, places.villages.ids.tolist()))
        village_rows = {code: row for row, code in enumerate(places.villages.codes)}
        grids_by_code = dict(zip(places.grids.codes, places.grids.ids.tolist()))
        towns = places.outlines.get("town", [])
        villages = places.outlines.get("village", [])
        grids = places.outlines.get("grid", [])
        self._outlines["town"].set_outlines(towns, list(range(len(towns))))
        self._outlines["village"].set_outlines(villages, [villages_by_code.get(o.code, 0) for o in villages])
        self._village_rows = np.array([village_rows.get(o.code, -1) for o in villages], dtype=np.int64)
        self._outlines["grid"].set_outlines(grids, [grids_by_code.get(o.code, 0) for o in grids])
        cams = places.cameras
        self._cameras.setData(x=cams.x, y=cams.y, data=cams.ids, brush=QBrush(QColor("#b39ddb")),
                              pen=pg.mkPen(QColor("#311b92")))
        self._views.set_views({camera_id: (float(x), float(y)) for camera_id, x, y in
                               zip(cams.ids.tolist(), cams.x, cams.y)}, places.camera_views)
        self.show_everything()
        self._apply_visibility()  # after: grid outlines only if the whole place is close enough to read them
        self._update_labels()

    def set_live(self, live: LiveMap | PreparedLive) -> None:
        """Workers, open incidents and village shading as of ``live.at``.

        Given a :class:`PreparedLive` (made on another thread for these places), the GUI thread only
        hands its arrays over; given a :class:`LiveMap`, it prepares it first."""
        prepared = live if isinstance(live, PreparedLive) else self._prepare(live)
        self.live = live = prepared.live
        workers = live.workers
        self._marker_layers.set_cached(len(workers.ids) > MARKERS_CACHED_ABOVE)
        for rows, item in zip(prepared.state_rows, self._workers):
            item.set_points(workers.x[rows], workers.y[rows], workers.ids[rows])
        self._show_incidents()
        self._shade_villages(prepared)

    def _prepare(self, live: LiveMap) -> PreparedLive:
        village_ids = self.places.villages.ids if self.places is not None else np.empty(0, dtype=np.int64)
        return prepare_live(live, village_ids, self._red_threshold)

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

    def outlines_shown(self, level: str) -> bool:
        """Whether a level's outlines are drawn now (grids only when the view is close enough)."""
        return self._outlines[level].isVisible()

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

    def select_camera(self, camera_id: int | None) -> None:
        """Brighten this camera's field of view (None: none)."""
        self._views.set_selected(camera_id)

    def set_camera_view(self, camera_id: int, view) -> None:
        """Draw a camera's field of view as ``view`` (a FieldOfView, or None: not aimed)."""
        self._views.set_view(camera_id, view)

    def camera_view(self, camera_id: int):
        """The field of view drawn for a camera (None: not aimed)."""
        return self._views.view_of(camera_id)

    def selected_camera(self) -> int | None:
        """The camera whose field of view is brightened (None: none)."""
        return self._views.selected

    def selected_camera_sector(self):
        """The selected camera's field of view as a painter path in metres (None: none drawn)."""
        return self._views.selected_sector()

    def drawing_pending(self) -> bool:
        """Whether a picture of the outlines or markers is still being drawn over the next event-loop passes
        (meanwhile the previous one shows, moved with the view)."""
        return self._outline_layers.is_drawing() or self._marker_layers.is_drawing()

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

    def _shade_villages(self, prepared: PreparedLive) -> None:
        """Fill each village by its unresolved share in tenths; red from the red-light threshold on."""
        if self.places is None or not np.array_equal(prepared.village_ids, self.places.villages.ids):
            return  # prepared for other places (they changed meanwhile): the next snapshot shades them
        self._village_buckets = prepared.village_buckets
        self._apply_shading()

    def set_base_map(self, setting: BaseMapSetting) -> None:
        """Draw this base map under everything (an empty source: none); needs :meth:`set_places` first."""
        if self.places is None:
            return
        if self.base_map is None:
            if not setting.enabled:
                return
            self.base_map = BaseMapLayer(self.places.projection, setting, parent=self)
            self.base_map.load_failed.connect(self.base_map_failed)
            self.base_map.attach(self.view)
        else:
            self.base_map.set_setting(setting)
        self.set_translucent_shading(setting.enabled)

    def shutdown(self) -> None:
        """The map is closing: stop the base map's fetching threads."""
        if self.base_map is not None:
            self.base_map.shutdown()

    def set_translucent_shading(self, translucent: bool) -> None:
        """Shade villages translucently (over a base map) or opaquely over the plain background (cheaper)."""
        background = None if translucent else self.backgroundBrush().color()
        self._shades = {bucket: QBrush(share_colour(bucket, background)) for bucket in range(11)}
        self._outline_layers.set_background(background)
        self._apply_shading()

    def _apply_shading(self) -> None:
        rows = self._village_rows
        if not self._visible["villages"] or self._village_buckets is None or not len(self._village_buckets):
            classes = np.full(len(rows), -1, dtype=np.int64)
        else:
            classes = np.where(rows >= 0, self._village_buckets[np.maximum(rows, 0)], -1)
        self._outlines["village"].set_fill_classes(classes, [self._shades[bucket] for bucket in range(11)])

    def _apply_visibility(self) -> None:
        self._show_grid_outlines()
        self._apply_shading()
        for item in self._workers:
            item.setVisible(self._visible["workers"])
        self._incidents.setVisible(self._visible["incidents"])
        self._cameras.setVisible(self._visible["cameras"])
        self._views.setVisible(self._visible["cameras"])
        self._track.setVisible(self._visible["tracks"])
        self._stops.setVisible(self._visible["tracks"])

    def _range_changed(self, *_args) -> None:
        self._outline_layers.set_moving(True)
        self._marker_layers.set_moving(True)
        self._label_timer.start()

    def _zoom_settled(self) -> None:
        self._show_grid_outlines()
        self._update_labels()
        self._outline_layers.set_moving(False)
        self._marker_layers.set_moving(False)

    def _show_grid_outlines(self) -> None:
        width = self.view_width_m()
        self._outlines["grid"].setVisible(self._visible["grids"] and width < GRID_OUTLINES_BELOW_M)
        self._outlines["village"].set_pen(OUTLINE_PENS["village"] if width < VILLAGE_OUTLINES_BELOW_M else NO_PEN)

    def _update_labels(self) -> None:
        groups = []
        if self.places is not None:
            width = self.view_width_m()
            (x0, x1), (y0, y1) = self.view.viewRange()
            room = MAX_LABELS
            grids_shown = width < GRID_LABELS_BELOW_M and self._visible["grids"]
            for marks, bold, shown in ((self.places.villages, True, width < VILLAGE_LABELS_BELOW_M),
                                       (self.places.grids, False, grids_shown)):
                if not shown:
                    continue
                inside = np.flatnonzero((marks.x >= x0) & (marks.x <= x1) & (marks.y >= y0) & (marks.y <= y1))[:room]
                room -= len(inside)
                font = self.scene().font()
                font.setBold(bold)
                font.setPointSizeF(9.5 if bold else 8.0)
                colour = self.palette().color(QPalette.ColorRole.WindowText if bold
                                              else QPalette.ColorRole.PlaceholderText)
                groups.append((font, colour, marks.x[inside], marks.y[inside],
                               [marks.names[i] for i in inside.tolist()]))
        self._labels.set_labels(groups)

    # -- clicks -----------------------------------------------------------------------------------
    def _worker_clicked(self, worker_id: int) -> None:
        self._marker_clicked = True
        self.worker_clicked.emit(worker_id)

    def _clicked(self, points, signal) -> None:
        if len(points):
            self._marker_clicked = True
            signal.emit(int(points[0].data()))

    def _scene_clicked(self, event) -> None:
        if self._marker_clicked:  # a marker took this click
            self._marker_clicked = False
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.view.mapSceneToView(event.scenePos())
        if self._outlines["grid"].isVisible():
            grid_id = self._outlines["grid"].key_at(point.x(), point.y())
            if grid_id:
                self.grid_clicked.emit(grid_id)
        village_id = self._outlines["village"].key_at(point.x(), point.y())
        if village_id:
            self.village_clicked.emit(village_id)

