"""Console settings: typed reads, and windows that come back on a screen that exists."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from console.gui.settings import ConsoleSettings, ensure_on_screen


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
