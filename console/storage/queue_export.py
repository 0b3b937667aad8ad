"""Export what the dispatch queue shows as a CSV file, streamed: a million rows neither time out nor fill memory.

The rows are exactly the queue's, in the queue's order: the active one-key reports that match the
filter first (newest first, as the queue pins them), then every other matching incident in the
current sort, ties broken by id in the same direction (:class:`console.storage.queue.QueueQuery`).

One ``SELECT`` is streamed through the driver's cursor (``stream_results``: a server-side cursor on
PostgreSQL, SQLite's lazy stepping) and written batch by batch, so memory holds one batch whatever the
size of the result, and the file is one consistent snapshot.  The lines are joined by hand rather than
by :mod:`csv` (which doubles the cost of a million rows): free text is quoted as RFC 4180 says, and a
cell that Excel would take for a formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe; a batch
whose texts need neither (the usual case) is checked once, in C, instead of cell by cell.
The text goes to a temporary file next to the target, renamed over it only when complete: a cancelled
or failed export leaves no half file.  UTF-8 with a byte-order mark, so Excel opens the Chinese text
correctly.

Qt-free: the caller supplies the display names (:class:`ExportNames`) in the console's language and a
:class:`console.tasks.TaskState` for progress and cancellation; the GUI runs it off its thread.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, Integer, String, and_, cast, func, literal, select, type_coerce

from console.atomic_file import replaced_atomically
from console.core.clock import to_epoch
from console.core.workflow import OPEN_STATUS_VALUES
from console.storage.db import Store
from console.storage.queue import _SORT_COLUMNS, G, T, V, QueueFilter, QueueQuery, QueueSort, _unindexed
from console.tasks import TaskState

#: The columns, in file order (the header texts come from :attr:`ExportNames.headers`, same order).
COLUMNS = ("number", "title", "status", "level", "category", "subitem", "source", "village", "grid", "reporter",
           "assignee", "reported_at", "deadline_at", "resolved_at", "closed_at", "overdue")

#: Rows fetched from the cursor and written per batch (also how often progress and cancellation are checked).
BATCH = 5_000

#: A result smaller than this share of the table is sorted by the database in memory (or its temporary
#: files) rather than read in the sort index's order, which would visit the whole table (SQLite only; the
#: PostgreSQL planner knows better).
_SORT_IN_MEMORY_BELOW = 0.1


@dataclass(frozen=True)
class ExportNames:
    """Display names in the console's language; a code without a name is written as it is."""

    headers: Sequence[str] = COLUMNS
    statuses: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[int, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)
    subitems: Mapping[str, str] = field(default_factory=dict)
    yes: str = "yes"
    no: str = ""
    #: Village names in Chinese (``zh…``) or English (falling back to Chinese where a village has none).
    lang: str = "zh_CN"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int


class _TimeFormatter:
    """Epoch seconds → local ``YYYY-MM-DD HH:MM``, fast: a million rows cannot each afford a ``strftime``.

    The ``YYYY-MM-DD HH:`` prefix is cached per hour (a year is 8,760 entries) and the minutes are
    appended, which is exact wherever the local offset from UTC is whole hours at that time; hours
    where it is not (India's +5:30, say) are formatted one by one.
    """

    def __init__(self):
        self._hours: dict[int, str | None] = {}

    def __call__(self, seconds: int | None) -> str:
        if seconds is None:
            return ""
        hour, rest = divmod(seconds, 3600)
        prefix = self._hours.get(hour, _UNKNOWN)
        if prefix is _UNKNOWN:
            start = datetime.fromtimestamp(hour * 3600)
            prefix = self._hours[hour] = start.strftime("%Y-%m-%d %H:") if start.minute == 0 else None
        if prefix is None:
            return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")
        return prefix + _MINUTES[rest // 60]


def _epoch(column):
    """A time column as the stored epoch seconds (no datetime per value)."""
    return type_coerce(column, Integer)


_UNKNOWN = object()
_MINUTES = tuple(f"{m:02d}" for m in range(60))
#: A free-text cell starting with one of these is a formula to Excel: it gets a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A free-text value as a CSV cell: quoted when it holds a quote, comma or line break; never a formula."""
    if not text:
        return text
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


#: In a batch's texts joined by commas: what a cell that needs quoting or an apostrophe would show.
_NEEDS_CELL = ('"', "\n", "\r", ",=", ",+", ",-", ",@", ",\t")


def _are_cells(texts: list[str]) -> bool:
    """Whether each of ``texts`` is its own CSV cell, as :func:`_cell` would leave it: checked on the texts
    joined, in C, which for a batch costs far less than one :func:`_cell` call per row."""
    joined = "," + ",".join(texts)
    return joined.count(",") == len(texts) and not any(mark in joined for mark in _NEEDS_CELL)


def _with_cells(row: tuple) -> tuple:
    """A selected row with its free texts (number, title, reporter, assignee) as CSV cells."""
    number, title, codes, place, reporter, assignee, *times = row
    return (_cell(number), _cell(title), codes, place, _cell(reporter), _cell(assignee), *times)


def export_queue_csv(store: Store, flt: QueueFilter, sort: QueueSort, now: datetime, path: str | os.PathLike,
                     names: ExportNames = ExportNames(), state: TaskState | None = None,
                     batch: int = BATCH) -> ExportResult:
    """Write the queue for ``flt`` and ``sort`` at ``now`` to ``path`` (CSV, UTF-8 with BOM, CRLF lines).

    Raises :class:`console.tasks.Cancelled` when ``state`` is interrupted; then, as after any failure,
    ``path`` is untouched and no temporary file is left.
    """
    state = state or TaskState()
    target = Path(path)
    query = QueueQuery(flt, sort)
    # Village and grid names come from small look-up tables read once, not from a join per row
    # (the joins cost more than the rest of the query on SQLite).
    # The five coded columns travel as one text (``closed|ENV|ENV02|worker_app|2``), which maps to its
    # five cells with one look-up: fewer values to convert per row, and a few thousand combinations at most.
    codes = (T.c.status + "|" + T.c.category + "|" + T.c.subitem + "|" + T.c.source + "|"
             + cast(T.c.level, String))
    # Likewise village and grid travel as one number, mapped to both cells by one look-up.
    place = (cast(func.coalesce(T.c.village_id, 0), BigInteger) * literal(_PLACE_FACTOR, BigInteger)
             + func.coalesce(T.c.grid_id, 0))
    columns = (T.c.number, T.c.title, codes, place, T.c.reporter, T.c.assignee_text,
               _epoch(T.c.created_at), _epoch(T.c.deadline_at), _epoch(T.c.resolved_at), _epoch(T.c.closed_at))

    written = 0
    with replaced_atomically(target) as temp_name:
        with open(temp_name, "wb") as out, store.engine.connect() as conn:
            out.write(("\ufeff" + ",".join(_cell(h) for h in names.headers) + "\r\n").encode("utf-8"))
            state.set_progress(0.0)
            _pinned_count, unpinned = query.count(conn, now)
            pinned_ids = [row.id for row in query.pinned(conn, now)]  # as many as the queue pins
            total = len(pinned_ids) + unpinned
            conds = query._conditions(conn, now)
            lines_of = _lines_maker(conn, names, to_epoch(now))

            if pinned_ids:
                rows = conn.execute(select(T.c.id, *columns).where(T.c.id.in_(pinned_ids))).all()
                by_id = {r[0]: tuple(r[1:]) for r in rows}
                rows = [by_id[i] for i in pinned_ids if i in by_id]
                if rows:
                    out.write(lines_of(rows).encode("utf-8"))
                written += len(rows)

            column, tie = _SORT_COLUMNS[sort.key], T.c.id
            if conn.dialect.name == "sqlite" and unpinned:
                largest_id = conn.execute(select(func.max(T.c.id))).scalar_one() or 0
                if unpinned < _SORT_IN_MEMORY_BELOW * largest_id:
                    column, tie = _unindexed(column), _unindexed(tie)
            order = (column.desc(), tie.desc()) if sort.descending else (column.asc(), tie.asc())
            stmt = select(*columns).where(and_(True, *conds), T.c.queue_rank != 0).order_by(*order)
            # stream_results: a server-side cursor on PostgreSQL (SQLite steps lazily anyway).  The rows
            # are taken as the driver's plain tuples from the result's fetch strategy (which first hands
            # over the row it buffered ahead): SQLAlchemy's Row objects would double the cost of a million
            # rows.  SQLAlchemy still compiles and binds the statement.  (tests/storage/test_queue_export.py
            # checks every row on both databases, should that internal API change.)
            result = conn.execution_options(stream_results=True).execute(stmt)
            fetch = functools.partial(result.cursor_strategy.fetchmany, result, result.cursor, batch)
            try:
                while chunk := fetch():
                    state.check()
                    out.write(lines_of(chunk).encode("utf-8"))
                    written += len(chunk)
                    state.set_progress(written / total if total else 1.0)
            finally:
                result.close()
        state.check()
    state.set_progress(1.0)
    return ExportResult(target, written)


def _lines_maker(conn, names: ExportNames, now: int):
    """A function from a batch of selected rows to their CSV lines (look-ups only: it runs a million times).

    The free texts go in as they are when the whole batch needs no quoting (the usual case), else the
    batch's rows get their cells first (:func:`_with_cells`): the line function itself never quotes."""
    zh = names.lang.startswith("zh")
    villages = {vid: _cell(zh_name if zh or not en_name else en_name)
                for vid, zh_name, en_name in conn.execute(select(V.c.id, V.c.name_zh, V.c.name_en)).all()}
    grids = {gid: _cell(name) for gid, name in conn.execute(select(G.c.id, G.c.name)).all()}
    # Plain dicts read with .get(): a dict subclass with __missing__ misses CPython's fast subscript
    # and costs more than the look-up saves.
    places: dict[int, str] = {}
    place_cells = functools.partial(_place_cells, places, villages, grids)
    coded: dict[str, str] = {}
    coded_cells = functools.partial(_coded_cells, coded, names)
    open_codes = tuple(status + "|" for status in OPEN_STATUS_VALUES)
    yes, no = _cell(names.yes), _cell(names.no)

    if not _whole_hour_zone(now):
        when = _TimeFormatter()

        def any_zone_line(r) -> str:
            number, title, codes, place, reporter, assignee, created, deadline, resolved, closed = r
            return ",".join((
                number, title, coded.get(codes) or coded_cells(codes), places.get(place) or place_cells(place),
                reporter, assignee, when(created), when(deadline), when(resolved), when(closed),
                yes if deadline < now and codes.startswith(open_codes) else no))
        return functools.partial(_batch_lines, any_zone_line)

    # The local offset is whole hours: a time is its UTC hour's "YYYY-MM-DD HH:" plus the minutes,
    # computed inline (four calls a row cost a third of the export).
    hours: dict[int, str] = {}
    minutes = _MINUTES

    def hour(h: int) -> str:
        prefix = hours[h] = datetime.fromtimestamp(h * 3600).strftime("%Y-%m-%d %H:")
        return prefix

    def line_of(r) -> str:
        number, title, codes, place, reporter, assignee, created, deadline, resolved, closed = r
        h, s = divmod(created, 3600)
        created = (hours.get(h) or hour(h)) + minutes[s // 60]
        h, s = divmod(deadline, 3600)
        due = (hours.get(h) or hour(h)) + minutes[s // 60]
        if resolved is None:
            resolved = ""
        else:
            h, s = divmod(resolved, 3600)
            resolved = (hours.get(h) or hour(h)) + minutes[s // 60]
        if closed is None:
            closed = ""
        else:
            h, s = divmod(closed, 3600)
            closed = (hours.get(h) or hour(h)) + minutes[s // 60]
        return ",".join((
            number, title, coded.get(codes) or coded_cells(codes), places.get(place) or place_cells(place),
            reporter, assignee, created, due, resolved, closed,
            yes if deadline < now and codes.startswith(open_codes) else no))

    return functools.partial(_batch_lines, line_of)


def _batch_lines(line_of: Callable[[tuple], str], rows: Sequence[tuple]) -> str:
    """The CSV lines of a batch of selected rows, each ending in CRLF; ``line_of`` formats one row whose
    free texts are already cells (as selected when no text of the batch needs quoting, the usual case)."""
    if not all(_are_cells([row[i] for row in rows]) for i in (0, 1, 4, 5)):
        rows = list(map(_with_cells, rows))
    return "\r\n".join(map(line_of, rows)) + "\r\n"


def _whole_hour_zone(now: int) -> bool:
    """Whether the local time zone is a whole number of hours from UTC now and half a year either side
    (China: always +8; a zone with daylight saving time is checked in both seasons)."""
    for at in (now, now - 183 * 86400, now + 183 * 86400):
        local = datetime.fromtimestamp(at)
        offset = local.astimezone().utcoffset()
        if offset is None or offset.total_seconds() % 3600:
            return False
    return True


#: ``village_id * _PLACE_FACTOR + grid_id`` is one row's place (0 for none).
_PLACE_FACTOR = 1 << 32


def _place_cells(cache: dict[int, str], villages: dict[int, str], grids: dict[int, str], place: int) -> str:
    """``village_id * 2**32 + grid_id`` → the village and grid cells (``"江桥村,第1网格"``), remembered in ``cache``."""
    village_id, grid_id = divmod(place, _PLACE_FACTOR)
    value = cache[place] = villages.get(village_id, "") + "," + grids.get(grid_id, "")
    return value


def _coded_cells(cache: dict[str, str], names: ExportNames, codes: str) -> str:
    """``status|category|subitem|source|level`` → the cells status, level, category, sub-item and source,
    remembered in ``cache`` (a few thousand combinations at most)."""
    status, category, subitem, source, level = codes.split("|")
    level_name = names.levels.get(int(level), level) if level.isdigit() else level
    value = cache[codes] = ",".join(_cell(str(text)) for text in (
        names.statuses.get(status, status), level_name, names.categories.get(category, category),
        names.subitems.get(subitem, subitem), names.sources.get(source, source)))
    return value
