"""``gridwatch scorecards``: a month's assessment scorecards as a CSV file for Excel, or a PDF for the monthly
training meeting (chosen by the ``--out`` file's extension).

    gridwatch scorecards --month 2026-10 --out scores.csv                       # every worker; departments beside
    gridwatch scorecards --month 2026-10 --village 江桥村 --out jiangqiao.csv    # one village's workers
    gridwatch scorecards --month 2026-10 --department 杨汛桥派出所 --out police.csv

Without ``--village`` or ``--department`` the workers go to ``--out`` and the departments to the same name with
``-departments`` added (``scores-departments.csv``).  Workers are ranked in their village and their town
whatever is written.  The computation is :mod:`console.storage.scorecards`'s; this module is the command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from console.cli_args import add_db_option, database_url

Fail = Callable[..., int]
EXIT_USAGE = 2


def add_scorecards_parser(commands) -> None:
    """Register ``scorecards`` on the top-level subparsers ``commands``."""
    parser = commands.add_parser("scorecards", help="write a month's assessment scorecards of grid workers and "
                                                    "stationed departments as CSV")
    add_db_option(parser, "scorecards_db")
    parser.add_argument("--month", required=True, metavar="YYYY-MM", help="the month to assess")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--village", metavar="NAME", help="only this village's workers (name or code)")
    scope.add_argument("--department", metavar="NAME", help="only this stationed department (name or code)")
    parser.add_argument("--out", required=True, metavar="FILE", type=Path,
                        help="the file to write: .csv (for Excel) or .pdf (a printed document)")
    parser.add_argument("--rules", metavar="FILE", type=Path, default=None,
                        help="an assessment rules file (default: the shipped resources/assessment_rules.json)")


def run_scorecards(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run ``gridwatch scorecards``; ``fallback_db`` gives the database when no ``--db`` was given."""
    from console.cli import TerminalProgress
    from console.core.assessment import Month, RulesError, load_rules
    from console.storage.db import StoreError, open_store
    from console.storage.scorecards import read_scorecards
    from console.tasks import Cancelled, TaskState

    try:
        month = Month.parse(args.month)
    except ValueError as exc:
        return fail(f"--month: {exc}", EXIT_USAGE)
    kind = args.out.suffix.lower()
    if kind not in (".csv", ".pdf"):
        return fail(f"--out: a .csv or .pdf file, not {args.out.name!r}", EXIT_USAGE)
    if not (args.out.parent if str(args.out.parent) else Path(".")).is_dir():
        return fail(f"--out: no such directory: {args.out.parent}")
    try:
        rules = load_rules(args.rules)
        rules.for_month(month)
    except RulesError as exc:
        return fail(str(exc))
    url = database_url(args, "scorecards_db", fallback_db)
    try:
        store = open_store(url)
    except StoreError as exc:
        return fail(str(exc))
    lang = args.lang or ("zh_CN" if os.environ.get("LANG", "").startswith("zh") else "en")
    bar = TerminalProgress(sys.stderr)
    try:
        scope = _find_scope(store, args)
        cards = read_scorecards(store, month, rules=rules, state=TaskState(bar.update))
    except LookupError as exc:
        return fail(str(exc))
    except Cancelled:
        return fail("cancelled", 130)
    finally:
        bar.finish()
        store.dispose()
    key = "zh" if lang.startswith("zh") else "en"
    write = _pdf_writer(cards, lang, key) if kind == ".pdf" else _csv_writer(cards, lang, key)
    try:
        if args.department is not None:
            chosen = [d for d in cards.departments if d.department_id == scope]
            n = write(args.out, departments=chosen, place=chosen[0].name(lang) if chosen else "")
            print(f"wrote {args.out}: {n} department, {month}, rules {cards.rules.version}")
            return 0
        workers = [w for w in cards.workers if args.village is None or w.village_id == scope]
        place = workers[0].village_name(lang) if args.village is not None and workers else ""
        n = write(args.out, workers=workers, place=place)
        print(f"wrote {args.out}: {n} workers, {month}, rules {cards.rules.version}")
        if args.village is None:
            beside = args.out.with_name(f"{args.out.stem}-departments{args.out.suffix}")
            n = write(beside, departments=cards.departments, place="")
            print(f"wrote {beside}: {n} departments")
    except OSError as exc:
        return fail(f"{exc.filename or args.out}: {exc.strerror or exc}")
    return 0


def _csv_writer(cards, lang: str, key: str):
    from console.storage.scorecards_export import (DEPARTMENT_HEADERS, WORKER_HEADERS, department_rows,
                                                   worker_rows, write_csv)

    def write(path: Path, *, workers=None, departments=None, place: str = "") -> int:
        if workers is not None:
            return write_csv(path, WORKER_HEADERS[key], worker_rows(cards, workers, lang))
        return write_csv(path, DEPARTMENT_HEADERS[key], department_rows(cards, departments, lang))
    return write


def _pdf_writer(cards, lang: str, key: str):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from console.gui.i18n import install_translators
    from widgets.scorecards_document import write_scorecards_pdf

    app = QGuiApplication.instance() or QGuiApplication(["gridwatch"])
    install_translators(app, lang)  # the page footer's words (the translators belong to the app)

    def write(path: Path, *, workers=None, departments=None, place: str = "") -> int:
        write_scorecards_pdf(cards, str(path), lang, place, workers=workers, departments=departments)
        app.processEvents()
        return len(workers if workers is not None else departments)
    return write


def _find_scope(store, args) -> int | None:
    """The id of the village or department named on the command line (by code, Chinese or English name)."""
    from sqlalchemy import or_, select

    from console.storage.models import Department, Village

    if args.village is None and args.department is None:
        return None
    table, what, name = (Village, "village", args.village) if args.village is not None else \
        (Department, "department", args.department)
    name = name.strip()
    with store.engine.connect() as conn:
        ids = conn.execute(select(table.id, table.code).where(
            or_(table.code == name, table.name_zh == name, table.name_en == name)).order_by(table.code)).all()
    if not ids:
        raise LookupError(f"no {what} named {name!r}")
    if len(ids) > 1:
        codes = ", ".join(code for _id, code in ids[:5])
        raise LookupError(f"{len(ids)} {what}s are named {name!r}; give the code instead ({codes})")
    return ids[0][0]
