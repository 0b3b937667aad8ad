"""Opening sources as readers: which are live (paced by their source) and which the worker must pace."""

from __future__ import annotations

import numpy as np
import pytest

from tests.video.conftest import CLIP_SIZE
from tests.video.servers.ports import closed_port
from video.capture import CaptureOptions
from video.readers import OpenError, as_bgr, file_path, open_reader
from video.sources import InvalidSource


def read_and_release(url: str):
    reader = open_reader(url, CaptureOptions(open_timeout_s=3.0))
    try:
        image = reader.read()
        return reader, image
    finally:
        reader.release()
        reader.release()  # idempotent


def test_a_file_is_paced_by_the_worker(h264_clip):
    reader, image = read_and_release(h264_clip.as_uri())
    assert (reader.live, reader.fps) == (False, 25.0)
    assert image.shape == (CLIP_SIZE[1], CLIP_SIZE[0], 3)


def test_hls_is_paced_and_mjpeg_and_rtsp_are_live(hls_url, mjpeg_server, rtsp_server):
    assert read_and_release(hls_url)[0].live is False
    assert read_and_release(mjpeg_server.url)[0].live is True
    reader, image = read_and_release(rtsp_server.url)
    assert reader.live is True and image.shape == (CLIP_SIZE[1], CLIP_SIZE[0], 3)


def test_open_errors_are_one_line_and_masked(tmp_path):
    with pytest.raises(OpenError, match="connection refused") as refused:
        open_reader(f"http://op:pa55@127.0.0.1:{closed_port()}/cam.mjpg", CaptureOptions())
    assert "pa55" not in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(OpenError, match="file not found"):
        open_reader(str(tmp_path / "missing.mp4"), CaptureOptions())
    (tmp_path / "notes.mp4").write_text("not a video")
    with pytest.raises(OpenError, match="not a video file"):
        open_reader(str(tmp_path / "notes.mp4"), CaptureOptions())
    with pytest.raises(InvalidSource):
        open_reader("gopher://cam", CaptureOptions())


def test_file_urls_and_colour_conversion(tmp_path):
    assert file_path("file:///var/media/a%20b.mp4").as_posix() == "/var/media/a b.mp4"
    grey = np.full((4, 6), 7, np.uint8)
    assert as_bgr(grey).shape == (4, 6, 3)
    assert as_bgr(np.zeros((4, 6, 4), np.uint8)).shape == (4, 6, 3)
