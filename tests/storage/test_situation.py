"""The console's watchers on a demo town: a village red for two hours, a worker outside their grid too long."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from console.core.clock import FakeClock, to_epoch
from console.core.redlight import VillageCounts
from console.demo import write_demo_data
from console.storage.boundaries import BoundaryBook
from console.storage.follow_ups import OUTSIDE_GRID, PHONE_VILLAGE
from console.storage.map_data import LiveMapReader, LiveWorkers, load_map_places
from console.storage.situation import SituationWatch
from tests.demo.support import UNTIL, new_store


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    store = new_store(tmp_path_factory.mktemp("situation") / "town.db")
    write_demo_data(store, "town", days=2, seed=4, until=UNTIL)
    yield store
    store.dispose()


def test_a_village_still_red_after_two_hours_asks_for_a_call(town):
    clock = FakeClock(UNTIL)
    places = load_map_places(town)
    watch = SituationWatch(town, clock, places)
    live = LiveMapReader(town, places.projection, clock).read()
    village = int(places.villages.ids[3])
    red = replace(live, village_counts={**live.village_counts, village: VillageCounts(10, 9)})
    calm = replace(live, village_counts={**live.village_counts, village: VillageCounts(10, 2)})
    assert not [d for d in watch.observe(red) if d.kind == PHONE_VILLAGE and d.subject_id == village]
    clock.advance(timedelta(hours=1, minutes=59))
    assert not [d for d in watch.observe(red) if d.subject_id == village]
    clock.advance(timedelta(minutes=1))
    due = [d for d in watch.observe(red) if d.kind == PHONE_VILLAGE and d.subject_id == village]
    assert len(due) == 1 and due[0].since == UNTIL and places.villages.names[3] in due[0].title
    clock.advance(timedelta(minutes=10))
    assert not [d for d in watch.observe(red) if d.subject_id == village]  # one task per red spell
    watch.observe(calm)
    clock.advance(timedelta(minutes=1))
    assert not [d for d in watch.observe(red) if d.subject_id == village]  # red again: the clock restarts


def test_a_worker_outside_their_grid_for_fifteen_minutes_is_reported_once(town):
    clock = FakeClock(UNTIL)
    places = load_map_places(town)
    watch = SituationWatch(town, clock, places)
    live = LiveMapReader(town, places.projection, clock).read()
    worker = int(places.workers.ids[10])
    grid = int(places.workers.grid_ids[10])
    region = BoundaryBook(town).grid_regions()[grid]
    index = places.grids.index_of(grid)
    inside = places.projection.to_lonlat(float(places.grids.x[index]), float(places.grids.y[index]))
    far = (inside[0] + 0.03, inside[1])  # about 3 km east: well outside a town grid
    assert not region.contains(*far)

    def snapshot(minute: int, where) -> None:
        t = to_epoch(UNTIL) + minute * 60
        clock.set(UNTIL + timedelta(minutes=minute))
        lon, lat = np.array([where[0]]), np.array([where[1]])
        x, y = places.projection.to_xy(lon, lat)
        workers = LiveWorkers(np.array([worker]), x, y, np.array([0], dtype=np.int8), np.array([float(t)]), lon, lat)
        return watch.observe(replace(live, workers=workers))

    assert not [d for d in snapshot(0, inside) if d.kind == OUTSIDE_GRID]
    for minute in range(1, 15):
        assert not [d for d in snapshot(minute, far) if d.kind == OUTSIDE_GRID]
    due = [d for d in snapshot(16, far) if d.kind == OUTSIDE_GRID]
    assert [d.subject_id for d in due] == [worker]
    assert due[0].since == UNTIL + timedelta(minutes=1)
    assert not [d for d in snapshot(17, far) if d.kind == OUTSIDE_GRID]  # raised once
