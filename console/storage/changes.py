"""Telling a console that another console or the intake service changed the store, within a second.

:class:`ChangeFeed` runs one background thread and calls ``on_change(tables)`` —
the set of tables that changed, as far as it knows — whenever someone else wrote:

* **PostgreSQL**: triggers (migration 0006) ``NOTIFY gridwatch_changes`` with the
  table's name for every change to the incidents or the follow-up tasks, and the
  feed ``LISTEN`` s on a connection of its own; a notification arrives within
  milliseconds of the writer's commit.  A dropped connection is reopened with a
  back-off (0.5 s doubling to at most 4 s, so the feed is back within seconds of a restarted
  server); the first wake-up after a reconnection reports every table, since
  notifications sent meanwhile are lost.
* **SQLite**: no notifications exist; the feed asks ``PRAGMA data_version`` on a
  connection of its own every :data:`SQLITE_POLL_S` — it changes whenever another
  connection commits to the file — and reports every table.

The callback runs on the feed's thread; a Qt caller hands it over to the GUI with a
queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.storage.db import Store

log = logging.getLogger(__name__)

CHANNEL = "gridwatch_changes"
#: What the feed reports when it cannot tell which tables changed.
ALL_TABLES = frozenset({"incidents", "follow_up_tasks"})
SQLITE_POLL_S = 0.25
_WAIT_S = 0.5
#: The first and the longest wait between attempts to reconnect: the back-off doubles from the first up to
#: the longest, which bounds how long after a restarted server comes back the feed notices (a refused
#: connection costs nothing, so the longest wait is kept short).
_RECONNECT_S = (0.5, 4.0)


class ChangeFeed:
    """Calls ``on_change(tables)`` on its own thread when another connection changed the store."""

    def __init__(self, store: Store, on_change: Callable[[frozenset[str]], None]):
        self.store = store
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set once the feed watches (for tests and start-up)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is None:
            target = self._listen_postgresql if self.store.engine.dialect.name == "postgresql" else self._poll_sqlite
            self._thread = threading.Thread(target=target, name="gridwatch-changes", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- SQLite ----------------------------------------------------------------------------------
    def _poll_sqlite(self) -> None:
        seen = None
        while not self._stop.is_set():
            try:
                with self.store.engine.connect() as connection:
                    while not self._stop.is_set():
                        version = connection.exec_driver_sql("PRAGMA data_version").scalar()
                        connection.rollback()  # end the read, so the next one sees new commits
                        if seen is not None and version != seen:
                            self._tell(ALL_TABLES)
                        seen = version
                        self.listening.set()
                        self._stop.wait(SQLITE_POLL_S)
            except Exception as exc:  # the file went away, the disk failed: keep trying, quietly
                log.warning("change polling failed: %s", exc)
                seen = None
                self._stop.wait(_RECONNECT_S[1])

    # -- PostgreSQL ------------------------------------------------------------------------------
    def _listen_postgresql(self) -> None:
        import psycopg

        url = self.store.engine.url
        conninfo = dict(host=url.host, port=url.port, user=url.username, password=url.password,
                        dbname=url.database)
        conninfo = {key: value for key, value in conninfo.items() if value is not None}
        delay, reconnected = _RECONNECT_S[0], False
        while not self._stop.is_set():
            try:
                with psycopg.connect(autocommit=True, connect_timeout=5, **conninfo) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    delay = _RECONNECT_S[0]
                    if reconnected:
                        self._tell(ALL_TABLES)  # what was notified while we were away is lost
                    while not self._stop.is_set():
                        # Each notification is passed on as it comes (the generator only ends at the
                        # timeout, which is there to look at the stop flag now and then).
                        for notice in connection.notifies(timeout=_WAIT_S):
                            self._tell(frozenset({notice.payload}))
                            if self._stop.is_set():
                                break
            except Exception as exc:  # server restarted, network gone: reconnect with a back-off
                if self._stop.is_set():
                    return
                log.warning("change notifications lost (%s); reconnecting in %.1f s", exc, delay)
                reconnected = True
                self._stop.wait(delay)
                delay = min(delay * 2, _RECONNECT_S[1])

    def _tell(self, tables: frozenset[str]) -> None:
        try:
            self.on_change(tables)
        except Exception:
            log.exception("change listener failed")

