"""The worker-tracking map offscreen: layers switch, clicks select, the map centres on incidents, dispatch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPalette

from console.core.geo import LocalProjection
from console.core.patrol import TrackStats
from console.core.redlight import VillageCounts
from console.storage.map_data import (LiveIncidents, LiveMap, LiveWorkers, MapPlaces, Outline, PlaceMarks,
                                      WorkerDirectory)
from console.storage.worker_card import GridPatrol, WorkerCard, WorkerTrack
from widgets.map_canvas import MARKERS_CACHED_ABOVE
from widgets.map_live import RED_BUCKET, prepare_live
from widgets.map_panel import MapPanel
from widgets.map_style import WORKER_STATE_COLOURS
from widgets.point_cloud import DEDUPE_CELL_PX, _first_in_each_cell
from widgets.scale_bar import MAX_BAR_PX, round_length_m

AT = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
PROJECTION = LocalProjection(120.58, 30.0)
PATROLLING, IDLE, HANDLING, OFFLINE = range(4)


def _square(x0, y0, size):
    return np.array([(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)], dtype=float)


def _places() -> MapPlaces:
    villages = PlaceMarks(np.array([1, 2]), ["V1", "V2"], ["东村", "西村"], np.array([-1000.0, 1000.0]),
                          np.array([0.0, 0.0]), np.array([1, 1]))
    grids = PlaceMarks(np.array([1, 2]), ["G1", "G2"], ["东村第1网格", "西村第1网格"], np.array([-1000.0, 1000.0]),
                       np.array([0.0, 0.0]), np.array([1, 2]))
    outlines = {"town": [Outline("town", "T", "镇", (_square(-2000, -1000, 4000),))],
                "village": [Outline("village", "V1", "东村", (_square(-2000, -1000, 2000),)),
                            Outline("village", "V2", "西村", (_square(0, -1000, 2000),))],
                "grid": [Outline("grid", "G1", "东村第1网格", (_square(-2000, -1000, 2000),)),
                         Outline("grid", "G2", "西村第1网格", (_square(0, -1000, 2000),))]}
    workers = WorkerDirectory(np.array([11, 12, 13, 14]), ["W11", "W12", "W13", "W14"], ["张三", "李四", "王五", "赵六"],
                              ["138****0011", "138****0012", "138****0013", "138****0014"], np.array([1, 1, 2, 2]),
                              np.array([True, True, True, True]))
    cameras = PlaceMarks(np.array([5]), ["C5"], ["高点"], np.array([0.0]), np.array([800.0]), np.array([1]))
    return MapPlaces(PROJECTION, outlines, villages, grids, cameras, workers, (-2000.0, -1000.0, 2000.0, 1000.0))


def _live(red_village: int | None = None) -> LiveMap:
    x = np.array([-1500.0, -600.0, 600.0, -1100.0])
    y = np.array([300.0, -300.0, 200.0, 150.0])
    lon, lat = PROJECTION.to_lonlat(x, y)
    workers = LiveWorkers(np.array([11, 12, 13, 14]), x, y, np.array([PATROLLING, IDLE, HANDLING, OFFLINE], dtype=np.int8),
                          np.full(4, 1.0), lon, lat)
    ix, iy = np.array([-1000.0, 1500.0]), np.array([100.0, -500.0])
    ilon, ilat = PROJECTION.to_lonlat(ix, iy)
    incidents = LiveIncidents(np.array([101, 102]), ["20261129-0001", "20261129-0002"], ["屋顶违建", "道路破损"],
                              ix, iy, ilon, ilat, ["reported", "dispatched"], np.array([2, 3], dtype=np.int8),
                              np.array([False, True]))
    counts = {1: VillageCounts(10, 9 if red_village == 1 else 2), 2: VillageCounts(10, 1)}
    return LiveMap(AT, workers, incidents, counts)


@pytest.fixture
def panel(qtbot):
    panel = MapPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_places(_places())
    panel.set_live(_live())
    panel.canvas.show_everything()
    return panel


def _click(qtbot, panel, x, y):
    pixel = panel.canvas.pixel_of(x, y).toPoint()
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pixel)


def _settled_image(qtbot, canvas):
    """The map as it shows once the pictures a repaint may have begun are drawn (a few event-loop passes)."""
    canvas.grab()
    qtbot.waitUntil(lambda: not canvas.drawing_pending(), timeout=3_000)
    return canvas.grab().toImage()


def _colour_at(qtbot, panel, x, y) -> QColor:
    return _settled_image(qtbot, panel.canvas).pixelColor(panel.canvas.pixel_of(x, y).toPoint())


def test_switching_the_workers_layer_off_hides_their_markers(qtbot, panel):
    patrolling = WORKER_STATE_COLOURS[PATROLLING]
    assert _colour_at(qtbot, panel, -1500, 300) == patrolling
    panel.layer_actions["workers"].setChecked(False)
    assert _colour_at(qtbot, panel, -1500, 300) != patrolling
    panel.layer_actions["workers"].setChecked(True)
    assert _colour_at(qtbot, panel, -1500, 300) == patrolling


def test_clicking_a_worker_selects_them_and_asks_for_their_card(qtbot, panel):
    with qtbot.waitSignal(panel.worker_card_requested) as card_request, qtbot.waitSignal(panel.worker_selected) as chosen:
        _click(qtbot, panel, -600, -300)
    assert chosen.args == [12]
    worker_id, start, end = card_request.args
    assert worker_id == 12 and end - start == timedelta(days=1)


def test_an_incident_centres_the_map_and_offers_the_nearest_workers(qtbot, panel):
    assert panel.select_incident(101)
    (x0, x1), (y0, y1) = panel.canvas.view.viewRange()
    assert (x0 + x1) / 2 == pytest.approx(-1000, abs=5) and (y0 + y1) / 2 == pytest.approx(100, abs=5)
    card = panel.dispatch_card
    assert panel.cards.currentWidget() is card
    names = [card.candidates.topLevelItem(i).text(1) for i in range(card.candidates.topLevelItemCount())]
    # 张三 is 539 m away, 李四 566 m, 王五 1.6 km; 赵六 is nearer than all of them but offline
    assert names == ["张三", "李四", "王五"]
    assert [card.candidates.topLevelItem(i).text(2) for i in range(3)] == ["539 m", "566 m", "1.6 km"]
    with qtbot.waitSignal(panel.assign_requested) as assigned:
        card.candidates.setFocus()
        qtbot.keyClick(card.candidates, Qt.Key.Key_1)
    assert assigned.args == [101, int(card.candidates.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole))]


def test_clicking_an_incident_selects_it(qtbot, panel):
    with qtbot.waitSignal(panel.incident_selected) as chosen:
        _click(qtbot, panel, 1500, -500)
    assert chosen.args == [102]
    assert panel.selected_incident == 102


def test_clicking_inside_a_village_selects_the_village(qtbot, panel):
    with qtbot.waitSignal(panel.village_selected) as chosen:
        _click(qtbot, panel, 1200, 700)
    assert chosen.args == [2]


def test_a_red_light_village_is_shaded_red(qtbot, panel):
    before = _colour_at(qtbot, panel, -1800, -800)
    panel.set_live(_live(red_village=1))
    after = _colour_at(qtbot, panel, -1800, -800)
    assert before.red() - before.green() < 20  # green to amber: few events unresolved
    assert after.red() - after.green() > 60  # red


def test_the_scale_bar_shows_a_round_length_at_every_zoom(qtbot, panel):
    for width in (4000, 900, 120):
        panel.canvas.centre_on(0, 0, width_m=width)
        bar = panel.canvas.scale_bar
        assert bar.metres == round_length_m(bar.metres) and 0 < bar.pixels <= MAX_BAR_PX
        assert bar.pixels * panel.canvas.view.viewPixelSize()[0] == pytest.approx(bar.metres, rel=1e-6)


def test_finding_a_worker_by_name_opens_their_card(qtbot, panel):
    panel.search.setText("王五")
    with qtbot.waitSignal(panel.worker_card_requested) as request:
        qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert request.args[0] == 13


def test_replaying_a_track_moves_the_marker_along_it(qtbot, panel):
    panel.select_worker(11)
    t = np.array([0.0, 600.0, 1200.0]) + AT.timestamp()
    x, y = np.array([-1500.0, -1200.0, -1200.0]), np.array([300.0, 300.0, 0.0])
    lon, lat = PROJECTION.to_lonlat(x, y)
    card = WorkerCard(11, "W11", "张三", "138****0011", 1, "东村第1网格", "东村", AT, AT + timedelta(days=1),
                      TrackStats(distance_m=600.0, patrol_s=1200.0), WorkerTrack(t, lon, lat, x, y),
                      np.empty((0, 2)), [(101, "20261129-0001", "屋顶违建")])
    panel.show_worker_card(card)
    view = panel.worker_card
    assert panel.cards.currentWidget() is view and "600 m" in view.distance.text()
    assert view.in_hand.item(0).data(Qt.ItemDataRole.UserRole) == 101
    with qtbot.waitSignal(view.replay.position_changed) as moved:
        view.replay.slider.setValue(int(t[0] + 300))
    assert moved.args[1:] == pytest.approx([-1350.0, 300.0])
    view.replay.speed.setCurrentIndex(view.replay.speed.count() - 1)
    view.replay.play_button.setChecked(True)
    qtbot.waitUntil(lambda: not view.replay.play_button.isChecked(), timeout=3_000)  # played to the end
    assert view.replay.slider.value() == view.replay.slider.maximum()


def test_clicking_a_grid_shows_its_patrol_and_leads_to_its_workers(qtbot, panel):
    panel.canvas.centre_on(1000, 0, width_m=3_000)  # close enough for grid outlines
    qtbot.waitUntil(lambda: panel.canvas.outlines_shown("grid"))  # switched on once the zoom settles
    with qtbot.waitSignal(panel.grid_patrol_requested) as request:
        _click(qtbot, panel, 1300, -700)
    grid_id, start, end = request.args
    assert grid_id == 2 and end - start == timedelta(days=1)
    patrol = GridPatrol(2, "西村第1网格", "西村", start, end,
                        [(13, "王五", TrackStats(distance_m=1200.0, patrol_s=3600.0)),
                         (14, "赵六", TrackStats(distance_m=800.0, patrol_s=1800.0, outside_s=600.0))])
    panel.show_grid_patrol(patrol)
    card = panel.grid_card
    assert panel.cards.currentWidget() is card
    assert card.distance.text() == "2.0 km" and card.workers.topLevelItemCount() == 2
    with qtbot.waitSignal(panel.worker_card_requested) as opened:
        card.workers.itemDoubleClicked.emit(card.workers.topLevelItem(1), 0)
    assert opened.args[0] == 14


def test_a_base_map_is_drawn_under_the_places_and_the_shading_lets_it_through(qtbot, panel, tmp_path):
    from console.maps.setting import BaseMapSetting
    from console.maps.tiles import tiles_in_bounds
    from tests.maps.tile_fixtures import make_xyz_dir, solid_png

    (west, south) = PROJECTION.to_lonlat(-3000, -2000)
    (east, north) = PROJECTION.to_lonlat(3000, 2000)
    tiles = {tuple(key): solid_png((200, 30, 200)) for z in range(12, 18)
             for key in tiles_in_bounds(west, south, east, north, z)}
    folder = make_xyz_dir(tmp_path / "tiles", tiles)
    panel.layer_actions["villages"].setChecked(False)  # no shading over the spot we look at
    panel.canvas.set_base_map(BaseMapSetting(str(folder)))
    layer = panel.canvas.base_map
    qtbot.waitUntil(lambda: layer.is_complete() and bool(layer.drawn_tiles()), timeout=10_000)
    assert _colour_at(qtbot, panel, -1700, -700).getRgb()[:3] == (200, 30, 200)
    panel.canvas.set_base_map(BaseMapSetting(""))  # no base map again
    qtbot.waitUntil(lambda: not layer.drawn_tiles(), timeout=5_000)
    assert _colour_at(qtbot, panel, -1700, -700).getRgb()[:3] != (200, 30, 200)
    panel.canvas.shutdown()


def test_the_track_exports_as_gpx(qtbot, panel, tmp_path, monkeypatch):
    from xml.etree import ElementTree as ET
    from PySide6.QtWidgets import QFileDialog
    panel.select_worker(11)
    t = np.array([0.0, 5.0, 10.0]) + AT.timestamp()
    x, y = np.array([-1500.0, -1490.0, -1480.0]), np.array([300.0, 300.0, 300.0])
    lon, lat = PROJECTION.to_lonlat(x, y)
    panel.show_worker_card(WorkerCard(11, "W11", "张三", "138****0011", 1, "东村第1网格", "东村", AT,
                                      AT + timedelta(days=1), TrackStats(), WorkerTrack(t, lon, lat, x, y),
                                      np.empty((0, 2)), []))
    target = tmp_path / "track.gpx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    qtbot.mouseClick(panel.worker_card.export_button, Qt.MouseButton.LeftButton)
    points = ET.parse(target).getroot().findall(".//{http://www.topografix.com/GPX/1/1}trkpt")
    assert [float(p.get("lon")) for p in points] == pytest.approx(list(lon), abs=1e-6)
    assert [float(p.get("lat")) for p in points] == pytest.approx(list(lat), abs=1e-6)
    assert points[0].find("{http://www.topografix.com/GPX/1/1}time").text == "2026-11-29T02:00:00Z"


class _Relay(QObject):
    """Says on the GUI thread that a background task's result arrived."""

    arrived = Signal(object)


def test_a_snapshot_prepared_on_a_worker_thread_shows_markers_and_shading_in_place(qtbot, panel, tasks):
    relay = _Relay()
    relay.arrived.connect(panel.set_live)
    live = _live(red_village=1)
    with qtbot.waitSignal(relay.arrived, timeout=5_000):
        tasks.read(prepare_live, live, panel.places.villages.ids, on_done=relay.arrived.emit)
    assert panel.live is live
    for x, y, state in zip(live.workers.x, live.workers.y, live.workers.states):
        assert _colour_at(qtbot, panel, x, y) == WORKER_STATE_COLOURS[int(state)]
    red = _colour_at(qtbot, panel, -1800, -800)
    assert red.red() - red.green() > 60


def test_prepared_snapshots_group_workers_by_state_and_shade_villages_by_tenths(qtbot):
    live = _live()
    live.village_counts.update({1: VillageCounts(10, 8), 3: VillageCounts(0, 0), 4: VillageCounts(20, 7)})
    prepared = prepare_live(live, np.array([1, 2, 3, 4, 5]))
    assert [rows.tolist() for rows in prepared.state_rows] == [[0], [1], [2], [3]]
    # 80 % unresolved is a red light; 10 % the first tenth; no events or no counts: the lightest shade
    assert prepared.village_buckets.tolist() == [RED_BUCKET, 1, 0, 3, 0]


def test_the_outlines_follow_a_drag_and_are_drawn_exactly_once_it_settles(qtbot, panel):
    canvas, layers = panel.canvas, panel.canvas._outline_layers
    box = QRectF(-2500, -1500, 5000, 3000)
    canvas.view.setRange(box, padding=0)
    _settled_image(qtbot, canvas)
    drawn = layers.renders
    for step in range(1, 6):  # a drag: the picture moves with the view, it is not drawn again
        canvas.view.setRange(box.translated(15.0 * step, 5.0 * step), padding=0)
        canvas.grab()
    assert layers.renders == drawn and not layers.is_drawing()
    panel.set_live(_live(red_village=1))  # the shading changes in the middle of the drag
    def red_shows() -> bool:
        colour = _colour_at(qtbot, panel, -1800, -800)
        return colour.red() - colour.green() > 60
    qtbot.waitUntil(red_shows, timeout=3_000)
    settled = _settled_image(qtbot, canvas)
    fresh = MapPanel()
    qtbot.addWidget(fresh)
    fresh.resize(panel.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_places(_places())
    fresh.set_live(_live(red_village=1))
    fresh.canvas.view.setRange(box.translated(75.0, 25.0), padding=0)
    assert _settled_image(qtbot, fresh.canvas) == settled


def test_crowded_markers_are_thinned_to_the_first_in_each_few_pixels_in_row_order():
    rng = np.random.default_rng(7)
    sx, sy = rng.uniform(-10, 810, 20_000), rng.uniform(-10, 610, 20_000)
    kept_x, kept_y = _first_in_each_cell(sx, sy, -10, -10, 820, 620)
    cells = (sy // DEDUPE_CELL_PX).astype(np.int64) * 1_000_003 + (sx // DEDUPE_CELL_PX).astype(np.int64)
    _, first = np.unique(cells, return_index=True)  # the same, by sorting
    assert np.array_equal(kept_x, sx[first]) and np.array_equal(kept_y, sy[first])


def test_a_city_of_markers_is_drawn_in_place_through_the_cached_picture_and_follows_a_drag(qtbot, panel):
    gx, gy = np.meshgrid(np.arange(-1950.0, 1950.0, 60.0), np.arange(-950.0, 950.0, 60.0))
    x, y = gx.ravel(), gy.ravel()
    count = len(x)
    assert count > MARKERS_CACHED_ABOVE
    states = (np.arange(count) % 4).astype(np.int8)
    lon, lat = PROJECTION.to_lonlat(x, y)
    live = _live()
    many = LiveMap(AT, LiveWorkers(np.arange(1, count + 1), x, y, states, np.ones(count), lon, lat),
                   live.incidents, live.village_counts)
    canvas = panel.canvas
    box = QRectF(-2100, -1100, 4200, 2200)
    canvas.view.setRange(box, padding=0)
    panel.set_live(many)

    def markers_in_place() -> bool:
        image = canvas.grab().toImage()
        return all(image.pixelColor(canvas.pixel_of(px, py).toPoint()) == WORKER_STATE_COLOURS[int(state)]
                   for px, py, state in zip(x[::7], y[::7], states[::7]))
    assert markers_in_place()
    drawn = canvas._marker_layers.renders
    for step in range(1, 4):  # a small drag: the markers' picture moves with the view
        canvas.view.setRange(box.translated(4.0 * step, 0.0), padding=0)
        canvas.grab()
    assert canvas._marker_layers.renders == drawn and not canvas._marker_layers.is_drawing()
    qtbot.waitUntil(lambda: canvas._marker_layers.renders > drawn, timeout=3_000)  # settled: drawn afresh
    assert markers_in_place()


def test_place_names_show_once_close_enough_and_move_with_the_map(qtbot, panel):
    canvas = panel.canvas
    ink = canvas.palette().color(QPalette.ColorRole.WindowText)

    def name_drawn_at(x, y) -> bool:
        image = _settled_image(qtbot, canvas)
        centre = canvas.pixel_of(x, y).toPoint()
        return any(image.pixelColor(centre.x() + dx, centre.y() + dy) == ink
                   for dx in range(-15, 16) for dy in range(-7, 8))
    canvas.centre_on(0, 0, width_m=4_000)
    qtbot.waitUntil(lambda: canvas._labels.names() == ["东村", "西村"])  # villages' names; grids' not yet
    assert name_drawn_at(-1000, 0) and name_drawn_at(1000, 0)
    assert not name_drawn_at(-1000, 600)
    canvas.centre_on(-1000, 0, width_m=2_000)
    qtbot.waitUntil(lambda: "东村第1网格" in canvas._labels.names())  # close enough for the grids' names
    canvas.centre_on(-900, 100, width_m=2_000)  # a pan: the names move with the places
    assert name_drawn_at(-1000, 0)
    canvas.centre_on(0, 0, width_m=60_000)
    qtbot.waitUntil(lambda: canvas._labels.names() == [])  # too far out to read them
