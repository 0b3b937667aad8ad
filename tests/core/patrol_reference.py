"""The pure-Python track statistics that :mod:`console.core.track_arrays` replaced, kept verbatim as the
reference the vectorised code is compared with (tests/core/test_track_arrays.py): one fix at a time, ~30 µs
a fix, easy to read against the definitions in :mod:`console.core.patrol`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from console.core.geo import LocalProjection, Region
from console.core.patrol import Fix, Stop, TrackPolicy, TrackStats, speed_ms

#: After this many fixes in a row "jump" from the last kept one, that one was the outlier.
_MAX_JUMPS = 3


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
            if (speed_ms(previous, fix) > policy.max_speed_ms and fix.t - previous.t <= policy.max_gap_s
                    and jumps < _MAX_JUMPS):
                dropped += 1
                jumps += 1
                continue
        jumps = 0
        kept.append(fix)
    return kept, dropped


def walked_distance_m(fixes: Sequence[Fix], policy: TrackPolicy = TrackPolicy()) -> float:
    """Distance between anchors of the smoothed, cleaned fixes."""
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
    """Fixes in metres, each averaged with up to ``smoothing`` neighbours on either side (not across gaps)."""
    raw = [projection.to_xy(f.lon, f.lat) for f in fixes]
    half = policy.smoothing
    smoothed = []
    for k in range(len(fixes)):
        lo, hi = k, k
        while lo > 0 and k - lo < half and fixes[lo].t - fixes[lo - 1].t <= policy.max_gap_s:
            lo -= 1
        while hi < len(fixes) - 1 and hi - k < half and fixes[hi + 1].t - fixes[hi].t <= policy.max_gap_s:
            hi += 1
        width = min(k - lo, hi - k)
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


def patrol_day(rows, next_rows, windows, region, policy: TrackPolicy = TrackPolicy()):
    """:func:`console.storage.patrol_day.patrol_day` as it was, over :class:`Fix` objects."""
    import numpy as np

    from console.storage.patrol_day import PatrolDay, duty_before

    kept, _dropped = clean_fixes((Fix(t, lon, lat, accuracy, None, bool(valid))
                                  for t, lon, lat, accuracy, valid in rows), policy)
    day = track_statistics(kept, policy, region)
    t = np.array([f.t for f in kept], dtype=float)
    covered = np.diff(t) <= policy.max_gap_s
    a, b = t[:-1][covered], t[1:][covered]
    before = duty_before(windows)
    overnight = overnight_duty = 0.0
    following = _first_usable(next_rows, policy)
    if len(t) and following is not None and following - t[-1] <= policy.max_gap_s:
        overnight = following - t[-1]
        overnight_duty = float(before(np.array([following]))[0] - before(t[-1:])[0])
    return PatrolDay(day.distance_m, day.patrol_s, day.outside_s, float((b - a).sum()),
                     float((before(b) - before(a)).sum()) if len(a) else 0.0, float(overnight), overnight_duty,
                     len(rows))


def _first_usable(rows, policy: TrackPolicy):
    for t, _lon, _lat, accuracy, valid in rows:
        if valid and (accuracy is None or accuracy <= policy.max_accuracy_m):
            return float(t)
    return None
