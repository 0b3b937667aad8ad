"""Live camera pictures for the GUI: one capture per camera, shared by every tile that shows it.

:class:`FeedPool` owns one :class:`CameraFeed` per camera on screen.  Each feed's
capture runs in the video decoder process (:class:`video.decoder_host.RemoteCapture`),
which writes every frame into shared memory; the pool polls for new frames and the feed
wraps the newest as a ``QImage`` without copying it.  The GUI's interpreter runs no
capture thread, so it never waits for the GIL behind dozens of them, and a busy GUI
simply takes fewer, newer frames: nothing queues.

Tiles tell their feed how big and whether visible they are (:meth:`CameraFeed.demand`);
the feed asks the decoder for frames of the largest visible tile's size,
stops decoding once no tile has been visible for :data:`PAUSE_AFTER_MS`, and
picks main or sub stream by tile height (:class:`video.stream_choice.StreamChooser`).
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from dataclasses import dataclass, replace

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from console.gui.inbox import GuiInbox
from video.capture import CaptureOptions, CaptureState, CaptureStatus, Frame
from video.decoder_host import DecoderHost, RemoteCapture, RemoteClip
from video.load_governor import LoadGovernor
from video.stats import LatencyRecorder
from video.stream_choice import Stream, StreamChooser


#: How often the pool checks that the GUI keeps up (its lag drives :class:`LoadGovernor`).
LAG_PROBE_MS = 100
#: Lag in the first seconds after cameras appear (windows opening, the queue loading) is not judged.
SETTLE_S = 12.0
#: A feed no tile shows for this long stops decoding (shorter gaps, e.g. a tile swap, cost nothing).
PAUSE_AFTER_MS = 250
#: How often the pool looks for new frames in shared memory (a frame waits half of this on average).
FRAME_POLL_MS = 8
#: The states in which a feed shows new frames.
TAKES_FRAMES = (CaptureState.LIVE, CaptureState.STALLED)


def qimage_format(pixels) -> QImage.Format:
    """How Qt reads a capture's pixels: BGRA as RGB32 (little-endian), BGR as BGR888."""
    return QImage.Format.Format_RGB32 if pixels.shape[2] == 4 else QImage.Format.Format_BGR888


@dataclass(frozen=True)
class FeedSource:
    """What a feed needs to know of a camera."""

    camera_id: int
    name: str
    url: str
    sub_url: str | None = None


@dataclass(frozen=True)
class _Demand:
    size: QSize
    visible: bool
    maximised: bool


class CameraFeed(QObject):
    """One camera's newest picture and state, on the GUI thread.

    Signals (all emitted on the GUI thread): ``frame_ready`` when :attr:`image`
    holds a new picture; ``status_changed(CaptureStatus)`` when the capture's
    state or fps changes.
    """

    frame_ready = Signal()
    status_changed = Signal(object)

    def __init__(self, source: FeedSource, capture: RemoteCapture, parent: QObject | None = None):
        super().__init__(parent)
        self.source = source
        self.capture = capture
        self.clip: RemoteClip = capture.clip
        self.image: QImage | None = None
        self.frame: Frame | None = None
        self.status: CaptureStatus = capture.status
        self.latency = LatencyRecorder()
        self._painted_seq = -1
        self._demands: dict[int, _Demand] = {}
        self._chooser = StreamChooser()
        self._stream = Stream.SUB if source.sub_url else Stream.MAIN
        self._recheck = QTimer(self, singleShot=True)
        self._recheck.timeout.connect(self._apply_demands)
        self._pause_timer = QTimer(self, singleShot=True, interval=PAUSE_AFTER_MS)
        self._pause_timer.timeout.connect(self._pause)
        self._retired = False

    # -- tiles ------------------------------------------------------------------------------------
    def demand(self, consumer: object, size: QSize, visible: bool, maximised: bool = False) -> None:
        """A tile shows this feed at ``size`` device pixels (or is hidden): adjust what the worker decodes."""
        self._demands[id(consumer)] = _Demand(QSize(size), visible, maximised)
        self._apply_demands()

    def withdraw(self, consumer: object) -> None:
        """A tile stopped showing this feed."""
        self._demands.pop(id(consumer), None)
        if self._retired:
            if not self._demands:
                self.deleteLater()
            return
        self._apply_demands()

    def retire(self) -> None:
        """The pool let go of this feed (camera removed or changed, console closing); its capture is stopping.

        Tiles may still hold it until they are given another feed: it shows them a stopped
        camera meanwhile, and is deleted once the last of them has withdrawn.
        """
        self._retired = True
        self._pause_timer.stop()
        self._recheck.stop()
        self.set_status(CaptureStatus(CaptureState.STOPPED))
        if not self._demands:
            self.deleteLater()

    @property
    def consumer_count(self) -> int:
        return len(self._demands)

    @property
    def stream(self) -> Stream:
        return self._stream

    def _apply_demands(self) -> None:
        if self._retired:
            return
        visible = [d for d in self._demands.values() if d.visible and not d.size.isEmpty()]
        if not visible:
            # Pause only once no tile has shown the feed for a moment: a tile made before its window is
            # shown, a swap or a layout change hides it for an instant, and every wish wakes the worker
            # (one that wakes it during a hung open makes it skip its back-off and reconnect at once).
            if not self._pause_timer.isActive():
                self._pause_timer.start()
            return
        self._pause_timer.stop()
        self.capture.set_active(True)
        width = max(d.size.width() for d in visible)
        height = max(d.size.height() for d in visible)
        self.capture.set_output_size((width, height))
        if self.source.sub_url:
            stream = self._chooser.decide(height, time.monotonic(), any(d.maximised for d in visible))
            if stream != self._stream:
                self._stream = stream
                self.capture.set_url(self.source.url if stream is Stream.MAIN else self.source.sub_url)
            if self._chooser.switch_pending:
                self._recheck.start(int(self._chooser.dwell_s * 1000) + 50)

    def _pause(self) -> None:
        if not any(d.visible and not d.size.isEmpty() for d in self._demands.values()):
            self.capture.set_active(False)

    # -- frames -----------------------------------------------------------------------------------
    def take_new_frame(self) -> bool:
        """Move the decoder's newest frame into :attr:`image`; False if none came since the last."""
        frame = self.capture.take_frame()
        if frame is None:
            return False
        height, width = frame.image.shape[:2]
        # The QImage wraps the frame's shared memory, which the decoder leaves alone until the next take;
        # self.frame keeps the mapping alive while it is shown.
        self.image = QImage(frame.image.data, width, height, frame.image.strides[0], qimage_format(frame.image))
        self.frame = frame
        self.frame_ready.emit()
        return True

    def painted(self) -> None:
        """A tile painted :attr:`frame`: record its capture-to-paint latency once per frame."""
        frame = self.frame
        if frame is not None and frame.seq != self._painted_seq:
            self._painted_seq = frame.seq
            self.latency.add(time.monotonic() - frame.captured_at)

    def set_status(self, status: CaptureStatus) -> None:
        self.status = status
        if status.state in (CaptureState.OFFLINE, CaptureState.STOPPED):
            self.image, self.frame = None, None  # never show a frozen picture of a camera that is gone
        self.status_changed.emit(status)


class FeedPool(QObject):
    """All camera feeds of the console, one per camera, shared by the main window and every wall window.

    The captures run in one video decoder process (:class:`DecoderHost`, started with the first
    camera and restarted if it dies).  New frames are found by polling every :data:`FRAME_POLL_MS`;
    status changes arrive on the host's thread and are handed over through a :class:`GuiInbox`
    (no Qt call on that thread: a queued signal from it can deadlock PySide), which runs
    ``_on_status(camera_id, capture, status)`` on the GUI thread.  It names the capture as well
    as the camera: a capture being replaced (the camera's URL changed) still reports while it
    stops, and that must not reach its successor's feed.
    """

    #: The frame cap every camera now runs at (None: every frame) after the console fell behind or
    #: caught up again (GUI thread).
    frame_cap_changed = Signal(object)

    def __init__(self, options: CaptureOptions | None = None, parent: QObject | None = None):
        super().__init__(parent)
        # Frames come as BGRA, which Qt paints as RGB32 about 3x faster than 24-bit pictures.
        self.options = replace(options or CaptureOptions(), pixel_format="bgra")
        self._feeds: dict[int, CameraFeed] = {}
        self._stopping: list[threading.Thread] = []
        self._inbox = GuiInbox(self)
        self.decoder = DecoderHost()
        self._frame_poll = QTimer(self, interval=FRAME_POLL_MS, timerType=Qt.TimerType.PreciseTimer)
        self._frame_poll.timeout.connect(self._take_frames)
        self._release_timer = QTimer(self, singleShot=True, interval=2_000)
        self._release_timer.timeout.connect(self.release_unused)
        self.governor = LoadGovernor()
        self._closed = False
        self._lag_probe = QTimer(self, interval=LAG_PROBE_MS, timerType=Qt.TimerType.PreciseTimer)
        self._lag_probe.timeout.connect(self._probe_lag)
        self._last_probe = time.monotonic()
        self._calm_from = self._last_probe + SETTLE_S
        self._lag_probe.start()

    def feed(self, source: FeedSource) -> CameraFeed:
        """The running feed of ``source`` (started on first use; restarted if its URLs changed)."""
        feed = self._feeds.get(source.camera_id)
        if feed is not None and feed.source == source:
            return feed
        if feed is not None:
            self._stop(feed)
        # The host's thread holds the pool only weakly: a thread other than the GUI's must never drop the
        # last reference to a QObject (its C++ object would then be destroyed off the GUI thread).
        pool, made = weakref.ref(self), []

        def on_status(status: CaptureStatus, cid: int = source.camera_id) -> None:
            me = pool()
            if me is not None and shiboken6.isValid(me):
                me._inbox.post(functools.partial(me._on_status, cid, made[0], status))
        capture = self.decoder.capture(source.sub_url or source.url, self.options, name=source.name,
                                       on_status=on_status)
        made.append(capture)
        feed = CameraFeed(source, capture, self)
        self._feeds[source.camera_id] = feed
        capture.set_max_fps(self.governor.frame_cap)
        if not self._closed:  # a late catalogue load after shutdown must not start cameras again
            capture.start()
            self._frame_poll.start()
        return feed

    def _take_frames(self) -> None:
        if not self._feeds:
            self._frame_poll.stop()
            return
        for feed in self._feeds.values():
            # A frame published just before the camera went offline (or reconnects) may be read after the
            # state says so; it waits until the decoder reports the camera live again, by when it is newer.
            if feed.status.state in TAKES_FRAMES and feed.capture.frame_waiting():
                feed.take_new_frame()

    def _probe_lag(self) -> None:
        now = time.monotonic()
        lag, self._last_probe = now - self._last_probe - LAG_PROBE_MS / 1000, now
        if not self._feeds:
            self._calm_from = now + SETTLE_S
            return
        if now < self._calm_from:  # opening windows and loading the queue lag too: not the cameras' fault
            return
        if self.governor.observe(lag, now):
            cap = self.governor.frame_cap
            for feed in self._feeds.values():
                feed.capture.set_max_fps(cap)
            self.frame_cap_changed.emit(cap)

    def feeds(self) -> list[CameraFeed]:
        return list(self._feeds.values())

    def get(self, camera_id: int) -> CameraFeed | None:
        return self._feeds.get(camera_id)

    def schedule_release(self) -> None:
        """Stop feeds no tile shows any more, shortly (a tile swap re-uses the feed in between)."""
        self._release_timer.start()

    def release_unused(self) -> None:
        for camera_id, feed in list(self._feeds.items()):
            if feed.consumer_count == 0:
                del self._feeds[camera_id]
                self._stop(feed)

    def forget(self, camera_id: int) -> None:
        """A camera was removed: stop its feed now."""
        feed = self._feeds.pop(camera_id, None)
        if feed is not None:
            self._stop(feed)

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop every capture, also those already being stopped, and wait for the workers (at exit)."""
        self._closed = True
        self._release_timer.stop()
        self._lag_probe.stop()
        self._frame_poll.stop()
        feeds, self._feeds = list(self._feeds.values()), {}
        for feed in feeds:  # all asked at once: one worker stuck in an open must not use up the others' time
            feed.capture.request_stop()
        deadline = time.monotonic() + timeout
        for feed in feeds:
            feed.capture.stop(max(0.0, deadline - time.monotonic()))
            feed.retire()
        stopping, self._stopping = self._stopping, []
        for thread in stopping:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.decoder.close()

    def _stop(self, feed: CameraFeed) -> None:
        # A worker may be inside a bounded open: join it on a helper thread, never on the GUI thread.
        thread = threading.Thread(target=feed.capture.stop, name=f"stop-{feed.source.camera_id}")
        thread.start()
        self._stopping = [t for t in self._stopping if t.is_alive()] + [thread]
        feed.retire()

    def _current(self, camera_id: int, capture: RemoteCapture) -> CameraFeed | None:
        feed = self._feeds.get(camera_id)
        return feed if feed is not None and feed.capture is capture else None

    @Slot(int, object, object)
    def _on_status(self, camera_id: int, capture: RemoteCapture, status: CaptureStatus) -> None:
        feed = self._current(camera_id, capture)
        if feed is not None:
            feed.set_status(status)
