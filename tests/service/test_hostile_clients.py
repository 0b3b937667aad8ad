"""Oversize bodies and slow clients against the running intake, over real sockets on loopback.

What these tests protect (issue 8, "hostile input"): a body over its limit is refused with 413 without the
server reading it all (announced by ``Content-Length``, or ``chunked`` and never ending); a client that sends
its header or body byte by byte (slowloris), or opens a connection and says nothing, is cut off after a bounded
time (408) -- and meanwhile a normal request on another connection is answered at once.  The time limits are
shortened here (:func:`short_limits`) so that the tests take seconds; the production values are the constants
of :mod:`console.service.http`.
"""

from __future__ import annotations

import select
import socket
import time

import pytest

from console.service import http, start_service, worker_reports
from tests.service.conftest import PHONE, request

HEADER_TIMEOUT_S = 0.6
BODY_TIMEOUT_S = 0.6
IDLE_TIMEOUT_S = 0.8
MIN_BODY_RATE = 2000
#: How late a limit may be enforced: a sweep every quarter of the shortest limit, and a loaded machine.
SLACK_S = 2.0
PROMPT_S = 1.0


@pytest.fixture
def short_limits(monkeypatch):
    """The time limits of the HTTP server, shortened for the service started after it."""
    monkeypatch.setattr(http, "HEADER_TIMEOUT_S", HEADER_TIMEOUT_S)
    monkeypatch.setattr(http, "BODY_TIMEOUT_S", BODY_TIMEOUT_S)
    monkeypatch.setattr(http, "IDLE_TIMEOUT_S", IDLE_TIMEOUT_S)
    monkeypatch.setattr(http, "MIN_BODY_RATE", MIN_BODY_RATE)


@pytest.fixture
def service(short_limits, store, clock, positions):
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, offline_check_s=3600)
    yield handle
    handle.stop()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """The status and whole answer the server sends before it closes the connection."""
    data = b""
    while True:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        data += piece
    assert data.startswith(b"HTTP/1.1 "), data[:100]
    return int(data[9:12]), data


def answered_promptly(port: int) -> float:
    """Seconds a normal request (a health check) takes; it must succeed."""
    started = time.monotonic()
    reply = request(port, "GET", "/health")
    assert reply.status == 200, reply.body
    return time.monotonic() - started


def send_until_answered(sock: socket.socket, pieces, pace_s: float = 0.0, max_s: float = 30.0) -> int:
    """Send ``pieces`` one after the other until the server answers (or stops reading); returns bytes sent.
    Between two pieces it waits up to ``pace_s`` for the answer."""
    sent = 0
    deadline = time.monotonic() + max_s
    for piece in pieces:
        readable, _, _ = select.select([sock], [], [], pace_s)
        if readable:
            return sent
        try:
            sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            return sent
        sent += len(piece)
        assert time.monotonic() < deadline, f"still sending after {max_s} s ({sent} bytes): never cut off"
    raise AssertionError("ran out of pieces to send before the server answered")


def forever(piece: bytes):
    while True:
        yield piece


# -- oversize bodies -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, limit", [("/owntracks", http.MAX_BODY_BYTES),
                                         (worker_reports.PATH, worker_reports.MAX_BODY_BYTES)])
def test_a_content_length_over_the_limit_is_refused_with_413_before_any_body_is_sent(service, path, limit):
    """The header alone decides: the client has sent no byte of its 10 GB body when the 413 comes."""
    with connect(service.http_port) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {10 ** 10}\r\n\r\n".encode())
        status, answer = read_answer(sock)
    assert status == 413, answer
    assert str(limit).encode() in answer


def test_a_content_length_of_more_digits_than_any_limit_is_413_not_a_crash(service):
    with connect(service.http_port) as sock:
        sock.sendall(b"POST /owntracks HTTP/1.1\r\nHost: x\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n")
        status, answer = read_answer(sock)
    assert status == 413, answer
    assert answered_promptly(service.http_port) < PROMPT_S


@pytest.mark.parametrize("what, head, pieces, status", [
    ("chunks without end", b"", forever(b"10000\r\n" + b"x" * 0x10000 + b"\r\n"), 413),
    ("a chunk size line without end", b"1", forever(b"0" * 4096), 400),
    ("chunk extensions without end", b"1;", forever(b"e" * 4096), 400),
    ("a trailer without end", b"0\r\n", forever(b"X-Trailer-" + b"t" * 4086), 431),
    ("tiny chunks without end", b"", forever(b"1\r\nx\r\n" * 1000), 413),
])
def test_a_chunked_body_that_keeps_going_is_refused_without_reading_it_all(service, what, head, pieces, status):
    """A body of unknown length is bounded as it arrives: refused once past its limit (data, size line,
    trailer, or all of it with its framing), the client having sent little more than that."""
    with connect(service.http_port) as sock:
        sock.sendall(b"POST /owntracks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + head)
        sent = send_until_answered(sock, pieces)
        answer_status, answer = read_answer(sock)
    assert answer_status == status, (what, answer[:200])
    # What the kernel's socket buffers hold on top of what the server read before refusing.
    assert sent < http.MAX_CHUNKED_BYTES + 8 * 1024 * 1024, sent


# -- slow clients --------------------------------------------------------------------------------------

def test_a_header_trickled_byte_by_byte_is_cut_off_and_others_are_served_meanwhile(service):
    """Slowloris: one header byte every 50 ms keeps the connection busy but never completes; the server
    answers 408 within the header limit while a normal request on another connection is answered at once."""
    started = time.monotonic()
    with connect(service.osmand_port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        assert answered_promptly(service.osmand_port) < PROMPT_S
        send_until_answered(sock, forever(b"X"), pace_s=0.05)
        status, answer = read_answer(sock)
    assert status == 408, answer
    assert time.monotonic() - started < HEADER_TIMEOUT_S + SLACK_S


def test_a_body_trickled_byte_by_byte_is_cut_off_and_others_are_served_meanwhile(service):
    """A complete header announcing 100 kB, then a byte every 50 ms: 408 once the body falls behind
    the minimum rate, and the others are served meanwhile."""
    started = time.monotonic()
    with connect(service.http_port) as sock:
        sock.sendall(b"POST /owntracks HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
        assert answered_promptly(service.http_port) < PROMPT_S
        send_until_answered(sock, forever(b" "), pace_s=0.05)
        status, answer = read_answer(sock)
    assert status == 408, answer
    assert time.monotonic() - started < BODY_TIMEOUT_S + SLACK_S


def test_a_body_sent_slowly_but_above_the_minimum_rate_gets_its_time(service):
    """The body limit grows with what arrives: 6 kB at ~4 kB/s takes longer than BODY_TIMEOUT_S and is served."""
    body = b'{"_type": "lwt", "pad": "' + b"x" * 6000 + b'"}'
    with connect(service.http_port) as sock:
        sock.sendall(f"POST /owntracks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode())
        started = time.monotonic()
        for offset in range(0, len(body), 200):
            readable, _, _ = select.select([sock], [], [], 0.05)  # the pace: ~4 kB/s
            assert not readable, "answered before the body was complete"
            sock.sendall(body[offset:offset + 200])
        status, answer = read_answer(sock)
    assert time.monotonic() - started > BODY_TIMEOUT_S
    assert status == 200, answer


def test_a_connection_opened_and_left_silent_is_closed(service):
    started = time.monotonic()
    with connect(service.osmand_port) as sock:
        assert answered_promptly(service.osmand_port) < PROMPT_S
        status, _answer = read_answer(sock)
    assert status == 408
    assert time.monotonic() - started < HEADER_TIMEOUT_S + SLACK_S


def test_a_keep_alive_connection_silent_after_its_request_is_closed_after_the_idle_limit(service):
    """Between requests a connection may stay silent for IDLE_TIMEOUT_S (phones keep theirs), then it is
    closed without an answer (there is no request to answer)."""
    with connect(service.osmand_port) as sock:
        sock.sendall(f"GET /?id={PHONE}&lat=30.1&lon=120.3 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200"), first
        answered = time.monotonic()
        assert sock.recv(65536) == b""  # blocks until the server closes
    assert IDLE_TIMEOUT_S <= time.monotonic() - answered + 0.05 < IDLE_TIMEOUT_S + SLACK_S
