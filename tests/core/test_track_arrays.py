"""The vectorised track statistics give the one-fix-at-a-time results (tests/core/patrol_reference.py) on
random tracks: the same fixes kept, the same stops, patrol and outside times to the bit, the same walked
distance to 1e-9 relative (and 1e-6 m): each step is ``numpy.hypot`` instead of ``math.hypot``."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from console.core.geo import LocalProjection, Region
from console.core.patrol import Fix, TrackPolicy, clean_fixes, track_statistics
from console.core.region_arrays import prepared
from tests.core import patrol_reference as reference

T0 = 1_795_939_200
HERE = LocalProjection(120.3, 30.1)

#: Seconds between fixes: the same second, a phone's usual rates, silences shorter and longer than a gap.
_INTERVALS = st.sampled_from([0.0, 1.0, 5.0, 5.0, 5.0, 5.0, 10.0, 30.0, 61.5, 299.0, 300.0, 601.0, 3600.0])
#: Metres moved between fixes: standing (jitter), walking, an e-bike, a multipath jump.
_MOVES = st.sampled_from([0.0, 0.5, 3.0, 6.0, 10.0, 25.0, 60.0, 400.0, 5000.0])


_ACCURACIES = st.one_of(st.none(), st.sampled_from([0.0, 5.0, 8.0, 30.0, 50.0, 50.5, 120.0]))
#: One fix after the one before: seconds later, metres moved, direction, jitter, accuracy, valid.
_STEPS = st.tuples(_INTERVALS, st.sampled_from([0.0, 0.0, 0.25]), _MOVES, st.floats(-1, 1), st.floats(-1, 1),
                   st.floats(-8, 8), st.floats(-8, 8), _ACCURACIES, st.sampled_from([True, True, True, False]))


@st.composite
def tracks(draw) -> list[Fix]:
    t, x, y = float(T0), draw(st.floats(-400, 400)), draw(st.floats(-400, 400))
    fixes = []
    for interval, fraction, move, east, north, jitter_x, jitter_y, accuracy, valid in draw(
            st.lists(_STEPS, max_size=100)):
        t += interval + fraction
        x += move * east + jitter_x
        y += move * north + jitter_y
        lon, lat = HERE.to_lonlat(x, y)
        fixes.append(Fix(t, lon, lat, accuracy, None, valid))
    if draw(st.booleans()):
        fixes = draw(st.permutations(fixes))  # a phone's batch can arrive out of order
    return fixes


policies = st.builds(TrackPolicy, max_accuracy_m=st.sampled_from([50.0, 20.0]),
                     max_speed_ms=st.sampled_from([12.0, 3.0]), min_step_m=st.sampled_from([10.0, 0.0, 4.0]),
                     stop_radius_m=st.sampled_from([30.0, 10.0]), stop_min_s=st.sampled_from([300.0, 60.0, 0.0]),
                     max_gap_s=st.sampled_from([600.0, 60.0]), border_band_m=st.sampled_from([20.0, 0.0, 5.0]),
                     smoothing=st.integers(0, 3))


def _square(half: float, centre=(0.0, 0.0)) -> list[list[float]]:
    cx, cy = centre
    ring = [list(HERE.to_lonlat(cx + dx, cy + dy)) for dx, dy in ((-half, -half), (half, -half), (half, half),
                                                                  (-half, half))]
    return ring + [ring[0]]


def _grids():
    return st.sampled_from([
        None,
        {"type": "Polygon", "coordinates": [_square(200.0)]},
        {"type": "Polygon", "coordinates": [_square(300.0), _square(80.0, (50.0, 0.0))]},  # with a hole
        {"type": "MultiPolygon", "coordinates": [[_square(100.0)], [_square(150.0, (600.0, 200.0))]]},
        {"type": "Polygon", "coordinates": [[list(HERE.to_lonlat(x, y)) for x, y in
                                             ((0, -300), (260, 150), (-260, 150), (0, -300))]]},  # a triangle
    ])


def assert_same_statistics(new, old):
    assert (new.fixes_used, new.fixes_dropped, new.first, new.last) == \
        (old.fixes_used, old.fixes_dropped, old.first, old.last)
    assert new.patrol_s == old.patrol_s and new.outside_s == old.outside_s
    assert new.stops == old.stops
    assert new.distance_m == pytest.approx(old.distance_m, rel=1e-9, abs=1e-6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(), policies, _grids())
def test_random_tracks_measure_as_one_fix_at_a_time(fixes, policy, grid):
    kept, dropped = clean_fixes(fixes, policy)
    old_kept, old_dropped = reference.clean_fixes(fixes, policy)
    assert dropped == old_dropped
    assert [id(f) for f in kept] == [id(f) for f in old_kept]
    assert_same_statistics(track_statistics(fixes, policy, grid), reference.track_statistics(fixes, policy, grid))


@settings(max_examples=200, deadline=None)
@given(_grids().filter(lambda g: g is not None),
       st.lists(st.tuples(st.floats(-700, 900), st.floats(-500, 500)), max_size=60),
       st.sampled_from([20.0, 0.0, 7.5]))
def test_points_outside_a_grid_as_the_one_point_test_says(grid, points, band):
    region = Region(grid)
    # points on the outline's own vertices and edges too: where rounding decides, both must decide alike
    corners = [(p[0], p[1]) for polygon in (grid["coordinates"] if grid["type"] == "MultiPolygon"
                                            else [grid["coordinates"]]) for ring in polygon for p in ring]
    lonlat = [HERE.to_lonlat(x, y) for x, y in points] + corners
    lon = [p[0] for p in lonlat]
    lat = [p[1] for p in lonlat]
    found = prepared(region).outside_by_more_than(np.array(lon), np.array(lat), band)
    expected = [reference._outside(region, Fix(0.0, a, b), band) for a, b in lonlat]
    assert found.tolist() == expected


def test_a_long_day_measures_the_same():
    """A day of a fix every 5 s: walks, stays at incidents, an e-bike ride, silences, jumps."""
    rng = random.Random(9)
    fixes, t, x, y = [], float(T0), 0.0, 0.0
    for _ in range(5_760):
        t += rng.choice([5.0] * 30 + [0.0, 4.0, 700.0])
        mode = (int(t - T0) // 1800) % 4  # half-hour spells: walking, standing, riding, strolling
        speed = (1.2, 0.0, 5.0, 0.3)[mode] * 5
        x += speed + rng.gauss(0, 4)
        y += rng.gauss(0, 4)
        jump = 800.0 if rng.random() < 0.005 else 0.0
        lon, lat = HERE.to_lonlat(x + jump, y)
        fixes.append(Fix(t, lon, lat, rng.choice([None, 6.0, 12.0, 80.0]), None, rng.random() > 0.01))
    grid = {"type": "Polygon", "coordinates": [_square(1500.0, (1500.0, 0.0))]}
    for policy in (TrackPolicy(), TrackPolicy(smoothing=0, stop_min_s=120.0)):
        assert_same_statistics(track_statistics(fixes, policy, grid),
                               reference.track_statistics(fixes, policy, grid))
