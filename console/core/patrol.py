"""A grid worker's patrol, from the positions their phone reported: distance, time, stops, state.

Phones are noisy.  A worker standing still for an hour reports a cloud of fixes
5-20 m apart; adding those up would claim kilometres of walking.  So
:func:`track_statistics` first drops fixes the phone itself marks as poor
(``accuracy`` above :attr:`TrackPolicy.max_accuracy_m`, or ``valid`` false) and
fixes that would mean moving faster than :attr:`TrackPolicy.max_speed_ms` from
the last kept one (a multipath jump), averages each fix with its neighbours
(:attr:`TrackPolicy.smoothing` on either side), and counts distance only between
*anchors*: the walk advances when the worker is more than
:attr:`TrackPolicy.min_step_m` (or half the fix's own accuracy, if larger) away
from the last anchor.

A **stop** is a stay within :attr:`TrackPolicy.stop_radius_m` of where it began
for at least :attr:`TrackPolicy.stop_min_s`.  **Patrol time** is the time covered
by the track: consecutive fixes closer together than :attr:`TrackPolicy.max_gap_s`
(a longer silence is a phone switched off, not patrolling).  **Time outside** the
worker's own grid counts those intervals whose fix lies outside the grid by more
than :attr:`TrackPolicy.border_band_m` (GPS drift at the border is not leaving).

Times are epoch seconds (floats) and speeds metres per second throughout.  The measuring is done over numpy
arrays of the whole track (:mod:`console.core.track_arrays`, :mod:`console.core.region_arrays`), with the
same decisions as taking the fixes one at a time.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from console.core import track_arrays
from console.core.geo import Region, haversine_m
from console.core.region_arrays import prepared


@dataclass(frozen=True)
class Fix:
    """One reported position: epoch seconds, WGS-84 degrees, and what the phone said of it."""

    t: float
    lon: float
    lat: float
    accuracy: float | None = None
    speed: float | None = None
    valid: bool = True


@dataclass(frozen=True)
class TrackPolicy:
    """How raw fixes become a patrol; the defaults suit a worker on foot or on an e-bike."""

    max_accuracy_m: float = 50.0
    max_speed_ms: float = 12.0
    min_step_m: float = 10.0
    stop_radius_m: float = 30.0
    stop_min_s: float = 300.0
    max_gap_s: float = 600.0
    border_band_m: float = 20.0
    smoothing: int = 2


@dataclass(frozen=True)
class Stop:
    """A stay: from ``start`` to ``end`` (epoch seconds) around ``lon``/``lat``."""

    start: float
    end: float
    lon: float
    lat: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class TrackStats:
    """What a track says about a patrol; see the module docstring for the definitions."""

    distance_m: float = 0.0
    patrol_s: float = 0.0
    outside_s: float = 0.0
    stops: list[Stop] = field(default_factory=list)
    fixes_used: int = 0
    fixes_dropped: int = 0
    first: float | None = None
    last: float | None = None

    @property
    def stopped_s(self) -> float:
        return sum(stop.seconds for stop in self.stops)

    @property
    def moving_s(self) -> float:
        """Patrol time not spent in stops."""
        return max(0.0, self.patrol_s - self.stopped_s)


def clean_fixes(fixes: Iterable[Fix], policy: TrackPolicy = TrackPolicy()) -> tuple[list[Fix], int]:
    """The usable fixes in time order, and how many were dropped as poor or impossible."""
    ordered = sorted(fixes, key=lambda f: f.t)
    kept, dropped = track_arrays.clean(_arrays(ordered), np.array([f.valid for f in ordered], dtype=bool), policy)
    return [ordered[k] for k in kept.tolist()], dropped


def track_statistics(fixes: Iterable[Fix], policy: TrackPolicy = TrackPolicy(),
                     grid: dict | Region | None = None) -> TrackStats:
    """Distance, patrol time, stops and (with the worker's ``grid`` geometry) time outside it."""
    ordered = sorted(fixes, key=lambda f: f.t)
    valid = np.array([f.valid for f in ordered], dtype=bool)
    return measure_track(_arrays(ordered), valid, policy, grid)


def measure_track(track: track_arrays.TrackArrays, valid: np.ndarray, policy: TrackPolicy = TrackPolicy(),
                  grid: dict | Region | None = None, *, stops: bool = True) -> TrackStats:
    """:func:`track_statistics` of fixes given as arrays in time order (``valid``: what the phone said);
    without ``stops``, none are looked for (the costliest part for a short track)."""
    kept_index, dropped = track_arrays.clean(track, valid, policy)
    stats = TrackStats(fixes_used=len(kept_index), fixes_dropped=dropped)
    if not len(kept_index):
        return stats
    kept = track.take(kept_index)
    stats.first, stats.last = float(kept.t[0]), float(kept.t[-1])
    stats.distance_m = track_arrays.walked_distance_m(kept, policy)
    stats.stops = [Stop(float(kept.t[span.first]), float(kept.t[span.last]), span.lon, span.lat)
                   for span in track_arrays.stop_spans(kept, policy)] if stops else []
    region = grid if isinstance(grid, Region) or grid is None else Region(grid)
    outside = None if region is None else prepared(region).outside_by_more_than(kept.lon, kept.lat,
                                                                                 policy.border_band_m)
    stats.patrol_s, stats.outside_s = track_arrays.covered_seconds(kept.t, outside, policy.max_gap_s)
    return stats


def _arrays(ordered: list[Fix]) -> track_arrays.TrackArrays:
    return track_arrays.TrackArrays(
        np.array([f.t for f in ordered], dtype=float), np.array([f.lon for f in ordered], dtype=float),
        np.array([f.lat for f in ordered], dtype=float),
        np.array([np.nan if f.accuracy is None else f.accuracy for f in ordered], dtype=float))


# -- live state ------------------------------------------------------------------------------------------

class WorkerState(enum.StrEnum):
    """What a worker's marker says: walking their grid, standing still, on an incident, or silent."""

    PATROLLING = "patrolling"
    IDLE = "idle"
    HANDLING = "handling"
    OFFLINE = "offline"


@dataclass(frozen=True)
class StatePolicy:
    """When a worker counts as offline (no fix) and as idle (no movement)."""

    offline_after_s: float = 600.0
    idle_after_s: float = 600.0
    idle_radius_m: float = 30.0


class WorkerActivity:
    """One worker's movement, fed fix by fix, enough to tell their :class:`WorkerState` at any time.

    It remembers the last fix and the last time the worker moved more than
    ``idle_radius_m`` away from where they had been standing; it is cheap to keep
    one per worker for a city (26,059 of them)."""

    __slots__ = ("policy", "last", "anchor", "moved_at")

    def __init__(self, policy: StatePolicy = StatePolicy()):
        self.policy = policy
        self.last: Fix | None = None
        self.anchor: Fix | None = None
        self.moved_at: float | None = None

    def update(self, fix: Fix) -> None:
        """Take a new fix (older ones than the last are ignored)."""
        if self.last is not None and fix.t <= self.last.t:
            return
        self.last = fix
        if self.anchor is None:
            self.anchor, self.moved_at = fix, fix.t
        elif haversine_m(self.anchor.lon, self.anchor.lat, fix.lon, fix.lat) > self.policy.idle_radius_m:
            self.anchor, self.moved_at = fix, fix.t

    def state(self, now: float, handling: bool = False) -> WorkerState:
        """The state at ``now`` (epoch seconds); ``handling`` when an incident is in the worker's hands."""
        return classify_worker(now, self.last.t if self.last else None, self.moved_at, handling, self.policy)


def classify_worker(now: float, last_fix_at: float | None, last_moved_at: float | None,
                    handling: bool = False, policy: StatePolicy = StatePolicy()) -> WorkerState:
    """Offline without a fix for ``offline_after_s``; else handling, patrolling or idle, in that order."""
    if last_fix_at is None or now - last_fix_at > policy.offline_after_s:
        return WorkerState.OFFLINE
    if handling:
        return WorkerState.HANDLING
    if last_moved_at is not None and now - last_moved_at <= policy.idle_after_s:
        return WorkerState.PATROLLING
    return WorkerState.IDLE


def speed_ms(a: Fix, b: Fix) -> float:
    """Average speed between two fixes in metres per second (inf for the same second)."""
    dt = b.t - a.t
    return math.inf if dt <= 0 else haversine_m(a.lon, a.lat, b.lon, b.lat) / dt
