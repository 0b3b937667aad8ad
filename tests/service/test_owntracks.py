"""OwnTracks' HTTP mode at /owntracks on the HTTP port, over real HTTP to the running intake."""

from __future__ import annotations

import json

import pytest

from console.service.protocols import KMH_MS
from tests.service.conftest import OWNTRACKS, T0, request


def _post(intake, payload, headers=None, path="/owntracks"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return request(intake.http_port, "POST", path, body, {"Content-Type": "application/json", **(headers or {})})


LOCATION = {"_type": "location", "lat": 30.105, "lon": 120.295, "tst": T0, "tid": "LP", "acc": 9, "alt": 11,
            "vel": 18, "cog": 90, "batt": 64, "bs": 2}
USER_DEVICE = {"X-Limit-U": "li", "X-Limit-D": "phone"}


def _points(positions):
    return positions.track(positions.device(OWNTRACKS).worker_id, 0, T0 + 86400)


def test_a_location_is_stored_and_answered_with_an_empty_list(intake, positions):
    reply = _post(intake, LOCATION, USER_DEVICE)
    assert (reply.status, reply.body, reply.headers["content-type"]) == (200, b"[]", "application/json")
    [point] = _points(positions)
    assert (point.t, point.lat, point.lon, point.accuracy, point.altitude, point.bearing) == \
        (T0, 30.105, 120.295, 9.0, 11.0, 90.0)
    assert point.speed == pytest.approx(18 * KMH_MS, abs=0.01)  # km/h in, metres per second stored
    assert (point.battery, point.charging) == (64, True)


def test_the_device_may_be_named_in_the_query_or_the_topic(intake, positions):
    assert _post(intake, LOCATION, path="/owntracks?u=li&d=phone").status == 200
    assert _post(intake, {**LOCATION, "tst": T0 + 1, "topic": "owntracks/li/phone"}).status == 200
    assert [p.t for p in _points(positions)] == [T0, T0 + 1]


def test_a_transition_is_a_fix_too(intake, positions):
    transition = {"_type": "transition", "event": "leave", "desc": "grid", "lat": 30.2, "lon": 120.2, "tst": T0,
                  "acc": 20, "wtst": T0 - 100, "t": "c", "tid": "LP"}
    assert _post(intake, transition, USER_DEVICE).body == b"[]"
    assert [(p.lat, p.lon) for p in _points(positions)] == [(30.2, 120.2)]


@pytest.mark.parametrize("payload", [b"", {"_type": "waypoint", "desc": "home"}, {"_type": "lwt", "tst": T0}])
def test_messages_without_a_fix_are_acknowledged_and_ignored(intake, positions, payload):
    assert (_post(intake, payload, USER_DEVICE).status, positions.count()) == (200, 0)


def test_an_unknown_device_is_refused_and_not_created(intake, positions):
    reply = _post(intake, LOCATION, {"X-Limit-U": "zhang", "X-Limit-D": "phone"})
    assert reply.status == 400 and b"unknown device 'zhang/phone'" in reply.body
    assert "zhang/phone" not in [d.unique_id for d in positions.devices()]


@pytest.mark.parametrize("payload, reason", [
    (b"[1, 2]", "body must be a JSON object"),
    (b"{\"_type\": \"location\", ", "body is not valid JSON"),
    ({**LOCATION, "lat": "north"}, "lat 'north' is not a number"),
    ({k: v for k, v in LOCATION.items() if k != "tst"}, "missing tst"),
])
def test_malformed_payloads_get_400_with_a_reason(intake, positions, payload, reason):
    reply = _post(intake, payload, USER_DEVICE)
    assert reply.status == 400 and reason in reply.body.decode()
    assert positions.count() == 0


def test_no_device_named_at_all_is_a_400(intake, positions):
    reply = _post(intake, {k: v for k, v in LOCATION.items() if k != "tid"})
    assert reply.status == 400 and b"X-Limit-U" in reply.body


def test_other_paths_and_methods_are_refused(intake):
    assert request(intake.http_port, "POST", "/api/positions", b"{}").status == 404
    assert request(intake.http_port, "GET", "/owntracks").status == 405
