"""Backing up a SQLite store while it is written to, and restoring it (console/storage/backup.py)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import func, select

from console.storage.backup import BackupError, backup, blob_dir, restore
from console.storage.blobs import blob_store
from console.storage.db import _alembic_config, open_store, schema_is_current
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import AuditEntry, Incident
from tests.storage.conftest import START

WHEN = datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)


def _incident_titles(path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT title FROM incidents")}


def _report(service: DispatchService, title: str) -> int:
    return service.report(IncidentDraft("CON01", title), "operator")


def test_a_backup_taken_while_another_thread_writes_is_consistent_and_has_every_earlier_write(sqlite_store,
                                                                                              tmp_path):
    service = DispatchService(sqlite_store)
    for n in range(300):  # enough pages for several steps of the copy
        _report(service, f"before {n} " + "x" * 100)
    committed: list[str] = []
    stop = threading.Event()
    first_during = threading.Event()
    committed_again = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                incident = _report(service, f"during {n}")
                service.accept(incident, "operator")
                committed.append(f"during {n}")
                first_during.set()
                committed_again.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            first_during.set()

    writer = threading.Thread(target=write)
    writer.start()
    steps: list[tuple[int, int]] = []

    def progress(copied: int, total: int) -> None:
        steps.append((copied, total))
        if len(steps) == 1:  # make sure the writer commits while the copy is under way
            committed_again.clear()
            assert committed_again.wait(10)

    try:
        assert first_during.wait(10)
        before_backup = list(committed)
        summary = backup(sqlite_store.url, tmp_path / "copy.db", pages=4, progress=progress)
        more = len(committed)
    finally:
        stop.set()
        writer.join(30)
    assert failures == []
    assert len(steps) > 3 and steps[-1][0] == steps[-1][1]
    assert [copied for copied, _ in steps] == sorted(copied for copied, _ in steps)  # never restarted

    copy = tmp_path / "copy.db"
    titles = _incident_titles(copy)
    assert {f"before {n} " + "x" * 100 for n in range(300)} <= titles
    assert set(before_backup) <= titles
    assert summary.incidents == len(titles) and summary.size == copy.stat().st_size
    print(f"{len(steps)} steps, {more - len(before_backup)} commits by the writer during the backup")
    assert more > len(before_backup)  # the writer carried on: the snapshot blocks nobody (WAL)
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        # A snapshot: no incident without its report, no accept without its status.
        assert db.execute("SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM audit_entries a "
                          "WHERE a.incident_id = i.id AND a.action = 'report')").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM incidents i WHERE i.status != (SELECT a.to_status FROM "
                          "audit_entries a WHERE a.incident_id = i.id ORDER BY a.id DESC LIMIT 1)").fetchone() == (0,)
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left


def test_a_backup_refuses_to_overwrite_unless_forced(sqlite_store, tmp_path):
    out = tmp_path / "copy.db"
    out.write_bytes(b"precious")
    with pytest.raises(BackupError, match="already exists; pass --force"):
        backup(sqlite_store.url, out)
    assert out.read_bytes() == b"precious"
    assert backup(sqlite_store.url, out, force=True).incidents == 0
    assert _incident_titles(out) == set()


@pytest.mark.parametrize("url, message", [
    ("postgresql+psycopg://app@127.0.0.1:5432/gridwatch", "pg_dump"),
    ("postgresql://app:secret@db.example/gridwatch", "pg_restore"),
    ("sqlite://", "not a database file"),
])
def test_postgresql_and_memory_stores_are_pointed_elsewhere(tmp_path, url, message):
    for run in (lambda: backup(url, tmp_path / "copy.db"), lambda: restore(url, tmp_path / "copy.db")):
        with pytest.raises(BackupError, match=message) as caught:
            run()
        assert "\n" not in str(caught.value) and "secret" not in str(caught.value)


def test_a_missing_database_is_not_created_by_a_backup(tmp_path):
    with pytest.raises(BackupError, match="there is no database at"):
        backup(str(tmp_path / "none.db"), tmp_path / "copy.db")
    assert not (tmp_path / "none.db").exists()


def test_restore_round_trip_keeps_the_replaced_store(sqlite_store, tmp_path):
    path = sqlite_store.engine.url.database
    service = DispatchService(sqlite_store)
    kept_id = _report(service, "in the backup")
    backup(path, tmp_path / "copy.db")
    _report(service, "after the backup")
    sqlite_store.dispose()

    summary = restore(path, tmp_path / "copy.db", now=WHEN)
    assert summary.kept is not None and summary.kept.name == "gridwatch.db.before-restore-20261130T093000Z"
    assert (summary.incidents, summary.migrated) == (1, False)
    assert _incident_titles(path) == {"in the backup"}
    assert _incident_titles(summary.kept) == {"in the backup", "after the backup"}
    store = open_store(path, migrate_schema=False)
    try:
        assert DispatchService(store).get(kept_id).title == "in the backup"
        _report(DispatchService(store), "after the restore")  # a working store, WAL again
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.dispose()


def test_restore_refuses_while_another_connection_has_the_store_open(sqlite_store, tmp_path):
    path = sqlite_store.engine.url.database
    _report(DispatchService(sqlite_store), "live")
    backup(path, tmp_path / "copy.db")
    with sqlite_store.engine.connect() as connection:  # an idle console holds its pooled connection
        connection.exec_driver_sql("SELECT 1").all()
    with pytest.raises(BackupError, match=r"is in use \(a console or `gridwatch serve` has it open\)"):
        restore(path, tmp_path / "copy.db", now=WHEN)
    assert not list(tmp_path.glob("*.before-restore-*"))
    with sqlite_store.sessions() as session:  # untouched
        assert session.scalar(select(func.count()).select_from(Incident)) == 1


def test_restore_refuses_what_is_not_a_gridwatch_store(tmp_path):
    target = tmp_path / "gridwatch.db"
    open_store(str(target)).dispose()
    (tmp_path / "text.db").write_text("hello")
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE notes (x)")
    with pytest.raises(BackupError, match="not a Gridwatch backup"):
        restore(str(target), tmp_path / "text.db")
    with pytest.raises(BackupError, match="not a Gridwatch store"):
        restore(str(target), tmp_path / "other.db")
    with pytest.raises(BackupError, match="there is no backup at"):
        restore(str(target), tmp_path / "none.db")


def test_restore_refuses_a_backup_from_a_newer_gridwatch(sqlite_store, tmp_path):
    path = sqlite_store.engine.url.database
    backup(path, tmp_path / "copy.db")
    with sqlite3.connect(tmp_path / "copy.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    sqlite_store.dispose()
    with pytest.raises(BackupError, match="schema revision 9999, newer than this Gridwatch's"):
        restore(path, tmp_path / "copy.db", now=WHEN)
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_an_older_backup_is_migrated_when_restored(tmp_path):
    old = tmp_path / "old.db"
    store = open_store(str(old))
    with store.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0008")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO incidents (number, title, description, category, subitem, level, source, reporter, "
            "created_at, deadline_at, status, one_key, queue_rank, assignee_text, feedback, version) VALUES "
            f"('T-1', 'old', '', 'CON', 'CON01', 1, 'operator', '', {int(START.timestamp())}, "
            f"{int(START.timestamp()) + 86400}, 'reported', 0, 1, '', '', 1)")
    store.dispose()
    backup(str(old), tmp_path / "old-backup.db")

    target = tmp_path / "gridwatch.db"
    summary = restore(str(target), tmp_path / "old-backup.db")
    assert (summary.revision, summary.migrated, summary.kept, summary.incidents) == ("0008", True, None, 1)
    store = open_store(str(target), migrate_schema=False)
    try:
        assert schema_is_current(store.engine)
        with store.sessions() as session:
            assert session.scalar(select(Incident.title)) == "old"
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    finally:
        store.dispose()


def test_photos_travel_with_the_backup_and_back(sqlite_store, tmp_path):
    path = sqlite_store.engine.url.database
    with sqlite_store.sessions.begin() as session:
        sha = blob_store(sqlite_store).put(session, b"\x89PNG photo bytes")
    backup(path, tmp_path / "copy.db")
    assert any(p.is_file() for p in blob_dir(tmp_path / "copy.db").rglob("*"))
    sqlite_store.dispose()
    restored = tmp_path / "elsewhere" / "gridwatch.db"
    restored.parent.mkdir()
    restore(str(restored), tmp_path / "copy.db")
    store = open_store(str(restored), migrate_schema=False)
    try:
        assert blob_store(store).get(sha) == b"\x89PNG photo bytes"
    finally:
        store.dispose()
