"""Reconnect delays."""

from video.backoff import BackOff


def test_capped_exponential():
    backoff = BackOff()
    assert [backoff.delay(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff.delay(10_000) == 30.0
    assert backoff.delay(-1) == 1.0


def test_custom():
    assert [BackOff(0.5, 3.0, 5.0).delay(n) for n in range(4)] == [0.5, 1.5, 4.5, 5.0]


def test_a_source_live_a_moment_ago_is_retried_soon_however_many_attempts_failed():
    backoff = BackOff()  # recently live: at most 2 s between attempts for 60 s after the last frame
    assert [backoff.delay(n, since_live=5.0) for n in range(6)] == [1.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    assert backoff.delay(8, since_live=60.0) == 2.0
    assert backoff.delay(8, since_live=61.0) == 30.0  # gone for a while: the usual back-off
    assert backoff.delay(8, since_live=None) == 30.0  # never live
    assert BackOff(0.5, 2.0, 1.0).delay(5, since_live=1.0) == 1.0  # never more than max_s either
