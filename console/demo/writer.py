"""Write a demo world and its history into a store, fast enough for a city.

The write is one SQLite transaction on the store's connection, with a helper:

* the **incident table** is written and indexed in a scratch database — by a
  helper process on the second core for a large history, which generates the
  rows itself from the pickled history generator (threads would fight over the
  GIL, and generating a day costs less than pickling its rows), on this thread
  for a small one — and copied into the store at the end with SQLite's transfer
  optimisation (``INSERT INTO … SELECT *`` between identical tables copies
  records and index entries without decoding them; see
  :mod:`console.demo.incident_builder` and :mod:`console.demo.incident_table`);
* meanwhile the store's connection generates the same days for what the
  incident rows do not hold, writes places and people, the department links
  and a temporary table of the incidents' timelines, from which it expands the
  **audit trail** inside the database (:mod:`console.demo.audit_trail`:
  ``INSERT … SELECT`` over slices of ids instead of five or six ``executemany``
  rows per incident).  The secondary indexes of the audit trail and of the
  department links are dropped before the load and recreated after it from the
  ORM's :class:`~sqlalchemy.Index` objects.
* the planner's statistics of the incident table are gathered where it was
  built, while this connection copies it, and taken over into ``sqlite_stat1``
  (the queue's plans depend on them, see bench/RESULTS.md).

SQLite DDL is transactional, so a cancelled or failed write rolls everything
back — including the dropped index — and leaves the store exactly as it was;
the helper process is stopped and the scratch files deleted either way.  During
the write the store's connection runs with ``synchronous=OFF``, foreign-key
checks off (the ids are consistent by construction; the tests run ``PRAGMA
foreign_key_check``), a large page cache and, when no other connection has the
database open, a rollback journal instead of the WAL.  All of it is restored
afterwards.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

import numpy as np
from sqlalchemy.schema import CreateIndex

from console.core.assessment import load_rules
from console.core.clock import from_epoch
from console.core.deadlines import supervision_number
from console.core.taxonomy import Taxonomy, default_taxonomy
from console.demo import audit_trail, mix, patrol_history
from console.demo.geometry import boundary_rows
from console.demo.history import HistoryGenerator, IncidentBatch
from console.demo.incident_builder import IncidentTableBuilder, IncidentTableError
from console.demo.incident_table import compiled_ddl
from console.demo.photos import PHOTOGRAPHED_SUBITEMS, incident_photo
from console.demo.places import DemoWorld, build_world
from console.demo.zones import watch_zone_rows
from console.storage import audit_chain
from console.storage.boundaries import INSERT_BOUNDARY_SQL
from console.storage.db import Store
from console.storage.dispatch import NUMBER_DIGITS_KEY
from console.storage.models import AuditEntry, incident_departments
from console.tasks import TaskState

log = logging.getLogger(__name__)

META_PREFIX = "demo."
#: Tables the demo fills; a store with rows in any of them is not empty.
_PLACE_TABLES = ("towns", "villages", "grids", "workers", "departments", "boundaries")
_PHOTOS = 12
_LOAD_CACHE_KIB = 256 * 1024
_TUNED_PRAGMAS = ("synchronous", "foreign_keys", "cache_size", "temp_store", "secure_delete")
_SCRATCH = "demo_scratch"
_AUDIT_SLICE = 50_000
#: The secondary indexes of the tables this connection loads: dropped before, built after (cheaper than kept).
_LOAD_INDEXES = sorted([*AuditEntry.__table__.indexes, *incident_departments.indexes], key=lambda i: i.name)


class DemoDataError(ValueError):
    """The demo data cannot be written, e.g. because the store already holds data."""


@dataclass
class DemoSummary:
    """What :func:`write_demo_data` wrote, and how fast."""

    scale: str
    seed: int
    until: datetime
    days: int
    towns: int
    villages: int
    grids: int
    workers: int
    departments: int
    department_staff: int
    cameras: int
    operators: int
    incidents: int
    audit_entries: int
    supervision_orders: int
    attachments: int
    open_incidents: int
    number_digits: int
    seconds: float
    patrol_days: int = 0  # daily patrol summaries (worker-days)

    @property
    def incidents_per_second(self) -> float:
        return self.incidents / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        """A few lines for the terminal."""
        return (f"Demo {self.scale} (seed {self.seed}): {self.towns} towns, {self.villages} villages, "
                f"{self.grids} grids, {self.workers} workers, {self.departments} departments "
                f"({self.department_staff} staff), {self.cameras} cameras, {self.operators} operators\n"
                f"History: {self.incidents:,} incidents over {self.days} days up to "
                f"{self.until:%Y-%m-%d %H:%M} UTC ({self.open_incidents:,} open), "
                f"{self.audit_entries:,} audit entries, {self.supervision_orders:,} supervision orders, "
                f"{self.attachments} photos, {self.patrol_days:,} daily patrol summaries\n"
                f"Written in {self.seconds:.1f} s ({self.incidents_per_second:,.0f} incidents/s)")


def default_until(now: datetime | None = None) -> datetime:
    """The current time rounded down to the hour (UTC): where the history ends by default."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def demo_info(store: Store) -> dict | None:
    """Which demo the store holds — scale, seed, days, until, incidents, number_digits — or None."""
    try:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT key, value FROM meta WHERE key LIKE 'demo.%'").all()
    except Exception:  # no meta table: not a Gridwatch store (yet), so not a demo store
        return None
    values = {key.removeprefix(META_PREFIX): value for key, value in rows}
    if "scale" not in values:
        return None
    info: dict = dict(values)
    for key in ("seed", "days", "incidents", "number_digits"):
        if key in info:
            info[key] = int(info[key])
    for key in ("until", "written_at"):
        if key in info:
            info[key] = datetime.fromisoformat(info[key])
    return info


def write_demo_data(store: Store, scale: str = "town", days: int | None = None, seed: int = 1,
                    until: datetime | None = None, state: TaskState | None = None, replace: bool = False,
                    *, taxonomy: Taxonomy | None = None) -> DemoSummary:
    """Write the demo ``scale`` ("town" or "city") with ``days`` of history ending at ``until``.

    ``days`` defaults to 90 (town) or 243 (city, the article's 8 months);
    ``until`` to the current hour.  A store that already holds demo data is
    refused unless ``replace`` is true; a store holding other data is always
    refused.  Progress goes to ``state``; ``state.check()`` is honoured between
    days and raises :class:`~console.tasks.Cancelled`, after which the store is
    exactly as before (the write is a single transaction).
    """
    started = time.perf_counter()
    state = state or TaskState()
    if scale not in mix.DAILY_REPORTS:
        raise DemoDataError(f"unknown demo scale {scale!r}; choose town or city")
    days = mix.DEFAULT_DAYS[scale] if days is None else days
    if days <= 0:
        raise DemoDataError("days of history must be positive")
    until = default_until() if until is None else until
    if until.tzinfo is None:
        raise DemoDataError("until must be an aware datetime")
    if not store.is_sqlite:
        raise DemoDataError("demo data is written into SQLite stores only")
    state.set_progress(0.0, "Planning the demo")
    with IncidentTableBuilder(expected_incidents=round(mix.DAILY_REPORTS[scale] * days)) as incident_table:
        taxonomy = taxonomy or default_taxonomy()
        world = build_world(scale, seed)
        history = HistoryGenerator(world, taxonomy, until=until, days=days, seed=seed)
        history.number_digits = max(4, len(str(max((d.count for d in history.plan.days), default=1))))
        state.check()
        try:
            incident_table.start(history)
            # Leaving WAL mode for the load needs the database to ourselves: close the pool's idle connections.
            store.engine.dispose()
            raw = store.engine.raw_connection()
            try:
                loader = _BulkLoader(raw.driver_connection, state)
                with loader.tuned(), loader.attached(incident_table):
                    summary = loader.write(world, history, incident_table, replace=replace, days=days,
                                           until=until)
            finally:
                raw.close()
        except IncidentTableError as exc:
            raise DemoDataError(f"building the incident table failed: {exc}") from None
    summary.seconds = time.perf_counter() - started
    state.set_progress(1.0, f"Wrote {summary.incidents:,} incidents")
    log.info("demo data written: %s", summary.describe().replace("\n", "; "))
    return summary


class _BulkLoader:
    """One transaction on the store's raw SQLite connection that writes the whole demo."""

    def __init__(self, connection: sqlite3.Connection, state: TaskState):
        self.db = connection
        self.state = state

    # -- connection settings -------------------------------------------------------------------
    @contextmanager
    def tuned(self) -> Iterator[None]:
        """Bulk-load settings for the duration of the write, restored afterwards."""
        db = self.db
        saved_isolation = db.isolation_level
        if db.in_transaction:
            db.commit()
        db.isolation_level = None  # explicit BEGIN/COMMIT, so DDL is inside the transaction too
        saved = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in _TUNED_PRAGMAS + ("journal_mode",)}
        collecting = gc.isenabled()
        gc.disable()  # millions of short-lived tuples: the cyclic collector would only slow the load down
        try:
            db.execute("PRAGMA secure_delete=OFF")
            db.execute("PRAGMA foreign_keys=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{_LOAD_CACHE_KIB}")
            db.execute("PRAGMA temp_store=MEMORY")
            if str(saved["journal_mode"]).lower() == "wal":
                self._try_journal_mode("truncate")
            yield
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if str(saved["journal_mode"]).lower() == "wal":
                self._try_journal_mode("wal")
            for name in _TUNED_PRAGMAS:
                db.execute(f"PRAGMA {name}={saved[name]}")
            db.isolation_level = saved_isolation
            if collecting:
                gc.enable()

    def _try_journal_mode(self, mode: str) -> None:
        """Switch the journal mode if no other connection is in the way (WAL can only be left alone)."""
        try:
            got = self.db.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]
        except sqlite3.OperationalError as exc:  # database is locked
            log.info("journal mode stays as it is (%s): %s", mode, exc)
            return
        if got.lower() != mode:
            log.info("journal mode stays %s (wanted %s): another connection has the database open", got, mode)

    @contextmanager
    def attached(self, incident_table: IncidentTableBuilder) -> Iterator[None]:
        """The scratch database the incident table is built in, attached to the store's connection."""
        self.db.execute(f"ATTACH DATABASE ? AS {_SCRATCH}", (str(incident_table.path),))  # outside any transaction
        try:
            yield
        finally:
            incident_table.abandon()  # releases the helper's hold on the scratch database first
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self.db.execute(f"DETACH DATABASE {_SCRATCH}")

    # -- the write ----------------------------------------------------------------------------
    def write(self, world: DemoWorld, history: HistoryGenerator, incident_table: IncidentTableBuilder, *,
              replace: bool, days: int, until: datetime) -> DemoSummary:
        db, state = self.db, self.state
        db.execute("BEGIN")  # deferred: BEGIN IMMEDIATE would also lock the scratch database
        self._make_room(replace)
        state.set_progress(0.01, "Writing places and people")
        self._insert_world(world, until)
        self._drop_load_indexes()
        self._create_timeline_tables(world)
        total = max(1, history.plan.total)
        written = audit = open_count = 0
        supervisions: list[tuple[int, int, int, str]] = []
        for day in range(len(history.plan.days)):
            state.check()
            batch = history.batch(day, incidents=incident_table.in_process)
            incident_table.add(batch)
            self._insert_batch(batch)
            written += batch.count
            audit += batch.audit_entries
            open_count += batch.open_incidents
            supervisions.extend(batch.supervisions)
            state.set_progress(0.02 + 0.48 * written / total,
                               f"History {batch.day:%Y-%m-%d}: {written:,} of {total:,} incidents")
        # While the helper process (for a large history) still builds the incident table, expand the
        # audit trail from the timelines, a slice of ids at a time so cancelling stays quick.
        for first in range(1, written + 1, _AUDIT_SLICE):
            state.check()
            db.execute(audit_trail.EXPAND_AUDIT,
                       {"first": first, "last": first + _AUDIT_SLICE - 1, **self._shift_names})
            state.set_progress(0.50 + 0.30 * min(written, first + _AUDIT_SLICE) / total,
                               f"Audit trail: {min(written, first + _AUDIT_SLICE - 1):,} of {written:,} incidents")
        state.check()
        orders = self._insert_supervision_orders(supervisions, history.number_digits)
        audit_chain.seal_bulk(db, state, span=(0.80, 0.81))
        state.set_progress(0.81, "Indexing the audit trail and the department links")
        self._create_load_indexes()
        # Done here, where a large history would otherwise wait for the helper process.
        photos = self._insert_photos(world.seed)
        patrol_days = self._insert_patrol_days(world, days, until)
        db.executemany(INSERT_BOUNDARY_SQL, [row.values() for row in boundary_rows(world)])
        state.set_progress(0.85, "Indexing the incidents")
        incident_table.wait_indexed(state)
        state.set_progress(0.93, "Copying the incidents")
        db.execute(f"INSERT INTO incidents SELECT * FROM {_SCRATCH}.incidents")  # the transfer optimisation
        state.set_progress(0.97, "Refreshing the planner's statistics")
        self._take_statistics(incident_table.wait_statistics(state))
        state.check()
        self._write_meta(world, days, until, written, history.number_digits)
        db.execute("DROP TABLE temp.demo_timeline")
        db.execute("DROP TABLE temp.demo_step_kinds")
        db.execute("COMMIT")
        return DemoSummary(
            scale=world.scale, seed=world.seed, until=until, days=days, towns=len(world.towns),
            villages=len(world.villages), grids=len(world.grids), workers=len(world.workers),
            departments=len(world.departments), department_staff=world.department_staff,
            cameras=len(world.cameras), operators=len(world.operators), incidents=written,
            audit_entries=audit, supervision_orders=orders, attachments=photos,
            open_incidents=open_count, number_digits=history.number_digits, seconds=0.0,
            patrol_days=patrol_days)

    def _scalar(self, sql: str, *params):
        return self.db.execute(sql, params).fetchone()[0]

    def _make_room(self, replace: bool) -> None:
        """Refuse a store with data in it, or (``replace``) clear a demo store's data."""
        info = dict(self.db.execute("SELECT key, value FROM meta WHERE key LIKE 'demo.%'").fetchall())
        incidents = self._scalar("SELECT count(*) FROM incidents")
        places = sum(self._scalar(f"SELECT count(*) FROM {table}") for table in _PLACE_TABLES)
        if not info and not incidents and not places:
            return
        if not info:
            raise DemoDataError(f"this database already holds {incidents:,} incidents and {places:,} places "
                                "that are not demo data; write the demo into a new database")
        what = f"demo data ({info.get('demo.scale')} scale, seed {info.get('demo.seed')}, {incidents:,} incidents)"
        if not replace:
            raise DemoDataError(f"this database already holds {what}; replace it to write again")
        self.state.set_progress(0.005, "Removing the old demo data")
        triggers = self.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name IN ('audit_entries', 'audit_seals')").fetchall()
        for name, _sql in triggers:  # the append-only guard; restored below, in the same transaction
            self.db.execute(f'DROP TRIGGER "{name}"')
        self.db.execute("DELETE FROM change_alerts")
        self.db.execute("DELETE FROM watch_zones WHERE camera_id IN (SELECT id FROM cameras WHERE url LIKE 'demo:%')")
        for table in ("incident_departments", "attachments", "supervision_orders", "audit_entries",
                      "incident_presence", "incidents", "boundaries", "positions", "devices", "patrol_days"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("DELETE FROM cameras WHERE url LIKE 'demo:%'")
        self.db.execute("UPDATE cameras SET grid_id = NULL")
        for table in ("workers", "grids", "villages", "departments", "towns"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("DELETE FROM meta WHERE key LIKE 'demo.%'")
        audit_chain.restart_chain(self.db)  # the trail it sealed is gone
        for _name, sql in triggers:
            self.db.execute(sql)

    def _insert_world(self, world: DemoWorld, until: datetime) -> None:
        db = self.db
        db.executemany("INSERT INTO towns (id, code, name_zh, name_en) VALUES (?, ?, ?, ?)",
                       [(i + 1, t.code, t.name_zh, t.name_en) for i, t in enumerate(world.towns)])
        db.executemany("INSERT INTO villages (id, code, town_id, name_zh, name_en, kind, lon, lat) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i + 1, v.code, v.town + 1, v.name_zh, v.name_en, v.kind, v.lon, v.lat)
                        for i, v in enumerate(world.villages)])
        db.executemany("INSERT INTO grids (id, code, village_id, name, households, lon, lat) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(i + 1, g.code, g.village + 1, g.name, g.households, g.lon, g.lat)
                        for i, g in enumerate(world.grids)])
        db.executemany("INSERT INTO workers (id, code, name, phone, grid_id, on_duty) VALUES (?, ?, ?, ?, ?, ?)",
                       [(i + 1, w.code, w.name, w.phone, w.grid + 1, w.on_duty)
                        for i, w in enumerate(world.workers)])
        db.executemany("INSERT INTO departments (id, code, town_id, name_zh, name_en, kind, staff, assessment) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i + 1, d.code, d.town + 1, d.name_zh, d.name_en, d.kind, d.staff, d.assessment)
                        for i, d in enumerate(world.departments)])
        db.executemany("INSERT INTO cameras (name, url, sub_url, lon, lat, grid_id, group_name, view_direction, "
                       "view_angle, view_range) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                       [(c.name, c.url, c.lon, c.lat, c.grid + 1, c.group, c.direction, c.fov, c.range_m)
                        for c in world.cameras])
        db.executemany("INSERT INTO operators (login, display_name, role) VALUES (?, ?, ?) "
                       "ON CONFLICT (login) DO NOTHING",
                       [(o.login, o.display_name, o.role) for o in world.operators])
        db.executemany("INSERT INTO watch_zones (camera_id, name, polygon, enabled, created_at, created_by) "
                       "SELECT id, ?, ?, 1, ?, 'demo' FROM cameras WHERE name = ?",
                       [(zone, polygon, int(until.timestamp()), camera) for camera, zone, polygon in watch_zone_rows(world)])

    # -- the audit trail ----------------------------------------------------------------------
    def _drop_load_indexes(self) -> None:
        for index in _LOAD_INDEXES:
            self.db.execute(f'DROP INDEX IF EXISTS "{index.name}"')

    def _create_load_indexes(self) -> None:
        for index in _LOAD_INDEXES:
            self.state.check()
            self.db.execute(compiled_ddl(CreateIndex(index)))

    def _create_timeline_tables(self, world: DemoWorld) -> None:
        db = self.db
        db.execute(audit_trail.CREATE_TIMELINES)
        db.execute(audit_trail.CREATE_STEP_KINDS)
        db.executemany(audit_trail.INSERT_STEP_KIND, [(s,) for s in range(len(audit_trail.STEPS))])
        self._shift_names = {f"shift{i}": name for i, name in enumerate(world.shift_operator_names())}

    def _insert_batch(self, batch: IncidentBatch) -> None:
        if not batch.count:
            return
        db = self.db
        db.executemany("INSERT INTO incident_departments (incident_id, department_id) VALUES (?, ?)",
                       batch.department_links)
        db.executemany(audit_trail.INSERT_TIMELINE, batch.timelines)

    def _insert_supervision_orders(self, supervisions: list[tuple[int, int, int, str]], digits: int) -> int:
        """Number the supervision orders in the order they were issued (per year) and write their steps."""
        rows, sequence = [], {}
        for incident_id, issued_at, deadline_at, assignee in sorted(supervisions, key=lambda s: (s[1], s[0])):
            year = from_epoch(issued_at).year
            sequence[year] = sequence.get(year, 0) + 1
            number = (supervision_number(year, sequence[year]) if digits <= 4
                      else f"DB-{year}-{sequence[year]:0{digits}d}")
            rows.append((number, incident_id, issued_at, deadline_at, assignee, "system", "issued"))
        self.db.executemany("INSERT INTO supervision_orders (number, incident_id, issued_at, deadline_missed_at, "
                            "assignee_text, issued_by, state) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.execute(audit_trail.SUPERVISE_ENTRIES)
        return len(rows)

    def _insert_photos(self, seed: int) -> int:
        """A photo for a few of the newest reports of things one can photograph (chosen from the timelines,
        so that it is done while the incident table is still being built)."""
        marks = ", ".join("?" * len(PHOTOGRAPHED_SUBITEMS))
        candidates = self.db.execute(
            f"SELECT id, number, subitem, created_at FROM temp.demo_timeline WHERE subitem IN ({marks}) "
            "AND source IN ('worker_app', 'camera', 'one_key') ORDER BY id DESC LIMIT ?",
            (*PHOTOGRAPHED_SUBITEMS, _PHOTOS * 15)).fetchall()
        rows = [(incident_id, f"{number}-1.jpg", "image/jpeg",
                 incident_photo(subitem, from_epoch(created_at), seed + incident_id), created_at)
                for incident_id, number, subitem, created_at in candidates[::15][:_PHOTOS]]
        self.db.executemany("INSERT INTO attachments (incident_id, filename, mime, data, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", rows)
        return len(rows)

    def _insert_patrol_days(self, world: DemoWorld, days: int, until: datetime) -> int:
        """Every worker's daily patrol summary for the history's past days (:mod:`console.demo.patrol_history`)."""
        grid_ids = np.array([w.grid + 1 for w in world.workers], dtype=np.int64)
        on_duty = np.array([w.on_duty for w in world.workers], dtype=bool)
        rules = load_rules()
        written = 0
        for day in patrol_history.summary_days(world.scale, days, until):
            self.state.check()
            statement, rows = patrol_history.patrol_day_rows(world.seed, grid_ids, on_duty, day, rules)
            self.db.executemany(statement, rows)
            written += len(rows)
        return written

    def _take_statistics(self, rows: list[tuple[str, str | None, str]]) -> None:
        """The incident table's planner statistics, gathered where it was built (the same table, the same
        indexes), in place of an ``ANALYZE incidents`` here; ``ANALYZE sqlite_schema`` makes the planner
        read them."""
        db = self.db
        db.execute("ANALYZE meta")  # a tiny table; creates sqlite_stat1 in a store that has none yet
        db.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'incidents'")
        db.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", rows)
        db.execute("ANALYZE sqlite_schema")

    def _write_meta(self, world: DemoWorld, days: int, until: datetime, incidents: int, digits: int) -> None:
        values = {"scale": world.scale, "seed": world.seed, "days": days, "until": until.isoformat(),
                  "incidents": incidents, "number_digits": digits,
                  "written_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
        rows = [(META_PREFIX + k, str(v)) for k, v in values.items()] + [(NUMBER_DIGITS_KEY, str(digits))]
        self.db.executemany("INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", rows)
