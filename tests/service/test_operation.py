"""Running the intake: one access line per request without secrets, the health check, draining on stop."""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import time
import urllib.parse

import pytest

from console.service import start_service
from console.service.access_log import redact_query
from console.storage.api_keys import ApiKeyStore
from tests.service.conftest import OWNTRACKS, PHONE, T0, request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "gridwatch.access"]


def _block_writer(intake) -> threading.Event:
    """Hold the writer thread in a job until the returned event is set."""
    release = threading.Event()
    running = threading.Event()
    intake._writer.run_job(lambda: (running.set(), release.wait(20)))
    assert running.wait(10)
    return release


def test_each_request_is_one_access_line_with_status_bytes_time_and_peer(intake, caplog):
    caplog.set_level(logging.INFO, logger="gridwatch.access")
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0}").status == 200
    assert request(intake.http_port, "GET", "/nowhere?x=1").status == 404
    first, second = _access_lines(caplog)
    assert first.startswith(f'127.0.0.1 "GET /?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0}" 200 0B ')
    assert first.endswith("ms") and float(first.split()[-1][:-2]) >= 0
    assert second.startswith('127.0.0.1 "GET /nowhere?x=1" 404 ')


def test_an_api_key_or_password_never_reaches_the_log(intake, store, clock, caplog):
    caplog.set_level(logging.DEBUG)
    _record, key = ApiKeyStore(store, clock).issue("open311", "civic-app")
    fields = {"api_key": key, "service_code": "CON01", "lat": "30.1003", "long": "120.3004", "description": "x"}
    assert request(intake.http_port, "POST", "/open311/v2/requests.json", urllib.parse.urlencode(fields).encode(),
                   FORM).status == 200
    assert request(intake.http_port, "POST", f"/open311/v2/requests.json?api_key={key}", b"service_code=CON01",
                   FORM).status == 400
    assert request(intake.http_port, "GET", "/open311/v2/requests.json?API%5FKEY=wrong-key-s3cret&token=t0ps3cret"
                   "&service_code=CON01").status == 200
    login = base64.b64encode(b"li:hunter2-password").decode()
    assert request(intake.http_port, "POST", "/owntracks?password=hunter2-password", json.dumps(
        {"_type": "location", "lat": 30.1, "lon": 120.3, "tst": T0}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Basic {login}",
         "X-Limit-U": OWNTRACKS.split("/")[0], "X-Limit-D": OWNTRACKS.split("/")[1]}).status == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (key, "wrong-key-s3cret", "t0ps3cret", "hunter2", login):
        assert secret not in text
    lines = _access_lines(caplog)
    assert len(lines) == 4
    assert '"POST /open311/v2/requests.json?api_key=***" 400 ' in lines[1]
    assert "?API%5FKEY=***&token=***&service_code=CON01" in lines[2]


def test_the_redaction_keeps_the_device_id_and_escapes_control_characters(intake, caplog):
    assert redact_query("id=phone-1&lat=1&apikey=a&Password=b&x") == "id=phone-1&lat=1&apikey=***&Password=***&x"
    caplog.set_level(logging.INFO, logger="gridwatch.access")
    with socket.create_connection(("127.0.0.1", intake.http_port), timeout=10) as sock:
        sock.sendall(b"GET /a\x1b[31mb HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 404")
    [line] = _access_lines(caplog)
    assert "\x1b" not in line and "\\x1b[31m" in line and "\n" not in line


@pytest.mark.parametrize("port", ["osmand_port", "http_port"])
def test_the_health_check_answers_on_both_ports(intake, port):
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    reply = request(getattr(intake, port), "GET", "/health")
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    health = json.loads(reply.body)
    assert health["status"] == health["database"] == "ok" and "reason" not in health
    assert (health["pending_writes"], health["stored"], health["failed"]) == (0, 1, 0)


def test_an_unreadable_database_makes_the_health_check_503_with_a_reason(intake, store):
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE alembic_version RENAME TO alembic_version_away")
    reply = request(intake.http_port, "GET", "/health")
    health = json.loads(reply.body)
    assert reply.status == 503 and health["database"] == "unavailable" and health["status"] == "unavailable"
    assert "alembic_version" in health["reason"] and "\n" not in health["reason"]
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE alembic_version_away RENAME TO alembic_version")
    assert request(intake.http_port, "GET", "/health").status == 200


def test_a_failed_write_makes_the_health_check_503_until_a_write_succeeds(intake, store):
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE positions RENAME TO positions_away")
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 503
    reply = request(intake.osmand_port, "GET", "/health")
    health = json.loads(reply.body)
    assert reply.status == 503 and health["reason"] == "the last write failed: no such table: positions"
    assert health["failed"] == 1
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE positions_away RENAME TO positions")
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    assert request(intake.osmand_port, "GET", "/health").status == 200


def test_the_health_check_does_not_wait_for_a_busy_writer(intake):
    release = _block_writer(intake)
    try:
        queued = threading.Thread(target=request, args=(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3"))
        queued.start()
        deadline = time.monotonic() + 10
        while intake._writer.pending() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        reply = request(intake.http_port, "GET", "/health")
        assert time.monotonic() - started < 2
        assert reply.status == 200 and json.loads(reply.body)["pending_writes"] == 1
    finally:
        release.set()
    queued.join(10)


def test_stop_answers_the_requests_in_hand_and_stores_their_fixes(store, clock, positions):
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0)
    release = _block_writer(handle)
    outcome = {}
    target = f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0}"
    sender = threading.Thread(target=lambda: outcome.update(answer=request(handle.osmand_port, "GET", target)))
    stopping = threading.Thread(target=lambda: outcome.update(flushed=handle.stop()))
    try:
        sender.start()
        deadline = time.monotonic() + 10
        while handle._writer.pending() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        stopping.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait until the port no longer accepts connections
            try:
                request(handle.osmand_port, "GET", "/health")
            except OSError:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the port still accepts connections while stopping")
    finally:
        release.set()
        sender.join(10)
        stopping.join(20)
        handle.stop()
    assert outcome["answer"].status == 200 and outcome["answer"].headers.get("connection") == "close"
    assert outcome["flushed"] is True and positions.count() == 1
