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

Times are epoch seconds (floats) and speeds metres per second throughout.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from console.core.geo import LocalProjection, Region, haversine_m


#: After this many fixes in a row "jump" from the last kept one, that one was the outlier.
_MAX_JUMPS = 3


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
    kept: list[Fix] = []
    dropped = jumps = 0
    for fix in ordered:
        if not fix.valid or (fix.accuracy is not None and fix.accuracy > policy.max_accuracy_m):
            dropped += 1
            continue
        if kept:
            previous = kept[-1]
            if fix.t <= previous.t:
                dropped += 1  # a second fix in the same second adds nothing
                continue
            # A jump is multipath, not a walk; but after a silence, or when the kept fix itself was the
            # outlier (every later fix "jumps"), start again from this one.
            if (speed_ms(previous, fix) > policy.max_speed_ms and fix.t - previous.t <= policy.max_gap_s
                    and jumps < _MAX_JUMPS):
                dropped += 1
                jumps += 1
                continue
        jumps = 0
        kept.append(fix)
    return kept, dropped


def walked_distance_m(fixes: Sequence[Fix], policy: TrackPolicy = TrackPolicy()) -> float:
    """Distance between anchors of the smoothed, cleaned fixes: jitter smaller than a step is not walking."""
    if not fixes:
        return 0.0
    projection = LocalProjection(fixes[0].lon, fixes[0].lat)
    points = smoothed_xy(fixes, projection, policy)
    total = 0.0
    ax, ay = points[0]
    for (x, y), fix in zip(points[1:], fixes[1:]):
        step = math.hypot(x - ax, y - ay)
        if step >= max(policy.min_step_m, (fix.accuracy or 0.0) / 2):
            total += step
            ax, ay = x, y
    return total


def smoothed_xy(fixes: Sequence[Fix], projection: LocalProjection,
                policy: TrackPolicy = TrackPolicy()) -> list[tuple[float, float]]:
    """Fixes in metres, each averaged with up to ``smoothing`` neighbours on either side (not across gaps).

    Averaging five fixes divides independent GPS scatter by about two, which is what keeps
    the distance of a noisy straight walk close to its length."""
    raw = [projection.to_xy(f.lon, f.lat) for f in fixes]
    half = policy.smoothing
    smoothed = []
    for k in range(len(fixes)):
        lo, hi = k, k
        while lo > 0 and k - lo < half and fixes[lo].t - fixes[lo - 1].t <= policy.max_gap_s:
            lo -= 1
        while hi < len(fixes) - 1 and hi - k < half and fixes[hi + 1].t - fixes[hi].t <= policy.max_gap_s:
            hi += 1
        width = min(k - lo, hi - k)  # symmetric, so the ends of a walk are not pulled inwards
        window = raw[k - width:k + width + 1]
        smoothed.append((sum(p[0] for p in window) / len(window), sum(p[1] for p in window) / len(window)))
    return smoothed


def find_stops(fixes: Sequence[Fix], policy: TrackPolicy = TrackPolicy()) -> list[Stop]:
    """Stays within ``stop_radius_m`` of their first fix lasting ``stop_min_s`` or more."""
    stops: list[Stop] = []
    if not fixes:
        return stops
    projection = LocalProjection(fixes[0].lon, fixes[0].lat)
    points = [projection.to_xy(f.lon, f.lat) for f in fixes]
    radius2 = policy.stop_radius_m ** 2
    i, n = 0, len(fixes)
    while i < n:
        x0, y0 = points[i]
        j = i + 1
        while (j < n and fixes[j].t - fixes[j - 1].t <= policy.max_gap_s
               and (points[j][0] - x0) ** 2 + (points[j][1] - y0) ** 2 <= radius2):
            j += 1
        if fixes[j - 1].t - fixes[i].t >= policy.stop_min_s:
            xs = [p[0] for p in points[i:j]]
            ys = [p[1] for p in points[i:j]]
            lon, lat = projection.to_lonlat(sum(xs) / len(xs), sum(ys) / len(ys))
            stops.append(Stop(fixes[i].t, fixes[j - 1].t, lon, lat))
            i = j
        else:
            i += 1
    return stops


def track_statistics(fixes: Iterable[Fix], policy: TrackPolicy = TrackPolicy(),
                     grid: dict | Region | None = None) -> TrackStats:
    """Distance, patrol time, stops and (with the worker's ``grid`` geometry) time outside it."""
    kept, dropped = clean_fixes(fixes, policy)
    stats = TrackStats(fixes_used=len(kept), fixes_dropped=dropped)
    if not kept:
        return stats
    stats.first, stats.last = kept[0].t, kept[-1].t
    stats.distance_m = walked_distance_m(kept, policy)
    stats.stops = find_stops(kept, policy)
    region = grid if isinstance(grid, Region) or grid is None else Region(grid)
    outside = [False] * len(kept)
    if region is not None:
        outside = [_outside(region, fix, policy.border_band_m) for fix in kept]
    for k in range(1, len(kept)):
        dt = kept[k].t - kept[k - 1].t
        if dt > policy.max_gap_s:
            continue
        stats.patrol_s += dt
        if outside[k - 1] and outside[k]:
            stats.outside_s += dt
    return stats


def _outside(region: Region, fix: Fix, band_m: float) -> bool:
    if region.contains(fix.lon, fix.lat):
        return False
    return band_m <= 0 or region.signed_distance_m(fix.lon, fix.lat) > band_m


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
