"""The figures of the command room's dashboard and big screen, read fast from millions of incidents.

One call, :func:`read_dashboard`, returns a frozen :class:`Dashboard` with everything the
dashboard dock and the big screen draw.  Plain SQL (SQLAlchemy Core) that runs on SQLite and
PostgreSQL; no Qt.

Why a cache (:class:`DashboardCache`): at city scale (2.2 million incidents, ~9,000 a day) the
30-day figures cover 275,000 incidents, and reading them takes 1-2.5 s on SQLite (the table rows
are needed: status, closing time, village).  But almost all of them are settled: 99 % of incidents
end closed or rejected, and a settled incident does not change any more (closing and rejecting are
final unless reopened, and a reopened one is unsettled again).  So the cache reads the 60-day
window once (on a background thread: ~10 s for the 540,000 incidents of 60 days at city scale, 2 s at
100,000 incidents), keeps it as numpy columns, and each refresh re-reads only what may have changed:

* every unsettled incident (~9,400 at city scale: ``status = ?`` per unsettled status, through the status
  indexes; no long id lists, which SQLAlchemy renders slowly), whatever its age — this also catches a
  reopened incident — and their department links the same way;
* every incident unsettled at the previous refresh (it may have settled since);
* every incident with an id above the largest one seen (new reports), minus a small margin for
  transactions that committed out of id order.

The per-hour, per-day, source, category, level, department and village figures are then numpy
counts over those columns (tens of milliseconds).  Caveat: a settled incident whose category or village is
edited afterwards keeps its old values in the cache until the next cold load (:meth:`DashboardCache.clear`).

Definitions (in the operator's terms):

* *period*: the last :data:`PERIOD_DAYS` days up to ``now``; *trend*: new incidents per day for
  :data:`TREND_DAYS` days, the last 30 against the 30 before (days start at midnight in ``now``'s
  time zone);
* *handled per hour*: incidents resolved in each of the last 24 hours (those reported within the trend window);
* *closure rate*: closed ÷ (received − rejected) over the period (the city's reference: 99.6 %);
* *average time to close*: ``closed_at − created_at`` of the period's closed incidents;
* per village, over the red-light window of the map (7 days): reported, open, the unresolved share
  and the red light (:class:`~console.core.redlight.RedLightBoard`'s rule);
* per department: received and closed over the period; overdue = open now and past its deadline
  (any age); the town's A/B assessment.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Integer, bindparam, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.clock import to_epoch
from console.core.redlight import RedLightBoard, RedLightPolicy, VillageCounts
from console.core.workflow import OPEN_STATUS_VALUES, Source, Status
from console.storage.db import Store
from console.storage.map_data import RED_LIGHT_WINDOW
from console.storage.models import Department, Incident, Village, incident_departments
from console.storage.queue import QueueFilter

T = Incident.__table__
L = incident_departments
D = Department.__table__
V = Village.__table__

PERIOD_DAYS = 30
TREND_DAYS = 60
HOURS = 24
#: The city's closure rate (Shaoxing: 2.17 million events in 8 months, 99.6 % closed).
REFERENCE_CLOSURE_RATE = 0.996
#: How many of the latest one-key and overdue incidents the big screen lists.
LATEST = 8
#: New ids are re-read from this far below the largest id seen (transactions commit out of id order).
ID_MARGIN = 500
_CHUNK = 5_000

STATUSES = tuple(s.value for s in Status)
SOURCES = tuple(s.value for s in Source)
_STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}
_SOURCE_CODE = {s: i for i, s in enumerate(SOURCES)}
_SETTLED = (Status.CLOSED.value, Status.REJECTED.value)
_UNSETTLED = tuple(s for s in STATUSES if s not in _SETTLED)
_OPEN_CODES = np.array([_STATUS_CODE[s] for s in OPEN_STATUS_VALUES])
_UNSETTLED_CODES = np.array([_STATUS_CODE[s] for s in _UNSETTLED])
_CLOSED = _STATUS_CODE[Status.CLOSED.value]
_REJECTED = _STATUS_CODE[Status.REJECTED.value]


@dataclass(frozen=True)
class DashboardScope:
    """Whose figures: the whole store, one town's villages (and its stationed departments) or one village."""

    town_id: int | None = None
    village_id: int | None = None


@dataclass(frozen=True)
class DepartmentFigures:
    """One stationed department's linkage figures (received and closed over the period)."""

    id: int
    name_zh: str
    name_en: str
    assessment: str
    received: int
    closed: int
    overdue: int
    average_close_s: float | None

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class VillageFigures:
    """One village over the red-light window: reported, still open, the unresolved share and its light."""

    id: int
    name_zh: str
    name_en: str
    lon: float
    lat: float
    reported: int
    open: int
    unresolved_share: float
    red: bool

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class IncidentLine:
    """An incident the big screen lists (latest one-key, most overdue)."""

    id: int
    number: str
    title: str
    created_at: int
    deadline_at: int
    status: str
    village_id: int | None


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard draws, at ``at``.  Times are epoch seconds; counts are ints."""

    at: datetime
    scope: DashboardScope
    period_start: int
    red_light_start: int
    hour_starts: tuple[int, ...]
    reported_per_hour: tuple[int, ...]
    handled_per_hour: tuple[int, ...]
    day_starts: tuple[int, ...]          # TREND_DAYS midnights, oldest first; the last is today
    new_per_day: tuple[int, ...]
    sources: tuple[tuple[str, int], ...]      # every source, in Source order, over the period
    categories: tuple[tuple[str, int], ...]   # categories with incidents, most first, over the period
    departments: tuple[DepartmentFigures, ...]
    villages: tuple[VillageFigures, ...]      # most unresolved share first
    received: int                             # over the period
    closed: int
    rejected: int
    closure_rate: float | None
    average_close_by_level: dict[int, float | None]
    closed_by_level: dict[int, int]
    open_now: int
    overdue_now: int
    one_key_open: int                         # open one-key reports (source one_key)
    new_today: int
    latest_one_key: tuple[IncidentLine, ...]
    most_overdue: tuple[IncidentLine, ...]
    reference_closure_rate: float = REFERENCE_CLOSURE_RATE

    @property
    def current_30(self) -> tuple[int, ...]:
        return self.new_per_day[-PERIOD_DAYS:]

    @property
    def previous_30(self) -> tuple[int, ...]:
        return self.new_per_day[-2 * PERIOD_DAYS:-PERIOD_DAYS]

    @property
    def red_villages(self) -> tuple[int, ...]:
        return tuple(v.id for v in self.villages if v.red)


_COLUMNS = (T.c.id, type_coerce(T.c.created_at, Integer), type_coerce(T.c.resolved_at, Integer),
            type_coerce(T.c.closed_at, Integer), type_coerce(T.c.deadline_at, Integer), T.c.status, T.c.source,
            T.c.category, T.c.level, T.c.village_id, T.c.one_key, T.c.number, T.c.title)


@dataclass
class _Rows:
    """Incidents as numpy columns, sorted by id (text columns only where needed: number and title lists)."""

    id: np.ndarray
    created: np.ndarray
    resolved: np.ndarray      # -1: not resolved
    closed: np.ndarray        # -1: not closed
    deadline: np.ndarray
    status: np.ndarray
    source: np.ndarray
    category: np.ndarray      # code index into DashboardCache.categories
    level: np.ndarray
    village: np.ndarray       # 0: none
    one_key: np.ndarray

    @classmethod
    def empty(cls) -> "_Rows":
        return cls(*(np.empty(0, dtype=np.int64) for _ in range(11)))

    def take(self, index) -> "_Rows":
        return _Rows(*(getattr(self, f)[index] for f in _FIELDS))

    def __len__(self) -> int:
        return len(self.id)


_FIELDS = ("id", "created", "resolved", "closed", "deadline", "status", "source", "category", "level", "village",
           "one_key")


@dataclass
class DashboardCache:
    """The 60-day window as numpy columns, kept current by re-reading what can change (see the module doc).

    One refresh at a time (a lock); safe to share between the dashboard dock and the big screen."""

    rows: _Rows = field(default_factory=_Rows.empty)
    links: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))  # (incident, department)
    categories: list[str] = field(default_factory=list)
    window_start: int | None = None
    max_id: int = 0
    pending: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # unsettled last time
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)  # number, title of unsettled incidents
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def clear(self) -> None:
        with self._lock:
            self.rows, self.window_start, self.max_id = _Rows.empty(), None, 0
            self.links = np.empty((0, 2), dtype=np.int64)
            self.pending = np.empty(0, dtype=np.int64)

    # -- reading -------------------------------------------------------------------------------
    def update(self, conn: Connection, window_start: int) -> _Rows:
        """Bring the window up to date; returns the unsettled incidents of any age (read just now)."""
        with self._lock:
            if self.window_start is None or window_start < self.window_start:
                self._load(conn, window_start)
            # by status (index equality, no long parameter lists: SQLAlchemy's cost is per parameter)
            unsettled = self._columns([r for status in _UNSETTLED
                                       for r in _tuples(conn, select(*_COLUMNS).where(T.c.status == status))])
            unsettled = unsettled.take(np.argsort(unsettled.id, kind="stable"))
            settled_since = np.setdiff1d(self.pending, unsettled.id)  # few: those settled since the last time
            changed = _merge(unsettled, self._read_ids(conn, settled_since))
            fresh = self._read(conn, [T.c.id > self.max_id - ID_MARGIN])
            reread = np.union1d(changed.id, fresh.id)
            self._upsert(fresh)
            self._upsert(changed)
            links = [r for status in _UNSETTLED for r in _tuples(
                conn, select(L.c.incident_id, L.c.department_id).select_from(L.join(T, T.c.id == L.c.incident_id))
                .where(T.c.status == status))]
            links += self._links_of(conn, settled_since)
            links += _tuples(conn, select(L.c.incident_id, L.c.department_id)
                             .where(L.c.incident_id > self.max_id - ID_MARGIN))
            self.links = np.concatenate([self.links[~np.isin(self.links[:, 0], reread)], _pairs(set(links))])
            if len(self.rows):
                self.max_id = max(self.max_id, int(self.rows.id.max()))
            if len(fresh):
                self.max_id = max(self.max_id, int(fresh.id.max()))
            self._slide(window_start)
            live = changed.take(np.isin(changed.status, _UNSETTLED_CODES))
            fresh_live = fresh.take(np.isin(fresh.status, _UNSETTLED_CODES))
            live = _merge(live, fresh_live.take(~np.isin(fresh_live.id, live.id)))
            self.pending = live.id.copy()
            self.texts = {i: self.texts[i] for i in live.id.tolist() if i in self.texts}
            return live

    def _load(self, conn: Connection, window_start: int) -> None:
        self.rows = self._read(conn, [type_coerce(T.c.created_at, Integer) >= window_start])
        self.window_start = window_start
        self.max_id = int(conn.execute(select(T.c.id).order_by(T.c.id.desc()).limit(1)).scalar() or 0)
        links = conn.execute(select(L.c.incident_id, L.c.department_id)
                             .select_from(L.join(T, T.c.id == L.c.incident_id))
                             .where(type_coerce(T.c.created_at, Integer) >= window_start)).all()
        self.links = _pairs(links)
        self.pending = np.empty(0, dtype=np.int64)

    def _read(self, conn: Connection, conds: list) -> _Rows:
        return self._columns(_tuples(conn, select(*_COLUMNS).where(*conds).order_by(T.c.id)))

    def _read_ids(self, conn: Connection, ids: np.ndarray) -> _Rows:
        rows = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK].tolist()
            rows += _tuples(conn, select(*_COLUMNS).where(T.c.id.in_(bindparam("ids", chunk, expanding=True))))
        rows.sort(key=lambda r: r[0])
        return self._columns(rows)

    def _columns(self, rows) -> _Rows:
        if not rows:
            return _Rows.empty()
        codes = {c: i for i, c in enumerate(self.categories)}
        for row in rows:
            if row[7] not in codes:
                codes[row[7]] = len(self.categories)
                self.categories.append(row[7])
        cols = list(zip(*rows))
        for r in rows:  # number and title: only for the few that may be listed (unsettled ones)
            if r[5] in _UNSETTLED:
                self.texts[r[0]] = (r[11], r[12])

        def ints(values, none=-1):
            return np.array([none if v is None else v for v in values], dtype=np.int64)
        return _Rows(ints(cols[0]), ints(cols[1]), ints(cols[2]), ints(cols[3]), ints(cols[4]),
                     np.array([_STATUS_CODE[s] for s in cols[5]], dtype=np.int64),
                     np.array([_SOURCE_CODE.get(s, -1) for s in cols[6]], dtype=np.int64),
                     np.array([codes[c] for c in cols[7]], dtype=np.int64), ints(cols[8]), ints(cols[9], 0),
                     np.array([bool(v) for v in cols[10]], dtype=bool))

    def _upsert(self, new: _Rows) -> None:
        """Put re-read rows in place (their columns overwritten) and append the new ones inside the window."""
        if not len(new):
            return
        old = self.rows
        pos = np.searchsorted(old.id, new.id)
        found = (pos < len(old)) & (old.id[np.minimum(pos, len(old) - 1)] == new.id) if len(old) else \
            np.zeros(len(new), dtype=bool)
        if found.any():
            at, src = pos[found], np.flatnonzero(found)
            for f in _FIELDS:
                getattr(old, f)[at] = getattr(new, f)[src]
        added = new.take(~found & (new.created >= (self.window_start or 0)))
        if len(added):
            if len(old) and added.id[0] < old.id[-1]:
                self.rows = _merge(old, added)
            else:
                self.rows = _Rows(*(np.concatenate([getattr(old, f), getattr(added, f)]) for f in _FIELDS))

    def _links_of(self, conn: Connection, ids: np.ndarray) -> list:
        rows = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK].tolist()
            rows += _tuples(conn, select(L.c.incident_id, L.c.department_id).where(
                L.c.incident_id.in_(bindparam("ids", chunk, expanding=True))))
        return rows

    def _slide(self, window_start: int) -> None:
        if self.window_start is not None and window_start > self.window_start:
            self.rows = self.rows.take(self.rows.created >= window_start)
            self.window_start = window_start
        # links of incidents neither in the window nor unsettled are dropped at the next cold load (few, harmless)


def _tuples(conn: Connection, stmt) -> list[tuple]:
    """The rows of ``stmt`` as the driver's plain tuples, not SQLAlchemy ``Row`` objects.

    The console collects garbage on the GUI thread only (console/gui/garbage.py), so every container a
    reader thread keeps alive for a while is traversed there: the ``Row`` objects of a refresh (two
    containers each, never untracked) made young collections that blocked the GUI thread for 60-96 ms at city
    scale.  A tuple of numbers and texts is untracked at its first collection.  (The columns read here are
    plain integers and texts on both databases, so SQLAlchemy's result processing has nothing to do; the
    fetch goes through the result's own strategy, as the queue's CSV export does.)
    """
    result = conn.execute(stmt)
    try:
        return result.cursor_strategy.fetchall(result, result.cursor)
    finally:
        result.close()


def _merge(a: _Rows, b: _Rows) -> _Rows:
    if not len(b):
        return a
    if not len(a):
        return b
    merged = _Rows(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in _FIELDS))
    return merged.take(np.argsort(merged.id, kind="stable"))


def _midnight(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def read_dashboard(source: Store | Connection, now: datetime, scope: DashboardScope = DashboardScope(),
                   cache: DashboardCache | None = None, policy: RedLightPolicy = RedLightPolicy()) -> Dashboard:
    """All the dashboard's figures for ``scope`` at ``now`` (an aware datetime; its time zone decides
    where days start).  Pass the same ``cache`` every time to make refreshes cheap; without one the
    window is read in full."""
    if isinstance(source, Store):
        with source.engine.connect() as conn:
            return read_dashboard(conn, now, scope, cache, policy)
    conn = source
    cache = cache if cache is not None else DashboardCache()
    today = _midnight(now)
    day_starts = tuple(to_epoch(today - timedelta(days=k)) for k in range(TREND_DAYS - 1, -1, -1))
    villages = conn.execute(select(V.c.id, V.c.town_id, V.c.name_zh, V.c.name_en, V.c.lon, V.c.lat)
                            .order_by(V.c.id)).all()
    departments = conn.execute(select(D.c.id, D.c.town_id, D.c.name_zh, D.c.name_en, D.c.assessment)
                               .order_by(D.c.id)).all()
    with cache._lock:  # the columns are updated in place: figures and update never overlap
        live = cache.update(conn, day_starts[0])
        return _figures(cache, live, now, scope, day_starts, villages, departments, policy)


def _figures(cache: DashboardCache, live: _Rows, now: datetime, scope: DashboardScope, day_starts, villages,
             departments, policy: RedLightPolicy) -> Dashboard:
    t_now = to_epoch(now)
    if scope.village_id is not None:
        in_scope_villages = [v for v in villages if v.id == scope.village_id]
    elif scope.town_id is not None:
        in_scope_villages = [v for v in villages if v.town_id == scope.town_id]
    else:
        in_scope_villages = list(villages)
    scoped = scope.village_id is not None or scope.town_id is not None
    scope_ids = np.array([v.id for v in in_scope_villages], dtype=np.int64)

    def in_scope(rows: _Rows) -> _Rows:
        return rows.take(np.isin(rows.village, scope_ids)) if scoped else rows

    rows, live = in_scope(cache.rows), in_scope(live)
    period_start = t_now - PERIOD_DAYS * 86400
    red_start = to_epoch(now - RED_LIGHT_WINDOW)
    period = rows.take(rows.created >= period_start)

    # per hour, the last 24 (the current hour last)
    hour0 = t_now - t_now % 3600 - (HOURS - 1) * 3600
    hour_starts = tuple(hour0 + 3600 * k for k in range(HOURS))
    reported_h = np.bincount(((rows.created[rows.created >= hour0] - hour0) // 3600), minlength=HOURS)[:HOURS]
    res = rows.resolved[(rows.resolved >= hour0) & (rows.resolved <= t_now)]
    handled_h = np.bincount((res - hour0) // 3600, minlength=HOURS)[:HOURS]

    edges = np.array(day_starts + (to_epoch(_midnight(now) + timedelta(days=1)),))
    day_of = np.searchsorted(edges, rows.created, side="right") - 1
    per_day = np.bincount(day_of[(day_of >= 0) & (day_of < TREND_DAYS)], minlength=TREND_DAYS)

    src_counts = np.bincount(period.source[period.source >= 0], minlength=len(SOURCES))
    cat_counts = np.bincount(period.category, minlength=len(cache.categories))
    categories = sorted(((cache.categories[i], int(n)) for i, n in enumerate(cat_counts) if n),
                        key=lambda cn: (-cn[1], cn[0]))

    closed_mask = period.status == _CLOSED
    received, closed = len(period), int(closed_mask.sum())
    rejected = int((period.status == _REJECTED).sum())
    close_s = (period.closed - period.created)
    avg_by_level, closed_by_level = {}, {}
    for level in (1, 2, 3, 4):
        m = closed_mask & (period.level == level)
        closed_by_level[level] = int(m.sum())
        avg_by_level[level] = float(close_s[m].mean()) if m.any() else None

    # open now (any age), overdue, one-key
    is_open = np.isin(live.status, _OPEN_CODES)
    open_rows = live.take(is_open)
    overdue_mask = open_rows.deadline < t_now
    overdue_rows = open_rows.take(overdue_mask)

    # villages over the red-light window
    recent = rows.take(rows.created >= red_start)
    recent_open = open_rows.take(open_rows.created >= red_start)
    reported_v = _count_by(recent.village)
    open_v = _count_by(recent_open.village)
    village_figs = []
    rule = RedLightBoard(clock=None, policy=policy)  # only its rule (is_red) is used: no clock needed
    for v in in_scope_villages:
        total, unresolved = reported_v.get(v.id, 0), open_v.get(v.id, 0)
        counts = VillageCounts(total, unresolved)
        village_figs.append(VillageFigures(v.id, v.name_zh, v.name_en, v.lon, v.lat, total, unresolved,
                                           counts.unresolved_share, rule.is_red(counts)))
    village_figs.sort(key=lambda f: (-f.unresolved_share, -f.open, f.id))

    # departments
    links = cache.links
    dept_figs = []
    period_ids, open_ids = period.id, overdue_rows.id
    in_period = links[np.isin(links[:, 0], period_ids)]
    pos = np.searchsorted(period_ids, in_period[:, 0])
    dept_closed = closed_mask[pos] if len(pos) else np.zeros(0, dtype=bool)
    dept_close_s = close_s[pos] if len(pos) else np.zeros(0, dtype=np.int64)
    overdue_links = links[np.isin(links[:, 0], open_ids)]
    size = max([d.id for d in departments], default=0) + 1
    dept_of = in_period[:, 1]
    received_d = np.bincount(dept_of, minlength=size)
    closed_d = np.bincount(dept_of[dept_closed], minlength=size)
    close_sum_d = np.bincount(dept_of[dept_closed], weights=dept_close_s[dept_closed], minlength=size)
    overdue_d = np.bincount(np.unique(overdue_links, axis=0)[:, 1], minlength=size) if len(overdue_links) else \
        np.zeros(size, dtype=np.int64)
    town_of_scope = scope.town_id
    if scope.village_id is not None:
        town_of_scope = in_scope_villages[0].town_id if in_scope_villages else -1
    for d in departments:
        if town_of_scope is not None and d.town_id != town_of_scope:
            continue
        n_closed = int(closed_d[d.id])
        dept_figs.append(DepartmentFigures(d.id, d.name_zh, d.name_en, d.assessment, int(received_d[d.id]), n_closed,
                                           int(overdue_d[d.id]),
                                           float(close_sum_d[d.id] / n_closed) if n_closed else None))

    def lines(r: _Rows, order) -> tuple[IncidentLine, ...]:
        out = []
        for k in order[:LATEST]:
            i = int(r.id[k])
            number, title = cache.texts.get(i, ("", ""))
            out.append(IncidentLine(i, number, title, int(r.created[k]), int(r.deadline[k]), STATUSES[r.status[k]],
                                    int(r.village[k]) or None))
        return tuple(out)
    one_key = open_rows.take(open_rows.source == _SOURCE_CODE[Source.ONE_KEY.value])
    denominator = received - rejected
    return Dashboard(
        at=now, scope=scope, period_start=period_start, red_light_start=red_start,
        hour_starts=hour_starts, reported_per_hour=tuple(int(x) for x in reported_h),
        handled_per_hour=tuple(int(x) for x in handled_h), day_starts=day_starts,
        new_per_day=tuple(int(x) for x in per_day),
        sources=tuple((s, int(src_counts[i])) for i, s in enumerate(SOURCES)), categories=tuple(categories),
        departments=tuple(dept_figs), villages=tuple(village_figs), received=received, closed=closed,
        rejected=rejected, closure_rate=closed / denominator if denominator else None,
        average_close_by_level=avg_by_level, closed_by_level=closed_by_level,
        open_now=len(open_rows), overdue_now=len(overdue_rows), one_key_open=len(one_key),
        new_today=int(per_day[-1]) if len(per_day) else 0,
        latest_one_key=lines(one_key, np.argsort(-one_key.created, kind="stable")),
        most_overdue=lines(overdue_rows, np.argsort(overdue_rows.deadline, kind="stable")))


def _pairs(rows) -> np.ndarray:
    """(incident, department) rows as an (n, 2) array (plain tuples: numpy is slow on Row objects)."""
    return np.array([(a, b) for a, b in rows], dtype=np.int64).reshape(-1, 2)


def _count_by(values: np.ndarray) -> dict[int, int]:
    ids, counts = np.unique(values, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))


# -- what a click on a figure shows in the queue --------------------------------------------------------

_OPEN_SET = frozenset(OPEN_STATUS_VALUES)


def figure_filter(dash: Dashboard, kind: str, key=None) -> QueueFilter:
    """The dispatch-queue filter that shows exactly the incidents behind one figure of ``dash``.

    ``kind`` names the figure, ``key`` the bar: ``hour``/``day`` (index into ``hour_starts``/``day_starts``),
    ``source``/``category`` (code), ``level`` (closed ones of that level), ``department``/``department_closed``/
    ``department_overdue`` (department id), ``village``/``village_open`` (village id), and the key figures
    ``received``, ``closed``, ``open``, ``overdue``, ``one_key``.  Exact for the whole store and for one
    village (the queue filters by one village, not by a town's set)."""
    flt = QueueFilter(village_id=dash.scope.village_id)
    period = flt.with_(created_from=dash.period_start)
    closed = frozenset({Status.CLOSED.value})
    if kind == "hour":
        return flt.with_(created_from=dash.hour_starts[key], created_to=dash.hour_starts[key] + 3600)
    if kind == "day":
        end = dash.day_starts[key + 1] if key + 1 < len(dash.day_starts) else \
            to_epoch(_midnight(dash.at) + timedelta(days=1))
        return flt.with_(created_from=dash.day_starts[key], created_to=end)
    if kind == "source":
        return period.with_(source=key)
    if kind == "category":
        return period.with_(category=key)
    if kind == "level":
        return period.with_(levels=frozenset({int(key)}), statuses=closed)
    if kind == "department":
        return period.with_(department_id=key)
    if kind == "department_closed":
        return period.with_(department_id=key, statuses=closed)
    if kind == "department_overdue":
        return flt.with_(department_id=key, statuses=_OPEN_SET, overdue_only=True)
    if kind == "village":
        return flt.with_(village_id=key, created_from=dash.red_light_start)
    if kind == "village_open":
        return flt.with_(village_id=key, created_from=dash.red_light_start, statuses=_OPEN_SET)
    if kind == "received":
        return period
    if kind == "closed":
        return period.with_(statuses=closed)
    if kind == "open":
        return flt.with_(statuses=_OPEN_SET)
    if kind == "overdue":
        return flt.with_(statuses=_OPEN_SET, overdue_only=True)
    if kind == "one_key":
        return flt.with_(statuses=_OPEN_SET, source=Source.ONE_KEY.value)
    raise ValueError(f"no such figure: {kind}")
