"""Nearest workers to an incident: order, availability, distances."""

from __future__ import annotations

import numpy as np
import pytest

from console.core.geo import haversine_m
from console.core.nearest import distances_m, nearest_workers

LON, LAT = 120.58, 30.0


def test_distances_match_the_haversine_formula():
    lons = np.array([120.58, 120.59, 120.60, 121.0])
    lats = np.array([30.0, 30.01, 29.99, 30.5])
    got = distances_m(LON, LAT, lons, lats)
    want = [haversine_m(LON, LAT, lo, la) for lo, la in zip(lons, lats)]
    assert got == pytest.approx(want, rel=1e-9)
    assert got[0] == 0.0


def test_nearest_available_workers_come_first_and_busy_ones_are_left_out():
    lons = np.array([120.60, 120.581, 120.5805, 120.59, 120.70])
    lats = np.array([30.0, 30.0, 30.0, 30.0, 30.0])
    available = np.array([True, True, False, True, True])  # the closest one is offline
    found = nearest_workers(LON, LAT, lons, lats, available, count=3)
    assert [n.index for n in found] == [1, 3, 0]
    assert found[0].distance_m == pytest.approx(96.3, abs=1.0)  # 0.001° of longitude at 30° N
    assert found[0].distance_m < found[1].distance_m < found[2].distance_m


def test_no_available_worker_gives_an_empty_list():
    assert nearest_workers(LON, LAT, np.array([120.6]), np.array([30.0]), np.array([False])) == []
