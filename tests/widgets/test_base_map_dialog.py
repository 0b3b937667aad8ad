"""Choosing the base map: the dialog gives back what the operator set."""

from __future__ import annotations

from console.maps.setting import BaseMapSetting
from widgets.base_map_dialog import BaseMapDialog


def test_the_dialog_shows_the_setting_and_returns_the_edited_one(qtbot):
    dialog = BaseMapDialog(BaseMapSetting("/srv/tiles", gcj02=False, opacity=0.8, min_zoom=3, max_zoom=17))
    qtbot.addWidget(dialog)
    assert dialog.source.text() == "/srv/tiles" and dialog.opacity.value() == 80
    dialog.source.setText("  http://10.0.0.5/tiles/{z}/{x}/{y}.png ")
    dialog.gcj02.setChecked(True)
    dialog.opacity.setValue(60)
    dialog.max_zoom.setValue(18)
    assert dialog.setting() == BaseMapSetting("http://10.0.0.5/tiles/{z}/{x}/{y}.png", True, 0.6, 3, 18)
    dialog.source.clear()
    assert not dialog.setting().enabled  # no base map
