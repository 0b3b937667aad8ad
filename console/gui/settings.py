"""Console settings in QSettings: read typed, and windows kept on a screen that exists."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget


def settings_path() -> Path:
    """``$GRIDWATCH_SETTINGS`` if set (tests give each test its own), else the user's config directory."""
    override = os.environ.get("GRIDWATCH_SETTINGS")
    if override:
        return Path(override)
    from platformdirs import user_config_path
    return user_config_path("gridwatch", appauthor=False) / "gridwatch.ini"


class ConsoleSettings:
    """Typed access to the console's QSettings (an INI file), plus window geometry per monitor."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def text(self, key: str, default: str = "") -> str:
        value = self.qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.qsettings.value(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes", "on")
        return default

    def number(self, key: str, default: int = 0) -> int:
        value = self.qsettings.value(key, default)
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def blob(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- window geometry -------------------------------------------------------------------
    def save_window(self, window: QWidget, key: str) -> None:
        """Remember a window's geometry, the monitor it is on and (for main windows) its docks."""
        self.set(f"{key}/geometry", window.saveGeometry())
        screen = window.screen()
        self.set(f"{key}/screen", screen.name() if screen else "")
        if isinstance(window, QMainWindow):
            self.set(f"{key}/state", window.saveState())
        self.sync()

    def restore_window(self, window: QWidget, key: str) -> bool:
        """Put a window back where it was; if its monitor is gone, pull it onto the primary screen."""
        geometry = self.blob(f"{key}/geometry")
        restored = bool(geometry) and window.restoreGeometry(geometry)
        if isinstance(window, QMainWindow):
            state = self.blob(f"{key}/state")
            if state:
                window.restoreState(state)
        ensure_on_screen(window)
        return restored


def ensure_on_screen(window: QWidget) -> None:
    """Move (and if need be shrink) a window so that its title bar is on a connected screen."""
    frame = window.frameGeometry()
    title_bar = QRect(frame.topLeft(), QPoint(frame.right(), frame.top() + 30))
    for screen in QGuiApplication.screens():
        if screen.availableGeometry().intersects(title_bar):
            return
    primary = QGuiApplication.primaryScreen()
    if primary is None:
        return
    available = primary.availableGeometry()
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    window.resize(width, height)
    window.move(available.center() - QPoint(width // 2, height // 2))
