"""A video wall with its toolbar: layout, named layouts, tours."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QMenu, QToolButton, QVBoxLayout,
                               QWidget)

from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.video_wall import VideoWall, WallState
from widgets.wall_layouts import LAYOUTS


class LayoutLibrary(Protocol):
    """Named wall layouts, kept by the console's settings."""

    def names(self) -> list[str]: ...

    def get(self, name: str) -> WallState | None: ...

    def put(self, name: str, state: WallState) -> None: ...


class WallPanel(QWidget):
    """A :class:`VideoWall` under a slim toolbar.

    Signals (GUI thread): ``layout_saved(name)`` after a named layout was stored.
    """

    layout_saved = Signal(str)

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, library: LayoutLibrary,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.wall = VideoWall(catalog, pool, self)
        self.layout_box = QComboBox(self)
        self.layout_box.setToolTip(self.tr("Wall layout"))
        for name in LAYOUTS:
            self.layout_box.addItem(name, name)
        self.layout_box.activated.connect(lambda i: self.wall.set_layout(self.layout_box.itemData(i)))
        self.saved_button = QToolButton(self)
        self.saved_button.setText(self.tr("Layouts"))
        self.saved_button.setToolTip(self.tr("Save the wall as a named layout, or recall one"))
        self.saved_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.saved_button.setMenu(QMenu(self.saved_button))
        self.saved_button.menu().aboutToShow.connect(self._fill_saved_menu)
        self.tour_label = QLabel(self)
        self.stop_tour = QToolButton(self)
        self.stop_tour.setText(self.tr("Stop tour"))
        self.stop_tour.clicked.connect(lambda: self.wall.stop_tours())
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(4, 2, 4, 2)
        self.toolbar.addWidget(self.layout_box)
        self.toolbar.addWidget(self.saved_button)
        self.toolbar.addWidget(self.tour_label)
        self.toolbar.addWidget(self.stop_tour)
        self.toolbar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.wall, 1)
        self.wall.state_changed.connect(self._show_state)
        catalog.cameras_changed.connect(self._show_state)
        self._show_state()

    def _show_state(self) -> None:
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(self.wall.layout_def.name)))
        tours = self.wall.tours
        self.tour_label.setText(", ".join(
            self.tr("tour: %1 every %2 s").replace("%1", t.group).replace("%2", str(t.seconds)) for t in tours))
        self.stop_tour.setVisible(bool(tours))

    def _fill_saved_menu(self) -> None:
        menu = self.saved_button.menu()
        menu.clear()
        menu.addAction(self.tr("Save current layout as…"), self.save_named)
        names = self.library.names()
        if names:
            menu.addSeparator()
        for name in names:
            menu.addAction(name, lambda n=name: self.recall(n))

    def save_named(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save layout"), self.tr("Name of this layout:"))
        if ok and name.strip():
            self.library.put(name.strip(), self.wall.state())
            self.layout_saved.emit(name.strip())

    def recall(self, name: str) -> bool:
        state = self.library.get(name)
        if state is None:
            return False
        self.wall.set_state(state)
        return True
