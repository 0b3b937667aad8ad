"""Aim a camera by dragging on the map: where the mouse goes is where the camera looks, and how far.

While :class:`CameraAiming` is active, a left-button drag on the map no longer pans: from the
camera's marker to the mouse is the camera's direction (degrees clockwise from north) and its range;
the sector follows the mouse, and releasing the button settles it (:attr:`CameraAiming.aim_chosen`).
The angle of view is kept (a camera not aimed yet starts with
:data:`~console.core.coverage.DEFAULT_FOV_DEG`).  Esc, or a click without a drag, puts the old field of
view back.  Nothing is stored here: the map's owner stores the choice (an administrator's, checked in
the core).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal

from console.core.coverage import DEFAULT_FOV_DEG, MAX_RANGE_M, FieldOfView

#: The shortest range a drag sets (a drag that ends on the marker itself would aim nowhere).
MIN_RANGE_M = 5.0


class CameraAiming(QObject):
    """Turns drags on a :class:`~widgets.map_canvas.MapCanvas` into a camera's new field of view.

    Signals (GUI thread): ``aim_chosen(int, object)`` with the camera id and its new
    :class:`~console.core.coverage.FieldOfView` when a drag ends; ``finished()`` when aiming stops,
    chosen or cancelled."""

    aim_chosen = Signal(int, object)
    finished = Signal()

    def __init__(self, canvas, parent: QObject | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.camera_id: int | None = None
        self._origin = QPointF()
        self._before: FieldOfView | None = None
        self._fov = DEFAULT_FOV_DEG
        self._dragged = False
        canvas.viewport().installEventFilter(self)
        canvas.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self.camera_id is not None

    def start(self, camera_id: int, x: float, y: float) -> None:
        """Aim the camera standing at (x, y) metres with the next drag."""
        self.camera_id, self._origin = camera_id, QPointF(x, y)
        self._before = self.canvas.camera_view(camera_id)
        self._fov = self._before.fov_deg if self._before is not None else DEFAULT_FOV_DEG
        self._dragged = False
        self.canvas.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        """Stop aiming and draw the field of view as it was."""
        if self.camera_id is not None:
            self.canvas.set_camera_view(self.camera_id, self._before)
            self._stop()

    def aim_at(self, x: float, y: float) -> FieldOfView:
        """The field of view that looks from the camera to (x, y) metres (drawn, not yet chosen)."""
        dx, dy = x - self._origin.x(), y - self._origin.y()
        view = FieldOfView(math.degrees(math.atan2(dx, dy)) % 360.0, self._fov,
                           min(MAX_RANGE_M, max(MIN_RANGE_M, math.hypot(dx, dy))))
        self.canvas.set_camera_view(self.camera_id, view)
        return view

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if self.camera_id is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if watched is not self.canvas.viewport():
            return False
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._dragged = False
            return True
        if kind == QEvent.Type.MouseMove and event.buttons() & Qt.MouseButton.LeftButton:
            self._dragged = True
            self.aim_at(*self._metres(event.position()))
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            if not self._dragged:
                self.cancel()
                return True
            camera_id, view = self.camera_id, self.aim_at(*self._metres(event.position()))
            self._stop()
            self.aim_chosen.emit(camera_id, view)
            return True
        return False

    def _metres(self, position: QPointF) -> tuple[float, float]:
        point = self.canvas.view.mapSceneToView(self.canvas.mapToScene(position.toPoint()))
        return point.x(), point.y()

    def _stop(self) -> None:
        self.camera_id = None
        self.canvas.viewport().unsetCursor()
        self.finished.emit()
