"""Open311 GeoReport v2 under ``/open311/v2/`` on the intake's HTTP port.

* ``GET services.{fmt}`` — the 42 sub-items as services (``group`` = their category), names in
  Chinese when the request asks for it (``locale``/``lang`` parameter, else ``Accept-Language``),
  else English; ``GET services/{code}.{fmt}`` — a service definition (no attributes).
* ``POST requests.{fmt}`` — form-encoded, ``api_key`` required (403 when missing, unknown or
  revoked); files a citizen incident and answers ``[{service_request_id, service_notice, account_id}]``.
* ``GET requests.{fmt}`` (filters ``service_request_id``, ``service_code``, ``start_date``,
  ``end_date``, ``status``; without dates the last 90 days; at most 1000) and ``GET requests/{id}.{fmt}``.

Errors are the spec's list of ``{code, description}`` with 400, 403, 404 (and 405/503).
The request's id is the incident number (``20261129-0042``).

Threads: the handlers parse and validate on the event loop; every database access (the key
check, the write, the reads) runs on the intake's one writer thread as a job, so the loop never
waits on the database.  The key check and the write are one job: a key revoked a moment ago
is refused by the next request, and a refused request writes nothing.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import math
import re
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from console.core.clock import Clock
from console.core.taxonomy import Taxonomy, default_taxonomy
from console.core.workflow import WorkflowError
from console.service.group_commit import GroupCommit
from console.service.http import Request, Respond
from console.service.open311_format import CONTENT_TYPES, FORMATS, errors, record_list, single_record
from console.service.open311_store import CitizenReport, Open311Book, RequestQuery, RequestRecord
from console.service.one_key import checked_text
from console.service.protocols import ProtocolError
from console.storage.api_keys import ApiKeyRecord, ApiKeyStore
from console.storage.db import Store

log = logging.getLogger(__name__)

PREFIX = "/open311/v2/"
WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
MAX_DESCRIPTION = 4000
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,64})\](?:\[\])?$")


class Open311Api:
    """The Open311 handlers; ``run_job(job)`` runs ``job`` on the writer thread and returns a future."""

    def __init__(self, store: Store, run_job: Callable[[Callable], concurrent.futures.Future], loop, clock: Clock,
                 taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy or default_taxonomy()
        self.book = Open311Book(store, clock, self.taxonomy)
        self.keys = ApiKeyStore(store, clock)
        self.run_job = run_job
        self.loop = loop
        self.clock = clock
        self.filings = GroupCommit(run_job, loop, self._file_batch)

    def handle(self, request: Request, respond: Respond) -> None:
        """Answer one request whose path starts with :data:`PREFIX`."""
        fmt = "json"
        try:
            resource, dot, fmt = urllib.parse.unquote(request.path[len(PREFIX):]).rpartition(".")
            if not dot or fmt not in FORMATS:
                fmt = "json"
                raise ProtocolError(404, "no such resource; use services.xml/json or requests.xml/json")
            parts = resource.split("/")
            params = _params(request.query)
            route = self._route(parts, request.method)
            route(request, params, fmt, lambda status, body: respond(status, body, CONTENT_TYPES[fmt]))
        except ProtocolError as exc:
            respond(exc.status, errors(fmt, exc.status, exc.reason), CONTENT_TYPES[fmt])

    def _route(self, parts: list[str], method: str) -> Callable:
        if len(parts) > 2 or parts[0] not in ("services", "requests"):
            raise ProtocolError(404, "no such resource; use services.xml/json or requests.xml/json")
        if len(parts) == 2:
            single = self._definition if parts[0] == "services" else self._one_request
            allowed = {"GET": functools.partial(single, parts[1])}
        elif parts[0] == "services":
            allowed = {"GET": self._services}
        else:
            allowed = {"GET": self._requests, "POST": self._post}
        return allowed.get(method, _not_allowed)

    # -- services ------------------------------------------------------------------------------------
    def _services(self, request, params, fmt, answer) -> None:
        lang = _language(request, params)
        services = [self._service(item, lang) for item in self.taxonomy.items]
        answer(200, record_list(fmt, "services", "service", services))

    def _service(self, item, lang: str) -> dict:
        category = self.taxonomy.category(item.category)
        zh = lang == "zh"
        description = (f"{item.name_zh}（{category.name_zh}），难度等级 {item.default_level}" if zh else
                       f"{item.name_en} ({category.name_en}), difficulty level {item.default_level}")
        keywords = ",".join((item.name_en, item.name_zh, category.code, item.handler_kind))
        return {"service_code": item.code, "service_name": item.name(lang), "description": description,
                "metadata": False, "type": "realtime", "keywords": keywords, "group": category.name(lang)}

    def _definition(self, code: str, request, params, fmt, answer) -> None:
        if not self.taxonomy.has_item(code):
            raise ProtocolError(404, f"no service with service_code {code!r}")
        answer(200, single_record(fmt, "service_definition", {"service_code": code, "attributes": []}))

    # -- requests ------------------------------------------------------------------------------------
    def _post(self, request, params, fmt, answer) -> None:
        form = {**params, **_form(request)}
        key = form.get("api_key", "")
        if not key:
            raise ProtocolError(403, "api_key is required")
        try:
            report, refusal = self._citizen_report(form), None
        except ProtocolError as exc:
            report, refusal = None, exc

        def done(outcome) -> None:
            if isinstance(outcome, ProtocolError):
                answer(outcome.status, errors(fmt, outcome.status, outcome.reason))
            elif isinstance(outcome, Exception):
                log.error("open311: database error: %s", _one_line(outcome))
                answer(503, errors(fmt, 503, "database unavailable; try again later"))
            else:
                answer(200, record_list(fmt, "service_requests", "request", [
                    {"service_request_id": outcome, "service_notice": "", "account_id": None}]))
        self.filings.submit((key, report, refusal), done)

    def _file_batch(self, posts: list[tuple[str, CitizenReport | None, ProtocolError | None]]) -> list:
        """Writer thread: check the keys of a batch of POSTs and file the good ones together."""
        clients = self.keys.verify_many({key for key, _report, _refusal in posts}, "open311")
        outcomes: list = []
        to_file: list[tuple[int, CitizenReport, ApiKeyRecord]] = []
        for k, (key, report, refusal) in enumerate(posts):
            client = clients.get(key)
            if client is None:
                outcomes.append(ProtocolError(403, "api_key is not valid (unknown or revoked)"))
            elif refusal is not None:
                outcomes.append(refusal)
            else:
                outcomes.append(None)
                to_file.append((k, report, client))
        if to_file:
            filed = self.book.file_many([(report, client) for _k, report, client in to_file])
            for (k, report, client), number in zip(to_file, filed):
                if isinstance(number, WorkflowError):
                    outcomes[k] = ProtocolError(400, str(number))
                else:
                    outcomes[k] = number
                    log.info("open311 client %r filed incident %s (%s)", client.name, number, report.service_code)
        return outcomes

    def _citizen_report(self, form: dict[str, str]) -> CitizenReport:
        code = form.get("service_code", "").strip()
        if not code:
            raise ProtocolError(400, "service_code is required")
        if not self.taxonomy.has_item(code):
            raise ProtocolError(400, f"service_code {code!r} is not a service here (see services.json)")
        lat, lon = _coordinate(form, "lat", 90.0), _coordinate(form, "long", 180.0)
        if (lat is None) != (lon is None):
            raise ProtocolError(400, "lat and long go together: give both or neither")
        address = _text(form, "address_string", 255)
        if lat is None and not address:
            raise ProtocolError(400, "a location is required: lat and long, or address_string")
        media_url = _text(form, "media_url", 512)
        if media_url:
            try:
                url = urllib.parse.urlsplit(media_url)
            except ValueError:  # e.g. an unclosed IPv6 bracket: http://[::1
                raise ProtocolError(400, "media_url is not a valid URL") from None
            if url.scheme not in ("http", "https"):
                raise ProtocolError(400, "media_url must be an http or https URL")
            if "@" in url.netloc:  # it would be published to every client and shown to operators
                raise ProtocolError(400, "media_url must not carry a user name or password")
        attributes = tuple((match.group(1), value.strip()[:500]) for name, value in form.items()
                           if (match := _ATTRIBUTE.match(name)) and value.strip())
        return CitizenReport(code, lat, lon, address, _text(form, "description", MAX_DESCRIPTION), media_url,
                             _reporter(form), attributes)

    def _requests(self, request, params, fmt, answer) -> None:
        numbers = _comma_list(params.get("service_request_id", ""))
        if numbers:
            query = RequestQuery(numbers=numbers, limit=MAX_RESULTS)
        else:
            states = _comma_list(params.get("status", "").lower())
            if set(states) - {"open", "closed"}:
                raise ProtocolError(400, "status must be open, closed or both (comma-separated)")
            start, end = self._window(params)
            query = RequestQuery(service_codes=_comma_list(params.get("service_code", "")), start=start, end=end,
                                 states=states, limit=MAX_RESULTS)
        self._find(query, _language(request, params), fmt, answer)

    def _one_request(self, number: str, request, params, fmt, answer) -> None:
        if "\x00" in number:
            raise ProtocolError(404, "no such service request")
        self._find(RequestQuery(numbers=(number,), limit=1), _language(request, params), fmt, answer,
                   missing=f"no service request {number!r}")

    def _window(self, params: dict[str, str]) -> tuple[datetime, datetime | None]:
        """The spec's search window: at most 90 days; the last 90 days when no date is given."""
        start, end = _date(params, "start_date"), _date(params, "end_date")
        if start is None and end is None:
            return self.clock.now() - WINDOW, None
        try:
            if start is None:
                return end - WINDOW, end
            if end is None:
                return start, start + WINDOW
        except OverflowError:  # 90 days before 0001-01-01 or after 9999-12-31
            raise ProtocolError(400, "start_date or end_date is too near the ends of the calendar") from None
        if end < start:
            raise ProtocolError(400, "end_date is before start_date")
        if end - start > WINDOW:
            raise ProtocolError(400, "start_date and end_date may not span more than 90 days")
        return start, end

    def _find(self, query: RequestQuery, lang: str, fmt: str, answer, missing: str = "") -> None:
        def done(records: list[RequestRecord]) -> None:
            if missing and not records:
                answer(404, errors(fmt, 404, missing))
                return
            answer(200, record_list(fmt, "service_requests", "request",
                                    [self._request_record(r, lang) for r in records]))
        self._on_writer(lambda: self.book.find(query), done, fmt, answer)

    def _request_record(self, record: RequestRecord, lang: str) -> dict:
        return {"service_request_id": record.number, "status": record.state, "status_notes": record.status_notes,
                "service_name": self.taxonomy.item(record.service_code).name(lang),
                "service_code": record.service_code, "description": record.description,
                "agency_responsible": record.agency, "service_notice": "", "requested_datetime": record.requested,
                "updated_datetime": record.updated, "expected_datetime": record.expected,
                "address": record.address, "address_id": None, "zipcode": None, "lat": record.lat,
                "long": record.lon, "media_url": record.media_url}

    def _on_writer(self, job: Callable, done: Callable, fmt: str, answer) -> None:
        """Run ``job`` on the writer thread, then ``done(result)`` on the loop (503 if the database failed)."""
        def finished(future: concurrent.futures.Future) -> None:
            try:
                result = future.result()
            except Exception as exc:
                log.error("open311: database error: %s", _one_line(exc))
                answer(503, errors(fmt, 503, "database unavailable; try again later"))
                return
            done(result)
        self.run_job(job).add_done_callback(lambda f: self.loop.call_soon_threadsafe(finished, f))


def _not_allowed(request, params, fmt, answer) -> None:
    raise ProtocolError(405, f"method {request.method} not allowed here")


def _params(query: str) -> dict[str, str]:
    try:
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True, errors="strict"))
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(400, "malformed query string") from None
    return checked_text(params)


def _form(request: Request) -> dict[str, str]:
    """The form-encoded body (400 if it is anything else or malformed)."""
    if not request.body:
        return {}
    content_type = request.content_type.split(";")[0].strip()
    if content_type and content_type != "application/x-www-form-urlencoded":
        raise ProtocolError(400, "the body must be application/x-www-form-urlencoded")
    try:
        text = request.body.decode("utf-8")
        form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict"))
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(400, "malformed form body") from None
    return checked_text(form)


def _language(request: Request, params: dict[str, str]) -> str:
    """``zh`` when the request asks for Chinese (parameter ``locale``/``lang``, else the first language
    of ``Accept-Language`` by preference), else ``en``."""
    asked = params.get("locale") or params.get("lang")
    if not asked:
        ranked = []
        for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
            tag, _, quality = part.strip().partition(";q=")
            try:
                ranked.append((-float(quality or 1), position, tag.strip()))
            except ValueError:
                continue
        asked = min(ranked)[2] if ranked else ""
    return "zh" if asked.lower().startswith("zh") else "en"


def _coordinate(form: dict[str, str], name: str, limit: float) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ProtocolError(400, f"{name} {text[:40]!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ProtocolError(400, f"{name} {text[:40]} is out of range (-{limit:g} to {limit:g})")
    return value


def _text(form: dict[str, str], name: str, limit: int) -> str:
    value = form.get(name, "").strip()
    if len(value) > limit:
        raise ProtocolError(400, f"{name} is longer than {limit} characters")
    return value


def _date(params: dict[str, str], name: str) -> datetime | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ProtocolError(400, f"{name} {text[:40]!r} is not an ISO-8601 date") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def mask_phone(phone: str) -> str:
    """A phone number with all but its first 3 and last 4 digits hidden (``138****0001``)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _reporter(form: dict[str, str]) -> str:
    """Who reported, for the operator: the name given and the phone masked (or the email's domain)."""
    name = " ".join(part for part in (form.get("first_name", "").strip(), form.get("last_name", "").strip())
                    if part)
    phone = mask_phone(form.get("phone", ""))
    email = form.get("email", "").strip()
    contact = phone or (f"***@{email.rpartition('@')[2]}" if "@" in email else "")
    who = " ".join(part for part in (name[:40], f"({contact})" if contact else "") if part)
    return (who or "citizen")[:64]


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
