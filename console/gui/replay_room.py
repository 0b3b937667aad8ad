"""The situation replay, wired: a window of its own, its period read on the I/O pool with progress and cancel."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.gui.context import ConsoleContext
from console.storage.db import Store
from console.storage.map_data import MapPlaces, load_map_places
from console.storage.situation_replay import SituationReplay, load_situation
from console.tasks import Cancelled, TaskState
from widgets.situation_replay import SituationReplayView

log = logging.getLogger(__name__)


class ReplayRoom(QObject):
    """Owns the replay window (:class:`SituationReplayView`) and loads the periods it asks for.

    One load at a time: asking for another period cancels the one running, and a cancelled or
    superseded load's result is dropped.  The window opens from :attr:`action`.
    Signals (GUI thread): ``replay_loaded(object)`` with the :class:`SituationReplay` shown;
    ``message(str)`` for the status bar.
    """

    replay_loaded = Signal(object)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.places: MapPlaces | None = None
        self._window_parent = parent if isinstance(parent, QWidget) else None
        self.view: SituationReplayView | None = None  # made when first opened
        self.action = QAction(self.tr("Situation &replay…"), self)
        self.action.setToolTip(self.tr("Replay a past period: workers moving, incidents appearing and changing"))
        self._loading: TaskState | None = None
        self._generation = 0
        self.action.triggered.connect(self.open)

    def set_places(self, places: MapPlaces) -> None:
        """The map's places (read once by the map): the replay draws over the same."""
        if self.places is None:
            self.places = places
            if self.view is not None:
                self.view.set_places(places)

    def open(self) -> SituationReplayView:
        """Show the replay window in front (made the first time)."""
        if self.view is None:
            self.view = SituationReplayView(self.context.clock, self._window_parent)
            self.view.setWindowFlag(Qt.WindowType.Window)
            self.view.setWindowTitle(self.tr("Situation replay"))
            self.view.resize(1280, 820)
            if self.places is not None:
                self.view.set_places(self.places)
            self.view.load_requested.connect(self.load)
            self.view.cancel_requested.connect(self.cancel)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def load(self, start: datetime, end: datetime) -> None:
        """Read ``[start, end]`` off the GUI thread; the window shows progress, then the replay."""
        self.open()
        self.cancel()
        self._generation += 1
        generation = self._generation
        state = TaskState(lambda fraction, _message: self.context.tasks.call_soon(
            functools.partial(self._progress, generation, fraction)))
        self._loading = state
        self.view.set_loading(True)
        self.context.tasks.read(load_places_and_period, self.context.store, self.places, start, end, state,
                                on_done=functools.partial(self._loaded, generation),
                                on_error=functools.partial(self._failed, generation))

    def cancel(self) -> None:
        """Stop the load in progress, if any."""
        if self._loading is not None:
            self._loading.request_interruption()
            self._loading = None
            self._generation += 1
            if self.view is not None:
                self.view.set_loading(False)
                self.view.show_message(self.tr("Loading cancelled."))

    def stop(self) -> None:
        """The console is closing: stop a load and the player."""
        self.cancel()
        if self.view is not None:
            self.view.set_replay(None)
            self.view.canvas.shutdown()

    def _progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation and self._loading is not None and self.view is not None:
            self.view.set_loading(True, fraction)

    def _loaded(self, generation: int, loaded: tuple[MapPlaces, SituationReplay]) -> None:
        if generation != self._generation:
            return
        places, replay = loaded
        self._loading = None
        self.set_places(places)
        self.view.set_loading(False)
        self.view.set_replay(replay)
        self.replay_loaded.emit(replay)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation or isinstance(exc, Cancelled):
            return
        self._loading = None
        self.view.set_loading(False)
        what = self.tr("The period could not be loaded")
        log.warning("%s: %s", what, exc)
        self.view.show_message(f"{what}: {exc}")
        self.message.emit(f"{what}: {exc}")


def load_places_and_period(store: Store, places: MapPlaces | None, start: datetime, end: datetime,
                           state: TaskState) -> tuple[MapPlaces, SituationReplay]:
    """The map's places (unless already read) and the period (on a background thread)."""
    if places is None:
        places = load_map_places(store)
    return places, load_situation(store, places.projection, start, end, state)
