"""What the map reads: outlines and labels in metres, live worker states, open incidents, village counts."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from console.core.clock import FakeClock, to_epoch
from console.core.patrol import WorkerState
from console.demo import write_demo_data
from console.storage.dispatch import DispatchService
from console.storage.map_data import WORKER_STATES, LiveMapReader, load_map_places
from console.storage.positions import PositionRow, PositionStore
from console.storage.worker_card import load_grid_patrol, load_worker_card
from tests.demo.support import UNTIL, new_store


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    store = new_store(tmp_path_factory.mktemp("map") / "town.db")
    write_demo_data(store, "town", days=3, seed=2, until=UNTIL)
    yield store
    store.dispose()


def test_places_are_drawn_in_metres_around_the_town(town):
    places = load_map_places(town)
    assert {level: len(outlines) for level, outlines in places.outlines.items()} == {"town": 1, "village": 20,
                                                                                     "grid": 87}
    assert 120.0 < places.projection.lon0 < 120.6 and 29.9 < places.projection.lat0 < 30.3
    x0, y0, x1, y1 = places.extent
    assert 3_000 < x1 - x0 < 30_000 and 3_000 < y1 - y0 < 30_000  # a town, in metres
    assert abs(places.villages.x.mean()) < 1_000 and abs(places.villages.y.mean()) < 1_000  # centred on it
    assert len(places.workers.ids) == 348 and len(places.cameras.ids) == 16
    grid_names = places.grid_names
    name = places.workers.names[5]
    assert places.workers.find(name, grid_names)[0] == int(places.workers.ids[5])
    by_grid = places.workers.find(grid_names[int(places.workers.grid_ids[7])], grid_names)
    assert int(places.workers.ids[7]) in by_grid


def test_workers_are_patrolling_idle_handling_or_offline(town):
    places = load_map_places(town)
    clock = FakeClock(UNTIL)
    positions = PositionStore(town, clock)
    walker, stander, handler, silent = free_workers(town)[:4]
    positions.add_devices([(w, f"phone-{w}", "osmand") for w in (walker, stander, handler, silent)])
    devices = {d.worker_id: d.id for d in positions.devices()}
    service = DispatchService(town, clock)
    open_incident = next(i for i in places_open_incidents(town))
    service.accept(open_incident, "tester")
    service.assign(open_incident, "tester", worker_id=handler)
    reader = LiveMapReader(town, places.projection, clock, positions=positions)
    start = to_epoch(UNTIL)

    def report(minute: int, moves: dict[int, float]) -> None:
        t = start + minute * 60
        positions.write_batch([PositionRow(devices[w], w, t, 120.30 + shift, 30.10)
                               for w, shift in moves.items()], received_at=t)
        clock.set(UNTIL + timedelta(minutes=minute))

    report(0, {walker: 0.0, stander: 0.0, handler: 0.0, silent: 0.0})
    reader.read()
    for minute in range(1, 16):
        report(minute, {walker: 0.0008 * minute, stander: 0.00001, handler: 0.0})
        live = reader.read()
    states = dict(zip(live.workers.ids.tolist(), (WORKER_STATES[s] for s in live.workers.states.tolist())))
    assert states == {walker: WorkerState.PATROLLING, stander: WorkerState.IDLE, handler: WorkerState.HANDLING,
                      silent: WorkerState.OFFLINE}
    assert open_incident in live.in_hand[handler]
    x, _y = places.projection.to_xy(120.30 + 0.0008 * 15, 30.10)
    assert live.workers.x[live.workers.ids.tolist().index(walker)] == pytest.approx(x, abs=0.5)

    card = load_worker_card(town, walker, UNTIL, UNTIL + timedelta(hours=1), places.projection, positions)
    assert card.stats.distance_m == pytest.approx(15 * 0.0008 * 96_218, rel=0.03)  # 1.15 km east
    assert len(card.track.t) == 16 and card.track.position_at(start + 7.5 * 60) is not None
    assert card.in_hand == []
    grid = load_grid_patrol(town, card.grid_id, UNTIL, UNTIL + timedelta(hours=1), positions)
    walked = {worker_id: stats.distance_m for worker_id, _name, stats in grid.workers}
    assert walked[walker] == pytest.approx(card.stats.distance_m)
    assert grid.distance_m == pytest.approx(sum(walked.values())) and grid.grid_name == card.grid_name

    service.resolve(open_incident, "tester", "done")  # out of the handler's hands: standing still is idle
    report(16, {walker: 0.0008 * 16, stander: 0.00001, handler: 0.0})
    live = reader.read()
    assert WORKER_STATES[live.workers.states[live.workers.ids.tolist().index(handler)]] is WorkerState.IDLE


def test_open_incidents_and_village_counts(town):
    places = load_map_places(town)
    live = LiveMapReader(town, places.projection, FakeClock(UNTIL)).read()
    with town.engine.connect() as conn:
        open_count = conn.exec_driver_sql(
            "SELECT count(*) FROM incidents WHERE status IN ('reported','accepted','dispatched','in_progress',"
            "'reopened')").scalar()
        week = conn.exec_driver_sql("SELECT count(*) FROM incidents WHERE created_at >= ?",
                                    (to_epoch(UNTIL) - 7 * 86_400,)).scalar()
    assert len(live.incidents.ids) == open_count > 0
    assert sum(c.total for c in live.village_counts.values()) == week
    assert all(0 <= c.unresolved <= c.total for c in live.village_counts.values())
    assert np.isfinite(live.incidents.x).all()


def free_workers(store) -> list[int]:
    """Workers with no open incident in their hands."""
    with store.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql(
            "SELECT id FROM workers WHERE id NOT IN (SELECT assignee_worker_id FROM incidents WHERE status IN "
            "('dispatched', 'in_progress') AND assignee_worker_id IS NOT NULL) ORDER BY id")]


def places_open_incidents(store):
    with store.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT id FROM incidents WHERE status = 'reported' ORDER BY id")]
