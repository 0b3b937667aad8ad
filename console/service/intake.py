"""The position intake: phones post fixes over HTTP, one writer thread stores them in batches.

:func:`start_service` runs it in-process (the console does, on loopback) and returns a
:class:`ServiceHandle`; ``gridwatch serve`` runs the same until interrupted.

* **Two ports** on one event loop thread: the OsmAnd port (5055, any path) for Traccar
  Client, and the HTTP port (8080) with OwnTracks' HTTP mode at ``/owntracks``.
* **Unknown devices are refused, never created**, as Traccar refuses them: 400 for an
  OsmAnd query, 404 for Traccar Client's JSON, 400 for OwnTracks; each is logged (once a
  minute per device id).  When an unknown id arrives the registry is re-read (at most
  once a second; the request waits for it), so a phone added with ``gridwatch devices add``
  while the service runs is accepted within a second.
* **Acknowledged means committed.**  A request is answered only after the transaction
  holding its fix committed: a phone deletes a fix from its own buffer once it gets 200,
  so answering earlier could lose a fix for good in a crash, while answering late only
  costs latency (a batch takes milliseconds).  Durability is the store's: SQLite in WAL
  mode with ``synchronous=NORMAL`` survives a crash of the process, not a power cut
  after the last checkpoint.  When the database fails the answer is 503 and the phone
  keeps the fix and sends it again.
* **One writer thread** takes every fix queued meanwhile as one batch (up to
  :attr:`IntakeConfig.max_batch`): batches grow with the load, one transaction each.
  Past :attr:`IntakeConfig.max_pending` queued fixes the server answers 503 at once.
* **Silent phones are flagged**: every :attr:`IntakeConfig.offline_check_s` the writer
  marks phones silent for :attr:`IntakeConfig.offline_after_s` as offline
  (``devices.offline_since``), logs them and tells the handle's listeners.
* **Daily patrol summaries**: a thread of their own (:mod:`console.service.patrol_upkeep`) summarises
  each finished day once, shortly after local midnight (every :attr:`IntakeConfig.summary_check_s` it
  looks for days without one), and retention summarises a day before deleting its positions.
* **Operation**: ``GET /health`` on both ports (:mod:`console.service.health`), one log line
  per request (:mod:`console.service.access_log`), one when the database goes away and one when
  it is back (:mod:`console.service.outage`), and :meth:`ServiceHandle.stop` drains:
  it stops listening, answers the requests in hand, stores every queued fix, then ends.
* **Loopback only** unless ``allow_remote``: a phone on the network needs the operator
  to open it on purpose.  Nothing here logs request headers (OwnTracks may send a password).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from sqlalchemy.exc import DBAPIError

from console.core.clock import Clock, SystemClock, to_epoch
from console.service.health import PATH as HEALTH_PATH, HealthCheck, WriteOutcome
from console.service.http import HttpServer, Request, Respond
from console.service.open311 import PREFIX as OPEN311_PREFIX, Open311Api
from console.service.one_key import PATH as ONE_KEY_PATH, OneKeyApi
from console.service.outage import OutageLog
from console.service.patrol_upkeep import PatrolUpkeep
from console.service.protocols import ProtocolError, Report, decode_osmand, decode_owntracks
from console.service.worker_reports import MAX_BODY_BYTES as REPORT_BODY_BYTES, PATH as REPORTS_PATH, \
    WorkerReportApi
from console.storage.db import Store
from console.storage.positions import DeviceRecord, PositionRow, PositionStore

log = logging.getLogger(__name__)

OWNTRACKS_PATHS = ("/owntracks", "/owntracks/", "/pub")
_REFRESH_MIN_S = 1.0
_UNKNOWN_LOG_EVERY_S = 60.0


class ServiceError(Exception):
    """The intake cannot start (a port taken, a remote bind without permission); one line."""


@dataclass(frozen=True)
class IntakeConfig:
    """Where the intake listens and how it treats phones; ports 0 let the OS choose."""

    bind: str = "127.0.0.1"
    osmand_port: int = 5055
    http_port: int = 8080
    allow_remote: bool = False
    offline_after_s: float = 600.0
    offline_check_s: float = 30.0
    #: Positions older than this many days are deleted (every ``retention_check_s``); None keeps them all.
    #: At ~55 bytes a position, a worker reporting every 5 s for 8 hours a day adds ~0.3 MB a day.
    retention_days: float | None = 90.0
    retention_check_s: float = 3_600.0
    #: How often to look for finished days without a patrol summary (None: never), how far back, and the
    #: time zone of the town's days (None: this machine's, as the scorecards).
    summary_check_s: float | None = 900.0
    summary_lookback_days: int = 7
    local_tz: tzinfo | None = None
    max_batch: int = 5_000
    max_pending: int = 50_000
    future_tolerance_s: float = 86_400.0


@dataclass
class IntakeStats:
    """Counters since the start (written on the service's thread, readable from any)."""

    accepted: int = 0
    stored: int = 0
    batches: int = 0
    unknown_device: int = 0
    malformed: int = 0
    failed: int = 0
    busy: int = 0
    flagged_offline: int = 0


class BatchWriter(threading.Thread):
    """The one thread that writes positions: every queued fix goes into the next batch.

    ``submit(row, done)`` queues a fix; ``done(True)`` (or ``done(False)`` when the
    transaction failed) is called on the event loop once the batch committed.
    ``run(job)`` runs any other database work between batches."""

    def __init__(self, positions: PositionStore, loop: asyncio.AbstractEventLoop, clock: Clock,
                 stats: IntakeStats, max_batch: int):
        super().__init__(name="gridwatch-position-writer", daemon=True)
        self.positions = positions
        self.loop = loop
        self.clock = clock
        self.stats = stats
        self.max_batch = max_batch
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.outcome = WriteOutcome()
        self.outage = OutageLog(log)
        self._stop_marker = object()

    def submit(self, row: PositionRow, done: Callable[[bool], None]) -> None:
        self.queue.put((row, done))

    def run_job(self, job: Callable) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.queue.put((None, (job, future)))
        return future

    def pending(self) -> int:
        return self.queue.qsize()

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued, then end the thread."""
        self.queue.put(self._stop_marker)
        self.join(timeout)

    def run(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._stop_marker:
                return
            batch = []
            stopping = False
            while True:
                if item is self._stop_marker:
                    stopping = True
                    break
                row, done = item
                if row is None:
                    self._write(batch)
                    batch = []
                    self._job(*done)
                else:
                    batch.append(item)
                if len(batch) >= self.max_batch:
                    break
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
            self._write(batch)
            if stopping:
                return

    def _write(self, batch: list) -> None:
        if not batch:
            return
        try:
            self.positions.write_batch([row for row, _ in batch], received_at=to_epoch(self.clock.now()))
            ok = True
            self.outcome.record(None)
            self.outage.succeeded()
        except Exception as exc:  # the database is down or locked: the phones keep their fixes
            if isinstance(exc, DBAPIError):
                self.outage.failed(_one_line(exc), len(batch))
            else:
                log.error("could not store %d positions: %s", len(batch), _one_line(exc))
            ok = False
            self.outcome.record(_one_line(exc))
        self._acknowledge([done for _, done in batch], ok, len(batch))

    def _acknowledge(self, callbacks: list, ok: bool, count: int) -> None:
        def acknowledge():
            if ok:
                self.stats.stored += count
                self.stats.batches += 1
            else:
                self.stats.failed += count
            for done in callbacks:
                done(ok)
        try:
            self.loop.call_soon_threadsafe(acknowledge)
        except RuntimeError:  # the loop is closed: the service is stopping, nobody waits for answers
            pass

    def _job(self, job: Callable, future: concurrent.futures.Future) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = job()
        except Exception as exc:
            if isinstance(exc, DBAPIError):
                self.outage.failed(_one_line(exc))
            future.set_exception(exc)
            return
        self.outage.succeeded()
        future.set_result(result)


class DeviceRegistry:
    """The registered phones as the intake checks them: ``unique_id -> (device id, worker id)``."""

    def __init__(self, positions: PositionStore):
        self.positions = positions
        self.devices: dict[str, tuple[int, int]] = {}
        self.refreshed_at = float("-inf")

    def refresh(self) -> dict[str, tuple[int, int]]:
        """Re-read the devices table (runs on the writer thread)."""
        devices = self.positions.device_index()
        self.refreshed_at = time.monotonic()
        return devices


class IntakeService:
    """The request handlers of both ports, on the event loop's thread."""

    def __init__(self, positions: PositionStore, writer: BatchWriter, config: IntakeConfig, clock: Clock,
                 stats: IntakeStats, loop: asyncio.AbstractEventLoop):
        self.positions = positions
        self.writer = writer
        self.config = config
        self.clock = clock
        self.stats = stats
        self.loop = loop
        self.registry = DeviceRegistry(positions)
        self._waiting: list[Callable[[], None]] | None = None
        self._unknown_logged: dict[str, float] = {}
        self.open311 = Open311Api(positions.store, writer.run_job, loop, clock)
        self.one_key = OneKeyApi(positions.store, writer.run_job, loop, clock)
        self.reports = WorkerReportApi(positions.store, writer.run_job, loop, clock)
        self.health = HealthCheck(positions.store, loop, self._counters, writer.outcome)

    def handle_osmand(self, request: Request, respond: Respond) -> None:
        """Port 5055: Traccar Client's query, form or JSON requests, on any other path than ``/health``."""
        if request.path == HEALTH_PATH:
            self.health.handle(request, respond)
            return
        self._take(request, respond, decode_osmand, json_client=request.content_type.startswith("application/json"))

    def handle_http(self, request: Request, respond: Respond) -> None:
        """Port 8080: OwnTracks' HTTP mode at ``/owntracks``, Open311 GeoReport v2 under ``/open311/v2/``,
        the one-key alarm at ``/api/v1/one-key``, worker reports with photos at ``/api/v1/reports``, the health
        check at ``/health``."""
        if request.path == HEALTH_PATH:
            self.health.handle(request, respond)
            return
        if request.path.startswith(OPEN311_PREFIX):
            self.open311.handle(request, respond)
            return
        if request.path == ONE_KEY_PATH:
            self.one_key.handle(request, respond)
            return
        if request.path == REPORTS_PATH:
            self.reports.handle(request, respond)
            return
        if request.path not in OWNTRACKS_PATHS:
            respond(404, f"nothing at {request.path[:80]}; OwnTracks posts to /owntracks\n")
            return
        self._take(request, respond, decode_owntracks, owntracks=True)

    def _take(self, request: Request, respond: Respond, decode, *, json_client: bool = False,
              owntracks: bool = False) -> None:
        ok_body, ok_type = (b"[]", "application/json") if owntracks else (b"", "text/plain; charset=utf-8")
        try:
            report = decode(request)
        except ProtocolError as exc:
            self.stats.malformed += 1
            respond(exc.status, exc.reason + "\n")
            return
        if report is None:
            respond(200, ok_body, ok_type)
            return
        now = to_epoch(self.clock.now())
        refusal = self._check_time(report, now)
        if refusal:
            self.stats.malformed += 1
            respond(400, refusal + "\n")
            return

        def store(device: tuple[int, int] | None) -> None:
            if device is None:
                self.stats.unknown_device += 1
                self._log_unknown(report, request.peer)
                respond(404 if json_client else 400, f"unknown device {report.unique_id!r}\n")
                return
            if self.writer.pending() >= self.config.max_pending:
                self.stats.busy += 1
                respond(503, "server busy; send the position again later\n")
                return
            self.stats.accepted += 1
            row = _row(report, device, now)
            self.writer.submit(row, lambda ok: respond(200, ok_body, ok_type) if ok else
                               respond(503, "database unavailable; position not stored\n"))

        device = self.registry.devices.get(report.unique_id)
        if device is not None:
            store(device)
        else:
            self._after_refresh(lambda: store(self.registry.devices.get(report.unique_id)))

    def _counters(self) -> dict:
        return {"pending_writes": self.writer.pending(), "stored": self.stats.stored, "failed": self.stats.failed}

    def _after_refresh(self, then: Callable[[], None]) -> None:
        """Run ``then`` after the next re-read of the registry (at most one a second)."""
        if self._waiting is not None:
            self._waiting.append(then)
            return
        self._waiting = [then]
        # At most one re-read a second: a request for an unknown id waits for the next one (which also
        # slows down a phone hammering the server with an unregistered id).
        wait = _REFRESH_MIN_S - (time.monotonic() - self.registry.refreshed_at)
        if wait > 0:
            self.loop.call_later(wait, self._refresh)
        else:
            self._refresh()

    def _refresh(self) -> None:
        def refreshed(future: concurrent.futures.Future) -> None:
            waiting, self._waiting = self._waiting or [], None
            try:
                self.registry.devices = future.result()
            except Exception as exc:
                log.error("could not read the registered devices: %s", _one_line(exc))
            for waiter in waiting:
                waiter()

        future = self.writer.run_job(self.registry.refresh)
        future.add_done_callback(lambda f: self.loop.call_soon_threadsafe(refreshed, f))

    def _check_time(self, report: Report, now: int) -> str | None:
        if report.t is None:
            return None
        ahead = report.t - now
        if ahead > self.config.future_tolerance_s:
            return f"timestamp is {ahead / 3600:.0f} h in the future; is the phone's clock wrong?"
        return None

    def _log_unknown(self, report: Report, peer: str) -> None:
        now = time.monotonic()
        if now - self._unknown_logged.get(report.unique_id, float("-inf")) >= _UNKNOWN_LOG_EVERY_S:
            if len(self._unknown_logged) > 10_000:
                self._unknown_logged.clear()
            self._unknown_logged[report.unique_id] = now
            log.warning("refused a position from unknown device %r (%s, from %s); register it with "
                        "`gridwatch devices add WORKER %s`", report.unique_id, report.protocol, peer,
                        report.unique_id)


def _row(report: Report, device: tuple[int, int], now: int) -> PositionRow:
    return PositionRow(device[0], device[1], int(report.t) if report.t is not None else now, report.lon,
                       report.lat, report.speed, report.bearing, report.altitude, report.accuracy, report.battery,
                       report.charging, report.valid)


@dataclass
class ServiceHandle:
    """A running intake: its ports, counters, and how to stop it."""

    bind: str
    osmand_port: int
    http_port: int
    stats: IntakeStats
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _writer: BatchWriter
    _server: HttpServer
    _service: IntakeService
    _positions: PositionStore
    _config: IntakeConfig
    _listeners: list[Callable[[list[DeviceRecord]], None]] = field(default_factory=list)
    _stopped: bool = False
    _flushed: bool = True
    _upkeep: PatrolUpkeep | None = None

    @property
    def osmand_url(self) -> str:
        return f"http://{_url_host(self.bind)}:{self.osmand_port}/"

    @property
    def owntracks_url(self) -> str:
        return f"http://{_url_host(self.bind)}:{self.http_port}/owntracks"

    @property
    def open311_url(self) -> str:
        return f"http://{_url_host(self.bind)}:{self.http_port}{OPEN311_PREFIX}"

    def on_offline(self, listener: Callable[[list[DeviceRecord]], None]) -> None:
        """Call ``listener(devices)`` (on the writer thread) whenever phones are newly flagged offline."""
        self._listeners.append(listener)

    def check_offline(self, timeout: float = 10.0) -> list[DeviceRecord]:
        """Flag silent phones now (the service also does it every ``offline_check_s``); returns the new ones."""
        return self._writer.run_job(self._flag_offline).result(timeout)

    def apply_retention(self, timeout: float = 600.0) -> int:
        """Delete positions past the retention period now, the days losing positions summarised first (the
        service also does it every ``retention_check_s``); returns how many were deleted."""
        return self._upkeep.submit(self._retain).result(timeout)

    def summarise_patrols(self, timeout: float = 600.0) -> list:
        """Summarise the finished days without a patrol summary now (the service also does it every
        ``summary_check_s``); returns the days summarised."""
        return self._upkeep.submit(self._upkeep.summarise_finished_days).result(timeout)

    def _retain(self) -> int:
        """On the upkeep thread: summarise what retention would take unsummarised, then delete on the writer."""
        days = self._config.retention_days
        if days is None:
            return 0
        now = to_epoch(self._positions.clock.now())
        self._upkeep.summarise_before_deleting(now - int(days * 86400))
        return self._writer.run_job(lambda: self._delete_old_positions(now)).result()

    def _delete_old_positions(self, now: int) -> int:
        days = self._config.retention_days
        removed = self._positions.delete_older_than(days, now=now)
        if removed:
            log.info("retention: deleted %d positions older than %g days", removed, days)
        return removed

    def _flag_offline(self) -> list[DeviceRecord]:
        flagged = self._positions.flag_offline(self._config.offline_after_s)
        for device in flagged:
            log.info("device %r of %s (%s) has been silent for %.0f min: flagged offline", device.unique_id,
                     device.worker_name, device.grid_name, self._config.offline_after_s / 60)
        if flagged:
            self.stats.flagged_offline += len(flagged)
            for listener in list(self._listeners):
                try:
                    listener(flagged)
                except Exception:
                    log.exception("offline listener failed")
        return flagged

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop accepting connections, answer the requests in hand (up to ``timeout``), store every
        queued fix, end both threads; safe to call twice.

        True when everything queued was stored (or refused with 503) in time; False when the writer
        was still busy after ``timeout`` -- fixes it had not stored were never acknowledged."""
        if self._stopped:
            return self._flushed
        self._stopped = True
        try:
            asyncio.run_coroutine_threadsafe(self._server.close(grace_s=timeout), self._loop).result(timeout + 5)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("the intake did not close its connections in time")
        self._service.health.close()
        self._service.reports.close()
        if self._upkeep is not None:
            self._upkeep.stop()  # before the writer: a retention job waits for it
        self._writer.stop(timeout)
        self._flushed = not self._writer.is_alive()
        if not self._flushed:
            log.error("the position writer did not finish within %.0f s; %d queued items were not stored",
                      timeout, self._writer.pending())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        return self._flushed


def is_loopback(host: str) -> bool:
    """Is ``host`` a loopback address (127.0.0.0/8, ::1) or ``localhost``?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_service(store: Store, config: IntakeConfig | None = None, *, clock: Clock | None = None,
                  **options) -> ServiceHandle:
    """Start the intake on ``store`` in background threads; ``options`` override ``config``'s fields.

    Raises :class:`ServiceError` when it cannot listen or would listen beyond loopback without
    ``allow_remote``."""
    config = config or IntakeConfig()
    if options:
        config = IntakeConfig(**{**config.__dict__, **options})
    if not config.allow_remote and not is_loopback(config.bind):
        raise ServiceError(f"binding to {config.bind} would let the network reach the intake; "
                           "pass --allow-remote to do that on purpose")
    clock = clock or SystemClock()
    positions = PositionStore(store, clock)
    stats = IntakeStats()
    loop = asyncio.new_event_loop()
    writer = BatchWriter(positions, loop, clock, stats, config.max_batch)
    service = IntakeService(positions, writer, config, clock, stats, loop)
    server = HttpServer(loop)
    started = threading.Event()
    outcome: dict = {}

    async def listen() -> None:
        try:
            service.registry.devices = positions.device_index()
            service.registry.refreshed_at = time.monotonic()
            outcome["osmand"] = await _listen(server, config.bind, config.osmand_port, service.handle_osmand)
            outcome["http"] = await _listen(server, config.bind, config.http_port, service.handle_http,
                                            {REPORTS_PATH: REPORT_BODY_BYTES})
        except Exception as exc:
            outcome["error"] = exc
            await server.close()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(listen())
        started.set()
        if "error" in outcome:
            loop.close()
            return
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=run, name="gridwatch-intake", daemon=True)
    thread.start()
    started.wait()
    if "error" in outcome:
        thread.join()
        error = outcome["error"]
        raise error if isinstance(error, ServiceError) else ServiceError(_one_line(error)) from error
    writer.start()
    writer.run_job(service.reports.sweep_blobs)  # orphans of report transactions that failed after their photos
    handle = ServiceHandle(config.bind, outcome["osmand"], outcome["http"], stats, loop, thread, writer, server,
                           service, positions, config)
    handle._upkeep = PatrolUpkeep(store, clock, config.local_tz, config.summary_lookback_days)
    _schedule(handle, loop, config.offline_check_s, handle._flag_offline)
    if config.retention_days is not None:
        _schedule(handle, loop, config.retention_check_s, handle._retain, first_after_s=60.0,
                  submit=handle._upkeep.submit)
    if config.summary_check_s is not None:
        _schedule(handle, loop, config.summary_check_s, handle._upkeep.summarise_finished_days, first_after_s=60.0,
                  submit=handle._upkeep.submit)
    log.info("intake listening: OsmAnd on %s, OwnTracks on %s, Open311 on %s", handle.osmand_url,
             handle.owntracks_url, handle.open311_url)
    return handle


async def _listen(server: HttpServer, host: str, port: int, handler, body_limits: dict | None = None) -> int:
    try:
        return await server.listen(host, port, handler, body_limits)
    except OSError as exc:
        raise ServiceError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _schedule(handle: ServiceHandle, loop: asyncio.AbstractEventLoop, every_s: float, job: Callable,
              first_after_s: float | None = None, submit: Callable | None = None) -> None:
    """Run ``job`` every ``every_s`` seconds while the service runs, on the writer thread unless ``submit``
    (e.g. the patrol upkeep's) says where."""
    submit = submit or handle._writer.run_job

    def run() -> None:
        if handle._stopped:
            return
        submit(job)
        loop.call_later(every_s, run)
    first = every_s if first_after_s is None else first_after_s
    loop.call_soon_threadsafe(lambda: loop.call_later(first, run))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
