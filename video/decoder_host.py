"""The console's side of the video decoder process: starts it, talks to it, restarts it if it dies.

:class:`DecoderHost` owns one decoder process (``video.decoder_main``, started on first use)
and hands out :class:`RemoteCapture` s, which stand in for :class:`~video.capture.CameraCapture`
with the same methods: wishes become messages, states come back as messages, and frames are
taken from shared memory (:class:`~video.frame_slots.SlotReader`) without any message per
frame.  Nothing here calls Qt.

Threads: wishes are queued and written by one sender thread, so no caller ever waits for
the process; a supervisor thread starts the process, reads its messages and runs the
``on_status`` callbacks; if the process dies it marks every camera offline with the reason,
starts a new one after a back-off and replays every camera's wishes to it.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

import numpy as np

from video import registry
from video.backoff import BackOff
from video.capture import CaptureOptions, CaptureState, CaptureStatus, Frame
from video.clip import ClipError
from video.frame_slots import SlotReader, remove_orphans, remove_segments
from video.sources import mask_url, source_kind

log = logging.getLogger(__name__)


class DecoderError(ClipError):
    """The decoder process could not answer a request (not running, restarted, or too slow)."""


SEGMENT_PREFIX = "gridwatch-video"
RESTART_BACKOFF = BackOff(initial_s=0.5, factor=2.0, max_s=10.0, recent_s=0.0)
QUIT_TIMEOUT_S = 5.0


class DecoderHost:
    """One decoder process and the cameras it runs for this console (see the module's docstring)."""

    def __init__(self, restart: BackOff = RESTART_BACKOFF):
        self._restart = restart
        self._lock = threading.Lock()
        self._captures: dict[int, RemoteCapture] = {}
        self._keys = itertools.count(1)
        self._requests = itertools.count(1)
        self._replies: dict[int, Future] = {}
        # Messages for the current process; each process gets a new queue, and its sender ends with it.
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._connection: Connection | None = None
        self._process: subprocess.Popen | None = None
        self._supervisor: threading.Thread | None = None
        self._closed = False
        self.restarts = 0
        self.prefix = f"{SEGMENT_PREFIX}-{os.getpid()}-{id(self):x}"

    # -- the console's side --------------------------------------------------------------------------
    def capture(self, url: str, options: CaptureOptions | None = None, *, name: str = "",
                on_status: Callable[[CaptureStatus], None] | None = None) -> RemoteCapture:
        """A new camera capture run by the decoder process (not started)."""
        source_kind(url)
        return RemoteCapture(self, next(self._keys), url.strip(), options or CaptureOptions(), name, on_status)

    @property
    def pid(self) -> int | None:
        """The decoder process's id while it runs (for measuring its CPU, or killing it in a test)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def close(self, timeout: float = QUIT_TIMEOUT_S) -> None:
        """Stop the process (its captures end with it) and wait for it; idempotent."""
        with self._lock:
            self._closed = True
            captures = list(self._captures.values())
            self._captures.clear()
            self._outbox.put(("quit",))
        supervisor = self._supervisor
        if supervisor is not None:
            supervisor.join(timeout)
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        for capture in captures:
            capture._ended()
        remove_segments(self.prefix)

    # -- used by RemoteCapture ------------------------------------------------------------------------
    def _started(self, capture: RemoteCapture) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the video decoder is closed")
            self._captures[capture.key] = capture
            for message in capture._replay():  # the open, and the wishes made before it
                self._put(message)
            if self._supervisor is None:
                self._supervisor = threading.Thread(target=self._supervise, name="gridwatch-video-decoder",
                                                    daemon=True)
                self._supervisor.start()

    def _stop(self, capture: RemoteCapture) -> None:
        with self._lock:
            known = capture.key in self._captures
            if known:
                self._put(("stop", capture.key))
        if not known:  # the process it ran in is gone, or the host closed
            capture._ended()

    def _send(self, message: tuple) -> None:
        with self._lock:
            self._put(message)

    def _put(self, message: tuple) -> None:
        self._outbox.put(message)

    def _ask(self, message: tuple, timeout: float):
        """Send a request and wait (on the caller's thread, never the GUI's) for its answer."""
        request = next(self._requests)
        answer: Future = Future()
        with self._lock:
            if self._closed or self._connection is None:
                raise DecoderError("the video decoder is not running")
            self._replies[request] = answer
            self._put(message[:2] + (request,) + message[2:])
        try:
            return answer.result(timeout)
        except FutureTimeout:
            raise DecoderError(f"the video decoder did not answer within {timeout:g} s") from None
        finally:
            with self._lock:
                self._replies.pop(request, None)

    # -- the supervisor thread ------------------------------------------------------------------------
    def _supervise(self) -> None:
        attempt = 0
        while True:
            with self._lock:
                if self._closed:
                    return
            started = time.monotonic()
            try:
                connection = self._spawn()
            except OSError as exc:
                reason = f"cannot start the video decoder ({exc})"
            else:
                self._serve(connection)
                exit_code = self._process.wait() if self._process is not None else None
                reason = f"the video decoder stopped (exit code {exit_code}); restarting"
            with self._lock:
                if self._closed:
                    return
                self._connection = None
                self._outbox.put(None)  # ends that process's sender; what it still held is replayed below
                replies, self._replies = list(self._replies.values()), {}
                captures = list(self._captures.values())
                for capture in captures:
                    if capture._stop_requested:  # its process is gone, so it has stopped
                        del self._captures[capture.key]
            remove_segments(self.prefix)
            for answer in replies:
                answer.set_exception(DecoderError(reason))
            attempt = 0 if time.monotonic() - started > 60 else attempt + 1
            delay = self._restart.delay(attempt - 1) if attempt else self._restart.initial_s
            log.warning("%s; next start in %.1f s", reason, delay)
            for capture in captures:
                capture._lost(reason, time.monotonic() + delay)
            time.sleep(delay)
            self.restarts += 1

    def _spawn(self) -> Connection:
        if self.restarts == 0:
            remove_orphans(SEGMENT_PREFIX)  # left by a console that was killed outright with its decoder
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root,
                                                                         os.environ.get("PYTHONPATH")])))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "video.decoder_main", str(theirs.fileno()), self.prefix],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        connection = Connection(ours.detach())
        with self._lock:
            self._connection = connection
            self._outbox = outbox = queue.SimpleQueue()
            for capture in self._captures.values():
                for message in capture._replay():
                    outbox.put(message)
        threading.Thread(target=self._send_loop, args=(connection, outbox), daemon=True,
                         name="gridwatch-video-decoder-sender").start()
        return connection

    @staticmethod
    def _send_loop(connection: Connection, outbox: queue.SimpleQueue) -> None:
        while (message := outbox.get()) is not None:
            try:
                connection.send(message)
            except OSError:
                return  # the process is gone: the supervisor starts another, with a new queue
            if message[0] == "quit":
                return

    def _serve(self, connection: Connection) -> None:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                connection.close()
                return
            kind, key, *rest = message
            if kind == "reply":
                with self._lock:
                    answer = self._replies.pop(key, None)
                if answer is not None:
                    ok, value = rest
                    answer.set_result(value) if ok else answer.set_exception(ClipError(*value))
                continue
            with self._lock:
                capture = self._captures.get(key)
                if kind == "stopped":
                    self._captures.pop(key, None)
            if capture is None:
                continue
            if kind == "status":
                capture._remote_status(*rest)
            elif kind == "slots":
                capture._new_slots(rest[0])
            elif kind == "stopped":
                capture._ended()


class RemoteClip:
    """A camera's instant-clip buffer, kept by the decoder process (``ClipBuffer`` 's reading side)."""

    def __init__(self, capture: RemoteCapture):
        self._capture = capture
        self.frame_count = 0          # as of the decoder's last status report (about once a second)
        self.memory_bytes = 0
        self.duration_s = 0.0
        self.seconds = 30.0

    def _update(self, frame_count: int, memory_bytes: int, duration_s: float, seconds: float) -> None:
        self.frame_count, self.memory_bytes, self.duration_s, self.seconds = (frame_count, memory_bytes,
                                                                              duration_s, seconds)

    def export_mp4(self, path, *, title: str | None = None, timeout: float = 120.0) -> int:
        """Write the clip to ``path`` (in the decoder process) and return the frames written; ClipError if not."""
        return self._capture._host._ask(("clip", self._capture.key, str(path), title), timeout)


class RemoteCapture:
    """A camera capture run by the decoder process, with :class:`~video.capture.CameraCapture` 's methods.

    Threads: every method may be called from any thread and none waits for the process, except
    :meth:`source_picture`, :meth:`latest_source_image`, :meth:`stop` and the clip's export (never call
    those on the GUI thread).
    Frames are not announced: the consumer polls :meth:`frame_waiting` and calls :meth:`take_frame`
    (one thread, normally the GUI's); the frame's ``image`` is shared memory, valid until the next take.
    ``on_status(status)`` runs on the host's supervisor thread.
    """

    def __init__(self, host: DecoderHost, key: int, url: str, options: CaptureOptions, name: str,
                 on_status: Callable[[CaptureStatus], None] | None):
        self._host, self.key = host, key
        self._url, self._on_status = url, on_status
        self.options, self.name = options, name
        self._lock = threading.Lock()
        self._size: tuple[int, int] | None = None
        self._active = True
        self._max_fps: float | None = None
        self._started = False
        self._stop_requested = False
        self._ended_event = threading.Event()
        self._status = CaptureStatus(CaptureState.STOPPED)
        self._reader = SlotReader()
        self._pending_slots: str | None = None
        self._last: Frame | None = None
        self.clip = RemoteClip(self)

    @property
    def url(self) -> str:
        return self._url

    @property
    def status(self) -> CaptureStatus:
        return self._status

    @property
    def running(self) -> bool:
        return self._started and not self._ended_event.is_set()

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        registry.add(self)
        self._host._started(self)

    def request_stop(self) -> None:
        with self._lock:
            if not self._started or self._stop_requested:
                return
            self._stop_requested = True
        self._host._stop(self)

    _request_stop = request_stop  # what the registry calls at exit

    def stop(self, timeout: float = 5.0) -> None:
        self.request_stop()
        if self._started and not self._ended_event.wait(timeout):
            log.warning("capture %s still busy %.1f s after stop", self._label(), timeout)

    def set_url(self, url: str) -> None:
        source_kind(url)
        self._wish("url", url.strip(), "_url")

    def set_output_size(self, size: tuple[int, int] | None) -> None:
        if size is not None:
            if int(size[0]) < 1 or int(size[1]) < 1:
                raise ValueError(f"output size must be positive, not {size}")
            size = (int(size[0]), int(size[1]))
        self._wish("size", size, "_size")

    def set_active(self, active: bool) -> None:
        self._wish("active", bool(active), "_active")

    def set_max_fps(self, fps: float | None) -> None:
        self._wish("max_fps", fps if fps and fps > 0 else None, "_max_fps")

    def frame_waiting(self) -> bool:
        """A frame newer than the last taken is ready (cheap: for polling)."""
        return self._pending_slots is not None or self._reader.waiting()

    def take_frame(self) -> Frame | None:
        """The newest frame if one came since the last take, else None."""
        with self._lock:
            pending, self._pending_slots = self._pending_slots, None
        if pending is not None:
            self._reader.attach(pending)
        taken = self._reader.take()
        if taken is None:
            return None
        self._last = Frame(taken.image, taken.seq, taken.captured_at, taken.wall_time, taken.source_size)
        return self._last

    def latest_frame(self) -> Frame | None:
        """The frame taken last (None before the first)."""
        return self._last

    def source_picture(self, timeout: float = 3.0) -> tuple[np.ndarray, float] | None:
        """The newest frame at the source's size (BGR) and its wall-clock time, asked of the decoder (this
        waits: never call it on the GUI thread); None if it has none or cannot answer."""
        try:
            return self._host._ask(("source_image", self.key), timeout)
        except DecoderError:
            return None

    def latest_source_image(self, timeout: float = 3.0) -> np.ndarray | None:
        """The newest frame at the source's size (see :meth:`source_picture`)."""
        picture = self.source_picture(timeout)
        return None if picture is None else picture[0]

    def _check_stall(self, now: float) -> None:
        """The decoder watches for stalls itself."""

    def __repr__(self) -> str:
        return f"<RemoteCapture {self._label()} {self._status.state.value}>"

    # -- called by the host ---------------------------------------------------------------------------
    def _wish(self, kind: str, value, field: str) -> None:
        with self._lock:
            if getattr(self, field) == value:
                return
            setattr(self, field, value)
            send = self._started and not self._stop_requested
        if send:
            self._host._send((kind, self.key, value))

    def _replay(self) -> list[tuple]:
        with self._lock:
            if self._stop_requested:  # the new process answers "stopped" at once
                return [("stop", self.key)]
            return [("open", self.key, self._url, self.options, self.name), ("size", self.key, self._size), ("active", self.key, self._active),
                    ("max_fps", self.key, self._max_fps)]

    def _remote_status(self, status: CaptureStatus, clip: tuple) -> None:
        self._status = status
        self.clip._update(*clip)
        self._tell(status)

    def _new_slots(self, path: str) -> None:
        with self._lock:
            self._pending_slots = path

    def _lost(self, reason: str, retry_at: float) -> None:
        if self._stop_requested:
            self._ended()
            return
        self._status = replace(CaptureStatus(CaptureState.OFFLINE, reason, retry_at), frames=self._status.frames)
        self.clip._update(0, 0, 0.0, self.clip.seconds)
        self._tell(self._status)

    def _ended(self) -> None:
        if self._ended_event.is_set():
            return
        self._ended_event.set()
        registry.discard(self)
        self._status = CaptureStatus(CaptureState.STOPPED)
        self._tell(self._status)

    def _tell(self, status: CaptureStatus) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:  # noqa: BLE001 - a consumer's bug must not stop the supervisor
            log.exception("capture %s: status callback failed", self._label())

    def _label(self) -> str:
        return self.name or mask_url(self._url)
