"""Situation replay: a past period of the town read once, then its state at any moment (no Qt).

:func:`load_situation` reads a period ``[start, end]`` in a bounded number of queries:

* **positions** — every worker's last fix at or before ``start`` (one index seek per worker
  through ``ix_positions_worker_t``), then the period's fixes by a primary-key range scan
  (ids grow with reception time, which tracks fix time: the range is found by a binary search
  and widened by :data:`LATE_FIX_MARGIN_S` for fixes that arrive late).  When a period holds
  more fixes than :data:`MAX_FIXES`, each worker keeps the last fix of every
  ``resolution_s`` seconds (each kept fix is a stored one, up to ``resolution_s`` older than it
  could be), which bounds memory whatever the period;
* **incidents** — those open at ``start`` or reported during the period, with their status
  steps from the audit trail.  Incidents still open now are found through the status index;
  finished ones through the creation-time index, no further back than :data:`LOOKBACK`
  (an incident open for longer than that before the period and finished since is missed).

:meth:`SituationReplay.state_at` then answers with a :class:`~console.storage.map_data.LiveMap`
(what the live map draws) by binary searches in the preloaded arrays: each worker's newest
fix at or before ``t`` and their state by the live map's own rule
(:func:`console.core.patrol.classify_worker` with the same :class:`StatePolicy`); each
incident's last step at or before ``t``, shown while its status is an open one, as on the
live map.  A worker is *handling* while an incident in hand at ``t`` (dispatched or in
progress) names them as its assignee now (the audit trail names assignees only in words).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Integer, func, or_, select, type_coerce
from sqlalchemy.orm import aliased

from console.core.clock import from_epoch, to_epoch
from console.core.geo import LocalProjection
from console.core.patrol import StatePolicy, WorkerState
from console.core.workflow import OPEN_STATUS_VALUES, Status
from console.storage.db import Store
from console.storage.map_data import WORKER_STATES, LiveIncidents, LiveMap, LiveWorkers
from console.storage.models import AuditEntry, Device, Incident, Position, Worker
from console.storage.types import MICRO_DEGREES
from console.tasks import TaskState

#: Fixes that reached the store up to this long after their own time are still found.
LATE_FIX_MARGIN_S = 900
#: Finished incidents reported longer than this before a period are not looked at.
LOOKBACK = timedelta(days=30)
#: At most this many fixes are kept for a period (about 20 bytes each).
MAX_FIXES = 4_000_000
#: The time steps a large period's fixes are thinned to (seconds; 0: every fix).
RESOLUTIONS_S = (0, 15, 30, 60, 120, 300, 600, 1800)
#: The statuses as small integers (their order in :class:`Status`).
STATUSES = tuple(status.value for status in Status)
_STATUS_CODE = {value: code for code, value in enumerate(STATUSES)}
_OPEN_CODES = np.array([value in OPEN_STATUS_VALUES for value in STATUSES])
_IN_HAND_CODES = np.array([value in (Status.DISPATCHED.value, Status.IN_PROGRESS.value) for value in STATUSES])
_STATE_CODE = {state: code for code, state in enumerate(WORKER_STATES)}
_ROW_SHIFT = 32  # sort keys: row << 32 | seconds since the replay's origin
_CHUNK_ROWS = 500_000
_IN_LIST = 500


@dataclass(frozen=True)
class ReplayIncidents:
    """The period's incidents (ids ascending) and their status steps, as arrays."""

    ids: np.ndarray
    numbers: list[str]
    titles: list[str]
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    levels: np.ndarray
    one_key: np.ndarray
    assignees: np.ndarray  # the assignee worker now (0: none)
    step_keys: np.ndarray  # incident row << 32 | seconds since the origin, sorted
    step_status: np.ndarray  # a code of :data:`STATUSES` per step


@dataclass(frozen=True)
class ReplayFixes:
    """Kept fixes sorted by (worker row, time): sort keys, metres and when each worker last moved."""

    worker_ids: np.ndarray  # workers with a fix, ascending; a row is an index into this
    keys: np.ndarray  # worker row << 32 | seconds since the origin
    x: np.ndarray  # float32 metres
    y: np.ndarray
    moved_at: np.ndarray  # seconds since the origin, per fix (the live map's idle rule)
    first: np.ndarray  # each worker row's first fix


class SituationReplay:
    """A period of the town loaded once (see :func:`load_situation`); :meth:`state_at` is cheap.

    ``fix_count`` fixes were kept at ``resolution_s`` seconds (0: every stored fix)."""

    def __init__(self, start: int, end: int, origin: int, projection: LocalProjection, fixes: ReplayFixes,
                 incidents: ReplayIncidents, resolution_s: int, state_policy: StatePolicy):
        self.start, self.end, self.origin = start, end, origin
        self.projection = projection
        self.fixes = fixes
        self.incidents = incidents
        self.resolution_s = resolution_s
        self.state_policy = state_policy
        self._worker_rows = np.arange(len(fixes.worker_ids), dtype=np.int64)
        self._incident_rows = np.arange(len(incidents.ids), dtype=np.int64)
        self._incident_first = np.searchsorted(incidents.step_keys, self._incident_rows << _ROW_SHIFT)

    @property
    def fix_count(self) -> int:
        return len(self.fixes.keys)

    @property
    def start_time(self) -> datetime:
        return from_epoch(self.start)

    @property
    def end_time(self) -> datetime:
        return from_epoch(self.end)

    def nbytes(self) -> int:
        """Memory the arrays take."""
        arrays = [*vars(self.fixes).values(), *vars(self.incidents).values()]
        return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))

    def state_at(self, t: datetime | int) -> LiveMap:
        """What the live map would have shown at ``t`` (clamped into the period)."""
        now = min(max(t if isinstance(t, int) else to_epoch(t), self.start), self.end)
        incidents, in_hand = self._incidents_at(now)
        return LiveMap(from_epoch(now), self._workers_at(now, in_hand), incidents, {}, in_hand)

    def _incidents_at(self, now: int) -> tuple[LiveIncidents, dict[int, list[int]]]:
        known = self.incidents
        step = np.searchsorted(known.step_keys, (self._incident_rows << _ROW_SHIFT) + (now - self.origin),
                               side="right") - 1
        exists = step >= self._incident_first
        status = np.where(exists, known.step_status[np.maximum(step, 0)], 0)
        rows = np.flatnonzero(exists & _OPEN_CODES[status])
        in_hand: dict[int, list[int]] = {}
        for row in rows[_IN_HAND_CODES[status[rows]] & (known.assignees[rows] > 0)].tolist():
            in_hand.setdefault(int(known.assignees[row]), []).append(int(known.ids[row]))
        shown = LiveIncidents(known.ids[rows], [known.numbers[r] for r in rows.tolist()],
                              [known.titles[r] for r in rows.tolist()], known.x[rows], known.y[rows],
                              known.lon[rows], known.lat[rows], [STATUSES[s] for s in status[rows].tolist()],
                              known.levels[rows], known.one_key[rows])
        return shown, in_hand

    def _workers_at(self, now: int, in_hand: dict[int, list[int]]) -> LiveWorkers:
        fixes, policy = self.fixes, self.state_policy
        since = now - self.origin
        index = np.searchsorted(fixes.keys, (self._worker_rows << _ROW_SHIFT) + since, side="right") - 1
        rows = np.flatnonzero(index >= fixes.first)
        index = index[rows]
        fix_t = (fixes.keys[index] & 0xFFFFFFFF).astype(np.int64)
        states = np.where(since - fixes.moved_at[index] <= policy.idle_after_s,
                          _STATE_CODE[WorkerState.PATROLLING], _STATE_CODE[WorkerState.IDLE]).astype(np.int8)
        ids = fixes.worker_ids[rows]
        if in_hand:
            states[np.isin(ids, np.fromiter(in_hand, dtype=np.int64))] = _STATE_CODE[WorkerState.HANDLING]
        states[since - fix_t > policy.offline_after_s] = _STATE_CODE[WorkerState.OFFLINE]
        x, y = fixes.x[index].astype(float), fixes.y[index].astype(float)
        lon, lat = self.projection.to_lonlat(x, y)
        return LiveWorkers(ids, x, y, states, (fix_t + self.origin).astype(float), lon, lat)


def load_situation(store: Store, projection: LocalProjection, start: datetime, end: datetime,
                   state: TaskState | None = None, state_policy: StatePolicy = StatePolicy(),
                   max_fixes: int = MAX_FIXES) -> SituationReplay:
    """Read the period ``[start, end]`` once (on a background thread); progress and cancellation via ``state``."""
    state = state or TaskState()
    t0, t1 = to_epoch(start), to_epoch(end)
    if t1 <= t0:
        raise ValueError("a replay period must end after it starts")
    with store.engine.connect() as conn:
        state.set_progress(0.02)
        before = _last_fixes_before(conn, t0)
        state.check()
        state.set_progress(0.08)
        first_id, last_id = _id_range(conn, t0 - LATE_FIX_MARGIN_S, t1 + LATE_FIX_MARGIN_S)
        resolution = _resolution(conn, first_id, last_id, t0, t1, max_fixes)
        period = _period_fixes(conn, first_id, last_id, t0, t1, resolution, state)
        state.check()
        state.set_progress(0.85)
        rows, steps = _incidents(conn, t0, t1)
    state.check()
    origin = min([t0, *((int(before[1].min()),) if len(before[1]) else ()),
                  *(row.created_at for row in rows)])
    fixes = _fixes(projection, before, period, origin, state_policy)
    state.set_progress(1.0)
    return SituationReplay(t0, t1, origin, projection, fixes, _incident_arrays(projection, rows, steps, origin),
                           resolution, state_policy)


# -- positions ---------------------------------------------------------------------------------------

def _last_fixes_before(conn, t0: int) -> tuple[np.ndarray, ...]:
    """(worker ids, t, lon µ°, lat µ°) of every worker's newest fix at or before ``t0``: a seek per worker."""
    inner = aliased(Position)
    newest = (select(inner.id).where(inner.worker_id == Worker.id, inner.t <= t0)
              .order_by(inner.t.desc(), inner.id.desc()).limit(1).correlate(Worker).scalar_subquery())
    rows = conn.execute(select(Position.worker_id, Position.t, type_coerce(Position.lon, Integer),
                               type_coerce(Position.lat, Integer))
                        .select_from(Worker).join(Position, Position.id == newest)).all()
    return _columns(rows, 4)


def _id_range(conn, t_from: int, t_to: int) -> tuple[int, int]:
    """The first id whose fix is at or after ``t_from`` and the last before the first one after ``t_to``."""
    low, high = conn.execute(select(Position.id).order_by(Position.id).limit(1)).scalar(), \
        conn.execute(select(Position.id).order_by(Position.id.desc()).limit(1)).scalar()
    if low is None:
        return 0, -1
    return _first_id_from(conn, t_from, low, high + 1), _first_id_from(conn, t_to + 1, low, high + 1) - 1


def _first_id_from(conn, t: int, low: int, high: int) -> int:
    """The smallest id in [low, high) whose row (or the next one stored) has its fix at or after ``t``."""
    while low < high:
        middle = (low + high) // 2
        row = conn.execute(select(Position.id, Position.t).where(Position.id >= middle)
                           .order_by(Position.id).limit(1)).first()
        if row is None or row[1] >= t:
            high = middle
        else:
            low = row[0] + 1
    return low


def _resolution(conn, first_id: int, last_id: int, t0: int, t1: int, max_fixes: int) -> int:
    """The finest of :data:`RESOLUTIONS_S` whose thinned fixes fit in ``max_fixes``."""
    stored = max(0, last_id - first_id + 1)
    if stored <= max_fixes:
        return 0
    workers = conn.execute(select(func.count(func.distinct(Device.worker_id)))).scalar() or 1  # with a phone
    for resolution in RESOLUTIONS_S[1:]:
        if workers * ((t1 - t0) // resolution + 1) <= max_fixes:
            return resolution
    return RESOLUTIONS_S[-1]


def _period_fixes(conn, first_id: int, last_id: int, t0: int, t1: int, resolution: int,
                  state: TaskState) -> tuple[np.ndarray, ...]:
    """The fixes with ``t0 < t <= t1`` in the id range, thinned to ``resolution``: chunk by chunk, each
    thinned as it comes and held as 32-bit numbers, then once more at the end across the chunks' seams."""
    parts: list[tuple[np.ndarray, ...]] = []
    chunks = range(first_id, last_id + 1, _CHUNK_ROWS)
    for done, low in enumerate(chunks, 1):
        worker, t, lon, lat = _fixes_as_text(conn, low, min(low + _CHUNK_ROWS - 1, last_id), t0, t1)
        since = t - t0
        if resolution and len(t):
            keep = _last_of_each_step(worker, since, resolution)
            worker, since, lon, lat = worker[keep], since[keep], lon[keep], lat[keep]
        parts.append((worker.astype(np.int32), since.astype(np.int32), lon.astype(np.int32), lat.astype(np.int32)))
        state.check()
        state.set_progress(0.08 + 0.75 * done / len(chunks))
    if not parts:
        return _columns([], 4)
    worker, since, lon, lat = (np.concatenate([part[i] for part in parts]) for i in range(4))
    parts.clear()
    if resolution:
        keep = _last_of_each_step(worker, since, resolution)
        worker, since, lon, lat = worker[keep], since[keep], lon[keep], lat[keep]
    return worker.astype(np.int64), since + np.int64(t0), lon.astype(np.int64), lat.astype(np.int64)


def _fixes_as_text(conn, low: int, high: int, t0: int, t1: int) -> tuple[np.ndarray, ...]:
    """(worker, t, lon µ°, lat µ°) of the ids ``low..high`` with ``t0 < t <= t1``.

    The database joins them into one text of numbers (``group_concat`` / ``string_agg``) that numpy
    parses: two to three times faster than a Python tuple per row, which is most of a city's load."""
    aggregate = "string_agg" if conn.dialect.name == "postgresql" else "group_concat"
    cast = "CAST({} AS TEXT)" if conn.dialect.name == "postgresql" else "{}"
    row = " || ',' || ".join(cast.format(c) for c in ("worker_id", "t", "lon", "lat"))
    text = conn.exec_driver_sql(
        f"SELECT {aggregate}({row}, ',') FROM positions WHERE id BETWEEN {int(low)} AND {int(high)} "
        f"AND t > {int(t0)} AND t <= {int(t1)}").scalar()
    if not text:
        return _columns([], 4)
    table = np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, 4)
    return tuple(table[:, i] for i in range(4))


def _last_of_each_step(worker: np.ndarray, t: np.ndarray, resolution: int) -> np.ndarray:
    """Indices of the newest fix of each (worker, ``resolution``-second step of ``t``, seconds into the period)."""
    order = np.lexsort((t, t // resolution, worker))
    bucket = (worker[order].astype(np.int64) << _ROW_SHIFT) + t[order] // resolution
    last = np.append(bucket[1:] != bucket[:-1], True)
    return order[last]


def _fixes(projection: LocalProjection, before, period, origin: int, policy: StatePolicy) -> ReplayFixes:
    """The fixes before the period and in it, sorted by worker and time, in metres, with when each worker moved."""
    worker, t, lon, lat = (np.concatenate([b, p]) for b, p in zip(before, period))
    worker_ids, rows = np.unique(worker, return_inverse=True)
    keys = (rows.astype(np.int64) << _ROW_SHIFT) + (t - origin)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    x, y = projection.to_xy(lon[order] / MICRO_DEGREES, lat[order] / MICRO_DEGREES)
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
    first = np.searchsorted(keys, np.arange(len(worker_ids), dtype=np.int64) << _ROW_SHIFT)
    moved_at = _moved_at(keys, x, y, first, policy.idle_radius_m)
    return ReplayFixes(worker_ids, keys, x, y, moved_at, first)


def _moved_at(keys: np.ndarray, x: np.ndarray, y: np.ndarray, first: np.ndarray, radius_m: float) -> np.ndarray:
    """For each fix, when its worker last went more than ``radius_m`` from where they stood
    (:class:`console.core.patrol.WorkerActivity`'s rule), for all workers at once, fix by fix."""
    t = (keys & 0xFFFFFFFF).astype(np.int64)
    moved_at = np.empty(len(keys), dtype=np.int32)  # seconds since the origin
    counts = np.diff(np.append(first, len(keys)))
    anchor = first.copy()
    for k in range(int(counts.max()) if len(counts) else 0):
        live = np.flatnonzero(counts > k)
        here = first[live] + k
        if k == 0:
            moved_at[here] = t[here]
            continue
        anchors = anchor[live]
        moved = (x[here] - x[anchors]) ** 2 + (y[here] - y[anchors]) ** 2 > radius_m ** 2
        anchor[live] = np.where(moved, here, anchors)
        moved_at[here] = np.where(moved, t[here], moved_at[here - 1])
    return moved_at


# -- incidents ---------------------------------------------------------------------------------------

def _incidents(conn, t0: int, t1: int) -> tuple[list, dict[int, list[tuple[int, str | None, str]]]]:
    """The incidents open at ``t0`` or reported by ``t1`` (and some finished before ``t0``), with their steps."""
    created = type_coerce(Incident.created_at, Integer)
    resolved = type_coerce(Incident.resolved_at, Integer)
    columns = select(Incident.id, Incident.number, Incident.title, Incident.lon, Incident.lat, Incident.level,
                     Incident.one_key, Incident.assignee_worker_id, created.label("created_at"), Incident.status) \
        .where(Incident.lon.is_not(None), Incident.lat.is_not(None), created <= t1)
    # Two queries, so each goes through its own index (status; creation time).
    still_open = conn.execute(columns.where(Incident.status.in_(OPEN_STATUS_VALUES))).all()
    finished = conn.execute(columns.where(created >= t0 - int(LOOKBACK.total_seconds()),
                                          Incident.status.not_in(OPEN_STATUS_VALUES),
                                          or_(resolved.is_(None), resolved >= t0))).all()
    rows = sorted(still_open + finished, key=lambda row: row.id)
    steps: dict[int, list[tuple[int, str | None, str]]] = {}
    ids = [row.id for row in rows]
    for chunk in range(0, len(ids), _IN_LIST):
        for incident_id, at, before, after in conn.execute(
                select(AuditEntry.incident_id, type_coerce(AuditEntry.at, Integer), AuditEntry.from_status,
                       AuditEntry.to_status)
                .where(AuditEntry.incident_id.in_(ids[chunk:chunk + _IN_LIST]), AuditEntry.to_status.is_not(None),
                       type_coerce(AuditEntry.at, Integer) <= t1)
                .order_by(AuditEntry.incident_id, type_coerce(AuditEntry.at, Integer), AuditEntry.id)):
            steps.setdefault(incident_id, []).append((at, before, after))
    return rows, steps


def _incident_arrays(projection: LocalProjection, rows, steps, origin: int) -> ReplayIncidents:
    """The incidents as arrays, each with a first step at its creation (the status it was reported in)."""
    step_rows, step_at, step_status = [], [], []
    for row_index, row in enumerate(rows):
        own = steps.get(row.id, [])
        reported_as = (own[0][1] or own[0][2]) if own else row.status
        for at, status in [(row.created_at, reported_as), *((at, after) for at, _before, after in own)]:
            step_rows.append(row_index)
            step_at.append(max(at, row.created_at) - origin)
            step_status.append(_STATUS_CODE.get(status, 0))
    keys = (np.array(step_rows, dtype=np.int64) << _ROW_SHIFT) + np.array(step_at, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    lon = np.array([r.lon for r in rows], dtype=float)
    lat = np.array([r.lat for r in rows], dtype=float)
    x, y = projection.to_xy(lon, lat)
    return ReplayIncidents(np.array([r.id for r in rows], dtype=np.int64), [r.number for r in rows],
                           [r.title for r in rows], x, y, lon, lat,
                           np.array([r.level for r in rows], dtype=np.int8),
                           np.array([bool(r.one_key) for r in rows], dtype=bool),
                           np.array([r.assignee_worker_id or 0 for r in rows], dtype=np.int64),
                           keys[order], np.array(step_status, dtype=np.int8)[order])


def _columns(rows, width: int) -> tuple[np.ndarray, ...]:
    """Rows of ``width`` integers as that many int64 columns."""
    if not rows:
        return tuple(np.empty(0, dtype=np.int64) for _ in range(width))
    # Plain tuples: numpy asks each SQLAlchemy row for array attributes it lacks, a slow miss each.
    table = np.array([tuple(row) for row in rows], dtype=np.int64)
    return tuple(table[:, i] for i in range(width))
