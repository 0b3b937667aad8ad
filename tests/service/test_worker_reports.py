"""A worker's report with photos from the worker app: filed with its photos and thumbnails, or nothing at all."""

from __future__ import annotations

import json
import os
import socket
import struct
import time
import uuid
import zlib

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from console.service import start_service, worker_reports
from console.storage.api_keys import ApiKeyStore
from console.storage.blobs import blob_store
from console.storage.models import Attachment, AuditEntry, Incident
from console.storage.photos import MAX_PHOTO_BYTES
from tests.service.conftest import PHONE, request
from tests.video.helpers import wait_until

PATH = "/api/v1/reports"


def photo(kind: str, width: int, height: int) -> bytes:
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = (40, 90, 200)
    cv2.circle(image, (width // 2, height // 2), min(width, height) // 4, (255, 255, 255), -1)
    ok, data = cv2.imencode(f".{kind}", image)
    assert ok
    return data.tobytes()


JPEG, PNG = photo("jpg", 800, 600), photo("png", 300, 500)
FIELDS = {"subitem": "ENV01", "lat": "30.1", "lon": "120.3", "text": "垃圾堆放\n河边有大量建筑垃圾"}


def multipart(fields: dict[str, str], photos: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body as the worker app sends it, and its Content-Type."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                      + value.encode() + b"\r\n")
    for filename, mime, data in photos:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
                      f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def device_key(store, clock, positions) -> str:
    return ApiKeyStore(store, clock).issue("device", PHONE)[1]


def _post(intake, key, body: bytes, content_type: str):
    headers = {"Content-Type": content_type}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return request(intake.http_port, "POST", PATH, body, headers)


def _written(store) -> tuple[int, int, int, int]:
    """Incidents, attachments, audit entries and blob files: what a refused report must not change."""
    with store.sessions() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(table))
                       for table in (Incident, Attachment, AuditEntry))
    return (*counts, len(blob_store(store).files()))


def test_a_report_with_two_photos_is_filed_with_their_thumbnails_and_full_bytes(intake, store, device_key):
    body, content_type = multipart(FIELDS, [("river.jpg", "image/jpeg", JPEG), ("river.png", "image/png", PNG)])
    reply = _post(intake, device_key, body, content_type)
    assert reply.status == 201, reply.body
    answer = json.loads(reply.body)
    assert answer["status"] == "reported" and answer["photos"] == 2
    with store.sessions() as session:
        incident = session.scalar(select(Incident).where(Incident.number == answer["number"]))
        attachments = list(session.scalars(select(Attachment).where(Attachment.incident_id == incident.id)
                                           .order_by(Attachment.id)))
        steps = session.scalars(select(AuditEntry.action).where(AuditEntry.incident_id == incident.id)).all()
    assert incident.source == "worker_app" and incident.subitem == "ENV01" and not incident.one_key
    assert incident.title == "垃圾堆放" and incident.description == FIELDS["text"]
    assert incident.reporter == "王小红" and incident.grid_id is not None and steps == ["report"]
    assert [(a.filename, a.mime, a.width, a.height, a.data) for a in attachments] == [
        ("river.jpg", "image/jpeg", 800, 600, None), ("river.png", "image/png", 300, 500, None)]
    blobs = blob_store(store)
    for attachment, sent in zip(attachments, (JPEG, PNG)):
        assert blobs.get(attachment.blob_sha256) == sent and attachment.size == len(sent)
        thumb = cv2.imdecode(np.frombuffer(attachment.thumbnail, np.uint8), cv2.IMREAD_COLOR)
        assert thumb is not None and max(thumb.shape[:2]) == 160
    assert thumb.shape[:2] == (160, 96), "the aspect ratio is kept"
    assert len(blobs.files()) == 2


def test_a_report_without_photos_and_a_photo_sent_twice_is_stored_once(intake, store, device_key):
    body, content_type = multipart({"subitem": "ENV01", "lat": "30.1", "lon": "120.3"}, [])
    reply = _post(intake, device_key, body, content_type)
    assert reply.status == 201 and json.loads(reply.body)["photos"] == 0
    body, content_type = multipart(FIELDS, [("a.jpg", "image/jpeg", JPEG), ("b.jpg", "image/jpeg", JPEG)])
    assert _post(intake, device_key, body, content_type).status == 201
    assert _written(store)[1:4:2] == (2, 1)


def _case(fields=None, photos=None, *, drop=(), key="device", raw: tuple[bytes, str] | None = None):
    values = {k: v for k, v in {**FIELDS, **(fields or {})}.items() if k not in drop}
    body = raw or multipart(values, [("p.jpg", "image/jpeg", JPEG)] if photos is None else photos)
    return key, body


NOT_AN_IMAGE = b"\xff\xd8\xff\xe0" + b"JFIF but nothing after it" * 20
IHDR = b"IHDR" + struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)  # 3.6 gigapixels claimed in 33 bytes
PNG_BOMB_HEADER = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + IHDR
PNG_BOMB = PNG_BOMB_HEADER + struct.pack(">I", zlib.crc32(IHDR))


@pytest.mark.parametrize("case, status, message", [
    (_case(key=None), 401, "Authorization"),
    (_case(key="gw_not-a-key"), 403, "unknown or revoked"),
    (_case(raw=(b"subitem=ENV01&lat=30.1&lon=120.3", "application/x-www-form-urlencoded")), 400, "multipart"),
    (_case(raw=(b'--abc\r\nContent-Disposition: form-data; name="lat"\r\n\r\n30.1',
                "multipart/form-data; boundary=abc")), 400, "malformed body"),
    (_case(raw=(b"garbage", "multipart/form-data")), 400, "boundary"),
    (_case(drop=("subitem",)), 400, "subitem is required"),
    (_case(drop=("lat",)), 400, "lat is required"),
    (_case({"subitem": "NOPE"}), 400, "unknown subitem"),
    (_case({"lat": "91"}), 400, "lat out of range"),
    (_case({"lon": "east"}), 400, "lon is not a number"),
    (_case({"text": "x" * 2001}), 400, "text longer"),
    (_case(photos=[("cat.jpg", "image/jpeg", b"GIF89a" + bytes(300))]), 400, "photo 1 is not a JPEG or PNG"),
    (_case(photos=[("ok.png", "image/png", PNG), ("x.jpg", "image/jpeg", NOT_AN_IMAGE)]), 400,
     "photo 2 is not a JPEG or PNG"),
    (_case(photos=[("bomb.png", "image/png", PNG_BOMB)]), 400, "megapixels"),
    (_case(photos=[("p.jpg", "image/jpeg", JPEG)] * 10), 400, "at most 9 photos"),
    (_case(photos=[("big.jpg", "image/jpeg", JPEG + bytes(MAX_PHOTO_BYTES))]), 413,
     "photo 1 is larger than 8 MiB"),
], ids=["no key", "wrong key", "not multipart", "no final boundary", "no boundary", "no subitem", "no lat",
        "unknown subitem", "lat out of range", "lon not a number", "text too long", "fake image", "second fake",
        "decoding bomb", "ten photos", "photo too large"])
def test_bad_reports_are_refused_clearly_and_write_nothing(intake, store, device_key, case, status, message):
    key, (body, content_type) = case
    before = _written(store)
    reply = _post(intake, device_key if key == "device" else key, body, content_type)
    assert reply.status == status, reply.body
    assert message in json.loads(reply.body)["error"]
    assert _written(store) == before


def test_a_body_over_the_limit_is_refused_from_its_header_and_other_paths_keep_the_small_limit(intake, store,
                                                                                               device_key):
    before = _written(store)
    with socket.create_connection(("127.0.0.1", intake.http_port), timeout=10) as sock:
        sock.sendall(f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {device_key}\r\n"
                     f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {41 * 1024 * 1024}\r\n\r\n"
                     .encode() + b"--b\r\n" * 1000)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ") and b"body larger than 41943040 bytes" in answer
    big = b"lat=30.1&lon=120.3&text=" + b"x" * (300 * 1024)
    reply = request(intake.http_port, "POST", "/api/v1/one-key", big,
                    {"Authorization": f"Bearer {device_key}", "Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 413
    assert _written(store) == before


def test_a_chunked_upload_is_asked_for_a_length(intake, device_key):
    with socket.create_connection(("127.0.0.1", intake.http_port), timeout=10) as sock:
        sock.sendall(f"POST {PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                     .encode())
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 411 ")


def test_a_client_that_expects_100_continue_is_told_to_send_the_body(intake, store, device_key):
    body, content_type = multipart(FIELDS, [("river.jpg", "image/jpeg", JPEG)])
    with socket.create_connection(("127.0.0.1", intake.http_port), timeout=10) as sock:
        sock.sendall(f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {device_key}\r\n"
                     f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\n"
                     "Connection: close\r\n\r\n".encode())
        assert sock.recv(4096) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n") and b'"photos": 1' in answer


def test_a_failed_transaction_answers_503_and_its_orphan_photo_is_swept_when_the_intake_starts(
        intake, store, clock, device_key, monkeypatch):
    attach = worker_reports.attach

    def attach_then_fail(*args):
        attach(*args)
        raise RuntimeError("disk I/O error")
    monkeypatch.setattr(worker_reports, "attach", attach_then_fail)
    before = _written(store)
    body, content_type = multipart(FIELDS, [("river.jpg", "image/jpeg", JPEG)])
    reply = _post(intake, device_key, body, content_type)
    assert reply.status == 503 and "try again" in json.loads(reply.body)["error"]
    orphans = blob_store(store).files()
    assert _written(store)[:3] == before[:3] and len(orphans) == 1, "no row; the photo's file was written first"

    stale = time.time() - 2 * 3600
    os.utime(orphans[0], (stale, stale))
    second = start_service(store, clock=clock, osmand_port=0, http_port=0, offline_check_s=3600)
    try:
        wait_until(lambda: not orphans[0].exists(), timeout=10, what="the orphan swept at start")
    finally:
        second.stop()
