"""``gridwatch backup`` and ``gridwatch restore``: copy a SQLite store while it runs, and put a copy back.

The work is :mod:`console.storage.backup`'s; this module is the command line around it.  Like the
rest of the command line, a refusal (a PostgreSQL URL, an existing file without ``--force``, a
store in use) is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from console.cli_args import add_db_option, database_url

Fail = Callable[..., int]
COMMANDS = ("backup", "restore")


def add_backup_parsers(commands) -> None:
    """Register ``backup`` and ``restore`` on the top-level subparsers ``commands``."""
    backup = commands.add_parser("backup", help="copy the SQLite store to a file, consistently, even while "
                                                "consoles and the intake write to it")
    add_db_option(backup, "backup_db")
    backup.add_argument("out", metavar="OUT_FILE", type=Path, help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite OUT_FILE if it exists")
    backup.set_defaults(backup_action=_backup)
    restore = commands.add_parser("restore", help="replace the SQLite store with a backup (close every console "
                                                  "and `gridwatch serve` on it first); the old one is kept")
    add_db_option(restore, "backup_db")
    restore.add_argument("backup", metavar="BACKUP_FILE", type=Path, help="a file written by `gridwatch backup`")
    restore.set_defaults(backup_action=_restore)


def run_backup(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run ``backup`` or ``restore``; ``fallback_db`` gives the database when no ``--db`` was given."""
    from console.storage.backup import BackupError

    url = database_url(args, "backup_db", fallback_db)
    try:
        return args.backup_action(url, args)
    except BackupError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _backup(url: str, args) -> int:
    from console.storage.backup import backup

    progress = _Progress(sys.stderr)
    try:
        summary = backup(url, args.out, force=args.force, progress=progress.update)
    finally:
        progress.finish()  # an error then starts on a line of its own
    photos = f", {summary.photos} photos in {summary.path}.blobs" if summary.photos else ""
    print(f"backed up to {summary.path}: {_size(summary.size)}, {summary.incidents} incidents, "
          f"schema {summary.revision}{photos}")
    return 0


def _restore(url: str, args) -> int:
    from console.storage.backup import restore

    summary = restore(url, args.backup)
    migrated = " (migrated to this Gridwatch's schema)" if summary.migrated else ""
    print(f"restored {summary.path} from {args.backup}: {summary.incidents} incidents, "
          f"schema {summary.revision}{migrated}")
    if summary.kept is not None:
        print(f"the replaced database is kept as {summary.kept}")
    return 0


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


class _Progress:
    """Copied pages as a percentage, redrawn in place on a terminal, silent when piped."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = False

    def update(self, copied: int, total: int) -> None:
        if self.stream.isatty() and total:
            self.stream.write(f"\rcopying: {copied * 100 // total:3d}% of {total} pages")
            self.stream.flush()
            self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
