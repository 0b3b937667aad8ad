"""Video fixtures shared by every test package: real media and real servers on loopback, captures that stop.

Loaded for the whole suite by ``tests/conftest.py`` (so the widget and console
tests reuse the same session servers as the capture tests).  The media (H.264
clips, an HLS playlist) are written once per session by ffmpeg; the MJPEG, HLS
and one RTSP server are shared by the session; tests that stop or freeze a
server get their own.  Without ffmpeg, or without GStreamer's RTSP server under
Debian's Python, the tests that need them are skipped, saying what to install.
"""

from __future__ import annotations

import pytest

from tests.video.servers import media
from tests.video.servers.mjpeg import MjpegServer
from tests.video.servers.rtsp import RtspServer, gstreamer_problem
from tests.video.servers.static import StaticServer
from video import registry
from tests.video.helpers import Consumer, StatusLog, wait_until
from video.capture import CameraCapture, CaptureOptions

CLIP_SIZE = (640, 360)
SHORT_CLIP_SIZE = (320, 240)
SHORT_CLIP_FRAMES = 10


def _need_ffmpeg() -> None:
    if media.FFMPEG is None:
        pytest.skip(media.MISSING_MESSAGE)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("video-media")


@pytest.fixture(scope="session")
def h264_clip(media_dir):
    """4 s of 640x360 H.264 at 25 fps."""
    _need_ffmpeg()
    return media.make_h264_clip(media_dir / "clip.mp4", CLIP_SIZE, fps=25, seconds=4)


@pytest.fixture(scope="session")
def short_clip(media_dir):
    """10 frames of 320x240 H.264 at 25 fps (0.4 s): to see a file end, loop or replace another source."""
    _need_ffmpeg()
    return media.make_h264_clip(media_dir / "short.mp4", SHORT_CLIP_SIZE, fps=25, seconds=SHORT_CLIP_FRAMES / 25)


@pytest.fixture(scope="session")
def hls_url(h264_clip, media_dir):
    """An HLS video-on-demand playlist of ``h264_clip`` over HTTP."""
    playlist = media.make_hls(h264_clip, media_dir / "hls")
    server = StaticServer(playlist.parent)
    try:
        yield server.url(playlist.name)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mjpeg_server():
    server = MjpegServer(CLIP_SIZE, fps=25)
    try:
        yield server
    finally:
        server.stop()


def _need_gstreamer() -> None:
    problem = gstreamer_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture(scope="session")
def rtsp_server(tmp_path_factory):
    """One live RTSP server for the session's tests that only read from it."""
    _need_gstreamer()
    server = RtspServer(tmp_path_factory.mktemp("rtsp-logs")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_rtsp_server(tmp_path):
    """An RTSP server for one test, which may stop, freeze and restart it."""
    _need_gstreamer()
    server = RtspServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def open_capture():
    """``open_capture(url, output_size=..., takes=True, **options) -> (capture, status_log, consumer)``, started.

    Every capture made here is stopped after the test, and the test fails if a worker is left running.
    """
    made: list[CameraCapture] = []

    def make(url: str, output_size=None, takes: bool = True, start: bool = True, **options):
        statuses, consumer = StatusLog(), Consumer(takes)
        capture = CameraCapture(url, CaptureOptions(**options), name=f"test{len(made)}",
                                on_frame=consumer, on_status=statuses)
        consumer.capture = capture
        capture.set_output_size(output_size)
        made.append(capture)
        if start:
            capture.start()
        return capture, statuses, consumer

    yield make
    for capture in made:
        capture.stop(timeout=10)
    leftovers = [c for c in made if c.running]
    assert not leftovers, f"capture workers still running after stop(): {leftovers}"
    wait_until(lambda: not any(c in registry.running() for c in made), timeout=2, what="registry emptied")
