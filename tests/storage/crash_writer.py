"""A child process for tests/storage/test_crash.py: a burst of workflow writes, each acknowledged on stdout.

``python -m tests.storage.crash_writer DB WORKER_ID`` opens the SQLite store at ``DB`` and walks
incident after incident through the workflow (report, accept, assign, start, resolve, close) with
:class:`DispatchService`, printing ``<incident id> <action>`` and flushing after each step's commit,
until it is killed.  A line on stdout is therefore the console's acknowledgement of a committed
write: the parent kills the process with SIGKILL mid-burst and checks each acknowledged step is there.
"""

from __future__ import annotations

import sys

from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft


def main(path: str, worker_id: int) -> None:
    service = DispatchService(open_store(path, migrate_schema=False))
    out = sys.stdout
    n = 0
    while True:
        n += 1
        incident = service.report(IncidentDraft("CON01", f"crash test {n}", description="x" * 200), "operator")
        print(incident, "report", flush=True)
        for action, step in (("accept", lambda: service.accept(incident, "operator")),
                             ("assign", lambda: service.assign(incident, "operator", worker_id=worker_id)),
                             ("start", lambda: service.start(incident, "operator")),
                             ("resolve", lambda: service.resolve(incident, "operator", "done")),
                             ("close", lambda: service.close(incident, "operator"))):
            step()
            out.write(f"{incident} {action}\n")
            out.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
