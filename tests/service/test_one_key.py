"""The one-key alarm from a worker's phone: one authenticated call files a top-priority incident, or nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from console.storage.api_keys import ApiKeyError, ApiKeyStore
from console.storage.models import AuditEntry, Incident
from tests.service.conftest import PHONE, request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _counts(store) -> tuple[int, int]:
    with store.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Incident)),
                session.scalar(select(func.count()).select_from(AuditEntry)))


@pytest.fixture
def device_key(store, clock, positions) -> str:
    return ApiKeyStore(store, clock).issue("device", PHONE)[1]


def _alarm(intake, key: str | None, body: bytes, headers: dict | None = None):
    headers = dict(headers or FORM)
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return request(intake.http_port, "POST", "/api/v1/one-key", body, headers)


def test_one_call_files_a_one_key_incident_in_the_workers_name(intake, store, device_key):
    reply = _alarm(intake, device_key, b"lat=30.1&lon=120.3&subitem=FIR01&text=%E4%BB%93%E5%BA%93%E8%B5%B7%E7%81%AB")
    assert reply.status == 201
    number = json.loads(reply.body)["number"]
    with store.sessions() as session:
        incident = session.scalar(select(Incident).where(Incident.number == number))
        steps = session.scalars(select(AuditEntry.action).where(AuditEntry.incident_id == incident.id)).all()
    assert incident.one_key and incident.source == "one_key" and incident.queue_rank == 0
    assert incident.subitem == "FIR01" and incident.title == "仓库起火" and incident.status == "reported"
    assert incident.reporter == "王小红" and incident.grid_id is not None
    assert steps == ["report"]


def test_json_bodies_are_taken_too_and_the_default_is_a_mass_dispute(intake, store, device_key):
    reply = _alarm(intake, device_key, json.dumps({"lat": 30.1, "lon": 120.3}).encode(),
                   {"Content-Type": "application/json"})
    assert reply.status == 201
    with store.sessions() as session:
        assert session.scalar(select(Incident.subitem).where(Incident.number == json.loads(reply.body)["number"])) \
            == "DIS05"


@pytest.mark.parametrize("key, body, status", [
    (None, b"lat=30.1&lon=120.3", 401),
    ("gw_not-a-key", b"lat=30.1&lon=120.3", 403),
    ("device", b"lon=120.3", 400),
    ("device", b"lat=95&lon=120.3", 400),
    ("device", b"lat=30.1&lon=east", 400),
    ("device", b"lat=30.1&lon=120.3&subitem=NOPE", 400),
    ("device", b"lat=30.1&lon=120.3&text=" + b"x" * 600, 400),
    ("device", b"\xff\xfe", 400),
])
def test_bad_calls_are_refused_and_write_nothing(intake, store, device_key, key, body, status):
    before = _counts(store)
    reply = _alarm(intake, device_key if key == "device" else key, body)
    assert reply.status == status and "error" in json.loads(reply.body)
    assert _counts(store) == before


def test_a_revoked_or_other_kind_of_key_does_not_raise_an_alarm(intake, store, clock, device_key):
    keys = ApiKeyStore(store, clock)
    open311_key = keys.issue("open311", "citizen-app")[1]
    keys.revoke(PHONE)
    before = _counts(store)
    assert _alarm(intake, device_key, b"lat=30.1&lon=120.3").status == 403
    assert _alarm(intake, open311_key, b"lat=30.1&lon=120.3").status == 403
    assert _counts(store) == before


def test_a_key_revoked_by_an_administrator_stops_working_at_once_an_operator_cannot_revoke(intake, store, clock,
                                                                                             device_key):
    from console.core.roles import PermissionDenied
    assert _alarm(intake, device_key, b"lat=30.1&lon=120.3").status == 201
    with pytest.raises(PermissionDenied, match="manage API keys"):
        ApiKeyStore(store, clock).for_operator("duty", "王丽").revoke(PHONE)
    assert _alarm(intake, device_key, b"lat=30.1&lon=120.3").status == 201  # still works
    ApiKeyStore(store, clock).for_operator("admin", "李晓东").revoke(PHONE)
    before = _counts(store)
    reply = _alarm(intake, device_key, b"lat=30.1&lon=120.3")  # the very next call: nothing cached
    assert reply.status == 403 and "error" in json.loads(reply.body)
    assert _counts(store) == before


def test_a_device_key_needs_a_registered_phone(store, clock, positions):
    with pytest.raises(ApiKeyError, match="register the phone"):
        ApiKeyStore(store, clock).issue("device", "no-such-phone")
