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

Drawing a picture afresh took 10–30 ms, one slow frame each time (and a lost frame of
any video on the same GUI thread).  So but for the first, a new picture is drawn over
several passes of the event loop, ~4 ms each, while the old one is still shown (moved and
scaled with the view if it moved; past its edge a strip of background may show for a frame
or two).  During a gesture the next picture is begun early: once the view comes within half
the margin of the shown one's edge, or its zoom differs by the rescale limit to the power ¾
(1.07 for 1.1).  A drawing that no longer fits the view (it moved on, or a layer changed and
may not wait) is dropped and begun again.

A layer has ``version`` (counts its changes), ``on_change`` (called after each),
``isVisible()``, ``boundingRect()`` and ``draw_steps(painter, window)``, a generator that
paints it with ``painter`` (item coordinates to logical pixels) culled to ``window``
(logical pixels), yielding after each part of about a millisecond.
Everything here runs on the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

#: The picture covers the view and this share of its width and height more on every side (for pans).
MARGIN = 0.2
#: During a gesture the outlines' picture is reused while the view's zoom is within this factor of it ...
RESCALE_LIMIT = 1.4
#: ... and a change of the outlines is shown once their picture is this old (seconds).
MAX_STALE_S = 2.0
#: A picture drawn over several event-loop passes draws for about this long in each (seconds).
PASS_S = 0.004


class CachedLayer(pg.GraphicsObject):
    """Base of the items a :class:`CachedLayersItem` can paint: counts changes to what the item draws
    (``version``) and calls ``on_change`` after each (GUI thread); ``painted_elsewhere`` is set when a
    :class:`CachedLayersItem` paints the item, which then paints nothing itself (but still takes clicks).
    Subclasses implement :meth:`draw_steps`."""

    def __init__(self):
        super().__init__()
        self.version = 0
        self.on_change = None
        self.painted_elsewhere = False

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        if visible != self.isVisible():
            super().setVisible(visible)
            self._changed()

    def draw(self, painter: QPainter, window: QRectF) -> None:
        """Paint the item with ``painter`` (item coordinates to logical pixels), culled to ``window`` (logical
        pixels), all at once."""
        for _ in self.draw_steps(painter, window):
            pass

    def draw_steps(self, painter: QPainter, window: QRectF) -> Iterator[None]:
        """Paint as :meth:`draw` does, yielding after each part (the painter is not touched in between)."""
        raise NotImplementedError

    def _changed(self) -> None:
        self.version += 1
        self.update()
        if self.on_change is not None:
            self.on_change()


class _Picture:
    """The layers drawn for one view: the image, item coordinates -> its (logical) pixels, the layers' key
    (versions and visibility) and when their content was taken (``time.monotonic()``)."""

    def __init__(self, image: QImage, transform: QTransform, key: tuple):
        self.image, self.transform, self.key, self.time = image, transform, key, time.monotonic()

    def size(self) -> QRectF:
        return QRectF(QPointF(0, 0), self.image.deviceIndependentSize())


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
        self._shown: _Picture | None = None
        self._drawing: _Picture | None = None  # being drawn by self._steps, one pass per timeout of self._pass
        self._steps: Iterator[None] | None = None
        self._spare: QImage | None = None  # the image of the picture shown before, for the next drawing
        self._pass = QTimer(self, singleShot=True, interval=0)
        self._pass.timeout.connect(self._draw_pass)
        #: How often a picture was drawn afresh (for tests and benchmarks).
        self.renders = 0

    def set_cached(self, cached: bool) -> None:
        """Paint the layers through the picture (True, the default) or let them paint themselves (False:
        cheaper when there is little to draw, e.g. a hundred markers, than copying a picture of the view)."""
        if cached != self.isVisible():
            self.setVisible(cached)
            self._forget()
            for layer in self.layers:
                layer.painted_elsewhere = cached
                layer.update()

    def set_background(self, colour: QColor | None) -> None:
        """Paint the picture opaque on this colour, the view's own background (copied, not blended: cheaper),
        or transparent (None: something, a base map, shows through)."""
        if colour != self._background:
            self._background = None if colour is None else QColor(colour)
            self._forget()
            self.update()

    def set_moving(self, moving: bool) -> None:
        """The view is being panned or zoomed (True) or has settled (False: drawn exactly again)."""
        if moving != self._moving:
            self._moving = moving
            if not moving:
                self.update()

    def is_drawing(self) -> bool:
        """Whether a new picture is being drawn over the next event-loop passes (the old one still shows)."""
        return self._drawing is not None

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
        shown, device = self._shown, painter.device()
        if shown is not None and self._fits(shown, transform, view, key):
            if self._drawing is not None and not self._moving:  # settled on the shown picture's view after all
                self._drop_drawing()
            elif self._moving and self._drawing is None and not self._fits(shown, transform, view, key, early=True):
                self._begin(transform, view, key, device)  # the gesture will soon need the next picture
        elif shown is None:
            self._begin(transform, view, key, device)  # nothing to show meanwhile
            self._finish_now()
        elif self._drawing is None or not self._fits(self._drawing, transform, view, key):
            self._begin(transform, view, key, device)  # drawn over the next passes; the old picture shows
        self._copy(painter, transform, view)

    def _copy(self, painter: QPainter, transform: QTransform, view: QRectF) -> None:
        # The picture and the view differ by a shift and a scale (same orientation): copy the part under the
        # view onto it without a world transform, which lets Qt take its quick scaled-copy path.
        shown = self._shown
        source = (transform.inverted()[0] * shown.transform).mapRect(view)
        ratio = shown.image.devicePixelRatioF()
        painter.save()
        painter.resetTransform()
        painter.drawImage(view, shown.image, QRectF(source.x() * ratio, source.y() * ratio,
                                                    source.width() * ratio, source.height() * ratio))
        painter.restore()

    def _fits(self, picture: _Picture, transform: QTransform, view: QRectF, key: tuple, early: bool = False) -> bool:
        """Whether ``picture`` may be shown for this view and content; ``early``: with room to spare (a gesture
        that goes on this way will soon need the next picture)."""
        if self._same_view(picture, transform, view):  # nothing moved: shown only if nothing changed either
            return key == picture.key
        # Mid-gesture: moved and scaled, and a change may wait a little (see the module's notes).
        return (self._moving and self._covers(picture, transform, view, early)
                and (key == picture.key or time.monotonic() - picture.time < self.max_stale_s))

    def _same_view(self, picture: _Picture, transform: QTransform, view: QRectF) -> bool:
        """Whether the view is the picture's, but for a shift of whole pixels that keeps it inside the picture."""
        cached = picture.transform
        if (transform.m11(), transform.m12(), transform.m21(), transform.m22()) != (
                cached.m11(), cached.m12(), cached.m21(), cached.m22()):
            return False
        dx, dy = cached.dx() - transform.dx(), cached.dy() - transform.dy()
        if abs(dx - round(dx)) > 1e-6 or abs(dy - round(dy)) > 1e-6:  # (rounding in the sums aside)
            return False
        if round(dx) % self.align_px or round(dy) % self.align_px:
            return False
        return picture.size().contains(view.translated(dx, dy))

    def _covers(self, picture: _Picture, transform: QTransform, view: QRectF, early: bool) -> bool:
        """Whether the picture, moved and scaled onto the view, covers it without scaling by more than the
        rescale limit (``early``: covers the view and half the margin, within the limit to the power ¾)."""
        cached = picture.transform
        limit = self.rescale_limit ** 0.75 if early else self.rescale_limit
        scale = abs(transform.determinant() / cached.determinant()) ** 0.5 if cached.determinant() else 0.0
        if not 1 / limit <= scale <= limit:
            return False
        if early:
            view = view.adjusted(-view.width() * MARGIN / 2, -view.height() * MARGIN / 2,
                                 view.width() * MARGIN / 2, view.height() * MARGIN / 2)
        covered = (transform.inverted()[0] * cached).mapRect(view)  # the view in the picture's pixels
        return picture.size().contains(covered)

    def _begin(self, transform: QTransform, view: QRectF, key: tuple, device) -> None:
        """Start drawing the picture of this view (dropping one being drawn); passes follow from the event loop."""
        self._drop_drawing()
        step = self.align_px
        margin_x, margin_y = (round(view.width() * MARGIN / step) * step, round(view.height() * MARGIN / step) * step)
        width, height = int(view.width()) + 2 * margin_x, int(view.height()) + 2 * margin_y
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image_format = (QImage.Format.Format_ARGB32_Premultiplied if self._background is None
                        else QImage.Format.Format_RGB32)
        size = QSize(round(width * ratio), round(height * ratio))
        image, self._spare = self._spare, None
        if (image is None or image.size() != size or image.devicePixelRatioF() != ratio
                or image.format() != image_format):
            image = QImage(size, image_format)
            image.setDevicePixelRatio(ratio)
        shift = QTransform.fromTranslate(margin_x - view.left(), margin_y - view.top())
        self._drawing = _Picture(image, transform * shift, key)
        self._steps = self._draw_steps(self._drawing, QRectF(0, 0, width, height))
        self._pass.start()

    def _draw_steps(self, picture: _Picture, window: QRectF) -> Iterator[None]:
        # Opaque on the view's own background: where a picture shown moved does not reach, the same colour shows.
        picture.image.fill(Qt.GlobalColor.transparent if self._background is None else self._background)
        yield
        painter = QPainter(picture.image)
        try:
            for layer in self.layers:
                if layer.isVisible():
                    painter.setTransform(picture.transform)
                    yield from layer.draw_steps(painter, window)
        finally:
            painter.end()

    def _draw_pass(self) -> None:
        if self._steps is None:
            return
        until = time.perf_counter() + PASS_S
        for _ in self._steps:
            if time.perf_counter() >= until:
                self._pass.start()
                return
        self._done()
        self.update()

    def _finish_now(self) -> None:
        for _ in self._steps:
            pass
        self._done()

    def _done(self) -> None:
        self._pass.stop()
        if self._shown is not None:
            self._spare = self._shown.image
        self._shown, self._drawing, self._steps = self._drawing, None, None
        self.renders += 1

    def _drop_drawing(self) -> None:
        if self._steps is not None:
            self._steps.close()  # ends its painter
            self._spare = self._drawing.image
        self._drawing = self._steps = None
        self._pass.stop()

    def _forget(self) -> None:
        self._drop_drawing()
        self._shown = self._spare = None

    def _changed(self) -> None:
        self.prepareGeometryChange()
        self.update()
