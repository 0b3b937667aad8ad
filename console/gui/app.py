"""Start the console: platform, database, first-run demo fill, translations, main window."""

from __future__ import annotations

import gc
import getpass
import os
import sys
from pathlib import Path

from console.storage.db import StoreError, open_store


def _choose_platform(screenshot: bool) -> bool:
    """Without a display (a server, CI) run Qt offscreen instead of failing to start; whether nobody can see
    the console (then nobody can answer a dialog either)."""
    platform = os.environ.get("QT_QPA_PLATFORM")
    if platform:
        return platform.split(":")[0] in _HEADLESS_PLATFORMS
    has_display = sys.platform != "linux" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not has_display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        if not screenshot:
            print("gridwatch: no display found; running headless (offscreen). "
                  "Use --screenshot PATH to see the console.", file=sys.stderr)
    return not has_display


_HEADLESS_PLATFORMS = ("offscreen", "minimal")

#: How long a thread may run Python before one waiting for the GIL (the GUI thread) gets it (Python's
#: default: 5 ms).  A background read that holds the GIL (the dashboard's numpy and row conversion, a queue
#: page) made the GUI thread wait up to 5 ms at each of the several times it takes the GIL in an
#: event-loop pass, 13-57 ms in all; at 1 ms the waits shrink about fourfold (bench/RESULTS.md section 8).
#: It is process-wide, but it only matters while two threads want the GIL at once: the cost is one more
#: hand-over per millisecond between them (some microseconds each), and threads that wait outside the
#: GIL (capture threads decoding, the database stepping, sockets) are not affected.
GIL_SWITCH_INTERVAL_S = 0.001


def run_console(args) -> int:
    """Run the GUI until the operator quits (or the screenshot is taken)."""
    from console.cli import _fail, default_database_url

    headless = _choose_platform(args.screenshot is not None)
    url = args.db or default_database_url()
    if url.startswith("sqlite:///") and not args.db:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if args.screenshot is not None and not args.screenshot.parent.is_dir():
        return _fail(f"cannot write screenshot: directory {args.screenshot.parent} does not exist", 2)
    try:
        store = open_store(url)
    except StoreError as exc:
        return _fail(str(exc))

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from console.core.clock import SystemClock
    from console.core.taxonomy import default_taxonomy
    from console.demo import demo_info
    from console.gui.garbage import GuiThreadGarbageCollector
    from console.gui.i18n import install_translators, system_language
    from console.gui.settings import ConsoleSettings
    from console.gui.taskman import TaskManager
    from console.gui.theme import apply_theme
    from console.storage.dispatch import DispatchService
    from console.storage.operators import OperatorError

    app = QApplication.instance() or QApplication([sys.argv[0]])
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    collector = GuiThreadGarbageCollector(parent=app)
    app.setApplicationName("Gridwatch")
    app.setOrganizationName("Gridwatch")
    app.setApplicationVersion(__import__("console").__version__)
    settings = ConsoleSettings()
    lang = args.lang or settings.text("language") or system_language()
    install_translators(app, lang)  # the translators are children of app, so they live as long as it
    apply_theme(app, args.theme or settings.text("theme", "dark"))

    tasks = TaskManager()
    clock = SystemClock()
    service = DispatchService(store, clock)
    exit_code = 0
    try:
        if not args.db and demo_info(store) is None:  # first start on the embedded default
            if not _fill_demo_town(app, store, tasks):
                return _fail("the demo town was not written; nothing to show")
        from console.gui.main_window import MainWindow
        from console.gui.context import ConsoleContext

        is_demo = demo_info(store) is not None
        try:
            login = _log_in(store, tasks, clock, args, is_demo, unattended=headless or args.screenshot is not None)
        except OperatorError as exc:
            return _fail(str(exc), 2)
        if login is None:
            return exit_code  # the login was cancelled
        operator, demo_login = login
        context = ConsoleContext(store, service.for_operator(operator.role), tasks, default_taxonomy(), clock,
                                 operator.display_name, lang, is_demo, role=operator.role,
                                 system_service=service, demo_login=demo_login,
                                 login=operator.login)
        # A screenshot uses the default 1600×900 layout and leaves the operator's saved layout alone.
        window = MainWindow(context, settings, simulation_speed=args.speed if is_demo else 0.0,
                            remember_layout=args.screenshot is None)
        window.show()
        # Everything built so far lives as long as the console: keep it out of the garbage collector's
        # full passes, which hold the GIL for ~0.1 s per 100,000 objects and so freeze the GUI thread
        # whenever a background read (the dashboard's, a queue page) triggers one (bench/dashboard.py).
        gc.freeze()
        if args.screenshot is not None:
            target = args.screenshot

            def take_screenshot():
                nonlocal exit_code
                if not window.grab().save(str(target), "PNG"):
                    exit_code = _fail(f"cannot write screenshot {target}")
                window.close()
            QTimer.singleShot(int(args.after * 600), window.select_first_incident)
            QTimer.singleShot(int(args.after * 1000), take_screenshot)
        app.exec()
    finally:
        tasks.shutdown()
        collector.stop()
        collector.deleteLater()
        sys.setswitchinterval(switch_interval)
        store.dispose()
    return exit_code


def _fill_demo_town(app, store, tasks) -> bool:
    """First run: write the demo town with a progress dialog; False if it failed or was cancelled."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QMessageBox

    from console.demo import write_demo_data
    from console.tasks import Cancelled

    outcome = {"ok": False}
    loop = QEventLoop()

    def done(_summary):
        outcome["ok"] = True
        loop.quit()

    def failed(error):
        if not isinstance(error, Cancelled):
            QMessageBox.critical(None, QApplication.translate("FirstRun", "Gridwatch"),
                                 QApplication.translate("FirstRun", "Could not write the demo town: %1")
                                 .replace("%1", str(error)))
        loop.quit()
    tasks.with_progress(lambda state: write_demo_data(store, scale="town", state=state),
                        QApplication.translate("FirstRun", "Building the demo town (first start)…"),
                        None, on_done=done, on_error=failed)
    loop.exec()
    return outcome["ok"]


def _log_in(store, tasks, clock, args, is_demo: bool, unattended: bool = False):
    """Who is on duty: ``(OperatorRecord, demo login?)``, or None when the login dialog was cancelled.

    ``unattended`` (``--screenshot``, or no display): nobody is there to type.  On a demo store the demo
    operator (or the password-less ``--operator LOGIN``) is logged in directly; otherwise a screenshot is
    taken as the local system user with the least role, operator, and a headless console is refused.
    Otherwise the login dialog asks, with a one-click demo login on a demo store; ``--operator LOGIN`` fills
    in its user name.  OperatorError when no one can log in.
    """
    from console.core.roles import Role
    from console.storage.operators import OperatorBook, OperatorError, OperatorRecord
    from widgets.login_dialog import LoginDialog

    book = OperatorBook(store, clock)
    demo_login = None
    if is_demo:
        login = args.operator or _demo_operator_login(store)
        if login is not None:
            demo_login = lambda: book.demo_login(login)  # noqa: E731 - bound to this store's demo operator
    if unattended:
        if demo_login is not None:
            if args.screenshot is None:
                print("gridwatch: logged in as the demo town's duty officer (no display to log in at)",
                      file=sys.stderr)
            return demo_login(), True
        if args.screenshot is None:
            raise OperatorError("logging in needs a display (or use --screenshot PATH)")
        return OperatorRecord(0, "", getpass.getuser(), Role.OPERATOR, "operator", None, False, False), False
    if demo_login is None and not any(user.has_password and not user.disabled for user in book.list()):
        raise OperatorError("no user can log in to this database: add one with "
                            "'gridwatch users add NAME --role admin'")
    dialog = LoginDialog(tasks, book.authenticate, demo_login, login=args.operator or "")
    if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.operator is None:
        return None
    return dialog.operator, dialog.demo


def _demo_operator_login(store) -> str | None:
    """The demo store's duty officer (the first one without a password), or None."""
    from sqlalchemy import select

    from console.storage.models import Operator

    with store.sessions() as session:
        return session.scalar(select(Operator.login).where(Operator.password_hash.is_(None))
                              .order_by(Operator.role != "duty_officer", Operator.id).limit(1))
