"""The console killed with SIGKILL during a burst of writes: the SQLite store stays consistent (issue 8).

A child process (:mod:`tests.storage.crash_writer`) walks incidents through the workflow and
acknowledges each committed step on stdout; the test kills it with SIGKILL after a varying number
of acknowledgements — almost certainly in the middle of the next transaction — and reopens the
store: it must pass ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``, hold every
acknowledged step, and hold no half-written one (each incident's status is the last status its
audit trail moved it to, and each step's audit entry came with its status change).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from console.storage.db import open_store
from console.storage.models import AuditEntry, Incident
from tests.storage.conftest import seed_places

ROOT = Path(__file__).resolve().parents[2]


def _burst_then_kill(path: Path, worker_id: int, kill_after: int) -> list[tuple[int, str]]:
    """Run the writer, SIGKILL it right after its ``kill_after``-th acknowledgement; the acknowledgements."""
    child = subprocess.Popen([sys.executable, "-m", "tests.storage.crash_writer", str(path), str(worker_id)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    acknowledged = []
    try:
        for line in child.stdout:
            incident, action = line.split()
            acknowledged.append((int(incident), action))
            if len(acknowledged) >= kill_after:
                child.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail(f"the writer ended on its own: {child.stderr.read()[-2000:]}")
    finally:
        child.kill()
        child.wait(10)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return acknowledged


@pytest.mark.parametrize("kill_after", [1, 7, 23, 61])
def test_every_acknowledged_step_survives_a_sigkill_and_nothing_is_half_written(tmp_path, sqlite_template,
                                                                               kill_after):
    path = tmp_path / "gridwatch.db"
    shutil.copyfile(sqlite_template, path)
    store = open_store(str(path), migrate_schema=False)
    worker_id = seed_places(store).workers[0]
    store.dispose()

    acknowledged = _burst_then_kill(path, worker_id, kill_after)
    assert len(acknowledged) == kill_after
    # The killed process's WAL is still beside the file: reopening it is the recovery under test.
    assert path.with_name(path.name + "-wal").exists()

    store = open_store(str(path), migrate_schema=False)
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with store.sessions() as session:
            statuses = dict(session.execute(select(Incident.id, Incident.status)).all())
            versions = dict(session.execute(select(Incident.id, Incident.version)).all())
            trail: dict[int, list[AuditEntry]] = {}
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
                trail.setdefault(entry.incident_id, []).append(entry)
    finally:
        store.dispose()

    for incident, action in acknowledged:
        assert incident in statuses, f"acknowledged incident {incident} is missing"
        assert action in [e.action for e in trail.get(incident, [])], f"acknowledged {action} of {incident} lost"
    last_acknowledged = max(i for i, _a in acknowledged)
    assert set(statuses) <= set(range(1, last_acknowledged + 2))  # at most the one being reported
    for incident, status in statuses.items():
        entries = trail.get(incident, [])
        assert entries and entries[0].action == "report", f"incident {incident} without its report entry"
        assert entries[-1].to_status == status, f"incident {incident} is {status} but its trail says otherwise"
        assert [e.from_status for e in entries[1:]] == [e.to_status for e in entries[:-1]]
        assert versions[incident] == len(entries), f"incident {incident}: a step without its audit entry"
