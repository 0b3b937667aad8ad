"""Phones and the positions they report: devices, batched writes, tracks, latest positions, retention.

Devices are registered by an operator (``gridwatch devices add``) and never created by
the intake: a position from an unknown phone is refused.  Positions are written in
batches, one transaction per batch (:meth:`PositionStore.write_batch`), as one
multi-row ``INSERT`` (per 1,000 rows) and one ``UPDATE … FROM`` of the devices'
last-seen columns, whatever the batch size.  (``executemany`` would release and
retake the GIL once per row, which costs up to the 5 ms switch interval per row while
the intake's event loop is busy on the other thread; see bench/RESULTS.md §1; for the same
reason nothing is fetched back with ``RETURNING``.)

The newest fix of every device is kept on the device row (``last_position_id``), so
:meth:`PositionStore.latest_positions` is one join of ~26,000 devices to their rows by
primary key, not a search through millions of positions.  Retention
(:meth:`PositionStore.delete_older_than`) deletes by primary-key range: ids grow with
reception time, which tracks fix time.

Registering and removing phones are an administrator's (:data:`~console.core.roles.MANAGE_DEVICES`),
checked here in the core for a store bound to a logged-in operator (:mod:`console.storage.acting`; a
plain one is the command line and the console's own work, with full rights); registering and removing
one phone write an audit entry whose ``subject`` is ``device:<id>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.core.clock import Clock, SystemClock, from_epoch, to_epoch
from console.core.patrol import Fix
from console.core.roles import MANAGE_DEVICES, Role
from console.storage.acting import Acting
from console.storage.db import Store
from console.storage.models import AuditEntry, Device, Grid, Position, Worker
from console.storage.types import CENTI, MICRO_DEGREES

DEVICE_KINDS = ("osmand", "owntracks")
MAX_UNIQUE_ID = 64
#: Rows per INSERT statement (13 parameters each; SQLite and psycopg take far more).
_INSERT_CHUNK = 1000
_POSITION_COLUMNS = ("device_id", "worker_id", "t", "lon", "lat", "speed", "bearing", "altitude", "accuracy",
                     "battery", "charging", "valid")


class DeviceError(ValueError):
    """A device cannot be added, found or removed; the message is one line."""


class PositionRow(NamedTuple):
    """One fix ready to store: the device's and worker's ids, epoch seconds, WGS-84 degrees, SI units."""

    device_id: int
    worker_id: int
    t: int
    lon: float
    lat: float
    speed: float | None = None  # m/s
    bearing: float | None = None  # degrees
    altitude: float | None = None  # m
    accuracy: float | None = None  # m
    battery: int | None = None  # percent
    charging: bool | None = None
    valid: bool = True


@dataclass(frozen=True)
class DeviceRecord:
    """A registered phone and whose it is, detached from the database."""

    id: int
    unique_id: str
    kind: str
    worker_id: int
    worker_code: str
    worker_name: str
    grid_id: int
    grid_name: str
    created_at: datetime
    last_seen_at: datetime | None
    last_fix_at: datetime | None
    offline_since: datetime | None


@dataclass(frozen=True)
class TrackPoint:
    """A stored position as a track shows it."""

    id: int
    device_id: int
    t: int
    lon: float
    lat: float
    speed: float | None
    bearing: float | None
    altitude: float | None
    accuracy: float | None
    battery: int | None
    charging: bool | None
    valid: bool

    @property
    def time(self) -> datetime:
        return from_epoch(self.t)

    def fix(self) -> Fix:
        """As the patrol statistics take it."""
        return Fix(float(self.t), self.lon, self.lat, self.accuracy, self.speed, self.valid)


@dataclass(frozen=True)
class LatestPosition:
    """A worker's newest stored fix, and when their phone was last heard (``seen``, epoch seconds)."""

    worker_id: int
    device_id: int
    t: int
    lon: float
    lat: float
    speed: float | None
    accuracy: float | None
    battery: int | None
    seen: int | None
    offline: bool


class PositionStore(Acting):
    """The store's devices and positions; every write is one transaction.

    Built plainly it acts with full rights; bound by :meth:`for_operator`, registering and removing
    phones need an administrator."""

    def __init__(self, store: Store, clock: Clock | None = None, *, role: Role | str = Role.SYSTEM,
                 actor: str = "system"):
        self.store = store
        self.clock = clock or SystemClock()
        self._insert_sql: dict[int, str] = {}
        self._bind(role, actor)

    # -- devices -----------------------------------------------------------------------------------
    def add_device(self, worker: str | int, unique_id: str, kind: str = "osmand") -> DeviceRecord:
        """Register ``unique_id`` as ``worker``'s phone (the worker by id, code or name)."""
        self.check_role(MANAGE_DEVICES)
        unique_id = check_unique_id(unique_id)
        if kind not in DEVICE_KINDS:
            raise DeviceError(f"unknown device kind {kind!r}; choose one of {', '.join(DEVICE_KINDS)}")
        try:
            with self.store.sessions.begin() as session:
                worker_id = find_worker(session, worker)
                if session.scalar(select(Device.id).where(Device.unique_id == unique_id)) is not None:
                    raise DeviceError(f"device {unique_id!r} is already registered")
                device = Device(unique_id=unique_id, worker_id=worker_id, kind=kind, created_at=self.clock.now())
                session.add(device)
                session.flush()
                device_id = device.id
                session.add(self._audit(device_id, "add_device", f"{kind} device {unique_id} of worker {worker_id}"))
        except IntegrityError:
            raise DeviceError(f"device {unique_id!r} is already registered") from None
        return self.device(device_id)

    def add_devices(self, devices: list[tuple[int, str, str]]) -> int:
        """Register many phones at once, ``(worker id, unique id, kind)`` each, in one transaction (loading a
        data set: no audit entry per phone)."""
        self.check_role(MANAGE_DEVICES)
        now = self.clock.now()
        rows = [{"worker_id": worker_id, "unique_id": check_unique_id(unique_id), "kind": kind, "created_at": now}
                for worker_id, unique_id, kind in devices]
        if not rows:
            return 0
        try:
            with self.store.sessions.begin() as session:
                session.execute(Device.__table__.insert(), rows)
        except IntegrityError:
            raise DeviceError("a device id is already registered, or a worker does not exist; nothing was added") \
                from None
        return len(rows)

    def remove_device(self, unique_id: str) -> DeviceRecord:
        """Unregister a phone; its positions go with it."""
        self.check_role(MANAGE_DEVICES)
        record = self.device(unique_id)
        with self.store.sessions.begin() as session:
            session.execute(delete(Position).where(Position.device_id == record.id))
            session.execute(delete(Device).where(Device.id == record.id))
            session.add(self._audit(record.id, "remove_device",
                                    f"{record.kind} device {record.unique_id} of {record.worker_name}"))
        return record

    def _audit(self, device_id: int, action: str, note: str) -> AuditEntry:
        return AuditEntry(incident_id=None, subject=f"device:{device_id}", at=self.clock.now(), actor=self.actor,
                          action=action, note=note[:500])

    def devices(self) -> list[DeviceRecord]:
        """Every registered phone, in the order they were added."""
        with self.store.sessions() as session:
            return [_device_record(*row) for row in session.execute(_DEVICES.order_by(Device.id))]

    def device(self, unique_id_or_id: str | int) -> DeviceRecord:
        """One phone by its unique id (or database id)."""
        column = Device.id if isinstance(unique_id_or_id, int) else Device.unique_id
        with self.store.sessions() as session:
            row = session.execute(_DEVICES.where(column == unique_id_or_id)).first()
        if row is None:
            raise DeviceError(f"no device {unique_id_or_id!r}")
        return _device_record(*row)

    def device_index(self) -> dict[str, tuple[int, int]]:
        """``unique_id -> (device id, worker id)`` for every registered phone: what the intake checks against."""
        with self.store.sessions() as session:
            return {uid: (did, wid) for uid, did, wid in session.execute(
                select(Device.unique_id, Device.id, Device.worker_id))}

    # -- writing -----------------------------------------------------------------------------------
    def write_batch(self, rows: list[PositionRow], received_at: int | None = None) -> int:
        """Store ``rows`` and move their devices' last-seen columns, all in one transaction.

        ``received_at`` (epoch seconds, default now) is when the server heard the phones; a
        device that reported is no longer offline.  Returns the number of rows stored."""
        if not rows:
            return 0
        seen = received_at if received_at is not None else to_epoch(self.clock.now())
        newest: dict[int, tuple[int, int]] = {}  # device -> (t, worker)
        for row in rows:
            best = newest.get(row.device_id)
            if best is None or row.t >= best[0]:
                newest[row.device_id] = (int(row.t), row.worker_id)
        with self.store.engine.begin() as connection:
            # The driver's own cursor, and no RETURNING: fetching rows one by one would hand the GIL
            # back and forth once per row with the intake's busy event-loop thread.
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                for start in range(0, len(rows), _INSERT_CHUNK):
                    chunk = rows[start:start + _INSERT_CHUNK]
                    cursor.execute(self._insert(connection, len(chunk)),
                                   [value for row in chunk for value in _bind(row)])
                cursor.execute(_devices_update_sql(connection, len(newest)),
                               [v for device_id, (t, worker_id) in newest.items()
                                for v in (device_id, worker_id, seen, t)])
            finally:
                cursor.close()
        return len(rows)

    def _insert(self, connection, count: int) -> str:
        key = (connection.dialect.paramstyle, count)
        sql = self._insert_sql.get(key)
        if sql is None:
            mark = _mark(connection)
            one = "(" + ", ".join([mark] * len(_POSITION_COLUMNS)) + ")"
            sql = f"INSERT INTO positions ({', '.join(_POSITION_COLUMNS)}) VALUES " + ", ".join([one] * count)
            self._insert_sql[key] = sql
        return sql

    def flag_offline(self, after_s: float, now: int | None = None) -> list[DeviceRecord]:
        """Mark phones silent for more than ``after_s`` seconds as offline; returns the newly flagged ones.

        A phone never heard from is not flagged (it has no position to look alive with)."""
        now = now if now is not None else to_epoch(self.clock.now())
        cutoff = now - int(after_s)
        with self.store.sessions.begin() as session:
            ids = list(session.scalars(select(Device.id).where(
                Device.offline_since.is_(None), Device.last_seen_at.is_not(None),
                Device.last_seen_at < cutoff)))
            if ids:
                session.execute(update(Device).where(Device.id.in_(ids))
                                .values(offline_since=Device.last_seen_at + int(after_s)))
        return [self.device(device_id) for device_id in ids]

    def delete_older_than(self, days: float, now: int | None = None, chunk: int = 50_000) -> int:
        """Retention: delete positions whose fix is more than ``days`` old; returns how many.

        Deletes by id range in transactions of ``chunk`` rows, so the intake is never held up
        long.  A fix that arrived late (a phone sending its buffer after a day offline) sits at a
        higher id and goes in a later run."""
        now = now if now is not None else to_epoch(self.clock.now())
        cutoff = now - int(days * 86400)
        removed = 0
        while True:
            with self.store.engine.begin() as connection:
                ids = [row[0] for row in connection.execute(
                    select(Position.id).where(Position.t < cutoff).order_by(Position.id).limit(chunk))]
                if not ids:
                    return removed
                connection.execute(delete(Position).where(Position.id.between(ids[0], ids[-1]),
                                                          Position.t < cutoff))
                removed += len(ids)

    # -- reading -----------------------------------------------------------------------------------
    def track(self, worker_id: int, start: datetime | int, end: datetime | int,
              device_id: int | None = None) -> list[TrackPoint]:
        """A worker's positions with ``start <= t <= end`` in time order (optionally one phone's only)."""
        t0, t1 = _epoch(start), _epoch(end)
        query = (select(Position.id, Position.device_id, Position.t, Position.lon, Position.lat, Position.speed,
                        Position.bearing, Position.altitude, Position.accuracy, Position.battery,
                        Position.charging, Position.valid)
                 .where(Position.worker_id == worker_id, Position.t.between(t0, t1))
                 .order_by(Position.t, Position.id))
        if device_id is not None:
            query = query.where(Position.device_id == device_id)
        with self.store.sessions() as session:
            return [TrackPoint(*row) for row in session.execute(query)]

    def device_track(self, unique_id: str, start: datetime | int, end: datetime | int) -> list[TrackPoint]:
        """One phone's positions in a period, in time order (through its worker's index)."""
        device = self.device(unique_id)
        return self.track(device.worker_id, start, end, device_id=device.id)

    def latest_positions(self, offline_after_s: float | None = None) -> dict[int, LatestPosition]:
        """Every worker's newest fix (from whichever of their phones is newest); workers never heard are absent.

        ``offline`` is the server's flag, or, with ``offline_after_s``, silence longer than that."""
        now = to_epoch(self.clock.now())
        query = (select(Device.worker_id, Device.id, Position.t, Position.lon, Position.lat, Position.speed,
                        Position.accuracy, Position.battery, Device.last_seen_at, Device.offline_since)
                 .join(Position, Position.id == Device.last_position_id))
        latest: dict[int, LatestPosition] = {}
        with self.store.engine.connect() as connection:
            for worker_id, device_id, t, lon, lat, speed, accuracy, battery, seen, offline_since in \
                    connection.execute(query):
                best = latest.get(worker_id)
                if best is not None and best.t >= t:
                    continue
                seen_s = int(seen.timestamp()) if seen is not None else None
                offline = offline_since is not None or (
                    offline_after_s is not None and (seen_s is None or now - seen_s > offline_after_s))
                latest[worker_id] = LatestPosition(worker_id, device_id, t, lon, lat, speed, accuracy, battery,
                                                   seen_s, offline)
        return latest

    def count(self) -> int:
        """How many positions are stored."""
        with self.store.sessions() as session:
            return session.scalar(select(func.count()).select_from(Position))

    def stored_bytes(self) -> int | None:
        """Bytes the positions table and its index take (SQLite's dbstat, PostgreSQL's relation size)."""
        with self.store.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                return connection.exec_driver_sql(
                    "SELECT sum(pgsize) FROM dbstat WHERE name IN ('positions', 'ix_positions_worker_t')").scalar()
            if connection.dialect.name == "postgresql":
                return connection.exec_driver_sql("SELECT pg_total_relation_size('positions')").scalar()
        return None


# -- helpers ---------------------------------------------------------------------------------------

def check_unique_id(value) -> str:
    """A device's unique id as the phone sends it: printable, no spaces, at most 64 characters."""
    if not isinstance(value, str) or not value.strip():
        raise DeviceError("a device needs a unique id (what the phone sends as its id)")
    value = value.strip()
    if len(value) > MAX_UNIQUE_ID:
        raise DeviceError(f"device id {value[:20]!r}... is longer than {MAX_UNIQUE_ID} characters")
    if not value.isprintable() or " " in value:
        raise DeviceError(f"device id {value!r} holds a space or a control character")
    return value


def find_worker(session: Session, worker: str | int) -> int:
    """A worker's id from their id, code or (unambiguous) name."""
    if isinstance(worker, int) and not isinstance(worker, bool):
        if session.get(Worker, worker) is None:
            raise DeviceError(f"no worker with id {worker}")
        return worker
    text = str(worker).strip()
    by_code = session.scalar(select(Worker.id).where(Worker.code == text))
    if by_code is not None:
        return by_code
    matches = list(session.scalars(select(Worker.id).where(Worker.name == text).limit(2)))
    if not matches:
        raise DeviceError(f"no worker with code or name {text!r}")
    if len(matches) > 1:
        raise DeviceError(f"several workers are named {text!r}; give the worker's code instead")
    return matches[0]


_DEVICES = (select(Device, Worker.code, Worker.name, Grid.id, Grid.name)
            .join(Worker, Device.worker_id == Worker.id).join(Grid, Worker.grid_id == Grid.id))


def _device_record(device: Device, code: str, name: str, grid_id: int, grid_name: str) -> DeviceRecord:
    return DeviceRecord(device.id, device.unique_id, device.kind, device.worker_id, code, name, grid_id, grid_name,
                        device.created_at, device.last_seen_at, device.last_fix_at, device.offline_since)


def _mark(connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _bind(row: PositionRow) -> tuple:
    """A row's values as the driver binds them (micro-degrees, rounded SI units)."""
    speed = row.speed
    return (row.device_id, row.worker_id, int(row.t), round(row.lon * MICRO_DEGREES), round(row.lat * MICRO_DEGREES),
            round(speed * CENTI) if speed is not None and math.isfinite(speed) else None, _rounded(row.bearing, 0), _rounded(row.altitude, 0),
            _rounded(row.accuracy, 0), row.battery, row.charging, bool(row.valid))


def _rounded(value: float | None, digits: int) -> float | None:
    """Phones report bearing, altitude and accuracy to a degree or a metre at best; whole
    numbers are also what SQLite stores in a REAL column as a small integer."""
    if value is None or not math.isfinite(value):
        return None
    return float(round(value, digits))


def _devices_update_sql(connection, count: int) -> str:
    """One statement moving every reporting device's last-seen columns; the newest fix's row is found
    through the (worker, time) index, so no ids need to come back from the insert."""
    mark = _mark(connection)
    values = ", ".join([f"({mark}, {mark}, {mark}, {mark})"] * count)
    cast = "CAST({} AS INTEGER)" if connection.dialect.name == "postgresql" else "{}"
    did, wid, seen, t = (cast.format(f"v.{c}") for c in ("did", "wid", "seen", "t"))
    newer = f"devices.last_fix_at IS NULL OR {t} >= devices.last_fix_at"
    newest_row = (f"(SELECT p.id FROM positions p WHERE p.worker_id = {wid} AND p.t = {t} "
                  f"AND p.device_id = {did} ORDER BY p.id DESC LIMIT 1)")
    return (f"WITH v(did, wid, seen, t) AS (VALUES {values}) "
            f"UPDATE devices SET last_seen_at = {seen}, offline_since = NULL, "
            f"last_position_id = CASE WHEN {newer} THEN {newest_row} ELSE devices.last_position_id END, "
            f"last_fix_at = CASE WHEN {newer} THEN {t} ELSE devices.last_fix_at END "
            f"FROM v WHERE devices.id = {did}")


def _epoch(value: datetime | int) -> int:
    return value if isinstance(value, int) else to_epoch(value)
