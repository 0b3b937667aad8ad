"""The console's video side, wired once: cameras, feeds, the main window's wall, wall windows, tile actions."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from console.core.roles import MANAGE_CAMERAS, may
from console.gui.context import ConsoleContext
from console.gui.settings import ConsoleSettings
from console.gui.wall_windows import SettingsLayoutLibrary, WallWindows
from console.storage.cameras import CameraBook
from video.capture import CaptureOptions
from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.camera_list import CameraListPanel
from widgets.video_wall import WallState
from widgets.wall_actions import WallActions, WallDialogs
from widgets.wall_panel import WallPanel

MAIN_WALL_KEY = "main_wall/state"


class VideoRoom:
    """Owns the camera catalogue and the feed pool, and builds the views on them for the main window."""

    def __init__(self, context: ConsoleContext, settings: ConsoleSettings, parent: QWidget,
                 options: CaptureOptions | None = None):
        self.settings = settings
        # Bound to the logged-in operator: the core refuses camera edits to anyone but an administrator.
        book = CameraBook(context.store, clock=context.clock).for_operator(context.role, context.operator)
        self.catalog = CameraCatalog(book, context.tasks, parent)
        self.pool = FeedPool(options, parent)
        self.actions = WallActions(self.catalog, self.pool, context.tasks, context.service, context.operator,
                                   WallDialogs(context.taxonomy, context.lang, settings), parent)
        self.library = SettingsLayoutLibrary(settings)
        self.panel = WallPanel(self.catalog, self.pool, self.library, parent)
        self.wall = self.panel.wall
        self.actions.attach(self.wall)
        self.camera_list = CameraListPanel(self.catalog, self.pool, context.tasks, parent)
        if not may(context.role, MANAGE_CAMERAS):  # adding, editing and importing cameras is for administrators
            for button in (self.camera_list.add_button, self.camera_list.edit_button,
                           self.camera_list.remove_button, self.camera_list.import_button):
                button.setEnabled(False)
        self.camera_list.show_requested.connect(lambda camera_id: self.wall.show_camera(camera_id))
        self.windows = WallWindows(self.catalog, self.pool, settings, self.actions)

    def start(self, restore: bool) -> None:
        """Load the cameras; with ``restore``, bring back the last session's walls and windows."""
        if restore:
            state = self.settings.parsed(MAIN_WALL_KEY, WallState.from_json)  # a damaged one is noted
            if state is not None:
                self.wall.set_state(state)
        self.catalog.reload()
        if restore:
            self.windows.restore()

    def shutdown(self, remember: bool) -> None:
        """Close the wall windows and stop every capture thread (at exit); ``remember`` what the walls showed."""
        if remember:
            self.settings.set(MAIN_WALL_KEY, self.wall.state().to_json())
        self.windows.close_all(remember)
        self.wall.shutdown()
        self.pool.shutdown()
