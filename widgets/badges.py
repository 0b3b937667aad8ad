"""Highlight colours and small painted badges shared by the queue, the detail pane and the alarm bar.

The colours are translucent tints or mid-saturation hues, so they read on the
dark command-room theme as well as on a light palette.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

ALARM_RED = QColor(214, 40, 40)
OVERDUE_RED = QColor(229, 72, 72)
AMBER = QColor(222, 150, 20)

ONE_KEY_BACKGROUND = QBrush(QColor(214, 40, 40, 110))
OVERDUE_BACKGROUND = QBrush(QColor(229, 72, 72, 42))
SUPERVISED_BACKGROUND = QBrush(QColor(222, 150, 20, 58))

_ICONS: dict[str, QIcon] = {}


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def _one_key(size: int) -> QPixmap:
    pixmap, p = _canvas(size)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ALARM_RED)
    p.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    p.setBrush(Qt.GlobalColor.white)
    w = size * 0.16
    p.drawRoundedRect(QRectF(size / 2 - w / 2, size * 0.18, w, size * 0.42), w / 2, w / 2)
    p.drawEllipse(QRectF(size / 2 - w / 2, size * 0.68, w, w))
    p.end()
    return pixmap


def _supervised(size: int) -> QPixmap:
    pixmap, p = _canvas(size)
    p.setPen(QPen(AMBER.darker(130), 1))
    p.setBrush(AMBER)
    p.drawPolygon(QPolygonF([QPointF(size / 2, 0.8), QPointF(size - 0.8, size - 1.2), QPointF(0.8, size - 1.2)]))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(30, 30, 30))
    w = size * 0.14
    p.drawRect(QRectF(size / 2 - w / 2, size * 0.36, w, size * 0.30))
    p.drawRect(QRectF(size / 2 - w / 2, size * 0.72, w, w))
    p.end()
    return pixmap


def _overdue(size: int) -> QPixmap:
    pixmap, p = _canvas(size)
    pen = QPen(OVERDUE_RED, max(1.5, size / 9))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    margin = pen.widthF() / 2 + 0.5
    p.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    path = QPainterPath(QPointF(size / 2, size * 0.25))
    path.lineTo(size / 2, size / 2)
    path.lineTo(size * 0.70, size * 0.62)
    p.drawPath(path)
    p.end()
    return pixmap


_PAINTERS = {"one_key": _one_key, "supervised": _supervised, "overdue": _overdue}


def badge_icon(kind: str) -> QIcon:
    """``one_key``, ``supervised`` or ``overdue`` as an icon, painted once (GUI thread only)."""
    icon = _ICONS.get(kind)
    if icon is None:
        icon = QIcon()
        for size in (16, 24, 32):
            icon.addPixmap(_PAINTERS[kind](size))
        _ICONS[kind] = icon
    return icon
