"""One camera's capture: a worker thread that connects, reads, resizes and hands over the newest frame.

The worker owns the OpenCV reader and is the only thread that touches it.  The GUI
talks to a :class:`CameraCapture` through thread-safe methods that only record a wish
and wake the worker (none of them blocks on the network), and it gets frames through
a latest-frame-wins slot: a slow consumer skips frames, it never queues them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Callable

import cv2
import numpy as np

from video import registry
from video.backoff import BackOff
from video.readers import OpenError, Reader, open_reader
from video.sources import InvalidSource, mask_url, source_kind
from video.stats import RateMeter

log = logging.getLogger(__name__)

STATUS_INTERVAL_S = 1.0  # how often a live capture reports its frame rate


class CaptureState(str, Enum):
    CONNECTING = "connecting"  # opening the source, or opened and waiting for the first frame
    LIVE = "live"              # frames are arriving
    STALLED = "stalled"        # connected, but no frame for ``stall_after_s``
    OFFLINE = "offline"        # failed; the next attempt is at ``retry_at``
    PAUSED = "paused"          # ``set_active(False)``: not decoding
    STOPPED = "stopped"        # not started, stopped, or a file that ended without looping


@dataclass(frozen=True)
class CaptureStatus:
    """A snapshot of a capture's state; ``reason`` says (in one line, credentials masked) why it is not live."""

    state: CaptureState
    reason: str = ""
    retry_at: float | None = None  # time.monotonic() of the next connection attempt, when OFFLINE
    fps: float = 0.0
    frames: int = 0                # frames delivered since the capture was created
    source_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class Frame:
    """One delivered frame.  ``image`` is shared with every other taker: treat it as read-only."""

    image: np.ndarray              # H x W x 3 uint8 BGR (x 4 BGRA by option), C-contiguous, already resized
    seq: int                       # 1, 2, 3, ... per capture, across reconnections and URL changes
    captured_at: float             # time.monotonic() when the reader returned it
    wall_time: float               # time.time() at the same moment
    source_size: tuple[int, int]   # (width, height) before resizing


@dataclass
class CaptureOptions:
    """Timeouts and policies of one capture (read by its worker; do not change after ``start()``)."""

    open_timeout_s: float = 5.0
    read_timeout_s: float = 2.5  # a camera whose stream goes silent (unplugged) shows offline within 3 s
    stall_after_s: float = 2.0
    backoff: BackOff = field(default_factory=BackOff)
    loop_files: bool = True
    pause_grace_s: float = 2.0  # a paused capture keeps its connection this long (a quick hide/show is free)
    #: "bgr" (H×W×3) or "bgra" (H×W×4, what Qt paints fastest as Format_RGB32: the conversion then happens
    #: here, off the GUI thread and without the GIL).
    pixel_format: str = "bgr"


def fit_inside(source: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest (width, height) with ``source``'s aspect ratio that fits inside ``box``."""
    scale = min(box[0] / source[0], box[1] / source[1])
    return (max(1, min(box[0], round(source[0] * scale))), max(1, min(box[1], round(source[1] * scale))))


#: A frame within this fraction of the wanted size is not resized: the painter's last few pixels of
#: scaling are free, a resize of 640×360 to 638×358 costs as much as decoding it.
RESIZE_TOLERANCE = 0.05


def resize_to_fit(image: np.ndarray, box: tuple[int, int] | None) -> np.ndarray:
    """``image`` shrunk (bilinear) to fit inside ``box`` keeping its aspect ratio.

    Never enlarged (the painter scales up for free, without more pixels to move here), and left
    alone when it is already within :data:`RESIZE_TOLERANCE` of the fitted size.
    """
    if box is None:
        return image
    height, width = image.shape[:2]
    size = fit_inside((width, height), box)
    if size[0] >= width * (1 - RESIZE_TOLERANCE) or size[1] >= height * (1 - RESIZE_TOLERANCE):
        return image
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


class CameraCapture:
    """One camera's capture worker thread.

    Threads: ``start``, ``stop``, ``set_url``, ``set_output_size``, ``set_active``,
    ``take_frame``, ``latest_frame`` and the properties may be called from any thread
    (normally the GUI's) and never wait for the network; ``stop`` waits for the worker.

    Callbacks run on a capture thread, never on the caller's, and must be quick
    (emit a queued Qt signal, set a flag); an exception in one is logged, never raised:

    - ``on_frame()`` runs on the worker when a new frame arrives and no earlier
      notification is still pending, i.e. only after the consumer called
      :meth:`take_frame`.  A slow consumer therefore has at most one notification
      outstanding and always takes the newest frame.
    - ``on_status(status)`` runs on every state change and about once a second while
      live (frame rate update), on the worker, except the change to STALLED, which is
      detected by the shared watchdog thread (the worker is then blocked waiting for a
      frame).  Calls are serialised and arrive in the order of the changes.
    - ``on_source_frame(image, wall_time)`` runs on the worker for every frame at the
      source's size, before it is resized (an instant-clip recorder keeps what it needs).

    The URL is checked on construction and by :meth:`set_url`: :class:`InvalidSource`
    for an empty or unsupported one.
    """

    def __init__(self, url: str, options: CaptureOptions | None = None, *, name: str = "",
                 on_frame: Callable[[], None] | None = None,
                 on_status: Callable[[CaptureStatus], None] | None = None,
                 on_source_frame: Callable[[np.ndarray, float], None] | None = None):
        source_kind(url)
        self._options = options or CaptureOptions()
        self._name = name
        self._on_frame = on_frame
        self._on_status = on_status
        self._on_source_frame = on_source_frame
        self._lock = threading.Lock()               # guards the fields below
        self._status_lock = threading.RLock()       # serialises status changes with their callbacks
        self._wake = threading.Event()              # a wish below changed: the worker must look
        self._url = url.strip()
        self._url_changed = False
        self._active = True
        self._stop_requested = False
        self._exiting = False                       # the worker saw the stop request and is ending
        self._output_size: tuple[int, int] | None = None
        self._latest: Frame | None = None
        self._latest_source: np.ndarray | None = None
        self._max_fps: float | None = None
        self._last_delivered = 0.0
        self._frame_pending = False
        self._seq = 0
        self._source_size: tuple[int, int] | None = None
        self._stall_deadline: float | None = None   # when to declare a stall; None while not reading
        self._last_live_at: float | None = None     # time.monotonic() of the current URL's last frame (worker)
        self._last_status_at = 0.0
        self._status = CaptureStatus(CaptureState.STOPPED)
        self._rate = RateMeter()
        self._thread: threading.Thread | None = None

    # -- the caller's side -------------------------------------------------------------------
    @property
    def url(self) -> str:
        with self._lock:
            return self._url

    @property
    def name(self) -> str:
        return self._name

    @property
    def options(self) -> CaptureOptions:
        return self._options

    @property
    def status(self) -> CaptureStatus:
        """The current status: the last state reported, with the frame count and rate of this moment."""
        with self._lock:
            status = self._status
            if status.frames == self._seq:
                return status
            fps = self._rate.rate(time.monotonic()) if status.state is CaptureState.LIVE else 0.0
            return replace(status, frames=self._seq, fps=fps, source_size=self._source_size)

    @property
    def running(self) -> bool:
        """True from ``start()`` until the worker has ended."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        """Start the worker (it connects at once); no-op while running.  A stopped capture may start again
        (also right after a ``stop()`` that timed out: the worker still busy then simply carries on)."""
        with self._lock:
            previous = self._thread
            if previous is not None and previous.is_alive() and not self._exiting:
                self._stop_requested = False  # a stop() that timed out, not yet seen by the worker: cancel it
                return
        if previous is not None:
            previous.join()  # a worker past its loop only releases its source and ends
        with self._lock:
            self._stop_requested = False
            self._exiting = False
            self._url_changed = False
            label = self._name or mask_url(self._url)
            self._thread = threading.Thread(target=self._run, name=f"gridwatch-capture {label}", daemon=False)
        registry.add(self)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker, wait up to ``timeout`` s for it to release the source and end; idempotent.

        A worker stuck inside an open that does not answer ends by itself once the
        open timeout passes; ``stop`` does not wait longer than ``timeout`` for that.
        """
        self._request_stop()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return
        thread.join(timeout)
        if thread.is_alive():
            log.warning("capture %s still busy %.1f s after stop; it will end on its own", self._label(), timeout)

    def set_max_fps(self, fps: float | None) -> None:
        """Deliver at most ``fps`` frames a second (None: all), to shed load when the console is overloaded.

        A file or demo source is then read more slowly (less decoding); a live stream must still be
        decoded frame by frame, but the frames over the cap are dropped before any further work.
        """
        with self._lock:
            self._max_fps = fps if fps and fps > 0 else None

    def request_stop(self) -> None:
        """Ask the worker to end without waiting for it (stop many at once, then :meth:`stop` each)."""
        self._request_stop()

    def set_url(self, url: str) -> None:
        """Switch to ``url`` (e.g. main <-> sub stream): the worker reconnects; the caller never waits."""
        source_kind(url)
        with self._lock:
            if url.strip() == self._url:
                return
            self._url = url.strip()
            self._url_changed = True
        self._wake.set()

    def set_output_size(self, size: tuple[int, int] | None) -> None:
        """Resize the next frames (in the worker) to fit inside ``(width, height)``; None: the source size."""
        if size is not None:
            width, height = size
            if int(width) < 1 or int(height) < 1:
                raise ValueError(f"output size must be positive, not {size}")
            size = (int(width), int(height))
        with self._lock:
            self._output_size = size

    def set_active(self, active: bool) -> None:
        """False (tile hidden, window minimised): stop decoding, PAUSED, release the source after a grace
        period; True: resume (reconnecting if the grace period passed)."""
        with self._lock:
            if self._active == bool(active):
                return
            self._active = bool(active)
        self._wake.set()

    def take_frame(self) -> Frame | None:
        """The newest frame (None before the first), and re-arm ``on_frame`` for the next one."""
        with self._lock:
            self._frame_pending = False
            return self._latest

    def latest_frame(self) -> Frame | None:
        """The newest frame, without re-arming ``on_frame`` (for snapshots)."""
        with self._lock:
            return self._latest

    def latest_source_image(self) -> np.ndarray | None:
        """The newest frame at the source's own size, before resizing (for evidence); treat as read-only."""
        with self._lock:
            return self._latest_source

    def __repr__(self) -> str:
        return f"<CameraCapture {self._label()} {self.status.state.value}>"

    # -- the worker ----------------------------------------------------------------------------
    def _run(self) -> None:
        reader: Reader | None = None
        reader_frames = 0
        attempt = 0
        pacer = _Pacer()
        resumed = False
        try:
            while True:
                self._wake.clear()
                with self._lock:
                    if self._stop_requested or not threading.main_thread().is_alive():
                        self._exiting = True
                        break
                    active, url = self._active, self._url
                    url_changed, self._url_changed = self._url_changed, False
                if url_changed:
                    reader = self._close(reader)
                    attempt = 0
                    self._last_live_at = None
                if not active:
                    reader = self._pause(reader)
                    pacer.reset()
                    resumed = True
                    continue
                if resumed and reader is not None:  # kept through a short pause: watch it again
                    self._watch_for_stall()
                resumed = False
                if reader is None:
                    self._publish(CaptureState.CONNECTING)
                    try:
                        reader = open_reader(url, self._options)
                    except Exception as exc:  # noqa: BLE001 - any failure to open is an offline camera
                        self._go_offline(_reason(exc), attempt)
                        attempt += 1
                        continue
                    reader_frames = 0
                    pacer.reset()
                    self._watch_for_stall()
                with self._lock:
                    cap = self._max_fps
                pace = min(reader.fps, cap) if cap and reader.fps > 0 else (cap or reader.fps)
                if not reader.live and not pacer.wait(pace, self._wake):
                    continue  # a wish arrived while waiting for the next file frame
                started = time.monotonic()
                image = _read(reader)
                if image is not None:
                    reader_frames += 1
                    attempt = 0
                    if reader.live and cap and started - self._last_delivered < 0.9 / cap:
                        self._keep_alive(time.monotonic())  # over the cap: dropped, but the stream is alive
                    else:
                        self._last_delivered = started
                        self._deliver(image)
                    continue
                ended_file = not reader.live and reader_frames > 0 and not self._options.loop_files
                reader = self._close(reader)
                if ended_file:
                    self._publish(CaptureState.STOPPED, "end of file")
                    self._wait_for_wish()
                    continue
                if time.monotonic() - started >= self._options.read_timeout_s * 0.9:
                    reason = f"no frames for {self._options.read_timeout_s:g} s (read timed out)"
                else:
                    reason = "stream ended or connection lost"
                self._go_offline(reason, attempt)
                attempt += 1
        except Exception:  # a bug here must not kill the thread silently, nor leave the source open
            log.exception("capture %s failed", self._label())
        finally:
            with self._lock:
                self._exiting = True
            self._close(reader)
            registry.discard(self)
            self._publish(CaptureState.STOPPED)

    def _deliver(self, image: np.ndarray) -> None:
        captured_at, wall_time = time.monotonic(), time.time()
        self._last_live_at = captured_at
        source_size = (image.shape[1], image.shape[0])
        with self._lock:
            output_size = self._output_size
        source = image  # readers hand out a new array per frame, so keeping it costs no copy
        if self._on_source_frame is not None:
            self._call(self._on_source_frame, source, wall_time)
        image = np.ascontiguousarray(resize_to_fit(image, output_size))
        if self._options.pixel_format == "bgra":
            image = cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)
        with self._lock:
            self._seq += 1
            self._latest = Frame(image, self._seq, captured_at, wall_time, source_size)
            self._latest_source = source
            notify = not self._frame_pending
            self._frame_pending = True
            self._source_size = source_size
            self._stall_deadline = captured_at + self._options.stall_after_s
            state = self._status.state
        self._rate.tick(captured_at)
        if notify:
            self._call(self._on_frame)
        if state is not CaptureState.LIVE or captured_at - self._last_status_at >= STATUS_INTERVAL_S:
            self._publish(CaptureState.LIVE, force=True)

    def _keep_alive(self, now: float) -> None:
        self._last_live_at = now
        with self._lock:
            self._stall_deadline = now + self._options.stall_after_s

    def _go_offline(self, reason: str, attempt: int) -> None:
        now = time.monotonic()
        since_live = None if self._last_live_at is None else now - self._last_live_at
        delay = self._options.backoff.delay(attempt, since_live)  # a camera live a moment ago is retried soon
        retry_at = now + delay
        log.info("capture %s offline (%s); retry in %.1f s", self._label(), reason, delay)
        self._publish(CaptureState.OFFLINE, reason, retry_at)
        while (remaining := retry_at - time.monotonic()) > 0:
            if not threading.main_thread().is_alive():
                return
            if self._wake.wait(min(remaining, 1.0)):
                # Only a stop, a new URL or a pause cuts the back-off short; a wish that merely resumed or
                # resized (perhaps while the failed open was still hanging) must not make it retry at once.
                with self._lock:
                    if self._stop_requested or self._url_changed or not self._active:
                        return
                self._wake.clear()

    def _pause(self, reader: Reader | None) -> Reader | None:
        self._stop_watching()
        self._publish(CaptureState.PAUSED)
        if reader is not None:
            if self._wake.wait(self._options.pause_grace_s):
                return reader
            return self._close(reader)
        self._wait_for_wish()
        return None

    def _wait_for_wish(self) -> None:
        while not self._wake.wait(1.0):
            if not threading.main_thread().is_alive():
                return

    def _close(self, reader: Reader | None) -> None:
        self._stop_watching()
        if reader is not None:
            try:
                reader.release()
            except Exception:  # noqa: BLE001
                log.exception("capture %s: release failed", self._label())
        return None

    def _watch_for_stall(self) -> None:
        with self._lock:
            self._stall_deadline = time.monotonic() + self._options.stall_after_s

    def _stop_watching(self) -> None:
        with self._lock:
            self._stall_deadline = None

    # -- shared by the worker and the watchdog -------------------------------------------------
    def _check_stall(self, now: float) -> None:
        """Called by the registry's watchdog: declare a stall if no frame came in time (once per stall)."""
        with self._lock:  # the common case, without waiting behind a status callback
            if self._stall_deadline is None or now < self._stall_deadline:
                return
        with self._status_lock:
            with self._lock:
                if self._stall_deadline is None or now < self._stall_deadline:  # a frame came meanwhile
                    return
                self._stall_deadline = None
            self._publish(CaptureState.STALLED, f"no frames for {self._options.stall_after_s:g} s")

    def _request_stop(self) -> None:
        with self._lock:
            self._stop_requested = True
        self._wake.set()

    def _publish(self, state: CaptureState, reason: str = "", retry_at: float | None = None, *,
                 force: bool = False) -> None:
        """Record the new status; tell ``on_status`` if it changed (or ``force``)."""
        with self._status_lock:
            now = time.monotonic()
            with self._lock:
                previous = self._status
                fps = self._rate.rate(now) if state is CaptureState.LIVE else 0.0
                self._status = CaptureStatus(state, reason, retry_at, fps=fps, frames=self._seq,
                                             source_size=self._source_size)
                current = self._status
            if not force and (previous.state, previous.reason, previous.retry_at) == (state, reason, retry_at):
                return
            self._last_status_at = now
            self._call(self._on_status, current)

    def _call(self, callback: Callable | None, *args) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # noqa: BLE001 - a consumer's bug must not stop the capture
            log.exception("capture %s: callback %r failed", self._label(), callback)

    def _label(self) -> str:
        return self._name or mask_url(self._url)


class _Pacer:
    """Spaces the frames of a file or demo scene at its frame rate (they could be read far faster)."""

    def __init__(self):
        self._due: float | None = None

    def reset(self) -> None:
        self._due = None

    def wait(self, fps: float, wake: threading.Event) -> bool:
        """Wait until the next frame is due; False if ``wake`` was set first."""
        interval = 1.0 / fps if fps > 0 else 0.04
        now = time.monotonic()
        if self._due is None or self._due < now - interval:  # first frame, or fell behind: no catch-up burst
            self._due = now
        delay = self._due - now
        if delay > 0 and wake.wait(delay):
            return False
        self._due += interval
        return True


def _read(reader: Reader) -> np.ndarray | None:
    try:
        return reader.read()
    except Exception:  # noqa: BLE001 - a reader that raises has failed like one that returns None
        log.debug("read failed", exc_info=True)
        return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, (OpenError, InvalidSource)):
        return str(exc)
    return mask_url(f"cannot open ({type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''})")


__all__ = ["CameraCapture", "CaptureOptions", "CaptureState", "CaptureStatus", "Frame", "fit_inside",
           "resize_to_fit"]
