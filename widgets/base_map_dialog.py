"""Choose the map's base map: a tile folder, an MBTiles file or an intranet URL template, its datum and strength."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget)

from console.maps.setting import BaseMapSetting
from console.maps.tiles import MAX_ZOOM


class BaseMapDialog(QDialog):
    """Edits a :class:`BaseMapSetting`; :meth:`setting` is the operator's choice (an empty source: no base map)."""

    def __init__(self, setting: BaseMapSetting, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Base map"))
        self.source = QLineEdit(setting.source, self)
        self.source.setPlaceholderText(self.tr("a tile folder, an .mbtiles file or http://host/tiles/{z}/{x}/{y}.png"))
        self.source.setMinimumWidth(420)
        folder = QPushButton(self.tr("Folder…"), self)
        mbtiles = QPushButton(self.tr("MBTiles file…"), self)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(folder)
        source_row.addWidget(mbtiles)
        self.gcj02 = QCheckBox(self.tr("The tiles are drawn in GCJ-02 (Chinese base maps)"), self)
        self.gcj02.setChecked(setting.gcj02)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(10, 100)
        self.opacity.setValue(round(setting.opacity * 100))
        self.min_zoom, self.max_zoom = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.min_zoom, setting.min_zoom), (self.max_zoom, setting.max_zoom)):
            box.setRange(0, MAX_ZOOM)
            box.setValue(value)
        zooms = QHBoxLayout()
        zooms.addWidget(self.min_zoom)
        zooms.addWidget(QLabel("–"))
        zooms.addWidget(self.max_zoom)
        zooms.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Tiles"), source_row)
        form.addRow("", self.gcj02)
        form.addRow(self.tr("Strength"), self.opacity)
        form.addRow(self.tr("Zoom levels (URL)"), zooms)
        hint = QLabel(self.tr("Leave the tiles empty for no base map. Tiles are fetched in the background and "
                              "kept in a cache on this computer."), self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        folder.clicked.connect(self._pick_folder)
        mbtiles.clicked.connect(self._pick_mbtiles)

    def setting(self) -> BaseMapSetting:
        return BaseMapSetting(self.source.text(), self.gcj02.isChecked(), self.opacity.value() / 100,
                              self.min_zoom.value(), self.max_zoom.value())

    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Tile folder ({z}/{x}/{y}.png)"))
        if path:
            self.source.setText(path)

    def _pick_mbtiles(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("MBTiles file"), "", self.tr("MBTiles (*.mbtiles)"))
        if path:
            self.source.setText(path)
