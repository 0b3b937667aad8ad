"""Who is nearest: the workers closest to an incident, by great-circle distance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.core.geo import EARTH_RADIUS_M


@dataclass(frozen=True)
class NearbyWorker:
    """A candidate for dispatch: the worker's index in the arrays given, and how far away they are."""

    index: int
    distance_m: float


def distances_m(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Haversine distances in metres from one point to many."""
    phi1, phi2 = np.radians(lat), np.radians(np.asarray(lats, dtype=float))
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(np.asarray(lons, dtype=float) - lon) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def nearest_workers(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray, available: np.ndarray,
                    count: int = 5) -> list[NearbyWorker]:
    """The ``count`` available workers closest to (lon, lat), nearest first."""
    candidates = np.flatnonzero(np.asarray(available, dtype=bool))
    if not len(candidates):
        return []
    distances = distances_m(lon, lat, np.asarray(lons)[candidates], np.asarray(lats)[candidates])
    order = np.argsort(distances, kind="stable")[:count]
    return [NearbyWorker(int(candidates[i]), float(distances[i])) for i in order]
