"""The video wall: cameras in tiles, in one of the wall layouts, with maximise, swap, drop and tours."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QWidget

from widgets.camera_catalog import CameraCatalog, feed_source
from widgets.camera_feed import FeedPool
from widgets.video_tile import VideoTile
from widgets.wall_layouts import LAYOUTS, WallLayout, layout_for, layout_named

MAX_TILES = max(layout.tile_count for layout in LAYOUTS.values())
WALL_BACKGROUND = "#05070a"  # between and behind the tiles, in either theme
TOUR_TICK_MS = 200  # how often tours look at the clock (a tour's period is whole seconds)
_wall_keys = itertools.count(1)


@dataclass
class Tour:
    """Cycling through a camera group: the whole wall page by page (``tile`` None) or one tile."""

    group: str
    seconds: int
    tile: int | None = None
    position: int = 0
    due: float = field(default=0.0, compare=False)  # time.monotonic() of the next step (not saved)


@dataclass
class WallState:
    """What a wall shows, as saved in the settings and in named layouts."""

    layout: str = "2x2"
    cameras: list[int | None] = field(default_factory=list)
    tours: list[Tour] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"layout": self.layout, "cameras": self.cameras,
                           "tours": [{"group": t.group, "seconds": t.seconds, "tile": t.tile}
                                     for t in self.tours]})

    @classmethod
    def from_json(cls, text: str) -> WallState | None:
        """The state saved as ``text``; None if it is missing or damaged."""
        try:
            data = json.loads(text)
            cameras = [c if isinstance(c, int) else None for c in data.get("cameras", [])][:MAX_TILES]
            tours = [Tour(str(t["group"]), max(2, int(t["seconds"])),
                          t.get("tile") if isinstance(t.get("tile"), int) else None) for t in data.get("tours", [])]
            return cls(str(data.get("layout", "2x2")), cameras, tours)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


class VideoWall(QWidget):
    """Tiles of live cameras laid out by a :class:`WallLayout`.

    Signals (GUI thread): ``camera_selected(camera_id)`` when a tile with a camera
    is clicked; ``tile_menu_requested(camera_id, global_pos)`` on a tile's context
    menu; ``state_changed()`` whenever layout, cameras or tours change.
    """

    camera_selected = Signal(int)
    tile_menu_requested = Signal(int, QPoint)
    state_changed = Signal()

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.pool = pool
        self.key = f"wall{next(_wall_keys)}"
        self.layout_def: WallLayout = layout_named("2x2")
        self.slots: list[int | None] = [None] * MAX_TILES
        self.tiles: list[VideoTile] = []
        self.maximised: int | None = None
        self.selected_tile: int | None = None
        self.menu_tile = 0  # the tile whose context menu was last requested
        self.tours: list[Tour] = []
        self._has_state = False
        self._tour_timer = QTimer(self, interval=TOUR_TICK_MS)
        self._tour_timer.timeout.connect(self._tour_tick)
        self._overlay_timer = QTimer(self, interval=1_000)  # countdowns of offline tiles, visibility checks
        self._overlay_timer.timeout.connect(self._refresh_overlays)
        self._overlay_timer.start()
        self.setMinimumSize(160, 90)
        # A palette, not a style sheet: a style sheet would also darken every dialog and menu opened over the
        # wall (its children), unreadable in the light theme; a palette does not reach other windows.
        backdrop = self.palette()
        backdrop.setColor(QPalette.ColorRole.Window, QColor(WALL_BACKGROUND))
        self.setPalette(backdrop)
        self.setAutoFillBackground(True)
        self._shut_down = False
        catalog.cameras_changed.connect(self._cameras_changed)
        if catalog.loaded:  # a wall opened after the cameras were read starts like any fresh wall
            self._cameras_changed()
        else:
            self._rebuild_tiles()

    # -- state -------------------------------------------------------------------------------------
    def state(self) -> WallState:
        return WallState(self.layout_def.name, list(self.slots), [Tour(t.group, t.seconds, t.tile)
                                                                  for t in self.tours])

    def set_state(self, state: WallState) -> None:
        self._has_state = True
        self.layout_def = layout_named(state.layout)
        self.slots = (list(state.cameras) + [None] * MAX_TILES)[:MAX_TILES]
        due = time.monotonic()
        self.tours = [Tour(t.group, t.seconds, t.tile, due=due + t.seconds) for t in state.tours]
        self.maximised = None
        self._rebuild_tiles()
        self._update_tour_timer()
        self.state_changed.emit()

    def set_layout(self, name: str) -> None:
        self._has_state = True
        self.layout_def = layout_named(name)
        self.maximised = None
        self._rebuild_tiles()
        self.state_changed.emit()

    def show_camera(self, camera_id: int, tile: int | None = None) -> int:
        """Put a camera on a tile (by default the first empty one, else the first); returns the tile."""
        if tile is None:
            shown = self.slots[:self.layout_def.tile_count]
            tile = shown.index(camera_id) if camera_id in shown else (
                shown.index(None) if None in shown else 0)
        self._has_state = True
        self.slots[tile] = camera_id
        self._bind(tile)
        self.state_changed.emit()
        return tile

    def clear_tile(self, tile: int) -> None:
        self.slots[tile] = None
        self._bind(tile)
        self.state_changed.emit()

    def swap(self, first: int, second: int) -> None:
        self.slots[first], self.slots[second] = self.slots[second], self.slots[first]
        self._bind(first)
        self._bind(second)
        self.state_changed.emit()

    def toggle_maximise(self, tile: int) -> None:
        self.maximised = None if self.maximised == tile else tile
        for index, widget in enumerate(self.tiles):
            widget.maximised = index == self.maximised
            widget.setVisible(self.maximised is None or index == self.maximised)
        self._place_tiles()

    def tile_of(self, camera_id: int) -> VideoTile | None:
        for tile in self.tiles:
            if tile.camera_id == camera_id:
                return tile
        return None

    # -- tours -------------------------------------------------------------------------------------
    def start_tour(self, group: str, seconds: int, tile: int | None = None) -> None:
        """Cycle ``group`` through the whole wall (page by page) or through one tile every ``seconds``."""
        self.tours = [t for t in self.tours if t.tile != tile]
        tour = Tour(group, max(2, seconds), tile)
        self.tours.append(tour)
        self._advance(tour)
        tour.due = time.monotonic() + tour.seconds
        self._update_tour_timer()
        self.state_changed.emit()

    def stop_tours(self, tile: int | None = None) -> None:
        """Stop the tour of ``tile``, or every tour."""
        self.tours = [] if tile is None else [t for t in self.tours if t.tile != tile]
        self._update_tour_timer()
        self.state_changed.emit()

    def _update_tour_timer(self) -> None:
        if self.tours and not self._tour_timer.isActive():
            self._tour_timer.start()
        elif not self.tours:
            self._tour_timer.stop()

    def _tour_tick(self) -> None:
        """Move on every tour whose time came: each keeps its own period from when it started."""
        now = time.monotonic()
        for tour in list(self.tours):
            if now >= tour.due:
                self._advance(tour)
                tour.due = max(tour.due + tour.seconds, now + tour.seconds / 2)  # no burst after a stall

    def _advance(self, tour: Tour) -> None:
        cameras = [camera.id for camera in self.catalog.in_group(tour.group)]
        if not cameras:
            return
        if tour.tile is not None:
            if tour.tile < self.layout_def.tile_count:
                self.slots[tour.tile] = cameras[tour.position % len(cameras)]
                self._bind(tour.tile)
            tour.position = (tour.position + 1) % len(cameras)
            return
        toured = [i for i in range(self.layout_def.tile_count) if all(t.tile != i for t in self.tours)]
        start = tour.position % len(cameras)
        for offset, tile in enumerate(toured):
            self.slots[tile] = cameras[start + offset] if start + offset < len(cameras) else None
            self._bind(tile)
        tour.position = 0 if start + len(toured) >= len(cameras) else start + len(toured)

    # -- tiles -------------------------------------------------------------------------------------
    def _cameras_changed(self) -> None:
        if not self._has_state:
            cameras = self.catalog.cameras()
            self.layout_def = layout_for(len(cameras))
            self.slots = ([c.id for c in cameras[:self.layout_def.tile_count]] + [None] * MAX_TILES)[:MAX_TILES]
            self._rebuild_tiles()
            return
        known = {camera.id for camera in self.catalog.cameras()}
        self.slots = [c if c in known else None for c in self.slots]
        for index in range(len(self.tiles)):
            self._bind(index)

    def _rebuild_tiles(self) -> None:
        for tile in self.tiles:
            tile.set_feed(None)
            tile.hide()  # gone from the wall now, not when the event loop gets round to deleting it
            tile.deleteLater()
        self.tiles = []
        for index in range(self.layout_def.tile_count):
            tile = VideoTile(index, self.key, self)
            tile.maximise_toggled.connect(self.toggle_maximise)
            tile.selected.connect(self._tile_selected)
            tile.camera_dropped.connect(self._camera_dropped)
            tile.tile_dropped.connect(lambda target, _key, source: self.swap(source, target))
            tile.menu_requested.connect(self._tile_menu)
            self.tiles.append(tile)
            tile.show()
            self._bind(index)
        self._place_tiles()
        self.pool.schedule_release()

    def _bind(self, index: int) -> None:
        if index >= len(self.tiles):
            return
        camera = self.catalog.get(self.slots[index])
        self.tiles[index].set_feed(self.pool.feed(feed_source(camera)) if camera is not None else None)
        self.pool.schedule_release()

    def _place_tiles(self) -> None:
        for index, tile in enumerate(self.tiles):
            if self.maximised is not None:
                if index == self.maximised:
                    tile.setGeometry(self.rect())
                continue
            tile.setGeometry(*self.layout_def.tile_rect(index, self.width(), self.height()))
        for tile in self.tiles:
            tile.report_demand()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_tiles()

    def _refresh_overlays(self) -> None:
        for tile in self.tiles:
            tile.report_demand()
            if tile.feed is not None and tile.feed.image is None:
                tile.update()

    def _tile_selected(self, index: int) -> None:
        self.selected_tile = index
        for tile in self.tiles:
            tile.highlighted = tile.index == index
            tile.update()
        camera_id = self.slots[index]
        if camera_id is not None:
            self.camera_selected.emit(camera_id)

    def _camera_dropped(self, index: int, camera_id: int) -> None:
        if self.catalog.get(camera_id) is not None:
            self.show_camera(camera_id, index)

    def _tile_menu(self, index: int, pos: QPoint) -> None:
        self.menu_tile = index
        self.tile_menu_requested.emit(self.slots[index] if self.slots[index] is not None else -1, pos)

    def shutdown(self) -> None:
        """Release every feed this wall holds (the window is closing); later catalogue loads are ignored."""
        if not self._shut_down:
            self._shut_down = True
            self.catalog.cameras_changed.disconnect(self._cameras_changed)
        self._tour_timer.stop()
        self._overlay_timer.stop()
        for tile in self.tiles:
            tile.set_feed(None)
        self.pool.schedule_release()
