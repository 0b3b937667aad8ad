"""Queries behind the dispatch queue, built for millions of incidents.

The queue never loads the whole table: it counts the rows that match a
filter, then fetches pages by ``ORDER BY key, id LIMIT n OFFSET k``.  A page in
the second half of the result is fetched with the order reversed, so no
offset is ever larger than half the count.  Active one-key reports are
"pinned": fetched by a separate small query and shown first, whatever the
sort, so they always jump the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from sqlalchemy import Integer, Select, String, and_, bindparam, func, or_, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.clock import to_epoch
from console.core.workflow import OPEN_STATUS_VALUES, Status
from console.storage.models import Grid, Incident, Village, incident_departments

T = Incident.__table__
V = Village.__table__
G = Grid.__table__
L = incident_departments


class SortKey(str, Enum):
    """Columns the queue can be sorted by."""

    CREATED = "created"
    DEADLINE = "deadline"
    LEVEL = "level"
    STATUS = "status"
    CATEGORY = "category"
    VILLAGE = "village"
    SOURCE = "source"
    ASSIGNEE = "assignee"
    NUMBER = "number"


_SORT_COLUMNS = {
    SortKey.CREATED: T.c.created_at, SortKey.DEADLINE: T.c.deadline_at, SortKey.LEVEL: T.c.level,
    SortKey.STATUS: T.c.status, SortKey.CATEGORY: T.c.subitem, SortKey.VILLAGE: T.c.village_id,
    SortKey.SOURCE: T.c.source, SortKey.ASSIGNEE: T.c.assignee_text, SortKey.NUMBER: T.c.number,
}


@dataclass(frozen=True)
class QueueFilter:
    """What the operator has narrowed the queue to; empty fields do not filter."""

    statuses: frozenset[str] = frozenset()
    category: str | None = None
    subitem: str | None = None
    levels: frozenset[int] = frozenset()
    village_id: int | None = None
    source: str | None = None
    overdue_only: bool = False
    text: str = ""
    incident_ids: frozenset[int] = frozenset()
    #: Reported at or after / before these epoch seconds (a dashboard's day or hour, its period).
    created_from: int | None = None
    created_to: int | None = None
    #: Linked to this stationed department (incident_departments).
    department_id: int | None = None
    #: Assigned to this grid worker.
    worker_id: int | None = None

    def with_(self, **changes) -> "QueueFilter":
        return replace(self, **changes)


@dataclass(frozen=True)
class QueueSort:
    """Sort column and direction; ties are broken by id in the same direction."""

    key: SortKey = SortKey.CREATED
    descending: bool = True


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue, plain data the view can show without the database."""

    id: int
    number: str
    title: str
    created_at: int
    category: str
    subitem: str
    level: int
    village: str
    grid: str
    status: str
    assignee: str
    deadline_at: int
    source: str
    one_key: bool
    alarm_acknowledged: bool
    reminded: bool
    supervised: bool
    version: int


# Plain values as QueueRow declares them: epoch seconds (not the datetimes the ORM type would make),
# "" for a missing village or grid, and flags as booleans.
_ROW_COLUMNS = (T.c.id, T.c.number, T.c.title, type_coerce(T.c.created_at, Integer), T.c.category, T.c.subitem,
                T.c.level, func.coalesce(V.c.name_zh, ""), func.coalesce(G.c.name, ""), T.c.status,
                T.c.assignee_text, type_coerce(T.c.deadline_at, Integer), T.c.source, T.c.one_key,
                T.c.alarm_acknowledged_at.is_not(None), T.c.reminded_at.is_not(None),
                T.c.supervised_at.is_not(None), T.c.version)

_OPEN = list(OPEN_STATUS_VALUES)


def _conditions(flt: QueueFilter, now: datetime) -> list:
    conds = []
    if flt.statuses:
        conds.append(T.c.status.in_(sorted(flt.statuses)))
    if flt.subitem:
        conds.append(T.c.subitem == flt.subitem)
    elif flt.category:
        conds.append(T.c.category == flt.category)
    if flt.levels:
        conds.append(T.c.level.in_(sorted(flt.levels)))
    if flt.village_id is not None:
        conds.append(T.c.village_id == flt.village_id)
    if flt.worker_id is not None:
        conds.append(T.c.assignee_worker_id == flt.worker_id)
    if flt.source:
        conds.append(T.c.source == flt.source)
    if flt.overdue_only:
        conds.append(T.c.status.in_(sorted(set(_OPEN) & set(flt.statuses)) if flt.statuses else _OPEN))
        conds.append(T.c.deadline_at < to_epoch(now))
    if flt.incident_ids:
        conds.append(T.c.id.in_(sorted(flt.incident_ids)))
    if flt.created_from is not None:
        conds.append(T.c.created_at >= int(flt.created_from))
    if flt.created_to is not None:
        conds.append(T.c.created_at < int(flt.created_to))
    if flt.department_id is not None:
        # Among the few open incidents, probe the link table's key per incident; otherwise read the
        # department's links off its index (ix_incident_departments_department).
        if flt.overdue_only or (flt.statuses and flt.statuses <= frozenset(_OPEN)):
            conds.append(select(L.c.incident_id).where(L.c.incident_id == T.c.id,
                                                       L.c.department_id == flt.department_id).exists())
        else:
            conds.append(T.c.id.in_(select(L.c.incident_id).where(L.c.department_id == flt.department_id)))
    text = flt.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # ILIKE: case-insensitive in PostgreSQL as SQLite's LIKE already is ("fire" finds "Fire").
        conds.append(or_(*(column.ilike(pattern, escape="\\")
                           for column in (T.c.number, T.c.title, T.c.description, T.c.assignee_text))))
    return conds


@dataclass
class QueueQuery:
    """Counts and pages of the queue for one filter and sort; all methods take an open connection."""

    flt: QueueFilter = field(default_factory=QueueFilter)
    sort: QueueSort = field(default_factory=QueueSort)

    def count(self, conn: Connection, now: datetime) -> tuple[int, int]:
        """(pinned, unpinned) row counts."""
        conds = self._conditions(conn, now)
        statuses = self.flt.statuses
        if statuses and _CLOSED in statuses and not self.flt.overdue_only:
            # 99 % of incidents end closed: count everything and subtract the few that do not match.
            others = QueueQuery(self.flt.with_(statuses=_ALL - statuses), self.sort)
            everything = _conditions(self.flt.with_(statuses=frozenset()), now)
            total = _count(conn, everything) - (_count(conn, others._conditions(conn, now)) if others.flt.statuses
                                                else 0)
        else:
            total = _count(conn, conds)
        pinned_ids = _pinned_ids(conn)  # few: they need no help from the open ids
        pinned = _count(conn, [T.c.id.in_(pinned_ids), *_conditions(self.flt, now)]) if pinned_ids else 0
        return pinned, total - pinned

    def pinned(self, conn: Connection, now: datetime, limit: int = 500) -> list[QueueRow]:
        """Active one-key reports matching the filter, newest first."""
        pinned_ids = _pinned_ids(conn)
        if not pinned_ids:
            return []
        stmt = (self._select(now).where(T.c.id.in_(pinned_ids))
                .order_by(T.c.created_at.desc(), T.c.id.desc()).limit(limit))
        return [QueueRow(*r) for r in conn.execute(stmt)]

    def page(self, conn: Connection, now: datetime, offset: int, limit: int, total: int) -> list[QueueRow]:
        """Unpinned rows ``offset .. offset+limit`` in sort order (``total`` is the unpinned count)."""
        if offset < 0:  # rows before the first do not exist (and PostgreSQL refuses a negative OFFSET)
            limit, offset = limit + offset, 0
        if offset >= total or limit <= 0:
            return []
        limit = min(limit, total - offset)
        column, tie = _SORT_COLUMNS[self.sort.key], T.c.id
        if _sort_in_memory(conn, total):
            column, tie = _unindexed(column), _unindexed(tie)
        reverse = offset + limit / 2 > total / 2
        descending = self.sort.descending != reverse
        order = (column.desc(), tie.desc()) if descending else (column.asc(), tie.asc())
        start = total - offset - limit if reverse else offset
        stmt = (self._select(now, self._conditions(conn, now)).where(T.c.queue_rank != 0)
                .order_by(*order).limit(limit).offset(start))
        rows = [QueueRow(*r) for r in conn.execute(stmt)]
        if reverse:
            rows.reverse()
        return rows

    def _select(self, now: datetime, conds: list | None = None) -> Select:
        conds = _conditions(self.flt, now) if conds is None else conds
        return (select(*_ROW_COLUMNS).select_from(T.outerjoin(V, V.c.id == T.c.village_id)
                                                  .outerjoin(G, G.c.id == T.c.grid_id))
                .where(and_(True, *conds)))

    def _conditions(self, conn: Connection, now: datetime) -> list:
        """The filter's conditions; for open statuses narrowed further, also the ids of those incidents.

        Open incidents are few (a few thousand among millions) but SQLite's
        statistics only know that a status value covers 1/7 of the table, so
        given "open and category ENV" the planner walks the category's 400,000
        index entries.  Naming the open ids makes such queries cost what the
        open queue holds, however long the history.  (Open statuses alone are
        fine: the status index is then the only one that helps.)
        """
        flt = self.flt
        conds = _conditions(flt, now)
        narrowed = (flt.subitem or flt.category or flt.levels or flt.village_id is not None or flt.source
                    or flt.text.strip() or flt.created_from is not None or flt.created_to is not None
                    or flt.department_id is not None or flt.worker_id is not None)
        if flt.statuses and flt.statuses <= _OPEN_SET and narrowed:
            ids = _ids_in_statuses(conn, flt.statuses)
            if ids is not None:  # written into the SQL: thousands of bound parameters cost more
                conds.append(T.c.id.in_(bindparam("open_ids", ids, expanding=True, literal_execute=True)))
        return conds


def _sort_in_memory(conn: Connection, total: int) -> bool:
    """Whether a page of a ``total``-row result is cheaper sorted in memory than read in index order.

    Read in the sort column's order, a page of 200 costs about 200 × table / total
    rows visited (the matches are spread through the index); sorted in memory,
    about the ``total`` matching rows.  So sort in memory while total² ≤ 200 ×
    table.  The count says how selective the filter is, which SQLite's
    statistics cannot (they only know averages: "source = camera" looks like a
    fifth of the table when it is a thousandth); the table's size is its
    largest id.  See bench/RESULTS.md.
    """
    if total <= SORT_IN_MEMORY_AT_LEAST:
        return True
    largest_id = conn.execute(select(func.max(T.c.id))).scalar_one() or 0
    return total * total <= 200 * largest_id


#: Results this small are always sorted in memory.
SORT_IN_MEMORY_AT_LEAST = 1_000


def _unindexed(column):
    """The same sort key as an expression no index provides (``+ 0`` / ``|| ''``), so it is sorted in memory."""
    if isinstance(column.type, String):
        return column.concat("")
    return type_coerce(column, Integer) + 0


#: Listing more open incidents than this by id is not worth it (a backlog that large is a crisis).
_OPEN_IDS_UP_TO = 20_000
_ALL = frozenset(s.value for s in Status)
_OPEN_SET = frozenset(_OPEN)
_CLOSED = Status.CLOSED.value


def _count(conn: Connection, conds: list) -> int:
    return conn.execute(select(func.count()).select_from(T).where(and_(True, *conds))).scalar_one()


def _ids_in_statuses(conn: Connection, statuses: frozenset[str]) -> list[int] | None:
    """Ids of the incidents in ``statuses`` (open ones: few, read off the status index); None if too many."""
    ids = conn.execute(select(T.c.id).where(T.c.status.in_(sorted(statuses)))
                       .limit(_OPEN_IDS_UP_TO + 1)).scalars().all()
    return None if len(ids) > _OPEN_IDS_UP_TO else list(ids)


def _pinned_ids(conn: Connection) -> list[int]:
    """Ids of the active one-key reports, found through ix_incidents_rank alone.

    There are only ever a few, so the pinned queries select them by id: left to
    itself the planner would rather walk a filter's index (a category's
    400,000 rows at city scale) looking for them.
    """
    return list(conn.execute(select(T.c.id).where(T.c.queue_rank == 0)).scalars())


def open_counts_per_village(conn: Connection) -> dict[int, int]:
    """Per village id, how many incidents still need work (served by ix_incidents_status_village).

    One query per open status: with an equality on the status the planner always
    takes that index, whereas for ``status IN (…)`` its statistics (which cannot
    know that only a few thousand of 2.2 million incidents are open) make it
    scan a whole index instead.
    """
    counts: dict[int, int] = {}
    for status in _OPEN:
        rows = conn.execute(select(T.c.village_id, func.count()).where(T.c.status == status)
                            .group_by(T.c.village_id))
        for vid, n in rows:
            if vid is not None:
                counts[vid] = counts.get(vid, 0) + n
    return counts
