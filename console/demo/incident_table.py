"""The history's incident table, written and indexed in a scratch SQLite database.

The table and its indexes are created from the ORM, exactly as in the store,
so the writer takes them over with one ``INSERT INTO incidents SELECT * FROM
scratch.incidents``, which SQLite's transfer optimisation turns into a raw
copy of records and index entries.

For a large history the writer hands the rows, day by day, to a helper
process (:mod:`console.demo.incident_helper`) that writes and indexes them on
the second core while the writer's own connection expands the audit trail —
threads would fight over the GIL.  Small histories are written in-process.
Rows travel as length-prefixed pickles (:func:`write_frame`, :func:`read_frames`).
"""

from __future__ import annotations

import pickle
import sqlite3
import struct
from pathlib import Path
from typing import BinaryIO, Iterator

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from console.storage.models import Incident

_COLUMNS = Incident.__table__.columns.keys()  # the order of console.demo.history.INCIDENT_COLUMNS
_INSERT_INCIDENT = f"INSERT INTO incidents ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_CACHE_KIB = 256 * 1024
_LENGTH = struct.Struct("<Q")


def compiled_ddl(ddl) -> str:
    """A DDL construct as SQLite text."""
    return str(ddl.compile(dialect=sqlite_dialect.dialect()))


#: Indexes whose entries arrive in nearly sorted order (rows come in report order): keeping them up to
#: date while the rows go in costs about what building them afterwards costs, and in the helper process
#: it happens while the writer is still busy with the audit trail.  The rest are built at the end.
MAINTAINED_WHILE_WRITING = ("ix_incidents_created", "ix_incidents_deadline", "ix_incidents_rank",
                            "ix_incidents_status_deadline")


class IncidentTableWriter:
    """Writes incident rows into a new ``incidents`` table at ``path``; :meth:`finish` indexes and commits."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}", "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")
        self.db.execute("DROP TABLE IF EXISTS incidents")
        self.db.execute(compiled_ddl(CreateTable(Incident.__table__)))
        indexes = sorted(Incident.__table__.indexes, key=lambda i: i.name)
        self._later = [index for index in indexes if index.name not in MAINTAINED_WHILE_WRITING]
        for index in indexes:
            if index.name in MAINTAINED_WHILE_WRITING:
                self.db.execute(compiled_ddl(CreateIndex(index)))
        self.rows = 0

    def add(self, rows: list[tuple]) -> None:
        """Rows in the table's column order (:data:`console.demo.history.INCIDENT_COLUMNS`)."""
        self.db.executemany(_INSERT_INCIDENT, rows)
        self.rows += len(rows)

    def finish(self) -> None:
        """Create the rest of the ORM's indexes and commit."""
        for index in self._later:
            self.db.execute(compiled_ddl(CreateIndex(index)))
        self.db.execute("COMMIT")

    def interrupt(self) -> None:
        """Stop a long statement (index creation) from another thread."""
        self.db.interrupt()

    def close(self) -> None:
        self.db.close()


def write_frame(stream: BinaryIO, rows: list[tuple] | None) -> None:
    """Send one day's rows (None: the end) to a helper process."""
    if rows is None:
        stream.write(_LENGTH.pack(0))
        return
    payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)


def read_frames(stream: BinaryIO) -> Iterator[list[tuple]]:
    """The rows sent with :func:`write_frame`, until the end frame; EOFError if the sender went away."""
    while True:
        header = stream.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            raise EOFError("the writer stopped sending incident rows")
        (length,) = _LENGTH.unpack(header)
        if length == 0:
            return
        payload = stream.read(length)
        if len(payload) < length:
            raise EOFError("the writer stopped in the middle of a day")
        yield pickle.loads(payload)
