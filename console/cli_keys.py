"""``gridwatch keys``: issue, revoke and list the API keys of the intake's clients (Open311 apps).

A new key is printed once, on stdout, and stored only as a hash: whoever issues it must hand it
over then.  ``list`` shows names, kinds and dates, never keys.  Like the rest of the command line,
a refusal is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]
#: As :data:`console.storage.api_keys.KINDS` (not imported here: building the parser must stay cheap).


def add_keys_parser(commands) -> None:
    """Register ``keys`` and its subcommands on the top-level subparsers ``commands``."""
    keys = commands.add_parser("keys", help="issue, revoke or list API keys of the intake's clients (Open311)")
    add_db_option(keys, "keys_db")
    actions = keys.add_subparsers(title="key commands", parser_class=type(keys), required=True)
    issue = actions.add_parser("issue", help="issue a new key and print it (once: only its hash is kept)")
    issue.add_argument("kind", choices=("open311", "device"),
                       help="open311: a civic-reporting client; device: a worker's phone (NAME is its device id)")
    issue.add_argument("name", metavar="NAME", help="the client's name, e.g. the app or the organisation")
    issue.set_defaults(keys_action=_issue)
    revoke = actions.add_parser("revoke", help="revoke a key: it stops working at once")
    revoke.add_argument("name", metavar="NAME")
    revoke.set_defaults(keys_action=_revoke)
    listing = actions.add_parser("list", help="one tab-separated line per key: name, kind, created, revoked")
    listing.set_defaults(keys_action=_list)
    for action in (issue, revoke, listing):
        add_db_option(action, "keys_db")


def run_keys(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``keys`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.storage.api_keys import ApiKeyError, ApiKeyStore
    from console.storage.db import StoreError, open_store

    try:
        store = open_store(database_url(args, "keys_db", fallback_db))
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.keys_action(ApiKeyStore(store, actor="gridwatch keys"), args)
    except ApiKeyError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
    finally:
        store.dispose()


def _issue(keys, args) -> int:
    record, key = keys.issue(args.kind, args.name)
    print(key, flush=True)
    print(f"issued {record.kind} key {record.name!r}; it is shown only now: hand it to the client", file=sys.stderr)
    return 0


def _revoke(keys, args) -> int:
    record = keys.revoke(args.name)
    print(f"revoked {record.kind} key {record.name!r}")
    return 0


def _list(keys, args) -> int:
    for record in keys.list():
        revoked = f"{record.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if record.revoked_at else ""
        print("\t".join((record.name, record.kind, f"{record.created_at:%Y-%m-%dT%H:%M:%SZ}", revoked)))
    return 0
