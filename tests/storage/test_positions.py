"""Devices and positions: registering phones, batched writes, tracks, latest positions, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.core.clock import to_epoch
from console.storage.positions import DeviceError, PositionRow, PositionStore
from tests.storage.conftest import START, WORKER_NAMES

T0 = to_epoch(START)


@pytest.fixture
def positions(store, clock) -> PositionStore:
    return PositionStore(store, clock)


def _walk(device_id: int, worker_id: int, count: int, start: int = T0, step: int = 5) -> list[PositionRow]:
    return [PositionRow(device_id, worker_id, start + i * step, 120.3 + i * 1e-5, 30.1 + i * 1e-5, speed=1.2,
                        bearing=45.4, altitude=8.7, accuracy=6.2, battery=80, charging=False)
            for i in range(count)]


def test_add_a_device_by_worker_code_or_name_and_list_it(positions, places):
    first = positions.add_device("W0", "356938035643809")
    second = positions.add_device(WORKER_NAMES[1], "owntracks-li/phone", kind="owntracks")
    assert (first.worker_name, first.grid_name, first.kind) == (WORKER_NAMES[0], "第0网格", "osmand")
    assert second.worker_id == places.workers[1]
    assert [d.unique_id for d in positions.devices()] == ["356938035643809", "owntracks-li/phone"]
    assert positions.device_index() == {"356938035643809": (first.id, places.workers[0]),
                                        "owntracks-li/phone": (second.id, places.workers[1])}


@pytest.mark.parametrize("worker, unique_id, kind, message", [
    ("nobody", "123", "osmand", "no worker with code or name 'nobody'"),
    ("W0", "", "osmand", "needs a unique id"),
    ("W0", "a b", "osmand", "holds a space"),
    ("W0", "x" * 65, "osmand", "longer than 64"),
    ("W0", "123", "gt06", "unknown device kind 'gt06'"),
])
def test_a_bad_device_is_refused_in_one_line(positions, places, worker, unique_id, kind, message):
    with pytest.raises(DeviceError, match=message) as caught:
        positions.add_device(worker, unique_id, kind=kind)
    assert "\n" not in str(caught.value)
    assert positions.devices() == []


def test_a_device_id_cannot_be_registered_twice(positions, places):
    positions.add_device("W0", "123")
    with pytest.raises(DeviceError, match="already registered"):
        positions.add_device("W1", "123")


def test_a_batch_is_stored_and_read_back_as_a_track_in_si_units(positions, places):
    device = positions.add_device("W0", "123")
    rows = _walk(device.id, device.worker_id, 50)
    assert positions.write_batch(list(reversed(rows)), received_at=T0 + 300) == 50
    track = positions.track(device.worker_id, START, START + timedelta(seconds=5 * 49))
    assert [p.t for p in track] == [r.t for r in rows]
    assert track[10].lon == pytest.approx(120.3 + 10e-5, abs=1e-6)
    assert track[10].lat == pytest.approx(30.1 + 10e-5, abs=1e-6)
    assert (track[0].speed, track[0].bearing, track[0].altitude, track[0].accuracy) == (1.2, 45.0, 9.0, 6.0)
    assert (track[0].battery, track[0].charging, track[0].valid) == (80, False, True)
    assert len(positions.track(device.worker_id, T0 + 10, T0 + 20)) == 3
    seen = positions.device("123")
    assert seen.last_seen_at == START + timedelta(seconds=300)
    assert seen.last_fix_at == START + timedelta(seconds=5 * 49)


def test_latest_position_per_worker_follows_the_newest_fix_not_the_newest_write(positions, places):
    phone = positions.add_device("W0", "123")
    other = positions.add_device("W1", "456")
    positions.write_batch(_walk(phone.id, phone.worker_id, 10), received_at=T0 + 60)
    positions.write_batch([PositionRow(phone.id, phone.worker_id, T0 - 3600, 121.0, 31.0)], received_at=T0 + 61)
    latest = positions.latest_positions()
    assert set(latest) == {phone.worker_id}  # the other worker's phone never reported
    assert latest[phone.worker_id].t == T0 + 45
    assert latest[phone.worker_id].lon == pytest.approx(120.3 + 9e-5)
    positions.write_batch([PositionRow(other.id, other.worker_id, T0 + 50, 120.31, 30.11)], received_at=T0 + 62)
    assert positions.latest_positions()[other.worker_id].lat == pytest.approx(30.11)


def test_silent_phones_are_flagged_offline_until_they_report_again(positions, places, clock):
    phone = positions.add_device("W0", "123")
    positions.add_device("W1", "never-reported")
    positions.write_batch(_walk(phone.id, phone.worker_id, 1), received_at=T0)
    assert positions.flag_offline(600, now=T0 + 599) == []
    flagged = positions.flag_offline(600, now=T0 + 601)
    assert [d.unique_id for d in flagged] == ["123"]
    assert flagged[0].offline_since == START + timedelta(seconds=600)
    assert positions.flag_offline(600, now=T0 + 900) == []  # flagged once
    assert positions.latest_positions()[phone.worker_id].offline
    positions.write_batch(_walk(phone.id, phone.worker_id, 1, start=T0 + 1000), received_at=T0 + 1000)
    assert not positions.latest_positions()[phone.worker_id].offline
    assert positions.device("123").offline_since is None


def test_retention_deletes_old_positions_only(positions, places):
    phone = positions.add_device("W0", "123")
    day = 86400
    positions.write_batch(_walk(phone.id, phone.worker_id, 30, start=T0 - 10 * day, step=day // 3))
    assert positions.count() == 30
    removed = positions.delete_older_than(3, now=T0, chunk=7)
    remaining = positions.track(phone.worker_id, 0, T0 + day)
    assert removed == 30 - len(remaining)
    assert remaining and all(p.t >= T0 - 3 * day for p in remaining)
    assert len(remaining) == 9


def test_removing_a_device_removes_its_positions(positions, places):
    phone = positions.add_device("W0", "123")
    positions.write_batch(_walk(phone.id, phone.worker_id, 5))
    assert positions.remove_device("123").unique_id == "123"
    assert positions.count() == 0
    with pytest.raises(DeviceError, match="no device '123'"):
        positions.device("123")


def test_a_position_takes_few_bytes_in_sqlite(sqlite_store, clock):
    """Measured with SQLite's dbstat over 20,000 walking fixes: the retention setting bounds size by this."""
    from tests.storage.conftest import seed_places
    seed_places(sqlite_store)
    positions = PositionStore(sqlite_store, clock)
    phone = positions.add_device("W0", "123")
    before = positions.stored_bytes()
    for start in range(0, 20_000, 2_000):
        positions.write_batch(_walk(phone.id, phone.worker_id, 2_000, start=T0 + start * 5))
    per_position = (positions.stored_bytes() - before) / 20_000
    assert per_position < 54, per_position  # measured: 51.4
