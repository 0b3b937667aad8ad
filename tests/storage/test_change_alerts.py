"""Watch zones and change alerts: a confirmed change is exactly one incident with both pictures, a dismissed one
none, every decision is on the record, and only one console at a time runs the detector."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.core.workflow import WorkflowError
from console.storage.change_alerts import (CONFIRMED, DISMISSED, OPEN, ChangeAlertBook, ChangeAlertError,
                                           FoundChange)
from console.storage.dispatch import DispatchService
from console.storage.models import Attachment, AuditEntry, Camera, Incident
from tests.storage.conftest import START, RendezvousClock

ROOF = [(0.2, 0.2), (0.6, 0.2), (0.6, 0.5), (0.2, 0.5)]


@pytest.fixture
def camera(store, places) -> int:
    with store.sessions.begin() as session:
        cam = Camera(name="江桥村高位", url="rtsp://admin:secret@10.0.0.5/main", lon=120.31, lat=30.11,
                     grid_id=places.grids[0], group_name="高位鹰眼")
        session.add(cam)
        session.flush()
        return cam.id


@pytest.fixture
def book(store, service) -> ChangeAlertBook:
    return ChangeAlertBook(store, service)


def found(zone_id: int, minutes: int = 0) -> FoundChange:
    return FoundChange(zone_id, START + timedelta(minutes=minutes), START + timedelta(minutes=minutes + 6),
                       (120, 80, 60, 40), 0.42, b"\xff\xd8before", b"\xff\xd8after")


def subject_actions(store, subject: str) -> list[tuple[str, str]]:
    with store.sessions() as session:
        return [(e.action, e.actor) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.id))]


def test_a_confirmed_change_is_one_incident_with_both_pictures_at_the_camera(store, book, camera, places):
    zone = book.add_zone(camera, "东侧楼顶", ROOF, "值班员 王丽")
    alert = book.record(found(zone.id))
    assert alert.state == OPEN and alert.camera_name == "江桥村高位" and alert.zone_name == "东侧楼顶"
    assert book.record(found(zone.id, 30)) is None  # one open alert per zone
    assert book.pictures(alert.id) == (b"\xff\xd8before", b"\xff\xd8after")

    incident_id = book.confirm(alert.id, "值班员 王丽", title="江桥村楼顶疑似违建")
    with store.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert (incident.subitem, incident.source, incident.status) == ("CON01", "camera", "reported")
        assert (incident.lon, incident.lat, incident.grid_id) == (120.31, 30.11, places.grids[0])
        assert incident.village_id == places.villages[0] and incident.title == "江桥村楼顶疑似违建"
        photos = session.scalars(select(Attachment).where(Attachment.incident_id == incident_id)
                                 .order_by(Attachment.id)).all()
        assert [p.data for p in photos] == [b"\xff\xd8before", b"\xff\xd8after"]
        assert "before" in photos[0].filename and "after" in photos[1].filename
    assert book.alerts(OPEN) == []
    decided = book.alerts(CONFIRMED)[0]
    assert (decided.incident_id, decided.decided_by) == (incident_id, "值班员 王丽")
    with pytest.raises(ChangeAlertError, match="already confirmed"):
        book.confirm(alert.id, "值班员 陈刚")
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1
    assert subject_actions(store, f"alert:{alert.id}") == [("change_found", "system"),
                                                           ("confirm_change", "值班员 王丽")]
    assert subject_actions(store, f"camera:{camera}") == [("add_watch_zone", "值班员 王丽")]


def test_a_dismissed_change_files_nothing_and_is_on_the_record(store, book, camera):
    zone = book.add_zone(camera, "空地", ROOF, "值班员 王丽")
    alert = book.record(found(zone.id))
    book.dismiss(alert.id, "值班员 陈刚", "晾晒的被子")
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    assert book.alerts(DISMISSED)[0].decided_by == "值班员 陈刚"
    assert book.states([alert.id]) == {alert.id: DISMISSED}
    with pytest.raises(ChangeAlertError, match="already dismissed"):
        book.dismiss(alert.id, "值班员 王丽")
    assert subject_actions(store, f"alert:{alert.id}")[-1] == ("dismiss_change", "值班员 陈刚")
    assert book.record(found(zone.id, 60)) is not None  # decided, so the zone may alert again


def test_two_consoles_confirming_at_once_file_one_incident(store, camera, places):
    clock = RendezvousClock(START)
    book = ChangeAlertBook(store, DispatchService(store, clock), clock)
    alert = book.record(found(book.add_zone(camera, "楼顶", ROOF, "demo").id))
    clock.arm(2)
    outcomes: list[object] = []

    def confirm(actor: str) -> None:
        try:
            outcomes.append(book.confirm(alert.id, actor))
        except (WorkflowError, ChangeAlertError) as error:
            outcomes.append(error)
        except Exception as error:  # noqa: BLE001 - a lost race may surface as a database error
            outcomes.append(error)

    threads = [threading.Thread(target=confirm, args=(actor,)) for actor in ("王丽", "陈刚")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1
        assert session.scalar(select(func.count()).select_from(Attachment)) == 2


def test_zones_are_checked_edited_and_removed_on_the_record(store, book, camera):
    with pytest.raises(ChangeAlertError, match="3 to 64"):
        book.add_zone(camera, "线", [(0.1, 0.1), (0.2, 0.2)], "demo")
    with pytest.raises(ChangeAlertError, match="inside the picture"):
        book.add_zone(camera, "外", [(0.1, 0.1), (1.2, 0.1), (0.5, 0.5)], "demo")
    with pytest.raises(ChangeAlertError, match="no camera"):
        book.add_zone(camera + 99, "楼顶", ROOF, "demo")
    zone = book.add_zone(camera, "楼顶", ROOF, "demo")
    book.save_reference(zone.id, b"learnt")
    assert book.zones(camera, with_reference=True)[0].reference == b"learnt"
    redrawn = book.update_zone(zone.id, "demo", polygon=[(0.1, 0.1), (0.5, 0.1), (0.3, 0.4)])
    assert redrawn.polygon == ((0.1, 0.1), (0.5, 0.1), (0.3, 0.4))
    assert book.zones(camera, with_reference=True)[0].reference is None  # a new shape is learnt afresh
    book.update_zone(zone.id, "demo", enabled=False)
    assert book.zones(enabled_only=True) == []
    assert book.record(found(zone.id)) is None  # switched off: nothing is recorded
    book.remove_zone(zone.id, "demo")
    assert book.zones() == []
    assert [a for a, _ in subject_actions(store, f"camera:{camera}")] == [
        "add_watch_zone", "edit_watch_zone", "edit_watch_zone", "remove_watch_zone"]


def test_a_zone_with_decided_alerts_is_retired_not_deleted(store, book, camera):
    zone = book.add_zone(camera, "楼顶", ROOF, "demo")
    incident = book.confirm(book.record(found(zone.id)).id, "demo")
    book.remove_zone(zone.id, "demo")
    assert [z.enabled for z in book.zones()] == [False]
    assert book.alerts(CONFIRMED)[0].incident_id == incident


def test_one_console_at_a_time_runs_the_detector(store, book, clock):
    assert book.hold_watch("console-a") and book.hold_watch("console-a")
    assert not book.hold_watch("console-b")
    clock.advance(timedelta(seconds=61))  # console-a stopped renewing
    assert book.hold_watch("console-b") and not book.hold_watch("console-a")
    book.release_watch("console-b")
    assert book.hold_watch("console-a")


def test_a_change_going_on_where_an_incident_is_handled_is_added_to_it(store, book, camera, service):
    zone = book.add_zone(camera, "楼顶", ROOF, "demo")
    incident_id = book.confirm(book.record(found(zone.id)).id, "值班员 王丽")
    more = FoundChange(zone.id, START + timedelta(hours=3), START + timedelta(hours=3, minutes=6),
                       (150, 90, 60, 50), 0.5, b"\xff\xd8before2", b"\xff\xd8after2")
    linked = book.record(more)  # the walls rise where the material was piled
    assert (linked.state, linked.incident_id, linked.decided_by) == ("linked", incident_id, "system")
    assert book.alerts() == []  # nothing for the operator to decide
    with store.sessions() as session:
        photos = session.scalars(select(Attachment.data).where(Attachment.incident_id == incident_id)).all()
        assert photos[-1] == b"\xff\xd8after2" and len(photos) == 3
    assert [(s.action, s.actor) for s in service.timeline(incident_id)][-1] == ("comment", "system")
    elsewhere = FoundChange(zone.id, START, START + timedelta(hours=4), (400, 250, 20, 20), 0.4, b"b", b"a")
    assert book.record(elsewhere).state == "open"  # another place in the zone: the operator decides
    book.dismiss(book.alerts()[0].id, "demo")
    with store.sessions.begin() as session:
        session.get(Incident, incident_id).status = "closed"
    assert book.record(more).state == "open"  # the incident is closed: a new change is news again
