"""What an operator does from a tile: report an incident, save a snapshot or a clip, tour, PTZ."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from console.core.roles import MANAGE_ZONES, Role, may
from console.core.taxonomy import Taxonomy
from console.gui.taskman import TaskManager
from console.storage.cameras import CameraRecord
from console.storage.dispatch import DispatchService
from video.clip import ClipError
from video.ptz import OnvifPtz, PtzError
from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.camera_report_dialog import DEFAULT_SUBITEM, CameraReport, CameraReportDialog
from widgets.evidence import DISK_FULL, EvidenceError, captioned, save_image, shown_picture
from widgets.guard import guarded
from widgets.ptz_panel import PtzPanel
from widgets.video_wall import VideoWall
from widgets.wall_layouts import LAYOUTS

log = logging.getLogger(__name__)


def clip_error_text(path: str, exc: BaseException) -> str:
    """One line for the operator on a clip that was not saved; a full disk said in their language."""
    if isinstance(exc, ClipError) and exc.errno in DISK_FULL:
        return (QCoreApplication.translate("Evidence", "Could not save %1: %2").replace("%1", path)
                .replace("%2", QCoreApplication.translate("Evidence", "the disk is full")))
    return str(exc)


#: Settings key of the sub-item last reported from a camera (the report dialog starts on it).
LAST_SUBITEM_KEY = "camera_report/last_subitem"


class WallDialogs:
    """The questions the wall's actions ask (modal dialogs); tests replace them. None means cancelled.

    ``settings`` (a :class:`~console.gui.settings.ConsoleSettings`) remembers the last sub-item reported
    from a camera across sessions; ``suggest_with`` — (task manager, dispatch service), set by
    :class:`WallActions` — lets the report dialog offer who to dispatch it to."""

    def __init__(self, taxonomy: Taxonomy, lang: str, settings=None):
        self.taxonomy, self.lang, self.settings = taxonomy, lang, settings
        self.suggest_with: tuple[TaskManager, DispatchService] | None = None
        self._last_subitem = settings.text(LAST_SUBITEM_KEY, DEFAULT_SUBITEM) if settings else DEFAULT_SUBITEM

    def report(self, parent: QWidget | None, camera: CameraRecord, picture: QImage) -> CameraReport | None:
        tasks, service = self.suggest_with or (None, None)
        dialog = CameraReportDialog(camera, picture, self.taxonomy, self.lang, _window_of(parent),
                                    subitem=self._last_subitem, tasks=tasks, service=service)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.remember_subitem(dialog.subitem.currentData())
        return dialog.report()

    def remember_subitem(self, subitem: str) -> None:
        """The sub-item the next camera report starts on."""
        self._last_subitem = subitem
        if self.settings is not None:
            self.settings.set(LAST_SUBITEM_KEY, subitem)

    def save_path(self, parent: QWidget | None, title: str, name: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, name, filters)
        return path or None

    def tour_seconds(self, parent: QWidget | None, group: str) -> int | None:
        seconds, ok = QInputDialog.getInt(parent, QCoreApplication.translate("WallDialogs", "Tour"),
                                          QCoreApplication.translate("WallDialogs", "Seconds per camera in %1")
                                          .replace("%1", group), 10, 2, 3600)
        return seconds if ok else None

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        QMessageBox.warning(_window_of(parent), title, message)


def _window_of(widget: QWidget | None) -> QWidget | None:
    """The window holding ``widget``: dialogs belong to it, not to the wall, whose black style sheet
    would cascade into them (dark text on black in the light theme)."""
    return widget.window() if widget is not None else None


class WallActions(QObject):
    """The tile menu and its shortcuts, for whichever wall the operator last used.

    Signals (GUI thread): ``incident_reported(incident_id)`` once a report from a
    camera is stored; ``watch_zones_requested(camera_id)`` — draw the camera's watch
    zones; ``message(text)`` for the status bar.
    """

    incident_reported = Signal(int)
    watch_zones_requested = Signal(int)
    message = Signal(str)

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, tasks: TaskManager, service: DispatchService,
                 operator: str, dialogs: WallDialogs, parent: QObject | None = None):
        super().__init__(parent)
        self.catalog, self.pool, self.tasks, self.service = catalog, pool, tasks, service
        self.operator, self.dialogs = operator, dialogs
        if getattr(dialogs, "suggest_with", None) is None:
            dialogs.suggest_with = (tasks, service)
        self.wall: VideoWall | None = None
        self._ptz_panels: dict[int, PtzPanel] = {}
        self.report_action = QAction(self.tr("Report &incident from camera…"), self)
        self.report_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.report_action.triggered.connect(lambda: self.report_from_selected())
        self.snapshot_action = QAction(self.tr("Save &snapshot…"), self)
        self.snapshot_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.snapshot_action.triggered.connect(lambda: self._on_selected(self.save_snapshot))
        self.clip_action = QAction(self.tr("Export last 30 s as &clip…"), self)
        self.clip_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.clip_action.triggered.connect(lambda: self._on_selected(self.save_clip))

    def all(self) -> list[QAction]:
        return [self.report_action, self.snapshot_action, self.clip_action]

    def attach(self, wall: VideoWall) -> None:
        """Serve ``wall``'s tile menus; the wall last clicked is the one the shortcuts act on."""
        wall.tile_menu_requested.connect(functools.partial(self._menu, wall))
        wall.camera_selected.connect(lambda _camera, w=wall: setattr(self, "wall", w))
        if self.wall is None:
            self.wall = wall

    def _selected_camera(self) -> int | None:
        wall = self.wall
        if wall is None:
            return None
        tile = wall.selected_tile
        return wall.slots[tile] if tile is not None and tile < wall.layout_def.tile_count else None

    def _on_selected(self, action) -> None:
        camera_id = self._selected_camera()
        if camera_id is None:
            self.message.emit(self.tr("Click a tile with a camera first"))
            return
        action(camera_id)

    # -- the tile menu -----------------------------------------------------------------------------
    def _menu(self, wall: VideoWall, camera_id: int, pos: QPoint) -> None:
        self.wall = wall
        menu = self.build_menu(wall, camera_id)
        menu.exec(pos)

    def build_menu(self, wall: VideoWall, camera_id: int) -> QMenu:
        tile = wall.menu_tile
        menu = QMenu(wall)
        if camera_id >= 0:
            menu.addAction(self.report_action.text(), lambda: self.report_from(camera_id))
            menu.addAction(self.snapshot_action.text(), lambda: self.save_snapshot(camera_id))
            menu.addAction(self.clip_action.text(), lambda: self.save_clip(camera_id))
            zones = menu.addAction(self.tr("Watch zones…"), lambda: self.watch_zones_requested.emit(camera_id))
            # Drawing zones needs a duty officer (the core refuses it anyway).
            zones.setEnabled(may(getattr(self.service, "role", Role.SYSTEM), MANAGE_ZONES))
            camera = self.catalog.get(camera_id)
            if camera is not None and camera.onvif_url:
                menu.addAction(self.tr("Pan, tilt, zoom…"), lambda: self.open_ptz(camera_id))
            menu.addSeparator()
            menu.addAction(self.tr("Maximise / restore"), lambda: wall.toggle_maximise(tile))
            menu.addAction(self.tr("Reset zoom"), lambda: wall.tiles[tile].reset_zoom())
            menu.addAction(self.tr("Remove from wall"), lambda: wall.clear_tile(tile))
        layouts = menu.addMenu(self.tr("Layout"))
        for name in LAYOUTS:
            action = layouts.addAction(name, lambda n=name: wall.set_layout(n))
            action.setCheckable(True)
            action.setChecked(name == wall.layout_def.name)
        groups = self.catalog.groups()
        if groups:
            tile_tour = menu.addMenu(self.tr("Tour this tile through"))
            wall_tour = menu.addMenu(self.tr("Tour the wall through"))
            for group in groups:
                tile_tour.addAction(group, lambda g=group: self._start_tour(wall, g, tile))
                wall_tour.addAction(group, lambda g=group: self._start_tour(wall, g, None))
        if wall.tours:
            menu.addAction(self.tr("Stop tours"), wall.stop_tours)
        return menu

    def open_ptz(self, camera_id: int) -> PtzPanel | None:
        """The PTZ window of an ONVIF camera (one per camera; shown again if already open)."""
        camera = self.catalog.get(camera_id)
        if camera is None or not camera.onvif_url:
            return None
        panel = self._ptz_panels.get(camera_id)
        if panel is None or not shiboken6.isValid(panel):
            try:
                ptz = OnvifPtz(camera.onvif_url)
            except PtzError as exc:
                self.dialogs.show_error(self.wall, self.tr("PTZ"), str(exc))
                return None
            panel = PtzPanel(ptz, camera.name, self.tasks, self.wall)
            panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._ptz_panels[camera_id] = panel
        panel.show()
        panel.raise_()
        return panel

    def _start_tour(self, wall: VideoWall, group: str, tile: int | None) -> None:
        seconds = self.dialogs.tour_seconds(wall, group)
        if seconds:
            wall.start_tour(group, seconds, tile)

    # -- evidence and reports ----------------------------------------------------------------------
    def _with_picture(self, camera_id: int, then) -> None:
        """Fetch the camera's newest picture at its full size (from the decoder, off the GUI thread), burn in
        its name and time, then call ``then(camera, picture)`` on the GUI thread."""
        camera, feed = self.catalog.get(camera_id), self.pool.get(camera_id)
        if camera is None or feed is None:
            return
        try:
            shown = shown_picture(feed)
        except EvidenceError as exc:
            self.dialogs.show_error(self.wall, self.tr("Snapshot"), str(exc))
            return

        def fetched(me: WallActions, answer) -> None:
            pixels, wall_time = answer or shown  # the decoder lost the camera meanwhile: the picture shown
            then(camera, captioned(pixels, wall_time, camera.name))
        self.tasks.read(feed.capture.source_picture, on_done=guarded(self, fetched),
                        on_error=guarded(self, lambda me, _exc: fetched(me, None)))

    def save_snapshot(self, camera_id: int) -> None:
        self._with_picture(camera_id, self._save_snapshot)

    def _save_snapshot(self, camera: CameraRecord, picture: QImage) -> None:
        name = f"{camera.name}-{datetime.now():%Y%m%d-%H%M%S}.png"
        path = self.dialogs.save_path(self.wall, self.tr("Save snapshot"), name,
                                      self.tr("Pictures (*.png *.jpg *.jpeg)"))
        if path is None:
            return
        try:
            save_image(picture, path)
        except EvidenceError as exc:
            self.dialogs.show_error(self.wall, self.tr("Snapshot"), str(exc))
            return
        self.message.emit(self.tr("Snapshot saved: %1").replace("%1", path))

    def save_clip(self, camera_id: int) -> None:
        camera, feed = self.catalog.get(camera_id), self.pool.get(camera_id)
        if camera is None or feed is None:
            return
        if feed.clip.frame_count == 0:
            self.dialogs.show_error(self.wall, self.tr("Clip"), self.tr("%1 has no recent pictures to export")
                                    .replace("%1", camera.name))
            return
        name = f"{camera.name}-{datetime.now():%Y%m%d-%H%M%S}.mp4"
        path = self.dialogs.save_path(self.wall, self.tr("Export clip"), name, self.tr("MP4 video (*.mp4)"))
        if path is None:
            return
        # Encoding takes a moment: off the GUI thread, while the buffer keeps filling.
        self.tasks.read(feed.clip.export_mp4, path,
                        on_done=guarded(self, lambda me, frames: me.message.emit(
                            QCoreApplication.translate("WallActions", "Clip saved: %1 (%2 frames)")
                            .replace("%1", path).replace("%2", str(frames)))),
                        on_error=guarded(self, lambda me, exc: me.dialogs.show_error(
                            me.wall, QCoreApplication.translate("WallActions", "Clip"), clip_error_text(path, exc))))

    def report_from_selected(self) -> None:
        self._on_selected(self.report_from)

    def report_from(self, camera_id: int) -> None:
        """Ask for the sub-item and title, then file an incident with the snapshot, place and source."""
        self._with_picture(camera_id, self._report_with)

    def _report_with(self, camera: CameraRecord, picture: QImage) -> None:
        answer = self.dialogs.report(self.wall, camera, picture)
        if answer is None:
            return
        report = answer if isinstance(answer, CameraReport) else CameraReport(answer)
        if report.assignee is None:
            call = functools.partial(self.service.report, report.draft, self.operator)
        else:  # report, accept and assign: one transaction, so there is never half a job
            call = functools.partial(self.service.report_and_dispatch, report.draft, self.operator,
                                     worker_id=report.assignee.worker_id,
                                     department_ids=report.assignee.department_ids)
        dispatched = report.assignee is not None
        self.tasks.write(call,
                         on_done=guarded(self, lambda me, incident_id: me._reported(incident_id, dispatched)),
                         on_error=guarded(self, lambda me, exc: me.dialogs.show_error(
                             me.wall, QCoreApplication.translate("WallActions", "Report from camera"), str(exc))))

    def _reported(self, incident_id: int, dispatched: bool = False) -> None:
        self.message.emit(self.tr("Incident reported from camera and dispatched") if dispatched
                          else self.tr("Incident reported from camera"))
        self.incident_reported.emit(incident_id)
