"""Injectable time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.core.clock import FakeClock, SystemClock, from_epoch, to_epoch


def test_fake_clock_moves_only_when_told():
    clock = FakeClock(datetime(2026, 11, 29, 8, tzinfo=timezone.utc))
    assert clock.now() == clock.now() == datetime(2026, 11, 29, 8, tzinfo=timezone.utc)
    assert clock.advance(timedelta(minutes=15)) == datetime(2026, 11, 29, 8, 15, tzinfo=timezone.utc)
    clock.set(datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert clock.now().year == 2027


def test_fake_clock_refuses_naive_time():
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 1, 1))


def test_system_clock_is_aware_utc():
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)


def test_epoch_round_trip():
    when = datetime(2026, 11, 29, 8, 30, 15, tzinfo=timezone.utc)
    assert from_epoch(to_epoch(when)) == when
    shanghai = when.astimezone(timezone(timedelta(hours=8)))
    assert to_epoch(shanghai) == to_epoch(when)
    with pytest.raises(ValueError, match="naive"):
        to_epoch(datetime(2026, 1, 1))
