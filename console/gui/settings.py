"""Console settings in QSettings: read typed, and windows kept on a screen that exists.

A damaged settings file never stops the console nor gets lost: a file Qt cannot read
(binary junk, a broken INI) is renamed to ``<name>.corrupt-<time>`` and the console
starts on defaults; a value of the wrong type or unreadable (a geometry, a wall
layout) falls back to its default, and a copy of the file is kept the same way
before the console writes over it.  Each such fault is logged and noted, in one line
for the operator, in :attr:`ConsoleSettings.problems` (for the main window's status bar:
:meth:`ConsoleSettings.problems_message`).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path
from typing import Callable, TypeVar

from PySide6.QtCore import QByteArray, QCoreApplication, QPoint, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget


def settings_path() -> Path:
    """``$GRIDWATCH_SETTINGS`` if set (tests give each test its own), else the user's config directory."""
    override = os.environ.get("GRIDWATCH_SETTINGS")
    if override:
        return Path(override)
    from platformdirs import user_config_path
    return user_config_path("gridwatch", appauthor=False) / "gridwatch.ini"


log = logging.getLogger(__name__)
T = TypeVar("T")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def file_damage(path: Path) -> str | None:
    """Why the settings file at ``path`` cannot be a settings file (None if it may be: missing, empty or text)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if b"\0" in data:
        return "binary data"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


#: The start of what ``QWidget.saveGeometry`` writes, and its length for each format version.
_GEOMETRY_MAGIC = 0x1D9D0CB
_GEOMETRY_SIZES = {1: 46, 2: 50, 3: 66}
#: A restored window smaller than this (in either direction) came from a damaged geometry.
MIN_RESTORED_SIZE = 40


def geometry_looks_whole(blob: QByteArray) -> bool:
    """True if ``blob`` has the header and the full length of a saved window geometry."""
    data = bytes(blob)
    if len(data) < 8 or int.from_bytes(data[:4], "big") != _GEOMETRY_MAGIC:
        return False
    return len(data) >= _GEOMETRY_SIZES.get(int.from_bytes(data[4:6], "big"), max(_GEOMETRY_SIZES.values()))


class ConsoleSettings:
    """Typed access to the console's QSettings (an INI file), plus window geometry per monitor.

    :attr:`problems` lists, one line each and translated, what was wrong with the stored settings
    (see the module's docstring); :meth:`problems_message` joins them for a status bar.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.problems: list[str] = []
        self.kept_copy: Path | None = None  # where the damaged file (or a copy of it) was put aside
        self._damaged_keys: list[str] = []  # in the order they were found
        self.qsettings = self._open()

    def _open(self) -> QSettings:
        damage = file_damage(self.path)
        if damage is None:
            qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)
            if qsettings.status() == QSettings.Status.NoError:
                return qsettings
            damage = "not in INI format" if qsettings.status() == QSettings.Status.FormatError else "unreadable"
            del qsettings
        aside = self._aside_path()
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            # Qt never writes over a file it could not parse, so the damaged file stays as it is.
            log.warning("settings file %s is damaged (%s) and could not be set aside (%s); using defaults",
                        self.path, damage, exc)
            self._note(QCoreApplication.translate("ConsoleSettings", "The settings file %1 is damaged; the console uses default settings this time.")
                       .replace("%1", str(self.path)))
            return QSettings(str(self.path), QSettings.Format.IniFormat)
        self.kept_copy = aside
        log.warning("settings file %s is damaged (%s); set aside as %s, starting with default settings",
                    self.path, damage, aside)
        self._note(QCoreApplication.translate("ConsoleSettings", "The settings file was damaged: default settings restored (the damaged file is kept as %1).")
                   .replace("%1", str(aside)))
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    def _aside_path(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        return aside

    def _note(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def damaged(self, key: str, value=None) -> None:
        """Note that the stored ``key`` is unusable (its default is used); keep a copy of the file, once,
        before the console writes over it."""
        if key in self._damaged_keys:
            return
        self._damaged_keys.append(key)
        if self.kept_copy is None and self.path.exists():
            aside = self._aside_path()
            try:
                shutil.copy2(self.path, aside)
                self.kept_copy = aside
            except OSError as exc:
                log.warning("could not keep a copy of the settings file %s: %s", self.path, exc)
        log.warning("setting %r in %s is damaged (%.60r); using its default", key, self.path, value)
        if self.kept_copy is not None:
            message = QCoreApplication.translate("ConsoleSettings", "Setting “%1” was damaged: its default restored (the settings file is kept as %2).")
            self._note(message.replace("%1", key).replace("%2", str(self.kept_copy)))
        else:
            self._note(QCoreApplication.translate("ConsoleSettings", "Setting “%1” was damaged: its default restored.").replace("%1", key))

    def problems_message(self) -> str:
        """The problems in one line (empty when there are none), for the main window's status bar."""
        if len(self.problems) <= 1 or len(self._damaged_keys) != len(self.problems):
            return " ".join(self.problems)
        keys = ", ".join(f"“{key}”" for key in self._damaged_keys)
        if self.kept_copy is None:
            return QCoreApplication.translate("ConsoleSettings", "%1 settings were damaged: their defaults restored (%2).").replace(
                "%1", str(len(self._damaged_keys))).replace("%2", keys)
        return (QCoreApplication.translate("ConsoleSettings", "%1 settings were damaged: their defaults restored (%2); the settings file is kept as %3.")
                .replace("%1", str(len(self._damaged_keys))).replace("%2", keys).replace("%3", str(self.kept_copy)))

    def _value(self, key: str):
        return self.qsettings.value(key) if self.qsettings.contains(key) else None

    def text(self, key: str, default: str = "") -> str:
        value = self._value(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.damaged(key, value)
            return default
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._value(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        self.damaged(key, value)
        return default

    def number(self, key: str, default: int = 0) -> int:
        value = self._value(key)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            self.damaged(key, value)
            return default

    def blob(self, key: str) -> QByteArray | None:
        value = self._value(key)
        if value is None:
            return None
        if not isinstance(value, QByteArray):
            self.damaged(key, value)
            return None
        return value if not value.isEmpty() else None

    def parsed(self, key: str, parse: Callable[[str], T | None]) -> T | None:
        """``parse`` of the text stored at ``key`` (e.g. a wall layout's JSON); None, noted as damaged, if
        ``parse`` refuses it (returns None), and None if nothing is stored."""
        text = self.text(key)
        if not text:
            return None
        result = parse(text)
        if result is None:
            self.damaged(key, text)
        return result

    def set(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- window geometry -------------------------------------------------------------------
    def restore_geometry(self, window: QWidget, key: str) -> bool:
        """Give ``window`` the geometry stored at ``key``; False (and noted, if one was stored but damaged)
        when there is none to give: the window keeps the geometry it has."""
        geometry = self.blob(key)
        if geometry is None:
            return False
        before = window.geometry()
        # Qt accepts a geometry cut short and makes a 1 × 1 window of it: check it is whole first.
        restored = geometry_looks_whole(geometry) and window.restoreGeometry(geometry)
        if restored and (window.width() < MIN_RESTORED_SIZE or window.height() < MIN_RESTORED_SIZE):
            restored = False
            window.setGeometry(before)
        if not restored:
            self.damaged(key, geometry)
        return restored

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
        restored = self.restore_geometry(window, f"{key}/geometry")
        if isinstance(window, QMainWindow):
            state = self.blob(f"{key}/state")
            if state and not window.restoreState(state):
                self.damaged(f"{key}/state", state)
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
