"""How fast the queue's CSV export streams, and how little memory it takes, on city-scale data.

    /work/venv/bin/python bench/csv_export.py --cache DIR [--days 11,110] [--out DIR]

For each history length a cached city demo store ``DIR/city-<days>d.db`` (built by bench/queue.py:
~100 k incidents for 11 days, ~1 M for 110, ~2.2 M for 243) is copied to a temporary file (opening
migrates it; the cached original is never touched), and the export writes the whole queue (all
statuses, newest first), the whole queue by deadline, and the open queue, to a CSV file.  Each line
prints rows, seconds, rows per second, the file size, how much the process's resident memory grew
(peak RSS) during that export, the CPU time per row of this process and of the export's helper process
(which writes the second part of a large export, :mod:`console.storage.queue_export_part`) and the
helper's peak RSS.  ``--parts 1`` keeps everything in this process, ``--parts 2`` always uses the helper
(default: the export decides, as in the console).

Target: 1 M rows at ≥ 100,000 rows/s with resident memory growing ≤ 50 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from console.core.workflow import OPEN_STATUSES  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.storage.queue import QueueFilter, QueueSort, SortKey  # noqa: E402
from console.storage.queue_export import ExportNames, export_queue_csv  # noqa: E402

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
OPEN = frozenset(s.value for s in OPEN_STATUSES)
SCENARIOS = (
    ("all, newest first", QueueFilter(), QueueSort()),
    ("all, by deadline", QueueFilter(), QueueSort(SortKey.DEADLINE, False)),
    ("open, newest first", QueueFilter(statuses=OPEN), QueueSort()),
)


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Make the peak RSS start from now (Linux ≥ 4.0: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _hwm_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _peak_rss_mb()


def _cpu_s(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--days", default="11,110")
    parser.add_argument("--out", type=Path, default=None, help="directory for the CSV files (default: a temp dir)")
    parser.add_argument("--parts", type=int, choices=(1, 2), default=None)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, {platform.node()}")
    names = ExportNames(statuses={s: s.title() for s in OPEN}, yes="是")
    with tempfile.TemporaryDirectory() as temp:
        out_dir = args.out or Path(temp)
        for days in (int(d) for d in args.days.split(",")):
            source = args.cache / f"city-{days}d.db"
            copy = Path(temp) / source.name
            shutil.copyfile(source, copy)
            store = open_store(str(copy))
            try:
                print(f"\n{source.name}")
                for name, flt, sort in SCENARIOS:
                    out = out_dir / f"queue-{days}d-{name.replace(', ', '-').replace(' ', '_')}.csv"
                    _reset_peak()
                    before = _current_rss_mb()
                    own, helpers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
                    start = time.perf_counter()
                    result = export_queue_csv(store, flt, sort, NOW, out, names, parts=args.parts)
                    seconds = time.perf_counter() - start
                    grown = _hwm_mb() - before
                    own_cpu, helper_cpu = (_cpu_s(resource.getrusage(who)) - _cpu_s(was) for who, was in
                                           ((resource.RUSAGE_SELF, own), (resource.RUSAGE_CHILDREN, helpers)))
                    helper = result.helper_peak_rss_kb / 1024
                    with open("/proc/loadavg") as load:
                        load_average = load.read().split()[0]
                    print(f"  {name:22s} {result.rows:>10,} rows {seconds:7.2f} s "
                          f"{result.rows / seconds:>10,.0f} rows/s  {out.stat().st_size / 2**20:7.1f} MB file  "
                          f"RSS +{grown:5.1f} MB | CPU µs/row: this process {own_cpu / result.rows * 1e6:5.2f}, "
                          f"helper {helper_cpu / result.rows * 1e6:5.2f} (peak RSS {helper:4.1f} MB) | load "
                          f"{load_average}", flush=True)
                    out.unlink()
            finally:
                store.dispose()
                copy.unlink()


if __name__ == "__main__":
    main()
