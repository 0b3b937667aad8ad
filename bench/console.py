"""The console itself on a big store: time to the queue's first page, filter and sort, and memory.

    /work/venv/bin/python bench/console.py DB [DB ...]

Each DB (a SQLite path, e.g. the city stores bench/queue.py caches) is opened
by the real main window, offscreen, in a fresh process; the script measures,
through the queue model's own signals:

* open → first page: from creating a queue model until its first row has data;
* refresh (what the window does every few seconds): counts plus every visible page again;
* filter change (category ENV) and sort by deadline: from the request until
  the first row of the new result has data;
* scroll to the end: until the last row has data (the page cache stays bounded);
* the process's resident memory (VmRSS) after all of that, and its peak (VmHWM).

Targets (issue 2): first page ≤ 100 ms, filter/sort ≤ 150 ms, resident memory ≤ 400 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module: keep this directory off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import json
import os
import subprocess
import time

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(db: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QElapsedTimer, Qt
    from PySide6.QtWidgets import QApplication

    from console.core.clock import SystemClock
    from console.core.taxonomy import default_taxonomy
    from console.gui.context import ConsoleContext
    from console.gui.main_window import MainWindow
    from console.gui.settings import ConsoleSettings
    from console.gui.taskman import TaskManager
    from console.storage.db import open_store
    from console.storage.dispatch import DispatchService
    from console.storage.queue import QueueFilter, QueueSort, SortKey

    app = QApplication.instance() or QApplication([])
    store = open_store(db)
    with store.engine.connect() as conn:
        incidents = conn.exec_driver_sql("select count(*) from incidents").scalar_one()
    tasks = TaskManager()
    clock = SystemClock()
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock,
                             "bench", "en")
    settings = ConsoleSettings(Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-console-{os.getpid()}.ini")
    timer = QElapsedTimer()
    window = MainWindow(context, settings, simulation_speed=0.0, remember_layout=False)
    model = window.queue_model
    window.show()

    def wait_for(predicate, limit_s: float = 60.0) -> float:
        timer.start()
        deadline = time.perf_counter() + limit_s
        while not predicate():
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the queue did not answer")
            time.sleep(0.0005)
        return timer.nsecsElapsed() / 1e6

    def first_row_loaded() -> bool:
        return model.rowCount() > 0 and model.row_at(0) is not None

    def after(action) -> float:
        """Milliseconds from ``action()`` until the queue shows its new first row."""
        timer.start()
        action()
        while model.is_loading() or not first_row_loaded():
            app.processEvents()
            time.sleep(0.0002)
        return timer.nsecsElapsed() / 1e6

    results = {"db": db, "incidents": incidents}
    wait_for(lambda: not model.is_loading() and first_row_loaded())  # the window's own first load
    open_filter = model.current_filter()
    from widgets.queue_model import IncidentQueueModel

    def open_queue() -> float:
        """Milliseconds from creating a queue model (the window opening) to its first row."""
        timer.start()
        fresh = IncidentQueueModel(store, tasks, context.service, "en")
        while fresh.is_loading() or fresh.rowCount() == 0 or fresh.row_at(0) is None:
            app.processEvents()
            time.sleep(0.0002)
        elapsed = timer.nsecsElapsed() / 1e6
        fresh.deleteLater()
        return elapsed

    runs = {"first page": [], "refresh": [], "filter ENV": [], "sort by deadline": []}
    for _ in range(5):
        runs["first page"].append(open_queue())
        runs["refresh"].append(after(model.refresh))
        runs["filter ENV"].append(after(lambda: model.set_filter(open_filter.with_(category="ENV"))))
        model.set_filter(open_filter)
        wait_for(lambda: not model.is_loading())
        runs["sort by deadline"].append(after(lambda: model.set_sort(QueueSort(SortKey.DEADLINE, False))))
        model.set_sort(QueueSort())
        wait_for(lambda: not model.is_loading())
    for name, values in runs.items():
        values.sort()
        results[name] = {"median_ms": round(values[len(values) // 2], 1), "max_ms": round(values[-1], 1)}
    model.set_filter(QueueFilter())
    wait_for(lambda: not model.is_loading())
    last = model.rowCount() - 1
    window.queue_view.table.scrollToBottom()
    results["scroll to end ms"] = round(wait_for(
        lambda: model.data(model.index(last, 0), Qt.ItemDataRole.DisplayRole) not in (None, "", "…")
        and model.row_at(last) is not None), 1)
    results["rows in view"] = model.rowCount()
    results["rows cached"] = model.cached_row_count()
    results["rss MB"] = round(rss_mb(), 1)
    results["peak rss MB"] = round(rss_mb("VmHWM"), 1)
    window.close()
    tasks.shutdown()
    store.dispose()
    return results


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2])))
        return 0
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    header = ("incidents", "first page ms (median/max)", "refresh ms", "filter ms", "sort by deadline ms",
              "scroll to end ms", "rows cached", "RSS MB", "peak RSS MB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for db in sys.argv[1:]:
        out = subprocess.run([sys.executable, __file__, "--one", db], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        cells = [f"{r['incidents']:,}"] + [f"{r[k]['median_ms']} / {r[k]['max_ms']}" for k in
                                             ("first page", "refresh", "filter ENV", "sort by deadline")]
        cells += [str(r["scroll to end ms"]), f"{r['rows cached']:,} of {r['rows in view']:,}", str(r["rss MB"]),
                  str(r["peak rss MB"])]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
