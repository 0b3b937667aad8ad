"""Supervision orders as the list and the documents read them: by period, newest first, their state following
the incident through the closed loop."""

from __future__ import annotations

from datetime import timedelta

from console.storage.dispatch import IncidentDraft
from console.storage.supervision import OrderState, SupervisionBook

from .conftest import START, WORKER_NAMES

DAY = timedelta(days=1)


def _overdue_order(service, places, clock, title: str, day: int) -> int:
    """A level-1 incident reported on ``day`` and left: its supervision order is issued two days later."""
    clock.set(START + day * DAY)
    incident_id = service.report(IncidentDraft(subitem="DIS01", title=title, level=1, grid_id=places.grids[0]), "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", worker_id=places.workers[0])
    clock.set(START + (day + 2) * DAY)
    assert service.check_deadlines(actor="duty2").supervised == [incident_id]
    return incident_id


def test_orders_by_period_newest_first_with_their_incident(service, places, clock, store):
    first = _overdue_order(service, places, clock, "邻里纠纷", 0)
    second = _overdue_order(service, places, clock, "占道经营", 3)
    book = SupervisionBook(store)
    orders = book.orders()
    assert [o.incident_id for o in orders] == [second, first]
    order = orders[1]
    assert (order.number, order.incident_title, order.assignee, order.issued_by, order.issued_at,
            order.deadline_missed_at, order.village("zh_CN"), order.village("en"), order.grid, order.subitem,
            order.level) == ("DB-2026-0001", "邻里纠纷", WORKER_NAMES[0], "duty2", START + 2 * DAY, START + DAY,
                             "江桥村", "Village 0", "第0网格", "DIS01", 1)
    assert order.incident_number == service.get(first).number
    assert [o.incident_id for o in book.orders(since=START + 3 * DAY)] == [second]
    assert [o.incident_id for o in book.orders(until=START + 5 * DAY)] == [first]  # issued at 5 days: excluded
    assert book.orders(since=START + 6 * DAY) == []
    assert [o.incident_id for o in book.orders(limit=1)] == [second]
    assert [o.id for o in book.orders_by_id([orders[1].id, 999, orders[0].id])] == [orders[1].id, orders[0].id]


def test_the_state_follows_the_incident_through_the_loop(service, places, clock, store):
    incident_id = _overdue_order(service, places, clock, "邻里纠纷", 0)
    book = SupervisionBook(store)

    def state():
        [order] = book.orders()
        return order.state, order.resolved_at, order.closed_at, order.feedback
    assert state() == (OrderState.ISSUED, None, None, "")
    clock.advance(timedelta(hours=1))
    service.resolve(incident_id, "worker", "已调解")
    assert state() == (OrderState.ANSWERED, START + 2 * DAY + timedelta(hours=1), None, "已调解")
    service.reopen(incident_id, "duty1", "当事人仍有意见")
    assert state()[0] is OrderState.ISSUED  # outstanding again
    service.assign(incident_id, "duty1", worker_id=places.workers[1])
    service.resolve(incident_id, "worker", "再次调解")
    clock.advance(timedelta(hours=1))
    service.close(incident_id, "duty1")
    assert state()[0] is OrderState.CLOSED and state()[2] == START + 2 * DAY + timedelta(hours=2)
