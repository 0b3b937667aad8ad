"""The dashboard and the big screens, wired once: figures read on the I/O pool, drawn on the GUI thread.

One :class:`DashboardRoom` refreshes every :data:`REFRESH_MS` and soon after a live change (debounced),
never two reads at once; its one :class:`~console.storage.dashboard.DashboardCache` makes a refresh cost
what changed, not the whole history.  The reading runs in a process of its own
(:class:`~console.storage.dashboard_process.DashboardReader`, which keeps that cache), so that it never
holds the interpreter lock the GUI thread needs; an in-memory database, which no other process can
open, is read on the pool.  Big-screen windows (:class:`BigScreenWindow`) draw the same snapshots.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.core.clock import Clock
from console.gui.context import ConsoleContext
from console.storage.dashboard import Dashboard, DashboardCache, DashboardScope, read_dashboard
from console.storage.dashboard_process import DashboardReader
from console.storage.db import Store
from widgets.big_screen import BigScreenView
from widgets.dashboard import DashboardView

log = logging.getLogger(__name__)

#: How often the figures are re-read when nothing is announced.
REFRESH_MS = 10_000
#: A live change refreshes this soon (changes in a burst make one refresh).
CHANGE_DEBOUNCE_MS = 1_500


def read_figures(store: Store, clock: Clock, scope: DashboardScope, cache: DashboardCache) -> Dashboard:
    """The dashboard at the clock's now, days starting at the workstation's midnight (a background thread's work)."""
    return read_dashboard(store, clock.now().astimezone(), scope, cache)


def read_figures_apart(reader: DashboardReader, clock: Clock, scope: DashboardScope) -> Dashboard:
    """:func:`read_figures` in the reader's process (a background thread waits for it)."""
    return reader.read(clock.now().astimezone(), scope)


def separate_reader(store: Store) -> DashboardReader | None:
    """A reader process for ``store``, or None for an in-memory SQLite database (no other process sees it)."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"
                                                or "mode=memory" in url.database):
        return None
    return DashboardReader(url.render_as_string(hide_password=False))


class DashboardRoom(QObject):
    """Owns the dashboard dock's view and the big-screen windows, and feeds them.

    Signals (GUI thread): ``updated(object)`` with each new :class:`Dashboard`; ``filter_requested(object, str)``
    when a figure was clicked (the queue filter and its description); ``message(str)`` for the status bar.
    """

    updated = Signal(object)
    filter_requested = Signal(object, str)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, scope: DashboardScope = DashboardScope(),
                 parent: QObject | None = None, *, apart: bool = True):
        super().__init__(parent)
        self.context = context
        self.scope = scope
        self.cache = DashboardCache()  # when read on the pool
        #: Reads in a process of its own (``apart``, unless the database is in memory), else None.
        self.reader = separate_reader(context.store) if apart else None
        self.view = DashboardView(context.taxonomy, context.lang)
        self.latest: Dashboard | None = None
        self.windows: list[BigScreenWindow] = []
        self._reading = False
        self._again = False
        self._shown = True
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._debounce = QTimer(self, singleShot=True, interval=CHANGE_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.view.filter_requested.connect(self.filter_requested)

    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._debounce.stop()
        for window in list(self.windows):
            window.close()
        if self.reader is not None:
            self.context.tasks.read(self.reader.close)  # after a read in flight, off the GUI thread

    def set_shown(self, shown: bool) -> None:
        """The dock came to the front or went away: read and drawn only while seen or a big screen is
        open (the first read still happens at start, so the cache is warm when the dock is opened)."""
        was, self._shown = self._shown, shown
        if shown and not was:
            if self.latest is not None:
                self.view.set_dashboard(self.latest)
            self.refresh()

    def changed(self) -> None:
        """Incidents changed (here or on another console): refresh soon."""
        if not self._debounce.isActive():
            self._debounce.start()

    def refresh(self) -> None:
        """Read the figures now; a read already running is followed by one more."""
        if self._reading:
            self._again = True
            return
        if not self._shown and not self.windows and self.latest is not None:
            return  # nobody looks: the next showing refreshes
        self._reading = True
        if self.reader is not None:
            self.context.tasks.read(read_figures_apart, self.reader, self.context.clock, self.scope,
                                    on_done=self._arrived, on_error=self._failed)
        else:
            self.context.tasks.read(read_figures, self.context.store, self.context.clock, self.scope, self.cache,
                                    on_done=self._arrived, on_error=self._failed)

    def open_big_screen(self, screen: QScreen | None) -> "BigScreenWindow":
        """A full-screen big-screen window on ``screen`` (the primary one if None)."""
        window = BigScreenWindow(self.context.lang)
        window.closed.connect(self._window_closed)
        self.windows.append(window)
        window.show_on(screen or QGuiApplication.primaryScreen())
        if self.latest is not None:
            window.view.set_dashboard(self.latest)
        else:
            self.refresh()
        return window

    def _window_closed(self, window) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def _arrived(self, dash: Dashboard) -> None:
        self._reading = False
        self.latest = dash
        if self._shown:
            self.view.set_dashboard(dash)
        for window in self.windows:
            window.view.set_dashboard(dash)
        self.updated.emit(dash)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._reading = False
        log.warning("dashboard refresh failed: %s", exc)
        self.message.emit(self.tr("The dashboard could not be read: %1").replace("%1", str(exc)))


class BigScreenWindow(QWidget):
    """The big-screen layout full screen on one monitor; back on the primary one if its monitor goes.

    Esc or F11 toggles full screen.  Signals (GUI thread): ``closed(window)`` when it is closed.
    """

    closed = Signal(object)

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Gridwatch — big screen"))
        self.view = BigScreenView(lang, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.target: QScreen | None = None
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self._toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._toggle_full_screen)
        QGuiApplication.instance().screenRemoved.connect(self._screen_removed)

    def show_on(self, screen: QScreen) -> None:
        """Full screen on ``screen``, text sized for its height."""
        self.target = screen
        if self.isFullScreen():
            self.showNormal()
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.view.scale_to(screen.geometry().height())
        self.showFullScreen()

    def _screen_removed(self, screen: QScreen) -> None:
        if screen is self.target or self.screen() is screen:
            self.show_on(QGuiApplication.primaryScreen())

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        QGuiApplication.instance().screenRemoved.disconnect(self._screen_removed)
        self.closed.emit(self)
        super().closeEvent(event)
