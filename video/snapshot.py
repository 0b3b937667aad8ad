"""Single pictures of cameras, now and then, for watchers that do not need a live feed (the change detector).

A camera the wall is playing already has a picture: :class:`SnapshotSource` takes
its capture's newest full-size frame when it is fresh.  Otherwise it fetches one:

* a live source (RTSP, MJPEG, a device) is opened, read once and closed, so a
  camera sampled every few seconds costs one connection and one decoded picture,
  not a decoder running all the time; the open and read timeouts of
  :class:`~video.capture.CaptureOptions` bound how long a dead camera can hold
  the caller;
* a ``demo:`` scene stays open and shows the moment that has passed since it was
  first asked for (its scene clock follows the wall clock, as a camera would; the
  picture's time follows the scene's calendar, see :class:`Snapshot`), even when the
  wall plays it (the wall's reader started at another moment);
* a file or an HLS playlist stays open and gives its next frame.

A camera that cannot be reached is not asked again before a back-off has passed
(doubling from :data:`RETRY_FIRST_S` to :data:`RETRY_MAX_S`); :meth:`SnapshotSource.problem`
says why.  :meth:`SnapshotSource.grab` is called from one thread (the watcher's);
:meth:`SnapshotSource.set_urls` from any (it takes effect at the next grab).  No Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from video.capture import CameraCapture, CaptureOptions, CaptureState
from video.demo import DemoReader
from video.readers import OpenError, Reader, open_reader
from video.sources import InvalidSource, SourceKind, mask_url, source_kind

log = logging.getLogger(__name__)

RETRY_FIRST_S = 15.0
RETRY_MAX_S = 300.0
#: A wall capture's frame older than this is not "now" any more (the camera stalled): fetch one instead.
FRESH_S = 5.0


@dataclass(frozen=True)
class Snapshot:
    """A picture and the time it shows.

    ``at`` is on the camera's own clock: the wall clock for a real camera; a ``demo:`` scene with
    a fast calendar runs ``speed`` times faster (``at`` then starts at the wall clock when the
    scene was opened), so a detector that counts in the picture's time sees its simulated hours.
    ``wall_at`` is the wall-clock time the picture was taken.
    """

    image: np.ndarray
    at: float
    wall_at: float
    speed: float = 1.0

    def wall_time(self, at: float) -> float:
        """A time on the camera's clock (e.g. when a change appeared) as wall-clock time."""
        return self.wall_at - (self.at - at) / self.speed


@dataclass
class _Camera:
    url: str
    reader: Reader | None = None
    opened_at: float = 0.0
    opened_wall: float = 0.0
    retry_at: float = 0.0
    failures: int = 0
    problem: str = ""


class SnapshotSource:
    """One picture of a camera on demand; ``live(camera_id)`` gives the wall's capture of it, if any."""

    def __init__(self, options: CaptureOptions | None = None,
                 live: Callable[[int], CameraCapture | None] = lambda _camera_id: None,
                 clock: Callable[[], float] = time.monotonic, wall_clock: Callable[[], float] = time.time):
        self.options = options or CaptureOptions(open_timeout_s=4.0, read_timeout_s=4.0)
        self._live = live
        self._clock = clock
        self._wall_clock = wall_clock
        self._cameras: dict[int, _Camera] = {}
        self._lock = threading.Lock()
        self._new_urls: dict[int, str] | None = None

    def set_urls(self, urls: dict[int, str]) -> None:
        """The cameras that may be asked for, by id (a camera whose URL changed starts afresh)."""
        with self._lock:
            self._new_urls = dict(urls)

    def _take_urls(self) -> None:
        with self._lock:
            urls, self._new_urls = self._new_urls, None
        if urls is None:
            return
        for camera_id in list(self._cameras):
            if urls.get(camera_id) != self._cameras[camera_id].url:
                self._drop(camera_id)
        for camera_id, url in urls.items():
            self._cameras.setdefault(camera_id, _Camera(url))

    def grab(self, camera_id: int) -> Snapshot | None:
        """The camera's picture now (H × W × 3 BGR, full size), or None: unknown, unreachable or backing off."""
        self._take_urls()
        camera = self._cameras.get(camera_id)
        capture = self._live(camera_id)
        if capture is not None and (camera is None or source_kind(camera.url) is not SourceKind.DEMO):
            image = _fresh_image(capture, self._clock())
            if image is not None:
                now = self._wall_clock()
                return Snapshot(image, now, now)
        if camera is None or self._clock() < camera.retry_at:
            return None
        try:
            snapshot = self._fetch(camera)
        except (OpenError, InvalidSource, ValueError, OSError) as exc:
            snapshot, reason = None, str(exc)
        else:
            reason = "no picture"
        if snapshot is None:
            self._close(camera)
            camera.failures += 1
            camera.retry_at = self._clock() + min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (camera.failures - 1))
            camera.problem = reason
            log.info("snapshot of %s failed (%s); next try in %.0f s", mask_url(camera.url), reason,
                     camera.retry_at - self._clock())
            return None
        camera.failures, camera.problem = 0, ""
        return snapshot

    def problem(self, camera_id: int) -> str:
        """Why the last picture of the camera could not be had ('' when it could)."""
        camera = self._cameras.get(camera_id)
        return camera.problem if camera else ""

    def close(self) -> None:
        """Release every source kept open."""
        for camera_id in list(self._cameras):
            self._drop(camera_id)

    def _fetch(self, camera: _Camera) -> Snapshot | None:
        now = self._wall_clock()
        if source_kind(camera.url) is SourceKind.DEMO:
            if camera.reader is None:
                camera.reader, camera.opened_at, camera.opened_wall = DemoReader(camera.url), self._clock(), now
            assert isinstance(camera.reader, DemoReader)
            elapsed, speed = self._clock() - camera.opened_at, camera.reader.calendar_speed
            return Snapshot(camera.reader.render(elapsed), camera.opened_wall + elapsed * speed, now, speed)
        if camera.reader is None:
            camera.reader = open_reader(camera.url, self.options)
        image = camera.reader.read()
        if camera.reader.live or image is None:  # a live source is not kept open between pictures
            self._close(camera)
        return Snapshot(image, now, now) if image is not None else None

    def _close(self, camera: _Camera) -> None:
        if camera.reader is not None:
            camera.reader.release()
            camera.reader = None

    def _drop(self, camera_id: int) -> None:
        camera = self._cameras.pop(camera_id, None)
        if camera is not None:
            self._close(camera)


def _fresh_image(capture: CameraCapture, now: float) -> np.ndarray | None:
    if capture.status.state is not CaptureState.LIVE:
        return None
    frame = capture.latest_frame()
    if frame is None or now - frame.captured_at > FRESH_S:
        return None
    return capture.latest_source_image()
