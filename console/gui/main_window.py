"""The console's main window: the dispatch queue in the centre, the incident's detail beside it.

Later issues add the video wall, the map and the dashboard as further docks;
every dock's place and size, the window geometry and its monitor are saved
and restored through :class:`ConsoleSettings`.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QToolBar,
                               QVBoxLayout, QWidget)

from console import __version__
from console.core.roles import Role
from console.gui.account import AccountDesk
from console.gui.admin_desk import AdminDesk
from console.gui.context import ConsoleContext
from console.gui.dashboard_room import DashboardRoom
from console.gui.duties import BackgroundDuties
from console.gui.change_room import ChangeRoom
from console.gui.follow_up_desk import FollowUpDesk
from console.gui.live_sync import LiveSync
from console.storage.presence import HEARTBEAT_S, PresenceBook, new_console_id
from console.gui.map_room import MapRoom
from console.gui.replay_room import ReplayRoom
from console.gui.position_intake import PositionIntake
from console.gui.reports_desk import ReportsDesk
from console.gui.scorecard_room import ScorecardRoom
from console.gui.selection import Selection
from console.gui.settings import ConsoleSettings
from console.gui.situation_links import SituationLinks
from console.gui.theme import THEMES, apply_theme
from console.gui.video_room import VideoRoom
from widgets.alarm_bar import OneKeyAlarmBar
from widgets.command_palette import install_command_palette
from widgets.guard import guarded
from widgets.incident_actions import IncidentActions
from widgets.incident_detail import IncidentDetailPane
from widgets.queue_model import IncidentQueueModel
from widgets.queue_view import QueueView
from widgets.quick_dispatch import QuickDispatch

SETTINGS_KEY = "main_window"
REFRESH_INTERVAL_MS = 3_000


class MainWindow(QMainWindow):
    """The command-room console window for one operator."""

    def __init__(self, context: ConsoleContext, settings: ConsoleSettings, simulation_speed: float = 0.0,
                 remember_layout: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.setObjectName("MainWindow")
        if context.demo_login:
            self.setWindowTitle(self.tr("Gridwatch — command room (demo operator)"))
        else:
            self.setWindowTitle(self.tr("Gridwatch — command room"))
        self.resize(1600, 900)

        self.queue_model = IncidentQueueModel(context.store, context.tasks, context.service, context.lang, self)
        self.actions = IncidentActions(context.tasks, context.service, context.operator, context.lang, parent=self)
        self.queue_view = QueueView(self.queue_model, self.actions, self)
        self.alarm_bar = OneKeyAlarmBar(context.store, context.tasks, context.service, context.operator,
                                        context.lang, self)
        self.quick_dispatch = QuickDispatch(context.tasks, context.service, context.operator, context.lang,
                                            self.actions, self.alarm_bar, self)  # D: keyboard dispatch
        self.detail = IncidentDetailPane(context.tasks, context.service, context.lang, self)
        self.duties = BackgroundDuties(context, simulation_speed, parent=self)
        self.video = VideoRoom(context, settings, self)
        self.map = MapRoom(context, settings, self)
        self.replay = ReplayRoom(context, self)  # the situation replay window (View menu)
        self.dashboard = DashboardRoom(context, parent=self)
        self.scorecards = ScorecardRoom(context, parent=self)  # computes nothing until its dock is first shown
        self.follow_ups = FollowUpDesk(context, self)
        self.reports = ReportsDesk(context, self)
        self.live_sync = LiveSync(context.store, self)
        self.presence = PresenceBook(context.store, context.clock)
        self.console_id = new_console_id()
        self.changes = ChangeRoom(context, self.video.catalog, self.video.pool, self.console_id, self)
        self.admin = AdminDesk(context, self)  # the Administration window, for administrators
        self.account = AccountDesk(context, self)  # the operator's own password
        self.account.password_changed.connect(
            lambda: self.statusBar().showMessage(self.tr("Your password was changed."), 10_000))
        self.selection = Selection(self)  # what the operator looks at, answered by the queue, map and wall
        self._closing = False
        self._announced: int | None = None  # the incident this console last told the others it shows
        self._presence_timer = QTimer(self, interval=HEARTBEAT_S * 1000)
        self._presence_timer.timeout.connect(lambda: self._announce_presence(heartbeat=True))
        self.intake = PositionIntake(context, simulation_speed, self) if context.is_demo else None

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.alarm_bar)
        layout.addWidget(self.queue_view, 1)
        self.setCentralWidget(central)

        self.detail_dock = self._add_dock(self.detail, "detail", self.tr("Incident"),
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.wall_dock = self._add_dock(self.video.panel, "wall", self.tr("Video wall"),
                                        Qt.DockWidgetArea.LeftDockWidgetArea)
        self.cameras_dock = self._add_dock(self.video.camera_list, "cameras", self.tr("Cameras"),
                                           Qt.DockWidgetArea.RightDockWidgetArea)
        self.map_dock = self._add_dock(self.map.panel, "map", self.tr("Map"), Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dashboard_dock = self._add_dock(self.dashboard.view, "dashboard", self.tr("Dashboard"),
                                             Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tasks_dock = self._add_dock(self.follow_ups.view, "tasks", self.tr("Tasks"),
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.orders_dock = self._add_dock(self.reports.view, "supervision", self.tr("Supervision orders"),
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.detail_dock, self.cameras_dock)
        self.tabifyDockWidget(self.detail_dock, self.tasks_dock)
        self.changes_dock = self._add_dock(self.changes.view, "changes", self.tr("Changes"),
                                           Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.detail_dock, self.orders_dock)
        self.tabifyDockWidget(self.detail_dock, self.changes_dock)
        self.tabifyDockWidget(self.wall_dock, self.map_dock)
        self.tabifyDockWidget(self.wall_dock, self.dashboard_dock)
        self.scorecards_dock = self._add_dock(self.scorecards.view, "scorecards", self.tr("Scorecards"),
                                              Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.dashboard_dock, self.scorecards_dock)
        self.detail_dock.raise_()
        self.wall_dock.raise_()
        self.resizeDocks([self.wall_dock, self.detail_dock], [660, 360], Qt.Orientation.Horizontal)
        self._build_menus()
        self._build_status_bar()

        self.queue_view.current_changed.connect(self.detail.show_row)
        self.links = SituationLinks(context, self.selection, self.queue_view, self.detail, self.map, self.video,
                                    self.alarm_bar, self)
        self.links.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.map.incident_assigned.connect(lambda incident_id: (self._refresh(), self.detail.reload(incident_id)))
        self.map.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.map_dock.visibilityChanged.connect(self.map.set_shown)
        self.dashboard_dock.visibilityChanged.connect(self.dashboard.set_shown)
        self.dashboard.filter_requested.connect(self._filter_from_dashboard)
        self.dashboard.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.scorecards_dock.visibilityChanged.connect(self.scorecards.set_shown)
        self.scorecards.filter_requested.connect(self.queue_view.apply_filter_from_outside)
        self.scorecards.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.map.places_loaded.connect(self.replay.set_places)
        self.map.places_loaded.connect(lambda places: self.follow_ups.set_names(
            dict(zip(places.villages.ids.tolist(), places.villages.names)),
            dict(zip(places.workers.ids.tolist(), places.workers.names))))
        self.map.follow_ups_due.connect(self.follow_ups.take)
        self.follow_ups.tasks_raised.connect(self._follow_ups_raised)
        self.follow_ups.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.follow_ups.view.subject_activated.connect(self._show_subject)
        self.orders_dock.visibilityChanged.connect(self.reports.set_shown)
        self.reports.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.reports.incident_activated.connect(self._show_incident)
        self.duties.store_changed.connect(self.reports.reload)
        self.live_sync.store_changed.connect(self._changed_elsewhere)
        self.detail.loaded.connect(lambda _incident_id: self._announce_presence())
        self.actions.incident_changed.connect(self.detail.reload)
        self.actions.incident_changed.connect(lambda _id: self.alarm_bar.refresh())
        self.actions.action_failed.connect(
            lambda _id, message: self.statusBar().showMessage(message, 10_000))
        self.alarm_bar.alarm_acknowledged.connect(lambda _id: self.queue_model.refresh())
        self.alarm_bar.alarm_raised.connect(self._on_alarm)
        self.quick_dispatch.incident_dispatched.connect(lambda incident_id: (self._refresh(),
                                                                             self.detail.reload(incident_id)))
        self.quick_dispatch.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.duties.store_changed.connect(self._refresh)
        self.duties.duty_failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.queue_model.query_failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.video.actions.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.video.actions.incident_reported.connect(self._incident_reported)
        self.video.actions.watch_zones_requested.connect(lambda camera_id: self.changes.edit_zones(camera_id, self))
        self.changes.incident_reported.connect(self._incident_reported)
        self.changes.change_found.connect(self._change_found)
        self.changes.change_linked.connect(self.detail.reload)
        self.changes.waiting_changed.connect(lambda count: self.changes_dock.setWindowTitle(
            self.tr("Changes (%1)").replace("%1", str(count)) if count else self.tr("Changes")))
        self.changes.camera_requested.connect(self.selection.select_camera)
        self.changes.message.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.video.pool.frame_cap_changed.connect(self._frame_cap_changed)
        self.video.catalog.load_failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))

        self._refresh_timer = QTimer(self, interval=REFRESH_INTERVAL_MS)
        # The alarm bar polls on its own (every 2 s); the timer only picks up other consoles' queue changes.
        self._refresh_timer.timeout.connect(self.queue_model.refresh)
        self._clock_timer = QTimer(self, interval=1_000)
        self._clock_timer.timeout.connect(self._show_clock)

        self.remember_layout = remember_layout
        if remember_layout:
            self.settings.restore_window(self, SETTINGS_KEY)
        self.video.start(restore=remember_layout)
        if self.settings.problems:  # a damaged settings file or value: defaults were used, say so
            self.statusBar().showMessage(self.settings.problems_message(), 60_000)
        self.map.start()
        self.dashboard.start()
        self.live_sync.start()
        self.changes.start()
        self._presence_timer.start()
        if self.intake is not None:
            self.intake.failed.connect(
                lambda message: self.statusBar().showMessage(self.tr("Position intake: %1").replace("%1", message),
                                                             30_000))
            self.intake.start()
        self._refresh_timer.start()
        self._clock_timer.start()
        self._show_clock()
        self.duties.start()

    # -- layout ------------------------------------------------------------------------------
    def _add_dock(self, widget: QWidget, name: str, title: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        export_queue = QAction(self.tr("&Export queue as CSV…"), self)
        export_queue.setToolTip(self.tr("Every incident the queue shows, with its filter and sort, as a CSV file"))
        export_queue.triggered.connect(lambda: self.reports.ask_queue_export(
            self.queue_model.current_filter(), self.queue_model.current_sort(), self))
        file_menu.addAction(export_queue)
        monthly_report = QAction(self.tr("&Monthly report…"), self)
        monthly_report.setToolTip(self.tr("A month's figures, charts and tables for the town or a village, as a PDF"))
        monthly_report.triggered.connect(lambda: self.reports.ask_monthly_report(self))
        file_menu.addAction(monthly_report)
        file_menu.addSeparator()
        file_menu.addAction(self.account.action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        incident_menu = bar.addMenu(self.tr("&Incident"))
        toolbar = QToolBar(self.tr("Dispatch"), self)
        toolbar.setObjectName("toolbar_dispatch")
        toolbar.setIconSize(QSize(22, 22))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in [*self.actions.all(), self.quick_dispatch.action]:
            incident_menu.addAction(action)
            toolbar.addAction(action)
        refresh = QAction(self.tr("&Refresh"), self, shortcut=QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self._refresh)
        incident_menu.addSeparator()
        incident_menu.addAction(refresh)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        video_menu = bar.addMenu(self.tr("Vi&deo"))
        for action in self.video.actions.all():
            video_menu.addAction(action)
        video_menu.addSeparator()
        screens_menu = video_menu.addMenu(self.tr("New &wall window on"))
        screens_menu.aboutToShow.connect(lambda: _fill_screens_menu(screens_menu, self.video.windows.open))

        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addAction(self.wall_dock.toggleViewAction())
        view_menu.addAction(self.map_dock.toggleViewAction())
        view_menu.addAction(self.dashboard_dock.toggleViewAction())
        view_menu.addAction(self.replay.action)
        view_menu.addAction(self.scorecards_dock.toggleViewAction())
        big_screen_menu = view_menu.addMenu(self.tr("&Big screen on"))
        big_screen_menu.aboutToShow.connect(lambda: _fill_screens_menu(big_screen_menu, self.dashboard.open_big_screen))
        view_menu.addAction(self.tasks_dock.toggleViewAction())
        view_menu.addAction(self.orders_dock.toggleViewAction())
        view_menu.addAction(self.changes_dock.toggleViewAction())
        view_menu.addAction(self.cameras_dock.toggleViewAction())
        view_menu.addAction(self.detail_dock.toggleViewAction())
        view_menu.addAction(toolbar.toggleViewAction())
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        names = {"dark": self.tr("Dark"), "light": self.tr("Light")}
        current = QApplication.instance().property("gridwatch_theme") or "dark"
        for theme in THEMES:
            action = QAction(names[theme], self, checkable=True, checked=theme == current)
            action.triggered.connect(lambda _=False, t=theme: self._set_theme(t))
            group.addAction(action)
            theme_menu.addAction(action)
        language_menu = view_menu.addMenu(self.tr("&Language"))
        lang_group = QActionGroup(self)
        for code, label in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(label, self, checkable=True, checked=code == self.context.lang)
            action.triggered.connect(lambda _=False, c=code: self._set_language(c))
            lang_group.addAction(action)
            language_menu.addAction(action)

        admin_menu = bar.addMenu(self.tr("&Administration"))
        admin_menu.addAction(self.admin.action)

        help_menu = bar.addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Gridwatch"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self.command_palette = install_command_palette(self, help_menu)  # Ctrl+K: every command by name

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.operator_label = QLabel(self.tr("Operator: %1").replace("%1", self.context.operator) + " · "
                                     + self._role_name(), self)
        if self.context.demo_login:
            self.operator_label.setText(self.operator_label.text() + " · " + self.tr("demo operator"))
        self.operator_label.setObjectName("operator_label")
        self.store_label = QLabel(self.context.store.url, self)
        self.store_label.setToolTip(self.tr("Database"))
        self.simulation_label = QLabel(self)
        if self.duties.simulation is not None:
            self.simulation_label.setText(self.tr("Demo simulation running"))
        self.clock_label = QLabel(self)
        for label in (self.operator_label, self.simulation_label, self.store_label):
            status.addPermanentWidget(label)
        status.addPermanentWidget(self.clock_label)

    def _role_name(self) -> str:
        role = self.context.role
        if role is Role.OPERATOR:
            return self.tr("operator")
        if role is Role.DUTY:
            return self.tr("duty officer")
        if role is Role.ADMIN:
            return self.tr("administrator")
        return self.tr("system")

    # -- behaviour ---------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.queue_model.refresh()
        self.alarm_bar.refresh()
        self.dashboard.changed()

    def _show_clock(self) -> None:
        from PySide6.QtCore import QDateTime, QLocale
        self.clock_label.setText(QLocale().toString(QDateTime.currentDateTime(), "yyyy-MM-dd HH:mm:ss"))

    def select_first_incident(self) -> None:
        """Select the top row of the queue (used for screenshots and at start-up)."""
        index = self.queue_model.index(0, 0)
        if index.isValid():
            self.queue_view.table.setCurrentIndex(index)

    def _filter_from_dashboard(self, flt, description: str) -> None:
        """A dashboard figure was clicked: the queue shows exactly its incidents."""
        self.queue_view.apply_filter_from_outside(flt, description)
        self.raise_()

    def _frame_cap_changed(self, cap) -> None:
        if cap is None:
            self.statusBar().showMessage(self.tr("Video: every frame shown again"), 10_000)
        else:
            self.statusBar().showMessage(self.tr("Video: this computer cannot decode every camera in time; "
                                                 "showing at most %1 frames a second").replace("%1", f"{cap:g}"),
                                         30_000)

    def _incident_reported(self, incident_id: int) -> None:
        """A report from a camera is in the queue: show it selected, ready to assign."""
        self._refresh()
        self.queue_view.select_incident_when_loaded(incident_id)
        self.raise_()

    def _announce_presence(self, heartbeat: bool = False) -> None:
        """Tell the other consoles which incident this one shows, and show who else has it open.

        Only a newly shown incident or the heartbeat writes: a reload of the same incident — which
        another console's write causes — only reads, or two consoles would wake each other for ever
        (on SQLite every write is a change to every console)."""
        incident_id = self.detail.incident_id()
        if incident_id < 0 or self._closing:
            return
        presence, console_id, operator = self.presence, self.console_id, self.context.operator
        show_viewers = guarded(self.detail, lambda detail, viewers: detail.show_viewers(incident_id, viewers))
        if not heartbeat and incident_id == self._announced:
            self.context.tasks.read(presence.others, console_id, incident_id, on_done=show_viewers)
            return
        self._announced = incident_id

        def announce_and_read():
            presence.show(console_id, operator, incident_id)
            return presence.others(console_id, incident_id)
        self.context.tasks.write(announce_and_read, on_done=show_viewers)

    def _changed_elsewhere(self, tables: frozenset[str]) -> None:
        """Another console or the intake service wrote: show it now rather than at the next poll."""
        if "incidents" in tables:
            self._refresh()
            self.detail.reload()
        if "follow_up_tasks" in tables:
            self.follow_ups.reload()
        if "supervision_orders" in tables or "incidents" in tables:
            self.reports.reload()
        if "change_alerts" in tables:
            self.changes.reload()

    def _follow_ups_raised(self, count: int) -> None:
        QApplication.alert(self)
        self.statusBar().showMessage(self.tr("%1 new follow-up task(s) — see Tasks").replace("%1", str(count)),
                                     15_000)

    def _change_found(self, camera_name: str) -> None:
        QApplication.alert(self)
        self.statusBar().showMessage(self.tr("Suspected construction on %1 — see Changes").replace("%1", camera_name),
                                     15_000)

    def _show_subject(self, kind: str, subject_id: int) -> None:
        """A follow-up task was opened: show its village or worker (with their track) on the map."""
        self.map_dock.show()
        self.map_dock.raise_()
        if kind == "worker":
            self.selection.select_worker(subject_id)
        else:
            self.selection.select_village(subject_id)

    def _show_incident(self, incident_id: int) -> None:
        """A supervision order was opened: select its incident in the queue, or show it if the filter hides it."""
        self.selection.select_incident(incident_id)
        if (row := self.queue_view.current_row()) is None or row.id != incident_id:
            self.statusBar().showMessage(self.tr("The incident is not in the queue as filtered; shown in Incident"),
                                         10_000)
        self.detail_dock.show()
        self.detail_dock.raise_()

    def _on_alarm(self, incident_id: int) -> None:
        QApplication.beep()
        QApplication.alert(self)
        self.statusBar().showMessage(self.tr("One-key report received — acknowledge it in the red bar"), 15_000)

    def _set_theme(self, theme: str) -> None:
        applied = apply_theme(QApplication.instance(), theme)
        self.settings.set("theme", applied)

    def _set_language(self, lang: str) -> None:
        self.settings.set("language", lang)
        if lang != self.context.lang:
            QMessageBox.information(self, self.tr("Language"),
                                    self.tr("The new language is used from the next start."))

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Gridwatch"),
                          self.tr("Gridwatch %1 — command-room console for grid-based community "
                                  "governance.\nDatabase: %2").replace("%1", __version__)
                          .replace("%2", self.context.store.url))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True  # announces no more presence; a reload still queued must not bring it back
        self.duties.stop()
        self.live_sync.stop()
        self._presence_timer.stop()
        self.context.tasks.write(self.presence.leave, self.console_id)
        self.map.stop()
        self.replay.stop()
        self.dashboard.stop()
        self.scorecards.stop()
        self.changes.shutdown()
        if self.intake is not None:
            self.intake.stop()
        self._refresh_timer.stop()
        self._clock_timer.stop()
        if self.remember_layout:
            self.settings.save_window(self, SETTINGS_KEY)
        self.video.shutdown(self.remember_layout)
        super().closeEvent(event)


def _fill_screens_menu(menu, open_on) -> None:
    """One entry per connected monitor (name and size); choosing it calls ``open_on(screen)``."""
    menu.clear()
    for screen in QGuiApplication.screens():
        size = screen.geometry().size()
        menu.addAction(f"{screen.name()} ({size.width()}×{size.height()})", lambda s=screen: open_on(s))
