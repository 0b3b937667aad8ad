"""A worker's track measured with numpy: the cleaning, smoothing, walked distance, stops and time outside the
grid that :mod:`console.core.patrol` defines, over arrays of a whole day of fixes instead of one fix at a
time (no Qt).

The rules are the module docstring's of :mod:`console.core.patrol`, and the results are those of the
one-fix-at-a-time code they replaced (kept as ``tests/core/patrol_reference.py`` and compared on random
tracks by ``tests/core/test_track_arrays.py``):

* every decision — which fixes are kept, where the walk's anchors and the stops are, which intervals are
  patrol time and which outside the grid — is the same: comparisons that numpy's transcendental functions
  could tip the other way (a speed or a step within a nanometre-scale margin of its limit) are taken again
  with the scalar code's own ``math`` expression;
* times, stop positions and the smoothed points are the same bits (the same arithmetic, sums taken in the
  same order with ``numpy.cumsum``);
* the walked distance adds the same steps in the same order, each step from ``numpy.hypot`` rather than
  ``math.hypot``, which may differ in the last bit: distances agree to ~1e-12 relative (tested to 1e-9
  relative and 1e-6 m).

The sequential rules (a jump is judged from the last *kept* fix, the walk advances from the last *anchor*,
a stay is measured from its first fix) are followed by a short Python loop over the few places where the
answer is not the obvious one — after a dropped fix, from one anchor to the next, at a candidate stop — with
the obvious answers for everything in between found in bulk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from console.core.geo import EARTH_RADIUS_M, LocalProjection, haversine_m

if TYPE_CHECKING:  # patrol.py imports this module
    from console.core.patrol import TrackPolicy

#: After this many fixes in a row "jump" from the last kept one, that one was the outlier.
MAX_JUMPS = 3
#: Relative margin around a limit within which a comparison is taken again with the scalar ``math`` code.
_AMBIGUOUS = 1e-9
#: Fixes looked ahead in bulk for the next anchor of the walk and the end of a stay (then twice as many more,
#: and so on): the first look covers a walker's next step, the later ones a slow walk.
_LOOKAHEAD = 6
#: Beyond this many fixes ahead, the next anchor is looked for from the anchors only (a long stay).
_FAR = 6 + 12 + 24 + 48


@dataclass(frozen=True)
class TrackArrays:
    """Fixes as parallel arrays in time order: epoch seconds, degrees, accuracy in metres (NaN: not given)."""

    t: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    accuracy: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def take(self, index: np.ndarray) -> TrackArrays:
        return TrackArrays(self.t[index], self.lon[index], self.lat[index], self.accuracy[index])


@dataclass(frozen=True)
class StopSpan:
    """A stop as indexes into the kept fixes (``first``…``last`` inclusive) and its mean position."""

    first: int
    last: int
    lon: float
    lat: float


def time_order(t: np.ndarray) -> np.ndarray:
    """The stable order by time (fixes of the same second keep their order), as ``sorted(key=t)``."""
    return np.argsort(np.asarray(t, dtype=float), kind="stable")


def clean(track: TrackArrays, valid: np.ndarray, policy: TrackPolicy) -> tuple[np.ndarray, int]:
    """Indexes of the usable fixes of a time-ordered ``track`` and how many were dropped: invalid or
    inaccurate fixes, a second fix of the same second, and jumps faster than ``max_speed_ms`` from the last
    kept fix within ``max_gap_s`` (up to :data:`MAX_JUMPS` in a row: then the kept one was the outlier)."""
    candidates = np.flatnonzero(np.asarray(valid, dtype=bool) & ~(track.accuracy > policy.max_accuracy_m))
    m = len(candidates)
    if m == 0:
        return candidates, len(track)
    t, lon, lat = track.t[candidates], track.lon[candidates], track.lat[candidates]
    dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = _haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]) / dt
    surely_kept = (dt > 0) & ((speed <= policy.max_speed_ms * (1 - _AMBIGUOUS)) | (dt > policy.max_gap_s))
    doubtful = np.flatnonzero(~surely_kept) + 1  # candidates not surely kept after their kept predecessor
    keep = np.ones(m, dtype=bool)
    keep[doubtful] = False  # decided below, in order, from the last kept fix
    t_list, lon_list, lat_list = (t.tolist(), lon.tolist(), lat.tolist()) if len(doubtful) else ([], [], [])
    position = 0
    while position < len(doubtful):
        # the fix before a doubtful one is kept (a dropped one would have carried on the run below): from
        # it, the fixes are judged in turn, as the scalar code does, until one is kept
        last = j = int(doubtful[position]) - 1
        jumps = 0
        for j in range(last + 1, m):
            gap = t_list[j] - t_list[last]
            if gap <= 0:
                continue
            if (haversine_m(lon_list[last], lat_list[last], lon_list[j], lat_list[j]) / gap > policy.max_speed_ms
                    and gap <= policy.max_gap_s and jumps < MAX_JUMPS):
                jumps += 1
                continue
            keep[j] = True
            break
        else:
            keep[last + 1:] = False
            break
        keep[last + 1:j] = False
        position = int(np.searchsorted(doubtful, j + 1))
    kept = candidates[keep]
    return kept, len(track) - len(kept)


def smoothed_xy(track: TrackArrays, projection: LocalProjection, policy: TrackPolicy) -> tuple[np.ndarray, np.ndarray]:
    """Each fix averaged with up to ``smoothing`` neighbours on either side, symmetrically, not across a gap
    longer than ``max_gap_s``; in metres on ``projection``'s plane."""
    x, y = projection.to_xy(track.lon, track.lat)
    n, half = len(track), policy.smoothing
    index = np.arange(n)
    first, last = _segment_bounds(track.t, policy.max_gap_s)
    width = np.minimum(np.minimum(index - np.maximum(index - half, first), np.minimum(index + half, last) - index),
                       half)
    return _window_means(x, width), _window_means(y, width)


def _window_means(values: np.ndarray, width: np.ndarray) -> np.ndarray:
    """``sum(values[k-w..k+w]) / (2w+1)`` with ``w = width[k]``, summed left to right as Python's sum."""
    means = values.astype(float, copy=True)
    for w in range(1, int(width.max(initial=0)) + 1):
        wanted = np.flatnonzero(width == w)
        if not len(wanted):
            continue
        total = values[wanted - w]
        for offset in range(-w + 1, w + 1):
            total = total + values[wanted + offset]
        means[wanted] = total / (2 * w + 1)
    return means


def walked_distance_m(track: TrackArrays, policy: TrackPolicy) -> float:
    """Distance between anchors of the smoothed fixes: the walk advances to a fix ``min_step_m`` (or half
    its accuracy, if more) away from the last anchor."""
    if not len(track):
        return 0.0
    x, y = smoothed_xy(track, LocalProjection(float(track.lon[0]), float(track.lat[0])), policy)
    limit = np.maximum(policy.min_step_m, np.nan_to_num(track.accuracy, nan=0.0) / 2)
    found = anchors(x, y, limit)
    if len(found) < 2:
        return 0.0
    steps = np.hypot(np.diff(x[found]), np.diff(y[found]))
    return float(np.cumsum(steps)[-1])


def anchors(x: np.ndarray, y: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """The walk's anchors: from the first fix, each next one the first fix at least its ``limit`` away."""
    n = len(x)
    ahead = _first_beyond(x, y, limit)
    ahead_list = ahead.tolist()
    found = [0]
    a = 0
    while True:
        following = ahead_list[a]
        if following < 0:
            following = _search_beyond(x, y, limit, a, a + _FAR + 1)
        if following >= n:
            break
        found.append(following)
        a = following
    return np.array(found, dtype=np.int64)


def _reaches(dx: np.ndarray, dy: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """``math.hypot(dx, dy) >= limit``, element by element."""
    step = np.hypot(dx, dy)
    reaches = step >= limit
    unsure = np.abs(step - limit) <= _AMBIGUOUS * np.maximum(limit, 1.0)
    for u in zip(*np.nonzero(unsure)):
        reaches[u] = math.hypot(float(dx[u]), float(dy[u])) >= float(limit[u])
    return reaches


def _first_beyond(x: np.ndarray, y: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """For every fix, the first fix after it at least that fix's limit away, looking up to :data:`_FAR`
    fixes ahead (``len(x)`` when the track ends before one is, -1 when none of those is)."""
    n = len(x)
    found = np.full(n, -1, dtype=np.int64)
    pending = np.arange(n)
    first_offset, width = 1, _LOOKAHEAD
    while len(pending) and first_offset <= _FAR:
        k = pending[:, None] + np.arange(first_offset, first_offset + width)[None, :]
        past_end = k >= n
        k = np.minimum(k, n - 1)
        hit = past_end | _reaches(x[k] - x[pending][:, None], y[k] - y[pending][:, None], limit[k])
        done = hit.any(axis=1)
        first = pending[done] + first_offset + hit[done].argmax(axis=1)
        found[pending[done]] = np.minimum(first, n)
        pending = pending[~done]
        first_offset, width = first_offset + width, width * 2
    return found


def _search_beyond(x: np.ndarray, y: np.ndarray, limit: np.ndarray, a: int, start: int) -> int:
    """The first fix from ``start`` on at least its limit away from fix ``a`` (``len(x)`` if none)."""
    n, size = len(x), 256
    while start < n:
        k = np.arange(start, min(n, start + size))
        hit = np.flatnonzero(_reaches(x[k] - x[a], y[k] - y[a], limit[k]))
        if len(hit):
            return int(k[hit[0]])
        start, size = start + size, size * 4
    return n


def stop_spans(track: TrackArrays, policy: TrackPolicy) -> list[StopSpan]:
    """Stays within ``stop_radius_m`` of their first fix, without a gap, lasting ``stop_min_s`` or more; a
    stay found, the next is looked for after it, else from the next fix."""
    n = len(track)
    if n == 0:
        return []
    projection = LocalProjection(float(track.lon[0]), float(track.lat[0]))
    x, y = projection.to_xy(track.lon, track.lat)
    t = track.t
    radius2 = policy.stop_radius_m ** 2
    _first, last_of_segment = _segment_bounds(t, policy.max_gap_s)
    # A stay from fix i is a stop when every fix up to the first ``stop_min_s`` after it (``due``) stays
    # within the radius without a gap: try the due fix and a few between for all at once, then fix by fix.
    due = _first_after(t, policy.stop_min_s)
    pending = np.flatnonzero((due <= last_of_segment) & (due > np.arange(n)))
    stop = due == np.arange(n)  # no minimum time: every fix starts a stop
    for fraction in (1.0, 0.5, 0.25, 0.75):
        k = pending + np.maximum(1, np.ceil(fraction * (due[pending] - pending)).astype(np.int64))
        pending = pending[~_beyond(x[k] - x[pending], y[k] - y[pending], radius2)]
    first_offset, width = 1, _LOOKAHEAD
    while len(pending):
        offsets = np.arange(first_offset, first_offset + width)
        k = pending[:, None] + offsets[None, :]
        wanted = k <= due[pending][:, None]
        k = np.minimum(k, n - 1)
        leaves = wanted & _beyond(x[k] - x[pending][:, None], y[k] - y[pending][:, None], radius2)
        pending = pending[~leaves.any(axis=1)]
        lasted = due[pending] < first_offset + width + pending
        stop[pending[lasted]] = True
        pending = pending[~lasted]
        first_offset, width = first_offset + width, width * 2
    starts = np.flatnonzero(stop)
    spans: list[StopSpan] = []
    i = 0
    while True:
        c = int(np.searchsorted(starts, i))
        if c >= len(starts):
            break
        i = int(starts[c])
        stay_end = _stay_end(x, y, radius2, i, int(last_of_segment[i]))
        mean_x = np.cumsum(x[i:stay_end])[-1] / (stay_end - i)
        mean_y = np.cumsum(y[i:stay_end])[-1] / (stay_end - i)
        lon, lat = projection.to_lonlat(float(mean_x), float(mean_y))
        spans.append(StopSpan(i, stay_end - 1, lon, lat))
        i = stay_end
    return spans


def _first_after(t: np.ndarray, seconds: float) -> np.ndarray:
    """For every fix ``i``, the first fix ``k`` with ``t[k] - t[i] >= seconds`` (``len(t)`` if none), decided
    by that subtraction (``t[i] + seconds`` may round the other way); ``t`` strictly increasing."""
    n = len(t)
    index = np.arange(n)
    if seconds <= 0:
        return index
    due = np.searchsorted(t, t + seconds, side="left")
    while True:
        short = np.flatnonzero(due < n)
        short = short[t[due[short]] - t[short] < seconds]
        long_ = np.flatnonzero(due - 1 > index)
        long_ = long_[t[due[long_] - 1] - t[long_] >= seconds]
        if not len(short) and not len(long_):
            return due
        due[short] += 1
        due[long_] -= 1


def _stay_end(x: np.ndarray, y: np.ndarray, radius2: float, i: int, last: int) -> int:
    """One past the last fix of the stay from fix ``i``: within ``radius2`` of it and not past ``last``."""
    start, size = i + 1, 64
    while start <= last:
        j = np.arange(start, min(last + 1, start + size))
        out = np.flatnonzero(_beyond(x[j] - x[i], y[j] - y[i], radius2))
        if len(out):
            return int(j[out[0]])
        start, size = start + size, size * 4
    return last + 1


def _beyond(dx: np.ndarray, dy: np.ndarray, radius2: float) -> np.ndarray:
    """``dx ** 2 + dy ** 2 > radius2`` as Python floats decide it (``**`` is C's ``pow``, within a bit)."""
    beyond = dx ** 2 + dy ** 2 > radius2
    unsure = np.abs(dx * dx + dy * dy - radius2) <= _AMBIGUOUS * max(radius2, 1.0)
    for u in zip(*np.nonzero(unsure)):
        beyond[u] = float(dx[u]) ** 2 + float(dy[u]) ** 2 > radius2
    return beyond


def covered_seconds(t: np.ndarray, outside: np.ndarray | None, max_gap_s: float) -> tuple[float, float]:
    """Patrol time (intervals between consecutive fixes up to ``max_gap_s``) and, of it, the intervals whose
    both fixes are ``outside``; added in time order."""
    if len(t) < 2:
        return 0.0, 0.0
    dt = np.diff(t)
    covered = np.where(dt <= max_gap_s, dt, 0.0)
    patrol = float(np.cumsum(covered)[-1])
    if outside is None:
        return patrol, 0.0
    return patrol, float(np.cumsum(np.where(outside[:-1] & outside[1:], covered, 0.0))[-1])


def _segment_bounds(t: np.ndarray, max_gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    """For every fix, the first and last index of its run of fixes without a gap longer than ``max_gap_s``."""
    n = len(t)
    breaks = np.flatnonzero(np.diff(t) > max_gap_s) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks - 1, [n - 1]])
    run = np.searchsorted(breaks, np.arange(n), side="right")
    return starts[run], ends[run]


def _haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """:func:`console.core.geo.haversine_m` over arrays (may differ from it in the last bit)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, np.radians(lon2 - lon1) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
