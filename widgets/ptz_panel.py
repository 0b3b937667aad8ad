"""Pan, tilt, zoom and presets of an ONVIF camera, from its tile."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from console.gui.taskman import TaskManager
from video.ptz import OnvifPtz, PtzPreset
from widgets.guard import guarded

SPEED = 0.5


class PtzPanel(QDialog):
    """A small non-modal window that steers one camera over ONVIF.

    Holding an arrow moves the camera; releasing it stops.  Commands go to the
    camera one at a time, in order, on a thread of this panel (never the GUI's).
    Signals (GUI thread): ``command_failed(message)``.
    """

    command_failed = Signal(str)

    def __init__(self, ptz: OnvifPtz, camera_name: str, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.ptz, self.tasks = ptz, tasks
        self._commands = ThreadPoolExecutor(1, thread_name_prefix="gridwatch-ptz")
        self.setWindowTitle(self.tr("PTZ — %1").replace("%1", camera_name))
        self.setModal(False)
        pad = QGridLayout()
        moves = {(0, 1): ("▲", 0, SPEED), (1, 0): ("◀", -SPEED, 0), (1, 2): ("▶", SPEED, 0),
                 (2, 1): ("▼", 0, -SPEED)}
        self.buttons: dict[str, QPushButton] = {}
        for (row, column), (text, pan, tilt) in moves.items():
            button = self._hold_button(text, pan, tilt, 0.0)
            pad.addWidget(button, row, column)
            self.buttons[text] = button
        zoom_in = self._hold_button("+", 0.0, 0.0, SPEED)
        zoom_out = self._hold_button("−", 0.0, 0.0, -SPEED)
        zoom_in.setToolTip(self.tr("Zoom in"))
        zoom_out.setToolTip(self.tr("Zoom out"))
        self.buttons.update({"+": zoom_in, "−": zoom_out})
        zoom = QHBoxLayout()
        zoom.addWidget(zoom_out)
        zoom.addWidget(zoom_in)
        self.presets = QListWidget(self)
        self.presets.itemActivated.connect(self._goto)
        go = QPushButton(self.tr("Go to preset"), self)
        go.clicked.connect(lambda: self._goto(self.presets.currentItem()))
        save = QPushButton(self.tr("Save position as preset…"), self)
        save.clicked.connect(self._save_preset)
        self.status = QLabel(self.tr("Loading presets…"), self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(pad)
        layout.addLayout(zoom)
        layout.addWidget(QLabel(self.tr("Presets"), self))
        layout.addWidget(self.presets, 1)
        row = QHBoxLayout()
        row.addWidget(go)
        row.addWidget(save)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.command_failed.connect(self.status.setText)
        self.load_presets()

    def _hold_button(self, text: str, pan: float, tilt: float, zoom: float) -> QPushButton:
        button = QPushButton(text, self)
        button.setFixedSize(44, 36)
        button.setAutoRepeat(False)
        button.pressed.connect(lambda: self._send(self.ptz.continuous_move, pan, tilt, zoom))
        button.released.connect(lambda: self._send(self.ptz.stop))
        return button

    def _send(self, command, *args, on_done=None) -> None:
        self.tasks.run_in(self._commands, command, *args, on_done=on_done,
                          on_error=guarded(self, lambda panel, exc: panel.command_failed.emit(str(exc))))

    def load_presets(self) -> None:
        self._send(self.ptz.presets, on_done=guarded(self, PtzPanel._show_presets))

    def _show_presets(self, presets: list[PtzPreset]) -> None:
        self.presets.clear()
        for preset in presets:
            item = QListWidgetItem(preset.name or preset.token, self.presets)
            item.setData(Qt.ItemDataRole.UserRole, preset.token)
        self.status.setText(self.tr("%1 presets").replace("%1", str(len(presets))))

    def _goto(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self._send(self.ptz.goto_preset, item.data(Qt.ItemDataRole.UserRole))
            self.status.setText(self.tr("Going to %1").replace("%1", item.text()))

    def _save_preset(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save preset"), self.tr("Name of this position:"))
        if ok and name.strip():
            self._send(self.ptz.set_preset, name.strip(), on_done=guarded(self, lambda p, _t: p.load_presets()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._send(self.ptz.stop)  # never leave a camera turning
        self._commands.shutdown(wait=False)
        super().closeEvent(event)
