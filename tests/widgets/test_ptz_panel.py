"""Steering an ONVIF camera from the wall: hold an arrow to turn, release to stop, recall presets."""

from __future__ import annotations

import pytest

from console.gui.taskman import TaskManager
from tests.video.onvif_service import FakeOnvifCamera
from video.ptz import OnvifPtz
from widgets.ptz_panel import PtzPanel


@pytest.fixture
def tasks(qapp):
    manager = TaskManager()
    yield manager
    manager.shutdown()


@pytest.fixture
def camera():
    with FakeOnvifCamera("admin", "secret") as fake:
        yield fake


def test_holding_an_arrow_turns_the_camera_and_releasing_stops_it(camera, tasks, qtbot):
    panel = PtzPanel(OnvifPtz(camera.url.replace("http://", "http://admin:secret@")), "江桥村高位", tasks)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.presets.count() == 1, timeout=5_000)
    panel.buttons["▶"].pressed.emit()
    qtbot.waitUntil(lambda: camera.position()[0] > 0.05, timeout=5_000)
    panel.buttons["▶"].released.emit()
    qtbot.waitUntil(lambda: "Stop" in camera.calls, timeout=5_000)
    stopped_at = camera.position()[0]
    qtbot.wait(300)
    assert camera.position()[0] == pytest.approx(stopped_at, abs=1e-3)


def test_a_preset_is_recalled(camera, tasks, qtbot):
    panel = PtzPanel(OnvifPtz(camera.url, "admin", "secret"), "cam", tasks)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.presets.count() == 1, timeout=5_000)
    panel.buttons["+"].pressed.emit()
    qtbot.waitUntil(lambda: camera.position()[2] > 0.05, timeout=5_000)
    panel.buttons["+"].released.emit()
    panel.presets.setCurrentRow(0)
    panel._goto(panel.presets.currentItem())
    qtbot.waitUntil(lambda: camera.position() == (0.0, 0.0, 0.0), timeout=5_000)


def test_a_wrong_password_is_said_in_the_panel(camera, tasks, qtbot):
    panel = PtzPanel(OnvifPtz(camera.url, "admin", "wrong"), "cam", tasks)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: "authentication failed" in panel.status.text(), timeout=5_000)
    assert "wrong" not in panel.status.text()
