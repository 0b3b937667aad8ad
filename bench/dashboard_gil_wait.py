"""How long the GUI thread would wait for the GIL while the dashboard refreshes, measured so that the
machine's other load does not count.

    /work/venv/bin/python bench/dashboard_gil_wait.py DB [--repeat 7] [--switch-interval-ms 1] [--apart]

DB is a migrated copy (e.g. /tmp/gw-bench-dashboard/city-110d.bench.db, made by bench/dashboard.py; it is
only read).  A reader thread refreshes a warm :class:`DashboardCache` ``--repeat`` times while the main
thread sleeps 0.5 ms in a loop.  For each pass of that loop, the time that was neither the main thread's
own CPU nor waiting on the run queue for a core (``/proc/thread-self/schedstat``) nor the sleep itself is
time asleep on the GIL.  Prints its maximum and 99th percentile during the refreshes, and the plain
longest gap (which also counts being descheduled).  ``--apart``: the reader thread has the figures read
in a reader process (:class:`~console.storage.dashboard_process.DashboardReader`, as the console does) and
only waits for them and unpickles them.  Linux only.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from console.storage.dashboard import DashboardCache, DashboardScope  # noqa: E402
from console.storage.dashboard import read_dashboard as _read_here  # noqa: E402
from console.storage.dashboard_process import DashboardReader  # noqa: E402
from console.storage.db import open_store  # noqa: E402

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
SLEEP_S = 0.0005


def _own_cpu_and_run_queue_s() -> tuple[float, float]:
    with open("/proc/thread-self/schedstat") as stat:
        on_cpu, waiting, _slices = stat.read().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--switch-interval-ms", type=float, default=5.0, help="Python's default: 5")
    parser.add_argument("--apart", action="store_true", help="read in a reader process, as the console does")
    args = parser.parse_args()
    sys.setswitchinterval(args.switch_interval_ms / 1000)
    store = open_store(str(args.db), migrate_schema=False)
    cache = DashboardCache()
    if args.apart:
        reader = DashboardReader(str(args.db))

        def read_dashboard(_store, now, scope, _cache):  # noqa: F811 - this run's way of reading
            return reader.read(now, scope)
    else:
        read_dashboard = _read_here
    for _ in range(2):  # the cold load, then one refresh
        read_dashboard(store, NOW, DashboardScope(), cache)
    gc.freeze()
    refreshing, finished = threading.Event(), threading.Event()
    durations: list[float] = []

    def refresh() -> None:
        for _ in range(args.repeat):
            time.sleep(0.05)
            refreshing.set()
            start = time.perf_counter()
            read_dashboard(store, NOW, DashboardScope(), cache)
            durations.append(time.perf_counter() - start)
            refreshing.clear()
        finished.set()

    reader_thread = threading.Thread(target=refresh)
    reader_thread.start()
    waits, gaps = [], []
    wall0, (cpu0, queue0) = time.perf_counter(), _own_cpu_and_run_queue_s()
    while not finished.is_set():
        time.sleep(SLEEP_S)
        wall1, (cpu1, queue1) = time.perf_counter(), _own_cpu_and_run_queue_s()
        if refreshing.is_set():
            waits.append((wall1 - wall0) - (cpu1 - cpu0) - (queue1 - queue0) - SLEEP_S)
            gaps.append(wall1 - wall0)
        wall0, cpu0, queue0 = wall1, cpu1, queue1
    reader_thread.join()
    if args.apart:
        reader.close()
    store.dispose()
    waits.sort()
    with open("/proc/loadavg") as load:
        load_average = load.read().split()[0]
    print(f"{args.db.name:24} {'apart' if args.apart else 'thread'} | "
          f"switch interval {args.switch_interval_ms:g} ms | refresh median "
          f"{statistics.median(durations) * 1000:5.0f} ms | GIL wait max {waits[-1] * 1000:5.1f} ms, p99 "
          f"{waits[int(len(waits) * 0.99)] * 1000:5.1f} ms | longest gap {max(gaps) * 1000:5.1f} ms | "
          f"load {load_average}")


if __name__ == "__main__":
    main()
