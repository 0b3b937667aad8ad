"""The base map under a real pyqtgraph view, offscreen: tiles land where the tile math and the GCJ-02
transform say, without gaps, and the GUI thread never waits for a tile."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, QTimer
from PySide6.QtGui import QImage

import widgets.base_map as base_map
from console.core.geo import LocalProjection, gcj02_to_wgs84, wgs84_to_gcj02
from console.maps.placement import TilePlacer
from console.maps.setting import BaseMapSetting
from console.maps.tiles import TileKey, tile_of, tile_xy_to_lonlat
from tests.maps.tile_fixtures import TileServer, dead_port, make_mbtiles, make_xyz_dir, solid_png
from widgets.base_map import (BASE_MAP_Z, FETCH_WORKERS, BaseMapLayer, load_base_map_setting,
                              save_base_map_setting, tile_transform)

SHAOXING = LocalProjection(120.58, 30.0)
ZOOM = 16
CENTRE_TILE = tile_of(120.58, 30.0, ZOOM)
SPAN = 7  # tiles made on each side of the centre tile: the view and its margin, shifted or not, stay inside
BACKGROUND = (0, 0, 0)


def colour(x: int, y: int, scheme: int = 0) -> tuple[int, int, int]:
    """A colour per tile, different from every neighbour's (and never the background)."""
    if scheme:
        return 250 - 35 * (x % 6), 60 + 30 * (y % 5), 240
    return 30 + 40 * (x % 6), 30 + 45 * (y % 5), 90 + 60 * ((x // 6 + y // 5) % 3)


def town_tiles(scheme: int = 0) -> dict[tuple[int, int, int], bytes]:
    cx, cy = CENTRE_TILE.x, CENTRE_TILE.y
    return {(ZOOM, x, y): solid_png(colour(x, y, scheme))
            for x in range(cx - SPAN, cx + SPAN + 1) for y in range(cy - SPAN, cy + SPAN + 1)}


@pytest.fixture(scope="module")
def town_dir(tmp_path_factory):
    """An XYZ folder of solid-colour tiles around Shaoxing at z=16, with empty folders for z=14, 15 and 17."""
    return make_xyz_dir(tmp_path_factory.mktemp("xyz"), town_tiles(), empty_zooms=(14, 15, 17))


@pytest.fixture
def plot(qtbot):
    """A locked-aspect plot 1,600 m wide centred on the projection's origin (about 2.5 m per pixel)."""
    widget = pg.PlotWidget()
    widget.setBackground(BACKGROUND)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.setAspectLocked(True)
    widget.resize(640, 480)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getViewBox().setRange(xRange=(-800, 800), yRange=(-600, 600), padding=0)
    return widget


@pytest.fixture
def make_layer():
    layers = []

    def make(setting: BaseMapSetting, **options) -> BaseMapLayer:
        layer = BaseMapLayer(SHAOXING, setting, **options)
        layers.append(layer)
        return layer
    yield make
    for layer in layers:
        layer.shutdown()


@pytest.fixture
def tile_server():
    server = TileServer()
    yield server
    server.close()


def screen_point(widget: pg.PlotWidget, x: float, y: float) -> QPoint:
    """The viewport pixel where map point (x, y) metres is drawn."""
    return widget.mapFromScene(widget.getViewBox().mapViewToScene(QPointF(x, y)))


def pixel(image: QImage, point: QPoint) -> tuple[int, int, int]:
    found = image.pixelColor(point)
    return found.red(), found.green(), found.blue()


def close_to(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def tile_centre_xy(key: TileKey, gcj02: bool) -> tuple[float, float]:
    """Where the middle of a tile must be drawn: its own lon/lat, as GCJ-02 taken back to WGS-84 if so."""
    lon, lat = tile_xy_to_lonlat(key.x + 0.5, key.y + 0.5, key.z)
    if gcj02:
        lon, lat = gcj02_to_wgs84(lon, lat)
    return SHAOXING.to_xy(lon, lat)


def grab(widget: pg.PlotWidget) -> QImage:
    return widget.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def background_pixels_in_view(widget: pg.PlotWidget, image: QImage) -> int:
    """How many pixels of the view box show the background (a gap between tiles would)."""
    box = widget.mapFromScene(widget.getViewBox().sceneBoundingRect()).boundingRect()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    inside = pixels[box.top() + 1:box.bottom() - 1, box.left() + 1:box.right() - 1, :3]
    return int(np.count_nonzero((inside == 0).all(axis=2)))


def wait_complete(qtbot, layer: BaseMapLayer) -> None:
    qtbot.waitUntil(layer.is_complete, timeout=10_000)


def test_tiles_land_where_the_tile_math_says_without_gaps(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    with qtbot.waitSignal(layer.tiles_changed, timeout=10_000):
        layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    assert layer.zoom == ZOOM
    assert layer.item.zValue() == BASE_MAP_Z
    image = grab(plot)
    for dx, dy in [(0, 0), (1, 0), (-1, 1), (0, -1), (1, 1)]:
        key = TileKey(ZOOM, CENTRE_TILE.x + dx, CENTRE_TILE.y + dy)
        point = screen_point(plot, *tile_centre_xy(key, gcj02=False))
        assert close_to(pixel(image, point), colour(key.x, key.y)), (key, pixel(image, point))
    assert background_pixels_in_view(plot, image) == 0


def test_a_tiles_edge_is_where_the_tile_math_puts_it(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    image = grab(plot)
    # the western edge of the tile east of the centre: 3 px either side of it are the two tiles' colours
    east = TileKey(ZOOM, CENTRE_TILE.x + 1, CENTRE_TILE.y)
    lon, lat = tile_xy_to_lonlat(east.x, east.y + 0.5, ZOOM)
    edge = screen_point(plot, *SHAOXING.to_xy(lon, lat))
    assert close_to(pixel(image, edge + QPoint(3, 0)), colour(east.x, east.y))
    assert close_to(pixel(image, edge - QPoint(3, 0)), colour(CENTRE_TILE.x, CENTRE_TILE.y))


def test_gcj02_tiles_move_by_the_local_offset(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    plain_xy = tile_centre_xy(CENTRE_TILE, gcj02=False)
    before = pixel(grab(plot), screen_point(plot, *plain_xy))
    assert close_to(before, colour(CENTRE_TILE.x, CENTRE_TILE.y))

    with qtbot.waitSignal(layer.tiles_changed, timeout=10_000):
        layer.set_setting(BaseMapSetting(str(town_dir), gcj02=True))
    wait_complete(qtbot, layer)
    image = grab(plot)
    shifted_xy = tile_centre_xy(CENTRE_TILE, gcj02=True)
    # the tile moved by hundreds of metres, to where the published forward transform maps back onto it
    assert 400 < math.dist(plain_xy, shifted_xy) < 550
    tile_lonlat = tile_xy_to_lonlat(CENTRE_TILE.x + 0.5, CENTRE_TILE.y + 0.5, ZOOM)
    assert wgs84_to_gcj02(*SHAOXING.to_lonlat(*shifted_xy)) == pytest.approx(tile_lonlat, abs=1e-8)
    assert close_to(pixel(image, screen_point(plot, *shifted_xy)), colour(CENTRE_TILE.x, CENTRE_TILE.y))
    assert not close_to(pixel(image, screen_point(plot, *plain_xy)), colour(CENTRE_TILE.x, CENTRE_TILE.y))
    assert background_pixels_in_view(plot, image) == 0


@pytest.mark.parametrize("zoom", [12, 14, 16, 18])
def test_per_tile_placement_is_within_a_fraction_of_a_pixel_of_the_exact_transform(zoom):
    key = tile_of(*wgs84_to_gcj02(120.59, 30.01), zoom)
    placement = TilePlacer(SHAOXING, gcj02=True).place(key)
    transform = tile_transform(placement, 256, 256)
    worst = 0.0
    for u in range(0, 257, 32):
        for v in range(0, 257, 32):
            lon, lat = gcj02_to_wgs84(*tile_xy_to_lonlat(key.x + u / 256, key.y + v / 256, zoom))
            drawn = transform.map(QPointF(u, v))
            worst = max(worst, math.dist(SHAOXING.to_xy(lon, lat), (drawn.x(), drawn.y())))
    metres_per_tile_px = math.dist(*placement.corners[:2]) / 256
    assert worst < 0.25 * metres_per_tile_px
    # the affine map is exact at three corners and misses the fourth, shared with three neighbours, by a hair
    south_east = transform.map(QPointF(256, 256))
    assert math.dist(placement.south_east, (south_east.x(), south_east.y())) < 0.01 * metres_per_tile_px
    if zoom >= 14:
        assert worst < 0.5  # metres, at street zooms


def test_switching_source_at_run_time(qtbot, plot, town_dir, tmp_path, make_layer):
    mbtiles = make_mbtiles(tmp_path / "other.mbtiles", town_tiles(scheme=1),
                           {"format": "png", "minzoom": "16", "maxzoom": "16"})
    layer = make_layer(BaseMapSetting(str(town_dir)))
    layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    centre = screen_point(plot, *tile_centre_xy(CENTRE_TILE, gcj02=False))
    assert close_to(pixel(grab(plot), centre), colour(CENTRE_TILE.x, CENTRE_TILE.y))

    layer.set_setting(BaseMapSetting(str(mbtiles), opacity=1.0))
    wait_complete(qtbot, layer)
    assert close_to(pixel(grab(plot), centre), colour(CENTRE_TILE.x, CENTRE_TILE.y, scheme=1))

    layer.set_setting(BaseMapSetting(str(mbtiles), opacity=0.5))  # same tiles: drawn half through
    assert layer.item.opacity() == 0.5
    half = pixel(grab(plot), centre)
    assert close_to(half, tuple(c // 2 for c in colour(CENTRE_TILE.x, CENTRE_TILE.y, scheme=1)), tolerance=4)

    layer.clear()
    assert layer.drawn_tiles() == [] and layer.source is None
    assert pixel(grab(plot), centre) == BACKGROUND


def test_a_new_projection_places_the_tiles_again(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    moved = LocalProjection(120.59, 30.0)  # the view's origin 963 m further east
    with qtbot.waitSignal(layer.tiles_changed, timeout=5000):
        layer.set_projection(moved)
    wait_complete(qtbot, layer)
    drawn = {tile.key: tile for tile in layer.item.tiles()}
    lon, lat = tile_xy_to_lonlat(CENTRE_TILE.x + 0.5, CENTRE_TILE.y + 0.5, ZOOM)
    middle = drawn[CENTRE_TILE].transform.map(QPointF(128, 128))
    assert math.dist((middle.x(), middle.y()), moved.to_xy(lon, lat)) < 0.05


def test_detach_leaves_the_view(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    view = plot.getViewBox()
    layer.attach(view)
    wait_complete(qtbot, layer)
    layer.detach()
    assert layer.item.scene() is None
    view.setRange(xRange=(-3200, 3200), yRange=(-2400, 2400), padding=0)
    qtbot.wait(100)  # time for a (wrongly) followed range change to be taken up
    assert layer.zoom == ZOOM
    assert pixel(grab(plot), screen_point(plot, 0, 0)) == BACKGROUND
    layer.attach(view)  # and back: the tiles kept in memory, the new range followed
    qtbot.waitUntil(lambda: layer.zoom == 14 and layer.is_complete(), timeout=5000)


def test_zoom_follows_the_view_within_the_sources_levels(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)))
    view = plot.getViewBox()
    layer.attach(view)
    wait_complete(qtbot, layer)
    assert layer.zoom == 16
    view.setRange(xRange=(-3200, 3200), yRange=(-2400, 2400), padding=0)  # ~10 m/px: z=14
    qtbot.waitUntil(lambda: layer.zoom == 14 and layer.is_complete(), timeout=10_000)
    assert layer.drawn_tiles() == []  # the folder has no z=14 tiles: nothing drawn, nothing reported
    view.setRange(xRange=(-25_600, 25_600), yRange=(-19_200, 19_200), padding=0)  # z=11, clamped to 14
    qtbot.waitUntil(lambda: layer.zoom == 14 and layer.is_complete(), timeout=10_000)
    view.setRange(xRange=(-100, 100), yRange=(-75, 75), padding=0)  # ~0.3 m/px: z=19, clamped to 17
    qtbot.waitUntil(lambda: layer.zoom == 17 and layer.is_complete(), timeout=10_000)
    view.setRange(xRange=(-800, 800), yRange=(-600, 600), padding=0)
    qtbot.waitUntil(lambda: layer.zoom == 16 and layer.is_complete(), timeout=10_000)
    assert CENTRE_TILE in layer.drawn_tiles()


def test_memory_is_bounded_and_far_tiles_go_first(qtbot, plot, town_dir, make_layer):
    layer = make_layer(BaseMapSetting(str(town_dir)), memory_tiles=20)
    view = plot.getViewBox()
    layer.attach(view)
    wait_complete(qtbot, layer)
    for dx in (-1200, 1200, 0):
        view.setRange(xRange=(dx - 800, dx + 800), yRange=(-600, 600), padding=0)
        qtbot.waitUntil(layer.is_complete, timeout=10_000)
        assert len(layer.tiles_in_memory()) <= max(20, len(layer.wanted_tiles()))
    assert CENTRE_TILE in layer.drawn_tiles()
    far_west = TileKey(ZOOM, CENTRE_TILE.x - 4, CENTRE_TILE.y)  # wanted only when the view was 1.2 km west
    assert far_west not in layer.tiles_in_memory()


def test_a_stalled_server_never_stalls_the_gui_thread(qtbot, plot, tile_server, make_layer):
    tile_server.stalling = True
    tile_server.stall_s = 1.0  # each request answers (404) after a second: a fetch on the GUI thread would block it
    layer = make_layer(BaseMapSetting(tile_server.url("/{z}/{x}/{y}.png")))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        layer.attach(plot.getViewBox())
        qtbot.waitUntil(lambda: tile_server.stalled >= FETCH_WORKERS, timeout=3000)
        first = len(ticks)
        for step in range(1, 6):  # the view moves on while every worker waits for the server
            plot.getViewBox().translateBy(x=500)
            qtbot.waitUntil(lambda: len(ticks) >= first + 8 * step, timeout=3000)
    finally:
        timer.stop()
    gaps = np.diff(ticks[first:])
    assert gaps.max() < 0.5, f"the GUI thread stopped for {gaps.max():.3f} s"  # a fetch on it stops it 1 s
    assert layer.drawn_tiles() == []
    # waiting requests the view no longer needs were cancelled: only the running ones and the wanted remain
    assert FETCH_WORKERS <= layer.pending_count <= FETCH_WORKERS + len(layer.wanted_tiles())
    assert tile_server.most_stalled == FETCH_WORKERS


def test_answers_for_an_old_setting_are_dropped(qtbot, plot, tile_server, tmp_path, make_layer):
    cx, cy = CENTRE_TILE.x, CENTRE_TILE.y
    for x in range(cx - SPAN, cx + SPAN + 1):
        for y in range(cy - SPAN, cy + SPAN + 1):
            tile_server.tiles[f"/{ZOOM}/{x}/{y}.png"] = solid_png((255, 0, 0))
    tile_server.stalling = True
    layer = make_layer(BaseMapSetting(tile_server.url("/{z}/{x}/{y}.png"), min_zoom=16, max_zoom=16), timeout_s=30)
    layer.attach(plot.getViewBox())
    qtbot.waitUntil(lambda: tile_server.stalled >= FETCH_WORKERS, timeout=5000)
    stalled_tiles = {TileKey(*map(int, path.removesuffix(".png").split("/")[1:])) for path in tile_server.hits}
    assert CENTRE_TILE in stalled_tiles
    # the new base map has a z=16 folder without tiles: the view needs the same tiles, and gets none
    layer.set_setting(BaseMapSetting(str(make_xyz_dir(tmp_path / "blank", {}, empty_zooms=(16,)))))
    wait_complete(qtbot, layer)
    tile_server.release()  # the old requests now answer with red tiles
    qtbot.waitUntil(lambda: tile_server.stalled == 0, timeout=5000)
    qtbot.wait(300)  # time for any answer (wrongly) taken to reach the GUI thread and be drawn
    assert layer.drawn_tiles() == []
    assert pixel(grab(plot), screen_point(plot, *tile_centre_xy(CENTRE_TILE, False))) == BACKGROUND


def test_a_dead_server_is_reported_once_and_retried_quietly(qtbot, plot, tile_server, make_layer, monkeypatch):
    monkeypatch.setattr(base_map, "RETRY_FIRST_S", 0.05)
    monkeypatch.setattr(base_map, "RETRY_MAX_S", 0.1)
    tile_server.status = 503
    layer = make_layer(BaseMapSetting(tile_server.url("/{z}/{x}/{y}.png")))
    failures: list[str] = []
    layer.load_failed.connect(failures.append)
    layer.attach(plot.getViewBox())
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5000)
    assert "HTTP 503" in failures[0]
    first_round = len(tile_server.hits)
    qtbot.waitUntil(lambda: len(tile_server.hits) >= first_round + 3 * FETCH_WORKERS, timeout=5000)  # retried
    plot.getViewBox().translateBy(x=700)
    qtbot.waitUntil(lambda: len(tile_server.hits) >= first_round + 6 * FETCH_WORKERS, timeout=5000)
    assert len(failures) == 1
    assert layer.drawn_tiles() == []


def test_a_dead_port_is_reported_with_its_reason(qtbot, plot, make_layer):
    layer = make_layer(BaseMapSetting(f"http://127.0.0.1:{dead_port()}/{{z}}/{{x}}/{{y}}.png"))
    with qtbot.waitSignal(layer.load_failed, timeout=5000) as failed:
        layer.attach(plot.getViewBox())
    assert "cannot reach tile server 127.0.0.1" in failed.args[0]


def test_a_bad_source_is_reported_not_raised(qtbot, plot, tmp_path, make_layer):
    layer = make_layer(BaseMapSetting(str(tmp_path / "nowhere")))
    with qtbot.waitSignal(layer.load_failed, timeout=5000) as failed:
        layer.attach(plot.getViewBox())
    assert "no such file or folder" in failed.args[0]
    assert layer.source is None and layer.drawn_tiles() == []


def test_missing_tiles_show_nothing_and_raise_nothing(qtbot, plot, tmp_path, make_layer):
    only = {(ZOOM, CENTRE_TILE.x, CENTRE_TILE.y): solid_png(colour(CENTRE_TILE.x, CENTRE_TILE.y))}
    layer = make_layer(BaseMapSetting(str(make_xyz_dir(tmp_path / "one", only))))
    failures: list[str] = []
    layer.load_failed.connect(failures.append)
    layer.attach(plot.getViewBox())
    wait_complete(qtbot, layer)
    assert layer.drawn_tiles() == [CENTRE_TILE] and failures == []
    east = TileKey(ZOOM, CENTRE_TILE.x + 1, CENTRE_TILE.y)
    assert pixel(grab(plot), screen_point(plot, *tile_centre_xy(east, False))) == BACKGROUND


def test_the_setting_survives_a_settings_file(tmp_path):
    path = str(tmp_path / "gridwatch.ini")
    setting = BaseMapSetting("http://tiles.lan/{z}/{x}/{y}.png", gcj02=True, opacity=0.7, min_zoom=10, max_zoom=17)
    written = QSettings(path, QSettings.Format.IniFormat)
    save_base_map_setting(written, setting)
    written.sync()
    del written
    assert load_base_map_setting(QSettings(path, QSettings.Format.IniFormat)) == setting
    assert load_base_map_setting(QSettings(str(tmp_path / "empty.ini"), QSettings.Format.IniFormat)) == \
        BaseMapSetting()
