"""One console session with a big-screen window, run as its own process by ``test_big_screen.py``.

Qt reads the offscreen screens (``QT_QPA_PLATFORM="offscreen:configfile=..."``) when the application
starts, hence a process of its own.  ``python -m tests.console.big_screen_session DB SCREEN REPORT [PNG]``
opens the big screen on SCREEN, waits for its figures, then tells it that screen was unplugged, and
writes what it saw as JSON to REPORT (and the window's picture to PNG).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from console.core.clock import SystemClock
from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.dashboard_room import DashboardRoom
from console.gui.taskman import TaskManager
from console.gui.wall_windows import screen_named
from console.storage.db import open_store
from console.storage.dispatch import DispatchService
from tests.console.session_support import collect_warnings, wait_for, warnings, window_placement

SESSION = "big_screen_session"


def window_report(window) -> dict:
    view = window.view
    return {**window_placement(window), "figures": {k: f.value.text() for k, f in view.figures.items()},
            "figure_px": view.figures["open"].value.font().pixelSize(),
            "one_key": view.one_key.body.text(), "overdue": view.overdue.body.text()}


def main(db: str, screen_name: str, report_path: str, png: str = "") -> int:
    collect_warnings()
    app = QApplication([sys.argv[0]])
    store = open_store(db)
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, SystemClock()), tasks, default_taxonomy(),
                             SystemClock(), "operator", "zh_CN")
    host = QWidget()
    room = DashboardRoom(context, parent=host)
    report: dict = {"screens": [s.name() for s in QGuiApplication.screens()],
                    "primary": QGuiApplication.primaryScreen().name()}
    try:
        window = room.open_big_screen(screen_named(screen_name))
        wait_for(lambda: window.view.dashboard is not None and not window.view.is_drawing()
                 and window.isFullScreen(), 20, "figures shown", SESSION)
        QTest.qWait(100)
        report["opened"] = window_report(window)
        if png:
            window.grab().save(png)
        refreshed_at = window.view.dashboard.at
        room.refresh()  # it refreshes itself (every REFRESH_MS and on changes): one more, now
        wait_for(lambda: window.view.dashboard.at != refreshed_at and not window.view.is_drawing(), 20,
                 "a refresh drawn", SESSION)
        window._screen_removed(screen_named(screen_name))  # the LED wall is unplugged
        wait_for(lambda: window.isFullScreen(), 5, "full screen again", SESSION)
        QTest.qWait(100)
        report["unplugged"] = window_report(window)
    finally:
        room.stop()
        tasks.shutdown()
        store.dispose()
    host.deleteLater()
    app.processEvents()
    report["warnings"] = warnings
    with open(report_path, "w", encoding="utf-8") as out:
        json.dump(report, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
