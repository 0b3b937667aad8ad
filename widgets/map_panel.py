"""The worker-tracking map as a dock's content: layer switches, worker search, the map and its side cards.

:class:`MapPanel` is a view: it draws what it is given (:meth:`set_places`,
:meth:`set_live`, :meth:`show_worker_card`) and says what the operator picked
or wants; :class:`console.gui.map_room.MapRoom` reads the store and acts.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCompleter, QLabel, QLineEdit, QMenu, QSplitter, QStackedWidget, QToolBar, QToolButton,
                               QVBoxLayout, QWidget)

from console.core.nearest import nearest_workers
from console.core.patrol import WorkerState
from console.core.workflow import OPEN_STATUSES
from console.storage.map_data import WORKER_STATES, LiveMap, MapPlaces
from console.storage.worker_card import GridPatrol, WorkerCard
from widgets import labels
from widgets.camera_aiming import CameraAiming
from widgets.map_canvas import LAYERS, MapCanvas
from widgets.map_live import PreparedLive
from widgets.map_cards import NEAREST_COUNT, DispatchCardView, GridPatrolView, WorkerCardView, local_day_span
from widgets.map_style import WORKER_STATE_COLOURS

_OFFLINE = WORKER_STATES.index(WorkerState.OFFLINE)
#: How wide the view is after centring on a selected worker or incident (metres).
FOCUS_WIDTH_M = 1_500


def _layer_names() -> dict[str, str]:
    return {"grids": QCoreApplication.translate("MapPanel", "Grids"),
            "villages": QCoreApplication.translate("MapPanel", "Villages (unresolved share)"),
            "workers": QCoreApplication.translate("MapPanel", "Workers"),
            "tracks": QCoreApplication.translate("MapPanel", "Track"),
            "incidents": QCoreApplication.translate("MapPanel", "Incidents"),
            "cameras": QCoreApplication.translate("MapPanel", "Cameras")}


class MapPanel(QWidget):
    """The map with its tool bar and side cards.

    Signals (all on the GUI thread): ``worker_selected(int)``, ``incident_selected(int)``,
    ``village_selected(int)``, ``camera_selected(int)`` when the operator picks one on the
    map or in the search; ``worker_card_requested(int, object, object)`` (worker id, start,
    end) when a worker's card needs its data for a period, ``grid_patrol_requested(int, object,
    object)`` likewise for a grid's patrol (a click in a grid when grids are shown);
    ``base_map_requested()`` when the operator wants to choose the base map;
    ``assign_requested(int, int)`` (incident id, worker id) when the operator dispatches from the map;
    ``aim_requested(int, object)`` (camera id, :class:`~console.core.coverage.FieldOfView`) when the operator
    dragged a camera's field of view to a new place (see :class:`~widgets.camera_aiming.CameraAiming`).
    """

    worker_selected = Signal(int)
    incident_selected = Signal(int)
    village_selected = Signal(int)
    camera_selected = Signal(int)
    worker_card_requested = Signal(int, object, object)
    grid_patrol_requested = Signal(int, object, object)
    base_map_requested = Signal()
    assign_requested = Signal(int, int)
    aim_requested = Signal(int, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapPanel")
        self.places: MapPlaces | None = None
        self.live: LiveMap | None = None
        self.selected_worker: int | None = None
        self.selected_incident: int | None = None
        self.canvas = MapCanvas(self)
        self.worker_card = WorkerCardView(self)
        self.dispatch_card = DispatchCardView(self)
        self.grid_card = GridPatrolView(self)
        self.cards = QStackedWidget(self)
        for card in (self.worker_card, self.dispatch_card, self.grid_card):
            self.cards.addWidget(card)
        self.cards.setMinimumWidth(240)
        self.cards.setMaximumWidth(360)
        self.cards.hide()
        self.toolbar = QToolBar(self)
        self.layer_actions: dict[str, QAction] = {}
        names = _layer_names()
        for layer in LAYERS:
            action = self.toolbar.addAction(names[layer])
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, name=layer: self.canvas.set_layer_visible(name, on))
            self.layer_actions[layer] = action
        self._incident_menu = self._build_incident_filter()
        incidents_button = self.toolbar.widgetForAction(self.layer_actions["incidents"])
        if isinstance(incidents_button, QToolButton):
            incidents_button.setMenu(self._incident_menu)
            incidents_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.toolbar.addSeparator()
        self.fit_action = self.toolbar.addAction(self.tr("Show all"))
        self.fit_action.triggered.connect(self.canvas.show_everything)
        self.base_map_action = self.toolbar.addAction(self.tr("Base map…"))
        self.base_map_action.triggered.connect(self.base_map_requested)
        self.aim_action = self.toolbar.addAction(self.tr("Aim camera"))
        self.aim_action.setCheckable(True)
        self.aim_action.setEnabled(False)
        self.aim_action.setToolTip(self.tr("Drag from the selected camera to where it looks and how far (Esc cancels)"))
        self.aiming = CameraAiming(self.canvas, self)
        self.selected_camera: int | None = None
        self._aiming_allowed = False
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Find a worker by name or grid…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(260)
        self.toolbar.addWidget(self.search)
        self._legend()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.cards)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([700, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

        self.canvas.worker_clicked.connect(self.select_worker)
        self.canvas.incident_clicked.connect(self._incident_clicked)
        self.canvas.camera_clicked.connect(self.camera_selected)
        self.canvas.village_clicked.connect(self.village_selected)
        self.canvas.grid_clicked.connect(self._grid_clicked)
        self.grid_card.worker_activated.connect(self.select_worker)
        self.search.returnPressed.connect(self._search)
        self.worker_card.period_changed.connect(self.worker_card_requested)
        self.worker_card.incident_activated.connect(self._incident_clicked)
        self.worker_card.replay.position_changed.connect(lambda _t, x, y: self.canvas.highlight(x, y))
        self.dispatch_card.assign_requested.connect(self.assign_requested)
        self.aim_action.toggled.connect(self._toggle_aiming)
        self.aiming.aim_chosen.connect(self.aim_requested)
        self.aiming.finished.connect(lambda: self.aim_action.setChecked(False))

    # -- content ----------------------------------------------------------------------------------
    def set_places(self, places: MapPlaces) -> None:
        self.places = places
        self.canvas.set_places(places)
        grid_names = places.grid_names
        words = sorted(set(places.workers.names) | set(grid_names.values()))
        completer = QCompleter(words, self.search)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search.setCompleter(completer)

    def set_live(self, live: LiveMap | PreparedLive) -> None:
        """The workers, incidents and village shading as of ``live.at`` (a :class:`PreparedLive` made on
        another thread leaves the GUI thread only the hand-over)."""
        self.canvas.set_live(live)
        self.live = self.canvas.live
        if self.selected_incident is not None and self.cards.currentWidget() is self.dispatch_card:
            self._fill_dispatch(self.selected_incident, refresh=True)

    def show_grid_patrol(self, patrol: GridPatrol) -> None:
        """A grid's patrol arrived (for the grid last clicked)."""
        self.grid_card.show_patrol(patrol)
        self.cards.setCurrentWidget(self.grid_card)
        self.cards.show()

    def _grid_clicked(self, grid_id: int) -> None:
        if self.live is not None:
            today = labels.local_time(self.live.at).date()
            self.grid_patrol_requested.emit(grid_id, *local_day_span(today, today))

    def show_worker_card(self, card: WorkerCard) -> None:
        """The data for the selected worker's card arrived (ignored if another worker was picked since)."""
        if card.worker_id != self.selected_worker:
            return
        self.worker_card.show_card(card, self._worker_state(card.worker_id))
        self.canvas.set_track(card.track.x, card.track.y, card.stops_xy[:, 0], card.stops_xy[:, 1])
        self.cards.setCurrentWidget(self.worker_card)
        self.cards.show()

    # -- selection --------------------------------------------------------------------------------
    def select_worker(self, worker_id: int) -> None:
        """Centre on the worker (if their position is known) and open their card for today."""
        self.selected_worker, self.selected_incident = worker_id, None
        position = self._worker_position(worker_id)
        self.canvas.highlight(*(position or (None, None)))
        if position is not None:
            self.canvas.centre_on(*position, width_m=FOCUS_WIDTH_M)
        if self.live is not None:
            today = labels.local_time(self.live.at).date()
            self.worker_card_requested.emit(worker_id, *local_day_span(today, today))
        self.worker_selected.emit(worker_id)

    def select_village(self, village_id: int) -> None:
        """Centre on a village (its label point) and say it was selected."""
        if self.places is not None and (index := self.places.villages.index_of(village_id)) is not None:
            x, y = float(self.places.villages.x[index]), float(self.places.villages.y[index])
            self.canvas.highlight(x, y)
            self.canvas.centre_on(x, y, width_m=FOCUS_WIDTH_M * 2)
        self.village_selected.emit(village_id)

    def set_aiming_allowed(self, allowed: bool) -> None:
        """Whether the operator may aim cameras here (an administrator; the core checks it too)."""
        self._aiming_allowed = allowed
        self.aim_action.setEnabled(allowed and self._camera_position(self.selected_camera) is not None)

    def select_camera(self, camera_id: int) -> None:
        """Ring the camera and brighten its field of view; centre on it when it is off screen."""
        if self.aiming.active and self.aiming.camera_id != camera_id:
            self.aiming.cancel()
        self.selected_camera = camera_id
        self.canvas.select_camera(camera_id)
        self.set_aiming_allowed(self._aiming_allowed)
        if self.places is None or (index := self.places.cameras.index_of(camera_id)) is None:
            return
        x, y = float(self.places.cameras.x[index]), float(self.places.cameras.y[index])
        self.canvas.highlight(x, y)
        (x0, x1), (y0, y1) = self.canvas.view.viewRange()
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            self.canvas.centre_on(x, y)

    def _camera_position(self, camera_id: int | None) -> tuple[float, float] | None:
        if camera_id is None or self.places is None or (index := self.places.cameras.index_of(camera_id)) is None:
            return None
        return float(self.places.cameras.x[index]), float(self.places.cameras.y[index])

    def _toggle_aiming(self, on: bool) -> None:
        position = self._camera_position(self.selected_camera)
        if on and position is not None:
            self.aiming.start(self.selected_camera, *position)
        elif not on and self.aiming.active:
            self.aiming.cancel()

    def select_incident(self, incident_id: int) -> bool:
        """Centre on an open incident and list the nearest workers; False if it is not on the map."""
        found = self._incident_row(incident_id)
        if found is None:
            return False
        self.selected_incident, self.selected_worker = incident_id, None
        incidents = self.live.incidents
        x, y = float(incidents.x[found]), float(incidents.y[found])
        self.canvas.highlight(x, y)
        self.canvas.centre_on(x, y, width_m=FOCUS_WIDTH_M)
        self.canvas.set_track([], [])
        self._fill_dispatch(incident_id)
        return True

    def _incident_clicked(self, incident_id: int) -> None:
        if self.select_incident(incident_id):
            self.incident_selected.emit(incident_id)

    def _fill_dispatch(self, incident_id: int, refresh: bool = False) -> None:
        row = self._incident_row(incident_id)
        if row is None or self.places is None:
            return
        live, directory = self.live, self.places.workers
        workers = live.workers
        available = (workers.states != _OFFLINE) & directory.on_duty_of(workers.ids)
        nearby = nearest_workers(float(live.incidents.lon[row]), float(live.incidents.lat[row]),
                                 workers.lon, workers.lat, available, NEAREST_COUNT)
        candidates = []
        for near in nearby:
            worker_id = int(workers.ids[near.index])
            index = directory.index_of(worker_id)
            candidates.append((near, worker_id, directory.names[index] if index is not None else "?",
                               int(workers.states[near.index])))
        status = labels.status_name(live.incidents.statuses[row])
        level = labels.level_name(int(live.incidents.levels[row]))
        heading = f"{live.incidents.numbers[row]}  {live.incidents.titles[row]}"
        self.dispatch_card.show_incident(incident_id, heading, f"{status} · {level}", candidates)
        if not refresh:
            self.cards.setCurrentWidget(self.dispatch_card)
            self.cards.show()

    def _search(self) -> None:
        if self.places is None:
            return
        found = self.places.workers.find(self.search.text(), self.places.grid_names)
        if found:
            self.select_worker(found[0])

    # -- helpers ----------------------------------------------------------------------------------
    def _worker_position(self, worker_id: int) -> tuple[float, float] | None:
        if self.live is None:
            return None
        found = np.flatnonzero(self.live.workers.ids == worker_id)
        if not len(found):
            return None
        return float(self.live.workers.x[found[0]]), float(self.live.workers.y[found[0]])

    def _worker_state(self, worker_id: int) -> int | None:
        if self.live is None:
            return None
        found = np.flatnonzero(self.live.workers.ids == worker_id)
        return int(self.live.workers.states[found[0]]) if len(found) else None

    def _incident_row(self, incident_id: int) -> int | None:
        if self.live is None:
            return None
        found = np.flatnonzero(self.live.incidents.ids == incident_id)
        return int(found[0]) if len(found) else None

    def _build_incident_filter(self) -> QMenu:
        menu = QMenu(self)
        self._status_actions, self._level_actions = {}, {}
        for status in sorted(OPEN_STATUSES, key=lambda s: s.value):
            action = menu.addAction(labels.status_name(status))
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._filter_incidents)
            self._status_actions[status.value] = action
        menu.addSeparator()
        for level in (1, 2, 3, 4):
            action = menu.addAction(labels.level_name(level))
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._filter_incidents)
            self._level_actions[level] = action
        return menu

    def _filter_incidents(self) -> None:
        statuses = frozenset(s for s, a in self._status_actions.items() if a.isChecked())
        levels = frozenset(level for level, a in self._level_actions.items() if a.isChecked())
        self.canvas.set_incident_filter(None if len(statuses) == len(self._status_actions) else statuses,
                                        None if len(levels) == len(self._level_actions) else levels)

    def _legend(self) -> None:
        self.toolbar.addSeparator()
        parts = [f'<span style="color:{WORKER_STATE_COLOURS[code].name()}">●</span> '
                 f'{labels.worker_state_name(state)}' for code, state in enumerate(WORKER_STATES)]
        legend = QLabel("&nbsp;&nbsp;".join(parts), self)
        legend.setToolTip(self.tr("Worker markers by state"))
        self.toolbar.addWidget(legend)
