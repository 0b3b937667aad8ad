"""Stores for the storage tests, on SQLite and on a real PostgreSQL.

``store`` (and ``empty_store_url``) are parametrized over ``sqlite`` and
``postgresql``.  A SQLite store is a fresh file (a copy of one migrated at the
start of the session); a PostgreSQL store is one migrated database, emptied
before each test.  The PostgreSQL server (tests/pg.py) is started once per
session, only when a test first needs it, and stopped at the end even when
tests fail.  Select one backend with ``-k sqlite`` or ``-k "not postgresql"``.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert

from console.core.clock import FakeClock
from console.storage.audit_chain import GENESIS
from console.storage.db import Store, open_store
from console.storage.dispatch import DispatchService
from console.storage.models import (AuditChainHead, Base, Department, Grid, Incident, Town, Village, Worker,
                                    incident_departments)
from tests.pg import PgServer, PgUnavailable

BACKENDS = ["sqlite", "postgresql"]
START = datetime(2026, 11, 29, 8, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server on 127.0.0.1 for the whole session."""
    server, problem = None, ""
    try:
        server = PgServer().start()
    except PgUnavailable as exc:
        problem = str(exc)
    if server is None:  # outside the except block, so the message is all that is shown
        pytest.fail(problem, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_database(pg_server) -> str:
    """The URL of one migrated database that the ``store`` fixture empties before each test.

    Emptying a handful of rows is far faster than creating a database per test
    (CREATE DATABASE costs 0.3-0.7 s here); the migration tests get their own
    empty databases through ``empty_store_url``."""
    url = pg_server.url(pg_server.create_database())
    open_store(url).dispose()
    return url


def _empty_all_tables(store: Store) -> None:
    with store.engine.begin() as connection:
        # Replica mode skips triggers: the audit trail's append-only guard and the foreign-key checks.
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(insert(AuditChainHead).values(id=1, seal_id=0, last_entry_id=0, digest=GENESIS))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_store_url(backend, request, tmp_path):
    """The URL of an empty database (nothing migrated yet) on the backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'gridwatch.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file that per-test stores are copied from (a copy is ten times faster)."""
    path = tmp_path_factory.mktemp("template") / "gridwatch.db"
    open_store(str(path)).dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture
def store(backend, request, tmp_path) -> Store:
    """A migrated, empty store on the backend, disposed after the test."""
    if backend == "sqlite":
        path = tmp_path / "gridwatch.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        store = open_store(str(path), migrate_schema=False)  # a copy of a migrated file
        yield store
        store.dispose()
        return
    store = open_store(request.getfixturevalue("pg_database"), migrate_schema=False)  # migrated once
    _empty_all_tables(store)
    yield store
    store.dispose()


@pytest.fixture
def sqlite_store(tmp_path, sqlite_template) -> Store:
    path = tmp_path / "gridwatch.db"
    shutil.copyfile(sqlite_template, path)
    store = open_store(str(path), migrate_schema=False)
    yield store
    store.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@dataclass(frozen=True)
class Places:
    """Ids of the seeded town: two villages, a grid each, a worker each, three departments."""

    town: int
    villages: tuple[int, int]
    grids: tuple[int, int]
    workers: tuple[int, int]
    departments: tuple[int, int, int]


WORKER_NAMES = ("王小红", "李建国")
DEPARTMENT_NAMES = ("杨汛桥派出所", "综合行政执法队", "市场监管所")


def seed_places(store: Store) -> Places:
    with store.sessions.begin() as session:
        town = Town(code="YXQ", name_zh="杨汛桥镇", name_en="Yangxunqiao")
        session.add(town)
        session.flush()
        villages = [Village(code=f"V{i}", town_id=town.id, name_zh=name, name_en=f"Village {i}",
                            lon=120.3 + i / 100, lat=30.1) for i, name in enumerate(("江桥村", "麒麟村"))]
        session.add_all(villages)
        session.flush()
        grids = [Grid(code=f"G{i}", village_id=v.id, name=f"第{i}网格", lon=v.lon, lat=v.lat)
                 for i, v in enumerate(villages)]
        session.add_all(grids)
        session.flush()
        workers = [Worker(code=f"W{i}", name=name, phone=f"1380000000{i}", grid_id=g.id)
                   for i, (name, g) in enumerate(zip(WORKER_NAMES, grids))]
        departments = [Department(code=f"D{i}", town_id=town.id, name_zh=name, name_en=f"Department {i}",
                                  kind=kind)
                       for i, (name, kind) in enumerate(zip(DEPARTMENT_NAMES,
                                                            ("police", "law_enforcement", "market")))]
        session.add_all(workers + departments)
        session.flush()
        return Places(town.id, tuple(v.id for v in villages), tuple(g.id for g in grids),
                      tuple(w.id for w in workers), tuple(d.id for d in departments))


@pytest.fixture
def places(store) -> Places:
    return seed_places(store)


@pytest.fixture
def service(store, clock, places) -> DispatchService:
    return DispatchService(store, clock)


class RendezvousClock(FakeClock):
    """A fake clock that, once armed, holds each of ``parties`` threads at its first ``now()``
    until all of them got there: a way to make two transactions read before either writes."""

    def __init__(self, start: datetime = START):
        super().__init__(start)
        self._barrier: threading.Barrier | None = None
        self._waited: set[int] = set()

    def arm(self, parties: int) -> None:
        self._barrier = threading.Barrier(parties, timeout=20)
        self._waited = set()

    def now(self) -> datetime:
        barrier, me = self._barrier, threading.get_ident()
        if barrier is not None and me not in self._waited:
            self._waited.add(me)
            barrier.wait()
        return super().now()


_incident_numbers = itertools.count(1)


def insert_incident(store: Store, places: Places, *, created: int, village: int = 0, status: str = "closed",
                    source: str = "worker_app", category: str = "ENV", level: int = 1, deadline_after: int = 86400,
                    resolved_at: int | None = None, closed_at: int | None = None,
                    departments: tuple[int, ...] = (), prefix: str = "T") -> int:
    """One incident row written straight into the table (times in epoch seconds; ``resolved_at`` is kept only
    for a resolved or closed one), linked to ``departments`` (indexes into ``places.departments``)."""
    n = next(_incident_numbers)
    with store.engine.begin() as conn:
        incident_id = conn.execute(insert(Incident.__table__).values(
            number=f"{prefix}-{n:05d}", title=f"incident {n}", description="", category=category,
            subitem=category + "01", level=level, source=source, village_id=places.villages[village],
            grid_id=places.grids[village], reporter="", created_at=created, deadline_at=created + deadline_after,
            status=status, one_key=source == "one_key", queue_rank=1, assignee_text="", feedback="", version=1,
            resolved_at=resolved_at if status in ("resolved", "closed") else None,
            closed_at=closed_at)).inserted_primary_key[0]
        for d in departments:
            conn.execute(insert(incident_departments).values(incident_id=incident_id,
                                                             department_id=places.departments[d]))
    return incident_id
