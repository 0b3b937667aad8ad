"""The helper process that writes and indexes a demo history's incident table on the second core.

    python -m console.demo.incident_helper SCRATCH.db  < frames

It reads the incident rows the writer sends on standard input (see
:func:`console.demo.incident_table.write_frame`), writes them into a new
``incidents`` table in the scratch database, creates the ORM's indexes and
exits with status 0.  The pickles come from the process that started it.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from console.demo.incident_table import IncidentTableWriter, read_frames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write and index a demo incident table in a scratch database.")
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    gc.disable()  # millions of short-lived tuples, and the process ends right after
    table = IncidentTableWriter(args.path)
    try:
        for rows in read_frames(sys.stdin.buffer):
            table.add(rows)
        table.finish()
    finally:
        table.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
