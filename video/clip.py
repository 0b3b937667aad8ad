"""An instant clip: the last half minute of a camera, kept as JPEGs and written out as MP4 when asked."""

from __future__ import annotations

import errno
import math
import os
import shutil
import struct
import tempfile
import threading
from collections import deque
from pathlib import Path

import cv2
import numpy as np

# H.264 ('avc1') first; opencv-python-headless has no software H.264 encoder (only V4L2 hardware, absent
# on most machines), so in practice clips are MPEG-4 Part 2 ('mp4v'), which VLC, mpv and ffmpeg play.
CODECS = ("avc1", "mp4v")
_unusable: set[str] = set()  # codecs that failed to open although the folder was writable


class ClipError(Exception):
    """A clip could not be exported; the message is one line and names the file.

    ``errno`` is the operating system's error when there was one (``errno.ENOSPC``: the disk is full).
    """

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


#: Below this much free space a clip the encoder left incomplete is put down to a full disk.
DISK_NEARLY_FULL_BYTES = 16 << 20


class ClipBuffer:
    """Keeps the last `seconds` of a camera as JPEG-compressed frames (bounded memory), exported as MP4 on demand.

    ``offer`` is called by the capture thread for every frame with its wall-clock
    time.  It keeps the first frame of each 1/``fps`` slot of wall time and drops
    the others before doing any work, shrinks kept frames to ``max_width`` and
    JPEG-encodes them at ``quality``, and forgets frames more than ``seconds`` older
    than the newest.  At most ``ceil(seconds × fps) + 1`` frames are held whatever
    the timestamps.  A wall clock that jumps back more than a second empties the
    buffer; smaller steps back are dropped as late frames.  ``export_mp4`` may run on
    another thread while ``offer`` continues: it copies the list of frames under the
    lock and decodes and encodes outside it.
    """

    def __init__(self, seconds: float = 30.0, fps: float = 10.0, max_width: int = 640, quality: int = 75):
        if not (seconds > 0 and fps > 0 and max_width >= 16 and 1 <= quality <= 100):
            raise ValueError("ClipBuffer needs seconds > 0, fps > 0, max_width >= 16 and quality 1..100")
        self.seconds, self.fps, self.max_width, self.quality = float(seconds), float(fps), int(max_width), int(quality)
        self.capacity = math.ceil(self.seconds * self.fps) + 1
        self._frames: deque[tuple[float, np.ndarray]] = deque()
        self._bytes = 0
        self._lock = threading.Lock()
        self._last_slot: int | None = None

    def offer(self, image: np.ndarray, wall_time: float) -> None:
        """Consider one captured frame (H × W × 3 BGR or H × W grey) taken at ``wall_time`` (seconds)."""
        slot = math.floor(wall_time * self.fps)
        last = self._last_slot
        if last is not None and last - self.fps < slot <= last:
            return
        self._last_slot = slot
        height, width = image.shape[:2]
        if width > self.max_width:
            size = (self.max_width, max(round(height * self.max_width / width / 2) * 2, 2))
            image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            return
        with self._lock:
            if last is not None and slot <= last:
                self._frames.clear()
                self._bytes = 0
            self._frames.append((wall_time, jpeg))
            self._bytes += jpeg.nbytes
            oldest = wall_time - self.seconds
            while self._frames and (self._frames[0][0] <= oldest or len(self._frames) > self.capacity):
                self._bytes -= self._frames.popleft()[1].nbytes

    @property
    def memory_bytes(self) -> int:
        """Bytes of JPEG data held."""
        return self._bytes

    @property
    def frame_count(self) -> int:
        return len(self._frames)

    @property
    def duration_s(self) -> float:
        """Seconds between the oldest and the newest frame held."""
        with self._lock:
            return self._frames[-1][0] - self._frames[0][0] if self._frames else 0.0

    def export_mp4(self, path, *, title: str | None = None) -> int:
        """Write the frames held to ``path`` as MP4 and return how many were written.

        The playback rate is the rate the frames were kept at (at most ``fps``), so
        the clip lasts as long as the moment it shows.  ``title`` (any language) is
        stored as the file's title metadata.  The file appears complete or not at
        all.  Raises ClipError when the buffer is empty or the file cannot be written.
        """
        with self._lock:
            frames = list(self._frames)
        target = Path(path)
        if not frames:
            raise ClipError(f"no clip to write to {target}: no frames received in the last {self.seconds:g} s")
        if target.suffix.lower() != ".mp4":
            raise ClipError(f"cannot write {target}: a clip is an .mp4 file")
        if not target.parent.is_dir() or not os.access(target.parent, os.W_OK):
            raise ClipError(f"cannot write {target}: the folder does not exist or is not writable")
        span = frames[-1][0] - frames[0][0]
        rate = min(max((len(frames) - 1) / span, 1.0), self.fps) if span > 0 else self.fps
        last = cv2.imdecode(frames[-1][1], cv2.IMREAD_COLOR)
        size = (last.shape[1], last.shape[0])
        handle, partial = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".mp4", dir=target.parent)
        os.close(handle)
        try:
            writer = _open_writer(partial, rate, size)
            if writer is None:
                raise ClipError(f"cannot write {target}: this OpenCV opens none of the codecs {', '.join(CODECS)}")
            try:
                for _, jpeg in frames:
                    image = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
                    if (image.shape[1], image.shape[0]) != size:
                        image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
                    writer.write(image)
            finally:
                writer.release()
            if os.path.getsize(partial) == 0 or not _is_whole_mp4(partial):
                # The encoder cannot say that a write failed: a file it left cut short (no index at the end)
                # on a disk with no room left is a full disk.
                if shutil.disk_usage(target.parent).free < DISK_NEARLY_FULL_BYTES:
                    raise ClipError(f"cannot write {target}: the disk is full", errno.ENOSPC)
                raise ClipError(f"cannot write {target}: the encoder wrote nothing"
                                if os.path.getsize(partial) == 0 else f"cannot write {target}: the encoder "
                                "left the file incomplete")
            if title:
                _set_title(partial, title)
            os.replace(partial, target)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise ClipError(f"cannot write {target}: the disk is full", exc.errno) from None
            raise ClipError(f"cannot write {target}: {exc.strerror or exc}", exc.errno) from None
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        return len(frames)


def _open_writer(path: str, fps: float, size: tuple[int, int]) -> cv2.VideoWriter | None:
    """A VideoWriter with the first codec of CODECS that opens, or None."""
    for codec in CODECS:
        if codec in _unusable:
            continue
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*codec), fps, size)
        if writer.isOpened():
            return writer
        writer.release()
        _unusable.add(codec)
    return None


def codec_in_use() -> str | None:
    """The codec clips are written with, once one has been tried (for the about box and the logs)."""
    for codec in CODECS:
        if codec not in _unusable:
            return codec
    return None


# -- MP4 title metadata -------------------------------------------------------------------------
def _boxes(data: bytes, start: int, end: int):
    """(type, start, end) of each ISO-BMFF box in data[start:end]."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        elif size == 0:
            size = end - at
        if size < 8 or at + size > end:
            return
        yield kind, at, at + size
        at += size


def _is_whole_mp4(path: str) -> bool:
    """True if the file is a sequence of whole ISO-BMFF boxes with its index (``moov``): what an encoder
    that finished writes.  Reads only the box headers."""
    size = os.path.getsize(path)
    found_moov = False
    with open(path, "rb") as file:
        at = 0
        while at < size:
            file.seek(at)
            header = file.read(16)
            if len(header) < 8:
                return False
            box, kind = struct.unpack(">I4s", header[:8])
            if box == 1:
                if len(header) < 16:
                    return False
                box = struct.unpack(">Q", header[8:16])[0]
            elif box == 0:
                box = size - at
            if box < 8 or at + box > size:
                return False
            found_moov = found_moov or kind == b"moov"
            at += box
    return found_moov


def _set_title(path: str, title: str) -> None:
    """Add a QuickTime title (``udta/©nam``, UTF-8) to an MP4 whose ``moov`` box comes last, as FFmpeg writes it."""
    data = Path(path).read_bytes()
    boxes = list(_boxes(data, 0, len(data)))
    if not boxes or boxes[-1][0] != b"moov":
        return
    _, moov_start, moov_end = boxes[-1]
    if struct.unpack(">I", data[moov_start:moov_start + 4])[0] == 1:
        return  # a 64-bit moov: not what FFmpeg writes for a clip
    text = title.encode("utf-8")[:4000]
    name = struct.pack(">I4sHH", 12 + len(text), b"\xa9nam", len(text), 0x55C4) + text  # 0x55C4: language "und"
    children = list(_boxes(data, moov_start + 8, moov_end))
    body = b""
    for kind, start, end in children:
        if kind == b"udta":
            inner = data[start + 8:end] + name
            body += struct.pack(">I4s", 8 + len(inner), b"udta") + inner
            name = b""
        else:
            body += data[start:end]
    if name:
        body += struct.pack(">I4s", 8 + len(name), b"udta") + name
    with open(path, "r+b") as out:
        out.seek(moov_start)
        out.write(struct.pack(">I4s", 8 + len(body), b"moov") + body)
        out.truncate()
