"""The camera list: cameras by group, dragged onto the wall, added, edited, removed and imported."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QMessageBox, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from console.gui.taskman import TaskManager
from video.capture import CaptureState
from widgets.camera_catalog import CameraCatalog
from widgets.camera_editor import CameraEditor, CameraFields
from widgets.camera_feed import FeedPool
from widgets import labels
from widgets.guard import guarded
from widgets.video_tile import CAMERA_MIME

_STATE_MARKS = {CaptureState.LIVE: "●", CaptureState.CONNECTING: "◌", CaptureState.STALLED: "◐",
                CaptureState.OFFLINE: "✕", CaptureState.PAUSED: "○"}


class CameraTree(QTreeWidget):
    """Groups and their cameras; a camera dragged out carries its id."""

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in items]
        ids = [i for i in ids if i is not None]
        if ids:
            mime.setData(CAMERA_MIME, str(ids[0]).encode())
        return mime

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]


class CameraListPanel(QWidget):
    """Every camera of the store by group, with its live state; the tools to manage them.

    Signals (GUI thread): ``show_requested(camera_id)`` on double-click;
    ``camera_selected(camera_id)`` when the current camera changes;
    ``cameras_edited()`` after a camera was added, changed, removed or imported.
    """

    show_requested = Signal(int)
    camera_selected = Signal(int)
    cameras_edited = Signal()

    def __init__(self, catalog: CameraCatalog, pool: FeedPool, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog, self.pool, self.tasks = catalog, pool, tasks
        self.tree = CameraTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.currentItemChanged.connect(self._current_changed)
        buttons = QHBoxLayout()
        self.add_button = self._button(self.tr("Add"), self.tr("Add a camera"), self.add_camera)
        self.edit_button = self._button(self.tr("Edit"), self.tr("Edit the selected camera"), self.edit_camera)
        self.remove_button = self._button(self.tr("Remove"), self.tr("Remove the selected camera"),
                                          self.remove_camera)
        self.import_button = self._button(self.tr("Import CSV…"),
                                          self.tr("Import cameras from a CSV file (name,url,sub_url,lon,lat,"
                                                  "group,onvif_url)"), self.import_csv)
        for button in (self.add_button, self.edit_button, self.remove_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        catalog.cameras_changed.connect(self._fill)
        self._states = QTimer(self, interval=1_000)
        self._states.timeout.connect(self._show_states)
        self._states.start()
        self._fill()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _fill(self) -> None:
        current = self.current_camera()
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for camera in self.catalog.cameras():
            label = camera.group or self.tr("No group")
            parent = groups.get(label)
            if parent is None:
                parent = groups[label] = QTreeWidgetItem(self.tree, [label])
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                parent.setExpanded(True)
            item = QTreeWidgetItem(parent, [camera.name])
            item.setData(0, Qt.ItemDataRole.UserRole, camera.id)
            if camera.id == current:
                self.tree.setCurrentItem(item)
        self._show_states()

    def _items(self):
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for c in range(group.childCount()):
                yield group.child(c)

    def _show_states(self) -> None:
        for item in self._items():
            camera = self.catalog.get(item.data(0, Qt.ItemDataRole.UserRole))
            feed = self.pool.get(camera.id) if camera else None
            mark = _STATE_MARKS.get(feed.status.state, "○") if feed else "○"
            text = f"{mark} {camera.name}" if camera else item.text(0)
            if item.text(0) != text:
                item.setText(0, text)
            if camera is not None:
                tip = self._health(camera.name, camera.masked_url, feed)
                if item.toolTip(0) != tip:
                    item.setToolTip(0, tip)

    def _health(self, name: str, masked_url: str, feed) -> str:
        """The tooltip: where the camera is, its state and reason, frame rate and capture-to-paint latency."""
        lines = [name, masked_url]
        if feed is not None:
            status = feed.status
            state = labels.capture_state_name(status.state)
            lines.append(f"{state}: {status.reason}" if status.reason else state)
            latency = feed.latency.percentile(95)
            figures = self.tr("%1 fps").replace("%1", f"{status.fps:.0f}")
            if latency is not None:
                figures += " · " + self.tr("latency p95 %1 ms").replace("%1", f"{latency * 1000:.0f}")
            lines.append(figures)
        return "\n".join(lines)

    def current_camera(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select_camera(self, camera_id: int) -> None:
        for item in self._items():
            if item.data(0, Qt.ItemDataRole.UserRole) == camera_id:
                self.tree.setCurrentItem(item)
                return

    def _double_clicked(self, item: QTreeWidgetItem) -> None:
        camera_id = item.data(0, Qt.ItemDataRole.UserRole)
        if camera_id is not None:
            self.show_requested.emit(camera_id)

    def _current_changed(self, item: QTreeWidgetItem | None) -> None:
        camera_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if camera_id is not None:
            self.camera_selected.emit(camera_id)

    # -- editing -----------------------------------------------------------------------------------
    def add_camera(self) -> None:
        dialog = CameraEditor(None, self.catalog.groups(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            fields = dialog.fields()
            book = self.catalog.book
            self._write(lambda: book.add(fields.name, fields.url, **_options(fields)))

    def edit_camera(self) -> None:
        camera = self.catalog.get(self.current_camera())
        if camera is None:
            return
        dialog = CameraEditor(camera, self.catalog.groups(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            fields = dialog.fields()
            book = self.catalog.book
            self._write(lambda: book.update(camera.id, name=fields.name, url=fields.url, **_options(fields)))

    def remove_camera(self) -> None:
        camera = self.catalog.get(self.current_camera())
        if camera is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove camera"),
                                      self.tr("Remove %1 from the console?").replace("%1", camera.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.pool.forget(camera.id)
            book = self.catalog.book
            self._write(lambda: book.remove(camera.id))

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import cameras"), "", self.tr("CSV files (*.csv)"))
        if path:
            book = self.catalog.book
            self._write(lambda: book.import_csv(path), CameraListPanel._imported)

    def _imported(self, result) -> None:
        text = self.tr("%1 cameras added.").replace("%1", str(len(result.added)))
        if result.errors:
            text += "\n\n" + "\n".join(result.errors[:20])
            if len(result.errors) > 20:
                text += "\n…"
            QMessageBox.warning(self, self.tr("Import cameras"), text)
        else:
            QMessageBox.information(self, self.tr("Import cameras"), text)

    def _write(self, change, done=None) -> None:
        """Run ``change`` on the database writer, then reload; ``done(panel, result)`` holds no panel."""
        def finished(panel, result):
            panel.catalog.reload()
            panel.cameras_edited.emit()
            if done is not None:
                done(panel, result)
        self.tasks.write(change, on_done=guarded(self, finished),
                         on_error=guarded(self, lambda panel, exc: QMessageBox.warning(
                             panel, QCoreApplication.translate("CameraListPanel", "Cameras"), str(exc))))


def _options(fields: CameraFields) -> dict:
    return {"sub_url": fields.sub_url, "onvif_url": fields.onvif_url, "lon": fields.lon, "lat": fields.lat,
            "group": fields.group}
