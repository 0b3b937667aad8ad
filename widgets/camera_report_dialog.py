"""Report an incident from what a camera shows: snapshot, place and source filled in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from console.core.taxonomy import Taxonomy
from console.core.workflow import Source
from console.storage.cameras import CameraRecord
from console.storage.dispatch import IncidentDraft
from widgets.evidence import encode_image

#: What an operator most often reports from a camera: illegal construction.
DEFAULT_SUBITEM = "CON01"


class CameraReportDialog(QDialog):
    """Asks for the sub-item, title and note of an incident seen on ``camera``; the rest is prefilled."""

    def __init__(self, camera: CameraRecord, snapshot: QImage, taxonomy: Taxonomy, lang: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.camera, self.snapshot = camera, snapshot
        self.setWindowTitle(self.tr("Report from camera"))
        self.subitem = QComboBox(self)
        for category in taxonomy.categories:
            for item in taxonomy.items_of(category.code):
                self.subitem.addItem(f"{category.name(lang)} · {item.name(lang)}", item.code)
        self.subitem.setCurrentIndex(max(0, self.subitem.findData(DEFAULT_SUBITEM)))
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
        layout = QVBoxLayout(self)
        layout.addWidget(picture)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.title.text().strip()))

    def draft(self) -> IncidentDraft:
        """The incident to file: the camera's place, source "camera" and the snapshot attached."""
        photo = encode_image(self.snapshot, "JPG")
        return IncidentDraft(
            subitem=self.subitem.currentData(), title=self.title.text().strip(),
            description=self.note.toPlainText().strip(), source=Source.CAMERA,
            lon=self.camera.lon, lat=self.camera.lat, grid_id=self.camera.grid_id,
            village_id=self.camera.village_id, reporter=self.camera.name,
            photos=[(f"{self.camera.name}.jpg", "image/jpeg", photo)])
