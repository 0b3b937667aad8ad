"""``gridwatch patrol summarise``: back-fill the daily patrol summaries the scorecards read
(:mod:`console.storage.patrol_days`) — after an upgrade, or to recompute days whose positions came late.

    gridwatch patrol summarise                                 # the oldest stored position's day to yesterday
    gridwatch patrol summarise --from 2026-10-01 --to 2026-10-31

Days are local days of this machine's time zone, as the scorecards'; a day already summarised is computed
again and replaced; a day not over yet is left out.  Progress goes to stderr, one line naming the days to
stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta

Fail = Callable[..., int]
EXIT_USAGE = 2


def add_patrol_parser(commands) -> None:
    """Register ``patrol`` and its subcommand on the top-level subparsers ``commands``."""
    patrol = commands.add_parser("patrol", help="daily patrol summaries")
    _add_db_option(patrol)
    actions = patrol.add_subparsers(title="patrol commands", parser_class=type(patrol), required=True)
    summarise = actions.add_parser("summarise", help="summarise every worker's patrol of each day from the "
                                                     "positions (replacing a summary there was)")
    _add_db_option(summarise)
    summarise.add_argument("--from", dest="first_day", metavar="YYYY-MM-DD", type=_day, default=None,
                           help="the first day (default: the oldest stored position's)")
    summarise.add_argument("--to", dest="last_day", metavar="YYYY-MM-DD", type=_day, default=None,
                           help="the last day (default: yesterday)")
    summarise.set_defaults(patrol_action="summarise")


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an absent --db on the subcommand leaves one given before it in place.
    parser.add_argument("--db", metavar="URL", dest="patrol_db", default=argparse.SUPPRESS,
                        help="SQLAlchemy URL or SQLite path (default: the database in your data directory)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None


def run_patrol(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``patrol`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from console.cli import TerminalProgress
    from console.cli_map import _first_line
    from console.storage.db import StoreError, open_store
    from console.storage.models import Position
    from console.storage.patrol_days import local_day, summarise_days
    from console.tasks import Cancelled, TaskState

    last_day = args.last_day or datetime.now().date() - timedelta(days=1)
    try:
        store = open_store(getattr(args, "patrol_db", None) or args.db or fallback_db())
    except StoreError as exc:
        return fail(str(exc))
    bar = TerminalProgress(sys.stderr)
    try:
        first_day = args.first_day
        if first_day is None:
            with store.engine.connect() as conn:
                oldest = conn.execute(select(Position.t).order_by(Position.id).limit(1)).scalar()
            first_day = min(local_day(oldest, None), last_day) if oldest is not None else last_day
        if first_day > last_day:
            return fail(f"--from {first_day} is after --to {last_day}", EXIT_USAGE)
        days = summarise_days(store, first_day, last_day, TaskState(bar.update))
    except Cancelled:
        return fail("cancelled", 130)
    except SQLAlchemyError as exc:
        return fail(f"database error: {_first_line(exc)}")
    finally:
        bar.finish()
        store.dispose()
    print(f"summarised {len(days)} day{'' if len(days) == 1 else 's'}"
          + (f": {days[0]} to {days[-1]}" if days else " (none is over)"))
    return 0
