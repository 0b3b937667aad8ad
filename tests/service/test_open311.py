"""Open311 GeoReport v2 under /open311/v2/ on the intake's HTTP port, over real HTTP to the running service."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from console.core.taxonomy import default_taxonomy
from console.core.workflow import Action, Source, Status
from console.service import start_service
from console.storage.api_keys import ApiKeyStore
from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import AuditEntry, Department, Grid, Incident, Open311Request
from tests.service.conftest import request
from tests.storage import conftest as storage_fixtures
from tests.storage.conftest import START, _empty_all_tables, seed_places
from tests.video.helpers import wait_until

# The storage tests' PostgreSQL server (started only when a test asks for it).
pg_server, pg_database = storage_fixtures.pg_server, storage_fixtures.pg_database

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HERE = {"lat": "30.1003", "long": "120.3004"}  # ~50 m from grid G0's centre (120.30, 30.10)


@pytest.fixture
def key(store, clock) -> str:
    return ApiKeyStore(store, clock).issue("open311", "civic-app")[1]


def _get(intake, target, headers=None):
    return request(intake.http_port, "GET", "/open311/v2/" + target, headers=headers)


def _post(intake, fields, fmt="json", headers=None, raw: bytes | None = None):
    body = raw if raw is not None else urllib.parse.urlencode(fields).encode()
    return request(intake.http_port, "POST", f"/open311/v2/requests.{fmt}", body, {**FORM, **(headers or {})})


def _file(intake, key, **fields) -> str:
    reply = _post(intake, {"api_key": key, "service_code": "CON01", **HERE, **fields})
    assert reply.status == 200, reply.body
    [answer] = json.loads(reply.body)
    return answer["service_request_id"]


def _json(reply, status=200):
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    return json.loads(reply.body)


def _xml(reply, status=200) -> ET.Element:
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == "text/xml; charset=utf-8"
    return ET.fromstring(reply.body)


def _counts(store) -> tuple[int, int, int]:
    with store.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Incident)),
                session.scalar(select(func.count()).select_from(Open311Request)),
                session.scalar(select(func.count()).select_from(AuditEntry)  # the incidents' steps, not key issues
                               .where(AuditEntry.incident_id.is_not(None))))


# -- services ---------------------------------------------------------------------------------------------

def test_services_json_lists_the_42_sub_items_with_their_category_as_group(intake):
    services = _json(_get(intake, "services.json"))
    taxonomy = default_taxonomy()
    assert [s["service_code"] for s in services] == [item.code for item in taxonomy.items]
    assert len(services) == 42
    first = services[0]
    assert first == {"service_code": "CON01", "service_name": "Illegal structure (rooftop or yard)",
                     "description": first["description"], "metadata": False, "type": "realtime",
                     "keywords": first["keywords"], "group": "Illegal construction"}
    assert "违章搭建" in first["keywords"]
    assert {s["group"] for s in services} == {c.name_en for c in taxonomy.categories}


def test_services_xml_has_the_spec_elements(intake):
    root = _xml(_get(intake, "services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 42
    assert [child.tag for child in services[0]] == ["service_code", "service_name", "description", "metadata",
                                                    "type", "keywords", "group"]
    assert (services[0].findtext("service_code"), services[0].findtext("metadata"),
            services[0].findtext("type")) == ("CON01", "false", "realtime")


@pytest.mark.parametrize("target, headers, name, group", [
    ("services.json", {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, "违章搭建", "违法建设"),
    ("services.json", {"Accept-Language": "en;q=0.5, zh-TW"}, "违章搭建", "违法建设"),  # by preference
    ("services.json?locale=zh_CN", {}, "违章搭建", "违法建设"),
    ("services.json?lang=en", {"Accept-Language": "zh-CN"}, "Illegal structure (rooftop or yard)",
     "Illegal construction"),
    ("services.json", {"Accept-Language": "fr-FR"}, "Illegal structure (rooftop or yard)", "Illegal construction"),
])
def test_service_names_follow_the_requested_language(intake, target, headers, name, group):
    first = _json(_get(intake, target, headers))[0]
    assert (first["service_name"], first["group"]) == (name, group)


def test_xml_carries_chinese_names_intact(intake):
    root = _xml(_get(intake, "services.xml?locale=zh"))
    assert root.find("service").findtext("service_name") == "违章搭建"


def test_a_service_definition_in_both_formats(intake):
    assert _json(_get(intake, "services/DIS05.json")) == {"service_code": "DIS05", "attributes": []}
    root = _xml(_get(intake, "services/DIS05.xml"))
    assert (root.tag, root.findtext("service_code"), len(root.find("attributes"))) == \
        ("service_definition", "DIS05", 0)


def test_an_unknown_service_is_a_404_in_the_spec_error_format(intake):
    assert _json(_get(intake, "services/NOPE.json"), 404) == \
        [{"code": 404, "description": "no service with service_code 'NOPE'"}]
    root = _xml(_get(intake, "services/NOPE.xml"), 404)
    assert root.tag == "errors"
    [error] = root.findall("error")
    assert (error.findtext("code"), error.findtext("description")) == \
        ("404", "no service with service_code 'NOPE'")


@pytest.mark.parametrize("method, target, status", [
    ("GET", "nothing.json", 404), ("GET", "services", 404), ("GET", "services.csv", 404),
    ("GET", "services/CON01/x.json", 404), ("DELETE", "services.json", 405), ("POST", "services.json", 405),
    ("PUT", "requests.json", 405),
])
def test_other_resources_and_methods_are_refused_with_spec_errors(intake, method, target, status):
    reply = request(intake.http_port, method, "/open311/v2/" + target)
    [error] = _json(reply, status)
    assert error["code"] == status and error["description"]


# -- filing ----------------------------------------------------------------------------------------------

def test_a_post_files_a_citizen_incident_in_the_nearest_grid_with_an_audit_entry(intake, store, clock, key):
    reply = _post(intake, {"api_key": key, "service_code": "CON01", **HERE, "description": "楼顶在搭违章棚\n第二行",
                           "address_string": "江桥村 12 号", "media_url": "https://example.org/p/1.jpg",
                           "first_name": "小明", "last_name": "张", "phone": "138-0013-8000",
                           "email": "ming@example.org", "attribute[FLOOR]": "3"})
    [answer] = _json(reply)
    assert answer == {"service_request_id": "20261129-0001", "service_notice": "", "account_id": None}
    with store.sessions() as session:
        incident = session.scalar(select(Incident))
        g0 = session.scalar(select(Grid).where(Grid.code == "G0"))
        extra = session.get(Open311Request, incident.id)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.incident_id == incident.id)).all()
    assert (incident.number, incident.source, incident.subitem, incident.category, incident.status) == \
        ("20261129-0001", Source.CITIZEN.value, "CON01", "CON", Status.REPORTED.value)
    assert (incident.grid_id, incident.village_id) == (g0.id, g0.village_id)
    assert (incident.lat, incident.lon) == (30.1003, 120.3004)
    assert incident.title == "楼顶在搭违章棚"
    assert incident.description == ("楼顶在搭违章棚\n第二行\nAddress: 江桥村 12 号\nMedia: https://example.org/p/1.jpg\n"
                                    "FLOOR: 3")
    assert incident.reporter == "小明 张 (138****8000)"
    assert "13800138000" not in incident.reporter and "ming@" not in incident.description
    assert (extra.address, extra.media_url) == ("江桥村 12 号", "https://example.org/p/1.jpg")
    assert [(a.actor, a.action, a.to_status) for a in audit] == [("open311:civic-app", Action.REPORT.value,
                                                                  Status.REPORTED.value)]


def test_a_post_answers_in_xml_too_and_an_address_alone_is_a_location(intake, store, key):
    root = _xml(_post(intake, {"api_key": key, "service_code": "ENV01", "address_string": "麒麟村村口"}, "xml"))
    assert root.tag == "service_requests"
    [req] = root.findall("request")
    assert [child.tag for child in req] == ["service_request_id", "service_notice", "account_id"]
    assert req.findtext("service_request_id") == "20261129-0001"
    with store.sessions() as session:
        incident = session.scalar(select(Incident))
    assert (incident.lat, incident.lon, incident.grid_id, incident.title) == (None, None, None, "垃圾堆积")
    assert incident.description == "Address: 麒麟村村口"


def test_a_point_far_from_every_grid_is_filed_without_a_grid(intake, store, key):
    _file(intake, key, lat="31.5", long="121.5")
    with store.sessions() as session:
        incident = session.scalar(select(Incident))
    assert (incident.grid_id, incident.village_id, incident.lat) == (None, None, 31.5)


def test_the_write_runs_on_the_writer_thread_not_the_event_loop(intake, key, monkeypatch):
    book = intake._service.open311.book
    threads, original = [], book.file_many
    monkeypatch.setattr(book, "file_many", lambda *a: threads.append(threading.current_thread().name) or original(*a))
    _file(intake, key)
    assert threads == ["gridwatch-position-writer"]


def test_posts_arriving_together_are_filed_in_one_transaction_and_each_gets_its_own_number(intake, store, key,
                                                                                         monkeypatch):
    book, filings = intake._service.open311.book, intake._service.open311.filings
    original, batches, release = book.file_many, [], threading.Event()

    def slow_first_batch(reports):
        batches.append(len(reports))
        if len(batches) == 1:
            release.wait(10)  # the others arrive while the first is being written
        return original(reports)
    monkeypatch.setattr(book, "file_many", slow_first_batch)
    replies: list[str] = []
    posts = [threading.Thread(target=lambda n=n: replies.append(_file(intake, key, description=f"r{n}")))
             for n in range(12)]
    posts[0].start()
    wait_until(lambda: batches == [1], 10, "the first batch is being written")
    for post in posts[1:]:
        post.start()
    wait_until(lambda: len(filings._waiting) == 11, 10, "eleven posts waiting")
    release.set()
    for post in posts:
        post.join(10)
    assert batches == [1, 11]
    assert sorted(replies) == [f"20261129-{n:04d}" for n in range(1, 13)]
    assert _counts(store) == (12, 12, 12)


def test_a_batch_with_a_revoked_key_files_the_others(intake, store, clock, key):
    keys = ApiKeyStore(store, clock)
    doomed = keys.issue("open311", "old-app")[1]
    keys.revoke("old-app")
    outcomes = intake._service.open311._file_batch([
        (key, intake._service.open311._citizen_report({"service_code": "CON01", **HERE}), None),
        (doomed, intake._service.open311._citizen_report({"service_code": "CON01", **HERE}), None)])
    assert outcomes[0] == "20261129-0001"
    assert (outcomes[1].status, "not valid" in outcomes[1].reason) == (403, True)
    assert _counts(store) == (1, 1, 1)


GOOD = {"service_code": "CON01", **HERE, "description": "x"}


@pytest.mark.parametrize("fields, raw, content_type, status, description", [
    (GOOD, b"api_key=K&service_code=CON01&lat", None, 400, "malformed form body"),
    (GOOD, b"api_key=K&service_code=CON01&lat=30.1&long=120.3&description=\xff", None, 400, "malformed form body"),
    (GOOD, b'{"api_key": "K", "service_code": "CON01"}', "application/json", 400,
     "the body must be application/x-www-form-urlencoded"),
    ({**GOOD, "service_code": ""}, None, None, 400, "service_code is required"),
    ({**GOOD, "service_code": "XYZ99"}, None, None, 400, "service_code 'XYZ99' is not a service here"),
    ({**GOOD, "lat": "91"}, None, None, 400, "lat 91 is out of range (-90 to 90)"),
    ({**GOOD, "lat": "-90.5"}, None, None, 400, "lat -90.5 is out of range"),
    ({**GOOD, "long": "180.01"}, None, None, 400, "long 180.01 is out of range (-180 to 180)"),
    ({**GOOD, "lat": "nan"}, None, None, 400, "lat nan is out of range"),
    ({**GOOD, "lat": "north"}, None, None, 400, "lat 'north' is not a number"),
    ({**GOOD, "long": ""}, None, None, 400, "lat and long go together"),
    ({"service_code": "CON01"}, None, None, 400, "a location is required"),
    ({**GOOD, "media_url": "javascript:alert(1)"}, None, None, 400, "media_url must be an http or https URL"),
    ({**GOOD, "description": "x" * 4001}, None, None, 400, "description is longer than 4000 characters"),
])
def test_bad_input_is_a_400_and_writes_nothing(intake, store, key, fields, raw, content_type, status, description):
    before = _counts(store)
    body = raw.replace(b"K", key.encode()) if raw is not None else None
    headers = {"Content-Type": content_type} if content_type else {}
    for fmt in ("json", "xml"):
        reply = _post(intake, {"api_key": key, **fields}, fmt, headers, raw=body)
        if fmt == "json":
            [error] = _json(reply, status)
            assert error["code"] == status and error["description"].startswith(description), error
        else:
            error = _xml(reply, status).find("error")
            assert error.findtext("code") == str(status) and error.findtext("description").startswith(description)
    assert _counts(store) == before


@pytest.mark.parametrize("api_key, description", [
    (None, "api_key is required"), ("", "api_key is required"),
    ("gw_not-a-key", "api_key is not valid (unknown or revoked)"),
])
def test_a_missing_or_wrong_key_is_a_403_and_writes_nothing(intake, store, key, api_key, description):
    before = _counts(store)
    fields = {**GOOD} if api_key is None else {**GOOD, "api_key": api_key}
    assert _json(_post(intake, fields), 403) == [{"code": 403, "description": description}]
    assert _xml(_post(intake, fields, "xml"), 403).find("error").findtext("code") == "403"
    assert _counts(store) == before


def test_the_key_is_checked_before_the_fields(intake, store):
    """An unknown client learns nothing about what it would have to send."""
    reply = _post(intake, {"api_key": "gw_wrong", "service_code": "XYZ99"})
    assert _json(reply, 403)[0]["code"] == 403


def test_a_revoked_key_stops_working_at_once(intake, store, clock):
    keys = ApiKeyStore(store, clock)
    _record, key = keys.issue("open311", "kiosk")
    _file(intake, key)
    keys.revoke("kiosk")
    before = _counts(store)
    assert _json(_post(intake, {"api_key": key, **GOOD}), 403)[0]["description"] == \
        "api_key is not valid (unknown or revoked)"
    assert _counts(store) == before


# -- reading ---------------------------------------------------------------------------------------------

def test_a_filed_request_is_listed_with_the_spec_fields(intake, store, key):
    number = _file(intake, key, description="路边垃圾", address_string="江桥村", media_url="http://m.example/1.png")
    [req] = _json(_get(intake, "requests.json"))
    assert req == {
        "service_request_id": number, "status": "open", "status_notes": "reported, waiting to be accepted",
        "service_name": "Illegal structure (rooftop or yard)", "service_code": "CON01",
        "description": "路边垃圾\nAddress: 江桥村\nMedia: http://m.example/1.png", "agency_responsible": "",
        "service_notice": "", "requested_datetime": "2026-11-29T08:00:00+00:00",
        "updated_datetime": "2026-11-29T08:00:00+00:00", "expected_datetime": req["expected_datetime"],
        "address": "江桥村", "address_id": None, "zipcode": None, "lat": 30.1003, "long": 120.3004,
        "media_url": "http://m.example/1.png"}
    with store.sessions() as session:
        deadline = session.scalar(select(Incident.deadline_at))
    assert req["expected_datetime"] == deadline.isoformat() and deadline > START
    root = _xml(_get(intake, "requests.xml?locale=zh"))
    assert root.tag == "service_requests"
    [element] = root.findall("request")
    assert (element.findtext("service_request_id"), element.findtext("service_name"), element.findtext("lat"),
            element.findtext("address_id"), element.findtext("requested_datetime")) == \
        (number, "违章搭建", "30.1003", "", "2026-11-29T08:00:00+00:00")  # None: an empty element


def test_one_request_by_id_in_both_formats_and_404_for_an_unknown_one(intake, key):
    number = _file(intake, key)
    [req] = _json(_get(intake, f"requests/{number}.json"))
    assert req["service_request_id"] == number
    assert _xml(_get(intake, f"requests/{number}.xml")).find("request").findtext("service_request_id") == number
    assert _json(_get(intake, "requests/20261129-9999.json"), 404) == \
        [{"code": 404, "description": "no service request '20261129-9999'"}]
    assert _xml(_get(intake, "requests/x.xml"), 404).find("error").findtext("code") == "404"


def test_only_requests_filed_through_open311_are_published(intake, store, clock, key):
    DispatchService(store, clock).report(IncidentDraft(subitem="CON01", title="worker report",
                                                       source=Source.WORKER_APP), "operator")
    number = _file(intake, key)
    assert [r["service_request_id"] for r in _json(_get(intake, "requests.json"))] == [number]


def test_filters_by_id_service_code_and_status(intake, store, clock, key):
    first = _file(intake, key)
    second = _file(intake, key, service_code="ENV01")
    third = _file(intake, key, service_code="ENV01")
    dispatch = DispatchService(store, clock)
    with store.sessions() as session:
        third_id = session.scalar(select(Incident.id).where(Incident.number == third))
    dispatch.reject(third_id, "operator", "invalid")

    def ids(query):
        return [r["service_request_id"] for r in _json(_get(intake, "requests.json?" + query))]
    assert ids("") == [third, second, first]  # newest first
    assert ids(f"service_request_id={first},{third}") == [third, first]
    assert ids(f"service_request_id={first}&service_code=ENV01") == [first]  # other filters ignored
    assert ids("service_code=ENV01") == [third, second]
    assert ids("service_code=CON01,ENV01&status=open") == [second, first]
    assert ids("status=closed") == [third]
    assert ids("status=open,closed") == [third, second, first]
    [rejected] = _json(_get(intake, f"requests/{third}.json"))
    assert (rejected["status"], rejected["status_notes"]) == ("closed", "rejected as invalid")


def test_the_default_window_is_the_last_90_days_and_dates_select_older_ones(intake, clock, key):
    old = _file(intake, key)
    clock.advance(timedelta(days=91))
    new = _file(intake, key)

    def ids(query):
        return [r["service_request_id"] for r in _json(_get(intake, "requests.json?" + query))]
    assert ids("") == [new]
    assert ids("start_date=2026-11-29T00:00:00Z") == [old]  # start + 90 days
    assert ids("end_date=2026-12-01T00:00:00%2B08:00") == [old]  # end - 90 days, a zone given
    assert ids("start_date=2027-02-27T00:00:00Z&end_date=2027-03-01T00:00:00Z") == [new]
    assert ids("start_date=2026-11-29T08:00:01Z&end_date=2026-12-29T00:00:00Z") == []


def test_the_list_is_cut_at_max_results_newest_first(intake, key, monkeypatch):
    import console.service.open311 as open311
    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    numbers = [_file(intake, key) for _ in range(3)]
    assert [r["service_request_id"] for r in _json(_get(intake, "requests.json"))] == numbers[:0:-1]


@pytest.mark.parametrize("query, description", [
    ("status=pending", "status must be open, closed or both (comma-separated)"),
    ("start_date=yesterday", "start_date 'yesterday' is not an ISO-8601 date"),
    ("start_date=2026-01-01&end_date=2026-06-01", "start_date and end_date may not span more than 90 days"),
    ("start_date=2026-06-01&end_date=2026-01-01", "end_date is before start_date"),
])
def test_bad_filters_are_a_400(intake, query, description):
    assert _json(_get(intake, "requests.json?" + query), 400) == [{"code": 400, "description": description}]
    assert _xml(_get(intake, "requests.xml?" + query), 400).find("error").findtext("description") == description


def test_status_follows_the_workflow_from_open_to_closed(intake, store, clock, key):
    number = _file(intake, key)
    with store.sessions() as session:
        incident_id = session.scalar(select(Incident.id).where(Incident.number == number))
        enforcement = session.scalar(select(Department).where(Department.code == "D1"))
    dispatch = DispatchService(store, clock)
    steps = [
        (lambda: dispatch.accept(incident_id, "duty"), "open", "accepted", ""),
        (lambda: dispatch.assign(incident_id, "duty", department_ids=[enforcement.id]), "open", "dispatched",
         "综合行政执法队"),
        (lambda: dispatch.start(incident_id, "duty"), "open", "being handled", "综合行政执法队"),
        (lambda: dispatch.resolve(incident_id, "duty", "已拆除"), "closed", "resolved, waiting to be verified: 已拆除",
         "综合行政执法队"),
        (lambda: dispatch.close(incident_id, "duty"), "closed", "closed: 已拆除", "综合行政执法队"),
        (lambda: dispatch.reopen(incident_id, "duty", "又搭起来了"), "open", "reopened", "综合行政执法队"),
    ]
    for minutes, (step, status, notes, agency) in enumerate(steps, start=1):
        clock.advance(timedelta(minutes=1))
        step()
        [req] = _json(_get(intake, f"requests/{number}.json"))
        assert (req["status"], req["status_notes"], req["agency_responsible"]) == (status, notes, agency)
        assert req["updated_datetime"] == f"2026-11-29T08:{minutes:02d}:00+00:00"
        assert req["requested_datetime"] == "2026-11-29T08:00:00+00:00"


# -- PostgreSQL ------------------------------------------------------------------------------------------

@pytest.fixture
def pg_intake(pg_database, clock):
    pg_store = open_store(pg_database, migrate_schema=False)
    _empty_all_tables(pg_store)
    seed_places(pg_store)
    handle = start_service(pg_store, clock=clock, osmand_port=0, http_port=0, offline_check_s=3600)
    yield handle, pg_store
    handle.stop()
    pg_store.dispose()


def test_filing_and_listing_on_postgresql(pg_intake, clock):
    intake, pg_store = pg_intake
    keys = ApiKeyStore(pg_store, clock)
    _record, key = keys.issue("open311", "civic-app")
    number = _file(intake, key, description="pg")
    before = _counts(pg_store)
    assert _json(_post(intake, {"api_key": key, **GOOD, "lat": "95"}), 400)[0]["code"] == 400
    keys.revoke("civic-app")
    assert _json(_post(intake, {"api_key": key, **GOOD}), 403)[0]["code"] == 403
    assert _counts(pg_store) == before
    [req] = _json(_get(intake, "requests.json?status=open"))
    assert (req["service_request_id"], req["status"], req["requested_datetime"]) == \
        (number, "open", "2026-11-29T08:00:00+00:00")
    with pg_store.sessions() as session:
        incident = session.scalar(select(Incident))
        assert incident.grid_id == session.scalar(select(Grid.id).where(Grid.code == "G0"))
