"""What the console sessions run as processes of their own (``wall_session``, ``big_screen_session``) share:
Qt's warnings collected for the report, the event loop run until a condition holds, and where a window is."""

from __future__ import annotations

import time

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest

#: What Qt's offscreen platform says it cannot do (see pyproject's qt_log_ignore): not faults of the console.
IGNORED = ("This plugin does not support",)
#: Qt's warnings since :func:`collect_warnings`, for the session's report.
warnings: list[str] = []


def _collect(kind, _context, message: str) -> None:
    if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and not message.startswith(IGNORED):
        warnings.append(message)


def collect_warnings() -> None:
    """From now on, keep Qt's warnings (but not its debug and info messages) in :data:`warnings`."""
    qInstallMessageHandler(_collect)


def wait_for(predicate, timeout: float, what: str, session: str) -> None:
    """Run the event loop until ``predicate()`` holds; exit with a message naming ``session`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"{session}: {what}: not reached within {timeout} s")
        QTest.qWait(20)


def window_placement(window) -> dict:
    """The window's screen, full-screen state, visibility and geometry, as the reports give them."""
    geometry = window.geometry()
    return {"screen": window.screen().name() if window.screen() else None,
            "full_screen": window.isFullScreen(), "visible": window.isVisible(),
            "geometry": [geometry.x(), geometry.y(), geometry.width(), geometry.height()]}
