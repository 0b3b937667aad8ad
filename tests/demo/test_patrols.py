"""Demo workers walk their grids and report through the real intake, over OsmAnd HTTP on loopback."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from console.core.geo import Region
from console.demo.geometry import boundary_rows
from console.demo.patrols import PatrolSimulator, register_demo_phones
from console.service import start_service
from console.storage.boundaries import BoundaryBook
from console.storage.positions import PositionStore


@pytest.fixture(scope="module")
def outlined(town_store):
    store, summary = town_store
    from console.demo.places import build_world
    BoundaryBook(store).replace(boundary_rows(build_world("town", seed=3)))
    register_demo_phones(store)
    return store


def _fixes(targets):
    return [{k: v[0] for k, v in parse_qs(urlsplit(t).query).items()} for t in targets]


def test_every_worker_gets_a_demo_phone_once(outlined):
    devices = PositionStore(outlined).devices()
    assert len(devices) == 348 and all(d.unique_id == f"demo-{d.worker_code}" for d in devices)
    assert register_demo_phones(outlined) == 0


def test_the_walk_is_deterministic_and_stays_mostly_in_the_grid(outlined):
    first = PatrolSimulator(outlined, "http://127.0.0.1:9/", seed=5, speed=10)
    second = PatrolSimulator(outlined, "http://127.0.0.1:9/", seed=5, speed=10)
    strip = lambda fixes: [{k: v for k, v in f.items() if k != "timestamp"} for f in fixes]  # noqa: E731
    regions = {w.unique_id: w.region for w in first.workers}
    inside = total = 0
    for elapsed in (0, 30, 60, 600, 3600):
        a, b = _fixes(first.reports(elapsed)), _fixes(second.reports(elapsed))
        assert strip(a) == strip(b)
        for fix in a:
            total += 1
            inside += regions[fix["id"]].contains(float(fix["lon"]), float(fix["lat"]))
    assert total == 5 * sum(w.on_duty for w in first.workers) > 1000
    assert inside / total > 0.85  # noise, multipath and a few legs out of the grid account for the rest


def test_the_workers_move(outlined):
    simulator = PatrolSimulator(outlined, "http://127.0.0.1:9/", seed=5, speed=1)
    start = {f["id"]: (float(f["lon"]), float(f["lat"])) for f in _fixes(simulator.reports(0))}
    later = {f["id"]: (float(f["lon"]), float(f["lat"])) for f in _fixes(simulator.reports(1800))}
    from console.core.geo import haversine_m
    moved = sum(haversine_m(*start[k], *later[k]) > 50 for k in start)
    assert moved > 0.5 * len(start)


def test_reports_reach_the_store_through_the_intake(outlined):
    handle = start_service(outlined, osmand_port=0, http_port=0)
    simulator = PatrolSimulator(outlined, handle.osmand_url, seed=5, speed=20, report_every_s=5, limit=40)
    try:
        simulator.start()
        assert simulator.wait_sent(30, timeout=20)
    finally:
        simulator.stop()
        handle.stop()
    assert simulator.sent >= 30 and simulator.accepted == simulator.sent
    latest = PositionStore(outlined).latest_positions()
    assert len(latest) >= 30
    assert isinstance(next(iter(simulator.workers)).region, Region)
