"""The queue's CSV export: exactly the rows the queue shows, in its order, as cells an operator (and Excel) reads;
streamed in bounded memory; a cancelled export leaves no file behind."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from console.core.clock import to_epoch
from console.core.workflow import Status
from console.storage.models import Incident
from console.storage.queue import QueueFilter, QueueQuery, QueueSort, SortKey
from console.storage.queue_export import COLUMNS, ExportNames, _whole_hour_zone, export_queue_csv
from console.tasks import Cancelled, TaskState

from .conftest import START
from .test_queue import NOW, queue_db  # noqa: F401  (the queue tests' database: many ties, NULL villages)

NAMES = ExportNames(
    headers=["编号", "标题", "状态", "等级", "大类", "小项", "来源", "村社", "网格", "上报人", "处置人", "上报时间",
             "处置时限", "办结时间", "关闭时间", "超期"],
    statuses={s.value: f"S:{s.value}" for s in Status}, levels={1: "1 · 网格", 4: "4 · 联席"},
    sources={"one_key": "一键上报"}, categories={"CON": "违章建筑"}, subitems={"CON01": "违建, 屋顶"},
    yes="是", no="否")


def _read(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _queue_numbers(store, flt: QueueFilter, sort: QueueSort) -> list[str]:
    query = QueueQuery(flt, sort)
    with store.engine.connect() as conn:
        _pinned, unpinned = query.count(conn, NOW)
        rows = query.pinned(conn, NOW) + query.page(conn, NOW, 0, unpinned, unpinned)
    return [row.number for row in rows]


CASES = [
    (QueueFilter(), QueueSort()),
    (QueueFilter(), QueueSort(SortKey.VILLAGE, False)),  # NULL villages: the database's own NULL order
    (QueueFilter(), QueueSort(SortKey.ASSIGNEE, True)),
    (QueueFilter(statuses=frozenset({"reported", "accepted", "reopened", "dispatched"})), QueueSort(SortKey.DEADLINE)),
    (QueueFilter(category="CON"), QueueSort(SortKey.LEVEL, False)),
    (QueueFilter(text="fire"), QueueSort(SortKey.NUMBER, False)),
    (QueueFilter(overdue_only=True), QueueSort(SortKey.STATUS)),
    (QueueFilter(statuses=frozenset({"closed"})), QueueSort()),
]


@pytest.mark.parametrize("flt,sort", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_exports_exactly_the_queue_in_its_order(queue_db, tmp_path, flt, sort):  # noqa: F811
    target = tmp_path / "queue.csv"
    result = export_queue_csv(queue_db.store, flt, sort, NOW, target, NAMES, batch=4)  # many batches
    table = _read(target)
    assert table[0] == NAMES.headers
    expected = _queue_numbers(queue_db.store, flt, sort)
    assert [row[0] for row in table[1:]] == expected
    assert result.rows == len(expected)
    assert all(len(row) == len(COLUMNS) for row in table)


def test_pinned_one_key_reports_come_first_whatever_the_sort(queue_db, tmp_path):  # noqa: F811
    target = tmp_path / "queue.csv"
    export_queue_csv(queue_db.store, QueueFilter(), QueueSort(SortKey.NUMBER, False), NOW, target, NAMES)
    numbers = [row[0] for row in _read(target)[1:]]
    pinned = sorted((r for r in queue_db.rows if r["queue_rank"] == 0),
                    key=lambda r: (r["created_at"], r["id"]), reverse=True)
    assert pinned, "the test data has active one-key reports"
    assert numbers[:len(pinned)] == [r["number"] for r in pinned]
    rest = numbers[len(pinned):]
    assert rest == sorted(rest)


def test_cells_read_as_the_operator_expects(queue_db, tmp_path):  # noqa: F811
    target = tmp_path / "queue.csv"
    export_queue_csv(queue_db.store, QueueFilter(), QueueSort(), NOW, target, NAMES)
    by_number = {row[0]: row for row in _read(target)[1:]}
    for source in queue_db.rows:
        row = dict(zip(COLUMNS, by_number[source["number"]]))
        assert row["title"] == source["title"]  # commas, quotes, percent signs survive the round trip
        assert row["status"] == f"S:{source['status']}"
        assert row["level"] == {1: "1 · 网格", 4: "4 · 联席"}.get(source["level"], str(source["level"]))
        assert row["category"] == ("违章建筑" if source["category"] == "CON" else source["category"])
        assert row["subitem"] == ("违建, 屋顶" if source["subitem"] == "CON01" else source["subitem"])
        assert row["source"] == ("一键上报" if source["source"] == "one_key" else source["source"])
        assert row["village"] == source["village"] and row["grid"] == source["grid"]
        assert row["assignee"] == source["assignee_text"]
        assert row["reported_at"] == source["created_at"].astimezone().strftime("%Y-%m-%d %H:%M")
        assert row["deadline_at"] == source["deadline_at"].astimezone().strftime("%Y-%m-%d %H:%M")
        assert row["resolved_at"] == row["closed_at"] == ""
        overdue = source["status"] in {"reported", "accepted", "dispatched", "in_progress", "reopened"} \
            and source["deadline_at"] < NOW
        assert row["overdue"] == ("是" if overdue else "否")


def test_free_text_is_quoted_and_never_a_formula(sqlite_store, tmp_path):
    _insert(sqlite_store, 3, title=lambda i: ['=HYPERLINK("http://x")', 'say "hi", then\nleave', "+1 -2"][i],
            reporter=lambda i: "@me" if i == 0 else "张三")
    target = tmp_path / "queue.csv"
    export_queue_csv(sqlite_store, QueueFilter(), QueueSort(SortKey.NUMBER, False), NOW, target)
    table = _read(target)
    assert table[0] == list(COLUMNS)
    assert [row[1] for row in table[1:]] == ['\'=HYPERLINK("http://x")', 'say "hi", then\nleave', "'+1 -2"]
    assert [row[9] for row in table[1:]] == ["'@me", "张三", "张三"]
    assert table[1][13:15] == [(START + timedelta(hours=1)).astimezone().strftime("%Y-%m-%d %H:%M")] * 2


def test_batches_that_need_quoting_and_batches_that_do_not_read_the_same(sqlite_store, tmp_path):
    """A batch whose texts need no quoting is written as selected; one text that needs it (wherever it is in
    the batch, in whichever free-text column) makes the whole batch go cell by cell."""
    titles = ["plain", "平常", "-first", "also plain", "a,-b", "a\tb", "x", "y\r", "@at", "tail"]
    reporters = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", '"quoted"', "吴十", "=1+1"]
    _insert(sqlite_store, len(titles), title=titles.__getitem__, reporter=reporters.__getitem__)
    expected = {(title, reporter) for title, reporter in zip(
        ["plain", "平常", "'-first", "also plain", "a,-b", "a\tb", "x", "y\r", "'@at", "tail"],
        ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", '"quoted"', "吴十", "'=1+1"])}
    for batch in (1, 2, 3, 10):
        target = tmp_path / f"queue-{batch}.csv"
        export_queue_csv(sqlite_store, QueueFilter(), QueueSort(SortKey.NUMBER, False), NOW, target, batch=batch)
        rows = _read(target)[1:]
        assert {(row[1], row[9]) for row in rows} == expected, batch
        assert all(len(row) == len(COLUMNS) for row in rows)


def interrupted_at_report(count: int) -> TaskState:
    """A task state whose user asks to stop as the export reports its progress the ``count``-th time."""
    state = TaskState()
    seen = []

    def progress(fraction: float, _message: str) -> None:
        seen.append(fraction)
        if len(seen) == count:
            state.request_interruption()
    state._on_progress = progress
    return state


def test_an_existing_file_is_replaced_only_when_the_export_is_complete(sqlite_store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _insert(sqlite_store, 50)
    target = out / "queue.csv"
    target.write_text("the previous export")
    state = interrupted_at_report(3)  # 0.0, then two batches written
    with pytest.raises(Cancelled):
        export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, target, state=state, batch=10)
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in out.iterdir()) == ["queue.csv"]  # no half file left behind

    done = []
    result = export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, target,
                              state=TaskState(lambda fraction, _m: done.append(fraction)), batch=10)
    assert result.rows == 50 and len(_read(target)) == 51
    assert done[-1] == 1.0 and done == sorted(done)
    assert sorted(p.name for p in out.iterdir()) == ["queue.csv"]


def test_a_failed_export_leaves_no_file(sqlite_store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _insert(sqlite_store, 5)
    names = ExportNames(headers=None)  # not iterable: fails after the temporary file was made
    with pytest.raises(TypeError):
        export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, out / "queue.csv", names)
    assert list(out.iterdir()) == []


def test_a_large_export_streams_in_bounded_memory(sqlite_store, tmp_path):
    """Python's allocations while exporting stay near one batch, whatever the number of rows."""
    peaks = {}
    inserted = 0
    for n in (5_000, 40_000):
        _insert(sqlite_store, n - inserted, first=inserted)
        inserted = n
        target = tmp_path / f"queue-{n}.csv"
        tracemalloc.start()
        try:
            result = export_queue_csv(sqlite_store, QueueFilter(), QueueSort(SortKey.DEADLINE, False), NOW, target,
                                      NAMES, batch=1_000)
            peaks[n] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert result.rows == n
    size = (tmp_path / "queue-40000.csv").stat().st_size
    assert size > 3_000_000
    assert peaks[40_000] < 2_500_000, peaks  # a batch of 1,000 lines is ~100 kB; the file is 3+ MB
    assert peaks[40_000] < 1.5 * peaks[5_000] + 500_000, peaks  # 8 × the rows, not 8 × the memory


def _insert(store, n: int, first: int = 0, title=lambda i: f"测试事件 {i}", reporter=lambda i: f"上报人{i % 97}"):
    """``n`` incidents straight into the table (fast enough for tens of thousands)."""
    rows = []
    for i in range(first, first + n):
        created = START + timedelta(minutes=i % 5000)
        rows.append(dict(number=f"20261129-{i:06d}", title=title(i - first), description="", category="CON",
                         subitem="CON01", level=1 + i % 4, source="worker_app", reporter=reporter(i - first),
                         created_at=to_epoch(created), deadline_at=to_epoch(created + timedelta(hours=24)),
                         status="closed", one_key=False, queue_rank=1, assignee_text="王小红",
                         resolved_at=to_epoch(START + timedelta(hours=1)),
                         closed_at=to_epoch(START + timedelta(hours=1)), version=1))
    table = Incident.__table__
    with store.engine.begin() as conn:
        for start in range(0, len(rows), 10_000):
            conn.execute(table.insert(), rows[start:start + 10_000])


@pytest.fixture
def local_zone(monkeypatch):
    """Set the process's local time zone for one test (restored after it)."""
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()
    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata", "America/New_York", "UTC"])
def test_times_are_local_minutes_in_any_zone(sqlite_store, tmp_path, local_zone, zone):
    """Whole-hour zones take the fast path, others (India's +5:30) the general one; both read the same."""
    local_zone(zone)
    assert _whole_hour_zone(to_epoch(NOW)) is (zone != "Asia/Kolkata")
    _insert(sqlite_store, 400)  # created over 400 minutes, closed an hour after START
    target = tmp_path / "queue.csv"
    export_queue_csv(sqlite_store, QueueFilter(), QueueSort(SortKey.CREATED, False), NOW, target)
    rows = _read(target)[1:]
    for i, row in enumerate(rows):
        created = START + timedelta(minutes=i)
        assert row[11:15] == [created.astimezone().strftime("%Y-%m-%d %H:%M"),
                              (created + timedelta(hours=24)).astimezone().strftime("%Y-%m-%d %H:%M"),
                              (START + timedelta(hours=1)).astimezone().strftime("%Y-%m-%d %H:%M"),
                              (START + timedelta(hours=1)).astimezone().strftime("%Y-%m-%d %H:%M")], (zone, i)


# --- The whole-hour zones' fast path must write exactly the file the general path writes ---

AWKWARD_TEXTS = ["plain", "", '"', 'say "hi"', "a,b", "line\nbreak", "cr\rhere", "crlf\r\nx", "=1+1", "+86 138",
                 "-", "@me", "\tTab", "\rCR first", "'already", "中文，全角逗号", "多行\n“引号”", "%_\\", "  spaces  ",
                 "-\"both\",", "\U0001f6a8 emoji"]
#: Around the day, the hour and New York's daylight-saving changes of 2026 (8 March, 1 November, 2 a.m.),
#: and the epoch's first hour.
AWKWARD_TIMES = [0, 59, 3600, to_epoch(START), to_epoch(START) + 59, to_epoch(START) + 60, to_epoch(START) - 1,
                 1772953200 - 1, 1772953200, 1772953200 + 1800, 1772953200 + 3600,
                 1793512800 - 1, 1793512800, 1793512800 + 1800, 1793512800 + 3600, 1798761599, 1798761600]


def _insert_awkward(store) -> None:
    """Incidents whose every exported cell is awkward: quotes, commas, line breaks, formulas, Chinese, empty
    texts, no village or grid, unnamed codes, NULL times, times at hour and daylight-saving boundaries."""
    from console.storage.models import Grid, Town, Village

    with store.sessions.begin() as session:
        town = Town(code="AWK", name_zh="镇", name_en="Town")
        session.add(town)
        session.flush()
        villages = [Village(code=f"AWK{i}", town_id=town.id, name_zh=zh, name_en=en, lon=0.0, lat=0.0)
                    for i, (zh, en) in enumerate([("江桥村", "Jiangqiao"), ('村,"引号"', ""), ("=村", "=Village, 2"),
                                                  ("多行\n村", "Multi\nline")])]
        session.add_all(villages)
        session.flush()
        grids = [Grid(code=f"AWKG{i}", village_id=villages[i % len(villages)].id, name=name, lon=0.0, lat=0.0)
                 for i, name in enumerate(["第1网格", "网格,2", '"3"', "-4", ""])]
        session.add_all(grids)
        session.flush()
        village_ids, grid_ids = [v.id for v in villages] + [None], [g.id for g in grids] + [None]
    statuses = [s.value for s in Status]
    rows = []
    for i in range(3 * len(AWKWARD_TEXTS) * len(AWKWARD_TIMES)):
        text = AWKWARD_TEXTS[i % len(AWKWARD_TEXTS)]
        created = AWKWARD_TIMES[i % len(AWKWARD_TIMES)]
        rows.append(dict(
            number=f"N{i:05d}" if i % 7 else f"-{text[:10]}{i}", title=text, description="",
            category=["CON", "ENV", "X,Y"][i % 3], subitem=["CON01", "ENV02", "=Z"][i % 3 - 1], level=i % 6,
            source=["one_key", "worker_app", "camera", "citizen"][i % 4], reporter=AWKWARD_TEXTS[(i * 5) % 21],
            village_id=village_ids[i % len(village_ids)], grid_id=grid_ids[(i // 2) % len(grid_ids)],
            created_at=created, deadline_at=AWKWARD_TIMES[(i * 3) % len(AWKWARD_TIMES)] + 7 * i,
            status=statuses[i % len(statuses)], one_key=i % 37 == 0, queue_rank=0 if i % 37 == 0 else 1,
            assignee_text=AWKWARD_TEXTS[(i * 11) % 21],
            resolved_at=None if i % 3 else AWKWARD_TIMES[(i * 7) % len(AWKWARD_TIMES)] + 13,
            closed_at=None if i % 2 else AWKWARD_TIMES[(i * 5) % len(AWKWARD_TIMES)] + i, version=1))
    with store.engine.begin() as conn:
        conn.execute(Incident.__table__.insert(), rows)


AWKWARD_NAMES = [
    NAMES,
    ExportNames(lang="en", yes="=yes", no="no, not", statuses={"closed": 'Closed "done"'}, levels={0: "-0", 5: "五"},
                sources={"camera": "Camera\nfeed"}, subitems={"=Z": "Z"}),
    ExportNames(),
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata", "America/New_York", "UTC"])
def test_the_fast_path_writes_byte_for_byte_the_general_paths_file(sqlite_store, tmp_path, local_zone, monkeypatch,
                                                                   zone):
    """In a whole-hour zone times are formatted from a cache of hours; the file is the same, byte for byte,
    as the one the general path (any zone, a ``datetime`` per hour it has not seen) writes, whatever the
    texts, names, time zone, filter and sort."""
    import console.storage.queue_export as queue_export

    local_zone(zone)
    _insert_awkward(sqlite_store)
    cases = [(QueueFilter(), QueueSort()), (QueueFilter(), QueueSort(SortKey.VILLAGE, False)),
             (QueueFilter(statuses=frozenset({"reported", "dispatched", "reopened"})), QueueSort(SortKey.DEADLINE)),
             (QueueFilter(text="hi"), QueueSort(SortKey.ASSIGNEE, True)),
             (QueueFilter(overdue_only=True), QueueSort(SortKey.NUMBER, False))]
    for n, (names, (flt, sort)) in enumerate((names, case) for names in AWKWARD_NAMES for case in cases):
        by_columns, by_rows = tmp_path / f"columns-{n}.csv", tmp_path / f"rows-{n}.csv"
        result = export_queue_csv(sqlite_store, flt, sort, NOW, by_columns, names, batch=7)
        monkeypatch.setattr(queue_export, "_whole_hour_zone", lambda _now: False)
        try:
            export_queue_csv(sqlite_store, flt, sort, NOW, by_rows, names, batch=7)
        finally:
            monkeypatch.undo()
            local_zone(zone)  # undo() also restored TZ
        assert result.rows > 0, (n, flt)
        assert by_columns.read_bytes() == by_rows.read_bytes(), (zone, n, flt, sort)


# --- A large export writes its second part in a helper process: the same file, one snapshot ---

@pytest.fixture
def helpers(monkeypatch):
    """The helper processes the exports of a test start (to see that they ran, and that none is left);
    ``helpers.before_job`` (if set) runs just before a helper gets its job."""
    import console.storage.queue_export as queue_export

    class Started(list):
        before_job = None
    started = Started()

    class Recorded(queue_export.PartProcess):
        def __init__(self):
            super().__init__()
            started.append(self)

        def start(self, *args):
            if started.before_job is not None:
                started.before_job()
            super().start(*args)
    monkeypatch.setattr(queue_export, "PartProcess", Recorded)
    return started


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata"])
def test_two_parts_write_byte_for_byte_the_file_of_one(sqlite_store, tmp_path, local_zone, helpers, zone):
    local_zone(zone)
    _insert_awkward(sqlite_store)
    cases = [(QueueFilter(), QueueSort()), (QueueFilter(), QueueSort(SortKey.VILLAGE, False)),
             (QueueFilter(text="hi"), QueueSort(SortKey.ASSIGNEE, True)),
             (QueueFilter(statuses=frozenset({"reported", "dispatched", "reopened"})), QueueSort(SortKey.DEADLINE))]
    for n, (names, (flt, sort)) in enumerate((names, case) for names in AWKWARD_NAMES[:2] for case in cases):
        one, two = tmp_path / f"one-{n}.csv", tmp_path / f"two-{n}.csv"
        result_one = export_queue_csv(sqlite_store, flt, sort, NOW, one, names, batch=7, parts=1)
        result_two = export_queue_csv(sqlite_store, flt, sort, NOW, two, names, batch=7, parts=2)
        assert result_one.rows > 0 and result_two.rows == result_one.rows, (n, flt)
        assert two.read_bytes() == one.read_bytes(), (zone, n, flt, sort)
        assert helpers[-1].rows > 0, "the helper process wrote the second part"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no part files left
    assert all(helper._proc.poll() == 0 for helper in helpers)


def test_both_parts_read_the_database_as_it_was_when_the_export_began(sqlite_store, tmp_path, helpers):
    """An incident reported while a two-part export runs is in neither part, and no row is written twice
    (the newest-first order would otherwise shift every row of the second part by one)."""
    _insert(sqlite_store, 600)
    before = tmp_path / "before.csv"
    export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, before, NAMES, parts=1)
    # Reported after the export counted its rows, before the helper starts on its part.
    helpers.before_job = lambda: _insert(sqlite_store, 1, first=10_000)
    target = tmp_path / "during.csv"
    result = export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, target, NAMES, batch=10, parts=2)
    assert helpers[-1].rows > 0
    assert result.rows == 600
    assert target.read_bytes() == before.read_bytes()
    helpers.before_job = None
    export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, target, NAMES, parts=2)
    assert len(_read(target)) == 1 + 601  # the next export has it


def test_a_cancelled_two_part_export_leaves_no_file_and_no_process(sqlite_store, tmp_path, helpers):
    out = tmp_path / "out"
    out.mkdir()
    _insert(sqlite_store, 3_000)
    target = out / "queue.csv"
    target.write_text("the previous export")
    state = interrupted_at_report(5)
    with pytest.raises(Cancelled):
        export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, target, state=state, batch=10, parts=2)
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in out.iterdir()) == ["queue.csv"]  # neither part left behind
    assert helpers and helpers[-1]._proc.poll() is not None  # the helper was stopped


def test_a_failed_helper_fails_the_export_and_leaves_no_file(sqlite_store, tmp_path, helpers):
    from console.storage.queue_export_part import PartFailed

    out = tmp_path / "out"
    out.mkdir()
    _insert(sqlite_store, 10_000)

    def crash_the_helper(_fraction: float, _message: str) -> None:
        if helpers and helpers[-1].path is not None and helpers[-1]._proc.poll() is None:
            helpers[-1]._proc.kill()
    with pytest.raises(PartFailed):
        export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, out / "queue.csv",
                         state=TaskState(crash_the_helper), batch=10, parts=2)
    assert list(out.iterdir()) == []


def test_a_two_part_export_shows_rising_progress_to_the_end(sqlite_store, tmp_path, helpers):
    _insert(sqlite_store, 2_000)
    seen = []
    result = export_queue_csv(sqlite_store, QueueFilter(), QueueSort(), NOW, tmp_path / "queue.csv",
                              state=TaskState(lambda fraction, _m: seen.append(fraction)), batch=50, parts=2)
    assert result.rows == 2_000 and len(_read(tmp_path / "queue.csv")) == 2_001
    assert helpers[-1].rows > 0
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0 and len(set(seen)) > 10
