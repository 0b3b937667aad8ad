"""``gridwatch backup`` and ``gridwatch restore``, run as a user runs them."""

from __future__ import annotations

import re
import sqlite3

import pytest

from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from tests.console.test_cli import gridwatch, gridwatch_here


def _one_line_failure(result, pattern: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert re.search(pattern, result.stderr), result.stderr


def test_backup_then_restore_round_trip_with_the_refusals_on_the_way(tmp_path):
    db, copy = tmp_path / "gridwatch.db", tmp_path / "copy.db"
    store = open_store(str(db))
    service = DispatchService(store)
    service.report(IncidentDraft("CON01", "kept"), "operator")
    try:
        made = gridwatch("backup", "--db", str(db), str(copy))  # while the store is open here
        assert made.returncode == 0, made.stderr
        assert re.fullmatch(rf"backed up to {re.escape(str(copy))}: [\d.]+ KiB, 1 incidents, schema \d+\n",
                            made.stdout), made.stdout
        _one_line_failure(gridwatch_here("backup", "--db", str(db), str(copy)), "already exists; pass --force")
        assert gridwatch_here("--db", str(db), "backup", "--force", str(copy)).returncode == 0

        service.report(IncidentDraft("CON01", "after the backup"), "operator")
        _one_line_failure(gridwatch_here("restore", "--db", str(db), str(copy)),
                          r"is in use \(a console or `gridwatch serve` has it open\); close them")
    finally:
        store.dispose()

    restored = gridwatch_here("restore", "--db", str(db), str(copy))
    assert restored.returncode == 0, restored.stderr
    lines = restored.stdout.splitlines()
    assert lines[0] == f"restored {db} from {copy}: 1 incidents, schema {lines[0].rsplit(' ', 1)[1]}"
    [kept] = tmp_path.glob("gridwatch.db.before-restore-*")
    assert lines[1] == f"the replaced database is kept as {kept}"
    with sqlite3.connect(db) as restored_db, sqlite3.connect(kept) as kept_db:
        assert restored_db.execute("SELECT title FROM incidents").fetchall() == [("kept",)]
        assert len(kept_db.execute("SELECT title FROM incidents").fetchall()) == 2


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_a_postgresql_url_is_told_to_use_the_servers_tools(tmp_path, command):
    result = gridwatch_here(command, "--db", "postgresql://app:secret@127.0.0.1:1/gridwatch", str(tmp_path / "x.db"))
    _one_line_failure(result, r"PostgreSQL database: back it up with the server's tools, e.g. `pg_dump .*pg_restore")
    assert "secret" not in result.stderr


def test_restoring_something_else_is_refused_in_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database")
    _one_line_failure(gridwatch_here("restore", "--db", str(tmp_path / "gridwatch.db"), str(tmp_path / "notes.txt")),
                      "is not a Gridwatch backup")
    assert not (tmp_path / "gridwatch.db").exists()
