"""Another console's change reaches this one within a second: NOTIFY on PostgreSQL, data_version on SQLite."""

from __future__ import annotations

import threading
import time

from console.storage.changes import ChangeFeed
from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.follow_ups import PHONE_VILLAGE, FollowUpBook, TaskDraft
from tests.storage.conftest import START, seed_places


def test_a_change_by_another_connection_is_noticed_within_a_second(store, clock):
    places = seed_places(store)
    other = open_store(store.engine.url.render_as_string(hide_password=False), migrate_schema=False)  # another console
    noticed: list[tuple[float, frozenset[str]]] = []
    arrived = threading.Event()

    def on_change(tables):
        noticed.append((time.monotonic(), tables))
        arrived.set()
    feed = ChangeFeed(store, on_change)
    feed.start()
    try:
        assert feed.listening.wait(5)
        assert not arrived.wait(0.6)  # nothing changed, nothing said
        written = time.monotonic()
        DispatchService(other, clock).report(IncidentDraft("DIS01", "邻里纠纷", grid_id=places.grids[0]), "op")
        assert arrived.wait(2)
        delay = noticed[0][0] - written
        assert delay <= 1.0, delay
        assert "incidents" in noticed[0][1]
        arrived.clear()
        FollowUpBook(other, clock).raise_tasks([TaskDraft(PHONE_VILLAGE, places.villages[0], "phone", START)])
        assert arrived.wait(2)
        assert "follow_up_tasks" in noticed[-1][1]
    finally:
        feed.stop()
        other.dispose()


def test_stopping_the_feed_ends_its_thread(store):
    feed = ChangeFeed(store, lambda tables: None)
    feed.start()
    assert feed.listening.wait(5)
    assert feed.running
    feed.stop()
    assert not feed.running
