"""Reconnect delays."""

from video.backoff import BackOff


def test_capped_exponential():
    backoff = BackOff()
    assert [backoff.delay(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff.delay(10_000) == 30.0
    assert backoff.delay(-1) == 1.0


def test_custom():
    assert [BackOff(0.5, 3.0, 5.0).delay(n) for n in range(4)] == [0.5, 1.5, 4.5, 5.0]
