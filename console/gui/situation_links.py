"""How the queue, the map and the wall answer the one selection (issue 10: one picture of the situation).

Every view reports what the operator picked to :class:`~console.gui.selection.Selection`, and
:class:`SituationLinks` makes every other view answer it:

* an **incident** (picked in the queue, on the map, in the alarm bar, or raised by a one-key alarm):
  the queue selects it (or the Incident pane shows it when the queue's filter hides it), the map
  centres on it, and the cameras that see where it is come onto the wall's situation tiles — the
  first :data:`SITUATION_TILES` tiles — closest first;
* a **worker** (on the map): the map opens their card and today's track, the queue shows the
  incidents assigned to them;
* a **village** (on the map): the queue shows its incidents;
* a **camera** (on the map, or a wall tile): it goes on the wall if it is not there yet, and the map
  rings it and brightens its field of view.

Store reads (which cameras see an incident) run on the task runner; everything else happens on the
GUI thread in the call that made the selection.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.gui.context import ConsoleContext
from console.gui.selection import Selection
from console.storage.camera_views import CameraViews, CoveringCamera
from console.storage.queue import QueueFilter

#: How many of the wall's first tiles show the cameras that see a selected incident.
SITUATION_TILES = 4


class SituationLinks(QObject):
    """Connects the views to one :class:`Selection` and answers each selection in every other view.

    Signals (GUI thread): ``cameras_brought(list)`` with the names of the cameras put on the situation
    tiles for a selected incident (empty when none sees it); ``message(str)`` for the status bar."""

    cameras_brought = Signal(list)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, selection: Selection, queue_view, detail, map_room, video_room,
                 alarm_bar, parent: QObject | None = None):
        super().__init__(parent)
        self.context, self.selection = context, selection
        self.queue_view, self.detail, self.map, self.video = queue_view, detail, map_room, video_room
        self._views = CameraViews(context.store)
        self._incident_read = 0  # the newest incident whose cameras are being looked up
        panel = map_room.panel
        queue_view.current_changed.connect(lambda row: row is not None and selection.select_incident(row.id))
        panel.incident_selected.connect(selection.select_incident)
        panel.worker_selected.connect(selection.select_worker)
        panel.village_selected.connect(lambda village_id: selection.select("village", village_id, panel))
        panel.camera_selected.connect(selection.select_camera)
        video_room.wall.camera_selected.connect(selection.select_camera)
        alarm_bar.incident_activated.connect(selection.select_incident)
        alarm_bar.alarm_raised.connect(selection.select_incident)  # a one-key alarm selects its incident
        selection.incident_selected.connect(self._incident_selected)
        selection.worker_selected.connect(self._worker_selected)
        selection.village_selected.connect(self._village_selected)
        selection.camera_selected.connect(self._camera_selected)

    # -- answers ------------------------------------------------------------------------------
    def _incident_selected(self, incident_id: int) -> None:
        if not self.queue_view.select_incident(incident_id):
            self.detail.show_incident(incident_id)  # the queue's filter hides it
        self.map.show_incident(incident_id)
        self._incident_read = incident_id
        self.context.tasks.read(self._views.covering_incident, incident_id,
                                on_done=lambda cameras: self._bring_cameras(incident_id, cameras),
                                on_error=lambda exc: self.message.emit(
                                    self.tr("The cameras that see the incident could not be found: %1")
                                    .replace("%1", str(exc))))

    def _bring_cameras(self, incident_id: int, cameras: list[CoveringCamera]) -> None:
        if incident_id != self._incident_read:  # the operator has moved on
            return
        wall = self.video.wall
        tiles = min(SITUATION_TILES, wall.layout_def.tile_count)
        chosen = [camera.camera_id for camera in cameras[:tiles]]
        shown = wall.slots[:wall.layout_def.tile_count]
        free = iter(tile for tile in range(tiles) if shown[tile] not in chosen)
        for camera_id in chosen:
            if camera_id not in shown[:tiles]:
                wall.show_camera(camera_id, next(free))
        names = [camera.name for camera in cameras[:tiles]]
        if names:
            self.message.emit(self.tr("On the wall, closest first: %1").replace("%1", ", ".join(names)))
        self.cameras_brought.emit(names)

    def _worker_selected(self, worker_id: int) -> None:
        panel = self.map.panel
        if panel.selected_worker != worker_id:
            panel.select_worker(worker_id)
        name = _name_in(panel.places.workers if panel.places else None, worker_id)
        self.queue_view.apply_filter_from_outside(
            QueueFilter(worker_id=worker_id), name,
            self.tr("Incidents assigned to %1 (selected on the map)").replace("%1", name))

    def _village_selected(self, village_id: int) -> None:
        panel = self.map.panel
        if self.selection.source is not panel:  # picked elsewhere (a follow-up task): show it on the map too
            panel.select_village(village_id)
        name = _name_in(panel.places.villages if panel.places else None, village_id)
        self.queue_view.apply_filter_from_outside(
            QueueFilter(village_id=village_id), name,
            self.tr("Incidents of %1 (selected on the map)").replace("%1", name))

    def _camera_selected(self, camera_id: int) -> None:
        wall = self.video.wall
        if camera_id not in wall.slots[:wall.layout_def.tile_count]:
            wall.show_camera(camera_id)
        self.map.panel.select_camera(camera_id)


def _name_in(marks, ident: int) -> str:
    """The name of a worker or a village in the map's directory, or ``#id`` before the map has loaded."""
    index = marks.index_of(ident) if marks is not None else None
    return marks.names[index] if index is not None else f"#{ident}"
