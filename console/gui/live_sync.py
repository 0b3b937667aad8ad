"""Other consoles' changes, on this console's GUI thread: the store's change feed as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from console.storage.changes import ChangeFeed
from console.storage.db import Store

#: Changes arriving closer together than this are answered with one refresh.
SETTLE_MS = 150


class LiveSync(QObject):
    """Runs a :class:`ChangeFeed` and emits ``store_changed(frozenset)`` — the tables another connection
    changed — on the GUI thread, at most once per :data:`SETTLE_MS`."""

    store_changed = Signal(object)
    _heard = Signal(object)  # from the feed's thread; queued to this object's (the GUI) thread

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: set[str] = set()
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._flush)
        self._heard.connect(self._collect)
        self.feed = ChangeFeed(store, self._heard.emit)

    def start(self) -> None:
        self.feed.start()

    def stop(self) -> None:
        self.feed.stop()
        self._settle.stop()

    def _collect(self, tables: frozenset[str]) -> None:
        self._pending |= tables
        if not self._settle.isActive():
            self._settle.start()

    def _flush(self) -> None:
        tables, self._pending = frozenset(self._pending), set()
        if tables:
            self.store_changed.emit(tables)
