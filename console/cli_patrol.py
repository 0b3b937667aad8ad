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

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]
EXIT_USAGE = 2


def add_patrol_parser(commands) -> None:
    """Register ``patrol`` and its subcommand on the top-level subparsers ``commands``."""
    patrol = commands.add_parser("patrol", help="daily patrol summaries")
    add_db_option(patrol, "patrol_db")
    actions = patrol.add_subparsers(title="patrol commands", parser_class=type(patrol), required=True)
    summarise = actions.add_parser("summarise", help="summarise every worker's patrol of each day from the "
                                                     "positions (replacing a summary there was)")
    add_db_option(summarise, "patrol_db")
    summarise.add_argument("--from", dest="first_day", metavar="YYYY-MM-DD", type=_day, default=None,
                           help="the first day (default: the oldest stored position's)")
    summarise.add_argument("--to", dest="last_day", metavar="YYYY-MM-DD", type=_day, default=None,
                           help="the last day (default: yesterday)")
    summarise.set_defaults(patrol_action="summarise")


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
    from console.storage.db import StoreError, open_store
    from console.storage.models import Position
    from console.storage.patrol_days import local_day, summarise_days
    from console.tasks import Cancelled, TaskState

    last_day = args.last_day or datetime.now().date() - timedelta(days=1)
    try:
        store = open_store(database_url(args, "patrol_db", fallback_db))
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
        return fail(f"database error: {first_line(exc)}")
    finally:
        bar.finish()
        store.dispose()
    print(f"summarised {len(days)} day{'' if len(days) == 1 else 's'}"
          + (f": {days[0]} to {days[-1]}" if days else " (none is over)"))
    return 0
