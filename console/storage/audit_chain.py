"""The audit trail's hash chain: every entry is sealed, and editing or removing one is detected.

Entries are numbered by the chain, not by the database: a writer locks the chain's head row
(``audit_chain_head``, by updating it, which serialises writers on SQLite and PostgreSQL alike) and
gives its new entries the ids after the newest one, so ids run without gaps and a missing id is a
removed entry.  When the transaction commits, its entries are sealed: a link (``audit_seals``) holds,
for each entry, an 8-byte *tag* — the first 8 bytes of the SHA-256 of the entry's canonical form — and
the link's digest, the SHA-256 of the previous link's digest, the link's number, its range of ids and
the tags.  The head names the newest link.  A bulk load (the demo history, the migration that started
the chain) seals its entries the same way, 4,096 to a link.

The canonical form of an entry is the compact JSON array of its stored columns, ``[id, incident_id,
subject, at, actor, action, from_status, to_status, note]`` (``at`` in epoch seconds), which SQLite
builds itself (``json_array``, the fast path a city's 12.5 million entries need) and Python builds
identically for other databases (a test checks both agree).

:func:`verify` recomputes every tag and link and names the first entry that was altered, removed or
written around the chain.  What a hash chain cannot prove on its own: someone who can write to the
database could also rewrite every later tag and link.  The head's digest, which ``gridwatch audit
verify`` prints, is what to record elsewhere (a log book, a report) to catch that too.

The ORM hooks (:func:`_number_new_entries`, :func:`_seal_on_commit`) make this invisible to the
code that records entries with ``session.add(AuditEntry(...))``; code that inserts many rows at once
uses :func:`add_entries`.  Nothing here imports Qt.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator, Protocol, Sequence

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from console.storage.models import AuditEntry

TAG_BYTES = 8
#: Entries per link of a bulk load (the demo history, the migration).
BULK_LINK_ENTRIES = 4096
GENESIS = "0" * 64
_COLUMNS = "id, incident_id, subject, at, actor, action, from_status, to_status, note"
_PENDING = "gridwatch.audit_chain.pending"
#: Entries read per query while verifying.
_VERIFY_WINDOW = 8192


class _Progress(Protocol):
    def check(self) -> None: ...
    def set_progress(self, fraction: float, text: str = "") -> None: ...


class _Database:
    """The few statements the chain needs, on an SQLAlchemy connection or on a raw ``sqlite3`` one
    (the demo writer's); both take ``:name`` parameters."""

    def __init__(self, connection):
        self.connection = connection
        if isinstance(connection, Connection):
            self.sqlite = connection.dialect.name == "sqlite"
            self._run = lambda sql, params: connection.execute(text(sql), params)
        else:  # sqlite3.Connection
            self.sqlite = True
            self._run = connection.execute

    def rows(self, sql: str, **params) -> list[tuple]:
        return [tuple(row) for row in self._run(sql, params).fetchall()]

    def one(self, sql: str, **params) -> tuple | None:
        rows = self.rows(sql, **params)
        return rows[0] if rows else None

    def run(self, sql: str, **params) -> None:
        self._run(sql, params)


@dataclass(frozen=True)
class ChainHead:
    """The newest link: its number, the last entry it seals and its digest."""

    seal_id: int
    last_entry_id: int
    digest: str


def entry_tag(canonical: bytes) -> bytes:
    """An entry's tag: the first :data:`TAG_BYTES` bytes of the SHA-256 of its canonical form."""
    return hashlib.sha256(canonical).digest()[:TAG_BYTES]


def link_digest(previous: str, seal_id: int, first: int, last: int, tags: bytes) -> str:
    """A link's digest: SHA-256 (hex) over the previous link's digest, the link's number, its id range and tags."""
    return hashlib.sha256(f"{previous}|{seal_id}|{first}|{last}|".encode("ascii") + tags).hexdigest()


def canonical_form(row: Sequence[Any]) -> bytes:
    """The canonical form of an entry given as its stored columns (see the module's docstring)."""
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def canonical_range(db: _Database, first: int, last: int) -> list[bytes] | None:
    """The canonical forms of the entries ``first``..``last`` in id order, or None unless every one of them
    exists (what sealing needs, without reading each id back)."""
    if not db.sqlite:
        entries = canonical_entries(db, first, last)
        return [line for _, line in entries] if [i for i, _ in entries] == list(range(first, last + 1)) else None
    joined, count, lowest, highest = db.one(
        "SELECT group_concat(j, char(10)), count(*), min(id), max(id) FROM (SELECT id, json_array(" + _COLUMNS +
        ") AS j FROM audit_entries WHERE id BETWEEN :first AND :last ORDER BY id)", first=first, last=last)
    if (count, lowest, highest) != (last - first + 1, first, last):  # ids are unique: all there
        return None
    return joined.encode("utf-8").split(b"\n")


def canonical_entries(db: _Database, first: int, last: int) -> list[tuple[int, bytes]]:
    """``(id, canonical form)`` of the entries with ids ``first``..``last`` that exist, in id order."""
    if db.sqlite:
        joined = db.one("SELECT group_concat(j, char(10)) FROM (SELECT json_array(" + _COLUMNS + ") AS j "
                        "FROM audit_entries WHERE id BETWEEN :first AND :last ORDER BY id)", first=first, last=last)
        if not joined or joined[0] is None:
            return []
        lines = joined[0].encode("utf-8").split(b"\n")  # JSON escapes newlines inside strings
        return [(int(line[1:line.index(b",")]), line) for line in lines]
    return [(row[0], canonical_form(row)) for row in db.rows(
        f"SELECT {_COLUMNS} FROM audit_entries WHERE id BETWEEN :first AND :last ORDER BY id",
        first=first, last=last)]


# -- appending --------------------------------------------------------------------------------------------

def lock_head(db: _Database) -> ChainHead:
    """Lock the chain's head for this transaction (other writers wait until it ends) and read it."""
    db.run("UPDATE audit_chain_head SET seal_id = seal_id WHERE id = 1")
    row = db.one("SELECT seal_id, last_entry_id, digest FROM audit_chain_head WHERE id = 1")
    if row is None:  # a schema made without the migrations (create_all): start the chain here
        db.run("INSERT INTO audit_chain_head (id, seal_id, last_entry_id, digest) VALUES (1, 0, 0, :genesis)",
               genesis=GENESIS)
        row = (0, 0, GENESIS)
    return ChainHead(*row)


def next_entry_id(db: _Database, head: ChainHead) -> int:
    """The id the next entry gets: after the head's last entry, and after any entry written around the
    chain (which stays unsealed, so that :func:`verify` reports it, instead of colliding with it)."""
    newest = db.one("SELECT max(id) FROM audit_entries")[0] or 0
    return max(head.last_entry_id, newest) + 1


def append_link(db: _Database, head: ChainHead, first: int, last: int, sealed_at: int | None = None) -> ChainHead:
    """Seal the entries ``first``..``last`` (which must all exist) as the link after ``head``; the new head."""
    lines = canonical_range(db, first, last)
    if lines is None:
        raise RuntimeError(f"audit entries {first}..{last} are not all there to be sealed")
    sha256 = hashlib.sha256
    tags = b"".join([sha256(line).digest()[:TAG_BYTES] for line in lines])  # entry_tag, inlined: 12.5 M in a city
    seal_id = head.seal_id + 1
    digest = link_digest(head.digest, seal_id, first, last, tags)
    db.run("INSERT INTO audit_seals (id, first_entry_id, last_entry_id, sealed_at, tags, digest) "
           "VALUES (:id, :first, :last, :at, :tags, :digest)", id=seal_id, first=first, last=last,
           at=int(time.time()) if sealed_at is None else sealed_at, tags=tags, digest=digest)
    db.run("UPDATE audit_chain_head SET seal_id = :seal, last_entry_id = :last, digest = :digest WHERE id = 1",
           seal=seal_id, last=last, digest=digest)
    if not db.sqlite:  # keep the id sequence past the chain's ids: an insert around the chain must not collide
        db.one("SELECT setval(pg_get_serial_sequence('audit_entries', 'id'), :last)", last=last)
    return ChainHead(seal_id, last, digest)


def seal_bulk(connection, state: _Progress | None = None, *, span: tuple[float, float] = (0.0, 1.0),
              link_entries: int = BULK_LINK_ENTRIES) -> int:
    """Seal every entry after the head, ``link_entries`` to a link, in the caller's transaction: for a bulk
    load that wrote its entries with the database's own ids, right after the head.  Progress goes to
    ``state`` within ``span`` of its bar.  The number sealed."""
    db = _Database(connection)
    head = lock_head(db)
    newest = db.one("SELECT max(id) FROM audit_entries")[0] or 0
    first, total = head.last_entry_id + 1, newest - head.last_entry_id
    for start in range(first, newest + 1, link_entries):
        if state is not None:
            state.check()
        head = append_link(db, head, start, min(newest, start + link_entries - 1))
        if state is not None:
            done = (head.last_entry_id - first + 1) / total
            state.set_progress(span[0] + (span[1] - span[0]) * done,
                               f"Sealing the audit trail: {head.last_entry_id - first + 1:,} of {total:,} entries")
    return max(0, total)


def restart_chain(connection) -> None:
    """Forget every link, for a store whose audit trail was just emptied (the demo writer replacing its data)."""
    db = _Database(connection)
    db.run("DELETE FROM audit_seals")
    db.run("UPDATE audit_chain_head SET seal_id = 0, last_entry_id = 0, digest = :genesis WHERE id = 1",
           genesis=GENESIS)


# -- the ORM hooks ----------------------------------------------------------------------------------------

@dataclass
class _PendingRun:
    head: ChainHead
    first: int
    next: int


def _pending_run(session: Session) -> _PendingRun:
    run = session.info.get(_PENDING)
    if run is None:
        db = _Database(session.connection())
        head = lock_head(db)
        first = next_entry_id(db, head)
        run = session.info[_PENDING] = _PendingRun(head, first, first)
    return run


def reserve_entry_ids(session: Session, count: int) -> int:
    """Reserve ``count`` consecutive entry ids in this session's transaction; the first of them."""
    run = _pending_run(session)
    first = run.next
    run.next += count
    return first


def add_entries(session: Session, rows: list[dict]) -> None:
    """Insert many audit entries (dicts of :class:`AuditEntry` columns) in one statement, chained."""
    if not rows:
        return
    first = reserve_entry_ids(session, len(rows))
    session.execute(insert(AuditEntry.__table__), [{**row, "id": first + n} for n, row in enumerate(rows)])


@event.listens_for(Session, "before_flush")
def _number_new_entries(session: Session, _flush_context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEntry) and obj.id is None]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)  # the order the code recorded them in
    first = reserve_entry_ids(session, len(new))
    for n, entry in enumerate(new):
        entry.id = first + n


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    # Runs before the commit's own flush: entries only added so far are numbered by this flush.
    if _PENDING not in session.info and not any(isinstance(obj, AuditEntry) for obj in session.new):
        return
    session.flush()
    run = session.info.pop(_PENDING)
    if run.next > run.first:
        append_link(_Database(session.connection()), run.head, run.first, run.next - 1)


@event.listens_for(Session, "after_soft_rollback")
def _forget_run(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its reserved ids are gone with it
        session.info.pop(_PENDING, None)


# -- verifying --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify` found: whether the chain holds, the head, and the first problem named."""

    holds: bool
    entries: int
    links: int
    head_digest: str
    problem: str = ""
    entry_id: int | None = None

    def describe(self) -> str:
        """One line for the operator."""
        if self.holds:
            return (f"the audit trail holds: {self.entries:,} entries in {self.links:,} links; "
                    f"head {self.links}:{self.head_digest}")
        return f"the audit trail is broken: {self.problem}"


class _EntryReader:
    """The entries in id order, read a window at a time."""

    def __init__(self, db: _Database, start: int):
        self.db = db
        self.window: list[tuple[int, bytes]] = []
        self.position = 0
        self.read_to = start - 1

    def upto(self, last: int) -> Iterator[tuple[int, bytes]]:
        """The entries with ids up to ``last`` not yet taken."""
        while True:
            if self.position == len(self.window):
                if self.read_to >= last:
                    return
                end = max(last, self.read_to + _VERIFY_WINDOW)
                self.window, self.position = canonical_entries(self.db, self.read_to + 1, end), 0
                self.read_to = end
                continue
            entry = self.window[self.position]
            if entry[0] > last:
                return
            self.position += 1
            yield entry


def verify(connection, state: _Progress | None = None) -> ChainReport:
    """Check every entry against its tag and every link against the one before; the first problem found."""
    db = _Database(connection)
    head_row = db.one("SELECT seal_id, last_entry_id, digest FROM audit_chain_head WHERE id = 1")
    head = ChainHead(*head_row) if head_row else ChainHead(0, 0, GENESIS)
    newest = db.one("SELECT max(id) FROM audit_entries")[0] or 0
    reader = _EntryReader(db, 1)
    previous, previous_last, links, entries = GENESIS, 0, 0, 0

    def broken(problem: str, entry_id: int | None = None) -> ChainReport:
        return ChainReport(False, entries, links, head.digest, problem, entry_id)

    for seal_id, first, last, tags, digest in _links(db):
        if state is not None and seal_id % 64 == 0:
            state.check()
            state.set_progress(last / max(1, newest), f"Verifying the audit trail: {last:,} of {newest:,} entries")
        if seal_id != links + 1:
            return broken(f"link {links + 1} (entries after #{previous_last}) was removed", previous_last + 1)
        if digest != link_digest(previous, seal_id, first, last, tags) or first <= previous_last:
            return broken(f"link {seal_id} (entries #{first}..#{last}) was altered", first)
        if first > previous_last + 1:  # only entries written around the chain make the next link skip ids
            around = list(reader.upto(first - 1))
            if around:
                return broken(f"{_describe(db, around[0][0])} is not sealed: it was written around the chain",
                              around[0][0])
            return broken(f"entries #{previous_last + 1}..#{first - 1} were removed", previous_last + 1)
        expected = [tags[i:i + TAG_BYTES] for i in range(0, len(tags), TAG_BYTES)]
        found = list(reader.upto(last))
        problem = _compare(db, first, expected, found)
        if problem:
            return broken(*problem)
        previous, previous_last, links, entries = digest, last, seal_id, entries + len(found)
    if (links, previous_last, previous) != (head.seal_id, head.last_entry_id, head.digest):
        if head.seal_id > links:
            return broken(f"link {links + 1} and later (entries after #{previous_last}) were removed",
                          previous_last + 1)
        return broken(f"the chain's head (link {head.seal_id}) does not match its newest link {links}")
    stray = db.one("SELECT min(id) FROM audit_entries WHERE id > :last", last=previous_last)[0]
    if stray is not None:
        return broken(f"{_describe(db, stray)} is not sealed: it was written around the chain", stray)
    return ChainReport(True, entries, links, head.digest)


def _links(db: _Database, batch: int = 256) -> Iterator[tuple[int, int, int, bytes, str]]:
    """Every link in order, read ``batch`` at a time."""
    after = 0
    while True:
        rows = db.rows("SELECT id, first_entry_id, last_entry_id, tags, digest FROM audit_seals WHERE id > :after "
                       "ORDER BY id LIMIT :batch", after=after, batch=batch)
        for seal_id, first, last, tags, digest in rows:
            yield seal_id, first, last, bytes(tags), digest
        if len(rows) < batch:
            return
        after = rows[-1][0]


def _compare(db: _Database, first: int, expected: list[bytes], found: list[tuple[int, bytes]]):
    """The first difference between a link's tags and the entries now in its range, as (problem, entry id)."""
    for position, tag in enumerate(expected):
        entry_id = first + position
        if position >= len(found) or found[position][0] != entry_id:
            return f"entry #{entry_id} was removed", entry_id
        if entry_tag(found[position][1]) != tag:
            return f"{_describe(db, entry_id)} was altered", entry_id
    if len(found) > len(expected):
        extra = found[len(expected)][0]
        return f"{_describe(db, extra)} was added into a sealed range", extra
    return None


def _describe(db: _Database, entry_id: int) -> str:
    row = db.one("SELECT incident_id, subject, at, actor, action FROM audit_entries WHERE id = :id", id=entry_id)
    if row is None:
        return f"entry #{entry_id}"
    incident_id, subject, at, actor, action = row
    about = f"incident {incident_id}" if incident_id is not None else (subject or "no subject")
    when = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if at is not None else "?"
    return f"entry #{entry_id} ({action} by {actor}, {about}, {when})"
