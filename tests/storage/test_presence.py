"""Who else has an incident open: shown while refreshed, gone after leaving or a minute of silence."""

from __future__ import annotations

from datetime import timedelta

from console.storage.dispatch import IncidentDraft
from console.storage.presence import PresenceBook


def test_other_consoles_on_the_same_incident_are_listed_until_they_leave_or_go_quiet(store, clock, service, places):
    first = service.report(IncidentDraft("DIS01", "邻里纠纷", grid_id=places.grids[0]), "op")
    second = service.report(IncidentDraft("DIS01", "又一起", grid_id=places.grids[0]), "op")
    book = PresenceBook(store, clock)
    book.show("console-a", "值班员 王丽", first)
    book.show("console-b", "调度员 张华", first)
    assert [v.operator for v in book.others("console-a", first)] == ["调度员 张华"]  # not oneself
    clock.advance(timedelta(seconds=30))
    book.show("console-a", "值班员 王丽", first)  # a heartbeat keeps "since"
    assert book.others("console-b", first)[0].since == clock.now() - timedelta(seconds=30)
    book.show("console-b", "调度员 张华", second)  # moved on
    assert book.others("console-a", first) == []
    clock.advance(timedelta(seconds=61))  # console-a went quiet (crashed); console-b keeps beating
    book.show("console-b", "调度员 张华", second)
    assert book.others("console-b", first) == [] and book.others("console-c", second)[0].operator == "调度员 张华"
    book.leave("console-b")
    assert book.others("console-c", second) == []
