"""Frames handed from the decoder process to the console through shared memory, never torn, never queued."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from video.frame_slots import SlotReader, SlotWriter, remove_orphans, remove_segments


@pytest.fixture
def writer(tmp_path):
    slots = SlotWriter("cam", tmp_path)
    yield slots
    slots.close()


def picture(value: int, width: int = 64, height: int = 36) -> np.ndarray:
    return np.full((height, width, 4), value, np.uint8)


def test_the_reader_takes_the_newest_frame_with_its_times_and_source_size(writer):
    reader = SlotReader()
    path = writer.write(picture(1), 1, 10.0, 1_000.0, (640, 360))
    assert path is not None and reader.attach(path)
    for seq in (2, 3):
        assert writer.write(picture(seq), seq, 10.0 + seq, 1_000.0 + seq, (640, 360)) is None
    frame = reader.take()
    assert frame.seq == 3 and frame.image.shape == (36, 64, 4) and (frame.image == 3).all()
    assert (frame.captured_at, frame.wall_time, frame.source_size) == (13.0, 1_003.0, (640, 360))
    assert reader.take() is None and not reader.waiting()  # nothing newer: nothing to paint again
    writer.write(picture(4), 4, 14.0, 1_004.0, (640, 360))
    assert reader.waiting() and reader.take().seq == 4


def test_the_frame_being_painted_is_never_overwritten_however_many_come_after_it(writer):
    reader = SlotReader()
    reader.attach(writer.write(picture(1), 1, 0.0, 0.0, (64, 36)))
    shown = reader.take()
    for seq in range(2, 50):
        writer.write(picture(seq), seq, 0.0, 0.0, (64, 36))
    assert (shown.image == 1).all()  # the painter's slot was held the whole time
    assert reader.peek().seq == 1
    newest = reader.take()
    assert newest.seq == 49 and (newest.image == 49).all()


def test_a_bigger_frame_starts_a_new_segment_and_the_old_name_goes(writer, tmp_path):
    reader = SlotReader()
    first = writer.write(picture(1), 1, 0.0, 0.0, (640, 360))
    reader.attach(first)
    second = writer.write(picture(2, 1280, 720), 2, 0.0, 0.0, (1280, 720))
    assert second is not None and second != first and not first.exists()
    assert not SlotReader().attach(first)  # gone already: the reader waits for the newer one announced
    assert reader.take().seq == 1  # still readable where it is attached
    assert reader.attach(second)
    frame = reader.take()
    assert frame.image.shape == (720, 1280, 4) and (frame.image == 2).all()
    writer.write(picture(3), 3, 0.0, 0.0, (640, 360))  # much smaller again: a smaller segment
    assert writer.path != second


def test_leftover_segments_of_a_dead_decoder_are_removed(tmp_path):
    for key in (1, 2):
        SlotWriter(f"gone-{key}", tmp_path).write(picture(1), 1, 0.0, 0.0, (64, 36))
    (tmp_path / "other").write_bytes(b"")
    assert remove_segments("gone-", tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["other"]


def test_bgr_frames_are_stored_as_bgra_for_painting(tmp_path):
    writer = SlotWriter("bgra", tmp_path, bgra=True)
    try:
        bgr = np.zeros((36, 64, 3), np.uint8)
        bgr[..., 2] = 200  # red
        reader = SlotReader()
        reader.attach(writer.write(bgr, 1, 0.0, 0.0, (64, 36)))
        frame = reader.take()
        assert frame.image.shape == (36, 64, 4)
        assert frame.image[0, 0].tolist() == [0, 0, 200, 255]
    finally:
        writer.close()


def test_segments_of_a_console_that_was_killed_are_removed_and_a_living_ones_kept(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for pid in (gone.pid, os.getpid()):
        SlotWriter(f"gridwatch-video-{pid}-1-1", tmp_path).write(picture(1), 1, 0.0, 0.0, (64, 36))
    assert remove_orphans("gridwatch-video", tmp_path) == 1
    assert [p.name.split("-")[2] for p in tmp_path.iterdir()] == [str(os.getpid())]
