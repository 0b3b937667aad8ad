"""How fast the demo data is written: incidents per second, town and city scale, over a sweep of sizes.

    /work/venv/bin/python bench/demo_data.py [--dir DIR] [--sizes town:10k,town:100k,city:10k,...] [--keep]

Each size is written into a fresh SQLite store (migrated first, not timed) by
``write_demo_data``; the figure is incidents / the whole call's wall time
(places, history with audit trails, supervision orders, photos, index rebuild
and commit).  Prints a Markdown table.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Keep bench/ off the path (its queue.py would shadow the standard library's queue).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from console.demo import mix, write_demo_data  # noqa: E402
from console.storage.db import open_store  # noqa: E402

UNTIL = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
DEFAULT_SIZES = "town:10k,town:100k,city:10k,city:100k,city:1M,city:2.2M"


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def days_for(scale: str, incidents: int) -> int:
    """Days of history that give about ``incidents`` reports."""
    return max(1, round(incidents / mix.DAILY_REPORTS[scale]))


def remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to write the stores (default: a temp dir)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"scale:incidents list (default {DEFAULT_SIZES})")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    args = parser.parse_args(argv)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="gridwatch-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    print()
    print("| scale | days | incidents | audit entries | database | seconds | incidents/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for spec in args.sizes.split(","):
        scale, size = spec.split(":")
        days = days_for(scale, parse_size(size))
        path = directory / f"bench-{scale}-{days}d.db"
        remove_store(path)
        store = open_store(str(path))
        started = time.perf_counter()
        summary = write_demo_data(store, scale=scale, days=days, seed=1, until=UNTIL)
        seconds = time.perf_counter() - started
        store.dispose()
        megabytes = path.stat().st_size / 1e6
        print(f"| {scale} | {days} | {summary.incidents:,} | {summary.audit_entries:,} | {megabytes:,.0f} MB "
              f"| {seconds:.1f} | {summary.incidents / seconds:,.0f} |", flush=True)
        if not args.keep:
            remove_store(path)
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
