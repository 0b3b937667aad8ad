"""A running intake on loopback (OS-chosen ports) over a SQLite store with two workers and their phones."""

from __future__ import annotations

import http.client
import shutil
from dataclasses import dataclass

import pytest

from console.core.clock import FakeClock, to_epoch
from console.service import ServiceHandle, start_service
from console.storage.db import Store, open_store
from console.storage.positions import PositionStore
from tests.storage.conftest import START, seed_places, sqlite_template  # noqa: F401 - a fixture, used below

T0 = to_epoch(START)
PHONE = "356938035643809"  # Traccar Client shows an IMEI-like identifier
OWNTRACKS = "li/phone"


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict


def request(port: int, method: str, target: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
    """One HTTP request on a fresh connection, as a phone sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


@pytest.fixture
def store(tmp_path, sqlite_template) -> Store:  # noqa: F811 - the storage tests' template fixture
    path = tmp_path / "gridwatch.db"
    shutil.copyfile(sqlite_template, path)
    store = open_store(str(path), migrate_schema=False)
    seed_places(store)
    yield store
    store.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def positions(store, clock) -> PositionStore:
    positions = PositionStore(store, clock)
    positions.add_device("W0", PHONE)
    positions.add_device("W1", OWNTRACKS, kind="owntracks")
    return positions


@pytest.fixture
def intake(store, clock, positions) -> ServiceHandle:
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, offline_check_s=3600)
    yield handle
    handle.stop()
