"""One camera's newest frames in shared memory: written by the decoder process, painted by the console.

A segment is a file in ``/dev/shm`` (memory, not disk) holding three frame slots and a
header.  The decoder's capture thread writes each new frame into a slot that is neither
the newest published one nor the one the console holds, then publishes it; the console
takes the newest published slot and holds it (it paints straight from that memory, no
copy) until it takes the next.  Three slots mean the writer never waits for the painter
and the painter never sees a half-written frame.  The two hand-over steps are a few field
updates under ``flock`` on the segment (a full memory barrier in the kernel); the console
only tries the lock, so a decoder thread descheduled while holding it delays a frame by
one poll, never the GUI thread.

A segment has room for frames up to its slot capacity; a bigger frame (a tile was
maximised) makes the writer start a new segment, which it announces by path.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

SLOTS = 3
_HEADER = 64                 # int64: published slot, published seq, held slot, slot capacity
_META = 64                   # per slot, int64: seq, width, height, channels, source w, source h; float64 x 2
_PIXELS_AT = _HEADER + SLOTS * _META
_ALIGN = 4096


def segment_dir() -> Path:
    """Where segments live: ``/dev/shm`` where there is one (memory), else the temporary folder."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


@dataclass(frozen=True)
class SlotFrame:
    """A frame as read from a slot; ``image`` is a view of the shared memory, valid until the next take."""

    image: np.ndarray
    seq: int
    captured_at: float
    wall_time: float
    source_size: tuple[int, int]


class _Segment:
    def __init__(self, path: Path, fd: int, size: int):
        self.path, self.fd = path, fd
        self.memory = mmap.mmap(fd, size)
        self.header = np.ndarray((4,), np.int64, self.memory, 0)
        self.ints = np.ndarray((SLOTS, 8), np.int64, self.memory, _HEADER)
        self.floats = np.ndarray((SLOTS, 8), np.float64, self.memory, _HEADER)
        self.capacity = int(self.header[3])

    def pixels(self, slot: int, count: int) -> np.ndarray:
        return np.ndarray((count,), np.uint8, self.memory, _PIXELS_AT + slot * self.capacity)

    def lock(self, wait: bool = True) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        # The mapping itself goes when the last frame viewing it does (closing it under a view would fail).
        os.close(self.fd)


def _size_for(capacity: int) -> int:
    return _PIXELS_AT + SLOTS * capacity


class SlotWriter:
    """The decoder's side of one camera's slots (one writing thread); ``stem`` names its segment files.

    With ``bgra``, 3-channel BGR frames are stored as BGRA (what Qt paints fastest, as RGB32),
    converted straight into the slot.
    """

    def __init__(self, stem: str, directory: Path | None = None, *, bgra: bool = False):
        self._stem = stem
        self._bgra = bgra
        self._directory = directory or segment_dir()
        self._generation = 0
        self._segment: _Segment | None = None

    @property
    def path(self) -> Path | None:
        return self._segment.path if self._segment else None

    def write(self, image: np.ndarray, seq: int, captured_at: float, wall_time: float,
              source_size: tuple[int, int]) -> Path | None:
        """Publish ``image`` (H × W × C uint8); returns the new segment's path when it had to start one."""
        height, width = image.shape[:2]
        channels = image.shape[2] if image.ndim == 3 else 1
        convert = self._bgra and channels == 3
        shape = (height, width, 4) if convert else image.shape
        nbytes = height * width * (4 if convert else channels)
        started = None
        if self._segment is None or nbytes > self._segment.capacity or nbytes * 4 < self._segment.capacity:
            started = self._start(nbytes)
        segment = self._segment
        segment.lock()
        try:
            published, held = int(segment.header[0]), int(segment.header[2])
            slot = next(s for s in range(SLOTS) if s != published and s != held)
        finally:
            segment.unlock()
        target = segment.pixels(slot, nbytes).reshape(shape)
        if convert:
            cv2.cvtColor(image, cv2.COLOR_BGR2BGRA, dst=target)
        else:
            np.copyto(target, image)
        segment.ints[slot, :6] = (seq, width, height, shape[2] if len(shape) == 3 else 1, *source_size)
        segment.floats[slot, 6:] = (captured_at, wall_time)
        segment.lock()
        try:
            segment.header[0], segment.header[1] = slot, seq
        finally:
            segment.unlock()
        return started

    def close(self) -> None:
        """Remove the segment's name (a console still showing its last frame keeps the memory until done)."""
        if self._segment is not None:
            _unlink(self._segment.path)
            self._segment.close()
            self._segment = None

    def _start(self, needed: int) -> Path:
        self.close()
        self._generation += 1
        capacity = -(-needed // _ALIGN) * _ALIGN
        path = self._directory / f"{self._stem}-{self._generation}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.ftruncate(fd, _size_for(capacity))
        os.pwrite(fd, np.array([-1, 0, -1, capacity], np.int64).tobytes(), 0)
        self._segment = _Segment(path, fd, _size_for(capacity))
        return path


class SlotReader:
    """The console's side of one camera's slots: takes the newest frame and holds its slot until the next."""

    def __init__(self):
        self._segment: _Segment | None = None
        self._taken_seq = 0

    def attach(self, path: str | os.PathLike) -> bool:
        """Read from the segment at ``path`` from now on; False if it is gone already (a newer one follows)."""
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            capacity = int(np.frombuffer(os.pread(fd, 32, 0), np.int64)[3])
            segment = _Segment(Path(path), fd, _size_for(capacity))
        except (OSError, ValueError, IndexError):
            os.close(fd)
            return False
        self.detach()
        self._segment = segment
        self._taken_seq = 0
        return True

    def detach(self) -> None:
        if self._segment is not None:
            self._segment.close()
            self._segment = None

    def waiting(self) -> bool:
        """A frame newer than the last one taken is published (a plain read: no lock)."""
        segment = self._segment
        return segment is not None and int(segment.header[1]) != self._taken_seq

    def take(self) -> SlotFrame | None:
        """The newest frame if it is new (its slot is then held); None if none, or the writer holds the lock."""
        segment = self._segment
        if segment is None or int(segment.header[1]) == self._taken_seq:
            return None
        if not segment.lock(wait=False):
            return None
        try:
            slot, seq = int(segment.header[0]), int(segment.header[1])
            segment.header[2] = slot
        finally:
            segment.unlock()
        self._taken_seq = seq
        return self._read(segment, slot)

    def peek(self) -> SlotFrame | None:
        """The frame taken last (None before the first)."""
        segment = self._segment
        if segment is None or self._taken_seq == 0:
            return None
        return self._read(segment, int(segment.header[2]))

    @staticmethod
    def _read(segment: _Segment, slot: int) -> SlotFrame | None:
        if slot < 0:
            return None
        seq, width, height, channels, source_w, source_h = (int(v) for v in segment.ints[slot, :6])
        captured_at, wall_time = (float(v) for v in segment.floats[slot, 6:])
        shape = (height, width, channels) if channels > 1 else (height, width)
        image = segment.pixels(slot, height * width * channels).reshape(shape)
        return SlotFrame(image, seq, captured_at, wall_time, (source_w, source_h))


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_orphans(prefix: str, directory: Path | None = None) -> int:
    """Remove the segments named ``prefix-PID-…`` whose console process ``PID`` is gone (killed outright, its
    decoder with it); how many were removed."""
    removed = 0
    for path in (directory or segment_dir()).glob(f"{prefix}-*"):
        pid = path.name[len(prefix) + 1:].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _unlink(path)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return True


def remove_segments(prefix: str, directory: Path | None = None) -> int:
    """Remove every segment whose name starts with ``prefix`` (after a decoder died); how many were removed."""
    removed = 0
    for path in (directory or segment_dir()).glob(f"{prefix}*"):
        _unlink(path)
        removed += 1
    return removed
