"""Changes the detector found on the cameras: the list, the before and after pictures, confirm or dismiss."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from console.storage.change_alerts import CONFIRMED, DISMISSED, LINKED, OPEN, AlertRecord
from video.change_watch import WatchBudget
from widgets import labels

_BOX_COLOUR = QColor(255, 64, 64)
_BOX_MARGIN = 4  # picture pixels between the changed region and its outline


class PicturePane(QLabel):
    """One picture scaled to fit its space, with the changed region outlined."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(120, 68)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.image: QImage | None = None
        self.box: tuple[int, int, int, int] | None = None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        """As tall as the picture is at this width (16:9 before one is shown)."""
        if self.image is not None and not self.image.isNull() and self.image.width() > 0:
            return round(width * self.image.height() / self.image.width())
        return round(width * 9 / 16)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, self.heightForWidth(320))

    def set_picture(self, image: QImage | None, box: tuple[int, int, int, int] | None) -> None:
        self.image, self.box = image, box
        self.updateGeometry()
        self._render()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._render()

    def _render(self) -> None:
        if self.image is None or self.image.isNull():
            self.setPixmap(QPixmap())
            return
        size = self.image.size().scaled(self.contentsRect().size(), Qt.AspectRatioMode.KeepAspectRatio)
        if size.isEmpty():
            return
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(self.image.scaled(QSize(int(size.width() * ratio), int(size.height() * ratio)),
                                                     Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))
        if self.box is not None:
            scale = pixmap.width() / self.image.width()
            x, y, w, h = self.box
            x, y, w, h = x - _BOX_MARGIN, y - _BOX_MARGIN, w + 2 * _BOX_MARGIN, h + 2 * _BOX_MARGIN  # not on it
            painter = QPainter(pixmap)
            painter.setPen(QPen(_BOX_COLOUR, max(2.0, 2.0 * ratio)))
            painter.drawRect(QRect(round(x * scale), round(y * scale), round(w * scale), round(h * scale)))
            painter.end()
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(pixmap)


class ChangeAlertList(QWidget):
    """Open change alerts (newest first, decided ones on request) and the selected one's pictures side by side.

    Signals (GUI thread): ``confirm_requested(int)`` — file the alert as an incident;
    ``dismiss_requested(int, str)`` — not worth one, with an optional note; ``pictures_needed(int)``
    — the selected alert's pictures are to be read (answer with :meth:`show_pictures`);
    ``show_decided_changed(bool)``; ``camera_activated(int)`` on a double-click (show it on the wall).
    """

    confirm_requested = Signal(int)
    dismiss_requested = Signal(int, str)
    pictures_needed = Signal(int)
    show_decided_changed = Signal(bool)
    camera_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.alerts: list[AlertRecord] = []
        self.tree = QTreeWidget(self)
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Detected"), self.tr("Camera"), self.tr("Zone"), self.tr("State")])
        self.empty = QLabel(self.tr("No changes waiting for a decision."), self)
        self.show_decided = QCheckBox(self.tr("Show decided"), self)
        self.before = PicturePane(self)
        self.after = PicturePane(self)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Why it is dismissed (optional)…"))
        self.confirm_button = QPushButton(self.tr("Confirm as incident"), self)
        self.confirm_button.setToolTip(self.tr("Files an illegal-structure incident with both pictures (Ctrl+Return)"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.dismiss_button.setToolTip(self.tr("Accepts the new scene as the zone's reference (Ctrl+D)"))
        self.budget = QLabel(self)
        self.budget.setWordWrap(True)

        pictures = QGridLayout()
        pictures.setSpacing(4)
        pictures.addWidget(QLabel(self.tr("Before"), self), 0, 0, Qt.AlignmentFlag.AlignHCenter)
        pictures.addWidget(QLabel(self.tr("After"), self), 0, 1, Qt.AlignmentFlag.AlignHCenter)
        pictures.addWidget(self.before, 1, 0)
        pictures.addWidget(self.after, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.show_decided)
        layout.addLayout(pictures)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)
        layout.addWidget(self.budget)

        self.tree.currentItemChanged.connect(lambda _item, _old: self._selection_changed())
        self.tree.itemDoubleClicked.connect(self._activated)
        self.show_decided.toggled.connect(self.show_decided_changed)
        self.confirm_button.clicked.connect(self._confirm)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.note.returnPressed.connect(self._dismiss)
        QShortcut(QKeySequence("Ctrl+Return"), self, self._confirm,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+D"), self, self._dismiss, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._selection_changed()

    # -- what the desk tells the view ------------------------------------------------------------
    def set_alerts(self, alerts: list[AlertRecord]) -> None:
        """Show these alerts, keeping the selection where it can."""
        keep = self.current_alert_id()
        self.alerts = list(alerts)
        self.tree.blockSignals(True)
        self.tree.clear()
        selected = None
        for alert in self.alerts:
            item = QTreeWidgetItem([labels.format_short_datetime(alert.detected_at), alert.camera_name,
                                    alert.zone_name, self.state_text(alert)])
            item.setData(0, Qt.ItemDataRole.UserRole, alert.id)
            if alert.state == OPEN:
                font = item.font(0)
                font.setBold(True)
                for column in range(4):
                    item.setFont(column, font)
            self.tree.addTopLevelItem(item)
            if alert.id == keep:
                selected = item
        if selected is None and self.tree.topLevelItemCount():
            selected = self.tree.topLevelItem(0)
        self.tree.setCurrentItem(selected)
        self.tree.blockSignals(False)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.empty.setVisible(not any(alert.state == OPEN for alert in self.alerts))
        self._selection_changed(reload=self.current_alert_id() != keep)

    def show_pictures(self, alert_id: int, before: QImage | None, after: QImage | None) -> None:
        """The pictures of ``alert_id`` (ignored if another alert is selected by now)."""
        alert = self.current_alert()
        if alert is None or alert.id != alert_id:
            return
        self.before.set_picture(before, alert.box)
        self.after.set_picture(after, alert.box)

    def set_budget(self, budget: WatchBudget | None, watching_here: bool) -> None:
        """What the detector costs, or which console runs it."""
        if not watching_here:
            self.budget.setText(self.tr("Another console runs the change detector; its findings appear here."))
        elif budget is None or budget.zones == 0:
            self.budget.setText(self.tr("No watch zones: draw them on a camera (tile menu › Watch zones…)."))
        else:
            text = self.tr("Watching %1 zone(s) on %2 camera(s), each camera every %3 s; CPU %4 % of one core "
                           "(budget %5 %).")
            for key, value in (("%1", str(budget.zones)), ("%2", str(budget.cameras)),
                               ("%3", f"{budget.interval_s:.0f}"), ("%4", f"{100 * budget.cpu_share:.1f}"),
                               ("%5", f"{100 * budget.budget_share:.0f}")):
                text = text.replace(key, value)
            if budget.unreachable:
                text += " " + self.tr("%1 camera(s) give no picture.").replace("%1", str(budget.unreachable))
            self.budget.setText(text)

    # -- selection ---------------------------------------------------------------------------------
    def current_alert_id(self) -> int | None:
        item = self.tree.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def current_alert(self) -> AlertRecord | None:
        alert_id = self.current_alert_id()
        return next((a for a in self.alerts if a.id == alert_id), None)

    def state_text(self, alert: AlertRecord) -> str:
        if alert.state == CONFIRMED:
            return self.tr("Confirmed by %1").replace("%1", alert.decided_by or "")
        if alert.state == DISMISSED:
            return self.tr("Dismissed by %1").replace("%1", alert.decided_by or "")
        if alert.state == LINKED:
            return self.tr("Added to its incident")
        return self.tr("Waiting")

    def _selection_changed(self, reload: bool = True) -> None:
        alert = self.current_alert()
        waiting = alert is not None and alert.state == OPEN
        self.confirm_button.setEnabled(waiting)
        self.dismiss_button.setEnabled(waiting)
        self.note.setEnabled(waiting)
        if alert is None:
            self.facts.clear()
            self.before.set_picture(None, None)
            self.after.set_picture(None, None)
            return
        text = self.tr("%1 — %2: the change appeared %3 and was still there %4 (score %5).")
        for key, value in (("%1", alert.camera_name), ("%2", alert.zone_name),
                           ("%3", labels.format_short_datetime(alert.appeared_at)),
                           ("%4", labels.format_short_datetime(alert.detected_at)), ("%5", f"{alert.score:.2f}")):
            text = text.replace(key, value)
        self.facts.setText(text + " " + self.state_text(alert))
        if reload:
            self.before.set_picture(None, None)
            self.after.set_picture(None, None)
            self.pictures_needed.emit(alert.id)

    def _confirm(self) -> None:
        alert = self.current_alert()
        if alert is not None and alert.state == OPEN:
            self.confirm_requested.emit(alert.id)

    def _dismiss(self) -> None:
        alert = self.current_alert()
        if alert is not None and alert.state == OPEN:
            self.dismiss_requested.emit(alert.id, self.note.text().strip())
            self.note.clear()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        alert_id = item.data(0, Qt.ItemDataRole.UserRole)
        alert = next((a for a in self.alerts if a.id == alert_id), None)
        if alert is not None:
            self.camera_activated.emit(alert.camera_id)
