"""The situation replay window's content: pick a past period, load it, and play it back on a map.

:class:`SituationReplayView` is a view: it asks for a period to be loaded (``load_requested``)
and draws the :class:`~console.storage.situation_replay.SituationReplay` it is given; each frame
only indexes the replay's preloaded arrays (:meth:`SituationReplay.state_at`), never the store.
:class:`console.gui.replay_room.ReplayRoom` does the loading off the GUI thread.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider,
                               QToolButton, QVBoxLayout, QWidget)

from console.core.clock import Clock, from_epoch, to_epoch
from console.storage.map_data import WORKER_STATES, MapPlaces
from console.storage.situation_replay import SituationReplay
from widgets import labels
from widgets.map_canvas import MapCanvas
from widgets.map_style import INCIDENT_STATUS_COLOURS, WORKER_STATE_COLOURS

#: Replay speeds offered (replayed seconds per real second).
SPEEDS = (1, 10, 60, 600)
#: The preset periods, in the order offered; "custom" takes the from/to fields.
PRESETS = ("last_2h", "last_8h", "yesterday", "custom")
#: How often a playing replay draws a frame.
FRAME_MS = 100


def preset_names() -> dict[str, str]:
    return {"last_2h": QCoreApplication.translate("SituationReplayView", "Last 2 hours"),
            "last_8h": QCoreApplication.translate("SituationReplayView", "Last 8 hours"),
            "yesterday": QCoreApplication.translate("SituationReplayView", "Yesterday"),
            "custom": QCoreApplication.translate("SituationReplayView", "Custom period")}


def preset_period(preset: str, now: datetime) -> tuple[datetime, datetime]:
    """The period a preset means at ``now`` (yesterday: the workstation's local day)."""
    if preset == "last_2h":
        return now - timedelta(hours=2), now
    if preset == "last_8h":
        return now - timedelta(hours=8), now
    if preset == "yesterday":
        today = labels.local_time(now).date()
        zone = labels.local_time(now).tzinfo
        return (datetime.combine(today - timedelta(days=1), time(0), zone), datetime.combine(today, time(0), zone))
    raise ValueError(f"no preset {preset!r}")


class SituationReplayView(QWidget):
    """Period choice, load progress, a map of its own and the player (play, speed, time slider, big clock).

    Signals (GUI thread): ``load_requested(object, object)`` with the period's start and end
    (aware datetimes) when the operator asks to load it; ``cancel_requested()`` when they stop a
    load; ``moment_shown(int)`` with the epoch second a frame drew.
    """

    load_requested = Signal(object, object)
    cancel_requested = Signal()
    moment_shown = Signal(int)

    def __init__(self, clock: Clock, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SituationReplayView")
        self.clock = clock
        self.replay: SituationReplay | None = None
        self.preset = QComboBox(self)
        for key, name in preset_names().items():
            self.preset.addItem(name, key)
        self.from_edit, self.to_edit = QDateTimeEdit(self), QDateTimeEdit(self)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.load_button = QPushButton(self.tr("Load"), self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.status = QLabel(self.tr("Choose a period and load it."), self)
        self.canvas = MapCanvas(self)
        self.canvas.set_layer_visible("villages", False)  # no red-light shading: the replay reads no window
        self.play_button = QToolButton(self)
        self.play_button.setCheckable(True)
        self.play_button.setText("▶")
        self.play_button.setToolTip(self.tr("Play or pause the replay"))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.speed = QComboBox(self)
        for speed in SPEEDS:
            self.speed.addItem(self.tr("%1×").replace("%1", str(speed)), speed)
        self.speed.setCurrentIndex(SPEEDS.index(60))
        self.speed.setToolTip(self.tr("Replay speed"))
        self.clock_label = QLabel("—", self)
        self.clock_label.setObjectName("replay_clock")
        font = QFont(self.clock_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.clock_label.setFont(font)
        self.counts_label = QLabel("", self)
        self._layout()
        self._timer = QTimer(self, interval=FRAME_MS)
        self._elapsed = QElapsedTimer()
        self._carry = 0.0

        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.load_button.clicked.connect(self._load_clicked)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.play_button.toggled.connect(self._play)
        self.slider.valueChanged.connect(self._show_moment)
        self._timer.timeout.connect(self._advance)
        self._preset_changed()
        self.set_loading(False)
        self.set_replay(None)

    def _layout(self) -> None:
        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("Period:"), self))
        period.addWidget(self.preset)
        period.addWidget(QLabel(self.tr("from"), self))
        period.addWidget(self.from_edit)
        period.addWidget(QLabel(self.tr("to"), self))
        period.addWidget(self.to_edit)
        period.addWidget(self.load_button)
        period.addWidget(self.progress)
        period.addWidget(self.cancel_button)
        period.addWidget(self.status, 1)
        player = QHBoxLayout()
        player.addWidget(self.play_button)
        player.addWidget(self.speed)
        player.addWidget(self.slider, 1)
        player.addWidget(self.clock_label)
        legend = QHBoxLayout()
        legend.addWidget(self.counts_label)
        legend.addStretch(1)
        legend.addWidget(QLabel(_legend(), self))
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(player)
        layout.addLayout(legend)

    # -- content ----------------------------------------------------------------------------------
    def set_places(self, places: MapPlaces) -> None:
        """The outlines, labels and cameras the replay is drawn over."""
        self.canvas.set_places(places)

    def set_loading(self, loading: bool, fraction: float = 0.0) -> None:
        """Show a load in progress (with how far it got) or none."""
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        self.progress.setValue(int(fraction * 1000))
        self.load_button.setEnabled(not loading)
        if loading:
            self.play_button.setChecked(False)
            self.status.setText(self.tr("Loading the period…"))

    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def set_replay(self, replay: SituationReplay | None) -> None:
        """Replay this period from its start (None: nothing loaded)."""
        self.play_button.setChecked(False)
        self.replay = replay
        for widget in (self.play_button, self.slider, self.speed):
            widget.setEnabled(replay is not None)
        if replay is None:
            self.slider.setRange(0, 0)
            self.clock_label.setText("—")
            return
        self.status.setText(self._summary(replay))
        self.slider.blockSignals(True)
        self.slider.setRange(replay.start, replay.end)
        self.slider.setValue(replay.start)
        self.slider.blockSignals(False)
        self._show_moment(replay.start)

    def current_time(self) -> int | None:
        """The replayed moment shown (epoch seconds), None with nothing loaded."""
        return self.slider.value() if self.replay is not None else None

    def seek(self, when: datetime | int) -> None:
        """Show the moment ``when`` (clamped into the period)."""
        self.slider.setValue(when if isinstance(when, int) else to_epoch(when))

    # -- playing ----------------------------------------------------------------------------------
    def _play(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")
        if playing:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(self.slider.minimum())
            self._carry = 0.0
            self._elapsed.start()
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        self._carry += self._elapsed.restart() / 1000.0 * self.speed.currentData()
        step = int(self._carry)
        if step < 1:
            return
        self._carry -= step
        value = min(self.slider.value() + step, self.slider.maximum())
        self.slider.setValue(value)
        if value >= self.slider.maximum():
            self.play_button.setChecked(False)

    def _show_moment(self, value: int) -> None:
        if self.replay is None:
            return
        live = self.replay.state_at(value)
        self.canvas.set_live(live)
        self.clock_label.setText(labels.format_datetime(value, seconds=True))
        self.counts_label.setText(self.tr("%1 workers · %2 open incidents")
                                  .replace("%1", labels.format_count(len(live.workers.ids)))
                                  .replace("%2", labels.format_count(len(live.incidents.ids))))
        self.moment_shown.emit(value)

    # -- period -----------------------------------------------------------------------------------
    def _preset_changed(self) -> None:
        preset = self.preset.currentData()
        custom = preset == "custom"
        for edit in (self.from_edit, self.to_edit):
            edit.setEnabled(custom)
        if not custom:
            start, end = preset_period(preset, self.clock.now())
            self.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(start)))
            self.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(to_epoch(end)))

    def chosen_period(self) -> tuple[datetime, datetime]:
        preset = self.preset.currentData()
        if preset != "custom":
            return preset_period(preset, self.clock.now())
        return (from_epoch(self.from_edit.dateTime().toSecsSinceEpoch()),
                from_epoch(self.to_edit.dateTime().toSecsSinceEpoch()))

    def _load_clicked(self) -> None:
        start, end = self.chosen_period()
        if end <= start:
            self.status.setText(self.tr("The period must end after it starts."))
            return
        self.load_requested.emit(start, end)

    def _summary(self, replay: SituationReplay) -> str:
        text = self.tr("%1 – %2: %3 workers, %4 incidents") \
            .replace("%1", labels.format_datetime(replay.start)).replace("%2", labels.format_datetime(replay.end)) \
            .replace("%3", labels.format_count(len(replay.fixes.worker_ids))) \
            .replace("%4", labels.format_count(len(replay.incidents.ids)))
        if replay.resolution_s:
            text += " · " + self.tr("positions every %1 s").replace("%1", str(replay.resolution_s))
        return text


def _legend() -> str:
    workers = [f'<span style="color:{WORKER_STATE_COLOURS[code].name()}">●</span> {labels.worker_state_name(state)}'
               for code, state in enumerate(WORKER_STATES)]
    incidents = [f'<span style="color:{brush.color().name()}">◆</span> {labels.status_name(status)}'
                 for status, brush in INCIDENT_STATUS_COLOURS.items()]
    return "&nbsp;&nbsp;".join(workers + incidents)
