"""The optional local base map under the worker-tracking map: Web-Mercator tiles beneath every other layer.

How the map canvas uses it (the canvas is a pyqtgraph ``ViewBox`` with locked aspect whose coordinates are
metres east and north of a :class:`console.core.geo.LocalProjection`)::

    layer = BaseMapLayer(projection, load_base_map_setting(settings.qsettings), parent=canvas)
    layer.attach(view_box)                 # drawn under everything; follows pans, zooms and resizes
    layer.load_failed.connect(show_in_status_bar)
    layer.set_setting(new_setting)         # another source, datum or opacity, at run time
    layer.shutdown()                       # when the map closes (stops its threads)

Threads: opening a source (a file or folder may sit on a slow share) and fetching and decoding tiles run
on the layer's own pool of :data:`FETCH_WORKERS` threads (a fresh pool for each source, so fetches stuck
on a dead server never delay the next source).  Workers post their results to a plain queue, which the
GUI thread empties every :data:`MAIL_INTERVAL_MS` while any job is outstanding: workers make no Qt
call, so no lock is ever held across the two threads, and only the GUI thread touches Qt items and
pixmaps.  A request the view no longer needs is cancelled while it waits, and answers from an older
setting are dropped.  A dead source is reported once through :attr:`BaseMapLayer.load_failed` and
retried with growing pauses, not hammered.
"""

from __future__ import annotations

import functools
import logging
import math
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem

from console.core.geo import LocalProjection, wgs84_to_gcj02
from console.maps.cache import TileCache
from console.maps.placement import TilePlacement, TilePlacer
from console.maps.setting import BaseMapSetting
from console.maps.sources import DEFAULT_TIMEOUT_S, TileSource, TileSourceError
from console.maps.tiles import TileKey, count_tiles_in_bounds, lonlat_to_tile_xy, tiles_in_bounds, zoom_for_resolution
from widgets.pictures import decode_picture

log = logging.getLogger(__name__)

# Threads that open sources and fetch and decode tiles (a dead server holds one each until its timeout).
FETCH_WORKERS = 4
# Tiles kept in memory (a 256 px tile is 256 KiB); never fewer than the view needs.
MEMORY_TILES = 256
# A view that needs more tiles than this at the source's coarsest zoom shows no base map.
MAX_TILES_PER_VIEW = 400
# Tiles are fetched for the view plus this share of its width and height on every side.
VIEW_MARGIN = 0.25
# Range changes are gathered for this long before tiles are worked out again.
UPDATE_DELAY_MS = 15
# After a source error, new requests pause this long, doubling up to :data:`RETRY_MAX_S`.
RETRY_FIRST_S = 2.0
RETRY_MAX_S = 60.0
# ``load_failed`` is emitted at most once in this many seconds (a flapping server must not spam).
REPORT_INTERVAL_S = 60.0
# While workers have answers to give, the GUI thread takes them this often.
MAIL_INTERVAL_MS = 15
# The base map's z-value among the view's items: below everything.
BASE_MAP_Z = -1e9
# Where the base-map setting lives in QSettings.
SETTINGS_GROUP = "map/base_map"


def load_base_map_setting(settings: QSettings, group: str = SETTINGS_GROUP) -> BaseMapSetting:
    """The base-map setting stored under ``group`` (defaults where nothing is stored).

    ``settings`` is a ``QSettings`` or a :class:`console.gui.settings.ConsoleSettings`."""
    qsettings = getattr(settings, "qsettings", settings)
    qsettings.beginGroup(group)
    try:
        values = {key: qsettings.value(key) for key in BaseMapSetting.keys() if qsettings.contains(key)}
    finally:
        qsettings.endGroup()
    return BaseMapSetting.from_dict(values)


def save_base_map_setting(settings: QSettings, setting: BaseMapSetting, group: str = SETTINGS_GROUP) -> None:
    """Store the base-map setting under ``group``, one key per field."""
    qsettings = getattr(settings, "qsettings", settings)
    qsettings.beginGroup(group)
    try:
        for key, value in setting.to_dict().items():
            qsettings.setValue(key, value)
    finally:
        qsettings.endGroup()


@dataclass(frozen=True)
class DrawnTile:
    """A tile ready to paint: its picture and the transform from its pixels to map metres."""

    key: TileKey
    pixmap: QPixmap
    transform: QTransform
    extent: QRectF


class BaseMapItem(QGraphicsItem):
    """Paints the base map's tiles, each through its own transform (tile pixels -> map metres).

    Lives in the view box's data group, under every other item (:data:`BASE_MAP_Z`)."""

    def __init__(self):
        super().__init__()
        self._tiles: list[DrawnTile] = []
        self._extent = QRectF()
        # paint() learns which part of the view needs painting, and skips the tiles outside it (the margin)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_tiles(self, tiles: list[DrawnTile]) -> None:
        """Paint these tiles from now on, in this order (later ones on top)."""
        extent = QRectF()
        for tile in tiles:
            extent = extent.united(tile.extent)
        self.prepareGeometryChange()
        self._tiles = tiles
        self._extent = extent
        self.update()

    def tiles(self) -> list[DrawnTile]:
        """The tiles painted now, bottom first."""
        return list(self._tiles)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._extent

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._tiles:
            return
        painter.save()
        # Smooth scaling between zoom levels; no edge antialiasing, which would let hairlines of the
        # background show between neighbouring tiles.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        base = painter.transform()
        exposed = option.exposedRect
        for tile in self._tiles:
            if not tile.extent.intersects(exposed):
                continue
            painter.setTransform(tile.transform * base)
            painter.drawPixmap(0, 0, tile.pixmap)
        painter.restore()


class _Mailbox:
    """What worker threads post their answers to: a plain queue that the layer empties on the GUI thread.

    Workers make no Qt call at all (no signal emitted across threads), so a worker can never wait on a
    lock that the GUI thread holds while the GUI thread waits on the worker.  Once closed (on the GUI
    thread, when the layer stops) nothing more is taken in."""

    def __init__(self):
        self._answers: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False

    def post_tile(self, generation: int, key: TileKey, image: QImage | None, error: str) -> bool:
        if self._closed:
            return False
        self._answers.put(("tile", generation, key, image, error))
        return True

    def post_source(self, generation: int, source: TileSource | None, error: str) -> bool:
        if self._closed:
            return False
        self._answers.put(("source", generation, source, error))
        return True

    def take_all(self) -> list[tuple]:
        """Everything posted so far (GUI thread)."""
        answers = []
        while True:
            try:
                answers.append(self._answers.get_nowait())
            except queue.Empty:
                return answers

    def close(self) -> list[tuple]:
        """Take nothing more; returns what was posted and not yet taken."""
        self._closed = True
        return self.take_all()


def decode_tile(data: bytes) -> QImage | None:
    """A tile's picture as a 32-bit ``QImage`` (fast to draw), or ``None`` if it is no picture.

    Safe on any thread: decoded by :func:`widgets.pictures.decode_picture`, never by Qt's image readers."""
    image = decode_picture(data)
    if image is None:
        return None
    kind = QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    return image.convertToFormat(kind)


def tile_transform(placement: TilePlacement, width: int, height: int) -> QTransform:
    """The affine map from a ``width`` × ``height`` tile picture's pixels to its placement on the map (metres).

    Exact at the north-west, north-east and south-west corners; the south-east one is off by the quad's
    departure from a parallelogram, under 0.002 tile pixels even for GCJ-02 tiles (see the tests), so
    neighbours still meet.  Affine rather than fitted to all four corners by ``QTransform.quadToQuad``:
    Qt paints a projective transform about three times slower."""
    (nw_x, nw_y), (ne_x, ne_y), _south_east, (sw_x, sw_y) = placement.corners
    return QTransform((ne_x - nw_x) / width, (ne_y - nw_y) / width,
                      (sw_x - nw_x) / height, (sw_y - nw_y) / height, nw_x, nw_y)


def _open_job(mailbox: _Mailbox, generation: int, setting: BaseMapSetting, timeout_s: float,
              cache: TileCache | None) -> None:
    """Worker thread: open the setting's source and post it (or why it failed)."""
    try:
        source = setting.open(timeout_s=timeout_s, cache=cache)
    except TileSourceError as error:
        mailbox.post_source(generation, None, str(error))
        return
    except Exception as error:  # noqa: BLE001 - a worker must always answer
        log.exception("opening the base map %r failed", setting.source)
        mailbox.post_source(generation, None, f"{type(error).__name__}: {error}")
        return
    if not mailbox.post_source(generation, source, ""):
        source.close()


def _fetch_job(mailbox: _Mailbox, generation: int, source: TileSource, key: TileKey) -> None:
    """Worker thread: fetch and decode one tile and post it; a corrupt copy is forgotten and fetched again once."""
    try:
        data = source.fetch(*key)
        image = decode_tile(data) if data is not None else None
        if data is not None and image is None:
            source.forget(*key)
            data = source.fetch(*key)
            image = decode_tile(data) if data is not None else None
            if data is not None and image is None:
                log.warning("base map tile %d/%d/%d of %r is not a picture: shown as missing", *key, source)
    except TileSourceError as error:
        mailbox.post_tile(generation, key, None, str(error))
        return
    except Exception as error:  # noqa: BLE001 - a worker must always answer
        log.exception("fetching base map tile %d/%d/%d failed", *key)
        mailbox.post_tile(generation, key, None, f"{type(error).__name__}: {error}")
        return
    mailbox.post_tile(generation, key, image, "")


def _close_when_done(source: TileSource, futures: list[Future]) -> None:
    """Close ``source`` once none of ``futures`` (fetches using it) is still running."""
    pending = [future for future in futures if not future.done()]
    if not pending:
        source.close()
        return
    remaining = [len(pending)]
    lock = threading.Lock()

    def one_done(_future: Future) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            source.close()
    for future in pending:
        future.add_done_callback(one_done)


class _WorkerPool:
    """The layer's fetch threads, started on first use and renewed with every source, so that fetches stuck
    on an old source (a stalled server holds a thread until its timeout) never delay the new one."""

    def __init__(self, workers: int):
        self._workers = workers
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, fn, *args) -> Future:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="gridwatch-tiles")
        return self._executor.submit(fn, *args)

    def renew(self) -> None:
        """Cancel what waits; the running fetches end on their own, on threads that then exit."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _abandon(mailbox: _Mailbox, pool: _WorkerPool, *_args) -> None:
    """The layer was destroyed without :meth:`BaseMapLayer.shutdown`: stop posting and let the threads end."""
    _close_sources(mailbox.close())
    pool.renew()


def _close_sources(answers: list[tuple]) -> None:
    """Close the sources opened for answers nobody will take."""
    for answer in answers:
        if answer[0] == "source" and answer[2] is not None:
            answer[2].close()


class BaseMapLayer(QObject):
    """Draws a base map (:class:`BaseMapSetting`) under a pyqtgraph ``ViewBox`` whose coordinates are metres
    east and north of ``projection``; tiles in GCJ-02 are shifted so that WGS-84 markers land on the right
    street.

    Attach it with :meth:`attach`; it then follows the view's range and size, picks the tile zoom from the
    view's metres per pixel (tiles near 256 device pixels), fetches the visible tiles plus a margin off the
    GUI thread, keeps at most ``memory_tiles`` of them in memory (the farthest go first), and paints them
    with :data:`BASE_MAP_Z`.  A missing tile shows nothing.  Everything here runs on the GUI thread."""

    # The tiles on screen changed (a tile arrived, the view moved on, the setting changed).  GUI thread.
    tiles_changed = Signal()
    # The base map cannot be shown: a translated one-line reason.  Emitted on the GUI thread, once per
    # failure (again only after the source worked in between) and at most once a minute.
    load_failed = Signal(str)

    def __init__(self, projection: LocalProjection, setting: BaseMapSetting | None = None,
                 parent: QObject | None = None, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 memory_tiles: int = MEMORY_TILES, cache: TileCache | None = None):
        super().__init__(parent)
        self._projection = projection
        self._setting = setting or BaseMapSetting()
        self._placer = TilePlacer(projection, self._setting.gcj02)
        self._timeout_s = timeout_s
        self._memory_tiles = memory_tiles
        self._cache = cache
        self._pool = _WorkerPool(FETCH_WORKERS)
        self._mailbox = _Mailbox()
        self.destroyed.connect(functools.partial(_abandon, self._mailbox, self._pool))
        self.item = BaseMapItem()
        self.item.setOpacity(self._setting.opacity)
        self._view: pg.ViewBox | None = None
        self._generation = 0
        self._source: TileSource | None = None
        self._opening: Future | None = None
        self._tiles: OrderedDict[TileKey, QPixmap | None] = OrderedDict()  # None: the source has no such tile
        self._drawn_cache: dict[TileKey, DrawnTile] = {}
        self._in_flight: dict[TileKey, Future] = {}
        self._wanted: list[TileKey] = []
        self._visible: list[TileKey] = []
        self._zoom: int | None = None
        self._failing = False
        self._retry_after_s = 0.0
        self._paused_until = 0.0
        self._last_report = -math.inf
        self._closed = False
        self._outstanding: set[Future] = set()
        self._update_timer = QTimer(self)
        self._update_timer.setSingleShot(True)
        self._update_timer.setInterval(UPDATE_DELAY_MS)
        self._update_timer.timeout.connect(self._update)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._retry_timer.timeout.connect(self._update)
        self._mail_timer = QTimer(self)  # runs while workers have answers to give
        self._mail_timer.setInterval(MAIL_INTERVAL_MS)
        self._mail_timer.timeout.connect(self._take_mail)
        self._open_source()

    # -- public ---------------------------------------------------------------------------------------
    @property
    def setting(self) -> BaseMapSetting:
        """The base map shown (or being opened)."""
        return self._setting

    @property
    def projection(self) -> LocalProjection:
        """The plane the view's coordinates are metres of."""
        return self._projection

    @property
    def source(self) -> TileSource | None:
        """The open tile source, or ``None`` (none set, still opening, failed or cleared)."""
        return self._source

    @property
    def zoom(self) -> int | None:
        """The tile zoom the view asks for now (``None`` before the first update)."""
        return self._zoom

    @property
    def pending_count(self) -> int:
        """Tile requests sent to the workers and not answered yet."""
        return len(self._in_flight)

    def tiles_in_memory(self) -> list[TileKey]:
        """The tiles held in memory (pictures and known gaps), least recently wanted first."""
        return list(self._tiles)

    def wanted_tiles(self) -> list[TileKey]:
        """The tiles the view needs now (visible ones and the margin), nearest the centre first."""
        return list(self._wanted)

    def drawn_tiles(self) -> list[TileKey]:
        """The tiles painted now, bottom first."""
        return [tile.key for tile in self.item.tiles()]

    def is_complete(self) -> bool:
        """Is every tile the view shows now painted, or known to be missing from the source?"""
        return (self._source is not None and self._zoom is not None and not self._update_timer.isActive()
                and all(key in self._tiles for key in self._visible))

    def attach(self, view_box: pg.ViewBox) -> None:
        """Draw under ``view_box``'s items (it is left out of the view's auto-range) and follow its range."""
        if view_box is self._view:
            return
        self.detach()
        self._view = view_box
        view_box.addItem(self.item, ignoreBounds=True)
        self.item.setZValue(BASE_MAP_Z)  # after addItem, which lifts items to the view's own z
        view_box.sigRangeChanged.connect(self._schedule_update)
        view_box.sigResized.connect(self._schedule_update)
        self._schedule_update()

    def detach(self) -> None:
        """Leave the view box (tiles stay in memory for the next :meth:`attach`)."""
        view, self._view = self._view, None
        if view is None:
            return
        for signal in (view.sigRangeChanged, view.sigResized):
            try:
                signal.disconnect(self._schedule_update)
            except (RuntimeError, TypeError):
                pass
        view.removeItem(self.item)
        self._cancel_queued(keep=set())

    def set_setting(self, setting: BaseMapSetting) -> None:
        """Show another base map, or the same one in another datum or opacity (no refetch for those)."""
        if self._closed:
            return
        old, self._setting = self._setting, setting
        self.item.setOpacity(setting.opacity)
        if not old.same_tiles(setting) or (self._source is None and self._opening is None):
            self._placer = TilePlacer(self._projection, setting.gcj02)
            self._open_source()
        elif old.gcj02 != setting.gcj02:
            self._replace_placer()

    def set_projection(self, projection: LocalProjection) -> None:
        """The view's coordinates are now metres of ``projection``: place the tiles again."""
        self._projection = projection
        self._replace_placer()

    def clear(self) -> None:
        """Remove the base map: tiles, pending requests and the open source go; the setting stays, and
        ``set_setting(layer.setting)`` shows it again."""
        if not self._closed:
            self._forget_everything()

    def shutdown(self) -> None:
        """Stop for good (the map is closing): nothing is posted or drawn any more, the threads end."""
        if self._closed:
            return
        self._closed = True
        self._update_timer.stop()
        self._retry_timer.stop()
        self._mail_timer.stop()
        self.detach()
        _close_sources(self._mailbox.close())
        self._forget_everything()

    # -- sources -------------------------------------------------------------------------------------
    def _open_source(self) -> None:
        self._forget_everything()
        if not self._setting.enabled:
            return
        self._opening = self._submit(_open_job, self._mailbox, self._generation, self._setting,
                                     self._timeout_s, self._cache)

    def _submit(self, job, *args) -> Future:
        """Run ``job`` on the pool; its answer is taken from the mailbox while any job is outstanding."""
        future = self._pool.submit(job, *args)
        self._outstanding.add(future)
        if not self._mail_timer.isActive():
            self._mail_timer.start()
        return future

    @Slot()
    def _take_mail(self) -> None:
        """Hand the workers' answers to their handlers; stop looking once every job has ended."""
        self._outstanding = {future for future in self._outstanding if not future.done()}
        for answer in self._mailbox.take_all():
            if answer[0] == "tile":
                self._on_tile_fetched(*answer[1:])
            else:
                self._on_source_opened(*answer[1:])
        if not self._outstanding:
            self._mail_timer.stop()

    def _on_source_opened(self, generation: int, source: TileSource | None, error: str) -> None:
        if generation != self._generation or self._closed:
            if source is not None:
                source.close()
            return
        self._opening = None
        if source is None:
            self._report(error)
            return
        self._source = source
        self._schedule_update()

    def _forget_everything(self) -> None:
        """A new generation: pending answers are dropped, the old source closes when its fetches end."""
        self._generation += 1
        futures = list(self._in_flight.values())
        for future in futures:
            future.cancel()
        if self._opening is not None:
            self._opening.cancel()  # if it already runs, its answer is of an old generation: closed on arrival
            self._opening = None
        if self._source is not None:
            _close_when_done(self._source, futures)
            self._source = None
        self._pool.renew()
        self._in_flight.clear()
        self._tiles.clear()
        self._drawn_cache.clear()
        self._wanted, self._visible, self._zoom = [], [], None
        self._failing, self._retry_after_s, self._paused_until = False, 0.0, 0.0
        self._last_report = -math.inf
        self._retry_timer.stop()
        self._show([])

    def _replace_placer(self) -> None:
        self._placer = TilePlacer(self._projection, self._setting.gcj02)
        self._drawn_cache.clear()
        self._schedule_update()

    # -- following the view ----------------------------------------------------------------------------
    def _schedule_update(self, *_args) -> None:
        if not self._closed and not self._update_timer.isActive():
            self._update_timer.start()

    def _device_pixel_ratio(self) -> float:
        scene = self._view.scene() if self._view is not None else None
        views = scene.views() if scene is not None else []
        return views[0].devicePixelRatioF() if views else 1.0

    @Slot()
    def _update(self) -> None:
        """Work out the tiles the view needs, ask for the missing ones, drop far ones, repaint."""
        view, source = self._view, self._source
        if view is None or source is None or self._closed:
            return
        rect = view.viewRect()
        metres_per_px = view.viewPixelSize()[0] / self._device_pixel_ratio()
        if not (rect.width() > 0 and rect.height() > 0 and metres_per_px > 0):
            return
        centre_lon, centre_lat = self._projection.to_lonlat(rect.center().x(), rect.center().y())
        zoom = zoom_for_resolution(metres_per_px, centre_lat, source.min_zoom, source.max_zoom)
        dx, dy = rect.width() * VIEW_MARGIN, rect.height() * VIEW_MARGIN
        fetch_box = self._placer.tile_datum_box(rect.left() - dx, rect.top() - dy, rect.right() + dx,
                                                rect.bottom() + dy)
        if count_tiles_in_bounds(*fetch_box, zoom) > MAX_TILES_PER_VIEW:
            wanted: list[TileKey] = []  # zoomed out far beyond what this base map holds
        else:
            if self._setting.gcj02:
                centre_lon, centre_lat = wgs84_to_gcj02(centre_lon, centre_lat)
            fx, fy = lonlat_to_tile_xy(centre_lon, centre_lat, zoom)
            wanted = sorted(tiles_in_bounds(*fetch_box, zoom),
                            key=lambda k: (k.x + 0.5 - fx) ** 2 + (k.y + 0.5 - fy) ** 2)
        wanted_set = set(wanted)
        visible_box = self._placer.tile_datum_box(rect.left(), rect.top(), rect.right(), rect.bottom())
        self._zoom, self._wanted = zoom, wanted
        self._visible = [key for key in tiles_in_bounds(*visible_box, zoom) if key in wanted_set] if wanted else []

        self._cancel_queued(keep=wanted_set)
        paused_for = self._paused_until - time.monotonic()
        if paused_for > 0:  # after a source error: the retry timer calls again (a timer may fire a little early)
            if not self._retry_timer.isActive():
                self._retry_timer.start(max(1, math.ceil(paused_for * 1000)))
        else:
            for key in wanted:
                if key not in self._tiles and key not in self._in_flight:
                    self._in_flight[key] = self._submit(_fetch_job, self._mailbox, self._generation, source, key)
        for key in wanted:
            if key in self._tiles:
                self._tiles.move_to_end(key)
        self._evict(wanted_set, rect.center())
        self._repaint(rect)

    def _cancel_queued(self, keep: set[TileKey]) -> None:
        """Cancel the requests for tiles not in ``keep`` that no worker has started yet."""
        for key, future in list(self._in_flight.items()):
            if key not in keep and future.cancel():
                del self._in_flight[key]

    def _drawn(self, key: TileKey) -> DrawnTile | None:
        """The tile with its placement (memoised until the placement changes), or None if it has no picture."""
        found = self._drawn_cache.get(key)
        if found is None:
            pixmap = self._tiles.get(key)
            if pixmap is None:
                return None
            placement = self._placer.place(key)
            transform = tile_transform(placement, pixmap.width(), pixmap.height())
            min_x, min_y, max_x, max_y = placement.extent
            found = DrawnTile(key, pixmap, transform, QRectF(min_x, min_y, max_x - min_x, max_y - min_y))
            self._drawn_cache[key] = found
        return found

    def _repaint(self, view_rect: QRectF) -> None:
        """Paint the wanted tiles; while some visible ones are still coming, other zooms' tiles fill in beneath."""
        current = [tile for tile in map(self._drawn, self._wanted) if tile is not None]
        stand_ins: list[DrawnTile] = []
        if not all(key in self._tiles for key in self._visible):
            others = [key for key, pixmap in self._tiles.items() if key.z != self._zoom and pixmap is not None]
            others.sort(key=lambda k: -abs(k.z - self._zoom))  # the nearest zoom on top
            stand_ins = [tile for tile in map(self._drawn, others)
                         if tile is not None and tile.extent.intersects(view_rect)]
        self._show(stand_ins + current)

    def _show(self, tiles: list[DrawnTile]) -> None:
        before = self.item.tiles()
        self.item.set_tiles(tiles)
        # a tile placed anew (another datum or projection) is another DrawnTile: that is a change too
        if len(tiles) != len(before) or any(new is not old for new, old in zip(tiles, before)):
            self.tiles_changed.emit()

    def _evict(self, wanted: set[TileKey], centre: QPointF) -> None:
        """Keep at most ``memory_tiles`` (or what the view needs): other zooms and far tiles go first."""
        excess = len(self._tiles) - max(self._memory_tiles, len(wanted))
        if excess <= 0:
            return
        cx, cy = centre.x(), centre.y()

        def remoteness(key: TileKey) -> tuple[int, float]:
            x, y = self._placer.place(key).centre
            return abs(key.z - (self._zoom or 0)), math.hypot(x - cx, y - cy)
        victims = sorted((key for key in self._tiles if key not in wanted), key=remoteness, reverse=True)
        for key in victims[:excess]:
            del self._tiles[key]
            self._drawn_cache.pop(key, None)

    # -- answers from the workers ------------------------------------------------------------------------
    def _on_tile_fetched(self, generation: int, key: TileKey, image: QImage | None, error: str) -> None:
        if generation != self._generation or self._closed:
            return
        self._in_flight.pop(key, None)
        if error:
            self._on_source_error(error)
            return
        self._failing, self._retry_after_s = False, 0.0
        self._tiles[key] = QPixmap.fromImage(image) if image is not None else None
        self._drawn_cache.pop(key, None)
        self._schedule_update()

    def _on_source_error(self, message: str) -> None:
        """Pause new requests (the ones waiting would fail alike), retry later, report once."""
        self._cancel_queued(keep=set())
        now = time.monotonic()
        if now >= self._paused_until:
            self._retry_after_s = min(RETRY_MAX_S, max(RETRY_FIRST_S, self._retry_after_s * 2))
            self._paused_until = now + self._retry_after_s
            self._retry_timer.start(int(self._retry_after_s * 1000))
        if not self._failing:
            self._failing = True
            self._report(message)

    def _report(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last_report < REPORT_INTERVAL_S:
            log.info("base map still failing: %s", message)
            return
        self._last_report = now
        log.warning("base map unavailable: %s", message)
        self.load_failed.emit(self.tr("Base map unavailable: %1").replace("%1", message))
