"""How worker threads hand work to the GUI thread without calling Qt.

The usual way — emitting a signal from the worker, delivered by a queued connection — makes
the worker take one of Qt's signal-slot locks while it holds Python's GIL.  The GUI thread
takes the same locks when it connects or disconnects anything, and PySide then asks Python
(under the lock, needing the GIL) whether ``connectNotify``/``disconnectNotify`` is
overridden: each thread waits for what the other holds, for ever.  CI hung on this twice
(the worker side was Qt's image reader making a ``QObject``; a queued emit takes the same
kind of lock).

:class:`GuiInbox` avoids Qt on the worker's side altogether: a worker appends a callable to
a deque and writes one byte to a local socket pair; a ``QSocketNotifier`` on the GUI thread
wakes up, drains the socket and runs the callables in order.  No polling, no added latency,
and wake-ups coalesce under load (a full socket buffer means one is already pending).
"""

from __future__ import annotations

import collections
import functools
import socket
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Slot


class GuiInbox(QObject):
    """Runs callables posted from any thread on the thread this object lives on (the GUI thread), in order.

    :meth:`post` never calls Qt, so it cannot deadlock with the GUI thread; after :meth:`close`
    posts are dropped."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: collections.deque[Callable[[], Any]] = collections.deque()
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._closed = False
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._deliver)
        # Destroyed with its parent without close(): the sockets go with it.
        self.destroyed.connect(functools.partial(_close_sockets, self._reader, self._writer))

    def post(self, closure: Callable[[], Any]) -> None:
        """Run ``closure`` on the GUI thread soon (any thread may call this)."""
        if self._closed or self._writer.fileno() < 0:
            return
        self._pending.append(closure)
        try:
            self._writer.send(b"\0")
        except BlockingIOError:  # the buffer is full of wake-ups: one is pending anyway
            pass
        except OSError:  # closed meanwhile: the console is stopping
            pass

    def close(self) -> None:
        """Stop delivering (GUI thread); what is still pending is dropped."""
        if self._closed:
            return
        self._closed = True
        self._notifier.setEnabled(False)
        self._pending.clear()
        _close_sockets(self._reader, self._writer)

    @Slot()
    def _deliver(self) -> None:
        try:
            while self._reader.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        # Only what was posted before this moment: a closure that posts again runs on the next wake-up.
        for _ in range(len(self._pending)):
            if self._closed:
                return
            closure = self._pending.popleft()
            try:
                closure()
            except BaseException:
                if self._pending and not self._closed:  # the others still get their turn, on the next wake-up
                    self._writer.send(b"\0")
                raise


def _close_sockets(reader: socket.socket, writer: socket.socket, *_destroyed_object) -> None:
    reader.close()
    writer.close()
