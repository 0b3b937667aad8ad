"""The intake's outage log: one line when the database goes, a reminder a minute, one when it is back."""

from __future__ import annotations

import logging

from console.service.outage import OutageLog

log = logging.getLogger("test.outage")


def _messages(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == log.name]


def test_an_outage_is_logged_when_it_starts_and_when_it_ends_not_per_failure(caplog, monkeypatch):
    now = [100.0]
    monkeypatch.setattr("console.service.outage.time.monotonic", lambda: now[0])
    outage = OutageLog(log, remind_every_s=60)
    caplog.set_level(logging.INFO, logger=log.name)
    outage.succeeded()
    assert _messages(caplog) == [] and not outage.down
    outage.failed("connection refused", 3)
    for _ in range(50):
        now[0] += 1
        outage.failed("connection refused")
    assert outage.down and outage.refused == 53
    assert _messages(caplog) == [("ERROR", "the database is unavailable (connection refused); "
                                           "answering 503 until it is back")]
    now[0] += 10
    outage.failed("the database system is starting up")
    assert _messages(caplog)[1] == ("ERROR", "the database is still unavailable after 60 s, 54 writes refused so "
                                             "far: the database system is starting up")
    now[0] += 2.5
    outage.succeeded()
    outage.succeeded()
    assert _messages(caplog)[2:] == [("WARNING", "the database is available again after 62.5 s; 54 writes were "
                                                 "refused meanwhile (the clients send them again)")]
    assert not outage.down
