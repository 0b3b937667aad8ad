"""A worker-day measured a piece at a time (console/core/patrol_stream.py: a saved state, then the fixes after
it) gives exactly the figures of the whole day at once (console/storage/patrol_day.py), wherever the day is
cut: across a jump being judged, a gap, a smoothing window, a walk between anchors, a run outside the grid;
and a state survives its JSON form bit for bit."""

from __future__ import annotations

import json
import random

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from console.core.geo import Region
from console.core.patrol import TrackPolicy
from console.core.patrol_stream import PatrolState, advance, finish
from console.core.track_arrays import TrackArrays, clean
from console.storage.patrol_day import duty_before, patrol_day
from tests.core.test_track_arrays import HERE, T0, _grids, policies, tracks
from tests.storage.test_patrol_day_arrays import WINDOWS, _rows

FIELDS = ("distance_m", "patrol_s", "outside_s", "covered_s", "duty_covered_s", "fixes")


def in_pieces(rows, cuts, region, policy, windows=WINDOWS, through_json=True, finished=False) -> PatrolState:
    """The day's rows advanced piece by piece, cut before each time in ``cuts``, through JSON between, then
    finished (``finished``: by the last piece's :func:`advance` itself)."""
    table = np.array([[t, lon, lat, np.nan if a is None else a, float(v)] for t, lon, lat, a, v in rows],
                     dtype=float).reshape(-1, 5)
    before = duty_before(windows)
    state = PatrolState()
    edges = [0, *np.searchsorted(table[:, 0], sorted(cuts)).tolist(), len(table)]
    for lo, hi in zip(edges[:-2], edges[1:-1]):
        state = advance(state, table[lo:hi], before, region, policy)
        if through_json:
            state = PatrolState.from_json(json.loads(json.dumps(state.to_json())))
    if finished:
        return advance(state, table[edges[-2]:], before, region, policy, finished=True)
    return finish(advance(state, table[edges[-2]:], before, region, policy), policy)


def figures(state: PatrolState) -> dict:
    return {name: getattr(state, name) for name in FIELDS}


def whole_day(rows, region, policy) -> dict:
    day = patrol_day(rows, [], WINDOWS, region, policy)
    return {name: getattr(day, name) for name in FIELDS}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(), policies, _grids(), st.lists(st.integers(0, 200), max_size=8), st.data())
def test_a_day_in_pieces_is_the_day_at_once(fixes, policy, grid, cut_at, data):
    rows = _rows(fixes)
    region = None if grid is None else Region(grid)
    times = [r[0] for r in rows]
    cuts = [times[k % len(times)] for k in cut_at] if times else []
    if data.draw(st.booleans()) and times:
        cuts += times[1:]  # a piece per second
    state = in_pieces(rows, cuts, region, policy, finished=data.draw(st.booleans()))
    assert figures(state) == whole_day(rows, region, policy)
    table = np.array([[t, lon, lat, np.nan if a is None else a] for t, lon, lat, a, _v in rows]).reshape(-1, 4)
    kept, _dropped = clean(TrackArrays(*table.T), np.array([r[4] for r in rows], dtype=bool), policy)
    assert state.last_kept_t == (float(table[kept[-1], 0]) if len(kept) else None)  # for the overnight interval


def test_a_long_day_in_hourly_pieces():
    """A fix every 5 s for 16 hours, walking, standing, riding, with jumps, silences and a grid to leave."""
    rng = random.Random(17)
    rows, t, x, y = [], T0, 0.0, 0.0
    for _ in range(11_000):
        t += rng.choice([5] * 30 + [0, 4, 700])
        speed = (1.2, 0.0, 5.0, 0.3)[((t - T0) // 1800) % 4] * 5
        x += speed * rng.choice([1, -1, 1]) + rng.gauss(0, 4)
        y += rng.gauss(0, 4)
        jump = 800.0 if rng.random() < 0.005 else 0.0
        lon, lat = HERE.to_lonlat(x + jump, y)
        rows.append((t, lon, lat, rng.choice([None, 5.0, 8.0, 80.0]), rng.random() > 0.02))
    region = Region({"type": "Polygon", "coordinates": [[list(HERE.to_lonlat(dx, dy)) for dx, dy in
                                                         ((-2000, -500), (2000, -500), (2000, 500), (-2000, 500),
                                                          (-2000, -500))]]})
    policy = TrackPolicy()
    expected = whole_day(rows, region, policy)
    assert expected["distance_m"] > 10_000 and 0 < expected["outside_s"] < expected["patrol_s"]
    hourly = [T0 + 3600 * h for h in range(1, 17)]
    assert figures(in_pieces(rows, hourly, region, policy)) == expected
    assert figures(in_pieces(rows, [T0 + 3600 * h + 2 for h in range(1, 17)], region, policy,
                             finished=True)) == expected


def test_a_state_without_new_fixes_finishes_as_the_day_so_far():
    rows = [(T0 + 5 * k, *HERE.to_lonlat(3.0 * k, 0.0), 5.0, True) for k in range(100)]
    policy = TrackPolicy()
    state = in_pieces(rows, [T0 + 250], None, policy)
    assert figures(state) == whole_day(rows, None, policy)
    assert state.distance_m > 250 and state.patrol_s == 495.0 and state.last_kept_t == T0 + 495
    assert figures(finish(state, policy)) == figures(state)  # finishing twice changes nothing
