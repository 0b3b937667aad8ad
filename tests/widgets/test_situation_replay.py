"""The situation replay window offscreen: a period loads off the GUI thread, the slider and play move the map."""

from __future__ import annotations

import shutil
from datetime import timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QDateTime, Qt

from console.core.clock import FakeClock, to_epoch
from console.core.patrol import WorkerState
from console.gui.replay_room import ReplayRoom
from console.gui.taskman import TaskManager
from console.storage.db import open_store
from console.storage.map_data import WORKER_STATES
from console.tasks import TaskRunner
from tests.storage.conftest import START, seed_places
from tests.storage.replay_history import PROJECTION, History
from widgets.situation_replay import preset_period

HANDLING = WORKER_STATES.index(WorkerState.HANDLING)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite file the towns are copied from."""
    path = tmp_path_factory.mktemp("replay") / "template.db"
    open_store(str(path)).dispose()
    return path


@pytest.fixture
def town(tmp_path, migrated):
    """A two-worker town with half an hour of walking and one incident's life; ``marks`` names its moments."""
    path = tmp_path / "gridwatch.db"
    shutil.copyfile(migrated, path)
    store = open_store(str(path), migrate_schema=False)
    clock = FakeClock(START)
    places = seed_places(store)
    history = History(store, clock, places)
    history.walk(2)
    start = clock.now()
    history.walk(5)
    fire = history.report("fire", 120.305)
    history.walk(5)
    history.service.accept(fire, "duty")
    history.service.assign(fire, "duty", worker_id=places.workers[0])
    dispatched = history.remember()
    history.walk(5)
    history.service.start(fire, "duty")
    history.service.resolve(fire, "duty", "done")
    resolved = history.remember()
    history.walk(10)
    end = clock.now()
    yield SimpleNamespace(store=store, clock=clock, places=places, history=history, fire=fire, start=start, end=end,
                          dispatched=dispatched, resolved=resolved)
    store.dispose()


@pytest.fixture
def room(qtbot, town):
    tasks = TaskManager(TaskRunner(io_workers=1))
    room = ReplayRoom(SimpleNamespace(store=town.store, tasks=tasks, clock=town.clock))
    qtbot.addWidget(room.open())
    room.view.resize(1000, 700)
    yield room
    room.stop()
    tasks.shutdown()


def _load(qtbot, room, town) -> None:
    view = room.view
    view.preset.setCurrentIndex(view.preset.findData("custom"))
    view.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(town.start)))
    view.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(town.end)))
    with qtbot.waitSignal(room.replay_loaded, timeout=10_000):
        qtbot.mouseClick(view.load_button, Qt.MouseButton.LeftButton)


def _shown_workers(canvas) -> dict[int, tuple[int, float]]:
    """Worker id -> (state code, x) of the markers the canvas draws."""
    return {int(worker): (code, float(x)) for code, item in enumerate(canvas._workers)
            for worker, x in zip(item.ids, item.x)}


def test_loading_a_period_then_moving_the_slider_shows_the_state_at_that_moment(qtbot, room, town):
    _load(qtbot, room, town)
    view = room.view
    assert not view.progress.isVisible()
    assert (view.slider.minimum(), view.slider.maximum()) == (to_epoch(town.start), to_epoch(town.end))
    assert view.canvas.live is not None and list(view.canvas.live.incidents.ids) == []  # before the report

    view.slider.setValue(town.dispatched)
    live = view.canvas.live
    assert list(live.incidents.ids) == [town.fire] and live.incidents.statuses == ["dispatched"]
    assert _shown_workers(view.canvas)[town.places.workers[0]][0] == HANDLING
    expected_workers, expected_incidents = town.history.moments[town.dispatched]
    projection = room.places.projection  # the map's own plane; the snapshot's is the history's
    expected = {}
    for worker, (x, y, state) in expected_workers.items():
        lon, lat = PROJECTION.to_lonlat(x, y)
        expected[worker] = (pytest.approx(projection.to_xy(lon, lat)[0], abs=0.2), state)
    assert {w: (x, s) for w, (s, x) in _shown_workers(view.canvas).items()} == expected
    assert dict(zip(live.incidents.ids.tolist(), live.incidents.statuses)) == expected_incidents
    assert view.clock_label.text().endswith(":".join(view.clock_label.text().split(":")[-2:]))

    view.slider.setValue(town.resolved)
    assert list(view.canvas.live.incidents.ids) == []  # resolved: off the map, as on the live one
    assert view.canvas._incidents.data["x"].size == 0


def test_play_advances_the_clock_at_the_chosen_speed(qtbot, room, town):
    _load(qtbot, room, town)
    view = room.view
    view.speed.setCurrentIndex(view.speed.findData(600))
    first = view.current_time()
    seen = []
    view.moment_shown.connect(seen.append)
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert view.play_button.isChecked()
    qtbot.waitUntil(lambda: view.current_time() >= first + 120, timeout=5_000)
    assert seen and seen == sorted(seen)  # frames go forward
    xs = [x for _state, x in _shown_workers(view.canvas).values()]
    qtbot.waitUntil(lambda: view.current_time() == to_epoch(town.end), timeout=10_000)
    assert not view.play_button.isChecked()  # stops at the end
    assert [x for _state, x in _shown_workers(view.canvas).values()] != xs  # the workers moved


def test_a_load_can_be_cancelled_and_a_bad_period_is_refused(qtbot, room, town):
    view = room.view
    view.preset.setCurrentIndex(view.preset.findData("custom"))
    view.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(town.end)))
    view.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(town.start)))
    qtbot.mouseClick(view.load_button, Qt.MouseButton.LeftButton)
    assert "must end after" in view.status.text() and view.replay is None
    room.load(town.start, town.end)
    assert view.progress.isVisibleTo(view)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not view.progress.isVisibleTo(view) and view.load_button.isEnabled()
    qtbot.wait(300)  # a result that still comes back is dropped
    assert view.replay is None


def test_presets_are_periods_ending_now_or_yesterday():
    now = START + timedelta(hours=5)
    assert preset_period("last_2h", now) == (now - timedelta(hours=2), now)
    assert preset_period("last_8h", now) == (now - timedelta(hours=8), now)
    start, end = preset_period("yesterday", now)
    assert end - start == timedelta(days=1) and end <= now and np.isclose(start.timestamp() % 60, 0)
