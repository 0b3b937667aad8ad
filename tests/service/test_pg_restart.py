"""PostgreSQL restarted under a running intake service and a console's storage layer (issue 8).

Clients keep filing Open311 requests and OsmAnd positions while the server is stopped and
started again on the same port and data directory.  What must hold:

* every request answered 2xx is in the database afterwards (nothing accepted is lost);
* during the outage the answer is a prompt 503, never a 500 or a hang;
* ``/health`` says the database is unavailable, with the reason, the log says so once (and once
  that it is back), and the service recovers on its own within a few seconds of the server being back;
* the console's Qt-free side recovers too: the :class:`ChangeFeed` reconnects and reports
  every table, and a write run by the :class:`TaskRunner` after the restart succeeds at once
  (the pool pings connections before handing them out, so no dead one is used).

The test runs its own PostgreSQL server: restarting the session's would break other tests.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from console.core.clock import SystemClock, to_epoch
from console.service import start_service
from console.storage.api_keys import ApiKeyStore
from console.storage.changes import ALL_TABLES, ChangeFeed
from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import Incident, Position
from console.storage.positions import PositionStore
from console.tasks import TaskRunner
from tests.pg import PgServer, PgUnavailable
from tests.service.conftest import PHONE, request
from tests.storage.conftest import seed_places
from tests.video.helpers import wait_until

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: No request may take longer than this, outage or not.
ANSWER_BOUND_S = 12.0
#: Once the server is back, the service must store again within this.
RECOVERY_BOUND_S = 5.0


@dataclass
class Sent:
    kind: str  # "open311" | "osmand"
    tag: int  # the description's number, or the fix's timestamp
    status: int
    at: float  # time.monotonic() when the answer came
    took: float
    body: bytes


@pytest.fixture
def server():
    try:
        server = PgServer().start()
    except PgUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_store(server):
    store = open_store(server.url(server.create_database()))
    seed_places(store)
    yield store
    store.dispose()


class Client(threading.Thread):
    """Sends Open311 POSTs and OsmAnd fixes in turn, one at a time, until stopped; records every answer."""

    def __init__(self, intake, key: str):
        super().__init__(name="test-client", daemon=True)
        self.intake, self.key = intake, key
        self.sent: list[Sent] = []
        self.errors: list[str] = []
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self.t0 = to_epoch(SystemClock().now()) - 3600

    def run(self) -> None:
        n = 0
        while not self.stop_event.is_set():
            n += 1
            kind = "open311" if n % 2 else "osmand"
            started = time.monotonic()
            try:
                if kind == "open311":
                    body = urllib.parse.urlencode({"api_key": self.key, "service_code": "CON01", "lat": "30.1003",
                                                   "long": "120.3004", "description": f"report {n}"}).encode()
                    reply = request(self.intake.http_port, "POST", "/open311/v2/requests.json", body, FORM)
                else:
                    reply = request(self.intake.osmand_port, "GET",
                                    f"/?id={PHONE}&timestamp={self.t0 + n}&lat=30.1&lon=120.3")
            except OSError as exc:  # a hang past the client's timeout, or a refused connection
                self.errors.append(f"{kind} {n}: {exc!r}")
                continue
            now = time.monotonic()
            with self._lock:
                self.sent.append(Sent(kind, n if kind == "open311" else self.t0 + n, reply.status, now,
                                      now - started, reply.body))
            if reply.status == 503:
                self.stop_event.wait(0.02)  # as a phone would, if more briefly

    def snapshot(self) -> list[Sent]:
        with self._lock:
            return list(self.sent)

    def wait_for(self, predicate, timeout: float, what: str) -> Sent:
        """The first answer after this call that matches ``predicate``."""
        start = len(self.snapshot())
        found: list[Sent] = []

        def seen() -> bool:
            found[:] = [s for s in self.snapshot()[start:] if predicate(s)]
            return bool(found)
        wait_until(seen, timeout=timeout, what=what)
        return found[0]


def _health(intake) -> tuple[int, dict]:
    reply = request(intake.http_port, "GET", "/health")
    return reply.status, json.loads(reply.body)


def test_the_intake_says_so_answers_503_and_loses_no_accepted_report(server, pg_store, caplog):
    caplog.set_level(logging.INFO, logger="console.service")
    positions = PositionStore(pg_store)
    positions.add_device("W0", PHONE)
    key = ApiKeyStore(pg_store).issue("open311", "civic-app")[1]
    intake = start_service(pg_store, osmand_port=0, http_port=0, offline_check_s=3600, retention_days=None)
    client = Client(intake, key)
    try:
        client.start()
        client.wait_for(lambda s: s.status == 200, 10, "requests stored before the restart")
        assert _health(intake)[0] == 200

        server.shut_down()
        down_at = time.monotonic()
        first_503 = client.wait_for(lambda s: s.status == 503, 10, "a 503 while the server is down")
        status, document = _health(intake)
        assert status == 503 and document["database"] == "unavailable" and document["reason"]
        client.wait_for(lambda s: s.status == 503, 10, "more 503s while the server is down")

        server.resume()
        back_at = time.monotonic()
        stored = client.wait_for(lambda s: s.status == 200, 15, "a stored request after the restart")
        wait_until(lambda: _health(intake)[0] == 200, timeout=RECOVERY_BOUND_S, what="health green again")
        healthy_at = time.monotonic()
        for kind in ("open311", "osmand"):
            client.wait_for(lambda s, kind=kind: s.kind == kind and s.status == 200, 10, f"{kind} stored again")
    finally:
        client.stop_event.set()
        client.join(30)
        intake.stop()

    sent = client.snapshot()
    print(f"first 503 {first_503.at - down_at:.2f} s after the shutdown; stored again "
          f"{stored.at - back_at:.2f} s and health green {healthy_at - back_at:.2f} s after the server was back; "
          f"{len(sent)} requests, {sum(s.status == 503 for s in sent)} answered 503")
    assert client.errors == []
    assert {s.status for s in sent} <= {200, 503}, sorted({s.status for s in sent})
    assert max(s.took for s in sent) < ANSWER_BOUND_S
    assert all(b"database unavailable" in s.body for s in sent if s.status == 503)
    assert stored.at - back_at < RECOVERY_BOUND_S
    # The service says so once, and once that it is back, not once per refused request.
    outage = [r for r in caplog.records if r.name == "console.service.intake"]
    went = [r for r in outage if r.getMessage().startswith("the database is unavailable (")]
    back = [r for r in outage if r.getMessage().startswith("the database is available again after ")]
    assert len(went) == 1 and went[0].levelname == "ERROR" and "answering 503 until it is back" in went[0].getMessage()
    assert len(back) == 1 and back[0].levelname == "WARNING", [r.getMessage() for r in outage]
    assert not [r for r in outage if "could not store" in r.getMessage()]

    with pg_store.sessions() as session:
        descriptions = set(session.scalars(select(Incident.description)))
        fixes = set(session.scalars(select(Position.t)))
    accepted_reports = {f"report {s.tag}" for s in sent if s.kind == "open311" and s.status == 200}
    accepted_fixes = {s.tag for s in sent if s.kind == "osmand" and s.status == 200}
    assert accepted_reports and accepted_fixes
    assert accepted_reports <= descriptions, sorted(accepted_reports - descriptions)
    assert accepted_fixes <= fixes, sorted(accepted_fixes - fixes)


def test_the_console_side_reconnects_its_change_feed_and_writes_after_the_restart(server, pg_store, caplog):
    caplog.set_level(logging.WARNING, logger="console.storage.changes")
    changes: list[frozenset[str]] = []
    feed = ChangeFeed(pg_store, changes.append)
    runner = TaskRunner(io_workers=1)
    service = DispatchService(pg_store)
    try:
        feed.start()
        assert feed.listening.wait(10)
        runner.write(service.report, IncidentDraft("CON01", "before"), "operator").result(10)  # a pooled connection
        wait_until(lambda: "incidents" in set().union(*changes), timeout=5, what="a notification")

        server.shut_down()
        # A write while the server is down fails at once with the driver's reason; it does not hang.
        started = time.monotonic()
        with pytest.raises(OperationalError, match="Connection refused|shutting down"):
            runner.write(service.report, IncidentDraft("CON01", "during"), "operator").result(30)
        failed_in = time.monotonic() - started
        # Let the feed fail to reconnect twice, so that its back-off has grown.
        wait_until(lambda: sum("reconnecting in" in r.getMessage() for r in caplog.records) >= 3, timeout=10,
                   what="the feed retrying")
        server.resume()
        back_at = time.monotonic()
        changes.clear()
        # The first write after the restart succeeds: the pool does not hand out its dead connection.
        incident_id = runner.write(service.report, IncidentDraft("CON01", "after"), "operator").result(10)
        written_in = time.monotonic() - back_at
        wait_until(lambda: ALL_TABLES in changes, timeout=15, what="the feed reconnected and reported every table")
        reconnected_in = time.monotonic() - back_at
        changes.clear()
        runner.write(service.accept, incident_id, "operator").result(10)
        wait_until(lambda: "incidents" in set().union(*changes), timeout=5, what="notifications again")
    finally:
        feed.stop()
        runner.shutdown()
    print(f"console: a write during the outage failed in {failed_in:.2f} s; after the server was back the first "
          f"write took {written_in:.2f} s and the change feed was back in {reconnected_in:.2f} s")
    assert failed_in < ANSWER_BOUND_S
    assert written_in < RECOVERY_BOUND_S
    assert reconnected_in < RECOVERY_BOUND_S
    with pg_store.sessions() as session:
        assert set(session.scalars(select(Incident.title))) == {"before", "after"}
