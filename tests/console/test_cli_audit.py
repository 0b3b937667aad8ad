"""``gridwatch audit verify`` as a user runs it (in this process, for speed): exit 0 on a sound trail, the
first bad entry named otherwise."""

from __future__ import annotations

import sqlite3

from tests.console.test_cli import gridwatch_here


def test_verify_passes_on_the_demo_and_names_the_entry_someone_edited(tmp_path):
    db = str(tmp_path / "audit.db")
    written = gridwatch_here("demo-data", "--db", db, "--days", "1")
    assert written.returncode == 0, written.stderr

    sound = gridwatch_here("audit", "verify", "--db", db)
    assert sound.returncode == 0, sound.stderr
    assert sound.stdout.startswith("the audit trail holds: ") and " entries in " in sound.stdout

    with sqlite3.connect(db) as connection:  # as someone with the file would: around the append-only trigger
        connection.execute("DROP TRIGGER audit_entries_no_update")
        connection.execute("UPDATE audit_entries SET actor = '某人' WHERE id = 100")
    broken = gridwatch_here("audit", "--db", db, "verify")
    assert broken.returncode == 1
    assert broken.stderr.startswith("gridwatch: the audit trail is broken: entry #100 (")
    assert "by 某人" in broken.stderr and "was altered" in broken.stderr


def test_verify_on_a_missing_database_is_one_line(tmp_path):
    result = gridwatch_here("audit", "verify", "--db", str(tmp_path / "nowhere" / "x.db"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
