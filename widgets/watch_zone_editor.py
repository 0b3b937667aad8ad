"""Drawing watch zones on a camera's picture: rooftops, vacant lots, river banks for the change detector."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from console.storage.change_alerts import Zone

_ZONE_COLOURS = (QColor(255, 196, 0), QColor(0, 200, 255), QColor(120, 255, 120), QColor(255, 120, 200))
_DRAFT_COLOUR = QColor(255, 64, 64)


class ZoneCanvas(QWidget):
    """The camera's picture with its zones; clicks add points to a new zone, Enter or a double-click closes it.

    Signals (GUI thread): ``drawn(list)`` — a closed polygon in normalised picture coordinates;
    ``draft_changed(int)`` — how many points the zone being drawn has.
    """

    drawn = Signal(list)
    draft_changed = Signal(int)

    def __init__(self, picture: QImage, parent: QWidget | None = None):
        super().__init__(parent)
        self.picture = picture
        self.zones: list[Zone] = []
        self.highlighted: int | None = None
        self.draft: list[tuple[float, float]] = []
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(800, 450)

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn: as large as fits, centred, its shape kept."""
        size = self.picture.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio) \
            if not self.picture.isNull() else self.size()
        return QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                      size.width(), size.height())

    def to_widget(self, point: tuple[float, float]) -> QPointF:
        rect = self.picture_rect()
        return QPointF(rect.x() + point[0] * rect.width(), rect.y() + point[1] * rect.height())

    def to_picture(self, pos: QPointF) -> tuple[float, float] | None:
        rect = self.picture_rect()
        if rect.width() <= 0 or not rect.contains(pos):
            return None
        return ((pos.x() - rect.x()) / rect.width(), (pos.y() - rect.y()) / rect.height())

    def cancel_draft(self) -> None:
        self.draft = []
        self.draft_changed.emit(0)
        self.update()

    def close_draft(self) -> None:
        if len(self.draft) >= 3:
            polygon, self.draft = self.draft, []
            self.draft_changed.emit(0)
            self.update()
            self.drawn.emit(polygon)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.RightButton:
            self.close_draft()
            return
        point = self.to_picture(event.position())
        if event.button() == Qt.MouseButton.LeftButton and point is not None:
            self.draft.append((round(point[0], 4), round(point[1], 4)))
            self.draft_changed.emit(len(self.draft))
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.close_draft()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.close_draft()
        elif event.key() == Qt.Key.Key_Backspace and self.draft:
            self.draft.pop()
            self.draft_changed.emit(len(self.draft))
            self.update()
        elif event.key() == Qt.Key.Key_Escape and self.draft:
            self.cancel_draft()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(16, 18, 22))
        if not self.picture.isNull():
            painter.drawImage(self.picture_rect(), self.picture)
        for index, zone in enumerate(self.zones):
            colour = QColor(_ZONE_COLOURS[index % len(_ZONE_COLOURS)])
            width = 3.0 if zone.id == self.highlighted else 1.5
            if not zone.enabled:
                colour.setAlpha(110)
            painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine if zone.enabled else Qt.PenStyle.DashLine))
            fill = QColor(colour)
            fill.setAlpha(50 if zone.id == self.highlighted else 25)
            painter.setBrush(fill)
            polygon = QPolygonF([self.to_widget(p) for p in zone.polygon])
            painter.drawPolygon(polygon)
            painter.drawText(polygon.boundingRect().topLeft() + QPointF(4, 14), zone.name)
        if self.draft:
            painter.setPen(QPen(_DRAFT_COLOUR, 2.0, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            points = [self.to_widget(p) for p in self.draft]
            painter.drawPolyline(QPolygonF(points))
            painter.setBrush(_DRAFT_COLOUR)
            for point in points:
                painter.drawEllipse(point, 3.5, 3.5)
        painter.end()


class WatchZoneEditor(QDialog):
    """A camera's watch zones: draw new ones on its picture, switch them on or off, remove them.

    Signals (GUI thread): ``add_requested(str, list)`` — a name and a polygon (normalised
    coordinates); ``remove_requested(int)``; ``enable_requested(int, bool)``.  The owner writes
    them and answers with :meth:`set_zones` (or :meth:`show_error`).
    """

    add_requested = Signal(str, list)
    remove_requested = Signal(int)
    enable_requested = Signal(int, bool)

    def __init__(self, camera_name: str, picture: QImage, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Watch zones — %1").replace("%1", camera_name))
        self.canvas = ZoneCanvas(picture, self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Name of the next zone, e.g. east rooftop"))
        self.zone_list = QListWidget(self)
        self.zone_list.setMaximumWidth(240)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.toggle_button = QPushButton(self.tr("Switch off"), self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #ff6060")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)

        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Zones"), self))
        side.addWidget(self.zone_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.toggle_button)
        row.addWidget(self.remove_button)
        side.addLayout(row)
        body = QHBoxLayout()
        body.addWidget(self.canvas, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.name)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.canvas.drawn.connect(self._drawn)
        self.canvas.draft_changed.connect(self._show_hint)
        self.zone_list.currentItemChanged.connect(lambda _item, _old: self._selection_changed())
        self.remove_button.clicked.connect(self._remove)
        self.toggle_button.clicked.connect(self._toggle)
        buttons.rejected.connect(self.reject)
        self._show_hint(0)
        self._selection_changed()

    def set_zones(self, zones: list[Zone]) -> None:
        """The camera's zones as stored now."""
        keep = self.current_zone_id()
        self.canvas.zones = list(zones)
        self.zone_list.clear()
        for zone in zones:
            text = zone.name if zone.enabled else self.tr("%1 (off)").replace("%1", zone.name)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, zone.id)
            self.zone_list.addItem(item)
            if zone.id == keep:
                self.zone_list.setCurrentItem(item)
        self.error.clear()
        self._selection_changed()

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def current_zone_id(self) -> int | None:
        item = self.zone_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _current_zone(self) -> Zone | None:
        zone_id = self.current_zone_id()
        return next((z for z in self.canvas.zones if z.id == zone_id), None)

    def _show_hint(self, points: int) -> None:
        if points == 0:
            self.hint.setText(self.tr("Click the corners of a rooftop or open space to draw a zone; Enter, a "
                                      "double-click or a right-click closes it."))
        else:
            self.hint.setText(self.tr("%1 point(s): Enter closes the zone, Backspace removes the last point, "
                                      "Esc starts again.").replace("%1", str(points)))

    def _drawn(self, polygon: list) -> None:
        name = self.name.text().strip() or self.tr("Zone %1").replace("%1", str(len(self.canvas.zones) + 1))
        self.name.clear()
        self.add_requested.emit(name, polygon)

    def _selection_changed(self) -> None:
        zone = self._current_zone()
        self.canvas.highlighted = zone.id if zone else None
        self.canvas.update()
        self.remove_button.setEnabled(zone is not None)
        self.toggle_button.setEnabled(zone is not None)
        self.toggle_button.setText(self.tr("Switch on") if zone is not None and not zone.enabled
                                   else self.tr("Switch off"))

    def _remove(self) -> None:
        zone = self._current_zone()
        if zone is not None:
            self.remove_requested.emit(zone.id)

    def _toggle(self) -> None:
        zone = self._current_zone()
        if zone is not None:
            self.enable_requested.emit(zone.id, not zone.enabled)
