"""``gridwatch workers`` and ``gridwatch departments``: the staff roster from the command line.

    gridwatch workers add 王小红 --grid 33060310300101 --phone "138 0000 0001" --joined 2026-10-15
    gridwatch workers list [--grid CODE]          # code, name, grid, village, phone, duty, joined (tab-separated)
    gridwatch workers set 王小红 --grid 33060310300102 --off-duty --joined 2026-10-01
    gridwatch departments list                     # code, Chinese name, English name, kind, category
    gridwatch departments assess 杨汛桥派出所 A

A joining day is the start of that day on this workstation's clock, as the scorecards count months.  Like the
rest of the command line, a refusal is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]
COMMANDS = ("workers", "departments")


def add_roster_parsers(commands) -> None:
    """Register ``workers`` and ``departments`` and their subcommands on the top-level subparsers ``commands``."""
    workers = commands.add_parser("workers", help="add, change or list the grid workers")
    add_db_option(workers, "roster_db")
    actions = workers.add_subparsers(title="worker commands", parser_class=type(workers), required=True)
    add = actions.add_parser("add", help="add a grid worker")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--grid", required=True, metavar="GRID", help="the worker's grid (code, or a unique name)")
    add.add_argument("--phone", required=True, metavar="NUMBER")
    add.add_argument("--code", metavar="CODE", help="the worker's code (default: the grid's code and a number)")
    add.add_argument("--joined", metavar="YYYY-MM-DD", type=_day, help="the day the worker took up the post")
    add.add_argument("--off-duty", action="store_true", help="added off duty")
    add.set_defaults(roster_action=_add_worker)
    listing = actions.add_parser("list", help="one tab-separated line per worker: code, name, grid, village, "
                                              "phone, on/off duty, joining day")
    listing.add_argument("--grid", metavar="GRID", help="only this grid's workers")
    listing.set_defaults(roster_action=_list_workers)
    change = actions.add_parser("set", help="change a worker's name, grid, phone, duty or joining day")
    change.add_argument("worker", metavar="WORKER", help="the worker's code, or a unique name")
    change.add_argument("--name", metavar="NAME")
    change.add_argument("--grid", metavar="GRID")
    change.add_argument("--phone", metavar="NUMBER")
    duty = change.add_mutually_exclusive_group()
    duty.add_argument("--on-duty", dest="on_duty", action="store_const", const=True, default=None)
    duty.add_argument("--off-duty", dest="on_duty", action="store_const", const=False,
                      help="a worker who leaves goes off duty (their records stay)")
    change.add_argument("--joined", metavar="YYYY-MM-DD|none", type=_day_or_none, default=...,
                        help="the day the worker took up the post; none clears it")
    change.set_defaults(roster_action=_set_worker)

    departments = commands.add_parser("departments", help="list the stationed departments or set their "
                                                          "assessment category")
    add_db_option(departments, "roster_db")
    department_actions = departments.add_subparsers(title="department commands", parser_class=type(departments),
                                                    required=True)
    department_list = department_actions.add_parser("list", help="one tab-separated line per department: code, "
                                                                 "Chinese name, English name, kind, category")
    department_list.set_defaults(roster_action=_list_departments)
    assess = department_actions.add_parser("assess", help="put a department in assessment category A or B")
    assess.add_argument("department", metavar="DEPARTMENT", help="code, or Chinese or English name")
    assess.add_argument("category", choices=("A", "B"))
    assess.set_defaults(roster_action=_assess)
    for action in (add, listing, change, department_list, assess):
        add_db_option(action, "roster_db")


def run_roster(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``workers`` or ``departments`` subcommand; ``fallback_db`` gives the database when no ``--db``."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.storage.db import StoreError, open_store
    from console.storage.roster import Roster, RosterError

    try:
        store = open_store(database_url(args, "roster_db", fallback_db))
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.roster_action(Roster(store, actor=f"gridwatch {args.command}"), args)
    except RosterError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
    finally:
        store.dispose()


def _day(text: str) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a day: {text!r}; write YYYY-MM-DD") from None
    return datetime(day.year, day.month, day.day).astimezone()  # midnight on this workstation's clock


def _day_or_none(text: str) -> datetime | None:
    return None if text.strip().lower() == "none" else _day(text)


_day.__name__ = "day (YYYY-MM-DD)"  # what argparse names in "invalid … value"
_day_or_none.__name__ = "day (YYYY-MM-DD or none)"


def _add_worker(roster, args) -> int:
    worker = roster.add_worker(args.name, args.grid, args.phone, code=args.code, joined_at=args.joined,
                               on_duty=not args.off_duty)
    print(f"added worker {worker.code} {worker.name} to grid {worker.grid_code} ({worker.grid_name})")
    return 0


def _list_workers(roster, args) -> int:
    for w in roster.workers(args.grid):
        joined = f"{w.joined_at.astimezone():%Y-%m-%d}" if w.joined_at else ""
        print("\t".join((w.code, w.name, w.grid_code, w.village_name, w.phone,
                         "on duty" if w.on_duty else "off duty", joined)))
    return 0


def _set_worker(roster, args) -> int:
    worker = roster.update_worker(args.worker, name=args.name, grid=args.grid, phone=args.phone,
                                  on_duty=args.on_duty, joined_at=args.joined)
    joined = f", joined {worker.joined_at.astimezone():%Y-%m-%d}" if worker.joined_at else ""
    print(f"worker {worker.code} {worker.name}: grid {worker.grid_code}, "
          f"{'on duty' if worker.on_duty else 'off duty'}{joined}")
    return 0


def _list_departments(roster, args) -> int:
    for d in roster.departments():
        print("\t".join((d.code, d.name_zh, d.name_en, d.kind, d.assessment)))
    return 0


def _assess(roster, args) -> int:
    department = roster.assess_department(args.department, args.category)
    print(f"department {department.code} {department.name_zh}: assessment category {department.assessment}")
    return 0
