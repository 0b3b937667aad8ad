"""The ORM: places (towns, villages, grids), people (workers, departments,
operators), cameras, incidents with their assignees, attachments, audit trail
and supervision orders.

Times are aware UTC datetimes stored as epoch seconds (:class:`EpochSeconds`).
``Incident.version`` is SQLAlchemy's version counter: a write based on a stale
read fails instead of silently overwriting another console's change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Column, Date, Float, ForeignKey, Index, Integer, LargeBinary, SmallInteger,
                        String, Table, Text, UniqueConstraint, event, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from console.storage.types import CENTI, MICRO_DEGREES, EpochSeconds, FixedPoint


class Base(DeclarativeBase):
    """Declarative base of every Gridwatch table."""


class Town(Base):
    """A town or subdistrict (乡镇/街道), the level that runs a command room."""

    __tablename__ = "towns"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))


class Village(Base):
    """A village or community (村/社区), made of grids."""

    __tablename__ = "villages"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12), default="village")  # village | community
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)

    town: Mapped[Town] = relationship()


class Grid(Base):
    """A grid (网格) of 80-120 households, patrolled by its grid workers."""

    __tablename__ = "grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    households: Mapped[int] = mapped_column(Integer, default=100)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)

    village: Mapped[Village] = relationship()


class Worker(Base):
    """A generalist grid worker (全科网格员)."""

    __tablename__ = "workers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When the worker took up the post (revision 0013); None: before any month assessed (see console.storage.scorecards).
    joined_at: Mapped[datetime | None] = mapped_column(EpochSeconds, nullable=True, default=None)

    grid: Mapped[Grid] = relationship()


class Department(Base):
    """A department stationed in the town (派驻机构), assessed A or B by it."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(96))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    assessment: Mapped[str] = mapped_column(String(1), default="A")


class Camera(Base):
    """A CCTV camera of the video wall.

    ``url`` is the main stream, ``sub_url`` an optional low-resolution stream for
    small tiles, ``onvif_url`` the optional ONVIF device service used for PTZ.
    All three may hold credentials: show them masked, never in messages.
    """

    __tablename__ = "cameras"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(512))
    sub_url: Mapped[str | None] = mapped_column(String(512))
    onvif_url: Mapped[str | None] = mapped_column(String(512))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    group_name: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: The field of view (console.core.coverage): compass direction, angle of view, range; None: not known.
    view_direction: Mapped[float | None] = mapped_column(Float)
    view_angle: Mapped[float | None] = mapped_column(Float)
    view_range: Mapped[float | None] = mapped_column(Float)


class Operator(Base):
    """A command-room operator; every workflow step is recorded under one."""

    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="operator")
    #: "scrypt$n$r$p$salt_b64$hash_b64" (console.storage.operators); None: cannot log in with a password.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(EpochSeconds, default=None)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


incident_departments = Table(
    "incident_departments", Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id"), primary_key=True),
    # A department's incidents (the queue's and the dashboard's department filter), without reading every link.
    Index("ix_incident_departments_department", "department_id", "incident_id"),
)


class Incident(Base):
    """A reported event and where it is in the closed loop.

    ``queue_rank`` is 0 for an active one-key report (it jumps the queue) and
    1 otherwise; ``assignee_text`` is the assignees' names, kept with the row so
    the queue can show and sort by it without joins.
    """

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(8))
    subitem: Mapped[str] = mapped_column(String(8))
    level: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(12))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    reporter: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)
    deadline_at: Mapped[datetime] = mapped_column(EpochSeconds)
    status: Mapped[str] = mapped_column(String(12))
    one_key: Mapped[bool] = mapped_column(Boolean, default=False)
    queue_rank: Mapped[int] = mapped_column(SmallInteger, default=1)
    alarm_acknowledged_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    assignee_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    assignee_text: Mapped[str] = mapped_column(String(200), default="")
    reminded_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    supervised_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    resolved_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    closed_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    feedback: Mapped[str] = mapped_column(Text, default="")
    reject_reason: Mapped[str | None] = mapped_column(String(12))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    village: Mapped[Village | None] = relationship()
    grid: Mapped[Grid | None] = relationship()
    assignee_worker: Mapped[Worker | None] = relationship()
    departments: Mapped[list[Department]] = relationship(secondary=incident_departments)
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="incident",
                                                           order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_incidents_created", "created_at"),
        Index("ix_incidents_deadline", "deadline_at"),
        Index("ix_incidents_status_deadline", "status", "deadline_at"),
        Index("ix_incidents_status_village", "status", "village_id"),
        # One filter, newest first.  The trailing status makes counting under the status presets
        # ("Open", "Finished") index-only: 2.2 million rows need no table look-ups (bench/RESULTS.md).
        Index("ix_incidents_village_created", "village_id", "created_at", "status"),
        Index("ix_incidents_category_created", "category", "created_at", "status"),
        Index("ix_incidents_subitem_created", "subitem", "created_at", "status"),
        Index("ix_incidents_source_created", "source", "created_at", "status"),
        Index("ix_incidents_level_created", "level", "created_at", "status"),
        Index("ix_incidents_worker_created", "assignee_worker_id", "created_at", "status"),
        Index("ix_incidents_rank", "queue_rank"),
    )


class Attachment(Base):
    """A photo (or other file) attached to an incident.

    Either the bytes are inline in ``data`` (camera snapshots, the demo, rows from before revision 0008),
    or ``blob_sha256`` names them in the blob store (:mod:`console.storage.blobs`; a worker's report) and
    ``thumbnail`` holds a small JPEG so that lists and the detail pane never read the full photo."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(128))
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    incident: Mapped[Incident] = relationship(back_populates="attachments")


class Blob(Base):
    """A photo's bytes, named by their SHA-256, in the database (the blob store of a PostgreSQL store;
    a SQLite file keeps them in files next to it instead, see :mod:`console.storage.blobs`)."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)


class AuditEntry(Base):
    """One step of an incident's timeline (who, when, what and a note), or of something else the console
    decided about — a village or a worker, named by ``subject`` (``"village:12"``).  Append-only."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(EpochSeconds)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")


class SupervisionOrder(Base):
    """A numbered supervision order (督办单) issued when an incident stays overdue."""

    __tablename__ = "supervision_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(EpochSeconds)
    deadline_missed_at: Mapped[datetime] = mapped_column(EpochSeconds)
    assignee_text: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="issued")


class Meta(Base):
    """Key/value facts about the store (e.g. which demo data it holds)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete a recorded step."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_audit_update(mapper, connection, target):
    raise AuditTrailIsAppendOnly("audit entries cannot be changed once recorded")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_audit_delete(mapper, connection, target):
    raise AuditTrailIsAppendOnly("audit entries cannot be deleted")


# -- worker tracking (issue 4) ------------------------------------------------------------------------

class Device(Base):
    """A phone that reports a worker's position: Traccar Client (OsmAnd protocol) or OwnTracks.

    ``unique_id`` is what the phone sends (OsmAnd ``id``, OwnTracks ``user/device``).
    ``last_seen_at`` is when the server last heard from it, ``last_fix_at`` the newest fix
    time it reported and ``last_position_id`` that fix's row (no foreign key: retention may
    delete it).  ``offline_since`` is set by the intake service when the phone fell silent.
    """

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    unique_id: Mapped[str] = mapped_column(String(64), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="osmand")  # osmand | owntracks
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)
    last_seen_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    last_fix_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    last_position_id: Mapped[int | None] = mapped_column(Integer)
    offline_since: Mapped[datetime | None] = mapped_column(EpochSeconds)

    worker: Mapped[Worker] = relationship()


class Position(Base):
    """One reported fix, kept compact: a row per worker every few seconds adds up.

    ``t`` is the fix time in epoch seconds; ``lon``/``lat`` WGS-84 in millionths of a degree
    (stored as integer millionths); ``speed`` in metres per second whatever the protocol sent
    (stored as integer cm/s);
    ``bearing`` degrees, ``altitude`` and ``accuracy`` metres, ``battery`` percent.  The
    worker is copied from the device at reception, so a track is one index range.
    """

    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(Integer)
    t: Mapped[int] = mapped_column(Integer)
    lon: Mapped[float] = mapped_column(FixedPoint(MICRO_DEGREES))
    lat: Mapped[float] = mapped_column(FixedPoint(MICRO_DEGREES))
    speed: Mapped[float | None] = mapped_column(FixedPoint(CENTI))
    bearing: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[int | None] = mapped_column(SmallInteger)
    charging: Mapped[bool | None] = mapped_column(Boolean)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_positions_worker_t", "worker_id", "t"),)


class Boundary(Base):
    """The outline of a town, village or grid, as GeoJSON geometry text.

    Why text and not a binary or spatial type: it needs no SpatiaLite or PostGIS (SQLite and
    PostgreSQL alike), it is what ``gridwatch import-geojson`` reads and what a map draws, and
    at these sizes (a town: ~110 outlines, ~40 kB; a city: ~11,000, a few MB, read once) a
    binary form would save little.  Coordinates are rounded to 1e-6 degrees on the way in.
    The bounding box columns let a viewport or a point pick candidates with an index-free
    range filter before the exact polygon test.  ``code`` is the town's, village's or grid's code.
    """

    __tablename__ = "boundaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))  # town | village | grid
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(64), default="")
    geometry: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("level", "code", name="uq_boundaries_level_code"),)


class FollowUpTask(Base):
    """A task the console raises for the operator: phone a red-light village, check a worker outside their grid.

    ``subject_kind``/``subject_id`` name the village or worker; ``since`` is when the condition began
    (red since, outside since); ``done_at``/``done_by``/``note`` record how it was settled.
    """

    __tablename__ = "follow_up_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # phone_village | outside_grid
    subject_kind: Mapped[str] = mapped_column(String(12))  # village | worker
    subject_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(EpochSeconds)
    due_at: Mapped[datetime] = mapped_column(EpochSeconds)
    since: Mapped[datetime | None] = mapped_column(EpochSeconds)
    done_at: Mapped[datetime | None] = mapped_column(EpochSeconds)
    done_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_follow_up_tasks_open", "done_at", "kind", "subject_id"),)


# -- intake clients (issue 5) -------------------------------------------------------------------------

class ApiKey(Base):
    """A key an intake client (``kind``: ``open311``) sends with each report; only its SHA-256 is kept.

    ``revoked_at`` set means the key no longer works; the row stays so the incidents it filed
    still name their client.
    """

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)
    revoked_at: Mapped[datetime | None] = mapped_column(EpochSeconds)


class Open311Request(Base):
    """What an Open311 ``POST requests`` brought beyond the incident: the address and media URL as sent,
    and the key that filed it.  One row per incident filed through Open311."""

    __tablename__ = "open311_requests"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    address: Mapped[str] = mapped_column(String(255), default="")
    media_url: Mapped[str] = mapped_column(String(512), default="")


class IncidentPresence(Base):
    """Which incident a console shows, and who sits at it: one row per console, refreshed while shown.

    Like an edit lock that expires: a row not refreshed for a minute means the console moved on or
    went away.  Nothing is locked — the workflow's version check decides who wins — the row only
    lets the other operators see who else is looking.
    """

    __tablename__ = "incident_presence"
    console_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    operator: Mapped[str] = mapped_column(String(64))
    since: Mapped[datetime] = mapped_column(EpochSeconds)
    seen_at: Mapped[datetime] = mapped_column(EpochSeconds)

    __table_args__ = (Index("ix_incident_presence_incident", "incident_id", "seen_at"),)


class WatchZone(Base):
    """A polygon on a camera's picture — a rooftop, a vacant lot, a river bank — that the change detector watches.

    ``polygon`` is JSON ``[[x, y], …]`` in normalised picture coordinates (0..1 across and down), so a
    zone fits the main and the sub-stream alike.  ``reference`` is the detector's saved state (its
    long-term picture of the zone, :meth:`video.change_detector.ZoneDetector.to_bytes`), kept so that a
    restarted console goes on comparing against the scene it had learnt; NULL until it has learnt one.
    """

    __tablename__ = "watch_zones"
    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    polygon: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(EpochSeconds)
    created_by: Mapped[str] = mapped_column(String(64))
    reference: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    reference_at: Mapped[datetime | None] = mapped_column(EpochSeconds, nullable=True)


class ChangeAlert(Base):
    """A persistent structural change the detector found in a watch zone, waiting for (or given) a decision.

    ``state`` is ``open`` until an operator confirms it (``confirmed``, ``incident_id`` names the incident
    it became) or dismisses it (``dismissed``: the new scene was accepted as the zone's reference).  The
    before and after pictures are JPEGs of the whole camera picture; ``box_*`` is the changed region in
    the after picture's pixels.
    """

    __tablename__ = "change_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("watch_zones.id", ondelete="CASCADE"), index=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    appeared_at: Mapped[datetime] = mapped_column(EpochSeconds)
    detected_at: Mapped[datetime] = mapped_column(EpochSeconds)
    score: Mapped[float] = mapped_column(Float)
    box_x: Mapped[int] = mapped_column(Integer)
    box_y: Mapped[int] = mapped_column(Integer)
    box_w: Mapped[int] = mapped_column(Integer)
    box_h: Mapped[int] = mapped_column(Integer)
    before_jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    after_jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(12), default="open")
    decided_at: Mapped[datetime | None] = mapped_column(EpochSeconds, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)

    __table_args__ = (Index("ix_change_alerts_state", "state", "detected_at"),)


class AuditSeal(Base):
    """A link of the audit trail's hash chain: the entries ``first_entry_id``..``last_entry_id`` (one
    transaction's, or a run of a bulk load), an 8-byte tag per entry and the link's SHA-256 digest,
    which covers the previous link's (see :mod:`console.storage.audit_chain`)."""

    __tablename__ = "audit_seals"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_entry_id: Mapped[int] = mapped_column(Integer)
    last_entry_id: Mapped[int] = mapped_column(Integer)
    sealed_at: Mapped[datetime] = mapped_column(EpochSeconds)
    tags: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The one row naming the chain's newest link; writers lock it to append (see
    :mod:`console.storage.audit_chain`)."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seal_id: Mapped[int] = mapped_column(Integer)
    last_entry_id: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class PatrolDay(Base):
    """One worker's patrol on one local day, summarised once the day is over so that a month's scorecards
    read 30 rows per worker instead of a month of positions (see :mod:`console.storage.patrol_days`).

    ``starts_at`` is the local midnight the day was cut at (the time zone it was summarised in) and
    ``grid_id`` the worker's grid then (``outside_s`` is against its outline); ``covered_s`` is the
    day's covered intervals and ``overnight_s`` the one from its last usable fix to the next day's first,
    when that is short enough to be covered; ``duty_covered_s`` / ``overnight_duty_s`` are their overlaps
    with the duty hours ``duty_from_h``..``duty_to_h``.  ``fixes`` counts the day's stored positions."""

    __tablename__ = "patrol_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[int] = mapped_column(Integer)
    grid_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    distance_m: Mapped[float] = mapped_column(Float)
    patrol_s: Mapped[float] = mapped_column(Float)
    outside_s: Mapped[float] = mapped_column(Float)
    covered_s: Mapped[float] = mapped_column(Float)
    overnight_s: Mapped[float] = mapped_column(Float)
    duty_from_h: Mapped[int] = mapped_column(SmallInteger)
    duty_to_h: Mapped[int] = mapped_column(SmallInteger)
    duty_covered_s: Mapped[float] = mapped_column(Float)
    overnight_duty_s: Mapped[float] = mapped_column(Float)
    fixes: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(EpochSeconds)


class PatrolPartial(Base):
    """A worker's patrol on a day not summarised yet, from local midnight up to ``through`` (the positions
    before that epoch second), brought forward by the intake every few minutes so that the scorecards of the
    month in progress read only the positions since (see :mod:`console.storage.patrol_partials`).

    ``distance_m`` … ``fixes`` are the figures of :class:`PatrolDay` as if the day ended at ``through``;
    ``state`` (JSON, :class:`console.core.patrol_stream.PatrolState`) is what measuring the next positions
    needs to give exactly the whole day's figures.  ``starts_at``, ``grid_id`` and the duty hours are those it
    was computed for, as in :class:`PatrolDay`."""

    __tablename__ = "patrol_partials"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[int] = mapped_column(Integer)
    through: Mapped[int] = mapped_column(Integer)
    grid_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duty_from_h: Mapped[int] = mapped_column(SmallInteger)
    duty_to_h: Mapped[int] = mapped_column(SmallInteger)
    distance_m: Mapped[float] = mapped_column(Float)
    patrol_s: Mapped[float] = mapped_column(Float)
    outside_s: Mapped[float] = mapped_column(Float)
    covered_s: Mapped[float] = mapped_column(Float)
    duty_covered_s: Mapped[float] = mapped_column(Float)
    fixes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(EpochSeconds)
