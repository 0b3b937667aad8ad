"""Open a store: create the engine, tune SQLite, apply migrations."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """The database cannot be opened or used; the message is one line for the operator."""


@dataclass
class Store:
    """An opened database: its engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def _tune_sqlite(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # 16 MiB page cache per connection: the console holds up to five (writer, readers, pool), and the
    # OS page cache already keeps hot pages; bigger caches only add to resident memory.
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` (an SQLAlchemy URL, or a plain path meaning SQLite)."""
    if "://" not in url:
        path = Path(url).expanduser()
        url = f"sqlite:///{path}"
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot open {database}: directory {parent} does not exist")
        engine = create_engine(parsed, connect_args={"timeout": 10})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        # A bounded connect: a server that silently drops packets is an error after 10 s, not a hang.
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot use database {parsed.render_as_string(hide_password=True)}: {exc}") from exc


def _alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it already is), all or nothing.

    PostgreSQL runs DDL inside the transaction anyway.  Python's ``sqlite3`` does not: it opens
    its implicit transactions only before INSERT/UPDATE/DELETE, so a migration failing half-way
    (a table rebuilt, its triggers not yet recreated) would leave a half-migrated file.  On SQLite
    the migration therefore runs on a connection in driver autocommit inside an explicit
    ``BEGIN IMMEDIATE`` … ``COMMIT``, and any failure rolls every step back."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            command.upgrade(_alembic_config(connection), "head")
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")


def schema_is_current(engine: Engine) -> bool:
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def open_store(url: str, *, migrate_schema: bool = True) -> Store:
    """Open (and by default migrate) the store at ``url``; :class:`StoreError` on any failure."""
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if migrate_schema:
            migrate(engine)
    except (OperationalError, SQLAlchemyError, CommandError) as exc:
        # CommandError: alembic cannot place the database's revision, e.g. it was made by a newer Gridwatch.
        engine.dispose()
        reason = _one_line(exc)
        if isinstance(exc, CommandError) and "Can't locate revision" in str(exc):
            reason += " (its schema is newer than this Gridwatch, or not Gridwatch's; upgrade Gridwatch)"
        raise StoreError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: "
                         f"{reason}") from exc
    return Store(engine, sessionmaker(engine, expire_on_commit=False))


def _one_line(exc: BaseException) -> str:
    """The first non-empty line of the driver's message (or of the exception), else its class name."""
    for candidate in (getattr(exc, "orig", None), exc):
        if candidate is None:
            continue
        lines = [line.strip() for line in str(candidate).splitlines() if line.strip()]
        if lines:
            return lines[0]
    return type(exc).__name__
