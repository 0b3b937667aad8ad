"""Driving a capture: latest frame wins, pause and resume, switching URL, stopping, callbacks, interpreter exit."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.video.conftest import SHORT_CLIP_SIZE
from tests.video.helpers import wait_until
from tests.video.servers.ports import SilentServer
from video.capture import CameraCapture, CaptureOptions, CaptureState
from video.readers import open_reader
from video.sources import InvalidSource

ROOT = Path(__file__).resolve().parents[2]


def test_a_consumer_that_never_takes_gets_one_notification_and_then_the_newest_frame(open_capture, h264_clip):
    capture, _, consumer = open_capture(str(h264_clip), takes=False)
    wait_until(lambda: capture.status.frames >= 10, timeout=5, what="10 frames")
    assert consumer.notifications == 1
    peeked = capture.latest_frame()
    delivered = capture.status.frames
    taken = capture.take_frame()
    assert taken.seq >= delivered >= peeked.seq >= 10  # the newest, not the first one notified
    consumer.arrived.clear()
    assert consumer.arrived.wait(2)  # taking re-armed the notification ...
    wait_until(lambda: capture.status.frames >= taken.seq + 5, timeout=2, what="5 more frames")
    assert consumer.notifications == 2  # ... once
    newer = capture.take_frame()
    assert newer.seq > taken.seq
    assert capture.take_frame().seq >= newer.seq  # never older


def test_pause_stops_decoding_and_resume_restarts_it(open_capture, mjpeg_server):
    capture, statuses, consumer = open_capture(mjpeg_server.url, pause_grace_s=0.3)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    clients = mjpeg_server.clients
    capture.set_active(False)
    statuses.wait_for(CaptureState.PAUSED, timeout=1, since=statuses.mark())
    frames = capture.status.frames
    consumer.arrived.clear()
    assert not consumer.arrived.wait(1.0), "frames arrived while paused"
    assert capture.status.frames <= frames + 1  # at most the one being read when the pause came
    mark = statuses.mark()
    capture.set_active(True)
    statuses.wait_for(CaptureState.LIVE, timeout=5, since=mark)
    assert CaptureState.CONNECTING in statuses.states(mark)  # the grace period had passed: reconnected
    assert mjpeg_server.clients == clients + 1


def test_a_quick_hide_and_show_keeps_the_connection(open_capture, mjpeg_server):
    capture, statuses, consumer = open_capture(mjpeg_server.url)  # default grace: 2 s
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    clients = mjpeg_server.clients
    capture.set_active(False)
    statuses.wait_for(CaptureState.PAUSED, timeout=1, since=statuses.mark())
    mark = statuses.mark()
    capture.set_active(True)
    statuses.wait_for(CaptureState.LIVE, timeout=3, since=mark)
    assert CaptureState.CONNECTING not in statuses.states(mark)
    assert mjpeg_server.clients == clients


def test_set_url_switches_the_source(open_capture, mjpeg_server, short_clip):
    capture, statuses, consumer = open_capture(mjpeg_server.url)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    before = capture.take_frame()
    assert before.source_size == (640, 360)
    mark = statuses.mark()
    capture.set_url(str(short_clip))
    assert capture.url == str(short_clip)
    statuses.wait_for(CaptureState.CONNECTING, timeout=2, since=mark)
    statuses.wait_for(CaptureState.LIVE, timeout=5, since=statuses.mark())
    wait_until(lambda: capture.latest_frame().source_size == SHORT_CLIP_SIZE, timeout=2, what="frames of the clip")
    assert capture.latest_frame().seq > before.seq


def test_set_url_and_constructor_refuse_bad_urls(open_capture, short_clip):
    with pytest.raises(InvalidSource):
        CameraCapture("ftp://cam/x")
    capture, _, _ = open_capture(str(short_clip), start=False)
    with pytest.raises(InvalidSource, match="no video source"):
        capture.set_url("")
    assert capture.url == str(short_clip)


def test_stop_is_idempotent_joins_and_allows_a_restart(open_capture, short_clip):
    capture, statuses, _ = open_capture(str(short_clip), start=False)
    capture.stop()  # never started: nothing to do
    assert capture.status.state is CaptureState.STOPPED
    capture.start()
    capture.start()  # already running: nothing to do
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    capture.stop()
    assert not capture.running and capture.status.state is CaptureState.STOPPED
    capture.stop()
    mark = statuses.mark()
    capture.start()
    statuses.wait_for(CaptureState.LIVE, timeout=5, since=mark)


def test_a_failing_callback_is_logged_and_the_capture_goes_on(h264_clip, caplog):
    calls = []

    def broken_on_frame():
        calls.append(1)
        capture.take_frame()
        raise RuntimeError("bug in the consumer")

    capture = CameraCapture(str(h264_clip), on_frame=broken_on_frame,
                            on_status=lambda status: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="video.capture"):
        capture.start()
        try:
            wait_until(lambda: len(calls) >= 5, timeout=5, what="5 frame notifications")
        finally:
            capture.stop()
    assert "bug in the consumer" in caplog.text and "ZeroDivisionError" in caplog.text


def test_demo_urls_open_the_demo_reader():
    if importlib.util.find_spec("video.demo") is None:
        pytest.skip("video.demo (the synthetic scenes) is not in this tree yet")
    reader = open_reader("demo:road", CaptureOptions())
    try:
        assert reader.fps > 0 and reader.live is False
        image = reader.read()
        assert isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3
    finally:
        reader.release()


def test_captures_left_running_do_not_stop_the_interpreter_from_exiting(h264_clip):
    script = textwrap.dedent(f"""
        import threading
        from video.capture import CameraCapture
        arrived = threading.Event()
        capture = CameraCapture({str(h264_clip)!r}, on_frame=arrived.set)
        capture.start()
        assert arrived.wait(10)
        print("live", flush=True)
        # no stop(): the exit hook must stop and join the worker
    """)
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "live"
    assert time.monotonic() - began < 10


def test_start_right_after_a_stop_that_timed_out_keeps_the_worker(open_capture):
    silent = SilentServer()
    try:
        capture, statuses, _ = open_capture(f"rtsp://127.0.0.1:{silent.port}/live", open_timeout_s=1.0)
        statuses.wait_for(CaptureState.CONNECTING, timeout=1)
        worker = capture._thread
        capture.stop(timeout=0.05)  # the worker is inside an open that will not answer
        capture.start()
        assert capture._thread is worker and capture.running
        statuses.wait_for(CaptureState.OFFLINE, timeout=2)  # it carried on instead of ending
        assert capture.running
    finally:
        silent.close()


@pytest.mark.parametrize("source", ["demo", "mjpeg"])
def test_a_frame_cap_delivers_fewer_frames_and_the_camera_stays_live(source, open_capture, mjpeg_server):
    """Load shedding: a paced source is read more slowly, a live one drops frames, and neither stalls."""
    url = "demo:road" if source == "demo" else mjpeg_server.url
    capture, statuses, _consumer = open_capture(url, stall_after_s=1.0)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    capture.set_max_fps(5)
    time.sleep(0.5)  # let the capped rate settle in before counting
    first = capture.status.frames
    time.sleep(2.0)
    delivered = (capture.status.frames - first) / 2.0
    assert 3.0 <= delivered <= 6.5, f"{delivered:.1f} frames/s with a cap of 5"
    assert capture.status.state is CaptureState.LIVE
    capture.set_max_fps(None)
    wait_until(lambda: capture.status.fps > 12, timeout=5, what="the full frame rate back")
