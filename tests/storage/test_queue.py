"""The dispatch queue's queries agree with a brute-force filter and sort of every row.

A few dozen incidents with many ties (same creation time, same level, same
assignee ...) are checked for every filter field and every sort key in both
directions, page by page, including the pages in the second half of the
result, which the queue fetches in reverse order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

import pytest

from console.core.clock import to_epoch
from console.core.workflow import OPEN_STATUSES, Source, Status
from console.storage.db import open_store
from console.storage.models import Grid, Incident, Town, Village, Worker
from console.storage.queue import (QueueFilter, QueueQuery, QueueRow, QueueSort, SortKey,
                                   open_counts_per_village)

from .conftest import BACKENDS, START

NOW = START + timedelta(hours=30)
PAGE = 7
N_INCIDENTS = 61
SUBITEMS = {"CON01": "CON", "CON03": "CON", "DIS01": "DIS", "DIS05": "DIS", "FIR01": "FIR", "ENV02": "ENV"}
TITLES = ["屋顶违章搭建", "100% 完成率", "a_b 路段积水", "C:\\path 路径", "Fire at the mill", "fire drill",
          "FIRE lane blocked", "邻里纠纷", "50%_off 广告", "普通事件"]
ASSIGNEES = ["", "王小红", "李建国", "杨汛桥派出所、综合行政执法队", "综合行政执法队", "Zhang_San", "100%"]
OPEN = {s.value for s in OPEN_STATUSES}


@dataclass
class QueueDb:
    store: object
    rows: list[dict]       # every incident, as the brute force sees it
    village_ids: list[int]
    backend: str

    @property
    def nulls_first(self) -> bool:
        """Where NULL sorts in ascending order: first in SQLite, last in PostgreSQL."""
        return self.backend == "sqlite"


def _make_rows(village_ids, grid_of, worker_ids) -> list[dict]:
    rng = random.Random(20261129)
    times = [START + timedelta(hours=h) for h in (0, 0, 1, 3, 3, 3, 7, 12, 20, 29)]  # many ties
    sequence = rng.sample(range(1, 200), N_INCIDENTS)  # numbers not in id order
    rows = []
    for i in range(N_INCIDENTS):
        status = rng.choice(list(Status)).value
        source = rng.choice(list(Source)).value
        one_key = source == Source.ONE_KEY.value
        created = rng.choice(times)
        village = rng.choice(village_ids + [None])
        subitem = rng.choice(sorted(SUBITEMS))
        rows.append(dict(
            number=f"20261129-{sequence[i]:04d}",
            title=rng.choice(TITLES), description=rng.choice(["", "村口", "见附件 50%", "x_y"]),
            category=SUBITEMS[subitem], subitem=subitem, level=rng.randint(1, 4), source=source,
            village_id=village, grid_id=grid_of[village] if village is not None and rng.random() < .7 else None,
            created_at=created, deadline_at=created + rng.choice([timedelta(hours=2), timedelta(hours=24),
                                                                  timedelta(hours=72)]),
            status=status, one_key=one_key, queue_rank=0 if one_key and status in OPEN else 1,
            alarm_acknowledged_at=created + timedelta(minutes=1) if one_key and rng.random() < .5 else None,
            assignee_text=rng.choice(ASSIGNEES),
            reminded_at=NOW if rng.random() < .3 else None, supervised_at=NOW if rng.random() < .15 else None,
            assignee_worker_id=rng.choice(worker_ids + [None])))
    return rows


@pytest.fixture(scope="module", params=BACKENDS)
def queue_db(request, tmp_path_factory) -> QueueDb:
    backend = request.param
    if backend == "sqlite":
        url, cleanup = str(tmp_path_factory.mktemp("queue") / "queue.db"), None
    else:
        server = request.getfixturevalue("pg_server")
        name = server.create_database()
        url, cleanup = server.url(name), lambda: server.drop_database(name)
    store = open_store(url)
    with store.sessions.begin() as session:
        town = Town(code="T", name_zh="杨汛桥镇", name_en="Yangxunqiao")
        session.add(town)
        session.flush()
        villages = [Village(code=f"V{i}", town_id=town.id, name_zh=n, name_en=n, lon=0.0, lat=0.0)
                    for i, n in enumerate(["江桥村", "麒麟村", "杨汛桥社区"])]
        session.add_all(villages)
        session.flush()
        grids = [Grid(code=f"G{v.id}", village_id=v.id, name=f"{v.name_zh}一格", lon=0.0, lat=0.0)
                 for v in villages]
        session.add_all(grids)
        session.flush()
        workers = [Worker(code=f"W{i}", name=name, phone="13800000000", grid_id=grids[i].id)
                   for i, name in enumerate(["王小红", "李建国"])]
        session.add_all(workers)
        session.flush()
        worker_ids = [w.id for w in workers]
        village_ids = [v.id for v in villages]
        grid_of = {g.village_id: g.id for g in grids}
        names = {v.id: v.name_zh for v in villages}
        grid_names = {g.id: g.name for g in grids}
    rows = _make_rows(village_ids, grid_of, worker_ids)
    with store.sessions.begin() as session:
        incidents = [Incident(**row) for row in rows]
        session.add_all(incidents)
        session.flush()
        for row, incident in zip(rows, incidents):
            row.update(id=incident.id, version=incident.version,
                       village=names.get(row["village_id"], ""), grid=grid_names.get(row["grid_id"], ""))
    yield QueueDb(store, rows, village_ids, backend)
    store.dispose()
    if cleanup:
        cleanup()


# -- the brute force ------------------------------------------------------------------------------

def _matches(row: dict, flt: QueueFilter) -> bool:
    if flt.statuses and row["status"] not in flt.statuses:
        return False
    if flt.subitem:
        if row["subitem"] != flt.subitem:
            return False
    elif flt.category and row["category"] != flt.category:
        return False
    if flt.levels and row["level"] not in flt.levels:
        return False
    if flt.village_id is not None and row["village_id"] != flt.village_id:
        return False
    if flt.source and row["source"] != flt.source:
        return False
    if flt.worker_id is not None and row["assignee_worker_id"] != flt.worker_id:
        return False
    if flt.overdue_only and not (row["status"] in OPEN and row["deadline_at"] < NOW):
        return False
    if flt.incident_ids and row["id"] not in flt.incident_ids:
        return False
    text = flt.text.strip().lower()
    if text and not any(text in row[f].lower() for f in ("number", "title", "description", "assignee_text")):
        return False
    return True


SORT_FIELDS = {SortKey.CREATED: "created_at", SortKey.DEADLINE: "deadline_at", SortKey.LEVEL: "level",
               SortKey.STATUS: "status", SortKey.CATEGORY: "subitem", SortKey.VILLAGE: "village_id",
               SortKey.SOURCE: "source", SortKey.ASSIGNEE: "assignee_text", SortKey.NUMBER: "number"}


def _sorted(rows: list[dict], sort: QueueSort, nulls_first: bool) -> list[dict]:
    field = SORT_FIELDS[sort.key]

    def key(row):
        value = row[field]
        null_rank = (0 if nulls_first else 1) if value is None else (1 if nulls_first else 0)
        return null_rank, value if value is not None else 0, row["id"]
    return sorted(rows, key=key, reverse=sort.descending)


def _row(row: dict) -> QueueRow:
    return QueueRow(id=row["id"], number=row["number"], title=row["title"], created_at=to_epoch(row["created_at"]),
                    category=row["category"], subitem=row["subitem"], level=row["level"], village=row["village"],
                    grid=row["grid"], status=row["status"], assignee=row["assignee_text"],
                    deadline_at=to_epoch(row["deadline_at"]), source=row["source"], one_key=row["one_key"],
                    alarm_acknowledged=row["alarm_acknowledged_at"] is not None,
                    reminded=row["reminded_at"] is not None, supervised=row["supervised_at"] is not None,
                    version=row["version"])


# -- the checks -----------------------------------------------------------------------------------

FILTERS = {
    "everything": QueueFilter(),
    "open statuses": QueueFilter(statuses=frozenset({"reported", "accepted", "reopened"})),
    "one status": QueueFilter(statuses=frozenset({"closed"})),
    "category": QueueFilter(category="CON"),
    "sub-item": QueueFilter(subitem="DIS05"),
    "sub-item wins over category": QueueFilter(category="CON", subitem="FIR01"),
    "levels": QueueFilter(levels=frozenset({1, 4})),
    "source": QueueFilter(source="one_key"),
    "overdue": QueueFilter(overdue_only=True),
    "overdue among statuses": QueueFilter(overdue_only=True, statuses=frozenset({"reported", "closed"})),
    "incident ids": QueueFilter(incident_ids=frozenset(range(1, 200, 3))),
    "text": QueueFilter(text="  纠纷 "),
    "text is case-insensitive": QueueFilter(text="fire"),
    "percent is literal": QueueFilter(text="100%"),
    "percent alone": QueueFilter(text="%"),
    "underscore is literal": QueueFilter(text="a_b"),
    "underscore alone": QueueFilter(text="_"),
    "backslash is literal": QueueFilter(text="\\"),
    "number": QueueFilter(text="20261129-00"),
    "assignee": QueueFilter(text="执法队"),
    "nothing matches": QueueFilter(text="没有这种事件"),
    "worker": QueueFilter(worker_id=1),
    "worker's open ones": QueueFilter(worker_id=2, statuses=frozenset({"reported", "accepted", "dispatched"})),
    "combined": QueueFilter(statuses=frozenset(OPEN), levels=frozenset({1, 2, 3}), source="worker_app"),
}


def _expected(db: QueueDb, flt: QueueFilter, sort: QueueSort) -> tuple[list[dict], list[dict]]:
    """(pinned, unpinned) rows the queue should show, by brute force."""
    expected = [r for r in db.rows if _matches(r, flt)]
    pinned = sorted((r for r in expected if r["queue_rank"] == 0),
                    key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return pinned, _sorted([r for r in expected if r["queue_rank"] != 0], sort, db.nulls_first)


def _check_counts(conn, db: QueueDb, flt: QueueFilter) -> None:
    pinned, unpinned = _expected(db, flt, QueueSort())
    query = QueueQuery(flt)
    assert query.count(conn, NOW) == (len(pinned), len(unpinned)), flt
    assert query.pinned(conn, NOW) == [_row(r) for r in pinned]
    assert query.pinned(conn, NOW, limit=1) == [_row(r) for r in pinned[:1]]


def _check_order(conn, db: QueueDb, flt: QueueFilter, sort: QueueSort) -> None:
    """The whole result in one page (fetched forwards)."""
    _pinned, unpinned = _expected(db, flt, sort)
    total = len(unpinned)
    assert QueueQuery(flt, sort).page(conn, NOW, 0, total + 5, total) == [_row(r) for r in unpinned], sort


def _check_pages(conn, db: QueueDb, flt: QueueFilter, sort: QueueSort) -> None:
    """Page by page, and some odd pages; those in the second half are fetched in reverse."""
    _pinned, unpinned = _expected(db, flt, sort)
    query, total = QueueQuery(flt, sort), len(unpinned)
    got = []
    for offset in range(0, total, PAGE):
        page = query.page(conn, NOW, offset, PAGE, total)
        assert page == [_row(r) for r in unpinned[offset:offset + PAGE]], (sort, offset)
        got.extend(page)
    assert [r.id for r in got] == [r["id"] for r in unpinned]
    for offset, limit in ((1, 10), (total // 2 - 1, 3), (total - 2, 5), (total, 5), (3, 0), (-2, 4)):
        assert query.page(conn, NOW, offset, limit, total) == [
            _row(r) for r in unpinned[max(offset, 0):offset + limit]], (sort, offset, limit)


SORTS = [QueueSort(key, descending) for key in SortKey for descending in (False, True)]


@pytest.mark.parametrize("flt", FILTERS.values(), ids=FILTERS.keys())
def test_filters_agree_with_brute_force(queue_db, flt):
    with queue_db.store.engine.connect() as conn:
        _check_counts(conn, queue_db, flt)
        _check_pages(conn, queue_db, flt, QueueSort())
        if queue_db.backend == "sqlite":  # also every order of every filtered result (PostgreSQL: below)
            for sort in SORTS:
                _check_order(conn, queue_db, flt, sort)


@pytest.mark.parametrize("sort", SORTS, ids=lambda s: f"{s.key.value}-{'desc' if s.descending else 'asc'}")
def test_every_sort_key_pages_like_brute_force(queue_db, sort):
    with queue_db.store.engine.connect() as conn:
        _check_pages(conn, queue_db, QueueFilter(), sort)
        _check_pages(conn, queue_db, QueueFilter(statuses=frozenset(OPEN)), sort)


def test_the_data_exercises_what_it_should(queue_db):
    rows = queue_db.rows
    unpinned = [r for r in rows if r["queue_rank"] != 0]
    assert len(unpinned) >= 4 * PAGE, "needs pages in the second half"
    assert any(r["queue_rank"] == 0 for r in rows), "needs active one-key reports"
    assert any(r["one_key"] and r["queue_rank"] == 1 for r in rows), "needs finished one-key reports"
    assert any(r["village_id"] is None for r in rows)
    for field in ("created_at", "level", "assignee_text"):
        assert len({r[field] for r in unpinned}) < len(unpinned) / 3, f"needs ties in {field}"
    for name, flt in FILTERS.items():
        count = sum(_matches(r, flt) for r in rows)
        assert (count == 0) == (name == "nothing matches"), name


def test_open_counts_per_village(queue_db):
    expected = {}
    for row in queue_db.rows:
        if row["status"] in OPEN and row["village_id"] is not None:
            expected[row["village_id"]] = expected.get(row["village_id"], 0) + 1
    with queue_db.store.engine.connect() as conn:
        assert open_counts_per_village(conn) == expected


def test_filter_with_changes_keeps_the_rest():
    flt = QueueFilter(category="CON", levels=frozenset({2}))
    changed = flt.with_(text="火")
    assert (changed.category, changed.levels, changed.text) == ("CON", frozenset({2}), "火")
    assert flt.text == ""


def test_rows_are_plain_values_as_declared(queue_db):
    """QueueRow says ints for times, str for village and grid, bools for flags: the view relies on it."""
    query = QueueQuery()
    with queue_db.store.engine.connect() as conn:
        pinned, unpinned = query.count(conn, NOW)
        rows = query.pinned(conn, NOW) + query.page(conn, NOW, 0, unpinned, unpinned)
    assert len(rows) == len(queue_db.rows)
    for row in rows:
        assert type(row.created_at) is int and type(row.deadline_at) is int
        assert type(row.village) is str and type(row.grid) is str
        for flag in (row.one_key, row.alarm_acknowledged, row.reminded, row.supervised):
            assert type(flag) is bool
    assert any(r.village == "" for r in rows) and any(r.grid == "" for r in rows)
    assert any(r.reminded for r in rows) and not all(r.reminded for r in rows)
