"""Back up and restore a SQLite store, consistently, while consoles and the intake keep writing.

:func:`backup` copies the store with SQLite's online backup API (:meth:`sqlite3.Connection.backup`)
in steps of :data:`PAGES_PER_STEP` pages, reporting progress.  The copy is one snapshot: the
source connection holds a read transaction from before the first step to after the last, so in
WAL mode writers carry on meanwhile and the copy holds exactly what was committed when it began
(without it, SQLite would restart the copy after every commit of another connection, and a busy
store could never be copied).  The copy goes to a temporary file beside the target, is checked
with ``PRAGMA integrity_check``, switched to a plain rollback journal (one self-contained file)
and renamed into place.  Photo blobs (``<db>.blobs/``, files named by their SHA-256 and never
changed) are copied beside it as ``<backup>.blobs/``, after the snapshot: every photo the snapshot
names was written before its row committed, so it is there.

:func:`restore` puts a backup in the store's place:

* it checks the file is a Gridwatch store (an SQLite file with ``alembic_version`` and
  ``incidents``) that passes ``PRAGMA integrity_check``, and that its schema revision is one
  this program knows -- a backup made by a newer Gridwatch is refused;
* it refuses while any other connection has the store open.  A connection to a WAL-mode store
  holds a shared lock on it for as long as it is open, idle or not, so switching the store out
  of WAL mode (which needs the only connection) fails at once with "database is locked" when a
  console or ``gridwatch serve`` has it open; after that check the restore holds an exclusive
  lock until the new file is in place, so nobody opens the old one meanwhile;
* it migrates the restored copy (on a temporary file, before touching the store) when it is older;
* it keeps the replaced store as ``<name>.before-restore-<UTC time>``: nothing is lost.

PostgreSQL stores are refused with a pointer to ``pg_dump``/``pg_restore``: the server's own
tools make consistent dumps of a live database, and this module would only do it worse.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PAGES_PER_STEP = 1024
SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_HINT = ("is a PostgreSQL database: back it up with the server's tools, e.g. "
                   "`pg_dump -Fc -f gridwatch.dump DBNAME` and `pg_restore --clean -d DBNAME gridwatch.dump`")

Progress = Callable[[int, int], None]  # (pages copied, pages in all)


class BackupError(Exception):
    """A backup or restore cannot be done; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupSummary:
    """What :func:`backup` wrote."""

    path: Path
    size: int  # bytes of the database file
    incidents: int
    revision: str
    photos: int  # blob files copied beside it


@dataclass(frozen=True)
class RestoreSummary:
    """What :func:`restore` did."""

    path: Path
    kept: Path | None  # where the replaced store went (None when there was none)
    incidents: int
    revision: str  # the backup's schema revision
    migrated: bool  # the restored copy was brought to this program's schema


def sqlite_path(url: str) -> Path:
    """The file of a SQLite store URL (or plain path); :class:`BackupError` for anything else."""
    if "://" not in url:
        return Path(url).expanduser()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BackupError(f"not a database URL: {url!r}") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "postgresql":
        raise BackupError(f"{shown} {POSTGRESQL_HINT}")
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(f"{shown}: only SQLite stores can be backed up with gridwatch")
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise BackupError(f"{shown} is not a database file")
    return Path(parsed.database).expanduser()


def blob_dir(database: Path) -> Path:
    """Where :mod:`console.storage.blobs` keeps the photos of the SQLite store ``database``."""
    return database.with_name(database.name + ".blobs")


# -- backup ------------------------------------------------------------------------------------------
def backup(url: str, out: Path, *, force: bool = False, progress: Progress | None = None,
           pages: int = PAGES_PER_STEP) -> BackupSummary:
    """Copy the store at ``url`` to ``out`` (refused when ``out`` exists, unless ``force``)."""
    source = sqlite_path(url)
    out = Path(out).expanduser()
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if out.exists() and not force:
        raise BackupError(f"{out} already exists; pass --force to overwrite it")
    if out.is_dir():
        raise BackupError(f"{out} is a directory; name the backup file")
    if not out.parent.is_dir():
        raise BackupError(f"cannot write {out}: directory {out.parent} does not exist")
    if out.resolve() == source.resolve():
        raise BackupError(f"{out} is the database itself; name another file")
    temporary = _temporary_beside(out)
    try:
        _snapshot(source, temporary, progress, pages)
        with closing(sqlite3.connect(temporary, isolation_level=None)) as copy:
            _check_integrity(copy, out)
            revision, incidents = _identify(copy, out)
        _fsync(temporary)
        os.replace(temporary, out)
        _fsync_dir(out.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    photos = _copy_blobs(blob_dir(source), blob_dir(out))
    return BackupSummary(out, out.stat().st_size, incidents, revision, photos)


def _snapshot(source: Path, target: Path, progress: Progress | None, pages: int) -> None:
    try:
        with closing(sqlite3.connect(source, timeout=10, isolation_level=None)) as src, \
                closing(sqlite3.connect(target, isolation_level=None)) as dst:
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            src.backup(dst, pages=pages,
                       progress=None if progress is None else
                       lambda _status, remaining, total: progress(total - remaining, total))
            src.execute("COMMIT")
            # One self-contained file: no -wal beside the backup (open_store turns WAL on again).
            dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from exc


# -- restore -----------------------------------------------------------------------------------------
def restore(url: str, backup_file: Path, *, now: datetime | None = None) -> RestoreSummary:
    """Put the backup ``backup_file`` in the place of the store at ``url``; see the module's notes."""
    from alembic.script import ScriptDirectory

    from console.storage.db import MIGRATIONS_DIR, StoreError, open_store, schema_is_current

    target = sqlite_path(url)
    backup_file = Path(backup_file).expanduser()
    if not backup_file.is_file():
        raise BackupError(f"there is no backup at {backup_file}")
    if target.exists() and target.resolve() == backup_file.resolve():
        raise BackupError(f"{backup_file} is the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"cannot restore to {target}: directory {target.parent} does not exist")
    with open(backup_file, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{backup_file} is not a Gridwatch backup (not an SQLite file)")
    try:
        with closing(sqlite3.connect(_read_only(backup_file), uri=True, isolation_level=None)) as copy:
            revision, incidents = _identify(copy, backup_file)
            _check_integrity(copy, backup_file)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read {backup_file}: {exc}") from exc
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    if not _known_revision(scripts, revision):
        raise BackupError(f"{backup_file} has schema revision {revision}, newer than this Gridwatch's "
                          f"{scripts.get_current_head()}; restore it with a newer Gridwatch")

    temporary = _temporary_beside(target)
    try:
        _snapshot(backup_file, temporary, None, -1)
        migrated = revision != scripts.get_current_head()
        if migrated:
            try:
                store = open_store(str(temporary))
            except StoreError as exc:
                raise BackupError(f"cannot bring the backup to this Gridwatch's schema: {exc}") from exc
            try:
                if not schema_is_current(store.engine):
                    raise BackupError("the migrated backup is not at this Gridwatch's schema")
            finally:
                store.dispose()
        _fsync(temporary)
        kept = _swap_in(target, temporary, now or datetime.now(timezone.utc))
    except BaseException:
        temporary.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        raise
    _copy_blobs(blob_dir(backup_file), blob_dir(target))
    return RestoreSummary(target, kept, incidents, revision, migrated)


def _swap_in(target: Path, new_file: Path, now: datetime) -> Path | None:
    """Move ``target`` aside and ``new_file`` into its place, refusing if another connection has it open."""
    if not target.exists():
        os.replace(new_file, target)
        _fsync_dir(target.parent)
        return None
    kept = target.with_name(f"{target.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
    if kept.exists():
        raise BackupError(f"{kept} already exists; wait a second and try again")
    try:
        lock = sqlite3.connect(target, timeout=0, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {target}: {exc}") from exc
    with closing(lock):
        try:
            # Leaving WAL mode needs the only connection to the file: it fails at once if a console or
            # `gridwatch serve` has it open, and on success folds the WAL into the file (nothing lost).
            lock.execute("PRAGMA locking_mode=EXCLUSIVE")  # keep every lock taken from here on
            lock.execute("PRAGMA journal_mode=DELETE").fetchone()
            lock.execute("BEGIN EXCLUSIVE")  # held until the new file is in place: nobody opens the old one
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupError(f"{target} is in use (a console or `gridwatch serve` has it open); "
                                  "close them and restore again") from None
            raise BackupError(f"cannot lock {target}: {exc}") from exc
        os.replace(target, kept)
        os.replace(new_file, target)
        _fsync_dir(target.parent)
        lock.execute("ROLLBACK")
    return kept


def _known_revision(scripts, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


# -- shared ------------------------------------------------------------------------------------------
def _identify(connection: sqlite3.Connection, path: Path) -> tuple[str, int]:
    """The schema revision and the number of incidents of a Gridwatch store (else :class:`BackupError`)."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"alembic_version", "incidents"} <= tables:
        raise BackupError(f"{path} is not a Gridwatch store (no alembic_version or incidents table)")
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise BackupError(f"{path} is not a Gridwatch store (no schema revision)")
    return row[0], connection.execute("SELECT count(*) FROM incidents").fetchone()[0]


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{path} fails the integrity check: {problems[0]}")


def _read_only(path: Path) -> str:
    """A URI opening ``path`` read-only: checking a backup must not change it."""
    return path.resolve().as_uri() + "?mode=ro"


def _temporary_beside(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    return Path(name)


def _copy_blobs(source: Path, target: Path) -> int:
    """Copy the photo files under ``source`` that ``target`` lacks (they never change: same name, same bytes)."""
    if not source.is_dir():
        return 0
    copied = 0
    for path in source.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        destination = target / path.relative_to(source)
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        copied += 1
    return copied


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
