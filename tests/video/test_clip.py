"""The instant clip: the last 30 s of a camera in bounded memory, saved as an MP4 anyone can play."""

from __future__ import annotations

import errno
import os
import shutil
import threading
from collections import namedtuple

import cv2
import numpy as np
import pytest

from video import clip as clip_module
from video.clip import ClipBuffer, ClipError, codec_in_use
from video.demo import DemoReader

T0 = 1_764_403_200.0


@pytest.fixture(scope="module")
def road() -> list[np.ndarray]:
    """Two seconds of a demo camera at 640 × 360."""
    cam = DemoReader("demo:road-1", wall_clock=lambda: T0)
    return [cam.read() for _ in range(50)]


def feed(clip: ClipBuffer, frames: list[np.ndarray], seconds: float, fps: float = 25.0, start: float = T0) -> float:
    """Offer ``seconds`` of ``frames`` (looped) at ``fps``; returns the wall time after the last one."""
    n = int(seconds * fps)
    for i in range(n):
        clip.offer(frames[i % len(frames)], start + i / fps)
    return start + n / fps


def read_back(path) -> tuple[int, tuple[int, int], float]:
    """(frames, (width, height), fps) of a video file, counting the frames by decoding them."""
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened(), path
    count, size = 0, None
    fps = cap.get(cv2.CAP_PROP_FPS)
    while True:
        ok, image = cap.read()
        if not ok:
            break
        count, size = count + 1, (image.shape[1], image.shape[0])
    cap.release()
    return count, size, fps


def test_it_keeps_ten_frames_a_second_of_the_last_thirty_seconds(road):
    clip = ClipBuffer()
    feed(clip, road, 60)
    assert clip.frame_count == 300
    assert clip.duration_s == pytest.approx(29.9, abs=0.05)


def test_memory_stays_bounded_after_ten_thousand_frames(road):
    small = [cv2.resize(frame, (320, 180)) for frame in road]
    clip = ClipBuffer()
    now = feed(clip, small, 1000 / 25)  # the first 1,000 frames fill the 30 s
    full = clip.memory_bytes
    peak = 0
    for _ in range(9):
        now = feed(clip, small, 1000 / 25, start=now)
        peak = max(peak, clip.memory_bytes)
        assert clip.frame_count <= clip.capacity
    assert full > 0 and peak < full * 1.1, (full, peak)


def test_export_writes_an_mp4_that_plays_back_with_every_frame(road, tmp_path):
    clip = ClipBuffer(seconds=5)
    feed(clip, road, 8)
    path = tmp_path / "clip.mp4"
    written = clip.export_mp4(path, title="杨汛桥大道江桥路口 2026-11-29")
    assert written == clip.frame_count == 50
    count, size, fps = read_back(path)
    assert (count, size) == (50, (640, 360))
    assert fps == pytest.approx(10, abs=0.2)
    assert "杨汛桥大道江桥路口".encode() in path.read_bytes()  # the title metadata
    assert codec_in_use() in ("avc1", "mp4v")
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_big_frames_are_shrunk_to_the_maximum_width(road, tmp_path):
    big = [cv2.resize(frame, (1920, 1080)) for frame in road[:5]]
    clip = ClipBuffer(max_width=640)
    feed(clip, big, 1, fps=10)
    clip.export_mp4(tmp_path / "big.mp4")
    assert read_back(tmp_path / "big.mp4")[:2] == (10, (640, 360))


def test_a_slow_camera_plays_back_at_its_own_pace(road, tmp_path):
    clip = ClipBuffer()
    feed(clip, road, 10, fps=4)
    clip.export_mp4(tmp_path / "slow.mp4")
    count, _, fps = read_back(tmp_path / "slow.mp4")
    assert count == 40 and fps == pytest.approx(4, abs=0.2)


def test_export_problems_are_one_line_clip_errors(road, tmp_path):
    with pytest.raises(ClipError, match="no frames") as empty:
        ClipBuffer().export_mp4(tmp_path / "empty.mp4")
    clip = ClipBuffer()
    feed(clip, road, 1)
    with pytest.raises(ClipError, match="cannot write") as missing:
        clip.export_mp4(tmp_path / "no" / "such" / "folder.mp4")
    with pytest.raises(ClipError, match=r"\.mp4"):
        clip.export_mp4(tmp_path / "clip.avi")
    assert "\n" not in str(empty.value) + str(missing.value)
    assert list(tmp_path.iterdir()) == []


def test_a_clip_onto_a_disk_that_fills_up_is_a_disk_full_error_and_leaves_no_file(road, tmp_path, monkeypatch):
    clip = ClipBuffer()
    feed(clip, road, 2)
    real_open = clip_module._open_writer

    class FillingWriter:
        """OpenCV's encoder on a disk that fills up half way: its writes fail silently, the file is cut short."""

        def __init__(self, writer, path):
            self.writer, self.path = writer, path

        def write(self, image):
            self.writer.write(image)

        def release(self):
            self.writer.release()
            with open(self.path, "r+b") as out:
                out.truncate(os.path.getsize(self.path) // 2)

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(clip_module, "_open_writer",
                        lambda path, fps, size: FillingWriter(real_open(path, fps, size), path))
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(1 << 30, 1 << 30, 0))
    with pytest.raises(ClipError) as full:
        clip.export_mp4(tmp_path / "clip.mp4")
    assert full.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # neither the clip nor its partial file
    monkeypatch.undo()
    assert clip.export_mp4(tmp_path / "clip.mp4") == clip.frame_count


def test_the_wall_clock_going_back_starts_a_new_clip(road):
    clip = ClipBuffer()
    now = feed(clip, road, 5)
    clip.offer(road[0], now - 0.5)  # a small step back: a late frame, dropped
    assert clip.frame_count == 50
    clip.offer(road[0], now - 3600)  # the clock was set back an hour
    assert clip.frame_count == 1


def test_export_on_another_thread_while_frames_keep_coming(road, tmp_path):
    clip = ClipBuffer(seconds=10)
    now = feed(clip, road, 10)
    stop = threading.Event()

    def capture():
        t = now
        while not stop.is_set():
            clip.offer(road[int(t * 25) % len(road)], t)
            t += 0.04

    worker = threading.Thread(target=capture)
    worker.start()
    try:
        written = clip.export_mp4(tmp_path / "busy.mp4")
    finally:
        stop.set()
        worker.join()
    assert 95 <= written <= clip.capacity
    assert read_back(tmp_path / "busy.mp4")[0] == written
