"""The history's incident table, written and indexed in a scratch SQLite database.

The table and its indexes are created from the ORM, exactly as in the store,
so the writer takes them over with one ``INSERT INTO incidents SELECT * FROM
scratch.incidents``, which SQLite's transfer optimisation turns into a raw
copy of records and index entries.

For a large history a helper process (:mod:`console.demo.incident_helper`)
generates the incident rows itself — a day's rows depend only on the seed and
the day, so it needs nothing from the writer but the pickled
:class:`~console.demo.history.HistoryGenerator` (:func:`save_plan`) — and
writes and indexes them on the second core, while the writer's own connection
generates the same days for their timelines and expands the audit trail.
Generating twice costs less than pickling the rows across, and threads would
fight over the GIL.  Small histories are written in-process.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from console.demo.history import INCIDENT_COLUMNS, placeholders
from console.storage.models import Incident

if TYPE_CHECKING:
    from console.demo.history import HistoryGenerator

_INSERT_INCIDENT = f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) VALUES ({placeholders(INCIDENT_COLUMNS)})"
_CACHE_KIB = 256 * 1024


def compiled_ddl(ddl) -> str:
    """A DDL construct as SQLite text."""
    return str(ddl.compile(dialect=sqlite_dialect.dialect()))


#: Settings for building the indexes.  SQLite's sorter is fastest here with a small cache and its
#: runs in temporary files (the OS page cache): measured on the city history, an index took 1.5 µs
#: a row against 3.6 µs with everything in a 256 MB cache, and keeping indexes up to date while
#: the rows go in cost more than building them afterwards.  ``threads`` lets the sorter use the
#: second core, which is idle by the time the helper process gets to its indexes.
INDEXING_PRAGMAS = ("cache_size=-2000", "temp_store=FILE", "threads=2")


class IncidentTableWriter:
    """Writes incident rows into a new ``incidents`` table at ``path``; :meth:`finish` indexes and commits."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}", "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")
        self.db.execute("DROP TABLE IF EXISTS incidents")
        self.db.execute(compiled_ddl(CreateTable(Incident.__table__)))

    def add(self, rows: Iterable[tuple]) -> None:
        """A batch's incident rows (:attr:`console.demo.history.IncidentBatch.incidents`)."""
        self.db.executemany(_INSERT_INCIDENT, rows)

    def index(self) -> None:
        """Create the ORM's indexes and commit: the table is ready to be copied."""
        for pragma in INDEXING_PRAGMAS:
            self.db.execute(f"PRAGMA {pragma}")
        for index in sorted(Incident.__table__.indexes, key=lambda i: i.name):
            self.db.execute(compiled_ddl(CreateIndex(index)))
        self.db.execute("COMMIT")

    def statistics(self) -> list[tuple[str, str | None, str]]:
        """The planner's statistics of the indexed table: its ``sqlite_stat1`` rows, for the store to take over.

        Gathered in a transaction that is rolled back (with a journal, so that the rollback is a
        real one), so nothing is written while the writer copies the table: its read lock on this
        database would block a commit.
        """
        self.db.execute("PRAGMA journal_mode=MEMORY")
        self.db.execute("BEGIN")
        try:
            self.db.execute("ANALYZE incidents")
            return self.db.execute("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'incidents'").fetchall()
        finally:
            self.db.execute("ROLLBACK")

    def close(self) -> None:
        self.db.close()


def save_plan(path: Path, history: HistoryGenerator) -> None:
    """Write what the helper process needs to generate the incident rows: the history generator."""
    with open(path, "wb") as stream:
        pickle.dump(history, stream, protocol=pickle.HIGHEST_PROTOCOL)


def load_plan(path: Path) -> HistoryGenerator:
    """The history generator :func:`save_plan` wrote (by the process that started this one)."""
    with open(path, "rb") as stream:
        return pickle.load(stream)
