"""The OsmAnd protocol as Traccar Client speaks it, over real HTTP to the running intake."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from urllib.parse import urlencode

from console.service.protocols import KNOT_MS
from tests.service.conftest import PHONE, T0, request
from tests.storage.conftest import WORKER_NAMES


def _track(positions, worker_index=0):
    worker = positions.device(PHONE if worker_index == 0 else "li/phone").worker_id
    return positions.track(worker, 0, T0 + 86400)


def test_a_query_report_is_stored_in_si_units_after_an_empty_200(intake, positions):
    reply = request(intake.osmand_port, "POST",
                    f"/?id={PHONE}&timestamp={T0}&lat=30.112345&lon=120.301234&speed=10&bearing=271.5"
                    f"&altitude=12.3&accuracy=8.4&batt=87.5&charge=true&hdop=0.9")
    assert (reply.status, reply.body) == (200, b"")
    [point] = _track(positions)
    assert (point.t, point.lat, point.lon) == (T0, 30.112345, 120.301234)
    assert point.speed == pytest.approx(10 * KNOT_MS, abs=0.01)  # knots in, metres per second stored
    assert (point.bearing, point.altitude, point.accuracy, point.battery, point.charging, point.valid) == \
        (272.0, 12.0, 8.0, 88, True, True)


def test_form_body_deviceid_and_location_parameter(intake, positions):
    reply = request(intake.osmand_port, "POST", "/",
                    body=f"deviceid={PHONE}&location=30.2,120.4&timestamp={T0}&valid=false".encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200
    [point] = _track(positions)
    assert (point.lat, point.lon, point.valid) == (30.2, 120.4, False)


@pytest.mark.parametrize("stamp, expected", [
    (str(T0), T0),
    (str(T0 * 1000 + 999), T0),  # milliseconds
    ("2026-11-29T08:00:00Z", T0),
    ("2026-11-29T16:00:00+08:00", T0),
    ("2026-11-29 08:00:00", T0),  # read as UTC
])
def test_every_timestamp_form_traccar_reads(intake, positions, stamp, expected):
    query = urlencode({"id": PHONE, "lat": 30.1, "lon": 120.3, "timestamp": stamp})
    assert request(intake.osmand_port, "GET", f"/?{query}").status == 200
    assert [p.t for p in _track(positions)] == [expected]


def test_a_report_without_timestamp_gets_the_server_time(intake, positions, clock):
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    assert [p.t for p in _track(positions)] == [int(clock.now().timestamp())]


def test_the_json_body_of_newer_traccar_clients(intake, positions):
    body = {"device_id": PHONE, "location": {
        "timestamp": "2026-11-29T08:00:05.123Z", "is_moving": True, "odometer": 12,
        "coords": {"latitude": 30.11, "longitude": 120.31, "accuracy": 5.0, "speed": 1.5, "heading": -1,
                   "altitude": 7.0},
        "battery": {"level": 0.42, "is_charging": True}}}
    reply = request(intake.osmand_port, "POST", "/", json.dumps(body).encode(), {"Content-Type": "application/json"})
    assert reply.status == 200
    [point] = _track(positions)
    assert (point.t, point.lat, point.lon, point.speed, point.bearing) == (T0 + 5, 30.11, 120.31, 1.5, None)
    assert (point.accuracy, point.altitude, point.battery, point.charging) == (5.0, 7.0, 42, True)


def test_an_unknown_device_is_refused_as_traccar_refuses_it_and_never_created(intake, positions, caplog):
    query = request(intake.osmand_port, "GET", f"/?id=stranger&lat=30.1&lon=120.3&timestamp={T0}")
    body = {"device_id": "stranger", "location": {"timestamp": "2026-11-29T08:00:00Z",
                                                  "coords": {"latitude": 30.1, "longitude": 120.3}}}
    as_json = request(intake.osmand_port, "POST", "/", json.dumps(body).encode(), {"Content-Type": "application/json"})
    assert (query.status, as_json.status) == (400, 404)
    assert b"unknown device 'stranger'" in query.body
    assert [d.unique_id for d in positions.devices()] == [PHONE, "li/phone"]
    assert positions.count() == 0
    assert intake.stats.unknown_device == 2
    assert any("unknown device 'stranger'" in r.getMessage() for r in caplog.records)


def test_a_device_registered_while_running_is_accepted_at_once(intake, positions):
    positions.add_device("W1", "new-phone")
    assert request(intake.osmand_port, "GET", f"/?id=new-phone&lat=30.1&lon=120.3&timestamp={T0}").status == 200
    assert positions.count() == 1


@pytest.mark.parametrize("query, reason", [
    ("lat=abc&lon=120.3", "lat 'abc' is not a number"),
    ("lat=95&lon=120.3", "latitude 95.0 is outside [-90, 90]"),
    ("lat=30.1&lon=181", "longitude 181.0 is outside [-180, 180]"),
    ("lat=30.1", "missing position"),
    ("location=30.1", "is not lat,lon"),
    ("lat=30.1&lon=120.3&timestamp=yesterday", "timestamp 'yesterday' is neither"),
    ("lat=30.1&lon=120.3&speed=fast", "speed 'fast' is not a number"),
    ("lat=30.1&lon=120.3&batt=150", "battery 150 is outside 0-100 %"),
    ("lat=30.1&lon=120.3&timestamp=1900000000", "h in the future"),
])
def test_malformed_values_get_400_with_a_one_line_reason(intake, positions, query, reason):
    reply = request(intake.osmand_port, "GET", f"/?id={PHONE}&{query}")
    assert reply.status == 400
    text = reply.body.decode()
    assert reason in text and text.count("\n") == 1, text
    assert positions.count() == 0


def test_a_request_without_a_device_id_is_refused(intake, positions):
    reply = request(intake.osmand_port, "GET", "/?lat=30.1&lon=120.3")
    assert reply.status == 400 and b"missing device id" in reply.body


def test_malformed_json_is_refused(intake, positions):
    reply = request(intake.osmand_port, "POST", "/", b"{not json", {"Content-Type": "application/json"})
    assert reply.status == 400 and reply.body.startswith(b"body is not valid JSON")


def test_keep_alive_carries_many_reports_on_one_connection(intake, positions):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", intake.osmand_port, timeout=10)
    try:
        for k in range(20):
            connection.request("GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0 + k}")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
    finally:
        connection.close()
    assert [p.t for p in _track(positions)] == [T0 + k for k in range(20)]


def test_pipelined_requests_are_answered_in_order(intake, positions):
    import socket
    with socket.create_connection(("127.0.0.1", intake.osmand_port), timeout=10) as sock:
        requests = [f"GET /?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0 + k} HTTP/1.1\r\nHost: x\r\n\r\n"
                    for k in range(3)]
        requests.insert(1, "GET /?id=stranger&lat=30.1&lon=120.3 HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.sendall("".join(requests).encode())
        received = b""
        while received.count(b"HTTP/1.1 ") < 4:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    assert re.findall(rb"HTTP/1\.1 (\d{3})", received) == [b"200", b"400", b"200", b"200"]


def test_a_position_is_stored_before_it_is_acknowledged(intake, positions, store):
    for k in range(5):
        assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0 + k}").status == 200
        # read through a separate connection: what was acknowledged is committed
        assert positions.count() == k + 1


def test_latest_position_and_device_last_seen_follow_reports(intake, positions, clock):
    request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0 - 60}")
    device = positions.device(PHONE)
    assert device.last_seen_at == datetime.fromtimestamp(T0, timezone.utc)
    latest = positions.latest_positions()
    assert latest[device.worker_id].t == T0 - 60
    assert device.worker_name == WORKER_NAMES[0]
