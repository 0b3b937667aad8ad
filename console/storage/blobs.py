"""Where photo bytes live: a content-addressed blob store, one interface with two backends.

A photo is named by the SHA-256 of its bytes; an attachment row (``attachments.blob_sha256``) refers to
it, and the same photo sent twice is stored once.  :func:`blob_store` picks the backend from the store's
URL:

* **A SQLite file** keeps blobs as files next to it, ``<db file>.blobs/ab/cd/<sha256>``.  Photos of
  several MiB would bloat the database file, slow its backups and its WAL checkpoints, and every page of
  them would pass through SQLite's page cache; a file per photo is read only when a photo is opened full
  size.  A blob is written to a temporary file, fsynced and renamed into place (then its directory is
  fsynced) *before* the transaction that refers to it commits: a committed row never names a missing file.
  A transaction that fails after that leaves an orphan file -- harmless, and removed by :meth:`sweep`,
  which deletes files that no attachment names and that are older than a grace period (so that a
  transaction still in flight, in this process or another console's, keeps its file; a write that finds
  its blob already there refreshes the file's time for the same reason).  The intake sweeps at start.
* **A PostgreSQL store** keeps blobs in the ``blobs`` table (``bytea``, which PostgreSQL compresses and
  moves out of line -- TOAST -- by itself).  Several consoles on different machines share that store, so
  a directory next to one of them would not be reachable from the others.  ``bytea`` rather than large
  objects: a row is written and rolled back with the transaction that refers to it (nothing to clean up
  after a failure), it is dumped and restored with the table, it needs no ``lo_unlink`` bookkeeping (large
  objects outlive the rows naming them until someone unlinks them), and it is the same SQLAlchemy code as
  every other table.  Large objects pay off for streaming files of hundreds of MiB; a photo is capped at
  8 MiB and read whole.  An in-memory SQLite store (tests) uses this backend too.

Blobs of deleted incidents are not deleted with them (another attachment may share them): :meth:`sweep`
removes what no attachment names, in either backend.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from console.core.clock import SystemClock
from console.storage.db import Store
from console.storage.models import Attachment, Blob

log = logging.getLogger(__name__)

#: Files younger than this are never swept: a transaction that wrote one may not have committed yet.
SWEEP_GRACE_S = 3_600.0


class BlobNotFound(LookupError):
    """No blob with that SHA-256 in the store."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Content-addressed bytes: :meth:`put` inside the transaction that refers to them, :meth:`get` by name."""

    def put(self, session: Session, data: bytes) -> str:
        """Store ``data`` (once) as part of ``session``'s transaction; returns its SHA-256."""
        raise NotImplementedError

    def get(self, sha256: str) -> bytes:
        """The bytes named ``sha256``; :class:`BlobNotFound` when there are none."""
        raise NotImplementedError

    def names(self) -> set[str]:
        """Every stored blob's SHA-256."""
        raise NotImplementedError

    def sweep(self, grace_s: float = SWEEP_GRACE_S) -> int:
        """Delete blobs that no attachment names (files only when older than ``grace_s``); returns how many."""
        raise NotImplementedError


class FileBlobStore(BlobStore):
    """Blobs as files under ``root`` (``root/ab/cd/<sha256>``), next to a SQLite database."""

    def __init__(self, store: Store, root: Path):
        self.store = store
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, session: Session, data: bytes) -> str:
        name = sha256_of(data)
        target = self.path(name)
        if target.exists() and target.stat().st_size == len(data):
            os.utime(target)  # younger than the sweep's grace period until our transaction commits
            return name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(target.parent)
        return name

    def get(self, sha256: str) -> bytes:
        if not _is_name(sha256):
            raise BlobNotFound(sha256)
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def files(self) -> list[Path]:
        """Every file under the root, blobs and leftover temporary files alike."""
        if not self.root.is_dir():
            return []
        return [path for path in self.root.glob("*/*/*") if path.is_file()]

    def names(self) -> set[str]:
        return {path.name for path in self.files() if _is_name(path.name)}

    def sweep(self, grace_s: float = SWEEP_GRACE_S) -> int:
        with self.store.sessions() as session:
            referenced = set(session.scalars(select(Attachment.blob_sha256).where(
                Attachment.blob_sha256.is_not(None)).distinct()))
        cutoff = time.time() - grace_s
        removed = 0
        for path in self.files():
            if path.name in referenced:
                continue
            try:
                if path.stat().st_mtime > cutoff:
                    continue
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        if removed:
            log.info("blob sweep: removed %d files no attachment names", removed)
        return removed


class DatabaseBlobStore(BlobStore):
    """Blobs as rows of the ``blobs`` table (``bytea`` on PostgreSQL), written in the caller's transaction."""

    def __init__(self, store: Store):
        self.store = store

    def put(self, session: Session, data: bytes) -> str:
        name = sha256_of(data)
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        # Two consoles storing the same photo at once: the second insert does nothing instead of failing.
        session.execute(dialect.insert(Blob).values(sha256=name, size=len(data), data=data,
                                                    created_at=SystemClock().now())
                        .on_conflict_do_nothing(index_elements=[Blob.sha256]))
        return name

    def get(self, sha256: str) -> bytes:
        with self.store.sessions() as session:
            data = session.scalar(select(Blob.data).where(Blob.sha256 == sha256))
        if data is None:
            raise BlobNotFound(sha256)
        return bytes(data)

    def names(self) -> set[str]:
        with self.store.sessions() as session:
            return set(session.scalars(select(Blob.sha256)))

    def sweep(self, grace_s: float = SWEEP_GRACE_S) -> int:
        # Rows are written in their attachment's transaction, so an unnamed row is a deleted incident's:
        # no grace period is needed.
        with self.store.sessions.begin() as session:
            named = select(Attachment.blob_sha256).where(Attachment.blob_sha256.is_not(None))
            removed = session.execute(delete(Blob).where(Blob.sha256.not_in(named))).rowcount
        if removed:
            log.info("blob sweep: removed %d blobs no attachment names", removed)
        return removed


def blob_directory(store: Store) -> Path | None:
    """The blob directory of a SQLite file store (``<db file>.blobs``); None for other stores."""
    if not store.is_sqlite:
        return None
    database = store.engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve().with_name(Path(database).name + ".blobs")


def blob_store(store: Store) -> BlobStore:
    """The store's blob store: files next to a SQLite file, the ``blobs`` table otherwise."""
    directory = blob_directory(store)
    return FileBlobStore(store, directory) if directory is not None else DatabaseBlobStore(store)


def _is_name(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
