"""Map layers painted from one cached picture that follows the view during a pan or zoom.

Stroking and filling a city's 1,937 villages and 118 towns cost ~6–10 ms of every
repaint at the widest zooms, stamping 26,059 workers' markers ~10–15 ms, although the
outlines change only once a second (the villages' shading), the markers once a second,
and otherwise only the view moves.  :class:`CachedLayersItem` paints its layers (items
that stay in the scene for clicks but do not paint themselves there) into an image a
little larger than the view, and repaints from that image:

* unchanged, while the view stands still and something else changes: one copy;
* while the operator pans or zooms (:meth:`CachedLayersItem.set_moving`), moved and scaled
  with the view as long as it covers it and the zoom is within the item's rescale limit of
  the image's (1.4 for outlines; 1.1 for markers, whose size in pixels must not visibly
  change) — what map applications do during a gesture;
* drawn afresh when the view leaves the image or zooms too far from it, when a layer's
  content or visibility changes (during a gesture, a change may wait until the picture is
  ``max_stale_s`` old: the villages' shading changes every second, and redrawing for it in
  the middle of a drag made slow frames; markers never wait), and once the gesture ends, so
  a settled view is always drawn exactly and up to date.

A layer has ``version`` (counts its changes), ``on_change`` (called after each),
``isVisible()``, ``boundingRect()`` and ``draw(painter, window)``, which paints it with
``painter`` (item coordinates to logical pixels) culled to ``window`` (logical pixels).
Everything here runs on the GUI thread.
"""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

#: The picture covers the view and this share of its width and height more on every side (for pans).
MARGIN = 0.2
#: During a gesture the outlines' picture is reused while the view's zoom is within this factor of it ...
RESCALE_LIMIT = 1.4
#: ... and a change of the outlines is shown once their picture is this old (seconds).
MAX_STALE_S = 2.0


class CachedLayer(pg.GraphicsObject):
    """Base of the items a :class:`CachedLayersItem` can paint: counts changes to what the item draws
    (``version``) and calls ``on_change`` after each (GUI thread); ``painted_elsewhere`` is set when a
    :class:`CachedLayersItem` paints the item, which then paints nothing itself (but still takes clicks)."""

    def __init__(self):
        super().__init__()
        self.version = 0
        self.on_change = None
        self.painted_elsewhere = False

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        if visible != self.isVisible():
            super().setVisible(visible)
            self._changed()

    def _changed(self) -> None:
        self.version += 1
        self.update()
        if self.on_change is not None:
            self.on_change()


class CachedLayersItem(pg.GraphicsObject):
    """Paints its layers bottom first through a cached picture (see the module's notes); no signals."""

    def __init__(self, layers: list, rescale_limit: float = RESCALE_LIMIT, max_stale_s: float = MAX_STALE_S,
                 align_px: int = 1):
        """``align_px``: the picture is placed on the view only in steps of this many pixels, for layers whose
        drawing depends on where the pixel grid starts (markers thinned per few-pixel cell)."""
        super().__init__()
        self.layers = list(layers)
        self.rescale_limit = rescale_limit
        self.max_stale_s = max_stale_s
        self.align_px = align_px
        for layer in self.layers:
            layer.on_change = self._changed
            layer.painted_elsewhere = True
        self._moving = False
        self._background: QColor | None = None
        self._image: QImage | None = None
        self._image_transform = QTransform()  # item coordinates -> the picture's (logical) pixels
        self._image_key: tuple = ()
        self._image_time = 0.0  # time.monotonic() when the picture was drawn
        #: How often the picture was drawn afresh (for tests and benchmarks).
        self.renders = 0

    def set_cached(self, cached: bool) -> None:
        """Paint the layers through the picture (True, the default) or let them paint themselves (False:
        cheaper when there is little to draw, e.g. a hundred markers, than copying a picture of the view)."""
        if cached != self.isVisible():
            self.setVisible(cached)
            self._image = None
            for layer in self.layers:
                layer.painted_elsewhere = cached
                layer.update()

    def set_background(self, colour: QColor | None) -> None:
        """Paint the picture opaque on this colour, the view's own background (copied, not blended: cheaper),
        or transparent (None: something, a base map, shows through)."""
        if colour != self._background:
            self._background = None if colour is None else QColor(colour)
            self._image = None
            self.update()

    def set_moving(self, moving: bool) -> None:
        """The view is being panned or zoomed (True) or has settled (False: drawn exactly again)."""
        if moving != self._moving:
            self._moving = moving
            if not moving:
                self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        bounds = QRectF()
        for layer in self.layers:
            bounds = bounds.united(layer.boundingRect())
        return bounds

    def paint(self, painter: QPainter, *_args) -> None:
        transform = painter.transform()
        view = QRectF(painter.viewport())
        if view.isEmpty():
            return
        key = tuple((layer.version, layer.isVisible()) for layer in self.layers)
        if self._image is None:
            reuse = False
        elif self._same_view(transform, view):  # nothing moved: reused only if nothing changed either
            reuse = key == self._image_key
        else:  # mid-gesture: moved and scaled, and a change may wait a little (see the module's notes)
            reuse = (self._moving and self._covers(transform, view)
                     and (key == self._image_key or time.monotonic() - self._image_time < self.max_stale_s))
        if not reuse:
            self._render(transform, view, key, painter.device())
        # The picture and the view differ by a shift and a scale (same orientation): copy the part under the
        # view onto it without a world transform, which lets Qt take its quick scaled-copy path.
        source = (transform.inverted()[0] * self._image_transform).mapRect(view)
        ratio = self._image.devicePixelRatioF()
        painter.save()
        painter.resetTransform()
        painter.drawImage(view, self._image, QRectF(source.x() * ratio, source.y() * ratio,
                                                    source.width() * ratio, source.height() * ratio))
        painter.restore()

    def _same_view(self, transform: QTransform, view: QRectF) -> bool:
        """Whether the view is the picture's, but for a shift of whole pixels that keeps it inside the picture."""
        cached = self._image_transform
        if (transform.m11(), transform.m12(), transform.m21(), transform.m22()) != (
                cached.m11(), cached.m12(), cached.m21(), cached.m22()):
            return False
        dx, dy = cached.dx() - transform.dx(), cached.dy() - transform.dy()
        if abs(dx - round(dx)) > 1e-6 or abs(dy - round(dy)) > 1e-6:  # (rounding in the sums aside)
            return False
        if round(dx) % self.align_px or round(dy) % self.align_px:
            return False
        return QRectF(QPointF(0, 0), self._image.deviceIndependentSize()).contains(view.translated(dx, dy))

    def _covers(self, transform: QTransform, view: QRectF) -> bool:
        """Whether the picture, moved and scaled onto the view, covers it without scaling by more than
        the rescale limit."""
        cached = self._image_transform
        scale = abs(transform.determinant() / cached.determinant()) ** 0.5 if cached.determinant() else 0.0
        if not 1 / self.rescale_limit <= scale <= self.rescale_limit:
            return False
        covered = (transform.inverted()[0] * cached).mapRect(view)  # the view in the picture's pixels
        return QRectF(QPointF(0, 0), self._image.deviceIndependentSize()).contains(covered)

    def _render(self, transform: QTransform, view: QRectF, key: tuple, device) -> None:
        step = self.align_px
        margin_x, margin_y = (round(view.width() * MARGIN / step) * step, round(view.height() * MARGIN / step) * step)
        width, height = int(view.width()) + 2 * margin_x, int(view.height()) + 2 * margin_y
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image = self._image
        if image is None or image.deviceIndependentSize().toSize() != QRectF(0, 0, width, height).size().toSize() \
                or image.devicePixelRatioF() != ratio:
            image = QImage(round(width * ratio), round(height * ratio),
                           QImage.Format.Format_ARGB32_Premultiplied if self._background is None
                           else QImage.Format.Format_RGB32)
            image.setDevicePixelRatio(ratio)
        # Opaque, the picture always covers the view (it is reused only while it does).
        image.fill(Qt.GlobalColor.transparent if self._background is None else self._background)
        shift = QTransform.fromTranslate(margin_x - view.left(), margin_y - view.top())
        self._image_transform = transform * shift
        window = QRectF(0, 0, width, height)
        painter = QPainter(image)
        for layer in self.layers:
            if layer.isVisible():
                painter.setTransform(self._image_transform)
                layer.draw(painter, window)
        painter.end()
        self._image, self._image_key, self._image_time = image, key, time.monotonic()
        self.renders += 1

    def _changed(self) -> None:
        self.prepareGeometryChange()
        self.update()
