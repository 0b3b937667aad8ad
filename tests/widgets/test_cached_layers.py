"""A cached map picture during a pan or zoom: redrawn between repaints while the old one shows, exact once settled."""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter

from widgets.cached_layers import CachedLayer, CachedLayersItem

RED, BLUE = QColor("#d32f2f"), QColor("#1565c0")
#: Squares 20 m wide every 100 m, over a 1,000 × 600 m view.
CENTRES = [(x + 50.0, y + 50.0) for x in range(0, 2000, 100) for y in range(0, 600, 100)]
SIDE = 20.0


class _Squares(CachedLayer):
    """Squares of one colour, one per drawing step; each step costs ``step_s`` and is logged."""

    def __init__(self, colour: QColor, log: list[str], step_s: float = 0.0, centres=CENTRES, side: float = SIDE):
        super().__init__()
        self.colour, self.log, self.step_s, self.centres, self.side = colour, log, step_s, centres, side

    def set_colour(self, colour: QColor) -> None:
        self.colour = colour
        self._changed()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(0, 0, 2000, 600)

    def paint(self, *_args) -> None:
        pass  # always painted through the cached picture here

    def draw_steps(self, painter: QPainter, window: QRectF):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        for x, y in self.centres:
            painter.drawRect(QRectF(x - self.side / 2, y - self.side / 2, self.side, self.side))
            until = time.perf_counter() + self.step_s  # what drawing thousands of outlines costs
            while time.perf_counter() < until:
                pass
            self.log.append("step")
            yield


def _map(qtbot, colour: QColor, step_s: float = 0.0, log: list[str] | None = None, **squares):
    plot = pg.PlotWidget(background=QColor("#eeeeee"))
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    qtbot.waitExposed(plot)
    plot.getViewBox().setAspectLocked(True)
    layer = _Squares(colour, [] if log is None else log, step_s, **squares)
    cached = CachedLayersItem([layer], rescale_limit=1.1, max_stale_s=0.0)
    plot.addItem(layer)
    plot.addItem(cached)
    plot.getViewBox().setRange(QRectF(0, 0, 1000, 600), padding=0)
    return plot, layer, cached


def _colour(plot, image, x: float, y: float) -> QColor:
    scene = plot.getViewBox().mapViewToScene(QPointF(x, y))
    return image.pixelColor(plot.mapFromScene(scene))


def _pan(plot, dx: float) -> None:
    plot.getViewBox().setRange(QRectF(dx, 0, 1000, 600), padding=0)


def test_during_a_pan_the_old_picture_moves_with_the_view_and_the_new_one_is_drawn_between_repaints(qtbot):
    log: list[str] = []
    plot, _layer, cached = _map(qtbot, RED, step_s=0.001, log=log)
    plot.grab()  # the first picture: drawn at once
    ticker = QTimer(interval=0)  # counts event-loop passes while the new picture is drawn
    ticker.timeout.connect(lambda: log.append("tick"))
    cached.set_moving(True)
    _pan(plot, 450.0)  # far past the picture's margin
    log.clear()
    ticker.start()
    moved = plot.grab().toImage()
    assert "step" not in log  # the repaint itself drew nothing afresh ...
    assert cached.is_drawing()
    assert _colour(plot, moved, 550, 50) == RED  # ... and showed the old picture, moved with the view
    qtbot.waitUntil(lambda: not cached.is_drawing(), timeout=5_000)
    ticker.stop()
    steps_in_a_row = max(len(run) for run in "".join("s" if e == "step" else " " for e in log).split())
    assert log.count("step") >= len(CENTRES) and steps_in_a_row <= 12  # ~4 ms of drawing per pass, not 120 ms
    cached.set_moving(False)
    settled = plot.grab().toImage()
    assert not cached.is_drawing()  # the picture drawn for this view is the settled one
    assert _colour(plot, settled, 1350, 250) == RED  # squares that were off the old picture are drawn now
    fresh, _, _ = _map(qtbot, RED)
    _pan(fresh, 450.0)
    assert fresh.grab().toImage() == settled


def test_a_change_while_the_view_stands_still_shows_a_few_passes_later_and_the_old_picture_until_then(qtbot):
    log: list[str] = []
    plot, layer, cached = _map(qtbot, RED, step_s=0.001, log=log)
    plot.grab()
    log.clear()
    layer.set_colour(BLUE)
    assert _colour(plot, plot.grab().toImage(), 150, 150) == RED  # not a repaint that draws it all at once
    assert "step" not in log and cached.is_drawing()
    qtbot.waitUntil(lambda: not cached.is_drawing(), timeout=5_000)
    assert _colour(plot, plot.grab().toImage(), 150, 150) == BLUE


def test_a_change_during_a_redraw_is_not_lost(qtbot):
    log: list[str] = []
    plot, layer, cached = _map(qtbot, RED, step_s=0.001, log=log)
    plot.grab()
    cached.set_moving(True)
    _pan(plot, 450.0)
    log.clear()
    plot.grab()
    qtbot.waitUntil(lambda: len(log) >= 10, timeout=5_000)
    assert cached.is_drawing()
    layer.set_colour(BLUE)  # markers change while their picture for the new view is partly drawn
    qtbot.waitUntil(lambda: _colour(plot, plot.grab().toImage(), 850, 350) == BLUE and not cached.is_drawing(),
                    timeout=5_000)
    cached.set_moving(False)
    image = plot.grab().toImage()
    assert {_colour(plot, image, x, y).name() for x, y in CENTRES if 450 < x < 1450} == {BLUE.name()}


def test_a_steady_pan_never_shows_past_the_edge_of_the_picture(qtbot):
    plot, _layer, cached = _map(qtbot, RED, centres=[(5000.0, 300.0)], side=10_000.0)  # red all over
    plot.grab()
    box = plot.mapFromScene(plot.getViewBox().sceneBoundingRect()).boundingRect()  # the map's area in the widget
    cached.set_moving(True)
    for step in range(1, 30):  # 3 % of the view's width at a time, the picture drawn between steps as needed
        _pan(plot, 30.0 * step)
        image = plot.grab().toImage()
        edge = [image.pixelColor(box.right() - 2, y) for y in range(box.top() + 2, box.bottom() - 2, 20)]
        assert {colour.name() for colour in edge} == {RED.name()}, f"background shows at step {step}"
        qtbot.waitUntil(lambda: not cached.is_drawing(), timeout=5_000)
