"""One tile of the video wall: a camera's live picture with its name, state, clock and frame rate."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QContextMenuEvent, QDrag, QFont, QFontMetrics, QImage, QMouseEvent, QPainter,
                           QPaintEvent, QPen, QPixmap, QRegion, QResizeEvent, QWheelEvent)
from PySide6.QtWidgets import QApplication, QWidget

from video.capture import CaptureState
from widgets.camera_feed import CameraFeed

CAMERA_MIME = "application/x-gridwatch-camera"
TILE_MIME = "application/x-gridwatch-tile"
MAX_ZOOM = 8.0

_BACKGROUND = QColor("#0b0e13")
_STATE_COLOURS = {CaptureState.LIVE: QColor("#3fb950"), CaptureState.CONNECTING: QColor("#d29922"),
                  CaptureState.STALLED: QColor("#db6d28"), CaptureState.OFFLINE: QColor("#f85149"),
                  CaptureState.PAUSED: QColor("#8b949e"), CaptureState.STOPPED: QColor("#8b949e")}


class VideoTile(QWidget):
    """Paints one camera's newest frame; knows nothing of the wall's layout.

    Signals (GUI thread): ``maximise_toggled(index)`` on double-click;
    ``selected(index)`` on click; ``camera_dropped(index, camera_id)`` when a
    camera is dropped from the list; ``tile_dropped(target, wall_key, source)``
    when another tile is dropped on it; ``menu_requested(index, global_pos)``.
    """

    maximise_toggled = Signal(int)
    selected = Signal(int)
    camera_dropped = Signal(int, int)
    tile_dropped = Signal(int, str, int)
    menu_requested = Signal(int, QPoint)

    def __init__(self, index: int, wall_key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.index = index
        self.wall_key = wall_key
        self.feed: CameraFeed | None = None
        self.maximised = False
        self.highlighted = False
        self.zoom = 1.0
        self.centre = QPointF(0.5, 0.5)  # the point of the picture at the tile's centre, as fractions
        self._press: QPoint | None = None
        self._caption: tuple[tuple, QPixmap] | None = None
        self._font: tuple[tuple, QFont, int] | None = None          # (key, caption font, caption bar height)
        self._geometry: tuple[tuple, QRectF, QRectF, list[QRect]] | None = None  # (key, target, source, bars)
        self._panning = False
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(40, 30)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- feed --------------------------------------------------------------------------------------
    def set_feed(self, feed: CameraFeed | None) -> None:
        if feed is self.feed:
            return
        if self.feed is not None:
            self.feed.frame_ready.disconnect(self.update)
            self.feed.status_changed.disconnect(self._status_changed)
            self.feed.withdraw(self)
        self.feed = feed
        self.zoom, self.centre = 1.0, QPointF(0.5, 0.5)
        if feed is not None:
            feed.frame_ready.connect(self.update)
            feed.status_changed.connect(self._status_changed)
        self.report_demand()
        self.update()

    @property
    def camera_id(self) -> int | None:
        return self.feed.source.camera_id if self.feed is not None else None

    def report_demand(self) -> None:
        """Tell the feed how large this tile is and whether anyone can see it."""
        if self.feed is None:
            return
        window = self.window()
        visible = (self.isVisible() and not window.isMinimized() and not self.visibleRegion().isEmpty())
        ratio = self.devicePixelRatioF()
        size = QSize(int(self.width() * ratio * self.zoom), int(self.height() * ratio * self.zoom))
        self.feed.demand(self, size, visible, self.maximised)

    def _status_changed(self, _status) -> None:
        self.update()

    # -- painting ----------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        # This runs for every frame of every tile: what does not change between frames is cached.
        painter = QPainter(self)
        feed = self.feed
        if feed is None:
            painter.fillRect(self.rect(), _BACKGROUND)
            self._paint_empty(painter)
        else:
            state = feed.status.state
            if feed.image is not None and state is not CaptureState.OFFLINE:
                target, source, bars = self._picture_geometry(feed.image)
                for bar in bars:  # only the bars beside or above the picture: pixels are what a paint costs
                    painter.fillRect(bar, _BACKGROUND)
                painter.drawImage(target, feed.image, source)
                feed.painted()
                if state in (CaptureState.STALLED, CaptureState.PAUSED):
                    painter.fillRect(self.rect(), QColor(0, 0, 0, 150))
            else:
                painter.fillRect(self.rect(), _BACKGROUND)
            self._paint_overlay(painter, feed)
        if self.highlighted:
            painter.setPen(QPen(QColor("#58a6ff"), 3))
            painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        painter.end()

    def _picture_geometry(self, image: QImage) -> tuple[QRectF, QRectF, list[QRect]]:
        """Where the picture goes, which part of it shows (digital zoom), and the bars of the tile it leaves
        uncovered (overlapping its edge by a pixel, so no pixel is left unpainted)."""
        key = (image.width(), image.height(), self.width(), self.height(), self.zoom, self.centre.x(),
               self.centre.y())
        if self._geometry is None or self._geometry[0] != key:
            target = self._picture_rect(image.size())
            inside = target.toRect().adjusted(1, 1, -1, -1)
            bars = list(QRegion(self.rect()).subtracted(QRegion(inside)) if inside.isValid() else [self.rect()])
            self._geometry = (key, target, self._source_rect(self.feed), bars)
        return self._geometry[1:]

    def _picture_rect(self, image_size: QSize) -> QRectF:
        """Where the picture goes: fitted into the tile, keeping its aspect."""
        if image_size.isEmpty():
            return QRectF(self.rect())
        scale = min(self.width() / image_size.width(), self.height() / image_size.height())
        w, h = image_size.width() * scale, image_size.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def _source_rect(self, feed: CameraFeed) -> QRectF:
        """The part of the frame shown at the current digital zoom, centred on :attr:`centre`."""
        w, h = feed.image.width(), feed.image.height()
        sw, sh = w / self.zoom, h / self.zoom
        x = min(max(self.centre.x() * w - sw / 2, 0.0), w - sw)
        y = min(max(self.centre.y() * h - sh / 2, 0.0), h - sh)
        return QRectF(x, y, sw, sh)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(QColor("#6e7681"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Drop a camera here"))

    def _caption_font(self) -> tuple[QFont, int]:
        key = (self.height(), self.font().key())
        if self._font is None or self._font[0] != key:
            font = QFont(self.font())
            font.setPixelSize(max(11, min(16, self.height() // 14)))
            self._font = (key, font, font.pixelSize() + 8)
        return self._font[1:]

    def _paint_overlay(self, painter: QPainter, feed: CameraFeed) -> None:
        status = feed.status
        font, bar = self._caption_font()
        painter.setFont(font)
        # The caption changes once a second (clock, fps) but is painted with every frame: draw it from a
        # cached picture, re-rendered only when its text, state or size changes (text costs ~0.2 ms a frame).
        live = feed.frame is not None and status.state is CaptureState.LIVE
        clock = (int(feed.frame.wall_time), round(status.fps)) if live else None  # what the right side shows
        key = (self.width(), bar, self.devicePixelRatioF(), feed.source.name, status.state, clock)
        if self._caption is None or self._caption[0] != key:
            right = self._right_caption(*clock) if clock else ""
            self._caption = (key, self._render_caption(font, bar, feed.source.name, status.state, right))
        painter.drawPixmap(0, 0, self._caption[1])
        message = self._state_message(feed)
        if message:
            painter.setPen(QColor("#f0f6fc"))
            painter.drawText(self.rect().adjusted(6, bar, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, message)
        if self.zoom > 1.0:
            painter.setPen(QColor("#e6edf3"))
            painter.drawText(self.rect().adjusted(6, 0, -6, -4), Qt.AlignmentFlag.AlignBottom
                             | Qt.AlignmentFlag.AlignRight, f"{self.zoom:.1f}×")

    def _render_caption(self, font: QFont, bar: int, camera_name: str, state: CaptureState, right: str) -> QPixmap:
        """Name and state dot, then clock and fps on the right; on a second line when a small tile needs it."""
        metrics = QFontMetrics(font)
        right_width = metrics.horizontalAdvance(right) + 10 if right else 0
        name_room = self.width() - bar - 4
        two_lines = bool(right) and metrics.horizontalAdvance(camera_name) > name_room - right_width
        ratio = self.devicePixelRatioF()
        height = bar * 2 if two_lines else bar
        pixmap = QPixmap(int(self.width() * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(0, 0, 0, 140))
        painter = QPainter(pixmap)
        painter.setFont(font)
        painter.setBrush(_STATE_COLOURS.get(state, QColor("#8b949e")))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(bar / 2, bar / 2), bar / 5, bar / 5)
        painter.setPen(QColor("#e6edf3"))
        name_width = name_room if two_lines or not right else name_room - right_width
        name = metrics.elidedText(camera_name, Qt.TextElideMode.ElideRight, int(name_width))
        painter.drawText(QRectF(bar, 0, name_width, bar), Qt.AlignmentFlag.AlignVCenter
                         | Qt.AlignmentFlag.AlignLeft, name)
        if right:
            painter.drawText(QRectF(0, bar if two_lines else 0, self.width() - 6, bar),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, right)
        painter.end()
        return pixmap

    def _right_caption(self, second: int, fps: int) -> str:
        """The capture time and frame rate of a live picture."""
        return "  ".join((datetime.fromtimestamp(second).strftime("%H:%M:%S"),
                          self.tr("%1 fps").replace("%1", str(fps))))

    def _state_message(self, feed: CameraFeed) -> str:
        status = feed.status
        if status.state is CaptureState.OFFLINE:
            text = self.tr("offline")
            if status.retry_at is not None:
                seconds = max(0, round(status.retry_at - time.monotonic()))
                text = self.tr("offline — retrying in %1 s").replace("%1", str(seconds))
            return f"{text}\n{status.reason}" if status.reason else text
        if status.state is CaptureState.CONNECTING:
            return self.tr("connecting…")
        if status.state is CaptureState.STALLED:
            return self.tr("stalled — no picture") + (f"\n{status.reason}" if status.reason else "")
        if status.state is CaptureState.PAUSED:
            return self.tr("paused")
        return ""

    # -- geometry ----------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.report_demand()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.report_demand()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.report_demand()

    # -- mouse: zoom, pan, drag, maximise ----------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.feed is None or self.feed.image is None:
            return
        steps = event.angleDelta().y() / 120
        zoom = min(MAX_ZOOM, max(1.0, self.zoom * (1.25 ** steps)))
        if zoom == self.zoom:
            return
        # Keep the point under the cursor where it is.
        src = self._source_rect(self.feed)
        target = self._picture_rect(self.feed.image.size())
        pos = event.position()
        fx = (src.x() + (pos.x() - target.x()) / target.width() * src.width()) / self.feed.image.width()
        fy = (src.y() + (pos.y() - target.y()) / target.height() * src.height()) / self.feed.image.height()
        rx, ry = (pos.x() - target.x()) / target.width(), (pos.y() - target.y()) / target.height()
        self.zoom = zoom
        self.centre = QPointF(fx + (0.5 - rx) / zoom, fy + (0.5 - ry) / zoom)
        self.report_demand()
        self.update()
        event.accept()

    def reset_zoom(self) -> None:
        self.zoom, self.centre = 1.0, QPointF(0.5, 0.5)
        self.report_demand()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._panning = False
            self.selected.emit(self.index)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        delta = event.position().toPoint() - self._press
        if self.zoom > 1.0 and self.feed is not None and self.feed.image is not None:
            target = self._picture_rect(self.feed.image.size())
            self.centre = QPointF(self.centre.x() - delta.x() / target.width() / self.zoom,
                                  self.centre.y() - delta.y() / target.height() / self.zoom)
            self._press = event.position().toPoint()
            self._panning = True
            self.update()
        elif delta.manhattanLength() >= QApplication.startDragDistance() and self.feed is not None:
            self._press = None
            self._start_drag()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.maximise_toggled.emit(self.index)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menu_requested.emit(self.index, event.globalPos())

    def mime_data(self) -> QMimeData:
        """What a drag of this tile carries: the tile (to swap within its wall) and its camera (for any other)."""
        mime = QMimeData()
        mime.setData(TILE_MIME, f"{self.wall_key}\n{self.index}".encode())
        if self.camera_id is not None:
            mime.setData(CAMERA_MIME, str(self.camera_id).encode())
        return mime

    def _start_drag(self) -> None:
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        drag.setPixmap(self.grab().scaledToWidth(min(160, self.width())))
        drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(TILE_MIME) or event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasFormat(TILE_MIME):
            wall_key, _, index = bytes(mime.data(TILE_MIME)).decode().partition("\n")
            if wall_key == self.wall_key:
                self.tile_dropped.emit(self.index, wall_key, int(index))
                event.acceptProposedAction()
                return
        if mime.hasFormat(CAMERA_MIME):
            self.camera_dropped.emit(self.index, int(bytes(mime.data(CAMERA_MIME)).decode()))
            event.acceptProposedAction()
