"""What a URL names, and that credentials never show."""

from __future__ import annotations

import pytest

from video.sources import InvalidSource, SourceKind, device_of, mask_url, source_kind


@pytest.mark.parametrize("url, kind", [
    ("rtsp://10.0.0.5:554/Streaming/Channels/101", SourceKind.RTSP),
    ("RTSP://admin:pw@cam.local/live", SourceKind.RTSP),
    ("rtsps://cam.example.org/live", SourceKind.RTSP),
    ("http://10.0.0.7/mjpg/video.mjpg", SourceKind.HTTP),
    ("https://cdn.example.org/live/index.m3u8", SourceKind.HTTP),
    ("/var/media/clip.mp4", SourceKind.FILE),
    ("clips/gate.mp4", SourceKind.FILE),
    ("file:///var/media/clip.mp4", SourceKind.FILE),
    (r"C:\media\clip.mp4", SourceKind.FILE),
    ("0", SourceKind.DEVICE),
    ("/dev/video2", SourceKind.DEVICE),
    ("device:1", SourceKind.DEVICE),
    ("device:/dev/video0", SourceKind.DEVICE),
    ("demo:road", SourceKind.DEMO),
    ("demo:square?people=40&seed=3", SourceKind.DEMO),
    ("  rtsp://cam/x  ", SourceKind.RTSP),
])
def test_source_kind(url, kind):
    assert source_kind(url) is kind


@pytest.mark.parametrize("url, message", [
    ("", "no video source"),
    ("   ", "no video source"),
    ("ftp://admin:secret@cam/x", "unsupported video source ftp:"),
    ("rtmp://cam/live", "unsupported"),
    ("rtsp://", "no host"),
    ("http:///path", "no host"),
    ("rtsp://cam:port/x", "malformed"),
    ("demo:", "needs a scene name"),
    ("device:front", "bad device"),
])
def test_invalid_sources_say_why_in_one_line_without_credentials(url, message):
    with pytest.raises(InvalidSource, match=message) as caught:
        source_kind(url)
    assert "\n" not in str(caught.value)
    assert "secret" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_device_of():
    assert device_of("0") == 0
    assert device_of("device:2") == 2
    assert device_of("/dev/video1") == "/dev/video1"
    assert device_of("device:/dev/video3") == "/dev/video3"


@pytest.mark.parametrize("url, masked", [
    ("rtsp://user:pw@host/x", "rtsp://***@host/x"),
    ("rtsp://admin@10.0.0.5:554/live", "rtsp://***@10.0.0.5:554/live"),
    ("rtsp://admin:p@ss@cam:554/x", "rtsp://***@cam:554/x"),          # '@' in the password
    ("rtsp://admin:pa/ss@cam/x", "rtsp://***@cam/x"),                 # '/' in the password
    ("http://cam/video.mjpg?user=op&password=hunter2&fps=5", "http://cam/video.mjpg?user=op&password=***&fps=5"),
    ("http://cam/x?PWD=1&Token=abc&api_key=k&auth=z&channel=2",
     "http://cam/x?PWD=***&Token=***&api_key=***&auth=***&channel=2"),
    ("https://u:p@cdn/live.m3u8?token=t#frag", "https://***@cdn/live.m3u8?token=***#frag"),
    ("rtsp://cam/live?monkey=1&keyframe=2", "rtsp://cam/live?monkey=1&keyframe=2"),
    ("http://cam/x?email=a@b.org", "http://cam/x?email=a@b.org"),
    ("rtsp://cam.local/live", "rtsp://cam.local/live"),
    ("/var/media/clip.mp4", "/var/media/clip.mp4"),
    ("demo:road?seed=1", "demo:road?seed=1"),
    ("", ""),
])
def test_mask_url(url, masked):
    assert mask_url(url) == masked
