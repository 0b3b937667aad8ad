"""The figures of the monthly report: the dashboard's charts and tables over one calendar month.

One call, :func:`read_month`, returns a frozen :class:`MonthFigures` for the whole store, one town or
one village.  The month starts and ends at local midnight (``tz``, by default the workstation's time
zone, daylight saving included).  The incidents are read with the dashboard's columns
(:mod:`console.storage.dashboard`) and counted with numpy; no Qt.

Definitions (in the operator's terms; "now" is when the report is read):

* *received*: incidents reported in the month; *closed* / *rejected*: of those, the ones closed /
  rejected now; *closure rate*: closed ÷ (received − rejected) (the city's reference: 99.6 %);
* *open*: of the month's incidents, those still open now;
* *overdue*: of the month's incidents (rejected ones aside), those that missed their deadline: not
  resolved by it (resolved later, or not resolved and the deadline has passed);
* *average time to close*: ``closed_at − created_at`` of the month's closed incidents (per level too);
* per department: the month's incidents linked to it: received, closed, overdue, average time to close,
  and the town's A/B assessment;
* per village: the month's reported and still-open incidents, the unresolved share and the red light
  (:class:`~console.core.redlight.RedLightBoard`'s rule applied to the month's counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np
from sqlalchemy import Integer, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.clock import to_epoch
from console.core.redlight import RedLightBoard, RedLightPolicy, VillageCounts
from console.storage.dashboard import (_CLOSED, _OPEN_CODES, _REJECTED, REFERENCE_CLOSURE_RATE, SOURCES, D, L,
                                       DashboardCache, DashboardScope, DepartmentFigures, T, V, VillageFigures,
                                       _count_by, _pairs)
from console.storage.db import Store
from console.storage.models import Town

TW = Town.__table__
LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class MonthFigures:
    """Everything the monthly report shows.  Times are epoch seconds; counts are ints."""

    year: int
    month: int
    scope: DashboardScope
    read_at: int                              # "now" of the read: open, overdue and closed are as of then
    town_name_zh: str                         # empty for a store of several towns read as a whole
    town_name_en: str
    village_name_zh: str                      # empty unless the scope is one village
    village_name_en: str
    start: int                                # local midnight of the 1st
    end: int                                  # local midnight of the 1st of the next month
    day_starts: tuple[int, ...]               # one per day of the month
    new_per_day: tuple[int, ...]
    sources: tuple[tuple[str, int], ...]      # every source, in Source order
    categories: tuple[tuple[str, int], ...]   # categories with incidents, most first
    departments: tuple[DepartmentFigures, ...]
    villages: tuple[VillageFigures, ...]      # most unresolved share first
    received: int
    closed: int
    rejected: int
    open: int
    overdue: int
    closure_rate: float | None
    average_close_s: float | None
    average_close_by_level: dict[int, float | None]
    closed_by_level: dict[int, int]
    reference_closure_rate: float = REFERENCE_CLOSURE_RATE

    def place_name(self, lang: str) -> str:
        """The village's name for a village report, else the town's (empty for several towns)."""
        zh = lang.startswith("zh")
        if self.scope.village_id is not None:
            return self.village_name_zh if zh else self.village_name_en
        return self.town_name_zh if zh else self.town_name_en

    @property
    def red_villages(self) -> tuple[int, ...]:
        return tuple(v.id for v in self.villages if v.red)


def month_bounds(year: int, month: int, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Local midnight of the month's first day and of the next month's (aware datetimes)."""
    return _local(year, month, 1, tz), _local(year + month // 12, month % 12 + 1, 1, tz)


def _local(year: int, month: int, day: int, tz: tzinfo | None) -> datetime:
    if tz is None:  # the workstation's zone, with its offset on that very day (daylight saving)
        return datetime(year, month, day).astimezone()
    return datetime(year, month, day, tzinfo=tz)


def read_month(source: Store | Connection, year: int, month: int, village_id: int | None = None, *,
               town_id: int | None = None, tz: tzinfo | None = None, now: datetime | None = None,
               policy: RedLightPolicy = RedLightPolicy()) -> MonthFigures:
    """The month's figures for the whole store, one town (``town_id``) or one village (``village_id``).

    ``now`` (default: the current time) is when open, overdue and closed are judged."""
    if isinstance(source, Store):
        with source.engine.connect() as conn:
            return read_month(conn, year, month, village_id, town_id=town_id, tz=tz, now=now, policy=policy)
    conn = source
    if not 1 <= month <= 12:
        raise ValueError(f"no such month: {month}")
    t_now = to_epoch(now) if now is not None else int(datetime.now().timestamp())
    first, after = month_bounds(year, month, tz)
    start, end = to_epoch(first), to_epoch(after)
    n_days = (after.date() - first.date()).days
    day_starts = tuple(to_epoch(_local(year, month, 1 + k, tz)) for k in range(n_days))

    villages = conn.execute(select(V.c.id, V.c.town_id, V.c.name_zh, V.c.name_en, V.c.lon, V.c.lat)
                            .order_by(V.c.id)).all()
    departments = conn.execute(select(D.c.id, D.c.town_id, D.c.name_zh, D.c.name_en, D.c.assessment)
                               .order_by(D.c.id)).all()
    towns = conn.execute(select(TW.c.id, TW.c.name_zh, TW.c.name_en).order_by(TW.c.id)).all()
    village_row = None
    if village_id is not None:
        village_row = next((v for v in villages if v.id == village_id), None)
        if village_row is None:
            raise ValueError(f"no such village: {village_id}")
        town_id = village_row.town_id
        in_scope_villages = [village_row]
    elif town_id is not None:
        in_scope_villages = [v for v in villages if v.town_id == town_id]
    else:
        in_scope_villages = list(villages)
    town_row = next((t for t in towns if t.id == town_id), None) if town_id is not None else \
        (towns[0] if len(towns) == 1 else None)

    # the month's incidents (and their department links), scoped to the villages
    created = type_coerce(T.c.created_at, Integer)
    conds = [created >= start, created < end]
    if village_id is not None:
        conds.append(T.c.village_id == village_id)
    elif town_id is not None:
        conds.append(T.c.village_id.in_(select(V.c.id).where(V.c.town_id == town_id)))
    reader = DashboardCache()
    rows = reader._read(conn, conds)
    links = _pairs(conn.execute(select(L.c.incident_id, L.c.department_id)
                                .select_from(L.join(T, T.c.id == L.c.incident_id)).where(*conds)).all())

    # key figures
    closed_mask = rows.status == _CLOSED
    rejected_mask = rows.status == _REJECTED
    open_mask = np.isin(rows.status, _OPEN_CODES)
    overdue_mask = ~rejected_mask & np.where(rows.resolved >= 0, rows.resolved > rows.deadline,
                                             rows.deadline < t_now)
    close_s = rows.closed - rows.created
    received, closed, rejected = len(rows), int(closed_mask.sum()), int(rejected_mask.sum())
    avg_by_level, closed_by_level = {}, {}
    for level in LEVELS:
        m = closed_mask & (rows.level == level)
        closed_by_level[level] = int(m.sum())
        avg_by_level[level] = float(close_s[m].mean()) if m.any() else None

    # per day, source, category
    day_of = np.searchsorted(np.array(day_starts + (end,)), rows.created, side="right") - 1
    per_day = np.bincount(day_of[(day_of >= 0) & (day_of < n_days)], minlength=n_days)
    src_counts = np.bincount(rows.source[rows.source >= 0], minlength=len(SOURCES))
    cat_counts = np.bincount(rows.category, minlength=len(reader.categories))
    categories = sorted(((reader.categories[i], int(n)) for i, n in enumerate(cat_counts) if n),
                        key=lambda cn: (-cn[1], cn[0]))

    # villages
    reported_v, open_v = _count_by(rows.village), _count_by(rows.village[open_mask])
    rule = RedLightBoard(clock=None, policy=policy)  # only its rule (is_red) is used
    village_figs = []
    for v in in_scope_villages:
        counts = VillageCounts(reported_v.get(v.id, 0), open_v.get(v.id, 0))
        village_figs.append(VillageFigures(v.id, v.name_zh, v.name_en, v.lon, v.lat, counts.total,
                                           counts.unresolved, counts.unresolved_share, rule.is_red(counts)))
    village_figs.sort(key=lambda f: (-f.unresolved_share, -f.open, f.id))

    # departments (those stationed in the scope's town; all of them for the whole store)
    links = np.unique(links, axis=0) if len(links) else links
    pos = np.searchsorted(rows.id, links[:, 0])
    size = max([d.id for d in departments], default=0) + 1
    dept_of = links[:, 1]
    received_d = np.bincount(dept_of, minlength=size)
    closed_d = np.bincount(dept_of[closed_mask[pos]], minlength=size)
    close_sum_d = np.bincount(dept_of[closed_mask[pos]], weights=close_s[pos][closed_mask[pos]], minlength=size)
    overdue_d = np.bincount(dept_of[overdue_mask[pos]], minlength=size)
    dept_figs = []
    for d in departments:
        if town_id is not None and d.town_id != town_id:
            continue
        n_closed = int(closed_d[d.id])
        dept_figs.append(DepartmentFigures(d.id, d.name_zh, d.name_en, d.assessment, int(received_d[d.id]), n_closed,
                                           int(overdue_d[d.id]),
                                           float(close_sum_d[d.id] / n_closed) if n_closed else None))

    denominator = received - rejected
    return MonthFigures(
        year=year, month=month, scope=DashboardScope(town_id=town_id, village_id=village_id), read_at=t_now,
        town_name_zh=town_row.name_zh if town_row else "", town_name_en=town_row.name_en if town_row else "",
        village_name_zh=village_row.name_zh if village_row else "",
        village_name_en=village_row.name_en if village_row else "",
        start=start, end=end, day_starts=day_starts, new_per_day=tuple(int(x) for x in per_day),
        sources=tuple((s, int(src_counts[i])) for i, s in enumerate(SOURCES)), categories=tuple(categories),
        departments=tuple(dept_figs), villages=tuple(village_figs), received=received, closed=closed,
        rejected=rejected, open=int(open_mask.sum()), overdue=int(overdue_mask.sum()),
        closure_rate=closed / denominator if denominator else None,
        average_close_s=float(close_s[closed_mask].mean()) if closed else None,
        average_close_by_level=avg_by_level, closed_by_level=closed_by_level)


def previous_month(now: datetime) -> tuple[int, int]:
    """The calendar month before ``now``'s (local) month: what a report is usually made for."""
    first = now.replace(day=1) - timedelta(days=1)
    return first.year, first.month


@dataclass(frozen=True)
class VillageChoice:
    """A village the report can be made for (the dialog's scope list)."""

    id: int
    town_id: int
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


def village_choices(source: Store | Connection) -> list[VillageChoice]:
    """Every village, by town and code."""
    if isinstance(source, Store):
        with source.engine.connect() as conn:
            return village_choices(conn)
    rows = source.execute(select(V.c.id, V.c.town_id, V.c.name_zh, V.c.name_en).order_by(V.c.town_id, V.c.code))
    return [VillageChoice(*row) for row in rows]
