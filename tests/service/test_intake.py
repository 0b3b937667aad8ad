"""The intake as a service: batching, silent phones, loopback only, stopping, a real load of reports."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from console.service import ServiceError, start_service
from tests.service.conftest import PHONE, T0, request


def test_ports_are_chosen_by_the_os_and_the_urls_name_them(intake):
    assert intake.osmand_port > 0 and intake.http_port > 0 and intake.osmand_port != intake.http_port
    assert intake.osmand_url == f"http://127.0.0.1:{intake.osmand_port}/"
    assert intake.owntracks_url == f"http://127.0.0.1:{intake.http_port}/owntracks"


@pytest.mark.parametrize("bind", ["0.0.0.0", "192.168.1.20", "::"])
def test_binding_beyond_loopback_needs_an_explicit_permission(store, bind):
    with pytest.raises(ServiceError, match="--allow-remote"):
        start_service(store, bind=bind, osmand_port=0, http_port=0)


def test_a_taken_port_is_a_one_line_error(store, intake):
    with pytest.raises(ServiceError, match=f"cannot listen on 127.0.0.1:{intake.osmand_port}"):
        start_service(store, osmand_port=intake.osmand_port, http_port=0)


def test_concurrent_reports_are_all_stored_in_few_batches(intake, positions):
    statuses: list[int] = []

    def phone(offset: int) -> None:
        for k in range(25):
            statuses.append(request(intake.osmand_port, "GET",
                                    f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={T0 + offset * 100 + k}").status)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200
    assert positions.count() == 200 == intake.stats.stored
    assert intake.stats.batches <= 200


def test_a_silent_phone_is_flagged_offline_by_the_server(intake, positions, clock):
    flagged = []
    intake.on_offline(flagged.extend)
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    clock.advance(timedelta(minutes=9))
    assert intake.check_offline() == []
    clock.advance(timedelta(minutes=2))
    [device] = intake.check_offline()
    assert device.unique_id == PHONE and [d.unique_id for d in flagged] == [PHONE]
    worker = positions.device(PHONE).worker_id
    assert positions.latest_positions()[worker].offline
    assert request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    assert not positions.latest_positions()[worker].offline


def test_the_database_failing_answers_503_so_the_phone_keeps_its_fix(intake, positions, store):
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE positions")
    reply = request(intake.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3")
    assert reply.status == 503 and b"not stored" in reply.body
    assert intake.stats.failed == 1


def test_stop_closes_the_ports(store, positions, clock):
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0)
    port = handle.osmand_port
    assert request(port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3").status == 200
    handle.stop()
    handle.stop()
    with pytest.raises(OSError):
        request(port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3")


def test_positions_past_the_retention_period_are_deleted(store, clock, positions):
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, retention_days=30,
                           retention_check_s=3600)
    try:
        for days_ago in (40, 31, 29, 1):
            t = T0 - days_ago * 86_400
            assert request(handle.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={t}").status == 200
        assert positions.count() == 4
        assert handle.apply_retention() == 2
        worker = positions.device(PHONE).worker_id
        kept = positions.track(worker, T0 - 60 * 86_400, T0)
        assert [round((T0 - p.t) / 86_400) for p in kept] == [29, 1]
    finally:
        handle.stop()


def test_a_retention_of_none_keeps_everything(store, clock, positions):
    handle = start_service(store, clock=clock, osmand_port=0, http_port=0, retention_days=None)
    try:
        t = T0 - 400 * 86_400
        request(handle.osmand_port, "GET", f"/?id={PHONE}&lat=30.1&lon=120.3&timestamp={t}")
        assert handle.apply_retention() == 0 and positions.count() == 1
    finally:
        handle.stop()
