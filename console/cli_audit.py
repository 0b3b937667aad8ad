"""``gridwatch audit verify``: check the audit trail's hash chain.

Exit 0 and one line naming the entries, links and the head's digest when the chain holds (record that
digest elsewhere: a later run that prints a different head for the same link means the trail was
rewritten); otherwise exit 1 and one line naming the first entry that was altered, removed or written
around the chain (see :mod:`console.storage.audit_chain`).  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

Fail = Callable[..., int]
EXIT_BROKEN = 1


def add_audit_parser(commands) -> None:
    """Register ``audit`` and its subcommand on the top-level subparsers ``commands``."""
    audit = commands.add_parser("audit", help="check the audit trail")
    _add_db_option(audit)
    actions = audit.add_subparsers(title="audit commands", parser_class=type(audit), required=True)
    verify = actions.add_parser("verify", help="check the audit trail's hash chain; exit 0 when it holds, "
                                               "otherwise name the first entry altered or removed")
    _add_db_option(verify)
    verify.set_defaults(audit_action="verify")


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an absent --db on the subcommand leaves one given before it in place.
    parser.add_argument("--db", metavar="URL", dest="audit_db", default=argparse.SUPPRESS,
                        help="SQLAlchemy URL or SQLite path (default: the database in your data directory)")


def run_audit(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run an ``audit`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.cli import TerminalProgress
    from console.cli_map import _first_line
    from console.storage import audit_chain
    from console.storage.db import StoreError, open_store
    from console.tasks import TaskState

    try:
        store = open_store(getattr(args, "audit_db", None) or args.db or fallback_db())
    except StoreError as exc:
        return fail(str(exc))
    bar = TerminalProgress(sys.stderr)
    try:
        with store.engine.connect() as connection:
            report = audit_chain.verify(connection, TaskState(bar.update))
    except SQLAlchemyError as exc:
        return fail(f"database error: {_first_line(exc)}")
    finally:
        bar.finish()
        store.dispose()
    if not report.holds:
        return fail(report.describe(), EXIT_BROKEN)
    print(report.describe())
    return 0
