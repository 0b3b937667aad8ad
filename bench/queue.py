"""How fast the dispatch queue answers on city-scale data, as the incident table grows.

    /work/venv/bin/python bench/queue.py --cache DIR [--sizes 10k,100k,1M,2.2M] [--repeat 7] [--explain]

For each size a city demo store (seed 1, history ending 2026-11-29 02:00 UTC)
is built once and cached in DIR (``city-<days>d.db``; reused when its demo
record matches).  Then, on one connection as the console's read pool uses it,
each scenario runs ``--repeat`` times and the table shows the first (colder)
and the median run:

* first page — ``QueueQuery.count`` + ``pinned`` + ``page(0, 200)``, the way
  the queue opens (the "Open" preset, newest first) and with all statuses;
* filter change — the same three calls after the operator narrows the queue
  (a category, a village, a source and level, overdue only);
* sort by deadline — the open queue and the whole table by deadline;
* per-village open counts — ``open_counts_per_village`` (the map's red lights).

Targets: first page ≤ 100 ms, filter/sort ≤ 150 ms, per-village counts ≤ 300 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script is called queue.py: keep its directory off the path so the standard library's queue wins.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from console.core.workflow import FINISHED_STATUSES, OPEN_STATUSES  # noqa: E402
from console.demo import demo_info, mix, write_demo_data  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.storage.queue import QueueFilter, QueueQuery, QueueSort, SortKey, open_counts_per_village  # noqa: E402

UNTIL = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
NOW = UNTIL
PAGE = 200
OPEN = frozenset(s.value for s in OPEN_STATUSES)
FINISHED = frozenset(s.value for s in FINISHED_STATUSES)

# (group, name, filter, sort); the village id 25 is a village of the city's second town.
SCENARIOS = (
    ("first page", "open, newest first", QueueFilter(statuses=OPEN), QueueSort()),
    ("first page", "all, newest first", QueueFilter(), QueueSort()),
    ("first page", "finished, newest first", QueueFilter(statuses=FINISHED), QueueSort()),
    ("filter", "open + category ENV", QueueFilter(statuses=OPEN, category="ENV"), QueueSort()),
    ("filter", "all + category ENV", QueueFilter(category="ENV"), QueueSort()),
    ("filter", "finished + category ENV", QueueFilter(statuses=FINISHED, category="ENV"), QueueSort()),
    ("filter", "all + one village", QueueFilter(village_id=25), QueueSort()),
    ("filter", "all + camera, level 3", QueueFilter(source="camera", levels=frozenset({3})), QueueSort()),
    ("filter", "overdue only", QueueFilter(overdue_only=True), QueueSort()),
    ("filter", "all + sub-item FIR01", QueueFilter(subitem="FIR01"), QueueSort()),
    ("sort", "open by deadline", QueueFilter(statuses=OPEN), QueueSort(SortKey.DEADLINE, descending=False)),
    ("sort", "all by deadline", QueueFilter(), QueueSort(SortKey.DEADLINE, descending=False)),
    ("sort", "open by village", QueueFilter(statuses=OPEN), QueueSort(SortKey.VILLAGE, descending=False)),
    ("sort", "all by assignee", QueueFilter(), QueueSort(SortKey.ASSIGNEE, descending=False)),
    ("sort", "open by level", QueueFilter(statuses=OPEN), QueueSort(SortKey.LEVEL)),
    ("sort", "all, last page", QueueFilter(), QueueSort()),
)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def cached_city(directory: Path, incidents: int):
    """The city store with about ``incidents`` incidents, built on first use."""
    days = max(1, round(incidents / mix.DAILY_REPORTS["city"]))
    path = directory / f"city-{days}d.db"
    store = open_store(str(path))
    info = demo_info(store)
    if info and info["scale"] == "city" and info["days"] == days and info["seed"] == 1 and info["until"] == UNTIL:
        return store, info["incidents"], None
    started = time.perf_counter()
    summary = write_demo_data(store, scale="city", days=days, seed=1, until=UNTIL, replace=info is not None)
    return store, summary.incidents, time.perf_counter() - started


def queue_open(conn, flt: QueueFilter, sort: QueueSort, last_page: bool = False) -> int:
    """What the queue does when it (re)opens: counts, pinned rows, one page."""
    query = QueueQuery(flt, sort)
    pinned, unpinned = query.count(conn, NOW)
    rows = query.pinned(conn, NOW)
    offset = max(0, unpinned - PAGE) if last_page else 0
    rows += query.page(conn, NOW, offset, PAGE, unpinned)
    return len(rows)


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return runs[0], statistics.median(runs)


def explain(conn, flt: QueueFilter, sort: QueueSort) -> list[str]:
    """EXPLAIN QUERY PLAN of the count and first-page statements of a scenario, as QueueQuery builds them."""
    from sqlalchemy import and_, func, select

    from console.storage import queue as q
    query = QueueQuery(flt, sort)
    conds = query._conditions(conn, NOW)
    count = select(func.count()).select_from(q.T).where(and_(True, *conds))
    total = conn.execute(count).scalar_one()
    column, tie = q._SORT_COLUMNS[sort.key], q.T.c.id
    if q._sort_in_memory(conn, total):
        column, tie = q._unindexed(column), q._unindexed(tie)
    order = (column.desc(), tie.desc()) if sort.descending else (column.asc(), tie.asc())
    page = query._select(NOW, conds).where(q.T.c.queue_rank != 0).order_by(*order).limit(PAGE).offset(0)
    lines = []
    for label, stmt in (("count", count), ("page", page)):
        compiled = stmt.compile(conn, compile_kwargs={"render_postcompile": True})
        params = [compiled.params[k] for k in compiled.positiontup]
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params)).all()
        lines.append(f"{label}: " + "; ".join(row[-1] for row in plan))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="directory for the cached city stores")
    parser.add_argument("--sizes", default="10k,100k,1M,2.2M")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the query plans of the largest size")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    results: dict[str, dict[int, tuple[float, float]]] = {}
    counts = []
    last_store = None
    for size in sizes:
        store, incidents, built = cached_city(args.cache, size)
        counts.append(incidents)
        if built is not None:
            print(f"built the {incidents:,}-incident city in {built:.0f} s", flush=True)
        with store.engine.connect() as conn:
            for group, name, flt, sort in SCENARIOS:
                last = name == "all, last page"
                results.setdefault(f"{group} | {name}", {})[incidents] = timed(
                    lambda: queue_open(conn, flt, sort, last), args.repeat)
            results.setdefault("village counts | open per village", {})[incidents] = timed(
                lambda: open_counts_per_village(conn), args.repeat)
        if last_store is not None:
            last_store.dispose()
        last_store = store
    print()
    header = " | ".join(f"{n:,}" for n in counts)
    print(f"| benchmark | scenario | {header} |  (ms, first / median of {args.repeat})")
    print("|---|---|" + "---:|" * len(counts))
    for key, by_size in results.items():
        cells = " | ".join(f"{by_size[n][0]:.0f} / {by_size[n][1]:.0f}" for n in counts)
        print(f"| {key} | {cells} |")
    if args.explain and last_store is not None:
        print()
        with last_store.engine.connect() as conn:
            for _group, name, flt, sort in SCENARIOS:
                print(f"* {name}")
                for line in explain(conn, flt, sort):
                    print(f"    {line}")
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
