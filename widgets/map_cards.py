"""The map's side cards: a worker's card (facts, patrol, track replay) and an incident's nearest workers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDateEdit, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from console.core.nearest import NearbyWorker
from console.storage.map_data import WORKER_STATES
from console.storage.worker_card import GridPatrol, WorkerCard
from widgets import labels
from widgets.track_replay import TrackReplay

#: How many nearest workers the dispatch card offers (keys 1–9 pick them).
NEAREST_COUNT = 6


def _bold(text: str = "") -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def format_distance(metres: float) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    return f"{metres:.0f} m"


class WorkerCardView(QWidget):
    """One worker: name, grid, phone, state, the period's patrol and the incidents in their hands.

    Signals (GUI thread): ``period_changed(int, object, object)`` — the operator chose another
    period for the worker (id, start and end as aware datetimes); ``incident_activated(int)``
    — an incident in their hands was double-clicked.
    """

    period_changed = Signal(int, object, object)
    incident_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.card: WorkerCard | None = None
        self.title = _bold()
        self.state = QLabel()
        self.facts = QFormLayout()
        self.grid, self.phone = QLabel(), QLabel()
        self.phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.distance, self.patrol, self.stops, self.outside = QLabel(), QLabel(), QLabel(), QLabel()
        self.facts.addRow(self.tr("Grid"), self.grid)
        self.facts.addRow(self.tr("Phone"), self.phone)
        self.first_day, self.last_day = QDateEdit(self), QDateEdit(self)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        period = QHBoxLayout()
        period.addWidget(self.first_day)
        period.addWidget(QLabel("–"))
        period.addWidget(self.last_day)
        self.facts.addRow(self.tr("Period"), period)
        self.facts.addRow(self.tr("Distance walked"), self.distance)
        self.facts.addRow(self.tr("Time on patrol"), self.patrol)
        self.facts.addRow(self.tr("Stops"), self.stops)
        self.facts.addRow(self.tr("Outside own grid"), self.outside)
        self.in_hand = QListWidget(self)
        self.in_hand.setMaximumHeight(110)
        self.replay = TrackReplay(self)
        self.export_button = QPushButton(self.tr("Export the track as GPX…"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addLayout(self.facts)
        layout.addWidget(QLabel(self.tr("Incidents in hand")))
        layout.addWidget(self.in_hand)
        layout.addWidget(QLabel(self.tr("Replay the track")))
        layout.addWidget(self.replay)
        layout.addWidget(self.export_button)
        layout.addStretch(1)
        self.export_button.clicked.connect(self._export)
        self.in_hand.itemDoubleClicked.connect(lambda item: self.incident_activated.emit(item.data(Qt.UserRole)))
        self.first_day.dateChanged.connect(self._period_edited)
        self.last_day.dateChanged.connect(self._period_edited)

    def show_card(self, card: WorkerCard, state_code: int | None) -> None:
        self.card = card
        self.title.setText(f"{card.name}  ({card.code})")
        self.state.setText(labels.worker_state_name(WORKER_STATES[state_code]) if state_code is not None
                           else self.tr("no position reported"))
        self.grid.setText(f"{card.village_name} · {card.grid_name}")
        self.phone.setText(card.phone)
        stats = card.stats
        self.distance.setText(format_distance(stats.distance_m))
        self.patrol.setText(labels.format_duration(stats.patrol_s))
        self.stops.setText(str(len(stats.stops)))
        self.outside.setText(labels.format_duration(stats.outside_s))
        for edit, when in ((self.first_day, card.start), (self.last_day, card.end - timedelta(seconds=1))):
            day = labels.local_time(when).date()
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.in_hand.clear()
        for incident_id, number, title in card.in_hand:
            item = QListWidgetItem(f"{number}  {title}")
            item.setData(Qt.UserRole, incident_id)
            self.in_hand.addItem(item)
        if not card.in_hand:
            self.in_hand.addItem(QListWidgetItem(self.tr("none")))
        self.replay.set_track(card.track)
        self.export_button.setEnabled(len(card.track.t) > 0)

    def _period_edited(self) -> None:
        if self.card is None:
            return
        first, last = self.first_day.date().toPython(), self.last_day.date().toPython()
        if last < first:
            first, last = last, first
        start, end = local_day_span(first, last)
        self.period_changed.emit(self.card.worker_id, start, end)

    def _export(self) -> None:
        card = self.card
        if card is None or not len(card.track.t):
            return
        day = labels.local_time(card.start).date().isoformat()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the track"), f"{card.code}-{day}.gpx",
                                              self.tr("GPX tracks (*.gpx)"))
        if not path:
            return
        try:
            with open(path, "wb") as stream:
                stream.write(card.track.gpx(f"{card.name} {day}"))
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Export the track"),
                                self.tr("The track could not be written to %1: %2")
                                .replace("%1", path).replace("%2", exc.strerror or str(exc)))


def local_day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last``, local days, as aware datetimes."""
    zone = labels.local_time(0).tzinfo
    return (datetime.combine(first, time(0), zone), datetime.combine(last + timedelta(days=1), time(0), zone))


class DispatchCardView(QWidget):
    """An incident on the map and the nearest available workers, to assign one with a click or a digit.

    ``assign_requested(int, int)`` (incident id, worker id) is emitted on the GUI thread.
    """

    assign_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.incident_id: int | None = None
        self.title = _bold()
        self.status = QLabel()
        self.candidates = QTreeWidget(self)
        self.candidates.setRootIsDecorated(False)
        self.candidates.setHeaderLabels([self.tr("#"), self.tr("Worker"), self.tr("Distance"), self.tr("State")])
        self.assign_button = QPushButton(self.tr("Assign to the selected worker"), self)
        self.hint = QLabel(self.tr("Press 1–%1 to assign to that worker.").replace("%1", str(NEAREST_COUNT)))
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(self.tr("Nearest available workers")))
        layout.addWidget(self.candidates, 1)
        layout.addWidget(self.assign_button)
        layout.addWidget(self.hint)
        self.assign_button.clicked.connect(self._assign_selected)
        self.candidates.itemDoubleClicked.connect(lambda item, _col: self._assign(item))
        for digit in range(1, NEAREST_COUNT + 1):
            shortcut = QShortcut(QKeySequence(str(digit)), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=digit: self._assign(self.candidates.topLevelItem(d - 1)))

    def show_incident(self, incident_id: int, heading: str, status: str,
                      nearby: list[tuple[NearbyWorker, int, str, int]]) -> None:
        """``nearby``: (distance, worker id, worker name, state code), nearest first."""
        self.incident_id = incident_id
        self.title.setText(heading)
        self.status.setText(status)
        self.candidates.clear()
        for rank, (near, worker_id, name, state) in enumerate(nearby, start=1):
            item = QTreeWidgetItem([str(rank), name, format_distance(near.distance_m),
                                    labels.worker_state_name(WORKER_STATES[state])])
            item.setData(0, Qt.UserRole, worker_id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.candidates.addTopLevelItem(item)
        for column in range(4):
            self.candidates.resizeColumnToContents(column)
        if nearby:
            self.candidates.setCurrentItem(self.candidates.topLevelItem(0))
        self.assign_button.setEnabled(bool(nearby))
        if not nearby:
            self.status.setText(status + " · " + self.tr("no worker with a position nearby"))

    def _assign_selected(self) -> None:
        self._assign(self.candidates.currentItem())

    def _assign(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and self.incident_id is not None:
            self.assign_requested.emit(self.incident_id, int(item.data(0, Qt.UserRole)))



class GridPatrolView(QWidget):
    """A grid's patrol for a period: the sums over its workers, and each worker's figures.

    ``worker_activated(int)`` (GUI thread): a worker's row was double-clicked.
    """

    worker_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.patrol: GridPatrol | None = None
        self.title = _bold()
        self.period = QLabel()
        form = QFormLayout()
        self.distance, self.time, self.stops, self.outside = QLabel(), QLabel(), QLabel(), QLabel()
        form.addRow(self.tr("Distance walked"), self.distance)
        form.addRow(self.tr("Time on patrol"), self.time)
        form.addRow(self.tr("Stops"), self.stops)
        form.addRow(self.tr("Outside own grid"), self.outside)
        self.workers = QTreeWidget(self)
        self.workers.setRootIsDecorated(False)
        self.workers.setHeaderLabels([self.tr("Worker"), self.tr("Distance"), self.tr("On patrol"),
                                      self.tr("Outside")])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.period)
        layout.addLayout(form)
        layout.addWidget(self.workers, 1)
        self.workers.itemDoubleClicked.connect(
            lambda item, _col: self.worker_activated.emit(int(item.data(0, Qt.UserRole))))

    def show_patrol(self, patrol: GridPatrol) -> None:
        self.patrol = patrol
        self.title.setText(f"{patrol.village_name} · {patrol.grid_name}")
        self.period.setText(f"{labels.format_short_datetime(patrol.start)} – "
                            f"{labels.format_short_datetime(patrol.end)}")
        self.distance.setText(format_distance(patrol.distance_m))
        self.time.setText(labels.format_duration(patrol.patrol_s))
        self.stops.setText(str(patrol.stops))
        self.outside.setText(labels.format_duration(patrol.outside_s))
        self.workers.clear()
        for worker_id, name, stats in patrol.workers:
            item = QTreeWidgetItem([name, format_distance(stats.distance_m), labels.format_duration(stats.patrol_s),
                                    labels.format_duration(stats.outside_s)])
            item.setData(0, Qt.UserRole, worker_id)
            self.workers.addTopLevelItem(item)
        for column in range(4):
            self.workers.resizeColumnToContents(column)
