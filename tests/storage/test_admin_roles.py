"""The administrator's permissions are checked in the core: users, cameras, phones and API keys.

Whatever a window calls, a book bound to an operator or a duty officer refuses every administrative write
with :class:`PermissionDenied` before anything is written; an administrator's succeeds, in one transaction
with an audit entry naming them; a plain book (the command line) acts with full rights."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.core.roles import PermissionDenied, Role
from console.storage.api_keys import ApiKeyStore
from console.storage.cameras import CameraBook
from console.storage.models import ApiKey, AuditEntry, Camera, Device, Operator
from console.storage.operators import OperatorBook
from console.storage.positions import PositionStore

PASSWORD = "correct horse"
CSV = "name,url,sub_url,lon,lat,group,onvif_url\nGate,demo:gate,,,,,\n"


def _audit(store) -> list[tuple[str, str, str]]:
    with store.sessions() as session:
        return [tuple(row) for row in session.execute(select(AuditEntry.subject, AuditEntry.actor, AuditEntry.action)
                                                      .order_by(AuditEntry.id))]


def _rows(store) -> tuple[int, ...]:
    with store.sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Operator, Camera, Device, ApiKey, AuditEntry))


@pytest.fixture
def seeded(store, clock, places):
    """A user, a camera, a phone and a key, added by the command line (full rights)."""
    OperatorBook(store, clock).add("lixd", "admin", PASSWORD)
    OperatorBook(store, clock).add("zhanghua", "operator", PASSWORD)
    camera = CameraBook(store, clock=clock).add("Canal", "demo:canal")
    PositionStore(store, clock).add_device(places.workers[0], "phone-1")
    ApiKeyStore(store, clock).issue("open311", "kiosk")
    return camera


def _attempts(store, clock, places, camera, role, tmp_path):
    csv = tmp_path / "cameras.csv"
    csv.write_text(CSV, encoding="utf-8")
    users = OperatorBook(store, clock).for_operator(role, "李四")
    cameras = CameraBook(store, clock=clock).for_operator(role, "李四")
    phones = PositionStore(store, clock).for_operator(role, "李四")
    keys = ApiKeyStore(store, clock).for_operator(role, "李四")
    return {
        "add user": lambda: users.add("newbie", "operator", PASSWORD),
        "set role": lambda: users.set_role("zhanghua", "admin"),
        "disable": lambda: users.disable("zhanghua"),
        "enable": lambda: users.enable("zhanghua"),
        "unlock": lambda: users.unlock("zhanghua"),
        "reset password": lambda: users.reset_password("zhanghua", "another secret"),
        "add camera": lambda: cameras.add("Bridge", "demo:bridge"),
        "update camera": lambda: cameras.update(camera.id, name="Canal east"),
        "remove camera": lambda: cameras.remove(camera.id),
        "import cameras": lambda: cameras.import_csv(csv),
        "add phone": lambda: phones.add_device(places.workers[1], "phone-2"),
        "add phones": lambda: phones.add_devices([(places.workers[1], "phone-3", "osmand")]),
        "remove phone": lambda: phones.remove_device("phone-1"),
        "issue key": lambda: keys.issue("open311", "civic-app"),
        "revoke key": lambda: keys.revoke("kiosk"),
    }


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.DUTY, "duty_officer"])
def test_an_operator_or_a_duty_officer_is_refused_every_administrative_write(store, clock, places, seeded, role,
                                                                             tmp_path):
    before = _rows(store)
    refused = []
    for what, attempt in _attempts(store, clock, places, seeded, role, tmp_path).items():
        with pytest.raises(PermissionDenied, match="Only an administrator") as denied:
            attempt()
        assert "administrator" in str(denied.value) and "\n" not in str(denied.value)
        refused.append(what)
    assert len(refused) == 15 and _rows(store) == before
    assert ApiKeyStore(store, clock).list()[0].active and not OperatorBook(store, clock).get("zhanghua").disabled


def test_reading_is_for_everybody(store, clock, seeded):
    assert [u.login for u in OperatorBook(store, clock).for_operator("operator", "x").list()] == ["lixd", "zhanghua"]
    assert [k.name for k in ApiKeyStore(store, clock).for_operator("operator", "x").list()] == ["kiosk"]
    assert [c.name for c in CameraBook(store).for_operator("operator", "x").list()] == ["Canal"]
    assert [d.unique_id for d in PositionStore(store).for_operator("duty", "x").devices()] == ["phone-1"]


def test_an_administrator_may_and_every_change_is_on_the_record_under_their_name(store, clock, places, seeded,
                                                                                 tmp_path):
    start = len(_audit(store))
    attempts = _attempts(store, clock, places, seeded, Role.ADMIN, tmp_path)
    for what in ("add user", "set role", "disable", "enable", "reset password", "add camera", "update camera",
                 "import cameras", "add phone", "remove phone", "issue key", "revoke key", "remove camera"):
        attempts[what]()
    entries = _audit(store)[start:]
    assert {actor for _subject, actor, _action in entries} == {"李四"}
    assert [action for _subject, _actor, action in entries] == [
        "add_operator", "set_role", "disable_operator", "enable_operator", "reset_password", "add_camera",
        "update_camera", "import_cameras", "add_device", "remove_device", "issue_key", "revoke_key", "remove_camera"]
    subjects = [subject for subject, _actor, _action in entries]
    assert subjects[7] == "cameras" and subjects[5].startswith("camera:") and subjects[8].startswith("device:")
    assert subjects[10].startswith("api_key:") and subjects[0].startswith("operator:")
    assert OperatorBook(store, clock).get("zhanghua").role is Role.ADMIN


def test_the_command_line_acts_with_full_rights(store, clock, places):
    assert OperatorBook(store, clock).role is Role.SYSTEM
    added = OperatorBook(store, clock, actor="gridwatch users add").add("lixd", "admin", PASSWORD)
    assert _audit(store)[-1] == (f"operator:{added.id}", "gridwatch users add", "add_operator")
    _record, key = ApiKeyStore(store, clock, actor="gridwatch keys").issue("open311", "kiosk")
    assert _audit(store)[-1][1:] == ("gridwatch keys", "issue_key") and key not in str(_audit(store))


def test_a_refused_write_leaves_no_audit_entry_and_a_failed_one_neither(store, clock, seeded):
    admin_cameras = CameraBook(store, clock=clock).for_operator("admin", "李四")
    before = _rows(store)
    with pytest.raises(ValueError):
        admin_cameras.add("Canal", "demo:other")  # a taken name: the transaction is rolled back whole
    assert _rows(store) == before
