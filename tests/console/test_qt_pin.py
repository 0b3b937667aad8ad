"""PySide6 6.12.0 on Python 3.11 aborts painting loops (a reference to None is dropped per call).

See ../shared/PLATFORM-NOTES.md; the pin in pyproject.toml keeps us off it, and this test
would crash the interpreter if a broken build slipped in.
"""

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter


def test_twenty_thousand_paint_calls_in_one_process(qapp):
    target = QImage(64, 64, QImage.Format.Format_RGB32)
    frame = QImage(32, 32, QImage.Format.Format_RGB32)
    frame.fill(QColor("#336699"))
    painter = QPainter(target)
    for i in range(5_000):
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, i % 2 == 0)
        painter.fillRect(QRect(0, 0, 64, 64), Qt.GlobalColor.black)
        painter.drawImage(QRect(i % 32, 0, 32, 32), frame)
        target.pixel(0, 0)
        frame.fill(QColor(i % 256, 0, 0))
    painter.end()
    assert QColor(target.pixel(10, 10)).red() == 4_998 % 256  # the frame drawn last was filled at i-1
