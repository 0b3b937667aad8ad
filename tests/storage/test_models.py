"""Every entity survives a round trip through the database, and the audit trail cannot be edited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from console.storage.models import (Attachment, AuditEntry, AuditTrailIsAppendOnly, Camera, Department, Grid, Incident,
                                    Meta, Operator, SupervisionOrder, Town, Village, Worker)

from .conftest import START


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


def _round_trip(store, obj):
    """Write ``obj``, read it back in a new session; return (written columns, read object)."""
    with store.sessions.begin() as session:
        session.add(obj)
        session.flush()
        written = _columns(obj)
        key = inspect(obj).identity
    with store.sessions() as session:
        read = session.get(type(obj), key)
        assert read is not None
        return written, _columns(read)


def test_every_entity_round_trips(store):
    town = Town(code="YXQ", name_zh="杨汛桥镇", name_en="Yangxunqiao")
    written, read = _round_trip(store, town)
    assert read == written

    village = Village(code="JQ", town_id=town.id, name_zh="江桥村", name_en="Jiangqiao", kind="community",
                      lon=120.312345, lat=30.098765)
    written, read = _round_trip(store, village)
    assert read == written and read["lon"] == 120.312345

    grid = Grid(code="JQ-01", village_id=village.id, name="江桥第一网格", households=96, lon=120.31, lat=30.09)
    written, read = _round_trip(store, grid)
    assert read == written

    worker = Worker(code="W0001", name="王小红", phone="13800000001", grid_id=grid.id, on_duty=False)
    written, read = _round_trip(store, worker)
    assert read == written and read["on_duty"] is False

    police = Department(code="PCS", town_id=town.id, name_zh="杨汛桥派出所", name_en="Yangxunqiao police station",
                        kind="police", staff=48, assessment="A")
    enforcement = Department(code="ZFD", town_id=None, name_zh="综合行政执法队", name_en="Law enforcement squad",
                             kind="law_enforcement", staff=31, assessment="B")
    for department in (police, enforcement):
        written, read = _round_trip(store, department)
        assert read == written

    camera = Camera(name="镇政府广场-01", url="rtsp://127.0.0.1:8554/cam1", sub_url=None, lon=None, lat=None,
                    grid_id=grid.id, group_name="主干道")
    written, read = _round_trip(store, camera)
    assert read == written and read["sub_url"] is None

    operator = Operator(login="duty1", display_name="值班长 张", role="duty_officer")
    written, read = _round_trip(store, operator)
    assert read == written

    meta = Meta(key="demo_town", value="杨汛桥镇 · 87 grids")
    written, read = _round_trip(store, meta)
    assert read == written


def _incident(**overrides) -> Incident:
    values = dict(number="20261129-0001", title="屋顶违章搭建", description="三楼屋顶正在搭建彩钢棚", category="CON",
                  subitem="CON01", level=3, source="camera", lon=120.3, lat=30.1, reporter="高位摄像头",
                  created_at=START, deadline_at=START + timedelta(days=5), status="dispatched", one_key=False,
                  queue_rank=1, assignee_text="综合行政执法队", feedback="")
    values.update(overrides)
    return Incident(**values)


def test_incident_with_departments_attachments_audit_and_supervision_round_trips(store, places):
    photo = bytes(range(256)) * 40  # binary, with NUL bytes
    with store.sessions.begin() as session:
        incident = _incident(village_id=places.villages[0], grid_id=places.grids[0],
                             assignee_worker_id=places.workers[0],
                             alarm_acknowledged_at=START + timedelta(minutes=1),
                             reminded_at=START + timedelta(days=5, seconds=1))
        incident.departments = [session.get(Department, d) for d in places.departments[:2]]
        incident.attachments = [Attachment(filename="屋顶.jpg", mime="image/jpeg", data=photo, created_at=START),
                                Attachment(filename="empty.png", mime="image/png", data=b"", created_at=START)]
        session.add(incident)
        session.flush()
        session.add(AuditEntry(incident_id=incident.id, at=START, actor="duty1", action="report",
                               from_status=None, to_status="reported", note="camera: 屋顶违章搭建"))
        session.add(SupervisionOrder(number="DB-2026-0001", incident_id=incident.id, issued_at=START,
                                     deadline_missed_at=START + timedelta(days=5), assignee_text="执法队",
                                     issued_by="system"))
        session.flush()
        written = _columns(incident)
        incident_id = incident.id

    with store.sessions() as session:
        read = session.scalar(select(Incident).where(Incident.id == incident_id)
                              .options(selectinload(Incident.departments), selectinload(Incident.attachments)))
        assert _columns(read) == written
        assert read.version == 1
        assert read.created_at == START and read.created_at.tzinfo is not None
        assert read.resolved_at is None
        assert sorted(d.name_zh for d in read.departments) == ["杨汛桥派出所", "综合行政执法队"]
        assert [(a.filename, a.mime, a.data) for a in read.attachments] == [("屋顶.jpg", "image/jpeg", photo),
                                                                             ("empty.png", "image/png", b"")]
        assert read.village.name_zh == "江桥村" and read.grid.code == "G0"
        assert read.assignee_worker.name == "王小红"
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.incident_id, entry.at, entry.actor, entry.action, entry.from_status, entry.to_status,
                entry.note) == (incident_id, START, "duty1", "report", None, "reported", "camera: 屋顶违章搭建")
        order = session.scalars(select(SupervisionOrder)).one()
        assert (order.number, order.incident_id, order.issued_at, order.deadline_missed_at, order.assignee_text,
                order.issued_by, order.state) == ("DB-2026-0001", incident_id, START, START + timedelta(days=5),
                                                  "执法队", "system", "issued")


def test_times_are_stored_as_utc_seconds(store):
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 11, 29, 16, 0, 0, 750000, tzinfo=shanghai)
    with store.sessions.begin() as session:
        session.add(_incident(created_at=local, deadline_at=local))
    with store.sessions() as session:
        read = session.scalars(select(Incident)).one()
        assert read.created_at == datetime(2026, 11, 29, 8, 0, 0, tzinfo=timezone.utc)
        assert read.created_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(store):
    with pytest.raises(Exception, match="naive"):
        with store.sessions.begin() as session:
            session.add(_incident(created_at=datetime(2026, 11, 29, 8, 0)))


@pytest.fixture
def audited(store):
    """An incident with one audit entry; returns the entry's id."""
    with store.sessions.begin() as session:
        incident = _incident()
        session.add(incident)
        session.flush()
        entry = AuditEntry(incident_id=incident.id, at=START, actor="duty1", action="report", from_status=None,
                           to_status="reported", note="original")
        session.add(entry)
        session.flush()
        return entry.id


def _entry(store, entry_id) -> tuple:
    with store.sessions() as session:
        entry = session.get(AuditEntry, entry_id)
        return entry.actor, entry.note, entry.at


def test_the_orm_refuses_to_change_an_audit_entry(store, audited):
    with pytest.raises(AuditTrailIsAppendOnly):
        with store.sessions.begin() as session:
            session.get(AuditEntry, audited).note = "rewritten"
    assert _entry(store, audited) == ("duty1", "original", START)


def test_the_orm_refuses_to_delete_an_audit_entry(store, audited):
    with pytest.raises(AuditTrailIsAppendOnly):
        with store.sessions.begin() as session:
            session.delete(session.get(AuditEntry, audited))
    assert _entry(store, audited) == ("duty1", "original", START)


STATEMENTS = {
    "raw UPDATE": lambda session: session.execute(text("UPDATE audit_entries SET note = 'rewritten'")),
    "raw DELETE": lambda session: session.execute(text("DELETE FROM audit_entries")),
    "bulk ORM update": lambda session: session.execute(update(AuditEntry).values(actor="nobody")),
    "bulk ORM delete": lambda session: session.execute(delete(AuditEntry)),
}


@pytest.mark.parametrize("statement", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_the_database_refuses_to_change_or_delete_audit_entries(store, audited, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        with store.sessions.begin() as session:
            statement(session)
    assert _entry(store, audited) == ("duty1", "original", START)


def test_the_audit_trail_still_accepts_new_entries(store, audited):
    with store.sessions.begin() as session:
        incident_id = session.get(AuditEntry, audited).incident_id
        session.add(AuditEntry(incident_id=incident_id, at=START, actor="duty2", action="comment", note="ok"))
    with store.sessions() as session:
        assert [e.note for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["original", "ok"]


def test_an_incident_with_a_trail_cannot_be_deleted(store, audited):
    with pytest.raises(DBAPIError):
        with store.sessions.begin() as session:
            session.execute(delete(Incident))
    assert _entry(store, audited) == ("duty1", "original", START)
