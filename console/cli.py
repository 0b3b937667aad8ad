"""The ``gridwatch`` command line: open the console, write demo data, manage cameras, back up the store.

Errors the user can cause (a wrong flag, an unreachable database) end with a
one-line message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console import __version__
from console.cli_args import non_negative_float
from console.cli_audit import add_audit_parser, run_audit
from console.cli_backup import COMMANDS as BACKUP_COMMANDS, add_backup_parsers, run_backup
from console.cli_cameras import add_cameras_parser, run_cameras
from console.cli_keys import add_keys_parser, run_keys
from console.cli_map import COMMANDS as MAP_COMMANDS, add_map_parsers, run_map
from console.cli_patrol import add_patrol_parser, run_patrol
from console.cli_roster import COMMANDS as ROSTER_COMMANDS, add_roster_parsers, run_roster
from console.cli_scorecards import add_scorecards_parser, run_scorecards
from console.cli_users import add_users_parser, run_users

EXIT_USAGE = 2
EXIT_FAILURE = 1


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    from platformdirs import user_data_path
    return f"sqlite:///{user_data_path('gridwatch', appauthor=False) / 'gridwatch.db'}"


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="gridwatch", description="Gridwatch command-room console.")
    parser.add_argument("--version", action="version", version=f"gridwatch {__version__}")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy URL or SQLite path (default: the demo "
                                                    "database in your data directory)")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="interface language (default: system locale)")
    parser.add_argument("--operator", metavar="LOGIN", default=None,
                        help="user name to log in with (filled in the login dialog; on the demo with "
                             "--screenshot, logged in directly; default: the demo duty officer)")
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help="start, wait, save the main window as PNG and exit")
    parser.add_argument("--after", metavar="SECONDS", type=non_negative_float, default=3.0,
                        help="with --screenshot: how long to wait first (default 3)")
    parser.add_argument("--speed", metavar="FACTOR", type=non_negative_float, default=20.0,
                        help="demo simulation speed-up (default 20; 0 stops it)")
    parser.add_argument("--theme", choices=["dark", "light"], help="colour theme (default: last used, dark)")
    sub = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    demo = sub.add_parser("demo-data", help="write deterministic demo data into a database")
    demo.add_argument("--db", metavar="URL", dest="demo_db", required=True, help="target database URL or path")
    demo.add_argument("--scale", choices=["town", "city"], default="town")
    demo.add_argument("--days", type=int, default=None, help="days of history (default: 90 town, 243 city)")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--replace", action="store_true", help="replace incidents already in the database")
    add_cameras_parser(sub)
    add_map_parsers(sub)
    add_keys_parser(sub)
    add_users_parser(sub)
    add_audit_parser(sub)
    add_backup_parsers(sub)
    add_scorecards_parser(sub)
    add_patrol_parser(sub)
    add_roster_parsers(sub)
    return parser


def _fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(f"gridwatch: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gridwatch`` command and of ``python -m console``."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo-data":
            return run_demo_data(args)
        if args.command == "cameras":
            return run_cameras(args, default_database_url, _fail)
        if args.command == "keys":
            return run_keys(args, default_database_url, _fail)
        if args.command == "users":
            return run_users(args, default_database_url, _fail)
        if args.command == "audit":
            return run_audit(args, default_database_url, _fail)
        if args.command in BACKUP_COMMANDS:
            return run_backup(args, default_database_url, _fail)
        if args.command == "scorecards":
            return run_scorecards(args, default_database_url, _fail)
        if args.command == "patrol":
            return run_patrol(args, default_database_url, _fail)
        if args.command in ROSTER_COMMANDS:
            return run_roster(args, default_database_url, _fail)
        if args.command in MAP_COMMANDS:
            return run_map(args, default_database_url, _fail)
        from console.gui.app import run_console
        return run_console(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def run_demo_data(args) -> int:
    """``gridwatch demo-data``: write demo data with a progress bar on the terminal."""
    from console.demo import DemoDataError, write_demo_data
    from console.storage.db import StoreError, open_store
    from console.tasks import Cancelled, TaskState

    if args.days is not None and args.days <= 0:
        return _fail("--days must be positive", EXIT_USAGE)
    try:
        store = open_store(args.demo_db)
    except StoreError as exc:
        return _fail(str(exc))
    bar = TerminalProgress(sys.stderr)
    state = TaskState(bar.update)
    try:
        summary = write_demo_data(store, scale=args.scale, days=args.days, seed=args.seed, state=state,
                                  replace=args.replace)
    except Cancelled:
        return _fail("cancelled", 130)
    except DemoDataError as exc:
        bar.finish()
        return _fail(f"{exc} (with --replace)" if "replace" in str(exc) else str(exc))
    except (ValueError, StoreError) as exc:
        bar.finish()
        return _fail(str(exc))
    finally:
        store.dispose()
    bar.finish()
    print(summary.describe())
    return 0


class TerminalProgress:
    """A one-line progress bar that redraws in place on a terminal (and prints sparsely when piped)."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self._last_percent = -1

    def update(self, fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if percent == self._last_percent:
            return
        if not self.tty and (percent % 10 or percent == 0) and percent != 100:
            return
        self._last_percent = percent
        filled = percent * 30 // 100
        line = f"[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {message}"
        if self.tty:
            self.stream.write("\r" + line[:120].ljust(120))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._last_percent >= 0:
            self.stream.write("\n")
            self.stream.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
