"""A worker-day's patrol from its positions (console/storage/patrol_day.py, numpy over the day's arrays)
gives the figures it gave when every fix went through the one-fix-at-a-time track statistics
(tests/core/patrol_reference.py): the same to the bit but the walked distance (1e-9 relative, 1e-6 m)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from console.core.geo import Region
from console.core.patrol import TrackPolicy
from console.storage.patrol_day import patrol_day
from tests.core import patrol_reference as reference
from tests.core.test_track_arrays import T0, _square, tracks

MIDNIGHT = T0 - 3600
WINDOWS = np.array([[MIDNIGHT + 8 * 3600, MIDNIGHT + 18 * 3600], [MIDNIGHT + 32 * 3600, MIDNIGHT + 42 * 3600]])


def _rows(fixes):
    """Positions as the store streams them: whole seconds, in time order."""
    return sorted(((int(f.t), f.lon, f.lat, f.accuracy, f.valid) for f in fixes), key=lambda r: r[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(), tracks(), st.sampled_from([None, 200.0, 1500.0]), st.sampled_from([TrackPolicy(),
                                                                                    TrackPolicy(max_gap_s=60.0)]))
def test_a_worker_day_is_what_it_was_fix_by_fix(fixes, following, grid_half, policy):
    rows = _rows(fixes)
    next_rows = [(t + 86_400, lon, lat, accuracy, valid) for t, lon, lat, accuracy, valid in _rows(following)]
    region = None if grid_half is None else Region({"type": "Polygon", "coordinates": [_square(grid_half)]})
    new = patrol_day(rows, next_rows, WINDOWS, region, policy)
    old = reference.patrol_day(rows, next_rows, WINDOWS, region, policy)
    assert new.distance_m == pytest.approx(old.distance_m, rel=1e-9, abs=1e-6)
    assert {**new.__dict__, "distance_m": 0} == {**old.__dict__, "distance_m": 0}


def test_a_day_without_positions_is_all_zero():
    day = patrol_day([], [], WINDOWS, None)
    assert (day.distance_m, day.patrol_s, day.covered_s, day.fixes) == (0.0, 0.0, 0.0, 0)
