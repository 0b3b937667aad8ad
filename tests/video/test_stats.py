"""Frame-rate meter and latency recorder."""

from __future__ import annotations

import threading

import pytest

from video.stats import LatencyRecorder, RateMeter


def test_rate_of_a_steady_source_and_of_one_that_stopped():
    meter = RateMeter(window_s=2.0)
    assert meter.rate(0.0) == 0.0
    for n in range(100):  # 25 per second for 4 s
        meter.tick(n * 0.04)
    assert meter.rate(3.96) == pytest.approx(25.0, rel=0.05)
    assert meter.rate(5.0) < 20.0   # nothing since 3.96: falling ...
    assert meter.rate(6.0) == 0.0   # ... to nothing once the window is empty


def test_rate_right_after_the_first_frames():
    meter = RateMeter()
    meter.tick(10.0)
    assert meter.rate(10.0) == 0.0
    meter.tick(10.04)
    meter.tick(10.08)
    assert meter.rate(10.08) == pytest.approx(25.0)


def test_latency_percentiles_over_a_bounded_ring():
    recorder = LatencyRecorder(capacity=100)
    assert recorder.percentile(50) is None and recorder.count == 0
    for ms in range(1, 201):  # only the last 100 (101..200 ms) are kept
        recorder.add(ms / 1000)
    assert recorder.count == 100
    assert recorder.percentile(0) == pytest.approx(0.101)
    assert recorder.percentile(50) == pytest.approx(0.1505)
    assert recorder.percentile(100) == pytest.approx(0.200)
    with pytest.raises(ValueError):
        recorder.percentile(101)


def test_thread_safe_under_concurrent_use():
    meter, recorder = RateMeter(max_events=100_000), LatencyRecorder()

    def feed():
        for n in range(2000):
            meter.tick(n * 1e-4)
            recorder.add(n * 1e-6)
            meter.rate(n * 1e-4)
            recorder.percentile(95)

    threads = [threading.Thread(target=feed) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert recorder.count == 1000
