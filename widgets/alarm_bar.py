"""The red banner of one-key alarms that no operator has acknowledged yet."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from console.core.workflow import WorkflowError
from console.gui.taskman import TaskManager
from console.storage.db import Store
from console.storage.dispatch import DispatchService
from console.storage.queue import QueueFilter, QueueQuery, QueueRow
from widgets import badges, labels
from widgets.guard import guarded
from widgets.lookups import village_names

POLL_MS = 2000
MAX_SHOWN = 5


def unacknowledged_alarms(store: Store, now: datetime) -> list[QueueRow]:
    """Active one-key reports whose alarm nobody acknowledged, newest first (runs on the I/O pool)."""
    with store.engine.connect() as conn:
        return [row for row in QueueQuery(QueueFilter()).pinned(conn, now) if not row.alarm_acknowledged]


class _AlarmLine(QWidget):
    """One alarm: what and where, clickable, with its Acknowledge button."""

    clicked = Signal(int)
    acknowledge = Signal(int)

    def __init__(self, row: QueueRow, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.incident_id = row.id
        icon = QLabel(self)
        icon.setPixmap(badges.badge_icon("one_key").pixmap(18, 18))
        self.label = QLabel(text, self)
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setToolTip(self.tr("Click to select the incident"))
        self.button = QPushButton(self.tr("Acknowledge"), self)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(lambda: self.acknowledge.emit(self.incident_id))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.incident_id)
        super().mousePressEvent(event)


class OneKeyAlarmBar(QWidget):
    """Lists unacknowledged active one-key reports; hidden when there are none.

    Polls off the GUI thread every :data:`POLL_MS` ms (and on :meth:`refresh`).
    All signals are emitted on the GUI thread.
    """

    #: A one-key alarm this bar had not shown before (the main window beeps or flashes).
    alarm_raised = Signal(int)
    #: The operator clicked an alarm: select this incident.
    incident_activated = Signal(int)
    #: The operator acknowledged this incident's alarm (the database has recorded it).
    alarm_acknowledged = Signal(int)
    #: Acknowledging failed; the message is for the operator.
    acknowledge_failed = Signal(int, str)

    def __init__(self, store: Store, tasks: TaskManager, service: DispatchService, operator: str, lang: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._store, self._tasks, self._service = store, tasks, service
        self._operator, self._lang = operator, lang
        self._seen: set[int] = set()
        self._rows: list[QueueRow] = []
        self._polling = False
        self._again = False
        self._lines: list[_AlarmLine] = []
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, badges.ALARM_RED)
        palette.setColor(QPalette.ColorRole.WindowText, QColor(Qt.GlobalColor.white))
        self.setPalette(palette)
        self.more = QLabel(self)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 10, 6)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.more)
        self.more.hide()
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._village_names: dict[str, str] = {}
        if not lang.startswith("zh"):
            tasks.read(village_names, store, on_done=guarded(self, OneKeyAlarmBar._villages_loaded))
        self.refresh()

    def alarms(self) -> list[QueueRow]:
        """The alarms shown now."""
        return list(self._rows)

    def refresh(self) -> None:
        """Poll now (coalesced with a poll already under way)."""
        if self._polling:
            self._again = True
            return
        self._polling = True
        self._tasks.read(unacknowledged_alarms, self._store, self._service.clock.now(),
                         on_done=guarded(self, OneKeyAlarmBar._arrived),
                         on_error=guarded(self, OneKeyAlarmBar._poll_failed))

    def acknowledge(self, incident_id: int) -> None:
        """Acknowledge one alarm as the operator (on the database writer thread)."""
        for line in self._lines:
            if line.incident_id == incident_id:
                line.button.setEnabled(False)
        self._tasks.write(self._service.acknowledge_alarm, incident_id, self._operator,
                          on_done=guarded(self, lambda bar, _r: bar._acknowledged(incident_id)),
                          on_error=guarded(self, lambda bar, exc: bar._ack_failed(incident_id, exc)))

    def _arrived(self, rows: list[QueueRow]) -> None:
        self._polling = False
        new = [row.id for row in rows if row.id not in self._seen]
        self._seen.update(new)
        if rows != self._rows:
            self._rows = rows
            self._rebuild()
        else:
            for line, row in zip(self._lines, rows):
                line.label.setText(self._line_text(row))
        for incident_id in reversed(new):  # oldest first
            self.alarm_raised.emit(incident_id)
        if self._again:
            self._again = False
            self.refresh()

    def _villages_loaded(self, villages) -> None:
        self._village_names = {v.name_zh: v.name(self._lang) for v in villages}
        for line, row in zip(self._lines, self._rows):
            line.label.setText(self._line_text(row))

    def _poll_failed(self, _exc: BaseException) -> None:
        self._polling = False  # the next poll tries again; the queue shows query failures

    def _acknowledged(self, incident_id: int) -> None:
        self.alarm_acknowledged.emit(incident_id)
        self.refresh()

    def _ack_failed(self, incident_id: int, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, WorkflowError) else \
            self.tr("The database did not accept the change: %1").replace("%1", str(exc).splitlines()[0])
        self.acknowledge_failed.emit(incident_id, message)
        self.refresh()

    def _line_text(self, row: QueueRow) -> str:
        taxonomy = self._service.taxonomy
        what = taxonomy.item(row.subitem).name(self._lang) if taxonomy.has_item(row.subitem) else row.subitem
        village = self._village_names.get(row.village, row.village) if row.village else ""
        where = " / ".join(p for p in (village, row.grid) if p)
        created = row.created_at.timestamp() if isinstance(row.created_at, datetime) else row.created_at
        ago = labels.format_duration(max(0.0, self._service.clock.now().timestamp() - created))
        return self.tr("ONE-KEY ALARM  %1 · %2 · %3 · %4 · %5 ago").replace("%1", row.number) \
            .replace("%2", what).replace("%3", row.title).replace("%4", where or "—").replace("%5", ago)

    def _rebuild(self) -> None:
        for line in self._lines:
            self._layout.removeWidget(line)
            line.deleteLater()
        self._lines = []
        for row in self._rows[:MAX_SHOWN]:
            line = _AlarmLine(row, self._line_text(row), self)
            font = line.label.font()
            font.setBold(True)
            line.label.setFont(font)
            line.clicked.connect(self.incident_activated)
            line.acknowledge.connect(self.acknowledge)
            self._layout.insertWidget(len(self._lines), line)
            self._lines.append(line)
        hidden = len(self._rows) - MAX_SHOWN
        self.more.setText(self.tr("+ %1 more unacknowledged one-key alarms").replace("%1", str(hidden)))
        self.more.setVisible(hidden > 0)
        self.setVisible(bool(self._rows))
