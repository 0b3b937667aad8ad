"""Aiming a camera on the map: a drag sets its direction and range, Esc or a plain click keep the old view."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from console.core.coverage import FieldOfView
from tests.widgets.test_map_panel import _places
from widgets.map_panel import MapPanel

CAMERA = 5  # the test town's one camera, at (0, 800) metres


@pytest.fixture
def panel(qtbot):
    panel = MapPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    places = _places()
    panel.set_places(dataclasses.replace(places, camera_views={CAMERA: FieldOfView(90, 60, 100)}))
    panel.canvas.centre_on(0, 800, width_m=1000)
    qtbot.waitExposed(panel)
    return panel


def _mouse(panel, kind, x_m, y_m, button=Qt.MouseButton.LeftButton, buttons=Qt.MouseButton.LeftButton):
    pixel = panel.canvas.pixel_of(x_m, y_m)
    viewport = panel.canvas.viewport()
    local = QPointF(viewport.mapFrom(panel.canvas, pixel.toPoint()))
    event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(local.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def test_dragging_from_the_camera_points_it_north_200_m_and_asks_to_store_that(panel, qtbot):
    panel.set_aiming_allowed(True)
    panel.select_camera(CAMERA)
    assert panel.aim_action.isEnabled()
    panel.aim_action.setChecked(True)
    _mouse(panel, QEvent.Type.MouseButtonPress, 0, 800)
    _mouse(panel, QEvent.Type.MouseMove, 0, 900, button=Qt.MouseButton.NoButton)
    assert panel.canvas.camera_view(CAMERA).direction_deg == pytest.approx(0, abs=2)  # follows the mouse
    with qtbot.waitSignal(panel.aim_requested) as asked:
        _mouse(panel, QEvent.Type.MouseMove, 0, 1000, button=Qt.MouseButton.NoButton)
        _mouse(panel, QEvent.Type.MouseButtonRelease, 0, 1000, buttons=Qt.MouseButton.NoButton)
    camera_id, view = asked.args
    assert camera_id == CAMERA
    assert view.direction_deg == pytest.approx(0, abs=2) or view.direction_deg == pytest.approx(360, abs=2)
    assert view.range_m == pytest.approx(200, rel=0.05) and view.fov_deg == 60  # the angle is kept
    assert not panel.aim_action.isChecked() and not panel.aiming.active


def test_esc_puts_the_old_view_back_and_the_map_pans_again(panel, qtbot):
    panel.set_aiming_allowed(True)
    panel.select_camera(CAMERA)
    panel.aim_action.setChecked(True)
    _mouse(panel, QEvent.Type.MouseButtonPress, 0, 800)
    _mouse(panel, QEvent.Type.MouseMove, -100, 800, button=Qt.MouseButton.NoButton)
    assert panel.canvas.camera_view(CAMERA).direction_deg == pytest.approx(270, abs=2)
    with qtbot.assertNotEmitted(panel.aim_requested):
        qtbot.keyClick(panel.canvas, Qt.Key.Key_Escape)
    assert panel.canvas.camera_view(CAMERA) == FieldOfView(90, 60, 100)
    assert not panel.aiming.active and not panel.aim_action.isChecked()


def test_aiming_is_offered_only_to_whom_may_aim_and_only_with_a_camera_selected(panel):
    assert not panel.aim_action.isEnabled()
    panel.select_camera(CAMERA)
    assert not panel.aim_action.isEnabled()  # not allowed yet
    panel.set_aiming_allowed(True)
    assert panel.aim_action.isEnabled()
