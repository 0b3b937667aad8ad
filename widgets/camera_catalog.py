"""The console's list of cameras, loaded off the GUI thread and shared by the wall, the list and the walls."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.gui.taskman import TaskManager
from console.storage.cameras import CameraBook, CameraRecord
from widgets.camera_feed import FeedSource
from widgets.guard import guarded


class CameraCatalog(QObject):
    """The cameras as last read from the store, in the order they were added.

    Signals (GUI thread): ``cameras_changed`` after every (re)load;
    ``load_failed(message)`` when the store could not be read.
    """

    cameras_changed = Signal()
    load_failed = Signal(str)

    def __init__(self, book: CameraBook, tasks: TaskManager, parent: QObject | None = None):
        super().__init__(parent)
        self.book = book
        self.tasks = tasks
        self._cameras: list[CameraRecord] = []
        self._by_id: dict[int, CameraRecord] = {}
        self.loaded = False

    def reload(self) -> None:
        """Read the cameras again (after an edit here or in another console)."""
        self.tasks.read(self.book.list, on_done=guarded(self, CameraCatalog._loaded),
                        on_error=guarded(self, lambda me, exc: me.load_failed.emit(str(exc))))

    def _loaded(self, cameras: list[CameraRecord]) -> None:
        self._cameras = list(cameras)
        self._by_id = {camera.id: camera for camera in cameras}
        self.loaded = True
        self.cameras_changed.emit()

    def cameras(self) -> list[CameraRecord]:
        return list(self._cameras)

    def get(self, camera_id: int | None) -> CameraRecord | None:
        return self._by_id.get(camera_id) if camera_id is not None else None

    def groups(self) -> list[str]:
        """Camera groups in the order their first camera was added."""
        return list(dict.fromkeys(camera.group for camera in self._cameras if camera.group))

    def in_group(self, group: str) -> list[CameraRecord]:
        return [camera for camera in self._cameras if camera.group == group]


def feed_source(camera: CameraRecord) -> FeedSource:
    """What the video layer needs of a stored camera."""
    return FeedSource(camera.id, camera.name, camera.url, camera.sub_url or None)
