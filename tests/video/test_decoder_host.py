"""Cameras decoded in the video decoder process: frames in shared memory, states as messages, and a decoder
that crashes is restarted without the console noticing more than a camera going offline for a moment."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pytest

from tests.video.helpers import StatusLog, wait_until
from video import registry
from video.backoff import BackOff
from video.capture import CaptureOptions, CaptureState
from video.clip import ClipError
from video.decoder_host import DecoderHost, RemoteCapture
from video.frame_slots import segment_dir

FAST = dict(open_timeout_s=2.0, read_timeout_s=2.0, stall_after_s=1.0, pause_grace_s=0.5, pixel_format="bgra",
            backoff=BackOff(initial_s=0.5, max_s=1.0))


@pytest.fixture
def host():
    decoder = DecoderHost(restart=BackOff(initial_s=0.3, max_s=1.0, recent_s=0.0))
    yield decoder
    decoder.close()
    assert not list(segment_dir().glob(f"{decoder.prefix}*")), "shared-memory segments left behind"
    assert not [c for c in registry.running() if isinstance(c, RemoteCapture)], "captures left running"


def started(host: DecoderHost, url: str = "demo:lane", size=(320, 180), **options):
    statuses = StatusLog()
    capture = host.capture(url, CaptureOptions(**{**FAST, **options}), name="cam", on_status=statuses)
    capture.set_output_size(size)
    capture.start()
    return capture, statuses


def next_frame(capture, timeout: float = 10.0):
    frames = []
    wait_until(lambda: (frame := capture.take_frame()) is not None and not frames.append(frame), timeout=timeout,
               what="a frame from the decoder")
    return frames[0]


def test_a_camera_decoded_in_the_other_process_shows_frames_at_the_tile_size(host):
    capture, statuses = started(host)
    live = statuses.wait_for(CaptureState.LIVE, timeout=15)
    assert live.source_size == (640, 360) and host.pid not in (None, os.getpid())
    first = next_frame(capture)
    assert first.image.shape == (180, 320, 4) and first.source_size == (640, 360)
    later = next_frame(capture)
    assert later.seq > first.seq and later.captured_at >= first.captured_at
    capture.set_output_size((640, 360))  # the tile was maximised: a bigger frame, in a new segment
    wait_until(lambda: (frame := capture.take_frame()) is not None and frame.image.shape == (360, 640, 4),
               timeout=10, what="frames at the new size")
    capture.stop(timeout=10)
    assert not capture.running and capture not in registry.running()
    assert statuses.statuses[-1].state is CaptureState.STOPPED
    # a camera added once the decoder runs gets the wishes made before its start (here its tile's size)
    second, _statuses = started(host, "demo:road-1", size=(160, 90))
    assert next_frame(second).image.shape == (90, 160, 4)


def test_the_full_size_picture_and_the_clip_come_from_the_decoder(host, tmp_path):
    capture, statuses = started(host)
    statuses.wait_for(CaptureState.LIVE, timeout=15)
    next_frame(capture)
    image, wall_time = capture.source_picture()
    assert image.shape == (360, 640, 3) and image.dtype == np.uint8 and wall_time > 0
    wait_until(lambda: capture.clip.frame_count >= 5, timeout=10, what="the clip buffer filling")
    assert capture.clip.memory_bytes > 0
    assert capture.clip.export_mp4(tmp_path / "clip.mp4", title="路口") >= 5
    assert (tmp_path / "clip.mp4").stat().st_size > 0
    (tmp_path / "taken.mp4").mkdir()  # the decoder's own error, errno and all, reaches the console
    with pytest.raises(ClipError) as refused:
        capture.clip.export_mp4(tmp_path / "taken.mp4")
    assert refused.value.errno == errno.EISDIR and "taken.mp4" in str(refused.value)


def test_a_decoder_that_dies_is_restarted_and_every_camera_comes_back(host):
    cameras = [started(host, f"demo:lane-{n}") for n in range(3)]
    for capture, statuses in cameras:
        statuses.wait_for(CaptureState.LIVE, timeout=15)
        next_frame(capture)
    marks = [statuses.mark() for _capture, statuses in cameras]
    os.kill(host.pid, signal.SIGKILL)  # a crash inside a codec
    for (capture, statuses), mark in zip(cameras, marks):
        offline = statuses.wait_for(CaptureState.OFFLINE, timeout=10, since=mark)
        assert "video decoder stopped" in offline.reason and offline.retry_at is not None
        statuses.wait_for(CaptureState.LIVE, timeout=15, since=mark)
        next_frame(capture)
    assert host.restarts == 1


def test_a_dead_url_goes_offline_in_the_decoder_while_the_others_play(host):
    dead, dead_statuses = started(host, "rtsp://127.0.0.1:9/none", open_timeout_s=1.0)
    good, good_statuses = started(host)
    offline = dead_statuses.wait_for(CaptureState.OFFLINE, timeout=10)
    assert offline.reason and "127.0.0.1" in offline.reason
    good_statuses.wait_for(CaptureState.LIVE, timeout=15)
    next_frame(good)


def test_a_decoder_stopped_with_sigterm_removes_its_shared_memory(tmp_path):
    ours, theirs = socket.socketpair()
    prefix = f"gridwatch-video-test-{os.getpid()}"
    decoder = subprocess.Popen([sys.executable, "-m", "video.decoder_main", str(theirs.fileno()), prefix],
                               pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
    theirs.close()
    connection = Connection(ours.detach())
    try:
        connection.send(("open", 1, "demo:lane", CaptureOptions(**FAST), "cam"))
        connection.send(("size", 1, (160, 90)))
        while (message := connection.recv())[0] != "slots":
            assert connection.poll(10), "no frame slots from the decoder"
        segment = Path(message[2])
        assert segment.exists()
        decoder.send_signal(signal.SIGTERM)  # as a service manager or a terminal stops the console's group
        assert decoder.wait(timeout=15) == 0
        assert not segment.exists() and not list(segment.parent.glob(f"{prefix}*"))
    finally:
        if decoder.poll() is None:
            decoder.kill()
            decoder.wait()
        connection.close()
