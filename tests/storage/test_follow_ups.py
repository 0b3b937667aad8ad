"""Follow-up tasks: raised once per open subject, settled once, both on the (append-only) record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from console.storage.follow_ups import OUTSIDE_GRID, PHONE_VILLAGE, FollowUpBook, FollowUpError, TaskDraft
from tests.storage.conftest import START, seed_places


def test_a_task_is_raised_once_while_open_and_settled_on_the_record(store, clock):
    places = seed_places(store)
    book = FollowUpBook(store, clock)
    village = places.villages[0]
    draft = TaskDraft(PHONE_VILLAGE, village, "phone 东村: 90% of its events unresolved", START, START
                      - timedelta(hours=2))
    raised = book.raise_tasks([draft, TaskDraft(OUTSIDE_GRID, places.workers[0], "王小红 is outside", START)])
    assert [t.kind for t in raised] == [PHONE_VILLAGE, OUTSIDE_GRID]
    assert book.raise_tasks([draft]) == []  # still open: not raised twice (another console, the next second)
    assert [t.subject_id for t in book.open_tasks()] == [village, places.workers[0]]

    clock.advance(timedelta(minutes=5))
    done = book.settle(raised[0].id, "值班员 王丽", "called the village head")
    assert done.done_by == "值班员 王丽" and done.done_at == START + timedelta(minutes=5)
    assert [t.kind for t in book.open_tasks()] == [OUTSIDE_GRID]
    with pytest.raises(FollowUpError, match="already settled"):
        book.settle(raised[0].id, "someone else")
    history = book.history("village", village)
    assert [(e.action, e.actor) for e in history] == [("follow_up", "system"), ("follow_up_done", "值班员 王丽")]
    assert history[1].note == "called the village head" and history[0].incident_id is None
    assert book.raise_tasks([draft])  # settled, so the village can be raised again when red again


def test_the_record_of_follow_ups_stays_append_only(store, clock):
    places = seed_places(store)
    FollowUpBook(store, clock).raise_tasks([TaskDraft(PHONE_VILLAGE, places.villages[1], "phone", START)])
    for statement in ("UPDATE audit_entries SET note = 'edited'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
