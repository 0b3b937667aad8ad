"""The one-key alarm from a grid worker's phone: one authenticated call with a location.

    POST /api/v1/one-key          Authorization: Bearer <device key>
    lat=30.1&lon=120.3[&subitem=FIR01][&text=…]   (form-encoded, or the same fields as JSON)

The device key is issued with ``gridwatch keys issue device DEVICE_ID`` for a phone
registered with ``gridwatch devices add``; it names the worker.  The call files a
top-priority incident of source ``one_key`` (default sub-item: a mass dispute, the
commonest one-key emergency) in the worker's grid, through the dispatch service and
the audit trail, on the intake's writer thread; every console raises its alarm
(the alarm bar polls every two seconds, and the change feed tells consoles at once).
Answers: 201 with ``{"number": …, "status": "reported"}``; 400 for bad fields (a malformed body, a
field out of range, a NUL character anywhere: PostgreSQL cannot store one), 401 for
a missing key, 403 for a wrong, revoked or orphaned one, 503 when the database fails —
nothing is written on any error.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import math
from collections.abc import Callable
from urllib.parse import parse_qsl

from console.core.clock import Clock
from console.core.taxonomy import Taxonomy, default_taxonomy
from console.core.workflow import Source
from console.service.http import Request, Respond
from console.service.protocols import ProtocolError, json_document
from console.storage.api_keys import ApiKeyStore
from console.storage.cameras import nearest_grid_id
from console.storage.db import Store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.positions import DeviceError, PositionStore

log = logging.getLogger(__name__)

PATH = "/api/v1/one-key"
DEFAULT_SUBITEM = "DIS05"
MAX_TEXT = 500
_JSON = "application/json; charset=utf-8"


class OneKeyApi:
    """Files one-key alarms; ``run_job(job)`` runs ``job`` on the intake's writer thread and returns a future."""

    def __init__(self, store: Store, run_job: Callable[[Callable], concurrent.futures.Future], loop, clock: Clock,
                 taxonomy: Taxonomy | None = None):
        self.store = store
        self.taxonomy = taxonomy or default_taxonomy()
        self.dispatch = DispatchService(store, clock, taxonomy=self.taxonomy)
        self.keys = ApiKeyStore(store, clock)
        self.positions = PositionStore(store, clock)
        self.run_job = run_job
        self.loop = loop

    def handle(self, request: Request, respond: Respond) -> None:
        def answer(status: int, document: dict) -> None:
            respond(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), _JSON)
        try:
            if request.method != "POST":
                raise ProtocolError(405, "the one-key alarm is a POST")
            key = bearer_key(request)
            fields = _fields(request)
            lat, lon = coordinate_field(fields, "lat", 90.0), coordinate_field(fields, "lon", 180.0)
            subitem = fields.get("subitem", DEFAULT_SUBITEM).strip() or DEFAULT_SUBITEM
            if not self.taxonomy.has_item(subitem):
                raise ProtocolError(400, f"unknown subitem {subitem[:16]!r}")
            text = fields.get("text", "").strip()
            if len(text) > MAX_TEXT:
                raise ProtocolError(400, f"text longer than {MAX_TEXT} characters")
        except ProtocolError as exc:
            answer(exc.status, {"error": exc.reason})
            return

        def file() -> str | None:
            record = self.keys.verify(key, "device")
            if record is None:
                return None
            device = self.positions.device(record.name)
            with self.store.sessions() as session:
                grid_id = nearest_grid_id(session, lon, lat) or device.grid_id
            item = self.taxonomy.item(subitem)
            draft = IncidentDraft(subitem=subitem, title=(text.splitlines()[0][:60] if text else item.name_zh),
                                  description=text, source=Source.ONE_KEY, lon=lon, lat=lat, grid_id=grid_id,
                                  reporter=device.worker_name)
            incident_id = self.dispatch.report(draft, device.worker_name)
            return self.dispatch.get(incident_id).number

        def finished(future: concurrent.futures.Future) -> None:
            try:
                number = future.result()
            except DeviceError:  # the key outlived its phone's registration
                answer(403, {"error": "this device is not registered any more"})
                return
            except Exception as exc:
                log.error("one-key alarm not filed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                answer(503, {"error": "database unavailable; try again"})
                return
            if number is None:
                answer(403, {"error": "unknown or revoked device key"})
                return
            log.warning("one-key alarm %s filed", number)
            answer(201, {"number": number, "status": "reported"})
        self.run_job(file).add_done_callback(lambda f: self.loop.call_soon_threadsafe(finished, f))


def bearer_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ProtocolError(401, "an Authorization: Bearer <device key> header is required")
    return key.strip()


def _fields(request: Request) -> dict[str, str]:
    try:
        if request.content_type.startswith("application/json"):
            body = json_document(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("not an object")
            fields = {str(k): str(v) for k, v in body.items() if v is not None}
        else:
            fields = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (ValueError, UnicodeDecodeError, ProtocolError):
        raise ProtocolError(400, "malformed body: send form fields or a JSON object") from None
    return checked_text(fields)


def checked_text(fields: dict[str, str]) -> dict[str, str]:
    """``fields`` unchanged, or 400 when a value holds a NUL character: PostgreSQL refuses to store one, so it
    would fail the whole transaction -- a 503 for a client error, and on the writer's shared batches for the
    other clients' reports too."""
    for name, value in fields.items():
        if "\x00" in value or "\x00" in name:
            raise ProtocolError(400, f"{name[:32].replace(chr(0), '?')} holds a NUL character")
    return fields


def coordinate_field(fields: dict[str, str], name: str, limit: float) -> float:
    try:
        value = float(fields[name])
    except KeyError:
        raise ProtocolError(400, f"{name} is required") from None
    except ValueError:
        raise ProtocolError(400, f"{name} is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ProtocolError(400, f"{name} out of range")
    return value
