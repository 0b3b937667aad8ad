"""Benchmark: all of a month's scorecards (every grid worker and stationed department, with the month before
for comparison) at a given database.

    /work/venv/bin/python bench/scorecards.py --db /tmp/mb/sc/city-110d.db [--month YYYY-MM] [--repeat N]

Copy a cached city database first (opening migrates it).  Without ``--month`` the month of the newest
incident is scored.  Prints the wall time of each run and what was computed.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta, timezone
from pathlib import Path

# bench/ holds a queue.py: keep the directory off the path so the standard library's queue wins.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from sqlalchemy import func, select  # noqa: E402

from console.core.assessment import Month  # noqa: E402
from console.storage.db import open_store  # noqa: E402
from console.storage.models import Incident, Position  # noqa: E402
from console.storage.scorecards import read_scorecards  # noqa: E402
from console.tasks import TaskState  # noqa: E402

CHINA = timezone(timedelta(hours=8))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--month", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    store = open_store(args.db)
    print(f"open (and migrate): {time.perf_counter() - t0:.1f} s")
    with store.engine.connect() as conn:
        newest = conn.execute(select(func.max(Incident.created_at))).scalar()
        positions = conn.execute(select(func.count()).select_from(Position)).scalar()
    now = newest + timedelta(hours=1)
    month = Month.parse(args.month) if args.month else Month(newest.astimezone(CHINA).year,
                                                             newest.astimezone(CHINA).month)
    print(f"month {month}, judged at {now.isoformat()}, {positions} positions stored")
    for run in range(args.repeat):
        state = TaskState()
        t0 = time.perf_counter()
        cards = read_scorecards(store, month, tz=CHINA, now=now, state=state)
        seconds = time.perf_counter() - t0
        reports = sum(w.reports for w in cards.workers)
        received = sum(d.received for d in cards.departments)
        print(f"run {run + 1}: {seconds:.1f} s — {len(cards.workers)} workers ({reports} reports), "
              f"{len(cards.departments)} departments ({received} incidents received), rules {cards.rules.version}")
    store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
