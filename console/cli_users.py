"""``gridwatch users``: add the console's users and list them.

``users add NAME --role operator|duty|admin`` asks for the password twice on a terminal, or reads one line
from standard input when it is not a terminal (``printf '%s\\n' "$PASSWORD" | gridwatch users add …``); the
password is stored only as a scrypt hash.  ``users list`` prints one tab-separated line per user: login,
display name, role, and "locked" / "disabled" when so.  Like the rest of the command line, a refusal is
one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

Fail = Callable[..., int]


def add_users_parser(commands) -> None:
    """Register ``users`` and its subcommands on the top-level subparsers ``commands``."""
    users = commands.add_parser("users", help="add or list the console's users (operators)")
    _add_db_option(users)
    actions = users.add_subparsers(title="user commands", parser_class=type(users), required=True)
    add = actions.add_parser("add", help="add a user; the password is asked for (or read from standard input)")
    add.add_argument("name", metavar="NAME", help="the user name to log in with")
    add.add_argument("--role", choices=("operator", "duty", "admin"), required=True,
                     help="operator: handles the queue; duty: also closes, reopens, supervises and manages "
                          "watch zones; admin: also users, cameras, devices and keys")
    add.add_argument("--display-name", metavar="TEXT", default="",
                     help="the name shown in the console and the records (default: NAME)")
    add.set_defaults(users_action=_add)
    listing = actions.add_parser("list", help="one tab-separated line per user: login, display name, role, state")
    listing.set_defaults(users_action=_list)
    for action in (add, listing):
        _add_db_option(action)


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an absent --db on the subcommand leaves one given before it in place.
    parser.add_argument("--db", metavar="URL", dest="users_db", default=argparse.SUPPRESS,
                        help="SQLAlchemy URL or SQLite path (default: the database in your data directory)")


def run_users(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``users`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.cli_map import _first_line
    from console.storage.db import StoreError, open_store
    from console.storage.operators import OperatorBook, OperatorError

    password = None
    if args.users_action is _add:
        try:
            password = _read_password()
        except (OperatorError, EOFError) as exc:
            return fail(str(exc) or "no password given")
    try:
        store = open_store(getattr(args, "users_db", None) or args.db or fallback_db())
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.users_action(OperatorBook(store), args, password)
    except OperatorError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {_first_line(exc)}")
    finally:
        store.dispose()


def _read_password() -> str:
    """The new password: asked twice on a terminal, else the first line of standard input."""
    from console.storage.operators import OperatorError, check_new_password

    if sys.stdin is not None and sys.stdin.isatty():
        import getpass
        password = getpass.getpass("Password: ")
        check_new_password(password)
        if getpass.getpass("Password again: ") != password:
            raise OperatorError("the passwords do not match")
        return password
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise OperatorError("no password on standard input (give it as one line)")
    return check_new_password(line.rstrip("\r\n"))


def _add(book, args, password: str) -> int:
    from console.storage.operators import OperatorError
    if args.role not in ("operator", "duty", "admin"):  # argparse already refused; a guard for direct callers
        raise OperatorError(f"unknown role {args.role!r}")
    record = book.add(args.name, args.role, password, display_name=args.display_name, actor="gridwatch users add")
    print(f"added {record.role.label} {record.login!r} ({record.display_name})")
    return 0


def _list(book, args, _password) -> int:
    now = book.clock.now()
    for record in book.list():
        state = "disabled" if record.disabled else ("locked" if record.locked(now) else "")
        print("\t".join((record.login, record.display_name, record.role.label, state)))
    return 0
