"""How fast the dashboard refreshes on city-scale data, and how long the GUI thread is blocked meanwhile.

    /work/venv/bin/python bench/dashboard.py DB [DB ...] [--repeat 7] [--copies DIR] [--town ID]

Each DB (e.g. /tmp/gwcache/city-243d.db, 2.2 million incidents) is copied to DIR first (opening a store
migrates it; the original is never opened) and the copy is reused by later runs.  ``now`` is the demo's
end (2026-11-29 02:00 UTC).  For each DB:

* cold — the first read, which loads the 60-day window into the :class:`DashboardCache`;
* refresh — ``--repeat`` refreshes the way the console runs them (:class:`DashboardRoom`: read in its
  reader process, or with ``--in-process`` on the I/O pool with the cold load's warm cache; drawn on the
  GUI thread), from ``refresh()`` to the figures drawn; median and max (the first refresh, which in the
  reader process is also its cold load, is not counted);
* GUI block — the longest the GUI thread went without running its event loop during those refreshes
  (a 1-ms timer's largest gap), and the longest event-loop pass while drawing (``set_dashboard``, one
  part per pass); each also less the time the GUI thread waited on the run queue for a core
  (``/proc/thread-self/schedstat``), which is the machine's other load, not the console's.

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


#: How long each pass of the event loop took (the GUI thread's own work: delivering, drawing, painting),
#: and the same less the time the thread waited on the run queue for a core (the machine's other load).
PASSES: list[float] = []
PASSES_OWN: list[float] = []


def run_queue_s() -> float:
    """How long the calling thread has waited for a core so far (Linux schedstat)."""
    with open("/proc/thread-self/schedstat") as stat:
        return int(stat.read().split()[1]) / 1e9


def wait(app: QApplication, predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        t, q = time.perf_counter(), run_queue_s()
        app.processEvents()
        PASSES.append(time.perf_counter() - t)
        PASSES_OWN.append(PASSES[-1] - (run_queue_s() - q))
        time.sleep(0.0005)


def bench(app: QApplication, path: Path, repeat: int, scope: DashboardScope, in_process: bool) -> None:
    store = open_store(str(path), migrate_schema=False)
    incidents = store.engine.connect().exec_driver_sql("SELECT count(*) FROM incidents").scalar_one()
    t = time.perf_counter()
    cache = DashboardCache()
    read_dashboard(store, NOW, scope, cache)
    cold = time.perf_counter() - t

    clock = FakeClock(NOW)
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock, "bench", "zh_CN")
    room = DashboardRoom(context, scope, apart=not in_process)
    room.cache = cache  # warm, as after the first refresh of a session (read on the pool only)
    room.view.resize(1200, 900)
    room.view.show()
    gaps: list[float] = []
    gaps_own: list[float] = []  # less the run-queue wait
    last = [time.perf_counter(), run_queue_s()]

    def tick():
        now, queued = time.perf_counter(), run_queue_s()
        gaps.append(now - last[0])
        gaps_own.append(gaps[-1] - (queued - last[1]))
        last[:] = now, queued
    gc.freeze()  # as the console does once its window is up (console/gui/app.py)
    ticker = QTimer(interval=1)
    ticker.timeout.connect(tick)
    ticker.start()
    times = []
    arrived = []
    during: list[float] = []  # the longest event-loop gap while each refresh read (the worker busy)
    drawing: list[float] = []  # the longest event-loop pass while each result was drawn (in parts)
    during_own: list[float] = []  # the same less waiting for a core
    drawing_own: list[float] = []
    room.updated.connect(lambda dash: arrived.append(time.perf_counter()))
    for k in range(repeat + 1):
        n = len(arrived)
        gaps.clear()
        gaps_own.clear()
        last[:] = time.perf_counter(), run_queue_s()
        t0 = time.perf_counter()
        room.refresh()
        wait(app, lambda: len(arrived) > n)
        read_gaps, read_gaps_own = list(gaps), list(gaps_own)
        PASSES.clear()
        PASSES_OWN.clear()
        wait(app, lambda: not room.view.is_drawing())
        t_idle = time.perf_counter()
        wait(app, lambda: time.perf_counter() - t_idle > 0.1)  # the last part painted
        if k:  # the first one builds the tables' rows for the first time: not counted
            times.append(arrived[-1] - t0)
            during.append(max(read_gaps or [0.0]))
            drawing.append(max(PASSES))
            during_own.append(max(read_gaps_own or [0.0]))
            drawing_own.append(max(PASSES_OWN))
    ticker.stop()
    room.view.close()
    room.stop()
    tasks.shutdown()
    with open("/proc/loadavg") as load:
        load_average = load.read().split()[0]
    store.dispose()
    print(f"{path.name:24} {incidents:>10,} incidents | cold {cold * 1000:7.0f} ms | refresh median "
          f"{statistics.median(times) * 1000:5.0f} ms, max {max(times) * 1000:5.0f} ms (n={len(times)}) | "
          f"GUI thread: longest wait while reading {max(during) * 1000:5.1f} ms, longest pass while drawing "
          f"{max(drawing) * 1000:5.1f} ms; less waiting for a core {max(during_own) * 1000:5.1f} and "
          f"{max(drawing_own) * 1000:5.1f} ms | load {load_average}", flush=True)


def main() -> int:
    import faulthandler
    if os.environ.get("BENCH_TRACE"):
        faulthandler.dump_traceback_later(int(os.environ["BENCH_TRACE"]), exit=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--copies", type=Path, default=Path("/tmp/gw-bench-dashboard"))
    parser.add_argument("--town", type=int, default=None, help="scope: one town's villages and departments")
    parser.add_argument("--in-process", action="store_true", help="read on the I/O pool, not in a reader process")
    parser.add_argument("--switch-interval-ms", type=float, default=None,
                        help="sys.setswitchinterval for the run (default: what the console sets)")
    args = parser.parse_args()
    interval_ms = GIL_SWITCH_INTERVAL_S * 1000 if args.switch_interval_ms is None else args.switch_interval_ms
    sys.setswitchinterval(interval_ms / 1000)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; read "
          f"{'on the I/O pool' if args.in_process else 'in a reader process'}; scope: "
          f"{'town ' + str(args.town) if args.town else 'everything'}; GIL switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms")
    app = QApplication([sys.argv[0]])
    collector = GuiThreadGarbageCollector(parent=app)  # as the console: collections on the GUI thread only
    for db in args.dbs:
        print(f"{db}:", flush=True)
        bench(app, copy_of(db, args.copies), args.repeat, DashboardScope(town_id=args.town), args.in_process)
    collector.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
