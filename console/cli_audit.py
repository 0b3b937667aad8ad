"""``gridwatch audit verify``: check the audit trail's hash chain.

Exit 0 and one line naming the entries, links and the head's digest when the chain holds (record that
digest elsewhere: a later run that prints a different head for the same link means the trail was
rewritten); otherwise exit 1 and one line naming the first entry that was altered, removed or written
around the chain (see :mod:`console.storage.audit_chain`).  Progress goes to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]
EXIT_BROKEN = 1


def add_audit_parser(commands) -> None:
    """Register ``audit`` and its subcommand on the top-level subparsers ``commands``."""
    audit = commands.add_parser("audit", help="check the audit trail")
    add_db_option(audit, "audit_db")
    actions = audit.add_subparsers(title="audit commands", parser_class=type(audit), required=True)
    verify = actions.add_parser("verify", help="check the audit trail's hash chain; exit 0 when it holds, "
                                               "otherwise name the first entry altered or removed")
    add_db_option(verify, "audit_db")
    verify.set_defaults(audit_action="verify")


def run_audit(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run an ``audit`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.cli import TerminalProgress
    from console.storage import audit_chain
    from console.storage.db import StoreError, open_store
    from console.tasks import TaskState

    try:
        store = open_store(database_url(args, "audit_db", fallback_db))
    except StoreError as exc:
        return fail(str(exc))
    bar = TerminalProgress(sys.stderr)
    try:
        with store.engine.connect() as connection:
            report = audit_chain.verify(connection, TaskState(bar.update))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
    finally:
        bar.finish()
        store.dispose()
    if not report.holds:
        return fail(report.describe(), EXIT_BROKEN)
    print(report.describe())
    return 0
