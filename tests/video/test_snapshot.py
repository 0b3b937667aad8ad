"""Single pictures for the change watch: the wall's fresh frame when it has one, a demo scene at the time that has
passed, and a dead camera given up on for a while with the reason kept."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import numpy as np

from video.capture import CaptureOptions, CaptureState, CaptureStatus
from video.demo import DemoReader
from video.snapshot import RETRY_FIRST_S, SnapshotSource


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_demo_scene_shows_the_time_that_has_passed_since_it_was_first_asked_for():
    clock = Clock()
    source = SnapshotSource(clock=clock, wall_clock=lambda: clock.now + 1_000_000)
    source.set_urls({1: "demo:rooftop-1?seed=3", 2: "demo:rooftop-2?day=1440"})
    first = source.grab(1)
    clock.now += 3600  # an hour later
    later = source.grab(1)
    expected = DemoReader("demo:rooftop-1?seed=3").render(3600)
    top = slice(40, None)  # below the burnt-in wall clock, which differs
    assert np.array_equal(later.image[top], expected[top])
    assert not np.array_equal(first.image[top], later.image[top])
    assert later.at - first.at == 3600 and later.wall_at == clock.now + 1_000_000
    fast = source.grab(2)  # a simulated day in 24 minutes: its calendar runs 60 times faster
    clock.now += 10
    assert source.grab(2).at - fast.at == 600 and fast.speed == 60
    source.close()


def test_a_dead_camera_is_given_up_on_for_a_while_with_its_reason():
    clock = Clock()
    source = SnapshotSource(CaptureOptions(open_timeout_s=1.0, read_timeout_s=1.0), clock=clock)
    source.set_urls({5: f"rtsp://admin:secret@127.0.0.1:{closed_port()}/stream"})
    assert source.grab(5) is None
    assert source.problem(5) and "secret" not in source.problem(5)
    clock.now += RETRY_FIRST_S / 2
    assert source.grab(5) is None and source.problem(5)  # backing off: not even tried
    assert source.grab(99) is None  # unknown camera


def test_the_walls_fresh_frame_is_taken_instead_of_a_connection():
    clock = Clock()
    picture = np.full((1080, 1920, 3), 77, np.uint8)
    capture = SimpleNamespace(status=CaptureStatus(CaptureState.LIVE),
                              latest_frame=lambda: SimpleNamespace(captured_at=clock.now - 1.0),
                              latest_source_image=lambda: picture)
    source = SnapshotSource(live=lambda camera_id: capture if camera_id == 2 else None, clock=clock)
    source.set_urls({2: f"rtsp://127.0.0.1:{closed_port()}/x"})
    assert source.grab(2).image is picture
    capture.status = CaptureStatus(CaptureState.STALLED)
    assert source.grab(2) is None  # stalled: the camera is fetched instead, and it is dead
