"""Opening a video source as a frame reader: OpenCV's FFmpeg backend, V4L2 devices, demo scenes.

A :class:`Reader` is used by one thread only (its capture worker): it opens in
:func:`open_reader` (which blocks up to the open timeout), then ``read()`` blocks for
the next frame (up to the read timeout) and ``release()`` frees it.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

import cv2
import numpy as np

from video.sources import SourceKind, device_of, mask_url, source_kind

if TYPE_CHECKING:
    from video.capture import CaptureOptions

DEFAULT_FPS = 25.0
_DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
_MIN_OPEN_BUDGET_S = 0.5

# OpenCV warns on every open when OPENCV_FFMPEG_IS_THREAD_SAFE is set, and on every failed open;
# failures are reported through CaptureStatus.reason instead.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


class Reader(Protocol):
    """A source of BGR frames, used by one thread."""

    fps: float   # the source's nominal frame rate (a guess for live sources)
    live: bool   # True: frames come at the source's pace; False (files, HLS, demo scenes): the caller paces them

    def read(self) -> np.ndarray | None:
        """The next frame (H x W x 3 uint8 BGR), or None when the source failed, timed out or ended."""

    def release(self) -> None:
        """Free the source; idempotent."""


class OpenError(RuntimeError):
    """A source could not be opened; the message is one line (reason, then the masked URL)."""

    def __init__(self, reason: str, url: str = ""):
        super().__init__(f"{reason}: {mask_url(url)}" if url else reason)
        self.reason = reason


def open_reader(url: str, options: CaptureOptions) -> Reader:
    """Open ``url``; :class:`OpenError` (or :class:`~video.sources.InvalidSource`) when that is impossible.

    Blocks for at most about ``options.open_timeout_s`` (a host name that DNS cannot resolve
    may take longer: name lookups cannot be interrupted).
    """
    url = url.strip()
    kind = source_kind(url)
    if kind is SourceKind.DEMO:
        return _open_demo(url)
    if kind is SourceKind.DEVICE:
        return DeviceReader(device_of(url))
    if kind is SourceKind.FILE:
        path = file_path(url)
        if not path.is_file():
            raise OpenError("file not found", str(path))
        return FFmpegReader(str(path), options, live=False, loop=options.loop_files)
    started = time.monotonic()
    _probe_tcp(url, options.open_timeout_s)
    budget = max(_MIN_OPEN_BUDGET_S, options.open_timeout_s - (time.monotonic() - started))
    if kind is SourceKind.RTSP:
        return FFmpegReader(url, options, live=True, loop=False, open_timeout_s=budget)
    # Over HTTP an MJPEG stream is live.  HLS hands over whole segments at once, so it is paced like a
    # file, and loops only if it has a length (a VOD playlist; a live one has none), like an MP4 over HTTP.
    hls = urlsplit(url).path.lower().endswith(".m3u8")
    return FFmpegReader(url, options, live=False if hls else None, loop=None, open_timeout_s=budget)


def file_path(url: str) -> Path:
    """The local path of a FILE source (a plain path or a ``file://`` URL)."""
    if url.lower().startswith("file:"):
        return Path(unquote(urlsplit(url).path))
    return Path(os.path.expanduser(url))


class FFmpegReader:
    """A file or network stream through ``cv2.VideoCapture(..., cv2.CAP_FFMPEG)`` with bounded timeouts."""

    def __init__(self, target: str, options: CaptureOptions, *, live: bool | None, loop: bool | None,
                 open_timeout_s: float | None = None):
        """Open ``target`` (blocking); ``live``/``loop`` None: decided by whether the source has a length."""
        self._target = target
        self._open_timeout_s = options.open_timeout_s  # as the user set it (the probe may have used some)
        self._read_timeout_s = 0.95 * options.read_timeout_s
        self._params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(1000 * (open_timeout_s or options.open_timeout_s)),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(1000 * options.read_timeout_s),
            cv2.CAP_PROP_N_THREADS, 1,  # the default two decoder threads hold a frame back (~40 ms)
        ]
        self._capture: cv2.VideoCapture | None = self._open()
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
        has_length = self._capture.get(cv2.CAP_PROP_FRAME_COUNT) > 0
        self.live = live if live is not None else not has_length
        self._loop = (loop if loop is not None else options.loop_files and has_length) and not self.live
        self._frames_since_start = 0

    def _open(self) -> cv2.VideoCapture:
        started = time.monotonic()
        try:
            capture = cv2.VideoCapture(self._target, cv2.CAP_FFMPEG, self._params)
        except cv2.error as exc:
            raise OpenError(f"cannot open ({str(exc).strip().splitlines()[-1]})", self._target) from None
        if not capture.isOpened():
            capture.release()
            if Path(self._target).is_file():
                raise OpenError("not a video file OpenCV can read", self._target)
            if time.monotonic() - started >= 0.9 * self._params[1] / 1000:
                raise OpenError(f"no video within {self._open_timeout_s:g} s (the server does not answer)",
                                self._target)
            raise OpenError("no video stream (wrong path or credentials, or not a video URL?)", self._target)
        return capture

    def read(self) -> np.ndarray | None:
        if self._capture is None:
            return None
        started = time.monotonic()
        ok, image = self._capture.read()
        if self.live and time.monotonic() - started >= self._read_timeout_s:
            # Interrupted by the read timeout: OpenCV then flushes the decoder and may still return a
            # stale frame, and the connection is in an undefined state; report the failure instead.
            return None
        if ok and image is not None:
            self._frames_since_start += 1
            return as_bgr(image)
        if self._loop and self._frames_since_start > 0:
            self._frames_since_start = 0
            if self._rewind():
                return self.read()
        return None

    def _rewind(self) -> bool:
        """Back to the first frame of a file: seek, or reopen if the seek fails."""
        if self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0):
            return True
        self._capture.release()
        try:
            self._capture = self._open()
        except OpenError:
            self._capture = None
            return False
        return True

    def release(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class DeviceReader:
    """A local camera through OpenCV's V4L2 backend (an index or a ``/dev/videoN`` path)."""

    live = True

    def __init__(self, device: int | str):
        self._capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
        if not self._capture.isOpened():
            self._capture.release()
            raise OpenError(f"cannot open camera device {device}")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS

    def read(self) -> np.ndarray | None:
        ok, image = self._capture.read()
        return as_bgr(image) if ok and image is not None else None

    def release(self) -> None:
        self._capture.release()


def as_bgr(image: np.ndarray) -> np.ndarray:
    """``image`` as H x W x 3 uint8 BGR, C-contiguous (grey and BGRA sources are converted)."""
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1, np.iinfo(image.dtype).max))
    return np.ascontiguousarray(image)


def _open_demo(url: str) -> Reader:
    if importlib.util.find_spec("video.demo") is None:
        raise OpenError("demo scenes are not available in this build", url)
    from video.demo import DemoReader

    try:
        return DemoReader(url)
    except (ValueError, OSError) as exc:
        raise OpenError(str(exc).splitlines()[0] if str(exc) else "cannot start the demo scene", url) from None


def _probe_tcp(url: str, timeout_s: float) -> None:
    """Fail fast, and say why, when the host of a network URL does not accept connections."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except socket.gaierror:
        raise OpenError(f"unknown host {host}", url) from None
    except ConnectionRefusedError:
        raise OpenError("connection refused", url) from None
    except TimeoutError:
        raise OpenError(f"no answer within {timeout_s:g} s", url) from None
    except OSError as exc:
        raise OpenError(f"cannot connect ({exc.strerror or exc})", url) from None
