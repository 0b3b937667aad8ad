"""A grid worker's report from the worker app: what, where, a text and up to nine photos.

    POST /api/v1/reports          Authorization: Bearer <device key>
    Content-Type: multipart/form-data; boundary=…
    fields: subitem (required, a taxonomy sub-item), lat, lon (required), text (optional, ≤ 2000 characters),
            photo (a file part, 0 to 9 of them; JPEG or PNG)

The device key is the one-key alarm's (``gridwatch keys issue device DEVICE_ID``); it names the worker,
who is the reporter.  The report is filed with source ``worker_app`` in the grid nearest to the location.

Limits: a photo may have :data:`~console.storage.photos.MAX_PHOTO_BYTES` (8 MiB: a 12-megapixel phone
JPEG is 3-5 MiB) and :data:`~console.storage.photos.MAX_PIXELS`; the whole body :data:`MAX_BODY_BYTES`
(40 MiB -- nine photos of 4 MiB and the fields; the app should send photos downscaled to ~2,000 px,
≤ 1 MiB each).  Only this path takes bodies that large; every other endpoint stays within the HTTP
server's 256 KiB.  At most :data:`MAX_IN_FLIGHT` reports are handled at once (503 beyond), so large
bodies cannot pile up in memory.

Photos are checked by their content, never by their file name or declared type (see
:mod:`console.storage.photos`), stored in the blob store (:mod:`console.storage.blobs`) and attached with
a thumbnail.  The steps: the fields are checked on the event loop; the key on the intake's writer thread;
the photos are decoded and thumbnailed on a small pool of their own (so neither the event loop nor the
position writer waits for OpenCV); then the incident, its attachments, its audit entry and the blobs are
written in one transaction on the writer thread.

Answers: 201 with ``{"number": …, "status": "reported", "photos": n}``; 400 for a malformed body, a missing
or bad field, an unknown sub-item, too many photos or a photo that is not a JPEG or PNG; 401 without a
key; 403 for a wrong, revoked or orphaned key; 413 for a photo or body over its limit; 503 when busy or
when the database fails.  Nothing is written on any error (no incident, no attachment, no blob file).
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
from collections.abc import Callable

from console.core.clock import Clock
from console.core.taxonomy import Taxonomy, default_taxonomy
from console.core.workflow import Source
from console.service.http import Request, Respond
from console.service.multipart import MultipartError, Part, parse
from console.service.one_key import bearer_key, checked_text, coordinate_field
from console.service.protocols import ProtocolError
from console.storage.api_keys import ApiKeyStore
from console.storage.blobs import blob_store
from console.storage.cameras import nearest_grid_id
from console.storage.db import Store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.photos import MAX_PHOTO_BYTES, PhotoError, PreparedPhoto, attach, prepare
from console.storage.positions import DeviceError, PositionStore

log = logging.getLogger(__name__)

PATH = "/api/v1/reports"
MAX_BODY_BYTES = 40 * 1024 * 1024
MAX_PHOTOS = 9
MAX_TEXT = 2000
MAX_IN_FLIGHT = 8
FIELDS = ("subitem", "lat", "lon", "text")
_JSON = "application/json; charset=utf-8"


class WorkerReportApi:
    """Files worker reports; ``run_job(job)`` runs ``job`` on the intake's writer thread and returns a future."""

    def __init__(self, store: Store, run_job: Callable[[Callable], concurrent.futures.Future], loop, clock: Clock,
                 taxonomy: Taxonomy | None = None):
        self.store = store
        self.taxonomy = taxonomy or default_taxonomy()
        self.dispatch = DispatchService(store, clock, taxonomy=self.taxonomy)
        self.keys = ApiKeyStore(store, clock)
        self.positions = PositionStore(store, clock)
        self.blobs = blob_store(store)
        self.run_job = run_job
        self.loop = loop
        self.in_flight = 0
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="gridwatch-photos")

    def close(self) -> None:
        """Stop the photo pool (after the HTTP server answered what it had in hand)."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def sweep_blobs(self) -> int:
        """Remove blobs no attachment names (an orphan of a failed transaction, a deleted incident's)."""
        try:
            return self.blobs.sweep()
        except Exception as exc:
            log.error("blob sweep failed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return 0

    def handle(self, request: Request, respond: Respond) -> None:
        def answer(status: int, document: dict) -> None:
            respond(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), _JSON)
        try:
            if request.method != "POST":
                raise ProtocolError(405, "a worker report is a POST")
            key = bearer_key(request)
            fields, photos = _form(request)
            lat, lon = coordinate_field(fields, "lat", 90.0), coordinate_field(fields, "lon", 180.0)
            subitem = fields.get("subitem", "").strip()
            if not subitem:
                raise ProtocolError(400, "subitem is required")
            if not self.taxonomy.has_item(subitem):
                raise ProtocolError(400, f"unknown subitem {subitem[:16]!r}")
            text = fields.get("text", "").strip()
            if len(text) > MAX_TEXT:
                raise ProtocolError(400, f"text longer than {MAX_TEXT} characters")
            if self.in_flight >= MAX_IN_FLIGHT:
                raise ProtocolError(503, "too many reports at once; send it again in a minute")
        except ProtocolError as exc:
            answer(exc.status, {"error": exc.reason})
            return
        self.in_flight += 1

        def finish(status: int, document: dict) -> None:
            self.in_flight -= 1
            answer(status, document)

        def failed(exc: BaseException, what: str) -> None:
            if isinstance(exc, DeviceError):  # the key outlived its phone's registration
                finish(403, {"error": "this device is not registered any more"})
            elif isinstance(exc, PhotoError):
                finish(exc.status, {"error": str(exc)})
            else:
                log.error("worker report not %s: %s", what,
                          str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                finish(503, {"error": "database unavailable; try again"})

        def authenticate():
            record = self.keys.verify(key, "device")
            return None if record is None else self.positions.device(record.name)

        def authenticated(future: concurrent.futures.Future) -> None:
            try:
                device = future.result()
            except BaseException as exc:
                failed(exc, "authenticated")
                return
            if device is None:
                finish(403, {"error": "unknown or revoked device key"})
                return
            try:
                prepared = self.pool.submit(lambda: [prepare(n, p.filename or "", p.data)
                                                     for n, p in enumerate(photos, 1)])
            except RuntimeError:  # the service is stopping
                finish(503, {"error": "the service is stopping; try again"})
                return
            self._then(prepared, lambda f: checked(device, f))

        def checked(device, future: concurrent.futures.Future) -> None:
            try:
                prepared: list[PreparedPhoto] = future.result()
            except BaseException as exc:
                failed(exc, "checked")
                return
            self._then(self.run_job(lambda: self._file(device, subitem, lat, lon, text, prepared)), filed)

        def filed(future: concurrent.futures.Future) -> None:
            try:
                number = future.result()
            except BaseException as exc:
                failed(exc, "filed")
                return
            log.info("worker report %s filed with %d photos", number, len(photos))
            finish(201, {"number": number, "status": "reported", "photos": len(photos)})

        self._then(self.run_job(authenticate), authenticated)

    def _then(self, future: concurrent.futures.Future, callback: Callable[[concurrent.futures.Future], None]) -> None:
        """Call ``callback(future)`` on the event loop once ``future`` is done."""
        def done(f: concurrent.futures.Future) -> None:
            try:
                self.loop.call_soon_threadsafe(callback, f)
            except RuntimeError:  # the loop is closed: the service stopped, nobody waits for the answer
                pass
        future.add_done_callback(done)

    def _file(self, device, subitem: str, lat: float, lon: float, text: str, photos: list[PreparedPhoto]) -> str:
        """File the report with its photos in one transaction (on the writer thread); returns its number."""
        with self.store.sessions() as session:
            grid_id = nearest_grid_id(session, lon, lat) or device.grid_id
        item = self.taxonomy.item(subitem)
        draft = IncidentDraft(subitem=subitem, title=(text.splitlines()[0][:60] if text else item.name_zh),
                              description=text, source=Source.WORKER_APP, lon=lon, lat=lat, grid_id=grid_id,
                              reporter=device.worker_name)
        incident_id = self.dispatch.report(
            draft, device.worker_name,
            also=lambda session, incident: attach(session, incident, photos, self.blobs, incident.created_at))
        return self.dispatch.get(incident_id).number


def _form(request: Request) -> tuple[dict[str, str], list[Part]]:
    """The text fields and the photo parts of the body; :class:`ProtocolError` when malformed."""
    try:
        parts = parse(request.body, request.headers.get("content-type", ""), max_parts=len(FIELDS) + MAX_PHOTOS + 8)
    except MultipartError as exc:
        raise ProtocolError(400, f"malformed body: {exc}") from None
    fields: dict[str, str] = {}
    photos: list[Part] = []
    for part in parts:
        if part.name == "photo":
            photos.append(part)
            if len(photos) > MAX_PHOTOS:
                raise ProtocolError(400, f"at most {MAX_PHOTOS} photos")
            if len(part.data) > MAX_PHOTO_BYTES:
                raise ProtocolError(413, f"photo {len(photos)} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MiB")
            continue
        if part.filename is not None:
            raise ProtocolError(400, f"unexpected file field {part.name[:32]!r}; photos are sent as 'photo'")
        if part.name in fields:
            raise ProtocolError(400, f"{part.name[:32]} is sent twice")
        try:
            fields[part.name] = part.data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, f"{part.name[:32]} is not UTF-8 text") from None
    return checked_text(fields), photos
