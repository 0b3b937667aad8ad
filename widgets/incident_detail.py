"""The detail pane of the selected incident: facts, photos and the timeline of every step.

Photos show as thumbnails.  A photo in the blob store (a worker's report) has its thumbnail stored with
its attachment: the pane draws that and reads the full photo only when it is opened (on the I/O pool);
an older inline photo is decoded whole with the detail."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QScrollArea,
                               QSizePolicy, QStackedWidget, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from console.core.workflow import Action, Status, is_open
from console.gui.taskman import TaskManager
from console.storage.blobs import blob_store
from console.storage.db import Store
from console.storage.dispatch import DispatchService, TimelineStep
from console.storage.duplicates import DuplicateCandidate, likely_duplicates
from console.storage.models import Incident
from console.storage.presence import Viewer
from widgets import audit_notes, badges, labels
from widgets.guard import guarded
from widgets.pictures import decode_picture

THUMBNAIL = 96


@dataclass
class Photo:
    """An attached image, decoded off the GUI thread: its thumbnail, and the full image (None until a photo
    kept in the blob store, named ``blob``, is opened)."""

    filename: str
    image: QImage | None
    thumbnail: QImage
    blob: str | None = None


@dataclass
class IncidentDetail:
    """Everything the pane shows about one incident (and, for a new report, its likely duplicates)."""

    incident: Incident
    timeline: list[TimelineStep]
    photos: list[Photo]
    duplicates: list[DuplicateCandidate] = field(default_factory=list)


def load_detail(service: DispatchService, incident_id: int) -> IncidentDetail:
    """Read an incident, its timeline and its decoded photos (runs on the I/O pool)."""
    incident = service.get(incident_id)
    steps = service.timeline(incident_id)
    photos = []
    for attachment in incident.attachments:
        if attachment.blob_sha256 is not None:  # the full photo is read when it is opened
            image, blob = None, attachment.blob_sha256
            source = decode_picture(attachment.thumbnail or b"")
        else:
            image, blob = decode_picture(attachment.data or b""), None
            source = image
        if source is not None:
            thumb = source.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            photos.append(Photo(attachment.filename, image, thumb, blob))
    duplicates = (likely_duplicates(service.store, incident_id) if incident.status == Status.REPORTED.value
                  else [])
    return IncidentDetail(incident, steps, photos, duplicates)


def load_photo(store: Store, photo: Photo) -> Photo:
    """``photo`` with its full image read from the blob store (runs on the I/O pool).

    Turned upright by its EXIF orientation, as OpenCV turned its thumbnail and measured its size."""
    image = decode_picture(blob_store(store).get(photo.blob))
    if image is None:
        raise ValueError(QCoreApplication.translate("IncidentDetailPane", "the stored photo is not a picture"))
    return Photo(photo.filename, image, photo.thumbnail, photo.blob)


class PhotoDialog(QDialog):
    """A photo at full size (scaled down to fit the screen), in a scroll area."""

    def __init__(self, photo: Photo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(photo.filename)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.image_label = QLabel(self)
        pixmap = QPixmap.fromImage(photo.image)
        screen = self.screen().availableGeometry().size() * 0.85 if self.screen() else QSize(1200, 800)
        if pixmap.width() > screen.width() or pixmap.height() > screen.height():
            pixmap = pixmap.scaled(screen, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(pixmap)
        area = QScrollArea(self)
        area.setWidget(self.image_label)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        self.resize(pixmap.width() + 24, pixmap.height() + 24)


class IncidentDetailPane(QWidget):
    """Everything about the selected incident, loaded off the GUI thread.

    Follows the queue through :meth:`show_row` (reloads on a new version) or
    :meth:`show_incident`; supervision orders and reminders show in the
    escalation line and, highlighted, in the timeline.
    """

    #: The incident's data is shown (GUI thread).
    loaded = Signal(int)
    #: The incident could not be read; the message is shown in the pane (GUI thread).
    load_failed = Signal(int, str)
    #: A photo is shown full size in :attr:`photo_dialog` (GUI thread).
    photo_opened = Signal(str)

    def __init__(self, tasks: TaskManager, service: DispatchService, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._tasks, self._service, self._lang = tasks, service, lang
        self._incident_id = -1
        self._version: int | None = None
        self._generation = 0
        self._detail: IncidentDetail | None = None
        self.photo_dialog: PhotoDialog | None = None

        self.message = QLabel(self.tr("Select an incident to see its details."), self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.number = QLabel(self)
        self.badges = QLabel(self)
        self.status = QLabel(self)
        self.title = QLabel(self)
        self.fields: dict[str, QLabel] = {}
        self.description = QLabel(self)
        self.feedback = QLabel(self)
        self.photos = QWidget(self)
        self.photo_error = QLabel(self)
        self.timeline = QTreeWidget(self)
        self._stack = QStackedWidget(self)
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._update_time_left)

    # -- public API ------------------------------------------------------------------------
    def incident_id(self) -> int:
        return self._incident_id

    def detail(self) -> IncidentDetail | None:
        return self._detail

    def show_incident(self, incident_id: int) -> None:
        """Show ``incident_id`` (-1 shows nothing); always re-reads it."""
        self._incident_id = incident_id
        self._generation += 1
        if incident_id < 0:
            self._detail, self._version = None, None
            self._timer.stop()
            self.message.setText(self.tr("Select an incident to see its details."))
            self._stack.setCurrentIndex(0)
            return
        if self._detail is None or self._detail.incident.id != incident_id:
            self.message.setText(self.tr("Loading…"))
            self._stack.setCurrentIndex(0)
        generation = self._generation
        self._tasks.read(load_detail, self._service, incident_id,
                         on_done=guarded(self, lambda pane, d: pane._loaded(generation, d)),
                         on_error=guarded(self, lambda pane, e: pane._failed(generation, incident_id, e)))

    def show_row(self, row) -> None:
        """Follow the queue's current row: reload when it is another incident or a newer version."""
        if row is None:
            self.show_incident(-1)
        elif row.id != self._incident_id or row.version != self._version:
            self._version = row.version
            self.show_incident(row.id)

    def reload(self, incident_id: int | None = None) -> None:
        """Re-read the shown incident (if ``incident_id`` is given, only when it is the one shown)."""
        if self._incident_id >= 0 and incident_id in (None, self._incident_id):
            self.show_incident(self._incident_id)

    def sizeHint(self) -> QSize:
        return QSize(460, 720)

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        big = self.number.font()
        big.setPointSizeF(big.pointSizeF() * 1.35)
        big.setBold(True)
        self.number.setFont(big)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.status.setFont(bold)
        for label in (self.title, self.description, self.feedback):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header = QHBoxLayout()
        header.addWidget(self.number)
        header.addWidget(self.badges)
        header.addStretch(1)
        header.addWidget(self.status)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        names = {
            "level": self.tr("Level:"), "category": self.tr("Category:"), "source": self.tr("Source:"),
            "reporter": self.tr("Reporter:"), "location": self.tr("Location:"),
            "coordinates": self.tr("Coordinates:"), "assignees": self.tr("Assigned to:"),
            "created": self.tr("Reported:"), "deadline": self.tr("Deadline:"),
            "escalation": self.tr("Escalation:"), "alarm": self.tr("One-key alarm:"),
            "finished": self.tr("Finished:"), "rejected": self.tr("Rejected:"),
            "duplicates": self.tr("Likely duplicate of:"),
            "viewers": self.tr("Also open at:"),
        }
        for key, text in names.items():
            value = QLabel(self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(text, value)
            self.fields[key] = value
        self._form = form
        QHBoxLayout(self.photos).setContentsMargins(0, 0, 0, 0)
        self.photos.layout().addStretch(1)
        self.timeline.setColumnCount(3)
        self.timeline.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Step")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setWordWrap(True)  # a step's note wraps under it
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.timeline.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.timeline.header().setStretchLastSection(True)
        self.timeline.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((125, 70)):
            self.timeline.setColumnWidth(column, width)

        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(header)
        layout.addWidget(self.title)
        layout.addLayout(form)
        for caption, widget in ((self.tr("Description"), self.description), (self.tr("Feedback"), self.feedback),
                                (self.tr("Photos"), self.photos), (self.tr("Timeline"), self.timeline)):
            layout.addWidget(_section(caption, content))
            layout.addWidget(widget)
            if widget is self.photos:
                layout.addWidget(self.photo_error)
        self.photo_error.setWordWrap(True)
        self.photo_error.hide()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self._stack.addWidget(self.message)
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    # -- filling ---------------------------------------------------------------------------
    def _loaded(self, generation: int, detail: IncidentDetail) -> None:
        if generation != self._generation:
            return
        self._detail = detail
        inc = detail.incident
        self._version = inc.version
        taxonomy = self._service.taxonomy
        self.number.setText(inc.number)
        self.title.setText(inc.title)
        self.status.setText(labels.status_name(inc.status))
        self._show_badges(inc)
        f = self.fields
        f["level"].setText(labels.level_name(inc.level))
        if taxonomy.has_item(inc.subitem):
            item = taxonomy.item(inc.subitem)
            f["category"].setText(f"{taxonomy.category(item.category).name(self._lang)} › {item.name(self._lang)}")
        else:
            f["category"].setText(inc.subitem)
        f["source"].setText(labels.source_name(inc.source))
        f["reporter"].setText(inc.reporter or "—")
        village = inc.village.name_zh if inc.village is not None else ""
        if inc.village is not None and not self._lang.startswith("zh") and inc.village.name_en:
            village = inc.village.name_en
        f["location"].setText(" / ".join(p for p in (village, inc.grid.name if inc.grid else "") if p) or "—")
        f["coordinates"].setText(f"{inc.lon:.5f}, {inc.lat:.5f}" if inc.lon is not None and inc.lat is not None
                                 else "—")
        f["assignees"].setText(self._assignees(inc))
        f["created"].setText(labels.format_datetime(inc.created_at))
        self._update_time_left()
        f["escalation"].setText(self._escalation(inc))
        if inc.one_key:
            f["alarm"].setText(self.tr("acknowledged %1").replace("%1", labels.format_datetime(
                inc.alarm_acknowledged_at)) if inc.alarm_acknowledged_at else self.tr("NOT acknowledged"))
        else:
            f["alarm"].setText("—")
        finished = [(self.tr("resolved %1"), inc.resolved_at), (self.tr("closed %1"), inc.closed_at)]
        f["finished"].setText("; ".join(t.replace("%1", labels.format_datetime(at)) for t, at in finished if at)
                              or "—")
        f["rejected"].setText(labels.reject_reason_name(inc.reject_reason) if inc.reject_reason else "—")
        f["duplicates"].setText("\n".join(
            self.tr("%1 (%2 m away, %3 earlier) — reject this report as its duplicate to merge")
            .replace("%1", d.number).replace("%2", f"{d.distance_m:.0f}")
            .replace("%3", labels.format_duration(d.earlier_by.total_seconds())) for d in detail.duplicates) or "—")
        f["viewers"].setText("—")
        for key in ("rejected", "alarm", "finished", "duplicates", "viewers"):
            self._form.setRowVisible(f[key], f[key].text() != "—")
        self.description.setText(inc.description or self.tr("(none)"))
        self.feedback.setText(inc.feedback or self.tr("(none yet)"))
        self._show_photos(detail.photos)
        self._show_timeline(detail.timeline)
        self._stack.setCurrentIndex(1)
        if is_open(inc.status):
            self._timer.start()
        else:
            self._timer.stop()
        self.loaded.emit(inc.id)

    def show_viewers(self, incident_id: int, viewers: list[Viewer]) -> None:
        """The other consoles' operators who have this incident open (from :mod:`console.storage.presence`)."""
        if incident_id != self._incident_id or self._detail is None:
            return
        field_label = self.fields["viewers"]
        field_label.setText(", ".join(self.tr("%1 (since %2)").replace("%1", viewer.operator)
                                      .replace("%2", labels.format_short_datetime(viewer.since))
                                      for viewer in viewers) or "—")
        self._form.setRowVisible(field_label, bool(viewers))

    def _failed(self, generation: int, incident_id: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._detail = None
        self._timer.stop()
        self.message.setText(self.tr("Cannot show incident: %1").replace("%1", str(exc)))
        self._stack.setCurrentIndex(0)
        self.load_failed.emit(incident_id, str(exc))

    def _assignees(self, inc: Incident) -> str:
        names = []
        if inc.assignee_worker is not None:
            names.append(self.tr("%1 (grid worker)").replace("%1", inc.assignee_worker.name))
        for department in inc.departments:
            names.append(department.name_en if not self._lang.startswith("zh") and department.name_en
                         else department.name_zh)
        text = ", ".join(names) or inc.assignee_text or "—"
        if len(inc.departments) > 1:
            text += "  " + self.tr("[joint meeting]")
        return text

    def _escalation(self, inc: Incident) -> str:
        parts = []
        if inc.reminded_at is not None:
            parts.append(self.tr("reminded %1").replace("%1", labels.format_datetime(inc.reminded_at)))
        if inc.supervised_at is not None:
            parts.append(self.tr("supervision order %1").replace("%1", labels.format_datetime(inc.supervised_at)))
        return "; ".join(parts) or "—"

    def _show_badges(self, inc: Incident) -> None:
        kind = None
        if inc.one_key and is_open(inc.status):
            kind = "one_key"
        elif inc.supervised_at is not None and is_open(inc.status):
            kind = "supervised"
        elif is_open(inc.status) and inc.deadline_at < self._service.clock.now():
            kind = "overdue"
        self.badges.setPixmap(badges.badge_icon(kind).pixmap(20, 20) if kind else QPixmap())

    def _update_time_left(self) -> None:
        if self._detail is None:
            return
        inc = self._detail.incident
        text = labels.format_datetime(inc.deadline_at)
        if is_open(inc.status):
            text += "  (" + labels.format_time_left(inc.deadline_at, self._service.clock.now()) + ")"
        self.fields["deadline"].setText(text)

    def _show_photos(self, photos: list[Photo]) -> None:
        self.photo_error.hide()
        layout = self.photos.layout()
        while layout.count() > 1:
            widget = layout.takeAt(0).widget()
            widget.deleteLater()
        for photo in photos:
            button = QToolButton(self.photos)
            button.setIcon(QIcon(QPixmap.fromImage(photo.thumbnail)))
            button.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
            button.setToolTip(photo.filename)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _checked=False, p=photo: self._open_photo(p))
            layout.insertWidget(layout.count() - 1, button)
        if not photos:
            empty = QLabel(self.tr("(none)"), self.photos)
            layout.insertWidget(0, empty)

    def _open_photo(self, photo: Photo) -> None:
        if photo.image is None:
            self._tasks.read(load_photo, self._service.store, photo,
                             on_done=guarded(self, lambda pane, full: pane._open_photo(full)),
                             on_error=guarded(self, lambda pane, e: pane._photo_failed(photo, e)))
            return
        self.photo_dialog = PhotoDialog(photo, self)
        self.photo_dialog.open()
        self.photo_opened.emit(photo.filename)

    def _photo_failed(self, photo: Photo, exc: BaseException) -> None:
        self.photo_error.setText(self.tr("Cannot open %1: %2").replace("%1", photo.filename).replace("%2", str(exc)))
        self.photo_error.show()

    def _show_timeline(self, steps: list[TimelineStep]) -> None:
        self.timeline.clear()
        items = []
        for step in steps:
            what = labels.action_name(step.action)
            if step.to_status is not None:
                change = labels.status_name(step.to_status)
                if step.from_status is not None:
                    change = f"{labels.status_name(step.from_status)} → {change}"
                what += f"  ({change})"
            if step.note:
                what += "\n" + audit_notes.note_text(step.action, step.note)
            item = QTreeWidgetItem([labels.format_datetime(step.at), step.actor, what])
            item.setData(0, Qt.ItemDataRole.UserRole, step)
            item.setToolTip(0, labels.format_datetime(step.at, seconds=True))
            item.setToolTip(2, what)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            if step.action in (Action.SUPERVISE, Action.REMIND):
                brush = badges.SUPERVISED_BACKGROUND if step.action is Action.SUPERVISE else \
                    badges.OVERDUE_BACKGROUND
                for column in range(3):
                    item.setBackground(column, brush)
            items.append(item)
        self.timeline.addTopLevelItems(items)
        self.timeline.setMinimumHeight(self.timeline.header().sizeHint().height() + 4 * 22)

def _section(caption: str, parent: QWidget) -> QLabel:
    label = QLabel(caption, parent)
    label.setObjectName("section")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    label.setContentsMargins(0, 6, 0, 0)
    return label
