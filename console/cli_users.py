"""``gridwatch users``: add the console's users, list them and manage them.

``users add NAME --role operator|duty|admin`` asks for the password twice on a terminal, or reads one line
from standard input when it is not a terminal (``printf '%s\\n' "$PASSWORD" | gridwatch users add …``); the
password is stored only as a scrypt hash.  ``users list`` prints one tab-separated line per user: login,
display name, role, and "locked" / "disabled" when so.  ``users role NAME ROLE``, ``users disable NAME``,
``users enable NAME``, ``users unlock NAME`` (clear a lock-out) and ``users passwd NAME`` (a new password,
read like ``users add``'s) manage one user; the command line acts with full rights (a shell on the server
is administration), and each change is on the record.  Like the rest of the command line, a refusal is
one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]


def add_users_parser(commands) -> None:
    """Register ``users`` and its subcommands on the top-level subparsers ``commands``."""
    users = commands.add_parser("users", help="add or list the console's users (operators)")
    add_db_option(users, "users_db")
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
    role = actions.add_parser("role", help="give a user another role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=("operator", "duty", "admin"), help="operator, duty or admin")
    role.set_defaults(users_action=_role)
    managed = [add, listing, role]
    for name, handler, help_text in (("disable", _disable, "stop a user from logging in (their records stay)"),
                                     ("enable", _enable, "let a disabled user log in again"),
                                     ("unlock", _unlock, "clear a user's lock-out after failed logins"),
                                     ("passwd", _passwd, "set a user's password; asked for (or read from "
                                                         "standard input) like for add")):
        command = actions.add_parser(name, help=help_text)
        command.add_argument("name", metavar="NAME")
        command.set_defaults(users_action=handler)
        managed.append(command)
    for action in managed:
        add_db_option(action, "users_db")


def run_users(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``users`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.storage.db import StoreError, open_store
    from console.storage.operators import OperatorBook, OperatorError

    password = None
    if args.users_action in (_add, _passwd):
        try:
            password = _read_password()
        except (OperatorError, EOFError) as exc:
            return fail(str(exc) or "no password given")
    try:
        store = open_store(database_url(args, "users_db", fallback_db))
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.users_action(OperatorBook(store, actor=f"gridwatch users {args.users_action.__name__[1:]}"),
                                 args, password)
    except OperatorError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
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
    record = book.add(args.name, args.role, password, display_name=args.display_name)
    print(f"added {record.role.label} {record.login!r} ({record.display_name})")
    return 0


def _list(book, args, _password) -> int:
    now = book.clock.now()
    for record in book.list():
        state = "disabled" if record.disabled else ("locked" if record.locked(now) else "")
        print("\t".join((record.login, record.display_name, record.role.label, state)))
    return 0


def _role(book, args, _password) -> int:
    record = book.set_role(args.name, args.role)
    print(f"{record.login!r} is now {record.role.label}")
    return 0


def _disable(book, args, _password) -> int:
    record = book.disable(args.name)
    print(f"disabled {record.login!r}: they can no longer log in")
    return 0


def _enable(book, args, _password) -> int:
    record = book.enable(args.name)
    print(f"enabled {record.login!r}")
    return 0


def _unlock(book, args, _password) -> int:
    record = book.unlock(args.name)
    print(f"unlocked {record.login!r}")
    return 0


def _passwd(book, args, password: str) -> int:
    record = book.reset_password(args.name, password)
    print(f"new password set for {record.login!r}")
    return 0
