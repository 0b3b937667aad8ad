"""Track statistics and worker states from noisy fixes."""

from __future__ import annotations

import random

import pytest

from console.core.geo import LocalProjection
from console.core.patrol import (Fix, StatePolicy, TrackPolicy, WorkerActivity, WorkerState, classify_worker,
                                 clean_fixes, track_statistics)

T0 = 1_795_939_200
HERE = LocalProjection(120.3, 30.1)


def _fix(t, x, y, accuracy=6.0, valid=True):
    lon, lat = HERE.to_lonlat(x, y)
    return Fix(float(t), lon, lat, accuracy, None, valid)


def _grid(half=200.0):
    ring = [list(HERE.to_lonlat(x, y)) for x, y in ((-half, -half), (half, -half), (half, half), (-half, half))]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def test_standing_still_with_gps_jitter_walks_nowhere_and_is_one_stop():
    rng = random.Random(1)
    fixes = [_fix(T0 + 5 * k, rng.gauss(0, 5), rng.gauss(0, 5)) for k in range(360)]  # 30 min
    stats = track_statistics(fixes)
    assert stats.distance_m < 30  # the raw sum of jitter is over 2 km
    assert len(stats.stops) == 1
    assert stats.stops[0].seconds == pytest.approx(1795, abs=10)
    assert abs(stats.stops[0].lon - 120.3) < 2e-5 and abs(stats.stops[0].lat - 30.1) < 2e-5
    assert stats.patrol_s == 1795 and stats.moving_s < 10


def test_a_straight_walk_with_noise_measures_close_to_its_length():
    rng = random.Random(2)
    fixes = [_fix(T0 + 5 * k, 1.2 * 5 * k + rng.gauss(0, 4), rng.gauss(0, 4)) for k in range(200)]  # 1.19 km
    stats = track_statistics(fixes)
    assert stats.distance_m == pytest.approx(1194, rel=0.05)
    assert stats.stops == []


def test_poor_fixes_and_impossible_jumps_are_dropped():
    fixes = [_fix(T0 + 5 * k, 6 * k, 0) for k in range(20)]
    fixes[5] = _fix(T0 + 25, 30, 400)  # multipath: 400 m off in 5 s
    fixes[9] = _fix(T0 + 45, 54, 0, accuracy=80)  # the phone says it is poor
    fixes[12] = _fix(T0 + 60, 72, 0, valid=False)
    kept, dropped = clean_fixes(fixes)
    assert dropped == 3 and len(kept) == 17
    assert track_statistics(fixes).distance_m == pytest.approx(114, abs=7)


def test_a_wrong_first_fix_does_not_swallow_the_track():
    fixes = [_fix(T0, 5000, 5000)] + [_fix(T0 + 5 * k, 6 * k, 0) for k in range(1, 20)]
    kept, dropped = clean_fixes(fixes)
    assert len(kept) >= 16


def test_stops_need_the_minimum_time():
    walk = [_fix(T0 + 5 * k, 6 * k, 0) for k in range(20)]
    short_stay = [_fix(T0 + 100 + 5 * k, 114, 0) for k in range(1, 40)]  # 195 s
    walk_on = [_fix(T0 + 300 + 5 * k, 114 + 6 * k, 0) for k in range(20)]
    long_stay = [_fix(T0 + 400 + 5 * k, 228, 0) for k in range(1, 100)]  # 495 s
    stats = track_statistics(walk + short_stay + walk_on + long_stay, TrackPolicy(stop_min_s=300))
    [stop] = stats.stops  # the 195 s stay is too short; the long one starts as the walk slows into it
    assert stop.seconds == pytest.approx(500, abs=30)


def test_time_outside_the_own_grid_ignores_drift_at_the_border():
    grid = _grid(200)
    drift = [_fix(T0 + 5 * k, 200 + (12 if k % 2 else -12), 0) for k in range(60)]  # on the edge, +-12 m
    assert track_statistics(drift, grid=grid).outside_s == 0
    away = [_fix(T0 + 300 + 5 * k, 260 + k, 0) for k in range(1, 61)]  # 60 m and more out, 5 min
    stats = track_statistics(drift + away, grid=grid)
    assert stats.outside_s == pytest.approx(295, abs=5)


def test_gaps_longer_than_the_limit_are_not_patrol_time():
    fixes = [_fix(T0 + 5 * k, 6 * k, 0) for k in range(10)] + [_fix(T0 + 3600 + 5 * k, 60 + 6 * k, 0)
                                                                   for k in range(10)]
    assert track_statistics(fixes).patrol_s == 90


def test_worker_states():
    policy = StatePolicy(offline_after_s=600, idle_after_s=600, idle_radius_m=30)
    now = T0 + 1000
    assert classify_worker(now, None, None) is WorkerState.OFFLINE
    assert classify_worker(now, now - 601, now - 601, handling=True, policy=policy) is WorkerState.OFFLINE
    assert classify_worker(now, now - 5, now - 900, handling=True, policy=policy) is WorkerState.HANDLING
    assert classify_worker(now, now - 5, now - 100, policy=policy) is WorkerState.PATROLLING
    assert classify_worker(now, now - 5, now - 700, policy=policy) is WorkerState.IDLE


def test_worker_activity_tells_patrolling_from_idle():
    activity = WorkerActivity(StatePolicy(idle_after_s=600, idle_radius_m=30))
    for k in range(20):
        activity.update(_fix(T0 + 5 * k, 6 * k, 0))
    assert activity.state(T0 + 100) is WorkerState.PATROLLING
    for k in range(1, 150):  # standing within 10 m for 12 minutes
        activity.update(_fix(T0 + 95 + 5 * k, 114 + (k % 3) * 4, 0))
    assert activity.state(T0 + 95 + 5 * 149) is WorkerState.IDLE
    assert activity.state(T0 + 95 + 5 * 149 + 601) is WorkerState.OFFLINE
