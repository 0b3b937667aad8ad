"""Argument types shared by the command line's parsers: bad values become one-line argparse errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def non_negative_float(text: str) -> float:
    """A number that is 0 or more (seconds, a speed factor, days)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return value


def add_db_option(parser: argparse.ArgumentParser, dest: str) -> None:
    """``--db URL`` on a command or subcommand, stored as ``dest``; read it back with :func:`database_url`."""
    # SUPPRESS: an absent --db on the subcommand leaves one given before it in place.
    parser.add_argument("--db", metavar="URL", dest=dest, default=argparse.SUPPRESS,
                        help="SQLAlchemy URL or SQLite path (default: the database in your data directory)")


def database_url(args: argparse.Namespace, dest: str, fallback: Callable[[], str]) -> str:
    """The database a command names: its own ``--db``, else the top-level one, else ``fallback()``."""
    return getattr(args, dest, None) or args.db or fallback()


def first_line(exc: BaseException) -> str:
    """A database error in one line (the driver's own message when there is one)."""
    text = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
