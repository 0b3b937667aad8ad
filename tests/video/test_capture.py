"""Capture from real sources (an H.264 file, RTSP, MJPEG and HLS over HTTP) and from dead ones."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.video.conftest import CLIP_SIZE, SHORT_CLIP_FRAMES, SHORT_CLIP_SIZE
from tests.video.helpers import wait_until
from tests.video.servers.clockface import latency_s
from tests.video.servers.ports import SilentServer, closed_port
from video.backoff import BackOff
from video.capture import CaptureState, fit_inside
from video.stats import LatencyRecorder

OUTPUT_BOX = (320, 240)        # a tile; 640x360 sources fit inside it as 320x180
FITTED = fit_inside(CLIP_SIZE, OUTPUT_BOX)


def assert_frame_fits(frame, source_size=CLIP_SIZE, fitted=FITTED):
    assert frame.image.shape == (fitted[1], fitted[0], 3)
    assert frame.image.dtype == np.uint8 and frame.image.flags["C_CONTIGUOUS"]
    assert frame.source_size == source_size
    assert frame.captured_at <= time.monotonic() and abs(frame.wall_time - time.time()) < 10


def test_fit_inside_keeps_the_aspect_ratio():
    assert fit_inside((640, 360), (320, 240)) == (320, 180)
    assert fit_inside((640, 360), (100, 300)) == (100, 56)
    assert fit_inside((640, 480), (1920, 1080)) == (1440, 1080)
    assert fit_inside((640, 360), (640, 360)) == (640, 360)


def test_h264_file_is_paced_at_its_frame_rate_and_resized(open_capture, h264_clip):
    capture, statuses, consumer = open_capture(str(h264_clip), output_size=OUTPUT_BOX)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    assert consumer.arrived.wait(5)
    assert_frame_fits(capture.take_frame())
    first = capture.status.frames
    began = time.monotonic()
    wait_until(lambda: time.monotonic() - began >= 1.0, timeout=2)  # let one second of the file play
    played = capture.status.frames - first
    assert 15 <= played <= 35, f"{played} frames in 1 s from a 25 fps file"
    capture.set_output_size(None)
    wait_until(lambda: capture.latest_frame().image.shape == (360, 640, 3), timeout=2, what="full-size frames")


def test_a_file_loops_by_default(open_capture, short_clip):
    capture, statuses, _ = open_capture(str(short_clip))
    wait_until(lambda: capture.status.frames > 2 * SHORT_CLIP_FRAMES, timeout=5, what="second pass of the clip")
    assert CaptureState.OFFLINE not in statuses.states()
    assert capture.latest_frame().image.shape == (SHORT_CLIP_SIZE[1], SHORT_CLIP_SIZE[0], 3)


def test_a_file_that_must_not_loop_stops_at_its_end(open_capture, short_clip):
    capture, statuses, _ = open_capture(str(short_clip), loop_files=False)
    end = statuses.wait_for(CaptureState.STOPPED, timeout=5)
    assert end.reason == "end of file" and end.frames == SHORT_CLIP_FRAMES
    assert capture.running  # idle, waiting for another URL or stop()


def test_rtsp_live_frames_with_low_latency(open_capture, rtsp_server):
    capture, statuses, consumer = open_capture(rtsp_server.url, output_size=OUTPUT_BOX)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    latencies = LatencyRecorder()
    while latencies.count < 40:
        consumer.arrived.clear()
        assert consumer.arrived.wait(3), "RTSP frames stopped"
        frame = consumer.frames[-1]
        if frame.seq > 10:  # past the frames buffered while the stream was being opened
            latencies.add(latency_s(frame.image, frame.wall_time))
    assert_frame_fits(frame)
    assert latencies.percentile(50) < 0.25, f"median RTSP latency {latencies.percentile(50):.3f} s"
    assert 15 < capture.status.fps < 35
    fps_updates = [s for s in statuses.statuses if s.state is CaptureState.LIVE and s.fps > 0]
    assert len(fps_updates) >= 1  # about once a second while live


def test_mjpeg_over_http_serves_several_captures(open_capture, mjpeg_server):
    first, first_statuses, first_consumer = open_capture(mjpeg_server.url, output_size=OUTPUT_BOX)
    second, second_statuses, _ = open_capture(mjpeg_server.url)
    first_statuses.wait_for(CaptureState.LIVE, timeout=5)
    second_statuses.wait_for(CaptureState.LIVE, timeout=5)
    wait_until(lambda: first.status.frames >= 5 and second.status.frames >= 5, timeout=5, what="frames on both")
    assert_frame_fits(first.take_frame())
    assert second.latest_frame().image.shape == (360, 640, 3)
    assert latency_s(first.latest_frame().image, first.latest_frame().wall_time) < 0.25


def test_hls_playlist_over_http(open_capture, hls_url):
    capture, statuses, consumer = open_capture(hls_url, output_size=OUTPUT_BOX)
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    wait_until(lambda: capture.status.frames >= 5, timeout=5, what="5 HLS frames")
    assert_frame_fits(capture.latest_frame())


def test_a_closed_port_goes_offline_at_once_without_showing_the_password(open_capture):
    url = f"rtsp://admin:s3cret@127.0.0.1:{closed_port()}/live"
    began = time.monotonic()
    capture, statuses, _ = open_capture(url, open_timeout_s=2.0)
    offline = statuses.wait_for(CaptureState.OFFLINE, timeout=2.0 + 1.0)
    assert time.monotonic() - began < 2.0 + 1.0
    assert "connection refused" in offline.reason and "s3cret" not in offline.reason and "***@" in offline.reason
    assert offline.retry_at is not None and offline.retry_at > time.monotonic() - 0.5
    stopping = time.monotonic()
    capture.stop()
    assert time.monotonic() - stopping < 0.5
    assert capture.status.state is CaptureState.STOPPED and not capture.running


def test_a_server_that_never_answers_goes_offline_after_the_open_timeout(open_capture):
    silent = SilentServer()
    try:
        capture, statuses, _ = open_capture(f"rtsp://127.0.0.1:{silent.port}/live", open_timeout_s=1.0,
                                            backoff=BackOff(initial_s=0.1, max_s=0.1))
        offline = statuses.wait_for(CaptureState.OFFLINE, timeout=1.0 + 1.0)
        assert "within 1 s" in offline.reason
        mark = statuses.mark()
        statuses.wait_for(CaptureState.CONNECTING, timeout=1.0, since=mark)  # blocked in the next open
        stopping = time.monotonic()
        capture.stop(timeout=0.3)
        assert time.monotonic() - stopping < 0.3 + 0.2, "stop() waited past its timeout"
        wait_until(lambda: not capture.running, timeout=1.0 + 1.0, what="the worker ending after its open")
    finally:
        silent.close()


def test_a_missing_file_says_so(open_capture, tmp_path):
    _, statuses, _ = open_capture(str(tmp_path / "nowhere.mp4"))
    assert "file not found" in statuses.wait_for(CaptureState.OFFLINE, timeout=2).reason


def test_a_missing_device_says_so(open_capture):
    _, statuses, _ = open_capture("device:/dev/video99")
    assert "cannot open camera device /dev/video99" in statuses.wait_for(CaptureState.OFFLINE, timeout=3).reason


def test_a_stream_that_stops_and_comes_back_is_live_again(open_capture, own_rtsp_server):
    capture, statuses, _ = open_capture(own_rtsp_server.url)  # default back-off: 1, 2, 4 ... s
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    mark = statuses.mark()
    own_rtsp_server.stop()
    statuses.wait_for(CaptureState.STALLED, CaptureState.OFFLINE, timeout=3, since=mark)
    own_rtsp_server.start()
    mark = statuses.mark()
    statuses.wait_for(CaptureState.LIVE, timeout=5, since=mark)


def test_a_frozen_stream_stalls_then_goes_offline_then_recovers(open_capture, own_rtsp_server):
    capture, statuses, _ = open_capture(own_rtsp_server.url, stall_after_s=1.0, read_timeout_s=2.0,
                                        backoff=BackOff(initial_s=0.2, max_s=0.5))
    statuses.wait_for(CaptureState.LIVE, timeout=5)
    mark = statuses.mark()
    own_rtsp_server.freeze()
    stalled = statuses.wait_for(CaptureState.STALLED, timeout=1.0 + 1.0, since=mark)
    assert stalled.reason == "no frames for 1 s"
    offline = statuses.wait_for(CaptureState.OFFLINE, timeout=2.0 + 1.0, since=mark)
    assert "read timed out" in offline.reason
    own_rtsp_server.thaw()
    statuses.wait_for(CaptureState.LIVE, timeout=5, since=statuses.mark())


@pytest.mark.parametrize("output_size", [(0, 10), (10, -1)])
def test_output_size_must_be_positive(open_capture, h264_clip, output_size):
    capture, _, _ = open_capture(str(h264_clip), start=False)
    with pytest.raises(ValueError):
        capture.set_output_size(output_size)
