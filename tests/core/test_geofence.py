"""The geofence rule with a fake clock: long absences alert once, drift at the border never does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.core.clock import FakeClock
from console.core.geo import LocalProjection
from console.core.geofence import GeofencePolicy, GeofenceWatch
from tests.storage.conftest import START

T0 = START.timestamp()
HERE = LocalProjection(120.3, 30.1)
GRID = 7
POLICY = GeofencePolicy(outside_after_s=900, band_m=30, back_inside_s=120)


def _grid(half=200.0):
    ring = [list(HERE.to_lonlat(x, y)) for x, y in ((-half, -half), (half, -half), (half, half), (-half, half))]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def watch(clock):
    return GeofenceWatch({GRID: _grid()}, clock, POLICY)


def _walk(watch, clock, seconds, x, y, worker=1, on_duty=True):
    """Report a fix every 10 s for ``seconds`` at (x, y) metres, moving the clock along."""
    alerts = []
    for _ in range(int(seconds // 10)):
        clock.advance(timedelta(seconds=10))
        lon, lat = HERE.to_lonlat(x, y)
        watch.observe(worker, "王小红", GRID, clock.now().timestamp(), lon, lat, on_duty)
        alerts += watch.due()
    return alerts


def test_a_worker_outside_longer_than_the_limit_raises_one_alert(watch, clock):
    assert _walk(watch, clock, 300, 0, 0) == []
    assert _walk(watch, clock, 890, 300, 0) == []  # 100 m outside, not yet 15 minutes
    [alert] = _walk(watch, clock, 60, 300, 0)
    assert alert.worker_name == "王小红" and alert.grid_id == GRID
    assert alert.since == START + timedelta(seconds=310)
    assert alert.minutes_outside == 15
    assert "outside their grid for 15 min" in alert.describe()
    assert _walk(watch, clock, 600, 300, 0) == []  # once per absence


def test_drift_in_the_band_at_the_border_raises_nothing(watch, clock):
    for _ in range(30):  # an hour along the edge, up to 25 m outside
        assert _walk(watch, clock, 60, 225, 0) == []
        assert _walk(watch, clock, 60, 190, 0) == []
    assert watch.outside() == {}


def test_a_short_return_does_not_restart_the_absence(watch, clock):
    _walk(watch, clock, 600, 300, 0)
    assert _walk(watch, clock, 60, 100, 0) == []  # back for a minute only
    [alert] = _walk(watch, clock, 300, 300, 0)
    assert alert.since == START + timedelta(seconds=10)


def test_coming_back_long_enough_ends_the_absence(watch, clock):
    _walk(watch, clock, 600, 300, 0)
    _walk(watch, clock, 200, 100, 0)
    assert watch.outside() == {}
    assert _walk(watch, clock, 800, 300, 0) == []  # a new absence starts from zero


def test_a_phone_silent_outside_still_alerts_by_the_clock(watch, clock):
    _walk(watch, clock, 60, 300, 0)
    clock.advance(timedelta(minutes=20))
    assert [a.worker_id for a in watch.due()] == [1]


def test_off_duty_workers_are_not_watched(watch, clock):
    assert _walk(watch, clock, 1800, 300, 0, on_duty=False) == []
