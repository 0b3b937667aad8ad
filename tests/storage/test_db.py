"""Opening a store: migrations, SQLite tuning, and one-line errors for the operator."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from console.storage.db import MIGRATIONS_DIR, StoreError, migrate, open_store, schema_is_current
from console.storage.models import Base, Meta, Village

HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
TABLES = {"towns", "villages", "grids", "workers", "departments", "cameras", "operators", "incidents",
          "incident_departments", "attachments", "audit_entries", "supervision_orders", "meta"}


def _schema(engine) -> dict:
    inspector = inspect(engine)
    return {table: ([(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                    sorted(i["name"] for i in inspector.get_indexes(table)))
            for table in sorted(inspector.get_table_names())}


def _revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrating_an_empty_database_creates_the_schema_at_head(empty_store_url):
    store = open_store(empty_store_url, migrate_schema=False)
    try:
        assert not schema_is_current(store.engine)
        assert not TABLES & set(inspect(store.engine).get_table_names())
        migrate(store.engine)
        assert schema_is_current(store.engine)
        assert _revision(store.engine) == HEAD
        assert TABLES <= set(inspect(store.engine).get_table_names())
    finally:
        store.dispose()


def test_migrating_twice_changes_nothing(empty_store_url):
    store = open_store(empty_store_url)
    try:
        with store.sessions.begin() as session:
            session.add(Meta(key="demo", value="yangxunqiao"))
        before = _schema(store.engine)
        migrate(store.engine)
        again = open_store(empty_store_url)
        again.dispose()
        assert schema_is_current(store.engine)
        assert _schema(store.engine) == before
        with store.sessions() as session:
            assert [(m.key, m.value) for m in session.scalars(select(Meta))] == [("demo", "yangxunqiao")]
    finally:
        store.dispose()


def test_models_and_migration_agree(store):
    """If this fails, a model changed without a migration (or the other way round)."""
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_is_tuned_on_every_connection(sqlite_store):
    for _ in range(2):  # a fresh pooled connection, and a reused one
        with sqlite_store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_a_dangling_foreign_key_is_refused(store):
    with pytest.raises(IntegrityError):
        with store.sessions.begin() as session:
            session.add(Village(code="V9", town_id=999, name_zh="无镇村", name_en="Orphan", lon=0.0, lat=0.0))
    with store.sessions() as session:
        assert session.scalars(select(Village)).all() == []


def test_a_plain_path_opens_sqlite(tmp_path):
    store = open_store(str(tmp_path / "plain.db"))
    try:
        assert store.is_sqlite
        assert schema_is_current(store.engine)
        assert (tmp_path / "plain.db").is_file()
    finally:
        store.dispose()


def _assert_one_line(error: StoreError, *expected: str) -> None:
    message = str(error)
    assert message and "\n" not in message
    assert "Traceback" not in message and 'File "' not in message
    for part in expected:
        assert part in message


def test_unknown_database_kind(tmp_path):
    with pytest.raises(StoreError) as caught:
        open_store("nosuchdb://somewhere/x")
    _assert_one_line(caught.value, "nosuchdb")


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError) as caught:
        open_store(str(tmp_path / "no" / "such" / "dir" / "gridwatch.db"))
    _assert_one_line(caught.value, "does not exist")
    assert not (tmp_path / "no").exists()


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "gridwatch.db"
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        open_store(str(path))
    _assert_one_line(caught.value, "not a database")
    assert path.read_bytes() == garbage  # left as it was


def test_a_directory_instead_of_a_file(tmp_path):
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{tmp_path}")
    _assert_one_line(caught.value)


def test_a_database_from_a_newer_gridwatch(tmp_path):
    path = tmp_path / "gridwatch.db"
    open_store(str(path)).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    with pytest.raises(StoreError) as caught:
        open_store(str(path))
    _assert_one_line(caught.value, "ffff9999")
    assert "schema is newer than this Gridwatch" in str(caught.value)


def test_unreachable_postgresql_hides_the_password():
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://app:s3cret@127.0.0.1:1/gridwatch")
    _assert_one_line(caught.value, "127.0.0.1")
    assert "s3cret" not in str(caught.value)


def test_postgresql_store_url_hides_the_password(pg_server):
    store = open_store(pg_server.url().replace("app@", "app:s3cret@"), migrate_schema=False)
    try:
        assert "s3cret" not in store.url
        assert store.url.startswith("postgresql+psycopg://app:***@127.0.0.1:")
        assert not store.is_sqlite
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        store.dispose()


def test_a_migration_that_fails_half_way_leaves_the_sqlite_file_as_it_was(tmp_path):
    """0004 drops the audit trail's append-only triggers, rebuilds the table and recreates them: a failure
    in the middle must not leave the trail unguarded, nor a half-made schema."""
    from alembic import command

    from console.storage.db import _alembic_config, create_store_engine
    path = tmp_path / "half.db"
    store = open_store(str(path))
    with store.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0003")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE _alembic_tmp_audit_entries (x)")  # makes 0004's table rebuild fail
    store.dispose()

    def snapshot():
        with sqlite3.connect(path) as db:
            return sorted(db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
    before = snapshot()
    engine = create_store_engine(str(path))
    with pytest.raises(Exception, match="_alembic_tmp_audit_entries"):
        migrate(engine)
    engine.dispose()
    after = snapshot()
    assert after == before
    assert ("trigger", "audit_entries_no_update") in after and ("table", "follow_up_tasks") not in after
    engine = create_store_engine(str(path))
    assert _revision(engine) == "0003"
    engine.dispose()
