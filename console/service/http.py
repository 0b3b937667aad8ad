"""A minimal HTTP/1.1 server on asyncio: just what phones reporting positions need.

Why not :mod:`http.server`: it spends a thread (or a process) per connection and
parses each request through :mod:`email`, ~10x the CPU this needs; 26,059 phones
each posting every 5 s is 5,200 requests a second on a 2-core machine.  This is an
:class:`asyncio.Protocol` per connection: persistent connections (HTTP/1.1
keep-alive, HTTP/1.0 only with ``Connection: keep-alive``), ``Content-Length`` and
``chunked`` bodies, pipelined requests answered in order, limits on header and body
size, and time limits on slow clients (below).  Every answer is logged as
one line by :mod:`console.service.access_log`.  :meth:`HttpServer.close` drains: it stops
listening, closes idle connections, lets requests in hand get their answers (then closes
those connections too), and only then closes what is left.

A handler is ``handler(request, respond)``: it may call ``respond(status, body,
content_type)`` at once or later, from the event loop's thread (the intake answers
after the database committed).  While a request waits for its answer the
connection parses nothing more (and stops reading when a pipelining client has sent
more than a request's worth), so answers cannot overtake each other.

Bodies are limited to :data:`MAX_BODY_BYTES` except on the paths given a larger limit by
``listen(..., body_limits={path: bytes})`` (a worker's report with photos): such a body must come
with a ``Content-Length`` (411 for ``chunked``), so that one larger than allowed is refused with 413
from its header alone, before any of it is buffered (a client sending ``Expect: 100-continue``, as curl
does for large bodies, gets ``100 Continue`` only once the header passed).  After such a refusal the connection stops
sending (half-close) and discards what the client still sends for :data:`LINGER_S`, then closes: a
client busy uploading gets to read the 413 instead of a connection reset.  A ``chunked`` body is bounded
as it arrives, never buffered whole first: its data by the body limit, each chunk-size line by
:data:`MAX_CHUNK_LINE_BYTES`, its trailer by :data:`MAX_HEADER_BYTES`, and all of it with its framing by
:data:`MAX_CHUNKED_BYTES` (413 as soon as one is passed).

Slow clients (slowloris) are cut off, checked every few seconds by a sweep over the connections:

* a request's header must be complete within :data:`HEADER_TIMEOUT_S` of its first byte (for a new
  connection: of the connection being opened, so a connection opened and left silent is closed too);
* its body must arrive within :data:`BODY_TIMEOUT_S` of the header plus one second per
  :data:`MIN_BODY_RATE` bytes received, so a large photo upload over a slow link gets its time while a
  body trickled byte by byte is cut off after about :data:`BODY_TIMEOUT_S`;

either is answered 408 and the connection closed.  Between requests a keep-alive connection may stay
silent for :data:`IDLE_TIMEOUT_S` (a phone posting every few seconds keeps its connection); while a
request waits for its answer (the database) no limit applies.  None of this blocks anyone else: every
connection is a protocol object on the one event loop, reading only what has arrived.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from console.service.access_log import log_answer

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 256 * 1024
#: A chunk-size line (size and extensions) longer than this is refused (400).
MAX_CHUNK_LINE_BYTES = 1024
#: A ``chunked`` body with its framing (sizes, extensions, trailer) may take at most this many bytes (413).
MAX_CHUNKED_BYTES = 2 * MAX_BODY_BYTES
#: A keep-alive connection may stay silent this long between requests.
IDLE_TIMEOUT_S = 120.0
#: A request's header must be complete this long after its first byte (a new connection's first request:
#: after the connection was opened).
HEADER_TIMEOUT_S = 20.0
#: A body must be complete this long after its header, plus one second per :data:`MIN_BODY_RATE` bytes received.
BODY_TIMEOUT_S = 20.0
MIN_BODY_RATE = 1024  # bytes a second
LINGER_S = 2.0
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
REASONS = {100: "Continue", 200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout",
           411: "Length Required", 413: "Payload Too Large", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable"}


@dataclass
class Request:
    """One parsed request; header names are lower-case, ``query`` is the raw query string."""

    method: str
    path: str
    query: str
    version: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    peer: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").lower()

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


Respond = Callable[..., None]
Handler = Callable[[Request, Respond], None]


class _BadRequest(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class HttpConnection(asyncio.Protocol):
    """One client connection: parse, hand each request to the handler, write answers in order."""

    def __init__(self, handler: Handler, connections: set, body_limits: dict[str, int] | None = None):
        self.handler = handler
        self.connections = connections
        self.body_limits = body_limits or {}
        self.discarding = False  # refused a body unread: drop what the client still sends, then close
        self.continued = False  # sent "100 Continue" for the request being received
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.paused = False
        self.processing = False
        self.peer = ""
        self.last_active = time.monotonic()
        self.draining = False  # the server is stopping: close after the answer in hand
        self.request: Request | None = None
        self.started = 0.0
        # The request being received: when its first byte came (None: idle between requests), when its
        # header was complete (None: not yet), where its body starts, and the chunked body decoded so far.
        self.request_since: float | None = time.monotonic()
        self.body_since: float | None = None
        self.body_start = 0
        self.chunks: _Dechunker | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if isinstance(peer, tuple) else str(peer or "")
        self.connections.add(self)

    def connection_lost(self, exc) -> None:
        self.connections.discard(self)
        self.buffer.clear()

    def data_received(self, data: bytes) -> None:
        if self.discarding:
            return
        self.last_active = time.monotonic()
        if self.request_since is None:
            self.request_since = self.last_active
        self.buffer += data
        if not self.busy:
            self._process()
        elif len(self.buffer) > MAX_HEADER_BYTES + MAX_BODY_BYTES and not self.paused:
            # A client pipelining faster than its answers come: stop reading until it catches up.
            # (Pausing on every request would cost two epoll calls per request.)
            self.paused = True
            self.transport.pause_reading()

    def overdue(self, now: float) -> str | None:
        """Why this connection should be cut off now (see the module's docstring), or None."""
        if self.busy or self.discarding:
            return None
        if self.request_since is None:
            return "idle" if now - self.last_active > IDLE_TIMEOUT_S else None
        if self.body_since is None:
            return "header" if now - self.request_since > HEADER_TIMEOUT_S else None
        received = max(0, len(self.buffer) - self.body_start)
        return "body" if now - self.body_since > BODY_TIMEOUT_S + received / MIN_BODY_RATE else None

    def time_out(self, why: str) -> None:
        """Cut off a client too slow to send its request (408), or close an idle connection."""
        if why == "idle" or self.transport is None or self.transport.is_closing():
            self.close()
            return
        reason = f"request {why} not received in time"
        log_answer(self.peer, "-", "-", "", 408, len(reason) + 1, 0.0)
        self.buffer.clear()
        self._write(408, (reason + "\n").encode(), "text/plain; charset=utf-8", False)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _process(self) -> None:
        if self.processing:
            return
        self.processing = True
        try:
            while not self.busy and self.transport is not None and not self.transport.is_closing():
                try:
                    request = self._parse()
                except _BadRequest as exc:
                    self.chunks = None
                    log_answer(self.peer, "-", "-", "", exc.status, len(exc.reason) + 1, 0.0)
                    self._refuse(exc)
                    return
                if request is None:
                    return
                self.busy = True
                self.request, self.started = request, time.perf_counter()
                try:
                    self.handler(request, _Responder(self, request.keep_alive))
                except Exception:  # a handler bug must not leave the phone hanging
                    log.exception("request handler failed")
                    if self.busy:
                        self.answer(500, b"internal error\n", "text/plain; charset=utf-8", False)
        finally:
            self.processing = False

    def answer(self, status: int, body: bytes, content_type: str, keep_alive: bool) -> None:
        """Write the answer to the request in hand, then go on with the next one."""
        if not self.busy:
            return
        self.busy = False
        self.last_active = time.monotonic()
        request, self.request = self.request, None
        if request is not None:
            log_answer(self.peer, request.method, request.path, request.query, status, len(body),
                       time.perf_counter() - self.started)
        if self.transport is None or self.transport.is_closing():
            return
        keep_alive = keep_alive and not self.draining
        self._write(status, body, content_type, keep_alive)
        self.request_since = self.last_active if self.buffer else None
        if keep_alive:
            if self.paused:
                self.paused = False
                self.transport.resume_reading()
            if self.buffer:
                self._process()

    def _refuse(self, exc: _BadRequest) -> None:
        """Answer a request that cannot be parsed or taken; when its body was left unread, linger so the
        client can read the answer instead of a reset."""
        body = (exc.reason + "\n").encode()
        if exc.status != 413 or not self.transport.can_write_eof():
            self._write(exc.status, body, "text/plain; charset=utf-8", False)
            return
        self._write(exc.status, body, "text/plain; charset=utf-8", False, linger=True)
        self.discarding = True
        self.buffer.clear()
        self.transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_S, self.close)

    def _write(self, status: int, body: bytes, content_type: str, keep_alive: bool, linger: bool = False) -> None:
        head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}\r\nContent-Length: {len(body)}\r\n"
                f"Content-Type: {content_type}\r\n" + ("" if keep_alive else "Connection: close\r\n") + "\r\n")
        self.transport.write(head.encode("latin-1") + body)
        if not keep_alive and not linger:
            self.transport.close()

    def _parse(self) -> Request | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEADER_BYTES:
                raise _BadRequest(431, "request header too large")
            return None
        if end > MAX_HEADER_BYTES:
            raise _BadRequest(431, "request header too large")
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        while lines and not lines[0]:  # tolerate blank lines between requests
            lines.pop(0)
        parts = lines[0].split(" ") if lines else []
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        limit = self.body_limits.get(target.partition("?")[0], MAX_BODY_BYTES)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest(400, "malformed header line")
            headers[name.lower()] = value.strip()
        start = end + 4
        if self.body_since is None:
            self.body_since, self.body_start = time.monotonic(), start
        encoding = headers.get("transfer-encoding", "").lower()
        if encoding:
            if encoding != "chunked":
                raise _BadRequest(501, f"transfer encoding {encoding[:40]!r} not supported")
            if limit > MAX_BODY_BYTES:
                raise _BadRequest(411, "send this body with a Content-Length, not chunked")
            if self.chunks is None:
                self.chunks = _Dechunker(start)
            if not self.chunks.feed(self.buffer):
                return None
            body, consumed = bytes(self.chunks.body), self.chunks.position
            self.chunks = None
        else:
            length_text = headers.get("content-length", "0")
            if not _CONTENT_LENGTH.fullmatch(length_text):
                if length_text.isascii() and length_text.isdigit():  # more digits than any limit
                    raise _BadRequest(413, f"body larger than {limit} bytes")
                raise _BadRequest(400, "malformed Content-Length")
            length = int(length_text)
            if length > limit:
                raise _BadRequest(413, f"body larger than {limit} bytes")
            if len(self.buffer) < start + length:
                if headers.get("expect", "").lower() == "100-continue" and not self.continued:
                    self.continued = True  # the header passed the limits: the client may send the body (curl waits)
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return None
            body, consumed = bytes(self.buffer[start:start + length]), start + length
        self.continued = False
        self.body_since = None
        del self.buffer[:consumed]
        path, _, query = target.partition("?")
        return Request(method, path, query, version, headers, body, self.peer)


class _Responder:
    """The ``respond`` callable handed to a handler for one request; answers once."""

    __slots__ = ("connection", "keep_alive")

    def __init__(self, connection: HttpConnection, keep_alive: bool):
        self.connection = connection
        self.keep_alive = keep_alive

    def __call__(self, status: int, body: bytes | str = b"", content_type: str = "text/plain; charset=utf-8") -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.connection.answer(status, body, content_type, self.keep_alive and status != 500)


class _Dechunker:
    """A ``chunked`` body decoded as it arrives: :meth:`feed` goes on from where the last call stopped (so a
    body sent in many small pieces costs linear time), and refuses it once past a limit."""

    __slots__ = ("start", "position", "body")

    def __init__(self, start: int):
        self.start = start  # where the body begins in the connection's buffer
        self.position = start  # where the next chunk-size line (or the trailer) begins
        self.body = bytearray()

    def feed(self, buffer: bytearray) -> bool:
        """Decode what ``buffer`` holds beyond :attr:`position`; True once the body (and trailer) is complete,
        ``position`` then being where it ends."""
        while True:
            line_end = buffer.find(b"\r\n", self.position, self.position + MAX_CHUNK_LINE_BYTES + 2)
            if line_end < 0:
                if len(buffer) - self.position > MAX_CHUNK_LINE_BYTES:
                    raise _BadRequest(400, "malformed chunk size line")
                return self._incomplete(buffer)
            size_text = bytes(buffer[self.position:line_end]).split(b";")[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise _BadRequest(400, "malformed chunk size")
            size = int(size_text, 16)
            if size == 0:
                return self._trailer(buffer, line_end + 2)
            if len(self.body) + size > MAX_BODY_BYTES:
                raise _BadRequest(413, f"body larger than {MAX_BODY_BYTES} bytes")
            data_start = line_end + 2
            if len(buffer) < data_start + size + 2:
                return self._incomplete(buffer)
            if buffer[data_start + size:data_start + size + 2] != b"\r\n":
                raise _BadRequest(400, "chunk data not followed by CRLF")
            self.body += buffer[data_start:data_start + size]
            self.position = data_start + size + 2

    def _trailer(self, buffer: bytearray, trailer_start: int) -> bool:
        position = trailer_start
        while True:  # skip trailer fields up to the empty line
            line_end = buffer.find(b"\r\n", position)
            if line_end < 0:
                if len(buffer) - trailer_start > MAX_HEADER_BYTES:
                    raise _BadRequest(431, "chunked trailer too large")
                return self._incomplete(buffer)
            if line_end - trailer_start > MAX_HEADER_BYTES:
                raise _BadRequest(431, "chunked trailer too large")
            if line_end == position:
                self.position = line_end + 2
                return True
            position = line_end + 2

    def _incomplete(self, buffer: bytearray) -> bool:
        if len(buffer) - self.start > MAX_CHUNKED_BYTES:
            raise _BadRequest(413, f"chunked body larger than {MAX_CHUNKED_BYTES} bytes with its framing")
        return False


def _sweep_every() -> float:
    """How often the time limits are checked: a limit is enforced at most a quarter of the shortest late."""
    return max(0.01, min(IDLE_TIMEOUT_S, HEADER_TIMEOUT_S, BODY_TIMEOUT_S) / 4)


class HttpServer:
    """Listening sockets sharing one handler each, with an idle-connection sweeper; lives on one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.connections: set[HttpConnection] = set()
        self.servers: list[asyncio.base_events.Server] = []
        self._sweeper: asyncio.TimerHandle | None = None

    async def listen(self, host: str, port: int, handler: Handler, body_limits: dict[str, int] | None = None) -> int:
        """Start listening; returns the port (the OS's choice for 0).  ``body_limits`` raises the body limit
        of the paths it names (bodies elsewhere stay within :data:`MAX_BODY_BYTES`)."""
        server = await self.loop.create_server(lambda: HttpConnection(handler, self.connections, body_limits),
                                               host, port,
                                               reuse_address=True, backlog=2048)
        self.servers.append(server)
        if self._sweeper is None:
            self._sweeper = self.loop.call_later(_sweep_every(), self._sweep)
        return server.sockets[0].getsockname()[1]

    def _sweep(self) -> None:
        """Cut off the connections past a time limit (see the module's docstring)."""
        now = time.monotonic()
        for connection in list(self.connections):
            why = connection.overdue(now)
            if why is not None:
                connection.time_out(why)
        self._sweeper = self.loop.call_later(_sweep_every(), self._sweep)

    async def close(self, grace_s: float = 0.0) -> None:
        """Stop listening, close idle connections, give requests in hand up to ``grace_s`` to be
        answered (each of those connections closes after its answer), then close every connection."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        # Stop accepting first, and let connections accepted a moment ago get their transports before the
        # listening sockets close: Python 3.11's Server asserts (and leaves the client hanging) otherwise.
        for server in self.servers:
            for sock in server.sockets:
                self.loop.remove_reader(sock.fileno())
        for _ in range(3):
            await asyncio.sleep(0)
        for server in self.servers:
            server.close()
        deadline = self.loop.time() + grace_s
        while True:
            for connection in list(self.connections):
                connection.draining = True
                if not connection.busy:
                    connection.close()
            if not any(c.busy for c in self.connections) or self.loop.time() >= deadline:
                break
            await asyncio.sleep(0.005)
        unanswered = sum(c.busy for c in self.connections)
        if unanswered:
            log.warning("closing %d connections whose requests were not answered within %.0f s", unanswered,
                        grace_s)
        for connection in list(self.connections):
            connection.close()
        for server in self.servers:
            await server.wait_closed()
