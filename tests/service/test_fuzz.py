"""Property-based fuzzing of every intake endpoint, with real HTTP to the running service on loopback.

What these tests protect (issue 8, "hostile input"): whatever a client sends to any endpoint -- well formed
but odd (huge, negative, NaN numbers, unicode, duplicate or missing fields, revoked keys) or malformed
(random JSON shapes, wrong types, broken multipart bodies, bad query strings, wrong content types, bad
``Authorization`` headers, broken HTTP framing) --

* the answer is never a 5xx (the store stays up throughout) and is a well-formed HTTP answer whose body is
  what its ``Content-Type`` says (JSON, XML or UTF-8 text);
* the store holds the request's complete effect or none of it: a position only with a 200, an incident only
  with its 2xx, together with its audit entry, its Open311 record or its photos (attachment rows and blob
  files), and the store's consistency invariants hold after every request (checked with SQL);
* the service logs no traceback and still answers ``GET /health`` on both ports;
* no answer takes longer than :data:`ANSWER_TIMEOUT_S` (a hang fails the example).

The endpoints (``console/service``): the OsmAnd port (Traccar Client's query, form and JSON requests on any
path), and on the HTTP port OwnTracks (``/owntracks``, ``/owntracks/``, ``/pub``), Open311 GeoReport v2
(``/open311/v2/services[/{code}].{xml,json}``, ``GET``/``POST requests.{fmt}``, ``requests/{id}.{fmt}``), the
one-key alarm (``/api/v1/one-key``), worker reports with photos (``/api/v1/reports``), ``/health`` on both,
and a 404 for everything else.

One service (module-scoped) takes every example, so the property "it still works afterwards" covers the
whole sequence.  Examples are derandomized (the same on every run) and few enough for the module to run in
well under a minute; run with ``-s`` to see how many requests were sent.
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import string
import struct
import urllib.parse
import zlib
from collections import Counter
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select, text

from console.core.clock import FakeClock
from console.service import intake as intake_module, start_service
from console.storage.api_keys import ApiKeyStore
from console.storage.blobs import blob_store
from console.storage.db import open_store
from console.storage.models import Attachment, AuditEntry, Incident, Open311Request, Position
from console.storage.positions import PositionStore
from tests.service.conftest import OWNTRACKS, PHONE
from tests.storage.conftest import START, seed_places

ANSWER_TIMEOUT_S = 10.0
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None, print_blob=False)

#: Fuzzed requests sent, by endpoint (health checks made between examples included, as "health").
SENT: Counter = Counter()
#: Their answers, by endpoint and status (the health checks' left out).
STATUSES: Counter = Counter()


# -- the service under fuzzing ---------------------------------------------------------------------------

class _Problems(logging.Handler):
    """Collects what the service logs at ERROR or with a traceback (from any thread)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@dataclass(repr=False)
class Fuzzed:
    """The running service and what a request may legitimately use (its repr, printed with a failing example,
    shows no key)."""

    store: object
    osmand_port: int
    http_port: int
    device_key: str
    revoked_device_key: str
    open311_key: str
    revoked_open311_key: str
    problems: _Problems
    numbers: list[str] = field(default_factory=list)  # incident numbers filed so far (to look up)

    def __repr__(self) -> str:
        return f"Fuzzed(osmand_port={self.osmand_port}, http_port={self.http_port})"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, sqlite_template):
    """An intake over a seeded SQLite store with two phones, valid and revoked keys of both kinds.

    The registry re-read that an unknown device id waits for is throttled to one a second in production (a
    test of its own covers that); here it would only make every example with a made-up id take a second."""
    path = tmp_path_factory.mktemp("fuzz") / "gridwatch.db"
    shutil.copyfile(sqlite_template, path)
    store = open_store(str(path), migrate_schema=False)
    seed_places(store)
    clock = FakeClock(START)
    positions = PositionStore(store, clock)
    positions.add_device("W0", PHONE)
    positions.add_device("W1", OWNTRACKS, kind="owntracks")
    positions.add_device("W1", "revoked-phone")
    keys = ApiKeyStore(store, clock)
    device_key = keys.issue("device", PHONE)[1]
    revoked_device_key = keys.issue("device", "revoked-phone")[1]
    keys.revoke("revoked-phone")
    open311_key = keys.issue("open311", "civic-app")[1]
    revoked_open311_key = keys.issue("open311", "old-app")[1]
    keys.revoke("old-app")
    problems = _Problems()
    logging.getLogger().addHandler(problems)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake_module, "_REFRESH_MIN_S", 0.0)
        handle = start_service(store, clock=clock, osmand_port=0, http_port=0, offline_check_s=3600)
        try:
            yield Fuzzed(store, handle.osmand_port, handle.http_port, device_key, revoked_device_key, open311_key,
                         revoked_open311_key, problems)
        finally:
            handle.stop()
            logging.getLogger().removeHandler(problems)
            store.dispose()
            print(f"\nfuzzed requests sent: {sum(SENT.values())} "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(SENT.items()))}); "
                  f"answers: {', '.join(f'{k} {v}' for k, v in sorted(STATUSES.items()))}")


# -- a raw HTTP client -----------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class NoAnswer(Exception):
    """The connection closed before a complete answer."""


def build(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"",
          content_length: bool = True) -> bytes:
    """A well-framed request as bytes (line breaks in header values dropped: broken framing is fuzzed on its
    own); the head is sent as latin-1, or as UTF-8 when it has characters latin-1 lacks."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}".replace("\r", "").replace("\n", "") for name, value in headers]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    return _latin1("\r\n".join(lines) + "\r\n\r\n") + body


def _latin1(text_: str) -> bytes:
    try:
        return text_.encode("latin-1")
    except UnicodeEncodeError:
        return text_.encode("utf-8")


def exchange(port: int, raw: bytes, endpoint: str, half_close: bool = False) -> Answer:
    """Send ``raw`` on a new connection and read one answer (interim 1xx answers skipped).

    With ``half_close`` the client stops sending after ``raw``: an incomplete request then gets the connection
    closed (:class:`NoAnswer`), never a wait."""
    SENT[endpoint] += 1
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT_S) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused early; its answer is still to be read
        reader = sock.makefile("rb")
        try:
            while True:
                answer = _read_answer(reader)
                if answer.status >= 200:
                    if endpoint != "health":
                        STATUSES[f"{endpoint} {answer.status}"] += 1
                    return answer
        except socket.timeout:
            raise AssertionError(f"no answer within {ANSWER_TIMEOUT_S} s to {raw[:200]!r}") from None
        except ConnectionResetError:
            raise NoAnswer("connection reset") from None


def _read_answer(reader) -> Answer:
    status_line = reader.readline(1024)
    if not status_line:
        raise NoAnswer("connection closed")
    version, status, _reason = status_line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    assert version == "HTTP/1.1" and status.isdigit() and len(status) == 3, status_line
    headers: dict[str, str] = {}
    while True:
        line = reader.readline(8192).decode("latin-1")
        assert line.endswith("\r\n"), f"truncated header line {line!r}"
        if line == "\r\n":
            break
        name, sep, value = line.partition(":")
        assert sep, f"malformed header line {line!r}"
        headers[name.lower()] = value.strip()
    if int(status) < 200:
        return Answer(int(status), headers, b"")
    length = int(headers["content-length"])
    body = reader.read(length)
    assert len(body) == length, f"answer body cut short: {len(body)} of {length} bytes"
    return Answer(int(status), headers, body)


def check_well_formed(answer: Answer) -> None:
    """Not a 5xx, and the body is what the Content-Type says."""
    assert answer.status < 500, (answer.status, answer.body[:300])
    content_type = answer.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        json.loads(answer.body)
    elif content_type.startswith("text/xml"):
        ET.fromstring(answer.body)
    else:
        assert content_type == "text/plain; charset=utf-8", content_type
        answer.body.decode("utf-8")


# -- what the store holds --------------------------------------------------------------------------------

TABLES = {"incidents": Incident, "audit": AuditEntry, "open311": Open311Request, "attachments": Attachment,
          "positions": Position}

#: Each of these counts rows that must not exist.
INVARIANTS = {
    "an incident without its audit entry":
        "SELECT count(*) FROM incidents WHERE id NOT IN (SELECT incident_id FROM audit_entries "
        "WHERE incident_id IS NOT NULL)",
    "a citizen incident without its Open311 record":
        "SELECT count(*) FROM incidents WHERE source = 'citizen' AND id NOT IN "
        "(SELECT incident_id FROM open311_requests)",
    "an Open311 record without its incident":
        "SELECT count(*) FROM open311_requests WHERE incident_id NOT IN (SELECT id FROM incidents)",
    "an attachment without its incident":
        "SELECT count(*) FROM attachments WHERE incident_id NOT IN (SELECT id FROM incidents)",
    "an attachment without its thumbnail": "SELECT count(*) FROM attachments WHERE thumbnail IS NULL",
    "a position of no device": "SELECT count(*) FROM positions WHERE device_id NOT IN (SELECT id FROM devices)",
}


def snapshot(fuzzed: Fuzzed) -> Counter:
    """Row counts of what a request may write, and the blob files."""
    with fuzzed.store.sessions() as session:
        counts = Counter({name: session.scalar(select(func.count()).select_from(table))
                          for name, table in TABLES.items()})
        for what, sql in INVARIANTS.items():
            assert session.scalar(text(sql)) == 0, f"the store holds {what}"
        referenced = set(session.scalars(select(Attachment.blob_sha256).where(Attachment.blob_sha256.is_not(None))))
    files = blob_store(fuzzed.store).names()
    assert files == referenced, (f"blob files {sorted(files - referenced)} unreferenced, "
                                 f"{sorted(referenced - files)} missing")
    counts["blobs"] = len(files)
    return counts


def delta(before: Counter, after: Counter) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def check_alive(fuzzed: Fuzzed) -> None:
    """The service answers its health check on both ports, and has logged no error or traceback."""
    for port in (fuzzed.osmand_port, fuzzed.http_port):
        answer = exchange(port, build("GET", "/health", []), "health")
        assert answer.status == 200, answer.body
        assert json.loads(answer.body)["status"] == "ok"
    problems = [f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
                for r in fuzzed.problems.records]
    fuzzed.problems.records.clear()
    assert not problems, problems


def send_and_check(fuzzed: Fuzzed, port: int, raw: bytes, endpoint: str, allowed_effect,
                   half_close: bool = False) -> Answer | None:
    """The whole property for one request: well-formed answer, complete effect or none, service alive."""
    before = snapshot(fuzzed)
    try:
        answer = exchange(port, raw, endpoint, half_close)
    except NoAnswer:
        assert half_close, f"no answer to {raw[:300]!r}"
        answer = None
    if answer is not None:
        check_well_formed(answer)
    changed = delta(before, snapshot(fuzzed))
    expected = allowed_effect(answer) if answer is not None else {}
    # A photo already stored (the same bytes) is not stored twice; snapshot() checked that every attachment's
    # blob file exists.
    assert changed.pop("blobs", 0) <= expected.pop("blobs", 0), (changed, expected)
    assert changed == expected, (answer and (answer.status, answer.body[:300]), changed, expected)
    check_alive(fuzzed)
    return answer


def no_effect(answer: Answer) -> dict:
    return {}


def position_effect(answer: Answer) -> dict:
    """A 200 stores the fix, anything else nothing."""
    return {"positions": 1} if answer.status == 200 else {}


def incident_effect(*, open311: bool = False):
    """A 2xx files one incident with its audit entry (and its Open311 record, or its photos); else nothing."""
    def effect(answer: Answer) -> dict:
        if answer.status not in (200, 201):
            return {}
        expected = {"incidents": 1, "audit": 1}
        if open311:  # the answer may be XML
            expected["open311"] = 1
            return expected
        photos = json.loads(answer.body).get("photos", 0)
        if photos:
            expected["attachments"] = photos
            expected["blobs"] = photos  # at most: a photo sent before is stored once
        return expected
    return effect


# -- values: well-formed but odd, and malformed ------------------------------------------------------------
# Each request starts from a valid one and has a few of its fields replaced by odd values, dropped, repeated,
# or joined by odd extras: that reaches the checks deep in a handler, where wholly random input stops at the
# first one.

ODD_NUMBER_TEXTS = ["0", "-0", "-91", "180.0000001", "1e308", "1e400", "-1e400", "nan", "NaN", "inf", "-Infinity",
                    "0x1p3", "1_000", "٣٠", "３０", " 30.1 ", "", "30,1", "+30", "1" * 400, "9" * 5000, "1e-400",
                    "\x00", "30.1\x00", "true", "[]"]
ODD_TIMES = ["2026-13-45 99:99:99", "2026-02-30 10:00:00", "2026-11-29 10:00:00", "2026-11-29T10:00:00Z",
             "2026-11-29T10:00:00z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31",
             "0001-01-01", "1764400000", "1764400000000", "99999999999999999999999", "1.5", "T", "", "0", "-1",
             "2026-11-29T25:00:00", "20261129T100000", "9" * 5000, "2026-11-29T10:00:00+99:00"]
ODD_TEXTS = ["", " ", "\x00", "a\x00b", "\u202e", "𝕏", "a" * 5000, "<x>&amp;</x>", "';--", "%00", "%", "&=&",
             "\ufeff", "\U0010ffff", "\t\n"]

text_values = st.text(st.characters(codec="utf-8"), max_size=20)
number_texts = st.one_of(st.sampled_from(ODD_NUMBER_TEXTS), st.floats().map(repr), st.integers().map(str))
time_texts = st.one_of(st.sampled_from(ODD_TIMES), st.integers(-10**12, 10**14).map(str))
odd_texts = st.one_of(st.sampled_from(ODD_TEXTS), text_values)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                         st.text(st.characters(codec="utf-8"), max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
ODD_JSON = [10**400, -10**400, float("nan"), float("inf"), float("-inf"), -1, 0, 1e308, -1e308, True, None, "30.1",
            "", [], {}, [30.1], {"a": 1}, 2**63, "\x00"]
odd_json = st.one_of(st.sampled_from(ODD_JSON), json_values, st.sampled_from(ODD_TIMES))
RAW_JSON = [b"[" * 100_000, b'{"a":' * 50_000, b"1" * 5000, b'{"lat": ' + b"9" * 5000 + b"}", b"\xff\xfe\x00",
            b'{"lat": 1', b"", b"null", b'"x"', b"NaN", b"{}" * 3, b"{\"a\": \"\\ud800\"}"]


@st.composite
def mutated_fields(draw, base: dict[str, str], odd: dict[str, st.SearchStrategy]) -> list[tuple[str, str]]:
    """The fields of a valid request (``base``) with up to three replaced by odd values (``odd``: the fields a
    handler reads, and their odd values), sometimes one dropped, one repeated, odd extra fields."""
    fields = dict(base)
    for name in draw(st.lists(st.sampled_from(sorted(odd)), max_size=3, unique=True)):
        fields[name] = draw(odd[name])
    if base and draw(st.integers(0, 5)) == 0:
        fields.pop(draw(st.sampled_from(sorted(base))))
    pairs = list(fields.items())
    if pairs and draw(st.integers(0, 5)) == 0:
        name = draw(st.sampled_from([name for name, _ in pairs]))
        pairs.append((name, draw(odd.get(name, odd_texts))))
    if draw(st.integers(0, 5)) == 0:
        pairs += draw(st.lists(st.tuples(odd_texts, odd_texts), min_size=1, max_size=2))
    return pairs


@st.composite
def mutated_document(draw, base: dict, paths: list[tuple[str, ...]]) -> dict:
    """A valid JSON document with up to three of its ``paths`` given odd values (or dropped)."""
    document = json.loads(json.dumps(base))
    for path in draw(st.lists(st.sampled_from(paths), max_size=3, unique=True)):
        parent = document
        for key in path[:-1]:
            if not isinstance(parent.get(key), dict):
                break
            parent = parent[key]
        else:
            if draw(st.integers(0, 6)) == 0:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(odd_json)
    return document


@st.composite
def json_body(draw, documents) -> bytes:
    """Mostly one of ``documents`` as JSON; else any JSON value, or malformed bytes."""
    choice = draw(st.integers(0, 9))
    if choice < 7:
        return json.dumps(draw(documents)).encode()
    if choice < 8:
        return json.dumps(draw(json_values)).encode()
    return draw(st.sampled_from(RAW_JSON) | st.binary(max_size=40))


def encoded(pairs: list[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(pairs)


RAW_QUERIES = ["%ff%fe=%c0%80", "a=%zz", "&&&", "=", "a=b=c", "%", "id=%00&lat=%", "id;lat=1", "a=" + "%e4%b8" * 3]
query_strings = st.one_of(st.sampled_from(RAW_QUERIES), st.text(string.printable.strip(), max_size=40)
                          .map(lambda q: q.replace(" ", "+").replace("#", "%23")))
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                 "application/json; charset=latin-1", "application/xml", "", "*/*",
                 "application/x-www-form-urlencoded; charset=gbk", "APPLICATION/JSON"]
content_types = st.one_of(st.sampled_from(CONTENT_TYPES), st.text(string.printable.strip(), max_size=30))


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` seven times in ten, else ``odd``: most requests get past the first check."""
    return st.integers(0, 9).flatmap(lambda i: usual if i < 7 else odd)


def auth_headers(valid: str, revoked: str):
    return mostly(st.just(f"Bearer {valid}"), st.sampled_from([
        f"Bearer {revoked}", f"bearer {valid}", f"Bearer  {valid} ", "Bearer", "Bearer ", f"Basic {valid}",
        "Basic dXNlcjpwYXNz", f"Bearer {valid}\x7f", "Bearer " + "k" * 10_000, f"Bearer {valid[:-1]}",
        "Bearer \u00e9\u00e8", None]))


def maybe(method: str):
    """Mostly ``method``; sometimes another one."""
    return mostly(st.just(method), st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "BREW"]))


# -- the OsmAnd port --------------------------------------------------------------------------------------

DEVICE_IDS = st.sampled_from(["unknown-phone", "", " ", "\x00", "x" * 65, PHONE + "\x00", " " + PHONE,
                              "revoked-phone", "li/phone"]) | odd_texts
OSMAND_BASE = {"id": PHONE, "lat": "30.1", "lon": "120.3"}
OSMAND_ODD = {"id": DEVICE_IDS, "deviceid": DEVICE_IDS, "lat": number_texts, "lon": number_texts,
              "location": st.one_of(st.tuples(number_texts, number_texts).map(",".join), odd_texts),
              "timestamp": time_texts, "speed": number_texts, "bearing": number_texts, "heading": number_texts,
              "altitude": number_texts, "accuracy": number_texts, "batt": number_texts,
              "charge": st.sampled_from(["true", "1", "0", "", "TRUE", "ja"]), "valid": st.sampled_from(["true", "x"])}
OSMAND_JSON = {"device_id": PHONE, "location": {
    "timestamp": "2026-11-29T10:00:00Z", "coords": {"latitude": 30.1, "longitude": 120.3, "accuracy": 5, "speed": 1,
                                                     "heading": 90, "altitude": 10},
    "battery": {"level": 0.5, "is_charging": False}}}
OSMAND_JSON_PATHS = [("device_id",), ("location",), ("location", "timestamp"), ("location", "coords"),
                     ("location", "battery"), ("location", "battery", "level"),
                     ("location", "battery", "is_charging")] \
    + [("location", "coords", name) for name in OSMAND_JSON["location"]["coords"]]


@st.composite
def osmand_requests(draw) -> bytes:
    method = draw(mostly(st.sampled_from(["GET", "POST"]), maybe("GET")))
    path = draw(st.sampled_from(["/"] * 4 + ["/anything", "//", "/%00", "/health/", "*"]))
    style = draw(st.sampled_from(["query", "query", "form", "json", "json", "raw query"]))
    if style == "query":
        return build(method, f"{path}?{encoded(draw(mutated_fields(OSMAND_BASE, OSMAND_ODD)))}", [])
    if style == "raw query":
        return build(method, f"{path}?{draw(query_strings)}", [])
    if style == "form":
        body = encoded(draw(mutated_fields(OSMAND_BASE, OSMAND_ODD))).encode()
        content_type = draw(mostly(st.just("application/x-www-form-urlencoded"), content_types))
        return build(method, path, [("Content-Type", content_type)], body)
    body = draw(json_body(mutated_document(OSMAND_JSON, OSMAND_JSON_PATHS)))
    return build(method, path, [("Content-Type", draw(st.sampled_from(["application/json", "application/json; x=1"])))],
                 body)


@settings(FUZZ, max_examples=150)
@given(raw=osmand_requests())
def test_osmand_port_takes_any_request_without_error_or_partial_write(fuzzed, raw):
    """Traccar Client's query, form and JSON requests, odd and malformed: a 200 stores one fix, else nothing."""
    send_and_check(fuzzed, fuzzed.osmand_port, raw, "osmand", position_effect)


# -- OwnTracks --------------------------------------------------------------------------------------------

OWNTRACKS_BASE = {"_type": "location", "lat": 30.1, "lon": 120.3, "tst": 1764400000, "acc": 5, "alt": 10, "vel": 3,
                  "cog": 90, "batt": 80, "bs": 1, "topic": "owntracks/li/phone"}
OWNTRACKS_PATHS = [(name,) for name in OWNTRACKS_BASE]


@st.composite
def owntracks_requests(draw) -> bytes:
    headers = []
    if draw(st.integers(0, 3)):
        headers += [("X-Limit-U", draw(mostly(st.just("li"), odd_texts))),
                    ("X-Limit-D", draw(mostly(st.just("phone"), odd_texts)))]
    if draw(st.booleans()):
        headers.append(("Authorization", draw(st.sampled_from(["Basic bGk6c2VjcmV0", "Basic", "Bearer x", "\x00"]))))
    headers.append(("Content-Type", draw(mostly(st.just("application/json"), content_types))))
    query = draw(st.sampled_from(["", "", "?u=li&d=phone", "?u=&d=", "?d=phone"])
                 | query_strings.map(lambda q: "?" + q))
    path = draw(st.sampled_from(["/owntracks", "/owntracks/", "/pub"]))
    body = draw(json_body(mutated_document(OWNTRACKS_BASE, OWNTRACKS_PATHS)))
    return build(draw(maybe("POST")), path + query, headers, body)


def _carries_fix(raw: bytes) -> bool:
    """Does this OwnTracks request's body hold a location message (so that a 200 means a stored fix)?"""
    try:
        document = json.loads(raw.partition(b"\r\n\r\n")[2])
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and document.get("_type") in ("location", "transition")


@settings(FUZZ, max_examples=100)
@given(raw=owntracks_requests())
def test_owntracks_takes_any_request_without_error_or_partial_write(fuzzed, raw):
    """OwnTracks' HTTP mode: a 200 for a location message stores one fix; other answers store nothing."""
    carries_fix = _carries_fix(raw)
    send_and_check(fuzzed, fuzzed.http_port, raw, "owntracks",
                   lambda answer: {"positions": 1} if answer.status == 200 and carries_fix else {})


# -- the one-key alarm ------------------------------------------------------------------------------------

ONE_KEY_BASE = {"lat": "30.1", "lon": "120.3", "subitem": "FIR01", "text": "仓库起火"}
ONE_KEY_ODD = {"lat": number_texts, "lon": number_texts,
               "subitem": st.sampled_from(["DIS05", "ENV01", "", "XXX99", "fir01", "FIR01\x00"]) | odd_texts,
               "text": odd_texts}


@st.composite
def one_key_requests(draw, fuzzed: Fuzzed) -> bytes:
    headers = []
    authorization = draw(auth_headers(fuzzed.device_key, fuzzed.revoked_device_key))
    if authorization is not None:
        headers.append(("Authorization", authorization))
    if draw(st.booleans()):
        headers.append(("Content-Type", draw(mostly(st.just("application/x-www-form-urlencoded"), content_types))))
        body = encoded(draw(mutated_fields(ONE_KEY_BASE, ONE_KEY_ODD))).encode()
        if draw(st.integers(0, 9)) == 0:
            body = draw(st.binary(max_size=40))
    else:
        headers.append(("Content-Type", "application/json"))
        body = draw(json_body(mutated_document(ONE_KEY_BASE, [(name,) for name in ONE_KEY_BASE])))
    return build(draw(maybe("POST")), "/api/v1/one-key" + draw(st.sampled_from(["", "", "?lat=1"])), headers, body)


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_one_key_alarm_takes_any_request_without_error_or_partial_write(fuzzed, data):
    """The one-key alarm: a 201 files one incident with its audit entry; every other answer files nothing."""
    raw = data.draw(one_key_requests(fuzzed))
    send_and_check(fuzzed, fuzzed.http_port, raw, "one-key", incident_effect())


# -- worker reports with photos ---------------------------------------------------------------------------

def _image(kind: str, width: int, height: int, seed: int) -> bytes:
    image = np.full((height, width, 3), seed % 256, np.uint8)
    image[: height // 2, : width // 2] = (seed * 7 % 256, 90, 200)
    ok, data = cv2.imencode(f".{kind}", image)
    assert ok
    return data.tobytes()


def _png_header(width: int, height: int) -> bytes:
    """A PNG's signature and header chunk declaring ``width`` x ``height``, and no image data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


PHOTO_KINDS = ["png", "jpg", "truncated png", "truncated jpg", "png magic and junk", "jpeg magic and junk",
               "random", "empty", "png bomb header", "zero-size png header"]


@st.composite
def photos(draw, valid: bool) -> bytes:
    """A valid small JPEG or PNG, or one of the invalid kinds of :data:`PHOTO_KINDS`."""
    kind = draw(st.sampled_from(PHOTO_KINDS[:2] if valid else PHOTO_KINDS[2:]))
    seed = draw(st.integers(0, 2**31))  # keeps photos of one report (and of all reports) distinct
    if kind in ("png", "jpg"):
        return _image(kind, 16 + seed % 7, 12 + seed % 5, seed)
    if kind.startswith("truncated"):
        whole = _image("png" if "png" in kind else "jpg", 32, 24, seed)
        return whole[: len(whole) // 2]
    if kind == "png magic and junk":
        return b"\x89PNG\r\n\x1a\n" + draw(st.binary(max_size=64))
    if kind == "jpeg magic and junk":
        return b"\xff\xd8\xff" + draw(st.binary(max_size=64))
    if kind == "png bomb header":
        return _png_header(100_000, 100_000) + seed.to_bytes(4, "big")
    if kind == "zero-size png header":
        return _png_header(0, 0)
    return draw(st.binary(max_size=64)) if kind == "random" else b""




def multipart_body(boundary: str, parts: list[tuple[str, str | None, str | None, bytes]], final: bool = True) -> bytes:
    chunks = []
    for name, filename, content_type, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if content_type is not None:
            head += f"Content-Type: {content_type}\r\n"
        chunks.append(_latin1(head + "\r\n") + data + b"\r\n")
    return b"".join(chunks) + (f"--{boundary}--\r\n".encode() if final else b"")


MALFORMED_MULTIPART = [
    (b"no boundary at all", "multipart/form-data"),
    (b"--b\r\nContent-Disposition: form-data; name=\"lat\"\r\n\r\n30.1", "multipart/form-data; boundary=b"),
    (b"--b\r\n\r\nno headers\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"--b\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"--b\r\nContent-Disposition: form-data; name*=utf-8''%E4%B8%AD\r\n\r\nx\r\n--b--\r\n",
     "multipart/form-data; boundary=b"),
    (b"--b\r\nContent-Disposition: form-data; name=\"x\"; filename*=bogus''%ZZ\r\n\r\nx\r\n--b--\r\n",
     "multipart/form-data; boundary=b"),
    (b"--b\r\nX: \xff\xfe\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nx\r\n--bjunk", "multipart/form-data; boundary=b"),
    (b"--" + b"b" * 71 + b"--\r\n", "multipart/form-data; boundary=" + "b" * 71),
    (b"--b--\r\n", "multipart/form-data; boundary*=utf-8''b"),
    (b"--b--\r\n", 'multipart/form-data; boundary="b'),
    (b"--b--\r\n", "multipart/form-data; boundary=b; boundary=c"),
    (b"\r\n".join([b"--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx"] * 40) + b"\r\n--b--\r\n",
     "multipart/form-data; boundary=b"),
]


BOUNDARY = "gridwatch-fuzz-7d1f0c"
REPORT_BASE = {"subitem": "ENV01", "lat": "30.1", "lon": "120.3", "text": "垃圾堆放\n河边有大量建筑垃圾"}
REPORT_ODD = {"subitem": st.sampled_from(["FIR01", "", "NOPE1"]) | odd_texts, "lat": number_texts, "lon": number_texts,
              "text": odd_texts | st.just("字" * 2001)}


REPORT_ODDITIES = ["fields", "fields", "photos", "photos", "not UTF-8", "file field", "no final boundary",
                   "content type", "boundary", "key", "method", "malformed"]


@st.composite
def report_requests(draw, fuzzed: Fuzzed) -> bytes:
    """A valid report with one thing odd about it (or none: a third of them should be filed)."""
    oddity = draw(mostly(st.just("none"), st.sampled_from(REPORT_ODDITIES)))
    if oddity == "malformed":
        body, content_type = draw(st.sampled_from(MALFORMED_MULTIPART)
                                  | st.tuples(st.binary(max_size=80), content_types))
    else:
        fields = draw(mutated_fields(REPORT_BASE, REPORT_ODD)) if oddity == "fields" else list(REPORT_BASE.items())
        parts = [(name, None, None, value.encode("utf-8")) for name, value in fields]
        if oddity == "not UTF-8":
            name = draw(st.sampled_from(sorted(REPORT_BASE)))
            parts[draw(st.integers(0, len(parts) - 1))] = (name, None, None, b"\xff\xfe")
        if oddity == "file field":
            name, _, _, data = parts.pop(draw(st.integers(0, len(parts) - 1)))
            parts.append((name, "f.txt", "text/plain", data))
        for _ in range(draw(st.integers(0, 3))):
            valid = oddity != "photos"
            parts.append(("photo", draw(st.sampled_from(["a.jpg", "", "../../etc/passwd", "x" * 300, "é.png", None])),
                          draw(st.sampled_from(["image/jpeg", "image/png", None, "text/html"])),
                          draw(photos(valid))))
        boundary = BOUNDARY if oddity != "boundary" else draw(st.sampled_from(["b", "a b", "x" * 70, "---", "é", '"']))
        body = multipart_body(boundary, parts, final=oddity != "no final boundary")
        content_type = f"multipart/form-data; boundary={boundary}"
        if oddity == "content type":
            content_type = draw(st.sampled_from([f'multipart/form-data; boundary="{boundary}"', "multipart/form-data",
                                                 "application/json", f"multipart/mixed; boundary={boundary}",
                                                 f"multipart/form-data; boundary={boundary}x"]) | content_types)
    headers = [("Content-Type", content_type)]
    authorization = draw(auth_headers(fuzzed.device_key, fuzzed.revoked_device_key)) if oddity == "key" \
        else f"Bearer {fuzzed.device_key}"
    if authorization is not None:
        headers.append(("Authorization", authorization))
    return build(draw(maybe("POST")) if oddity == "method" else "POST", "/api/v1/reports", headers, body)


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_worker_reports_take_any_request_without_error_or_partial_write(fuzzed, data):
    """A worker's report: a 201 files the incident with exactly its photos (rows and blob files); else nothing."""
    raw = data.draw(report_requests(fuzzed))
    send_and_check(fuzzed, fuzzed.http_port, raw, "reports", incident_effect())


# -- Open311 ----------------------------------------------------------------------------------------------

OPEN311_FORMATS = mostly(st.sampled_from(["json", "xml"]), st.sampled_from(["yaml", "", "JSON", "json.xml"]))
OPEN311_ODD_PARAMS = {"service_request_id": st.sampled_from(["20261129-0001", "x,y,,", ""]) | odd_texts,
                      "service_code": st.sampled_from(["CON01", "CON01,ENV01", "ZZZ"]) | odd_texts,
                      "start_date": time_texts, "end_date": time_texts,
                      "status": st.sampled_from(["open", "closed", "open,closed", "OPEN", "pending"]) | odd_texts,
                      "locale": st.sampled_from(["zh", "zh_CN", "en"]) | odd_texts, "lang": odd_texts}
ACCEPT_LANGUAGES = st.sampled_from(["zh-CN,zh;q=0.9", "en;q=nan,zh;q=inf", "zh;q=1e400", ";q=", ",,,", "*"]) | odd_texts


@st.composite
def open311_reads(draw, fuzzed: Fuzzed) -> bytes:
    fmt = draw(OPEN311_FORMATS)
    resource = draw(mostly(st.sampled_from(["services", "requests", "services/CON01", "requests/20261129-0001"]),
                           st.sampled_from(["services/NOPE", "requests/x", "requests/a/b", "", "../services",
                                            "services%2FCON01", "%ff", "requests/%00"])
                           | odd_texts.map(urllib.parse.quote)))
    if fuzzed.numbers and draw(st.booleans()):
        resource = "requests/" + draw(st.sampled_from(fuzzed.numbers))
    query = draw(mutated_fields({}, OPEN311_ODD_PARAMS).map(encoded) | query_strings)
    headers = [("Accept-Language", draw(ACCEPT_LANGUAGES))] if draw(st.booleans()) else []
    method = draw(maybe("GET"))
    return build(method, f"/open311/v2/{resource}.{fmt}?{query}", headers, b"" if method == "GET" else b"api_key=x")


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_open311_reads_take_any_request_without_error_or_writes(fuzzed, data):
    """Open311's services and requests lists and records, with odd filters and paths: never a 5xx, never a write
    (its one POST, ``requests``, is refused here for its bad key)."""
    raw = data.draw(open311_reads(fuzzed))
    send_and_check(fuzzed, fuzzed.http_port, raw, "open311 read", no_effect)


OPEN311_BASE = {"service_code": "CON01", "lat": "30.1003", "long": "120.3004", "description": "路灯坏了\n第二行"}
OPEN311_ODD = {"service_code": st.sampled_from(["ENV01", "", "NOPE", "con01"]) | odd_texts,
               "lat": number_texts, "long": number_texts,
               "address_string": st.sampled_from(["江桥村 3 号", "a" * 256]) | odd_texts,
               "description": odd_texts | st.just("字" * 4001), "first_name": odd_texts, "last_name": odd_texts,
               "phone": st.sampled_from(["13800000001", "+86 138 0000 0001", "²³"]) | odd_texts,
               "email": st.sampled_from(["a@b.c", "@", "x@"]) | odd_texts,
               "media_url": st.sampled_from(["http://example.org/a.jpg", "http://[::1", "https://[x]/",
                                             "rtsp://admin:secret@10.0.0.9/stream", "javascript:alert(1)",
                                             "http://user:pw@example.org/a.jpg", "http://" + "a" * 600]) | odd_texts,
               "attribute[WHISPERED]": odd_texts, "attribute[]": odd_texts, "attribute[x][]": odd_texts}


@st.composite
def open311_posts(draw, fuzzed: Fuzzed) -> bytes:
    fmt = draw(OPEN311_FORMATS)
    key = draw(mostly(st.just(fuzzed.open311_key), st.sampled_from([fuzzed.revoked_open311_key, fuzzed.device_key, "",
                                                                     "x", fuzzed.open311_key + " "]) | odd_texts))
    pairs = draw(mutated_fields(OPEN311_BASE, OPEN311_ODD))
    if draw(st.integers(0, 9)):
        pairs = [("api_key", key)] + pairs
    in_query = draw(st.integers(0, 5)) == 0
    body = b"" if in_query else encoded(pairs).encode()
    if draw(st.integers(0, 9)) == 0:
        body = draw(st.sampled_from([b"a=%zz", b"\xff\xfe", b"a", b"=&=", b"api_key", b"a=1&&b=2"]))
    target = f"/open311/v2/requests.{fmt}" + (f"?{encoded(pairs)}" if in_query else "")
    headers = [("Content-Type", draw(mostly(st.just("application/x-www-form-urlencoded"), content_types)))]
    return build("POST", target, headers, body)


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_open311_posts_file_a_complete_request_or_nothing(fuzzed, data):
    """Open311 ``POST requests``: a 200 files one incident with its Open311 record and audit entry, in one
    transaction; a 4xx files nothing."""
    raw = data.draw(open311_posts(fuzzed))
    answer = send_and_check(fuzzed, fuzzed.http_port, raw, "open311 post", incident_effect(open311=True))
    if answer is not None and answer.status == 200 and answer.headers["content-type"].startswith("application/json"):
        fuzzed.numbers.append(json.loads(answer.body)[0]["service_request_id"])


# -- HTTP framing, on both ports ---------------------------------------------------------------------------

REQUEST_LINES = ["GET /health HTTP/1.1", "GET /nowhere HTTP/1.1", "GET  /health HTTP/1.1", "GET /health HTTP/2.0",
                 "GET /health", "", "GET /health HTTP/1.1 extra", "\x00\x01", "GET /héalth HTTP/1.1",
                 "POST /open311/v2/services.json HTTP/1.1", "GET /open311/v2/services.json HTTP/1.0",
                 "POST /api/v1/reports HTTP/1.1", "GET " + "/" * 20_000 + " HTTP/1.1"]
HEADER_LINES = ["Content-Length: abc", "Content-Length: -1", "Content-Length: ²", "Content-Length: " + "9" * 30,
                "Content-Length: 1e3", "Content-Length: 0x10", "Content-Length: 5", "Content-Length: 0",
                "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked",
                "Expect: 100-continue", "Connection: close", "Connection: keep-alive", "no colon here", ": empty name",
                " Leading: space", "X: " + "v" * 20_000, "Content-Type: application/json", "Host:",
                "Authorization: Bearer \x00"]
BODIES = [b"", b"hello", b"0\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n", b"-1\r\nx\r\n0\r\n\r\n",
          b"0x5\r\nhello\r\n0\r\n\r\n",
          b"5_0\r\n", b"zz\r\n", b"5\r\nhelloXX0\r\n\r\n", b"1;" + b"e" * 5000 + b"\r\nx\r\n0\r\n\r\n",
          b"0\r\nTrailer: x\r\n\r\n", b"FFFFFFFFFFFFFFFFFFFF\r\n", b"100000\r\n" + b"x" * 100, b"\r\n\r\n\r\n"]


@settings(FUZZ, max_examples=100)
@given(port_name=st.sampled_from(["osmand", "http"]), request_line=st.sampled_from(REQUEST_LINES) | odd_texts,
       header_lines=st.lists(st.sampled_from(HEADER_LINES) | odd_texts, max_size=4),
       body=st.sampled_from(BODIES) | st.binary(max_size=40))
def test_broken_http_framing_is_refused_cleanly_on_both_ports(fuzzed, port_name, request_line, header_lines, body):
    """Broken request lines, headers, lengths and chunk encodings: a 4xx (or the connection closed when the
    request stays incomplete), never a 5xx, a traceback or a write; the service keeps answering."""
    raw = _latin1("\r\n".join([request_line, *header_lines]) + "\r\n\r\n") + body
    port = fuzzed.osmand_port if port_name == "osmand" else fuzzed.http_port
    send_and_check(fuzzed, port, raw, "framing", no_effect, half_close=True)


# -- what fuzzing found, kept as fixed examples ---------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# (port, method, target, content type, body): each was a 500 once -- except those with a NUL character, which
# SQLite stores but PostgreSQL refuses, failing the transaction (a 503, and for Open311 the whole group commit).
FOUND = [
    ("osmand", "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp=2026-13-45%2099:99:99", None, b""),
    ("osmand", "POST", "/", JSON, b'{"device_id": "%s", "location": {"timestamp": "2026-11-29T10:00:00Z", '
                                  b'"coords": {"latitude": 1%s, "longitude": 1}}}' % (PHONE.encode(), b"0" * 400)),
    ("osmand", "POST", "/", JSON, b"[" * 100_000),
    ("osmand", "POST", "/", JSON, b'{"a": ' + b"1" * 5000 + b"}"),
    ("http", "POST", "/owntracks?u=li&d=phone", JSON, b'{"_type": "location", "lat": 1' + b"0" * 400 + b"}"),
    ("http", "POST", "/api/v1/one-key", JSON, b"[" * 100_000),
    ("http", "POST", "/api/v1/one-key", FORM, b"lat=30.1&lon=120.3&text=a%00b"),
    ("http", "GET", "/open311/v2/requests.json?start_date=9999-12-31", None, b""),
    ("http", "GET", "/open311/v2/requests.xml?end_date=0001-01-01", None, b""),
    ("http", "GET", "/open311/v2/requests.json?service_request_id=%00", None, b""),
    ("http", "POST", "/open311/v2/requests.json", FORM,
     b"service_code=CON01&lat=30.1&long=120.3&media_url=http://[::1"),
    ("http", "POST", "/open311/v2/requests.json", FORM, b"service_code=CON01&lat=30.1&long=120.3&description=a%00"),
]


@pytest.mark.parametrize("port_name, method, target, content_type, body", FOUND)
def test_inputs_that_once_failed_are_refused_cleanly(fuzzed, port_name, method, target, content_type, body):
    """What fuzzing (and reading the code it pointed at) found, fixed: each a 4xx now, nothing written."""
    headers = [("Content-Type", content_type)] if content_type else []
    if "one-key" in target:
        headers.append(("Authorization", f"Bearer {fuzzed.device_key}"))
    if "open311" in target and method == "POST":
        body = f"api_key={fuzzed.open311_key}&".encode() + body
    port = fuzzed.osmand_port if port_name == "osmand" else fuzzed.http_port
    answer = send_and_check(fuzzed, port, build(method, target, headers, body), "fixed examples", no_effect)
    assert 400 <= answer.status < 500


@pytest.mark.parametrize("length", ["²", "٣", "9" * 5000, "-1", "1e3", "0x10", "5 5"])
def test_a_content_length_that_is_not_plain_ascii_digits_is_refused_not_a_dropped_connection(fuzzed, length):
    """``"²".isdigit()`` is true and ``int("²")`` raises: such a header once crashed the connection's parser
    (an asyncio traceback, no answer)."""
    raw = _latin1(f"POST /owntracks HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n")
    answer = send_and_check(fuzzed, fuzzed.http_port, raw, "fixed examples", no_effect)
    assert answer.status in (400, 413)


def test_credentials_in_a_url_are_never_logged_nor_published(fuzzed, caplog):
    """A URL with a user name and password (a camera's MJPEG URL pasted as Open311's media_url, in the query
    string) is refused, and the access log shows it without its credentials."""
    target = "/open311/v2/requests.json?" + encoded([("media_url", "http://admin:s3cr%t@10.0.0.9/mjpeg"),
                                                      ("api_key", fuzzed.open311_key), ("service_code", "CON01"),
                                                      ("lat", "30.1"), ("long", "120.3")])
    with caplog.at_level(logging.INFO, logger="gridwatch.access"):
        answer = send_and_check(fuzzed, fuzzed.http_port, build("POST", target, []), "fixed examples", no_effect)
    assert answer.status == 400 and b"user name or password" in answer.body
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "gridwatch.access")
    assert "http://***@10.0.0.9/mjpeg" in logged
    assert "s3cr" not in logged and "admin" not in logged and fuzzed.open311_key not in logged
