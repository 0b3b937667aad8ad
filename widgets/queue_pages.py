"""The queue's rows in memory: a snapshot of counts and pinned rows, and an LRU cache of pages.

Qt-free; the reads run on the I/O pool, the cache is used on the GUI thread
(only the ``wanted`` predicates are read from pool threads).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator

from console.storage.db import Store
from console.storage.queue import QueueQuery, QueueRow

PAGE_SIZE = 200
MAX_CACHED_PAGES = 24


@dataclass
class QueueSnapshot:
    """Counts, pinned rows and some pages of one filter and sort, read in one transaction."""

    pinned_count: int = 0
    unpinned: int = 0
    pinned: list[QueueRow] = field(default_factory=list)
    pages: dict[int, list[QueueRow]] = field(default_factory=dict)


def read_snapshot(store: Store, query: QueueQuery, now: datetime, pages: list[int]) -> QueueSnapshot:
    """Counts, pinned rows and ``pages`` (runs on the I/O pool)."""
    with store.engine.connect() as conn:  # one read transaction: counts and rows agree
        pinned_count, unpinned = query.count(conn, now)
        pinned = query.pinned(conn, now)
        loaded = {p: query.page(conn, now, p * PAGE_SIZE, PAGE_SIZE, unpinned) for p in pages}
    return QueueSnapshot(pinned_count, unpinned, pinned, loaded)


def read_page(store: Store, query: QueueQuery, now: datetime, page: int, total: int,
              wanted: Callable[[int], bool]) -> list[QueueRow] | None:
    """One page of unpinned rows, or None when it is no longer wanted (runs on the I/O pool)."""
    if not wanted(page):
        return None  # scrolled past while queued: skip the query
    with store.engine.connect() as conn:
        return query.page(conn, now, page * PAGE_SIZE, PAGE_SIZE, total)


class PageCache:
    """At most ``max_pages`` pages of unpinned rows, least recently used evicted first.

    ``generation`` changes on every :meth:`reset`; a page fetched for an
    older generation must be dropped.
    """

    def __init__(self, max_pages: int = MAX_CACHED_PAGES):
        self.max_pages = max_pages
        self.generation = 0
        self._pages: OrderedDict[int, list[QueueRow]] = OrderedDict()
        self._fetching: set[int] = set()
        self._visible: tuple[int, int] | None = None

    @property
    def bound(self) -> int:
        """The most rows the cache ever holds."""
        return self.max_pages * PAGE_SIZE

    def reset(self, pages: dict[int, list[QueueRow]] | None = None) -> None:
        self.generation += 1
        self._pages.clear()
        self._fetching.clear()
        for page, rows in (pages or {}).items():
            self.put(page, rows)

    def row(self, offset: int) -> QueueRow | None:
        rows = self.get(offset // PAGE_SIZE)
        i = offset % PAGE_SIZE
        return rows[i] if rows is not None and i < len(rows) else None

    def get(self, page: int) -> list[QueueRow] | None:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
        return rows

    def peek(self, offset: int) -> QueueRow | None:
        """Like :meth:`row`, without counting as a use."""
        rows = self._pages.get(offset // PAGE_SIZE)
        i = offset % PAGE_SIZE
        return rows[i] if rows is not None and i < len(rows) else None

    def put(self, page: int, rows: list[QueueRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def begin_fetch(self, page: int) -> bool:
        """Mark ``page`` as being fetched; False when it already is."""
        if page in self._fetching:
            return False
        self._fetching.add(page)
        return True

    def end_fetch(self, page: int) -> None:
        self._fetching.discard(page)

    def fetching(self) -> bool:
        return bool(self._fetching)

    def set_visible_pages(self, pages: tuple[int, int] | None) -> None:
        """The pages on screen; queued fetches of pages far from them are skipped."""
        self._visible = pages

    def wanted(self) -> Callable[[int], bool]:
        """A predicate, safe to call from a pool thread: is this page still worth fetching?"""
        generation = self.generation

        def wanted(page: int) -> bool:
            visible = self._visible
            if generation != self.generation:
                return False
            return visible is None or visible[0] - 1 <= page <= visible[1] + 1
        return wanted

    def row_count(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    def offsets(self) -> Iterator[tuple[int, QueueRow]]:
        """(offset, row) of every cached row."""
        for page, rows in list(self._pages.items()):
            for i, row in enumerate(rows):
                yield page * PAGE_SIZE + i, row
