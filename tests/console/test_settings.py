"""Console settings: typed reads, and windows that come back on a screen that exists."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from console.gui.settings import ConsoleSettings, ensure_on_screen
from console.gui.wall_windows import WallWindows
from widgets.video_wall import WallState


def test_typed_reads_fall_back_to_the_default_on_garbage(qapp, tmp_path):
    settings = ConsoleSettings(tmp_path / "s.ini")
    settings.set("theme", 42)
    settings.set("speed", "fast")
    settings.set("flag", "yes")
    settings.sync()
    again = ConsoleSettings(tmp_path / "s.ini")
    assert again.number("speed", 7) == 7
    assert again.flag("flag") is True
    assert again.text("missing", "dark") == "dark"


def test_each_test_gets_its_own_settings_file(qapp, tmp_path_factory):
    path = ConsoleSettings().path
    assert path.is_relative_to(tmp_path_factory.getbasetemp())


def test_geometry_and_docks_round_trip(qtbot, tmp_path):
    settings = ConsoleSettings(tmp_path / "s.ini")
    window = QMainWindow()
    qtbot.addWidget(window)
    dock = QDockWidget("detail", window)
    dock.setObjectName("dock_detail")
    dock.setWidget(QLabel("x"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.setGeometry(40, 50, 700, 500)
    window.show()
    dock.hide()
    settings.save_window(window, "w")

    restored = QMainWindow()
    qtbot.addWidget(restored)
    dock2 = QDockWidget("detail", restored)
    dock2.setObjectName("dock_detail")
    dock2.setWidget(QLabel("x"))
    restored.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock2)
    assert ConsoleSettings(tmp_path / "s.ini").restore_window(restored, "w")
    restored.show()
    assert restored.size().width() == 700 and restored.size().height() == 500
    assert dock2.isHidden()


def test_window_whose_monitor_is_gone_is_pulled_back(qtbot):
    window = QLabel("lost")
    qtbot.addWidget(window)
    window.setGeometry(QRect(QPoint(20_000, 9_000), window.sizeHint().expandedTo(window.minimumSize())))
    ensure_on_screen(window)
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert available.contains(window.frameGeometry().topLeft())


# -- a damaged settings file: defaults, a warning, and nothing lost ------------------------------------------

JUNK = {
    "binary junk": bytes(range(256)) * 8,
    "not text": "[main_window]\ngeometry=".encode() + bytes(range(128, 256)) * 4,
    "broken INI": b"[main_window\ngeometry=@ByteArray(\\x1\\xd9\\xd0\n[main_wall]\nstate=\"{\\\"lay",
}


def default_window(qtbot) -> QMainWindow:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(60, 70, 640, 480)  # what the console would use without saved settings
    return window


@pytest.mark.parametrize("junk", list(JUNK))
def test_a_settings_file_qt_cannot_read_is_set_aside_and_the_console_starts_on_defaults(junk, qtbot, tmp_path,
                                                                                     caplog):
    path = tmp_path / "gridwatch.ini"
    path.write_bytes(JUNK[junk])
    with caplog.at_level(logging.WARNING, logger="console.gui.settings"):
        settings = ConsoleSettings(path)
    window = default_window(qtbot)
    assert not settings.restore_window(window, "main_window")
    assert window.geometry() == QRect(60, 70, 640, 480)
    assert settings.parsed("main_wall/state", WallState.from_json) is None
    assert settings.text("theme", "dark") == "dark" and settings.number("wall_windows/count") == 0
    assert settings.qsettings.allKeys() == []

    # the operator is told, in one line, and the damaged file is kept untouched beside the new one
    assert len(settings.problems) == 1
    message = settings.problems_message()
    assert "damaged" in message and "default settings restored" in message and "\n" not in message
    kept = list(tmp_path.glob("gridwatch.ini.corrupt-*"))
    assert kept == [settings.kept_copy] and str(settings.kept_copy) in message
    assert kept[0].read_bytes() == JUNK[junk]
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "damaged" in caplog.records[0].getMessage()

    # and the console saves its settings again as usual
    settings.save_window(window, "main_window")
    again = ConsoleSettings(path)
    assert again.problems == [] and again.blob("main_window/geometry") is not None
    assert kept[0].read_bytes() == JUNK[junk]


def test_damaged_values_fall_back_to_their_defaults_each_noted_and_a_copy_is_kept(qtbot, tmp_path, caplog):
    path = tmp_path / "gridwatch.ini"
    # Readable as INI, but: a geometry cut short, dock state and window geometry of the wrong type, a wall
    # layout that is not JSON, another that is cut short, a window count that is not a number.
    text = ("[main_window]\ngeometry=@ByteArray(\\x1\\xd9\\xd0\\xcb\\0\\x3\\0\\0\\0\\0)\nstate=42\n"
            "[main_wall]\nstate=@ByteArray(abc)\n"
            "[wall_windows]\ncount=lots\n0\\wall=\"{\\\"layout\\\": \\\"2x2\\\", \\\"cam\"\n0\\geometry=hello\n"
            "[General]\ntheme=light\n")
    path.write_text(text)
    with caplog.at_level(logging.WARNING, logger="console.gui.settings"):
        settings = ConsoleSettings(path)
        assert settings.problems == []  # the file itself is fine
        window = default_window(qtbot)
        assert not settings.restore_window(window, "main_window")
        assert window.geometry() == QRect(60, 70, 640, 480)
        assert settings.parsed("main_wall/state", WallState.from_json) is None
        assert settings.parsed("wall_windows/0/wall", WallState.from_json) is None
        windows = WallWindows(None, None, settings, None)
        windows.restore()  # the count is unreadable: no wall window comes back, none fails
        assert windows.windows == []
        assert settings.blob("wall_windows/0/geometry") is None
    assert settings.text("theme") == "light"  # what is fine is still used

    damaged = ["main_window/geometry", "main_window/state", "main_wall/state", "wall_windows/0/wall",
               "wall_windows/count", "wall_windows/0/geometry"]
    assert len(settings.problems) == len(damaged)
    for key, problem in zip(damaged, settings.problems):
        assert f"Setting “{key}” was damaged: its default restored" in problem
    message = settings.problems_message()  # one line for the status bar
    assert message.startswith("6 settings were damaged: their defaults restored (“main_window/geometry”, ")
    assert str(settings.kept_copy) in message and "\n" not in message
    assert len(caplog.records) == len(damaged) and all(r.levelname == "WARNING" for r in caplog.records)
    kept = list(tmp_path.glob("gridwatch.ini.corrupt-*"))
    assert kept == [settings.kept_copy] and kept[0].read_text() == text  # before the console writes over it
    settings.save_window(window, "main_window")
    assert kept[0].read_text() == text


def test_a_good_settings_file_has_no_problems(qtbot, tmp_path):
    settings = ConsoleSettings(tmp_path / "s.ini")
    settings.set("main_wall/state", WallState("2x2", [1, None, 3]).to_json())
    settings.set("wall_windows/count", 1)
    settings.set("full", True)
    settings.sync()
    again = ConsoleSettings(tmp_path / "s.ini")
    assert again.parsed("main_wall/state", WallState.from_json) == WallState("2x2", [1, None, 3])
    assert again.number("wall_windows/count") == 1 and again.flag("full") is True
    assert again.problems == [] and again.problems_message() == ""
    assert list(tmp_path.glob("*.corrupt-*")) == []
