"""Start the console: platform, database, first-run demo fill, translations, main window."""

from __future__ import annotations

import gc
import getpass
import os
import sys
from pathlib import Path

from console.storage.db import StoreError, open_store


def _choose_platform(screenshot: bool) -> None:
    """Without a display (a server, CI) run Qt offscreen instead of failing to start."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    has_display = sys.platform != "linux" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not has_display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        if not screenshot:
            print("gridwatch: no display found; running headless (offscreen). "
                  "Use --screenshot PATH to see the console.", file=sys.stderr)


def run_console(args) -> int:
    """Run the GUI until the operator quits (or the screenshot is taken)."""
    from console.cli import _fail, default_database_url

    _choose_platform(args.screenshot is not None)
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
    from console.gui.i18n import install_translators, system_language
    from console.gui.settings import ConsoleSettings
    from console.gui.taskman import TaskManager
    from console.gui.theme import apply_theme
    from console.storage.dispatch import DispatchService

    app = QApplication.instance() or QApplication([sys.argv[0]])
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
        operator = _operator_name(store, args.operator)
        if operator is None:
            return _fail(f"no operator with login {args.operator!r} in this database", 2)
        context = ConsoleContext(store, service, tasks, default_taxonomy(), clock, operator, lang, is_demo)
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


def _operator_name(store, login: str | None) -> str | None:
    """The operator on duty: the named login (None if unknown), else the duty officer, else the system user."""
    from sqlalchemy import select

    from console.storage.models import Operator

    with store.sessions() as session:
        query = select(Operator)
        if login:
            query = query.where(Operator.login == login)
        else:
            query = query.order_by((Operator.role != "duty_officer"), Operator.id)
        operator = session.scalars(query.limit(1)).first()
    if operator is not None:
        return operator.display_name
    return None if login else getpass.getuser()
