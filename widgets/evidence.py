"""Evidence from the wall: snapshots with the camera's name and time burnt in."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from widgets.camera_feed import CameraFeed, qimage_format


class EvidenceError(Exception):
    """A snapshot could not be taken or saved (one line, for the operator)."""


def shown_picture(feed: CameraFeed) -> tuple[np.ndarray, float]:
    """A copy of the picture the tiles show of ``feed`` (the tile's size) and its wall-clock time; the fallback
    when the full-size picture cannot be had.  EvidenceError when the camera has shown nothing yet."""
    frame = feed.capture.latest_frame()
    if frame is None:
        raise EvidenceError(QCoreApplication.translate("Evidence", "%1 has no picture to save")
                            .replace("%1", feed.source.name))
    return frame.image.copy(), frame.wall_time


def captioned(pixels: np.ndarray, wall_time: float, camera_name: str) -> QImage:
    """``pixels`` (BGR or BGRA) as a picture with the camera's name and the capture time burnt in."""
    height, width = pixels.shape[:2]
    image = QImage(pixels.data, width, height, pixels.strides[0], qimage_format(pixels))
    return burn_caption(image, camera_name, datetime.fromtimestamp(wall_time))


def burn_caption(image: QImage, camera_name: str, when: datetime) -> QImage:
    """A copy of ``image`` with the camera's name and the capture time burnt into its bottom edge."""
    burnt = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(burnt)
    font = QFont()
    font.setPixelSize(max(12, burnt.height() // 28))
    painter.setFont(font)
    band = font.pixelSize() + 10
    area = QRect(0, burnt.height() - band, burnt.width(), band)
    painter.fillRect(area, QColor(0, 0, 0, 170))
    painter.setPen(QColor("#ffffff"))
    painter.drawText(area.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                     camera_name)
    painter.drawText(area.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                     when.strftime("%Y-%m-%d %H:%M:%S"))
    painter.end()
    return burnt


def save_image(image: QImage, path: str | Path) -> None:
    """Write ``image`` as PNG or JPEG (by the file's suffix); a full disk or bad folder is a clear error."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".jpg", ".jpeg"):
        raise EvidenceError(QCoreApplication.translate("Evidence", "Save snapshots as .png or .jpg, not %1")
                            .replace("%1", suffix or "''"))
    data = encode_image(image, "PNG" if suffix == ".png" else "JPG")
    try:
        write_whole(path, data)
    except OSError as exc:
        raise EvidenceError(QCoreApplication.translate("Evidence", "Could not save %1: %2").replace("%1", str(path))
                            .replace("%2", os_error_text(exc))) from exc


#: Errors that mean "no room left": a full disk, or the user's quota used up.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def os_error_text(exc: OSError) -> str:
    """What went wrong, in a few words for the operator: "the disk is full" rather than an error number."""
    if exc.errno in DISK_FULL:
        return QCoreApplication.translate("Evidence", "the disk is full")
    return exc.strerror or str(exc)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that it appears complete or not at all: through a temporary file in the
    same folder, renamed over ``path`` once written and flushed to disk.  On failure (a full disk) nothing
    is left behind and a file already at ``path`` stays as it was.  ``path`` naming something other than a
    regular file (a device, a pipe) is written directly."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as out:
            out.write(data)
        return
    handle, partial = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f"{path.suffix}.part", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            os.fchmod(handle, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)  # mkstemp made it 0600
            os.fsync(handle)  # a full disk may only say so here
        finally:
            os.close(handle)
        os.replace(partial, path)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


def encode_image(image: QImage, fmt: str = "JPG", quality: int = 90) -> bytes:
    """``image`` encoded in memory as ``fmt`` (``"JPG"`` or ``"PNG"``)."""
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(device, fmt, quality if fmt == "JPG" else -1):
        raise EvidenceError(QCoreApplication.translate("Evidence", "Could not encode the picture"))
    device.close()
    return bytes(buffer.data())
