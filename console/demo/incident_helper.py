"""The helper process that builds a demo history's incident table on the second core.

    python -m console.demo.incident_helper SCRATCH.db PLAN.pickle

Started by :class:`console.demo.incident_builder.IncidentTableBuilder` before
the history is planned, it imports what it needs and waits for a line on
standard input saying the plan is saved (:func:`console.demo.incident_table.save_plan`;
end of input instead means the writer gave up).  Then it generates every
day's incident rows, writes them into a new ``incidents`` table in the scratch
database and indexes it, says ``indexed`` on standard output, gathers the
planner's statistics (while the writer copies the table) and says
``statistics`` followed by them as JSON, and exits with status 0.  The pickle
comes from the process that started it.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

from console.demo.incident_builder import INDEXED, STATISTICS
from console.demo.incident_table import IncidentTableWriter, load_plan


def _say(word: str) -> None:
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write and index a demo incident table in a scratch database.")
    parser.add_argument("path", type=Path)
    parser.add_argument("plan", type=Path)
    args = parser.parse_args(argv)
    if not sys.stdin.readline():
        print("the demo writer stopped before the history was planned", file=sys.stderr)
        return 1
    gc.disable()  # millions of short-lived tuples, and the process ends right after
    history = load_plan(args.plan)
    table = IncidentTableWriter(args.path)
    try:
        for day in range(len(history.plan.days)):
            table.add(history.batch(day, timelines=False).incidents)
        table.index()
        _say(INDEXED)
        _say(f"{STATISTICS} {json.dumps(table.statistics())}")
    finally:
        table.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
