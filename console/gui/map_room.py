"""The console's map side, wired once: reads for the map on the I/O pool, dispatch from the map on the writer."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from console.core.clock import Clock
from console.core.roles import MANAGE_CAMERAS, may
from console.core.workflow import Status
from console.gui.context import ConsoleContext
from console.gui.settings import ConsoleSettings
from console.storage.camera_views import CameraViews
from console.storage.db import Store
from console.storage.dispatch import DispatchService
from console.storage.follow_ups import TaskDraft
from console.storage.map_data import LiveMap, LiveMapReader, MapPlaces, load_map_places
from console.storage.situation import SituationWatch
from console.storage.worker_card import load_grid_patrol, load_worker_card
from widgets.base_map import load_base_map_setting, save_base_map_setting
from widgets.base_map_dialog import BaseMapDialog
from widgets.map_live import PreparedLive, prepare_live
from widgets.map_panel import MapPanel

log = logging.getLogger(__name__)

#: How often the workers and incidents on the map are re-read.
LIVE_REFRESH_MS = 1_000


class MapRoom(QObject):
    """Owns the :class:`MapPanel` and feeds it: places once, live positions every second, cards on demand.

    Reads never overlap (a slow store skips a refresh rather than queue them up); each
    snapshot also goes through the :class:`SituationWatch` on the same background thread,
    where it is also made ready to draw (:func:`widgets.map_live.prepare_live`: workers grouped
    by state, villages by shade), so the GUI thread only hands arrays to the map.
    Signals (GUI thread): ``places_loaded(object)`` with the :class:`MapPlaces`;
    ``incident_assigned(int)`` after a dispatch from the map went through;
    ``follow_ups_due(list)`` with the :class:`TaskDraft` s the watchers found;
    ``message(str)`` for the status bar.
    """

    places_loaded = Signal(object)
    incident_assigned = Signal(int)
    follow_ups_due = Signal(list)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, settings: ConsoleSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.panel = MapPanel()
        self.places: MapPlaces | None = None
        self.reader: LiveMapReader | None = None
        self.watch: SituationWatch | None = None
        self._reading = False
        self._hidden_live: PreparedLive | None = None
        self._shown = True
        self._timer = QTimer(self, interval=LIVE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.panel.worker_card_requested.connect(self._load_card)
        self.panel.grid_patrol_requested.connect(self._load_grid_patrol)
        self.panel.base_map_requested.connect(self.choose_base_map)
        self.panel.canvas.base_map_failed.connect(self.message)
        self.panel.assign_requested.connect(self._assign)
        self.panel.aim_requested.connect(self._aim)
        self.panel.set_aiming_allowed(may(context.role, MANAGE_CAMERAS))
        # Bound to the logged-in operator: the core refuses aiming to anyone but an administrator.
        self.camera_views = CameraViews(context.store, clock=context.clock).for_operator(context.role,
                                                                                         context.operator)

    def start(self) -> None:
        self.context.tasks.read(load_places_and_watch, self.context.store, self.context.clock,
                                on_done=self._places_loaded,
                                on_error=lambda exc: self._failed(self.tr("The map could not be loaded"), exc))

    def set_shown(self, shown: bool) -> None:
        """The map's dock came to the front (or went behind another tab, or closed): while it is not
        seen, snapshots are read and watched but not drawn."""
        self._shown = shown
        if shown and self._hidden_live is not None:
            live, self._hidden_live = self._hidden_live, None
            self.panel.set_live(live)

    def stop(self) -> None:
        self._timer.stop()
        self.panel.canvas.shutdown()

    def choose_base_map(self) -> None:
        """Ask for the base map; the choice is drawn at once and remembered."""
        dialog = BaseMapDialog(load_base_map_setting(self.settings), self.panel)
        if dialog.exec():
            setting = dialog.setting()
            save_base_map_setting(self.settings, setting)
            self.panel.canvas.set_base_map(setting)

    def refresh(self) -> None:
        """Re-read the live part now (skipped while the previous read is still running)."""
        if self.reader is None or self._reading:
            return
        self._reading = True
        self.context.tasks.read(read_and_watch, self.reader, self.watch, self.places.villages.ids,
                                on_done=self._live_read, on_error=self._live_failed)

    def _aim(self, camera_id: int, view) -> None:
        """The operator dragged a camera's field of view: store it, or put the old one back if refused."""
        before = self.places.camera_views.get(camera_id) if self.places is not None else None

        def stored(_none) -> None:
            if self.places is not None:
                self.places.camera_views[camera_id] = view
            self.message.emit(self.tr("Camera aimed: %1° from north over %2°, up to %3 m")
                              .replace("%1", f"{view.direction_deg:.0f}").replace("%2", f"{view.fov_deg:g}")
                              .replace("%3", f"{view.range_m:.0f}"))

        def refused(exc: BaseException) -> None:
            self.panel.canvas.set_camera_view(camera_id, before)
            self._failed(self.tr("The camera could not be aimed"), exc)
        self.context.tasks.write(self.camera_views.set_view, camera_id, view, on_done=stored, on_error=refused)

    def show_incident(self, incident_id: int) -> None:
        """The queue selected an incident: centre the map on it if it is open and placed."""
        if self.panel.selected_incident != incident_id:
            self.panel.select_incident(incident_id)

    # -- results ----------------------------------------------------------------------------------
    def _places_loaded(self, loaded: tuple[MapPlaces, SituationWatch]) -> None:
        places, self.watch = loaded
        self.places = places
        self.reader = LiveMapReader(self.context.store, places.projection, self.context.clock)
        self.panel.set_places(places)
        self.panel.canvas.set_base_map(load_base_map_setting(self.settings))
        self.places_loaded.emit(places)
        self.refresh()
        self._timer.start()

    def _live_read(self, result) -> None:
        live, drafts = result
        self._reading = False
        if self._shown:
            self.panel.set_live(live)
        else:  # behind another dock's tab, or closed: draw it when it shows (the watchers still ran)
            self._hidden_live = live
        if drafts:
            self.follow_ups_due.emit(drafts)

    def _live_failed(self, exc: BaseException) -> None:
        self._reading = False
        self._failed(self.tr("The map could not read positions"), exc)

    def _load_card(self, worker_id: int, start, end) -> None:
        if self.places is None:
            return
        self.context.tasks.read(load_worker_card, self.context.store, worker_id, start, end,
                                self.places.projection, on_done=self.panel.show_worker_card,
                                on_error=lambda exc: self._failed(self.tr("The worker's card could not be read"),
                                                                  exc))

    def _load_grid_patrol(self, grid_id: int, start, end) -> None:
        self.context.tasks.read(load_grid_patrol, self.context.store, grid_id, start, end,
                                on_done=self.panel.show_grid_patrol,
                                on_error=lambda exc: self._failed(self.tr("The grid's patrol could not be read"),
                                                                  exc))

    def _assign(self, incident_id: int, worker_id: int) -> None:
        service, operator = self.context.service, self.context.operator

        def done(_result) -> None:
            self.message.emit(self.tr("Incident #%1 assigned from the map").replace("%1", str(incident_id)))
            self.incident_assigned.emit(incident_id)
            self.refresh()
        self.context.tasks.write(accept_and_assign, service, operator, incident_id, worker_id, on_done=done,
                                 on_error=lambda exc: self._failed(self.tr("The assignment was refused"), exc))

    def _failed(self, what: str, exc: BaseException) -> None:
        log.warning("%s: %s", what, exc)
        self.message.emit(f"{what}: {exc}")


def load_places_and_watch(store: Store, clock: Clock) -> tuple[MapPlaces, SituationWatch]:
    """The map's places and the watchers over them (both read the store: a background thread's work)."""
    places = load_map_places(store)
    return places, SituationWatch(store, clock, places)


def read_and_watch(reader: LiveMapReader, watch: SituationWatch,
                   village_ids=None) -> tuple[PreparedLive | LiveMap, list[TaskDraft]]:
    """A live snapshot and the follow-up tasks it makes due (on a background thread); given the map's
    village ids, the snapshot comes prepared for drawing (numpy only, no Qt: safe on this thread)."""
    live = reader.read()
    drafts = watch.observe(live)
    return (live if village_ids is None else prepare_live(live, village_ids)), drafts


def accept_and_assign(service: DispatchService, operator: str, incident_id: int, worker_id: int) -> None:
    """Dispatch to a worker in one action: a report not yet accepted is accepted first (both steps
    go through the workflow and the audit trail as from the queue).  Runs on the database writer."""
    incident = service.get(incident_id)
    if incident.status == Status.REPORTED.value:
        service.accept(incident_id, operator, expected_version=incident.version)
    service.assign(incident_id, operator, worker_id=worker_id)
