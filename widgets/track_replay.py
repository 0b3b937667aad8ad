"""Replay a worker's track: a time slider, play and pause, and a speed, moving a marker along the track."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from console.storage.worker_card import WorkerTrack
from widgets import labels

#: Replay speeds offered (track seconds per real second).
SPEEDS = (10, 60, 300, 1200)
_TICK_MS = 50


class TrackReplay(QWidget):
    """Controls that move a point along a :class:`WorkerTrack` in time.

    ``position_changed(float, float, float)`` — time (epoch s) and the worker's position in
    metres at that time — is emitted on the GUI thread whenever the replay time moves.
    """

    position_changed = Signal(float, float, float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.track: WorkerTrack | None = None
        self.play_button = QToolButton(self)
        self.play_button.setCheckable(True)
        self.play_button.setText("▶")
        self.play_button.setToolTip(self.tr("Play or pause the replay"))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.speed = QComboBox(self)
        for speed in SPEEDS:
            self.speed.addItem(self.tr("%1×").replace("%1", str(speed)), speed)
        self.speed.setCurrentIndex(1)
        self.speed.setToolTip(self.tr("Replay speed"))
        self.time_label = QLabel("—", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.slider, self.speed, self.time_label):
            layout.addWidget(widget, 1 if widget is self.slider else 0)
        self._timer = QTimer(self, interval=_TICK_MS)
        self._clock = QElapsedTimer()
        self._timer.timeout.connect(self._advance)
        self.play_button.toggled.connect(self._play)
        self.slider.valueChanged.connect(self._moved)
        self.set_track(None)

    def set_track(self, track: WorkerTrack | None) -> None:
        """Replay this track from its start (None or an empty track: nothing to replay)."""
        self.play_button.setChecked(False)
        self.track = track if track is not None and len(track.t) else None
        enabled = self.track is not None
        for widget in (self.play_button, self.slider, self.speed):
            widget.setEnabled(enabled)
        if self.track is None:
            self.slider.setRange(0, 0)
            self.time_label.setText("—")
            return
        self.slider.setRange(int(self.track.t[0]), int(self.track.t[-1]))
        self.slider.setValue(int(self.track.t[0]))
        self._moved(self.slider.value())

    def _play(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")
        if playing:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(self.slider.minimum())
            self._clock.start()
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        elapsed_s = self._clock.restart() / 1000.0
        value = self.slider.value() + max(1, round(elapsed_s * self.speed.currentData()))
        self.slider.setValue(min(value, self.slider.maximum()))
        if value >= self.slider.maximum():
            self.play_button.setChecked(False)

    def _moved(self, value: int) -> None:
        if self.track is None:
            return
        position = self.track.position_at(float(value))
        self.time_label.setText(labels.format_datetime(value, seconds=True))
        if position is not None:
            self.position_changed.emit(float(value), *position)
