"""A worker-day's patrol measured a piece at a time: the figures of
:func:`console.storage.patrol_day.patrol_day` (distance, patrol and outside time, covered and duty-covered
time) continued from a saved :class:`PatrolState` over the fixes that came after it, so that a running
summary of today need only be brought forward by the positions since it was written (no Qt).

The whole-day computation is a chain of sequential rules; the state carries what each needs to go on exactly
as if it had seen the day in one piece:

* *cleaning* (twice, as the day's computation cleans and the worker card cleans again): a fix is judged from
  the last kept one, with a count of jumps in a row.  The state keeps, for each pass, the last kept fix and
  the fixes after it not kept yet; cleaning them again ahead of the new fixes repeats the same decisions
  (the first fix is always kept) and continues from the same place;
* *covered time*, *patrol time*, *time outside*: intervals between consecutive kept fixes (and whether both
  ends are outside the grid); the last kept fix of each pass, and running totals.  Stored positions are whole
  seconds, so these sums are exact whatever the grouping;
* *smoothing*: a fix is averaged with up to ``smoothing`` neighbours either side within a gap-free run, so its
  point is final once ``smoothing`` fixes follow it.  The state keeps the fixes not final yet and up to
  ``smoothing`` before them, in the day's plane (the day's first kept fix is its origin);
* *the walk*: from the last anchor, the first final point far enough away is the next; the state keeps the
  anchor's point and the distance so far, added step by step in the day's order (the same bits).

:func:`advance` moves a state over the next fixes; :func:`finish` gives the figures as if the day ended there
(the last fixes smoothed with the shorter windows the day's end gives them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from console.core import track_arrays
from console.core.geo import LocalProjection, Region
from console.core.patrol import TrackPolicy
from console.core.region_arrays import prepared
from console.core.track_arrays import TrackArrays

#: Columns of a state's fix arrays: epoch seconds, lon, lat, accuracy (NaN: not given).
FIX_COLUMNS = 4


def _empty() -> np.ndarray:
    return np.zeros((0, FIX_COLUMNS))


@dataclass(frozen=True)
class PatrolState:
    """Where the measuring of a worker-day stands after some of its fixes; see the module docstring.

    ``clean1`` and ``clean2``: each cleaning pass's last kept fix and the fixes after it not kept yet;
    ``smooth``: the kept fixes whose points are not walked yet, after up to ``smoothing`` walked ones
    (``walked_in_smooth`` of them); ``origin``: the day's plane (lon, lat of its first kept fix);
    ``anchor``: the walk's last anchor (x, y in that plane)."""

    fixes: int = 0
    distance_m: float = 0.0
    patrol_s: float = 0.0
    outside_s: float = 0.0
    covered_s: float = 0.0
    duty_covered_s: float = 0.0
    clean1: np.ndarray = field(default_factory=_empty)
    clean2: np.ndarray = field(default_factory=_empty)
    smooth: np.ndarray = field(default_factory=_empty)
    walked_in_smooth: int = 0
    origin: tuple[float, float] | None = None
    anchor: tuple[float, float] | None = None

    @property
    def last_kept_t(self) -> float | None:
        """The time of the last fix the day's cleaning keeps so far (None: none yet)."""
        return float(self.clean1[0, 0]) if len(self.clean1) else None

    def to_json(self) -> dict:
        """The state as JSON-ready values (floats keep every bit through ``repr``; NaN as None)."""
        def rows(a: np.ndarray) -> list:
            return [[None if v != v else v for v in row] for row in a.tolist()]
        return dict(fixes=self.fixes, distance_m=self.distance_m, patrol_s=self.patrol_s, outside_s=self.outside_s,
                    covered_s=self.covered_s, duty_covered_s=self.duty_covered_s, clean1=rows(self.clean1),
                    clean2=rows(self.clean2), smooth=rows(self.smooth), walked_in_smooth=self.walked_in_smooth,
                    origin=self.origin, anchor=self.anchor)

    @classmethod
    def from_json(cls, data: dict) -> PatrolState:
        def array(rows: list) -> np.ndarray:
            return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float).reshape(
                -1, FIX_COLUMNS)
        return cls(data["fixes"], data["distance_m"], data["patrol_s"], data["outside_s"], data["covered_s"],
                   data["duty_covered_s"], array(data["clean1"]), array(data["clean2"]), array(data["smooth"]),
                   data["walked_in_smooth"],
                   tuple(data["origin"]) if data["origin"] is not None else None,
                   tuple(data["anchor"]) if data["anchor"] is not None else None)


def advance(state: PatrolState, rows: np.ndarray, duty_before, region: Region | None,
            policy: TrackPolicy = TrackPolicy(), *, finished: bool = False) -> PatrolState:
    """The state after the next fixes ``rows`` (an (n, 5) array: t, lon, lat, accuracy, valid; in time order,
    all later than the fixes before); ``duty_before`` is :func:`console.storage.patrol_day.duty_before` of the
    day's duty windows (clipped no earlier than the last fix).  ``finished``: as :func:`finish` would give it
    after (in one pass, for figures only: a finished state is not to be advanced further)."""
    rows = np.asarray(rows, dtype=float).reshape(-1, 5)
    usable = (rows[:, 4] != 0) & ~(rows[:, 3] > policy.max_accuracy_m)
    kept1, clean1 = _clean(state.clean1, rows[usable, :FIX_COLUMNS], policy)
    # kept1 starts with the last fix kept before (if any): its intervals to the new fixes are new
    covered_s, duty_covered_s = state.covered_s, state.duty_covered_s
    if len(kept1) > 1:
        t = kept1[:, 0]
        covered = np.diff(t) <= policy.max_gap_s
        a, b = t[:-1][covered], t[1:][covered]
        covered_s += float((b - a).sum())
        duty_covered_s += float((duty_before(b) - duty_before(a)).sum()) if len(a) else 0.0
    new1 = kept1[1:] if len(state.clean1) else kept1
    kept2, clean2 = _clean(state.clean2, new1, policy)
    new2 = kept2[1:] if len(state.clean2) else kept2
    moved = replace(state, fixes=state.fixes + len(rows), covered_s=covered_s, duty_covered_s=duty_covered_s,
                    clean1=clean1, clean2=clean2)
    if not len(new2):
        return finish(moved, policy) if finished else moved
    origin = state.origin if state.origin is not None else (float(new2[0, 1]), float(new2[0, 2]))
    outside = (np.zeros(len(kept2), dtype=bool) if region is None else
               prepared(region).outside_by_more_than(kept2[:, 1], kept2[:, 2], policy.border_band_m))
    patrol_s, outside_s = state.patrol_s, state.outside_s
    if len(kept2) > 1:
        dt = np.diff(kept2[:, 0])
        covered2 = np.where(dt <= policy.max_gap_s, dt, 0.0)
        patrol_s += float(covered2.sum())
        outside_s += float(np.where(outside[:-1] & outside[1:], covered2, 0.0).sum())
    moved = replace(moved, patrol_s=patrol_s, outside_s=outside_s, origin=origin)
    return _walk(moved, np.vstack([state.smooth, new2]), policy, final_only=not finished)


def finish(state: PatrolState, policy: TrackPolicy = TrackPolicy()) -> PatrolState:
    """The state as if the day ended after its fixes: the points not final yet walked too."""
    if not len(state.smooth):
        return state
    return _walk(state, state.smooth, policy, final_only=False)


def _clean(tail: np.ndarray, fixes: np.ndarray, policy: TrackPolicy) -> tuple[np.ndarray, np.ndarray]:
    """The kept fixes of ``tail`` (a pass's last kept fix and the undecided ones after it) then ``fixes``,
    and the pass's new tail."""
    sequence = np.vstack([tail, fixes]) if len(tail) else fixes
    if not len(sequence):
        return sequence, sequence
    track = TrackArrays(sequence[:, 0], sequence[:, 1], sequence[:, 2], sequence[:, 3])
    kept, _dropped = track_arrays.clean(track, np.ones(len(sequence), dtype=bool), policy)
    return sequence[kept], sequence[int(kept[-1]):]


def _walk(state: PatrolState, smooth: np.ndarray, policy: TrackPolicy, final_only: bool) -> PatrolState:
    """Smooth ``smooth`` (its first ``state.walked_in_smooth`` fixes walked before) and walk on from the
    anchor over its points that are final (all of them when ``final_only`` is false)."""
    n, half = len(smooth), policy.smoothing
    done = state.walked_in_smooth
    upto = max(done, n - half) if final_only else n
    if upto == done:
        return replace(state, smooth=smooth)
    track = TrackArrays(smooth[:, 0], smooth[:, 1], smooth[:, 2], smooth[:, 3])
    x, y = track_arrays.smoothed_xy(track, LocalProjection(*state.origin), policy)
    x, y = x[done:upto], y[done:upto]
    limit = np.maximum(policy.min_step_m, np.nan_to_num(smooth[done:upto, 3], nan=0.0) / 2)
    if state.anchor is not None:
        x, y = np.concatenate([[state.anchor[0]], x]), np.concatenate([[state.anchor[1]], y])
        limit = np.concatenate([[0.0], limit])
    anchors = track_arrays.anchors(x, y, limit)
    distance = state.distance_m
    if len(anchors) > 1:
        steps = np.hypot(np.diff(x[anchors]), np.diff(y[anchors]))
        distance = float(np.cumsum(np.concatenate([[distance], steps]))[-1])
    keep_from = max(0, upto - half)
    return replace(state, distance_m=distance, anchor=(float(x[anchors[-1]]), float(y[anchors[-1]])),
                   smooth=smooth[keep_from:], walked_in_smooth=upto - keep_from)
