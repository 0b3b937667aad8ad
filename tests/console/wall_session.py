"""One console session with wall windows, run as its own process by ``test_wall_windows.py``.

Qt reads the screen layout (``QT_QPA_PLATFORM="offscreen:configfile=..."``) once,
when the application starts, so every "restart" of the console is a new process::

    python -m tests.console.wall_session open DB REPORT     open a wall window full screen on "wall", then quit
    python -m tests.console.wall_session restore DB REPORT  start as the console does, restoring the last session

``open`` puts the cameras named in ``$WALL_CAMERAS`` (comma-separated) on a "1+5" wall.
Either way the session quits as the console does (saving its windows) and writes
what the operator saw as JSON to REPORT: the screens, and per wall window its
screen, full-screen state, geometry, layout and cameras, plus any Qt warnings.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from console.core.clock import SystemClock
from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.settings import ConsoleSettings
from console.gui.taskman import TaskManager
from console.gui.video_room import VideoRoom
from console.gui.wall_windows import screen_named
from console.storage.db import open_store
from console.storage.dispatch import DispatchService
from tests.console.session_support import collect_warnings, wait_for, warnings, window_placement

SESSION = "wall_session"


def window_report(window) -> dict:
    state = window.wall.state()
    return {**window_placement(window), "layout": state.layout, "cameras": state.cameras[:len(window.wall.tiles)],
            "tiles_with_pictures": sum(1 for tile in window.wall.tiles
                                       if tile.feed is not None and tile.feed.image is not None)}


def main(mode: str, db: str, report_path: str) -> int:
    collect_warnings()
    app = QApplication([sys.argv[0]])
    store = open_store(db)
    tasks = TaskManager()
    context = ConsoleContext(store, DispatchService(store, SystemClock()), tasks, default_taxonomy(),
                             SystemClock(), "operator", "en")
    host = QWidget()  # stands in for the main window, which owns the video side
    room = VideoRoom(context, ConsoleSettings(), host)
    try:
        room.start(restore=mode == "restore")
        wait_for(lambda: room.catalog.loaded, 10, "cameras loaded", SESSION)
        if mode == "open":
            names = os.environ["WALL_CAMERAS"].split(",")
            ids = {camera.name: camera.id for camera in room.catalog.cameras()}
            window = room.windows.open(screen_named("wall"), full_screen=True)
            window.wall.set_layout("1+5")
            for tile, name in enumerate(names):
                window.wall.show_camera(ids[name], tile)
        wait_for(lambda: room.windows.windows and all(w.isFullScreen() == w.full_button.isChecked()
                                                      and w.isVisible() for w in room.windows.windows),
                 5, "wall windows shown", SESSION)
        wait_for(lambda: all(window_report(w)["tiles_with_pictures"] == sum(1 for t in w.wall.tiles if t.feed)
                             for w in room.windows.windows), 10, "pictures on every tile with a camera", SESSION)
        report = {"screens": [{"name": s.name(), "geometry": [s.geometry().x(), s.geometry().y(),
                                                              s.geometry().width(), s.geometry().height()]}
                              for s in QGuiApplication.screens()],
                  "primary": QGuiApplication.primaryScreen().name(),
                  "windows": [window_report(w) for w in room.windows.windows]}
    finally:
        room.shutdown(remember=True)  # as MainWindow.closeEvent does: the windows are saved here
        tasks.shutdown()
        store.dispose()
    host.deleteLater()
    app.processEvents()
    report["warnings"] = warnings
    with open(report_path, "w", encoding="utf-8") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
