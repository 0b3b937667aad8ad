"""The command room's look: a dark theme by default, a light one selectable, readable at a distance."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("dark", "light")

_DARK = {
    QPalette.ColorRole.Window: "#1b1f24", QPalette.ColorRole.WindowText: "#e6e9ed",
    QPalette.ColorRole.Base: "#12161a", QPalette.ColorRole.AlternateBase: "#1a1f25",
    QPalette.ColorRole.ToolTipBase: "#2a3038", QPalette.ColorRole.ToolTipText: "#e6e9ed",
    QPalette.ColorRole.Text: "#e6e9ed", QPalette.ColorRole.Button: "#262c33",
    QPalette.ColorRole.ButtonText: "#e6e9ed", QPalette.ColorRole.BrightText: "#ff5c5c",
    QPalette.ColorRole.Highlight: "#2f6fb2", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6cb4ff", QPalette.ColorRole.PlaceholderText: "#7d8794",
    QPalette.ColorRole.Mid: "#3a424c", QPalette.ColorRole.Dark: "#0d1013",
    QPalette.ColorRole.Light: "#39414b", QPalette.ColorRole.Midlight: "#303740",
    QPalette.ColorRole.Shadow: "#000000",
}
_DARK_DISABLED = {QPalette.ColorRole.Text: "#69727d", QPalette.ColorRole.ButtonText: "#69727d",
                  QPalette.ColorRole.WindowText: "#69727d"}

_STYLESHEET = """
QToolBar { spacing: 4px; padding: 2px; }
QDockWidget::title { padding: 4px 6px; font-weight: bold; }
QStatusBar QLabel { padding: 0 8px; }
QHeaderView::section { padding: 4px 6px; font-weight: bold; }
QTableView { gridline-color: palette(mid); }
"""


def apply_theme(app: QApplication, name: str = "dark") -> str:
    """Apply the named theme (unknown names fall back to dark) and return the one applied."""
    name = name if name in THEMES else "dark"
    app.setStyle("Fusion")
    palette = QPalette()
    if name == "dark":
        for role, colour in _DARK.items():
            palette.setColor(QPalette.ColorGroup.All, role, QColor(colour))
        for role, colour in _DARK_DISABLED.items():
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    app.setFont(font)
    app.setStyleSheet(_STYLESHEET)
    app.setProperty("gridwatch_theme", name)
    return name


def is_dark(app: QApplication | None = None) -> bool:
    app = app or QApplication.instance()
    return app is not None and app.palette().color(QPalette.ColorRole.Window).lightness() < 128
