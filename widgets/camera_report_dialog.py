"""Report an incident from what a camera shows: snapshot, place and source filled in.

Given the task manager and the dispatch service, the dialog also numbers who could go (the nearest
workers, then departments, for the camera's place): a digit picks one and Ctrl+Enter reports and
dispatches in one go, so a tile becomes an assigned incident in three key presses.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from console.core.taxonomy import Taxonomy
from console.core.workflow import Source
from console.storage.cameras import CameraRecord
from console.gui.taskman import TaskManager
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.dispatch_suggestions import Spot, suggest_assignees
from widgets.action_dialogs import AssignAnswer
from widgets.evidence import encode_image
from widgets.suggestion_list import SuggestionList, answer_for

#: What an operator most often reports from a camera: illegal construction.
DEFAULT_SUBITEM = "CON01"


@dataclass(frozen=True)
class CameraReport:
    """What the dialog files: the draft, and who to dispatch it to at once (None: only report it)."""

    draft: IncidentDraft
    assignee: AssignAnswer | None = None


class CameraReportDialog(QDialog):
    """Asks for the sub-item, title and note of an incident seen on ``camera``; the rest is prefilled.

    ``subitem`` is the sub-item chosen first (the last one used, say).  With ``tasks`` and ``service``
    it offers the numbered dispatch suggestions for the camera's place (see the module)."""

    def __init__(self, camera: CameraRecord, snapshot: QImage, taxonomy: Taxonomy, lang: str,
                 parent: QWidget | None = None, *, subitem: str = DEFAULT_SUBITEM,
                 tasks: TaskManager | None = None, service: DispatchService | None = None):
        super().__init__(parent)
        self.camera, self.snapshot, self._service = camera, snapshot, service
        self.dispatch_chosen = False
        self.setWindowTitle(self.tr("Report from camera"))
        self.subitem = QComboBox(self)
        for category in taxonomy.categories:
            for item in taxonomy.items_of(category.code):
                self.subitem.addItem(f"{category.name(lang)} · {item.name(lang)}", item.code)
        found = self.subitem.findData(subitem)
        self.subitem.setCurrentIndex(found if found >= 0 else max(0, self.subitem.findData(DEFAULT_SUBITEM)))
        self.title = QLineEdit(self)
        self.title.setMaxLength(120)
        self.title.setText(self.tr("Seen on camera %1").replace("%1", camera.name))
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(self.tr("What the operator saw"))
        self.note.setFixedHeight(70)
        place = " · ".join(p for p in (camera.village_name, camera.grid_name) if p) or self.tr("unknown")
        if camera.lon is not None and camera.lat is not None:
            place += f"  ({camera.lon:.5f}, {camera.lat:.5f})"
        picture = QLabel(self)
        picture.setPixmap(QPixmap.fromImage(snapshot).scaled(480, 270, Qt.AspectRatioMode.KeepAspectRatio,
                                                             Qt.TransformationMode.SmoothTransformation))
        form = QFormLayout()
        form.addRow(self.tr("Sub-item"), self.subitem)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.tr("Place"), QLabel(place, self))
        form.addRow(self.tr("Source"), QLabel(self.tr("Camera"), self))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Report"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.title.textChanged.connect(self._validate)
        report_side = QVBoxLayout()
        report_side.addWidget(picture)
        report_side.addLayout(form)
        self.suggestions: SuggestionList | None = None
        self.dispatch_button = None
        if tasks is not None and service is not None:
            self.suggestions = SuggestionList(tasks, lang, self, self)
            self.dispatch_button = self.buttons.addButton(self.tr("Report and &dispatch"),
                                                          QDialogButtonBox.ButtonRole.ActionRole)
            self.dispatch_button.setToolTip(self.tr("File the report, accept it and assign it to the one chosen "
                                                    "(Ctrl+Enter)"))
            self.dispatch_button.clicked.connect(self._report_and_dispatch)
            for keys in ("Ctrl+Return", "Ctrl+Enter"):
                QShortcut(QKeySequence(keys), self, self._report_and_dispatch)
            self.suggestions.picked.connect(self._validate)
            self.suggestions.loaded.connect(self._validate)
            self.subitem.currentIndexChanged.connect(self._load_suggestions)
            send_side = QVBoxLayout()
            send_side.addWidget(QLabel(self.tr("Send at once — nearest workers, then departments:"), self))
            send_side.addWidget(self.suggestions, 1)
            hint = QLabel(self.tr("1–9 choose who goes · Ctrl+Enter reports and dispatches · Esc cancels"), self)
            hint.setEnabled(False)  # drawn as secondary text
            hint.setWordWrap(True)
            send_side.addWidget(hint)
            sides = QHBoxLayout()
            sides.addLayout(report_side)
            sides.addLayout(send_side, 1)
            layout = QVBoxLayout(self)
            layout.addLayout(sides, 1)
            self.suggestions.setFocus()  # digits pick; the text fields are a Tab away
            self._load_suggestions()
        else:
            layout = QVBoxLayout(self)
            layout.addLayout(report_side)
        layout.addWidget(self.buttons)
        self._validate()

    def is_loaded(self) -> bool:
        """Whether the dispatch suggestions have arrived (True when none are offered)."""
        return self.suggestions is None or self.suggestions.is_loaded()

    def report(self) -> CameraReport:
        """The draft, with the chosen assignee when the operator asked to dispatch it too."""
        chosen = self.suggestions.chosen() if self.suggestions is not None and self.dispatch_chosen else None
        return CameraReport(self.draft(), answer_for(chosen) if chosen is not None else None)

    def _load_suggestions(self, *_args) -> None:
        camera, service = self.camera, self._service
        spot = Spot(self.subitem.currentData(), camera.lon, camera.lat, camera.grid_id, camera.village_id)
        self.suggestions.load(suggest_assignees, service.store, service.taxonomy, service.clock, spot)
        self._validate()

    def _report_and_dispatch(self) -> None:
        if self.dispatch_button is not None and self.dispatch_button.isEnabled():
            self.dispatch_chosen = True
            self.accept()

    def _validate(self, *_args) -> None:
        titled = bool(self.title.text().strip())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(titled)
        if self.dispatch_button is not None:
            picked = self.suggestions.chosen() is not None
            self.dispatch_button.setEnabled(titled and picked)
            # Once someone is picked, Enter dispatches too; before, it only reports.
            self.dispatch_button.setDefault(titled and picked)
            ok.setDefault(not (titled and picked))

    def draft(self) -> IncidentDraft:
        """The incident to file: the camera's place, source "camera" and the snapshot attached."""
        photo = encode_image(self.snapshot, "JPG")
        return IncidentDraft(
            subitem=self.subitem.currentData(), title=self.title.text().strip(),
            description=self.note.toPlainText().strip(), source=Source.CAMERA,
            lon=self.camera.lon, lat=self.camera.lat, grid_id=self.camera.grid_id,
            village_id=self.camera.village_id, reporter=self.camera.name,
            photos=[(f"{self.camera.name}.jpg", "image/jpeg", photo)])
