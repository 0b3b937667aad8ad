"""The video side of the console for the wall's tests: a camera store, its catalogue and a feed pool.

:func:`video_rig` (a fixture, see ``conftest.py``) builds them on a fresh database
with the test places; every wall made through it is shut down and every capture
stopped at teardown, and the test fails if a capture worker is left running.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from console.storage.cameras import CameraBook, CameraRecord
from tests.video.helpers import wait_until
from video import registry
from video.backoff import BackOff
from video.capture import CaptureOptions, CaptureState
from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.video_wall import VideoWall

#: Short timeouts, quick retries and a short pause grace, so that the tests see each state change quickly.
TEST_OPTIONS = dict(open_timeout_s=2.0, read_timeout_s=2.0, stall_after_s=1.0, pause_grace_s=0.5,
                    backoff=BackOff(initial_s=0.5, max_s=1.0))
#: A point at the centre of the first test grid (village 1, grid 1), so cameras placed there belong to it.
GRID1_LON, GRID1_LAT = 120.31, 30.10


class VideoRig:
    """A camera book on a test store, the catalogue that shows it and the pool of feeds, for one test."""

    def __init__(self, store, tasks, qtbot, options: CaptureOptions | None = None):
        self.store, self.tasks, self.qtbot = store, tasks, qtbot
        self.book = CameraBook(store)
        self.catalog = CameraCatalog(self.book, tasks)
        self.pool = FeedPool(options or CaptureOptions(**TEST_OPTIONS))
        self.walls: list[VideoWall] = []

    def add(self, name: str, url: str, **fields) -> CameraRecord:
        """Store a camera (not yet in the catalogue: call :meth:`load`)."""
        return self.book.add(name, url, **fields)

    def load(self, timeout: int = 5_000) -> list[CameraRecord]:
        """Read the cameras into the catalogue, as the console does at start and after an edit."""
        with self.qtbot.waitSignal(self.catalog.cameras_changed, timeout=timeout):
            self.catalog.reload()
        return self.catalog.cameras()

    def wall(self, width: int = 800, height: int = 450) -> VideoWall:
        """A shown video wall on the catalogue and pool."""
        wall = VideoWall(self.catalog, self.pool)
        self.qtbot.addWidget(wall)
        wall.resize(width, height)
        with self.qtbot.waitExposed(wall):
            wall.show()
        self.walls.append(wall)
        return wall

    def close(self) -> None:
        for wall in self.walls:
            wall.shutdown()
            wall.close()
        self.pool.shutdown()
        wait_until(lambda: not registry.running(), timeout=5, what="every capture worker stopped")


def wait_live(qtbot, tile, timeout: int = 8_000) -> None:
    """Wait until ``tile`` shows a live picture."""
    qtbot.waitUntil(lambda: tile.feed is not None and tile.feed.image is not None
                    and tile.feed.status.state is CaptureState.LIVE, timeout=timeout)


def image_array(image: QImage) -> np.ndarray:
    """A copy of ``image`` as an H × W × 3 RGB array."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :width * 3].reshape(height, width, 3).copy()


def looks_like_a_picture(image: QImage) -> bool:
    """Not uniformly dark: a fair share of bright pixels and some contrast (an empty tile is nearly black)."""
    grey = image_array(image).mean(axis=2)
    return float((grey > 80).mean()) > 0.05 and float(grey.std()) > 20
