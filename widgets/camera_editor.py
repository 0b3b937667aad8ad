"""The dialog that adds or edits a camera; stream passwords are never shown."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (QCompleter, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from console.storage.cameras import CameraRecord
from console.storage.url_checks import check_onvif_url, check_source_url
from video.sources import mask_url

_NO_VALUE = -999.0


@dataclass(frozen=True)
class CameraFields:
    """What the operator entered; URLs still masked are replaced by the stored ones."""

    name: str
    url: str
    sub_url: str | None
    onvif_url: str | None
    lon: float | None
    lat: float | None
    group: str


def unmask(entered: str, stored: str | None) -> str:
    """The URL to store: the stored one if the operator left its masked form untouched."""
    entered = entered.strip()
    if stored and entered == mask_url(stored):
        return stored
    return entered


class CameraEditor(QDialog):
    """Name, main and sub stream, ONVIF address, place and group of one camera."""

    def __init__(self, camera: CameraRecord | None = None, groups: list[str] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.camera = camera
        self.setWindowTitle(self.tr("Edit camera") if camera else self.tr("Add camera"))
        self.name = QLineEdit(camera.name if camera else "", self)
        self.name.setMaxLength(64)
        self.url = QLineEdit(mask_url(camera.url) if camera else "", self)
        self.url.setPlaceholderText("rtsp://user:password@host:554/stream1 · http://…/video.mjpg · demo:road")
        self.sub_url = QLineEdit(mask_url(camera.sub_url) if camera and camera.sub_url else "", self)
        self.onvif_url = QLineEdit(mask_url(camera.onvif_url) if camera and camera.onvif_url else "", self)
        self.onvif_url.setPlaceholderText("http://user:password@host/onvif/device_service")
        self.lon = self._coordinate(180, camera.lon if camera else None)
        self.lat = self._coordinate(90, camera.lat if camera else None)
        self.group = QLineEdit(camera.group if camera else "", self)
        if groups:
            self.group.setCompleter(QCompleter(groups, self))
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #f85149;")
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Stream URL"), self.url)
        form.addRow(self.tr("Sub-stream URL"), self.sub_url)
        form.addRow(self.tr("ONVIF (PTZ) address"), self.onvif_url)
        form.addRow(self.tr("Longitude"), self.lon)
        form.addRow(self.tr("Latitude"), self.lat)
        form.addRow(self.tr("Group"), self.group)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for field in (self.name, self.url, self.sub_url, self.onvif_url):
            field.textChanged.connect(self._validate)
        self._validate()
        self.resize(560, self.sizeHint().height())

    def _coordinate(self, high: float, value: float | None) -> QDoubleSpinBox:
        """A coordinate box whose lowest value means "not set" (the store checks the range)."""
        box = QDoubleSpinBox(self)
        box.setDecimals(6)
        box.setRange(_NO_VALUE, high)
        box.setSpecialValueText(self.tr("not set"))
        box.setValue(value if value is not None else _NO_VALUE)
        return box

    @staticmethod
    def _value(box: QDoubleSpinBox) -> float | None:
        return None if box.value() <= _NO_VALUE else box.value()

    def fields(self) -> CameraFields:
        stored = self.camera
        sub = unmask(self.sub_url.text(), stored.sub_url if stored else None)
        onvif = unmask(self.onvif_url.text(), stored.onvif_url if stored else None)
        return CameraFields(self.name.text().strip(), unmask(self.url.text(), stored.url if stored else None),
                            sub or None, onvif or None, self._value(self.lon), self._value(self.lat),
                            self.group.text().strip())

    def _validate(self) -> None:
        """The store's own URL checks, so the dialog refuses what saving would refuse (credentials masked)."""
        fields = self.fields()
        problems = [self.tr("A camera needs a name")] if not fields.name else []
        problems += [check_source_url(url) for url in (fields.url, fields.sub_url) if url is not None]
        if fields.onvif_url is not None:
            problems.append(check_onvif_url(fields.onvif_url))
        problem = next((p for p in problems if p), "")
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
