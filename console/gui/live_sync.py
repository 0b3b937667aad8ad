"""Other consoles' changes, on this console's GUI thread: the store's change feed as a Qt signal."""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, QTimer, Signal

from console.gui.inbox import GuiInbox
from console.storage.changes import ChangeFeed
from console.storage.db import Store

#: Changes arriving closer together than this are answered with one refresh.
SETTLE_MS = 150


class LiveSync(QObject):
    """Runs a :class:`ChangeFeed` and emits ``store_changed(frozenset)`` — the tables another connection
    changed — on the GUI thread, at most once per :data:`SETTLE_MS`."""

    store_changed = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: set[str] = set()
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._flush)
        # The feed's thread hands changes over without calling Qt (see console.gui.inbox).
        self._inbox = GuiInbox(self)
        self.feed = ChangeFeed(store, lambda tables: self._inbox.post(functools.partial(self._collect, tables)))

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
