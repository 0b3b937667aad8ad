"""Video walls in their own windows, one per monitor, remembered across starts; named wall layouts.

Each wall window remembers its screen (by name), whether it was full
screen, its geometry and what its wall showed.  At start every remembered
window comes back on its screen; if that screen is gone, on the primary one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QComboBox, QToolButton, QVBoxLayout, QWidget

from console.gui.settings import ConsoleSettings, ensure_on_screen
from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.video_wall import WallState
from widgets.wall_actions import WallActions
from widgets.wall_panel import WallPanel

WINDOWS_KEY = "wall_windows"


class SettingsLayoutLibrary:
    """Named wall layouts in the console's settings (``wall_layouts/<name>``)."""

    def __init__(self, settings: ConsoleSettings):
        self.settings = settings

    def names(self) -> list[str]:
        q = self.settings.qsettings
        q.beginGroup("wall_layouts")
        try:
            return sorted(_name_of_key(key) for key in q.childKeys())
        finally:
            q.endGroup()

    def get(self, name: str) -> WallState | None:
        return self.settings.parsed(f"wall_layouts/{_key_of_name(name)}", WallState.from_json)

    def put(self, name: str, state: WallState) -> None:
        self.settings.set(f"wall_layouts/{_key_of_name(name)}", state.to_json())
        self.settings.sync()


def _key_of_name(name: str) -> str:
    """A layout's name as one QSettings key: "/" and "\\" would otherwise split it into groups."""
    return name.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")


def _name_of_key(key: str) -> str:
    return key.replace("%5C", "\\").replace("%2F", "/").replace("%25", "%")


def screen_named(name: str) -> QScreen | None:
    for screen in QGuiApplication.screens():
        if screen.name() == name:
            return screen
    return None


class WallWindow(QWidget):
    """A top-level video wall for another monitor (an LED wall or a second desk screen).

    Signals (GUI thread): ``closed(window)`` when the operator closes it.
    """

    closed = Signal(object)

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, library: SettingsLayoutLibrary,
                 actions: WallActions, number: int, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.number = number
        self.full_screen_wanted = False
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Gridwatch — video wall %1").replace("%1", str(number)))
        self.panel = WallPanel(catalog, pool, library, self)
        self.wall = self.panel.wall
        actions.attach(self.wall)
        self.addActions(actions.all())  # the tile shortcuts (Ctrl+Shift+C, P, L) work in this window too
        self.screen_box = QComboBox(self)
        self.screen_box.setToolTip(self.tr("Monitor"))
        self.screen_box.activated.connect(lambda i: self.move_to_screen(screen_named(self.screen_box.itemData(i))))
        self.full_button = QToolButton(self)
        self.full_button.setText(self.tr("Full screen"))
        self.full_button.setCheckable(True)
        self.full_button.toggled.connect(self.set_full_screen)
        self.panel.toolbar.insertWidget(self.panel.toolbar.count() - 1, self.screen_box)
        self.panel.toolbar.insertWidget(self.panel.toolbar.count() - 1, self.full_button)
        QShortcut(QKeySequence("F11"), self, activated=self.full_button.toggle)
        QShortcut(QKeySequence("Escape"), self, activated=lambda: self.full_button.setChecked(False))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self._fill_screens()
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._fill_screens)
        app.screenRemoved.connect(self._screen_removed)
        self.resize(1280, 720)

    def _fill_screens(self, *_args) -> None:
        self.screen_box.clear()
        for screen in QGuiApplication.screens():
            size = screen.geometry().size()
            self.screen_box.addItem(f"{screen.name()} ({size.width()}×{size.height()})", screen.name())
        current = self.screen()
        if current is not None:
            self.screen_box.setCurrentIndex(max(0, self.screen_box.findData(current.name())))

    def _screen_removed(self, screen: QScreen) -> None:
        self._fill_screens()
        if self.screen() is screen or self.screen() is None:
            self.move_to_screen(QGuiApplication.primaryScreen())

    def move_to_screen(self, screen: QScreen | None) -> None:
        """Put the window on ``screen`` (full screen stays full screen there)."""
        if screen is None:
            return
        full = self.isFullScreen()
        if full:
            self.showNormal()
        area = screen.availableGeometry()
        self.setScreen(screen)
        self.move(area.topLeft())
        self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
        if full:
            self.showFullScreen()
        self._fill_screens()

    def set_full_screen(self, full: bool) -> None:
        if full and not self.isFullScreen():
            self.showFullScreen()
        elif not full and self.isFullScreen():
            self.showNormal()
        if self.full_button.isChecked() != full:
            self.full_button.setChecked(full)

    # -- persistence -------------------------------------------------------------------------------
    def save(self, settings: ConsoleSettings, key: str) -> None:
        settings.set(f"{key}/geometry", self.saveGeometry())
        settings.set(f"{key}/screen", self.screen().name() if self.screen() else "")
        settings.set(f"{key}/full_screen", self.isFullScreen())
        settings.set(f"{key}/wall", self.wall.state().to_json())

    def restore(self, settings: ConsoleSettings, key: str) -> None:
        """Back where it was: same screen, same size, same cameras; the primary screen if its screen is gone."""
        state = settings.parsed(f"{key}/wall", WallState.from_json)
        if state is not None:
            self.wall.set_state(state)
        settings.restore_geometry(self, f"{key}/geometry")  # a damaged one is noted; the size stays
        screen = screen_named(settings.text(f"{key}/screen"))
        if screen is None:
            screen = QGuiApplication.primaryScreen()
            self.move_to_screen(screen)
        ensure_on_screen(self)
        self.full_screen_wanted = settings.flag(f"{key}/full_screen")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wall.shutdown()
        self.closed.emit(self)
        super().closeEvent(event)


class WallWindows:
    """The console's extra wall windows: open, remember and restore them."""

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, settings: ConsoleSettings, actions: WallActions):
        self.catalog, self.pool, self.settings, self.actions = catalog, pool, settings, actions
        self.library = SettingsLayoutLibrary(settings)
        self.windows: list[WallWindow] = []
        self._closing = False

    def open(self, screen: QScreen | None = None, full_screen: bool = False) -> WallWindow:
        """A new wall window on ``screen`` (default: a screen without the main window, else the primary)."""
        number = max((w.number for w in self.windows), default=0) + 1
        window = WallWindow(self.catalog, self.pool, self.library, self.actions, number)
        window.closed.connect(self._closed)
        self.windows.append(window)
        window.move_to_screen(screen or self._spare_screen())
        window.show()
        if full_screen:
            window.set_full_screen(True)
        return window

    def _spare_screen(self) -> QScreen | None:
        screens = QGuiApplication.screens()
        return screens[1] if len(screens) > 1 else QGuiApplication.primaryScreen()

    def _closed(self, window: WallWindow) -> None:
        if not self._closing and window in self.windows:
            self.windows.remove(window)

    def save(self) -> None:
        self.settings.qsettings.remove(WINDOWS_KEY)
        self.settings.set(f"{WINDOWS_KEY}/count", len(self.windows))
        for index, window in enumerate(self.windows):
            window.save(self.settings, f"{WINDOWS_KEY}/{index}")
        self.settings.sync()

    def restore(self) -> None:
        """Reopen the wall windows of the last session, each on its screen."""
        for index in range(min(8, self.settings.number(f"{WINDOWS_KEY}/count"))):
            key = f"{WINDOWS_KEY}/{index}"
            window = self.open(screen_named(self.settings.text(f"{key}/screen")))
            window.restore(self.settings, key)
            if window.full_screen_wanted:
                window.set_full_screen(True)

    def close_all(self, remember: bool = True) -> None:
        """Close every wall window (the console is quitting), first saving them if ``remember``."""
        if remember:
            self.save()
        self._closing = True
        for window in list(self.windows):
            window.close()
        self.windows = []

