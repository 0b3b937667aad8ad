"""How fast the dashboard refreshes on city-scale data, and how long the GUI thread is blocked meanwhile.

    /work/venv/bin/python bench/dashboard.py DB [DB ...] [--repeat 7] [--copies DIR] [--town ID]

Each DB (e.g. /tmp/gwcache/city-243d.db, 2.2 million incidents) is copied to DIR first (opening a store
migrates it; the original is never opened) and the copy is reused by later runs.  ``now`` is the demo's
end (2026-11-29 02:00 UTC).  For each DB:

* cold — the first read, which loads the 60-day window into the :class:`DashboardCache`;
* refresh — ``--repeat`` refreshes the way the console runs them (:class:`DashboardRoom`: read on the
  I/O pool, drawn on the GUI thread), from ``refresh()`` to the figures drawn; median and max;
* GUI block — the longest the GUI thread went without running its event loop during those refreshes
  (a 1-ms timer's largest gap), and the longest draw (``set_dashboard``) alone.

Targets: a refresh ≤ 500 ms; the GUI thread never blocked longer than 16 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

# bench/ holds a queue.py: keep the directory off the path so the standard library's queue wins.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.core.clock import FakeClock  # noqa: E402
from console.core.taxonomy import default_taxonomy  # noqa: E402
from console.gui.context import ConsoleContext  # noqa: E402
from console.gui.app import GIL_SWITCH_INTERVAL_S  # noqa: E402
from console.gui.dashboard_room import DashboardRoom  # noqa: E402
from console.gui.garbage import GuiThreadGarbageCollector  # noqa: E402
from console.gui.taskman import TaskManager  # noqa: E402
from console.storage.dashboard import DashboardCache, DashboardScope, read_dashboard  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.storage.dispatch import DispatchService  # noqa: E402

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


def copy_of(db: Path, copies: Path) -> Path:
    copies.mkdir(parents=True, exist_ok=True)
    target = copies / (db.stem + ".bench.db")
    if not target.exists():
        t = time.perf_counter()
        shutil.copyfile(db, target)
        print(f"  copied {db} -> {target} in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    open_store(str(target)).dispose()  # migrate once, outside the figures
    print(f"  opened (migrated if needed) in {time.perf_counter() - t:.1f} s", flush=True)
    return target


#: How long each pass of the event loop took (the GUI thread's own work: delivering, drawing, painting).
PASSES: list[float] = []


def wait(app: QApplication, predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        t = time.perf_counter()
        app.processEvents()
        PASSES.append(time.perf_counter() - t)
        time.sleep(0.0005)


def bench(app: QApplication, path: Path, repeat: int, scope: DashboardScope) -> None:
    store = open_store(str(path), migrate_schema=False)
    incidents = store.engine.connect().exec_driver_sql("SELECT count(*) FROM incidents").scalar_one()
    t = time.perf_counter()
    cache = DashboardCache()
    read_dashboard(store, NOW, scope, cache)
    cold = time.perf_counter() - t

    clock = FakeClock(NOW)
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock, "bench", "zh_CN")
    room = DashboardRoom(context, scope)
    room.cache = cache  # warm, as after the first refresh of a session
    room.view.resize(1200, 900)
    room.view.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    gc.freeze()  # as the console does once its window is up (console/gui/app.py)
    ticker = QTimer(interval=1)
    ticker.timeout.connect(tick)
    ticker.start()
    times = []
    arrived = []
    during: list[float] = []  # the longest event-loop gap while each refresh read (the worker busy)
    drawing: list[float] = []  # the longest event-loop pass while each result was drawn (in parts)
    room.updated.connect(lambda dash: arrived.append(time.perf_counter()))
    for k in range(repeat + 1):
        n = len(arrived)
        gaps.clear()
        last[0] = time.perf_counter()
        t0 = time.perf_counter()
        room.refresh()
        wait(app, lambda: len(arrived) > n)
        read_gaps = list(gaps)
        PASSES.clear()
        wait(app, lambda: not room.view.is_drawing())
        t_idle = time.perf_counter()
        wait(app, lambda: time.perf_counter() - t_idle > 0.1)  # the last part painted
        if k:  # the first one builds the tables' rows for the first time: not counted
            times.append(arrived[-1] - t0)
            during.append(max(read_gaps or [0.0]))
            drawing.append(max(PASSES))
    ticker.stop()
    room.view.close()
    room.stop()
    tasks.shutdown()
    store.dispose()
    print(f"{path.name:24} {incidents:>10,} incidents | cold {cold * 1000:7.0f} ms | refresh median "
          f"{statistics.median(times) * 1000:5.0f} ms, max {max(times) * 1000:5.0f} ms (n={len(times)}) | "
          f"GUI thread: longest wait while reading {max(during) * 1000:5.1f} ms, longest pass while drawing "
          f"{max(drawing) * 1000:5.1f} ms", flush=True)


def main() -> int:
    import faulthandler
    if os.environ.get("BENCH_TRACE"):
        faulthandler.dump_traceback_later(int(os.environ["BENCH_TRACE"]), exit=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--copies", type=Path, default=Path("/tmp/gw-bench-dashboard"))
    parser.add_argument("--town", type=int, default=None, help="scope: one town's villages and departments")
    parser.add_argument("--switch-interval-ms", type=float, default=None,
                        help="sys.setswitchinterval for the run (default: what the console sets)")
    args = parser.parse_args()
    interval_ms = GIL_SWITCH_INTERVAL_S * 1000 if args.switch_interval_ms is None else args.switch_interval_ms
    sys.setswitchinterval(interval_ms / 1000)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; scope: "
          f"{'town ' + str(args.town) if args.town else 'everything'}; GIL switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms")
    app = QApplication([sys.argv[0]])
    collector = GuiThreadGarbageCollector(parent=app)  # as the console: collections on the GUI thread only
    for db in args.dbs:
        print(f"{db}:", flush=True)
        bench(app, copy_of(db, args.copies), args.repeat, DashboardScope(town_id=args.town))
    collector.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
