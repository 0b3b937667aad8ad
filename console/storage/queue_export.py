"""Export what the dispatch queue shows as a CSV file, streamed: a million rows neither time out nor fill memory.

The rows are exactly the queue's, in the queue's order: the active one-key reports that match the
filter first (newest first, as the queue pins them), then every other matching incident in the
current sort, ties broken by id in the same direction (:class:`console.storage.queue.QueueQuery`).

One ``SELECT`` is streamed through the driver's cursor (a server-side cursor on PostgreSQL, SQLite's lazy
stepping) and written batch by batch, so memory holds one batch whatever the size of the result.  The
lines are made as UTF-8 bytes straight from the driver's (:mod:`console.storage.csv_lines`: SQLite hands
its texts over undecoded), joined by hand rather than by :mod:`csv`, which doubles the cost of a million
rows.  A large export from a SQLite file is written in two parts at once: the rows from ``OFFSET k`` on
by a helper process on the other core (:mod:`console.storage.queue_export_part`), both parts reading
the same snapshot of the database, the helper's part appended when both are done; the file is the same
byte for byte.  The text goes to a temporary file next to the target, renamed over it only when complete:
a cancelled or failed export leaves no half file (and no helper running).  UTF-8 with a byte-order
mark, so Excel opens the Chinese text correctly.

Qt-free: the caller supplies the display names (:class:`ExportNames`) in the console's language and a
:class:`console.tasks.TaskState` for progress and cancellation; the GUI runs it off its thread.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, Integer, String, and_, cast, func, literal, select, type_coerce

from console.atomic_file import replaced_atomically
from console.core.clock import to_epoch
from console.core.workflow import OPEN_STATUS_VALUES
from console.storage.csv_lines import PLACE_FACTOR, LineFormat, batch_lines_maker, text_cell
from console.storage.csv_lines import whole_hour_zone as _whole_hour_zone
from console.storage.db import Store
from console.storage.queue import _SORT_COLUMNS, G, T, V, QueueFilter, QueueQuery, QueueSort, _unindexed
from console.storage.queue_export_part import PartFailed, PartProcess
from console.tasks import TaskState

log = logging.getLogger(__name__)

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
    #: The peak resident memory of the helper process that wrote the second part (0: none did).
    helper_peak_rss_kb: int = 0


def _epoch(column):
    """A time column as the stored epoch seconds (no datetime per value)."""
    return type_coerce(column, Integer)


def export_queue_csv(store: Store, flt: QueueFilter, sort: QueueSort, now: datetime, path: str | os.PathLike,
                     names: ExportNames = ExportNames(), state: TaskState | None = None,
                     batch: int = BATCH, parts: int | None = None) -> ExportResult:
    """Write the queue for ``flt`` and ``sort`` at ``now`` to ``path`` (CSV, UTF-8 with BOM, CRLF lines).

    ``parts``: 2 writes the second part of the rows in a helper process (:mod:`.queue_export_part`; SQLite
    files only), 1 writes everything here; None (the default) takes the helper for :data:`TWO_PARTS_FROM`
    rows or more on a machine with two cores or more.  The file is the same either way.

    Raises :class:`console.tasks.Cancelled` when ``state`` is interrupted; then, as after any failure,
    ``path`` is untouched and no temporary file is left (nor a helper process).
    """
    state = state or TaskState()
    target = Path(path)
    query = QueueQuery(flt, sort)
    now_s = to_epoch(now)
    database = store.engine.url.database if store.engine.dialect.name == "sqlite" else None
    can_split = bool(database) and database != ":memory:" and "mode=memory" not in database and parts != 1

    written = helper_rss = 0
    helper: PartProcess | None = None
    with replaced_atomically(target) as temp_name:
        try:
            with open(temp_name, "wb") as out, store.engine.connect() as conn:
                out.write(b"\xef\xbb\xbf" + b",".join(text_cell(h) for h in names.headers) + b"\r\n")
                state.set_progress(0.0)
                if can_split and (parts == 2 or (os.cpu_count() or 1) >= 2):
                    helper = PartProcess()  # starts while the rows are counted
                    if parts != 2 and sum(query.count(conn, now)) < TWO_PARTS_FROM:
                        helper.close()
                        helper = None
                if helper is not None:
                    try:
                        _one_snapshot(conn, database, helper, state)
                    except PartFailed as exc:  # then this thread writes everything
                        log.warning("CSV export without its helper process: %s", exc)
                        helper.close()
                        helper = None
                _pinned_count, unpinned = query.count(conn, now)  # again: in the snapshot both parts read
                pinned_ids = [row.id for row in query.pinned(conn, now)]  # as many as the queue pins
                total = len(pinned_ids) + unpinned
                conds = query._conditions(conn, now)
                fmt = _line_format(conn, names, now_s)
                lines_of = batch_lines_maker(fmt)

                column, tie = _SORT_COLUMNS[sort.key], T.c.id
                if conn.dialect.name == "sqlite" and unpinned:
                    largest_id = conn.execute(select(func.max(T.c.id))).scalar_one() or 0
                    if unpinned < _SORT_IN_MEMORY_BELOW * largest_id:
                        column, tie = _unindexed(column), _unindexed(tie)
                order = (column.desc(), tie.desc()) if sort.descending else (column.asc(), tie.asc())
                stmt = select(*_COLUMNS).where(and_(True, *conds), T.c.queue_rank != 0).order_by(*order)

                with _texts_as_bytes(conn) as fetch_batches:
                    if pinned_ids:
                        rows = conn.execute(select(T.c.id, *_COLUMNS).where(T.c.id.in_(pinned_ids))).all()
                        by_id = {r[0]: tuple(r[1:]) for r in rows}
                        rows = _as_bytes(conn, [by_id[i] for i in pinned_ids if i in by_id])
                        if rows:
                            out.write(lines_of(rows))
                        written += len(rows)

                    if helper is not None:
                        first = _first_part(unpinned)
                        helper.start(*_driver_sql(conn, stmt.offset(first)), fmt, batch,
                                     Path(temp_name + ".2"))
                        stmt = stmt.limit(first)
                    for chunk in fetch_batches(stmt, batch):
                        state.check()
                        out.write(lines_of(chunk))
                        written += len(chunk)
                        done = written + (helper.poll() if helper is not None else 0)
                        state.set_progress(done / total if total else 1.0)
                if helper is not None:
                    while not helper.done:
                        state.check()
                        done = written + helper.poll(0.1)
                        state.set_progress(done / total if total else 1.0)
                    helper.append_to(out)
                    written += helper.rows
                    helper_rss = helper.peak_rss_kb
        finally:
            if helper is not None:
                helper.close()
        state.check()
    state.set_progress(1.0)
    return ExportResult(target, written, helper_rss)


#: From this many rows on (and on two cores or more) a SQLite export writes its second part in a helper
#: process.  Two parts cost ~20-40 % more CPU in all (the helper's start, the rows it steps over, two
#: processes sharing the caches), a fixed ~0.3 s for 100,000 rows: worth it for large exports only.
TWO_PARTS_FROM = 200_000
#: The export's own thread takes this share of the rows (the pinned ones are also its): the helper also
#: steps over the first part's rows (~0.6 µs each against ~10 µs per row written) and starts later.
_FIRST_PART_SHARE = 0.52

# The five coded columns travel as one text (``closed|ENV|ENV02|worker_app|2``), which maps to its five
# cells with one look-up: fewer values to convert per row, and a few thousand combinations at most.
# Likewise village and grid travel as one number, mapped to both cells by one look-up.  (Village and
# grid names come from small look-up tables read once, not from a join per row: the joins cost more
# than the rest of the query on SQLite.)
_COLUMNS = (T.c.number, T.c.title,
            T.c.status + "|" + T.c.category + "|" + T.c.subitem + "|" + T.c.source + "|" + cast(T.c.level, String),
            cast(func.coalesce(T.c.village_id, 0), BigInteger) * literal(PLACE_FACTOR, BigInteger)
            + func.coalesce(T.c.grid_id, 0),
            T.c.reporter, T.c.assignee_text,
            _epoch(T.c.created_at), _epoch(T.c.deadline_at), _epoch(T.c.resolved_at), _epoch(T.c.closed_at))


def _first_part(unpinned: int) -> int:
    return max(1, int(unpinned * _FIRST_PART_SHARE))


def _one_snapshot(conn, database: str, helper: PartProcess, state: TaskState) -> None:
    """Open a read transaction on ``conn`` and have ``helper`` open its own on the same state of the
    database: no write can commit in between, as this holds the write lock meanwhile."""
    lock = sqlite3.connect(database, timeout=10, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
        conn.exec_driver_sql("BEGIN")  # ended by the connection's rollback when it goes back to the pool
        conn.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").all()
        helper.snapshot(database, state.check)
    finally:
        lock.close()  # rolls back: writers go on


@contextlib.contextmanager
def _texts_as_bytes(conn):
    """A function streaming a statement's rows in batches, texts as UTF-8 bytes: on SQLite the driver's own
    (``text_factory=bytes``, restored afterwards), elsewhere encoded."""
    if conn.dialect.name != "sqlite":
        def encoded_batches(stmt, batch: int):
            for chunk in _plain_batches(conn, stmt, batch):
                yield _as_bytes(conn, chunk)
        yield encoded_batches
        return
    raw = conn.connection.dbapi_connection
    raw.text_factory = bytes
    try:
        def driver_batches(stmt, batch: int):
            sql, params = _driver_sql(conn, stmt)
            cursor = raw.execute(sql, params)
            try:
                while chunk := cursor.fetchmany(batch):
                    yield chunk
            finally:
                cursor.close()
        yield driver_batches
    finally:
        raw.text_factory = str


def _plain_batches(conn, stmt, batch: int):
    # stream_results: a server-side cursor on PostgreSQL.  The rows are taken as the driver's plain tuples
    # from the result's fetch strategy (which first hands over the row it buffered ahead): SQLAlchemy's Row
    # objects would double the cost of a million rows.  (tests/storage/test_queue_export.py checks every
    # row on both databases, should that internal API change.)
    result = conn.execution_options(stream_results=True).execute(stmt)
    fetch = functools.partial(result.cursor_strategy.fetchmany, result, result.cursor, batch)
    try:
        while chunk := fetch():
            yield chunk
    finally:
        result.close()


def _as_bytes(conn, rows: list) -> list:
    """Rows with their texts as UTF-8 bytes (already so from SQLite's driver inside :func:`_texts_as_bytes`)."""
    if conn.dialect.name == "sqlite":
        return rows
    return [(number.encode(), title.encode(), codes.encode(), place, reporter.encode(), assignee.encode(), *times)
            for number, title, codes, place, reporter, assignee, *times in rows]


def _driver_sql(conn, stmt) -> tuple[str, tuple]:
    """``stmt`` as the SQLite driver's SQL text and positional parameters."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    processors = compiled._bind_processors
    return str(compiled), tuple(processors[name](params[name]) if name in processors else params[name]
                                for name in compiled.positiontup)


def _line_format(conn, names: ExportNames, now: int) -> LineFormat:
    zh = names.lang.startswith("zh")
    return LineFormat(
        villages={vid: text_cell(zh_name if zh or not en_name else en_name)
                  for vid, zh_name, en_name in conn.execute(select(V.c.id, V.c.name_zh, V.c.name_en)).all()},
        grids={gid: text_cell(name) for gid, name in conn.execute(select(G.c.id, G.c.name)).all()},
        statuses=dict(names.statuses), levels=dict(names.levels), sources=dict(names.sources),
        categories=dict(names.categories), subitems=dict(names.subitems),
        yes=text_cell(names.yes), no=text_cell(names.no), now=now, open_statuses=tuple(OPEN_STATUS_VALUES),
        whole_hours=_whole_hour_zone(now))
