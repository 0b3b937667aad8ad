"""Red-light villages with a fake clock: 80 % unresolved lights red; red for two hours asks for a call."""

from __future__ import annotations

from datetime import timedelta

from console.core.clock import FakeClock
from console.core.redlight import RedLightBoard, VillageCounts
from tests.storage.conftest import START


def test_the_threshold_is_eighty_percent():
    board = RedLightBoard(FakeClock(START))
    assert board.is_red(VillageCounts(10, 8))
    assert not board.is_red(VillageCounts(10, 7))
    assert not board.is_red(VillageCounts(0, 0))


def test_still_red_two_hours_later_raises_one_follow_up():
    clock = FakeClock(START)
    board = RedLightBoard(clock)
    first = board.update({1: VillageCounts(10, 9), 2: VillageCounts(10, 2)})
    assert (first.red, first.newly_red, first.follow_ups) == ({1}, {1}, [])
    clock.advance(timedelta(hours=1, minutes=59))
    assert board.update({1: VillageCounts(11, 9), 2: VillageCounts(10, 2)}).follow_ups == []
    clock.advance(timedelta(minutes=1))
    [task] = board.update({1: VillageCounts(11, 9)}).follow_ups
    assert (task.village_id, task.red_since, task.due_at) == (1, START, START + timedelta(hours=2))
    assert "phone the village" in task.describe()
    clock.advance(timedelta(hours=3))
    assert board.update({1: VillageCounts(11, 9)}).follow_ups == []  # once per red spell


def test_a_village_that_recovers_starts_a_new_spell():
    clock = FakeClock(START)
    board = RedLightBoard(clock)
    board.update({1: VillageCounts(5, 5)})
    clock.advance(timedelta(hours=1))
    assert board.update({1: VillageCounts(5, 3)}).cleared == {1}
    clock.advance(timedelta(hours=1, minutes=30))
    assert board.update({1: VillageCounts(6, 5)}).newly_red == {1}
    clock.advance(timedelta(hours=1))
    assert board.update({1: VillageCounts(6, 5)}).follow_ups == []
    clock.advance(timedelta(hours=1))
    assert [t.village_id for t in board.update({1: VillageCounts(6, 5)}).follow_ups] == [1]
