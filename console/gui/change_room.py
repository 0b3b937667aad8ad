"""Camera change detection, wired: the watch runs here (if this console holds the lease), alerts are listed,
confirmed into incidents or dismissed, and zones are drawn on a camera's picture.

The detector's thread never touches Qt or the database: what it finds and learns comes to
the GUI thread through a :class:`~console.gui.inbox.GuiInbox` and is written by the task
manager's single database writer.  A decision taken on any console reaches the detector
of the console that runs it when that console next reads the alerts (on a live change,
or every :data:`LEASE_MS`), and the zone's current scene becomes its reference.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timezone

import cv2
import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from console.gui.context import ConsoleContext
from console.gui.inbox import GuiInbox
from console.storage.change_alerts import LINKED, OPEN, ChangeAlertBook, FoundChange
from video.change_watch import ChangeWatch, WatchedZone, WatchFinding
from video.snapshot import SnapshotSource
from video.sources import SourceKind, source_kind
from widgets.camera_catalog import CameraCatalog
from widgets.camera_feed import FeedPool
from widgets.change_alert_list import ChangeAlertList
from widgets.guard import guarded
from widgets.pictures import decode_picture
from widgets.watch_zone_editor import WatchZoneEditor

log = logging.getLogger(__name__)

#: How often the lease to run the detector is renewed, and the zones and alerts re-read.
LEASE_MS = 20_000
#: The watch starts this long after the console: its first looks (each camera's scene or stream opened)
#: would otherwise compete with the console's own start for the GUI's interpreter.
START_DELAY_MS = 15_000
BUDGET_MS = 5_000
JPEG_QUALITY = 88


def encode_found(finding: WatchFinding) -> FoundChange:
    """A detector's finding as stored: times as UTC datetimes, pictures as JPEG (a worker thread's work)."""
    found = finding.found

    def jpeg(image: np.ndarray) -> bytes:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise ValueError("the picture could not be encoded")
        return data.tobytes()

    return FoundChange(finding.zone_id, datetime.fromtimestamp(found.appeared_at, timezone.utc),
                       datetime.fromtimestamp(found.detected_at, timezone.utc), found.box, found.score,
                       jpeg(found.before), jpeg(found.after))


def bgr_image(pixels: np.ndarray) -> QImage:
    """A BGR array as a QImage owning a copy of the pixels."""
    pixels = np.ascontiguousarray(pixels[:, :, :3])
    height, width, _ = pixels.shape
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_BGR888).copy()


class ChangeRoom(QObject):
    """Owns the change alerts' view, the detector's watch and the zone editor.

    Signals (GUI thread): ``change_found(str)`` — a new alert, with its camera's name (the console
    alerts the operator); ``waiting_changed(int)`` — how many alerts wait for a decision, after each
    read; ``change_linked(int)`` — a change went on where this incident is being handled (a picture was
    added to it); ``incident_reported(int)`` — a confirmed alert became this incident;
    ``camera_requested(int)`` — show this camera on the wall; ``message(str)`` for the status bar.
    """

    change_found = Signal(str)
    change_linked = Signal(int)
    waiting_changed = Signal(int)
    incident_reported = Signal(int)
    camera_requested = Signal(int)
    message = Signal(str)

    def __init__(self, context: ConsoleContext, catalog: CameraCatalog, pool: FeedPool, console_id: str,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.context, self.catalog, self.pool, self.console_id = context, catalog, pool, console_id
        self.book = ChangeAlertBook(context.store, context.service, context.clock)
        self.view = ChangeAlertList()
        self._live: dict[int, object] = {}
        self.snapshots = SnapshotSource(live=lambda camera_id: self._live.get(camera_id))
        self._inbox = GuiInbox(self)
        self.watch = ChangeWatch(self.snapshots.grab, lambda finding: self._inbox.post(
            functools.partial(self._found, finding)), lambda zone_id, data: self._inbox.post(
            functools.partial(self._save_reference, zone_id, data)))
        self.watching = False
        self._raised: dict[int, int] = {}  # alert id -> zone id, for alerts whose decision the watch awaits
        self._show_decided = False
        self._editors: dict[int, WatchZoneEditor] = {}
        self._lease_timer = QTimer(self, interval=LEASE_MS)
        self._lease_timer.timeout.connect(self._renew)
        self._budget_timer = QTimer(self, interval=BUDGET_MS)
        self._budget_timer.timeout.connect(self._show_budget)
        self._feeds_timer = QTimer(self, interval=2_000)
        self._feeds_timer.timeout.connect(self._note_feeds)
        self.view.confirm_requested.connect(self.confirm)
        self.view.dismiss_requested.connect(self.dismiss)
        self.view.pictures_needed.connect(self._load_pictures)
        self.view.show_decided_changed.connect(self._set_show_decided)
        self.view.camera_activated.connect(self.camera_requested)
        catalog.cameras_changed.connect(self._cameras_changed)

    # -- life --------------------------------------------------------------------------------------
    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        """Start watching (if this console gets the lease) after ``delay_ms``; the alerts are read at once."""
        self._lease_timer.start()
        self._budget_timer.start()
        self._feeds_timer.start()
        self.reload()
        QTimer.singleShot(delay_ms, self, self._renew)

    def shutdown(self) -> None:
        """Stop the watch and give the lease up so another console can take over at once."""
        for timer in (self._lease_timer, self._budget_timer, self._feeds_timer):
            timer.stop()
        for editor in list(self._editors.values()):
            editor.close()
        self.watch.stop()
        self.snapshots.close()
        self._inbox.close()
        if self.watching:  # queued like the other last writes; if it fails the lease simply expires
            self.context.tasks.write(self.book.release_watch, self.console_id)
        self.watching = False

    def reload(self) -> None:
        """Re-read the alerts (and tell the watch about decisions taken meanwhile)."""
        state = None if self._show_decided else OPEN
        raised = list(self._raised)

        def read():
            return self.book.alerts(state), self.book.states(raised)
        self.context.tasks.read(read, on_done=self._show_alerts, on_error=self._failed)

    # -- the lease and the watch --------------------------------------------------------------------
    def _renew(self) -> None:
        book, console_id = self.book, self.console_id

        def hold_and_read():
            held = book.hold_watch(console_id)
            return held, (book.zones(enabled_only=True, with_reference=True) if held else [])
        self.context.tasks.write(hold_and_read, on_done=self._lease_answered, on_error=self._failed)
        self.reload()

    def _lease_answered(self, answer) -> None:
        held, zones = answer
        if held:
            self._cameras_changed()
            self.watch.set_zones([WatchedZone(z.id, z.camera_id, z.polygon, z.reference,
                                              persist=self._persists(z.camera_id)) for z in zones])
            if not self.watching:
                log.info("this console runs the change detector")
                self.watch.start()
        elif self.watching:
            log.info("another console runs the change detector now")
            self.watch.set_zones([])
        self.watching = held
        self._show_budget()

    def _persists(self, camera_id: int) -> bool:
        camera = self.catalog.get(camera_id)
        return camera is not None and source_kind(camera.url) is not SourceKind.DEMO

    def _cameras_changed(self) -> None:
        self.snapshots.set_urls({c.id: c.sub_url or c.url for c in self.catalog.cameras()})

    def _note_feeds(self) -> None:
        """Which cameras the wall plays (their newest picture saves the watch a connection)."""
        self._live = {feed.source.camera_id: feed.capture for feed in self.pool.feeds()}

    def _show_budget(self) -> None:
        self.view.set_budget(self.watch.budget() if self.watching else None, self.watching)

    # -- what the watch found and learnt -------------------------------------------------------------
    def _found(self, finding: WatchFinding) -> None:
        def recorded(alert) -> None:
            if alert is None:  # the zone has an open alert already, or was switched off meanwhile
                return
            if alert.state == LINKED:  # the same construction as an incident in hand: no decision to wait for
                self.watch.accept(alert.zone_id)
                self.message.emit(self.tr("%1: the change goes on; picture added to its incident")
                                  .replace("%1", alert.camera_name))
                self.change_linked.emit(alert.incident_id)
                return
            self._raised[alert.id] = alert.zone_id
            self.change_found.emit(alert.camera_name)
            self.reload()
        book = self.book
        self.context.tasks.write(lambda: book.record(encode_found(finding)), on_done=recorded,
                                 on_error=self._failed)

    def _save_reference(self, zone_id: int, data: bytes) -> None:
        self.context.tasks.write(self.book.save_reference, zone_id, data, on_error=self._failed)

    def _show_alerts(self, answer) -> None:
        alerts, states = answer
        for alert_id, state in states.items():
            if state != OPEN and alert_id in self._raised:
                self.watch.accept(self._raised.pop(alert_id))
        for alert_id in [a for a in self._raised if a not in states]:  # deleted with their zone
            del self._raised[alert_id]
        self.view.set_alerts(alerts)
        self.waiting_changed.emit(sum(alert.state == OPEN for alert in alerts))

    def _set_show_decided(self, show: bool) -> None:
        self._show_decided = show
        self.reload()

    # -- decisions ------------------------------------------------------------------------------------
    def confirm(self, alert_id: int) -> None:
        """File the alert as an incident (both pictures attached) under the operator on duty."""
        alert = next((a for a in self.view.alerts if a.id == alert_id), None)
        title = ""
        if alert is not None:
            title = self.tr("Suspected illegal structure: %1, %2").replace("%1", alert.camera_name) \
                .replace("%2", alert.zone_name)

        def confirmed(incident_id: int) -> None:
            self._decided(alert_id)
            self.message.emit(self.tr("Change confirmed: incident filed"))
            self.incident_reported.emit(incident_id)
        self.context.tasks.write(functools.partial(self.book.confirm, title=title), alert_id, self.context.operator,
                                 on_done=confirmed, on_error=lambda exc: (self._failed(exc), self.reload()))

    def dismiss(self, alert_id: int, note: str = "") -> None:
        """Not worth an incident: the zone's new scene becomes its reference."""
        def dismissed(_none) -> None:
            self._decided(alert_id)
            self.message.emit(self.tr("Change dismissed: the new scene is the zone's reference"))
        self.context.tasks.write(self.book.dismiss, alert_id, self.context.operator, note,
                                 on_done=dismissed, on_error=lambda exc: (self._failed(exc), self.reload()))

    def _decided(self, alert_id: int) -> None:
        alert = next((a for a in self.view.alerts if a.id == alert_id), None)
        if alert is not None:
            self._raised.pop(alert_id, None)
            self.watch.accept(alert.zone_id)
        self.reload()

    def _load_pictures(self, alert_id: int) -> None:
        def read():
            before, after = self.book.pictures(alert_id)
            return decode_picture(before), decode_picture(after)
        self.context.tasks.read(read, on_done=guarded(self.view, lambda view, pictures:
                                                      view.show_pictures(alert_id, *pictures)),
                                on_error=self._failed)

    # -- zones ------------------------------------------------------------------------------------------
    def edit_zones(self, camera_id: int, parent: QWidget | None = None) -> None:
        """Open the zone editor on the camera's picture now (fetched off the GUI thread)."""
        camera = self.catalog.get(camera_id)
        if camera is None:
            return
        if camera_id in self._editors:
            self._editors[camera_id].raise_()
            return
        feed = self.pool.get(camera_id)
        playing = feed.capture if feed is not None else None
        url = camera.sub_url or camera.url

        def fetch():
            image = playing.latest_source_image() if playing is not None else None  # the wall's, if it plays
            if image is not None:
                return image, ""
            source = SnapshotSource()
            source.set_urls({camera_id: url})
            try:
                snapshot = source.grab(camera_id)
                return (snapshot.image if snapshot is not None else None), source.problem(camera_id)
            finally:
                source.close()

        def fetched(answer) -> None:
            picture, problem = answer
            if picture is None:
                self.message.emit(self.tr("No picture from %1: %2").replace("%1", camera.name).replace("%2", problem))
            self._open_editor(camera_id, parent, picture)
        self.message.emit(self.tr("Fetching a picture from %1…").replace("%1", camera.name))
        self.context.tasks.read(fetch, on_done=fetched, on_error=self._failed)

    def _open_editor(self, camera_id: int, parent: QWidget | None, pixels: np.ndarray | None) -> None:
        camera = self.catalog.get(camera_id)
        if camera is None or camera_id in self._editors:
            return
        editor = WatchZoneEditor(camera.name, bgr_image(pixels) if pixels is not None else QImage(), parent)
        self._editors[camera_id] = editor
        editor.finished.connect(lambda _result: self._editors.pop(camera_id, None))
        book, operator = self.book, self.context.operator
        show = guarded(editor, lambda ed, zones: ed.set_zones(zones))
        fail = guarded(editor, lambda ed, exc: ed.show_error(str(exc)))

        def write(fn, *args) -> None:
            def then(_result) -> None:
                self.context.tasks.read(book.zones, camera_id, on_done=show, on_error=fail)
                self._renew()
            self.context.tasks.write(fn, *args, on_done=then, on_error=fail)
        editor.add_requested.connect(lambda name, polygon: write(book.add_zone, camera_id, name, polygon, operator))
        editor.remove_requested.connect(lambda zone_id: write(book.remove_zone, zone_id, operator))
        editor.enable_requested.connect(lambda zone_id, on: write(
            functools.partial(book.update_zone, enabled=on), zone_id, operator))
        self.context.tasks.read(book.zones, camera_id, on_done=show, on_error=fail)
        editor.show()

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(self.tr("Change detection: %1").replace("%1", str(exc)))
