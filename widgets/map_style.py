"""The map's colours and sizes: worker states, incident statuses and levels, outlines, village shading."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from console.storage.map_data import WORKER_STATES

#: Per worker state code (:data:`console.storage.map_data.WORKER_STATES`): the marker's colour.
WORKER_STATE_COLOURS = {code: QColor(colour) for code, colour in enumerate(("#43a047", "#fdd835", "#1e88e5",
                                                                            "#757575"))}
assert len(WORKER_STATE_COLOURS) == len(WORKER_STATES)

INCIDENT_STATUS_COLOURS = {
    "reported": QBrush(QColor("#e53935")),
    "accepted": QBrush(QColor("#fb8c00")),
    "reopened": QBrush(QColor("#d81b60")),
    "dispatched": QBrush(QColor("#8e24aa")),
    "in_progress": QBrush(QColor("#00acc1")),
}
#: Marker size in pixels by difficulty level (1 simple … 4 joint meeting).
LEVEL_SIZES = {0: 8, 1: 8, 2: 10, 3: 13, 4: 16}


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    pen.setCosmetic(True)  # the same on screen at every zoom
    return pen


NO_PEN = QPen(Qt.PenStyle.NoPen)
OUTLINE_PENS = {"town": _pen("#eceff1", 2.4), "village": _pen("#90a4ae", 1.4), "grid": _pen("#546e7a", 0.7)}


def share_colour(bucket: int, over: QColor | None = None) -> QColor:
    """Village shading by unresolved share in tenths (0–9); bucket 10 is a red light.

    Translucent; or, ``over`` a background colour, the same colour blended with it in advance and
    opaque (painting opaque fills costs about half as much as blending them on every frame)."""
    if bucket >= 10:
        colour = QColor(229, 57, 53, 150)
    else:
        green, amber = QColor(67, 160, 71), QColor(251, 192, 45)
        t = bucket / 9
        colour = QColor(int(green.red() + (amber.red() - green.red()) * t),
                        int(green.green() + (amber.green() - green.green()) * t),
                        int(green.blue() + (amber.blue() - green.blue()) * t), 45 + 5 * bucket)
    if over is None:
        return colour
    a = colour.alpha() / 255
    return QColor(*(round(c * a + b * (1 - a)) for c, b in ((colour.red(), over.red()),
                                                             (colour.green(), over.green()),
                                                             (colour.blue(), over.blue()))))
