"""Pictures decoded on worker threads without Qt's object machinery.

Qt's image readers are not safe to use off the GUI thread here: probing a picture's format
runs every image plug-in, and the SVG plug-in builds a ``QTextStream`` — a ``QObject`` whose
construction takes one of Qt's signal-slot locks while the calling Python thread holds the
GIL.  The GUI thread, disconnecting a signal, holds such a lock while it waits for the GIL
(PySide asks Python whether ``disconnectNotify`` is overridden): both wait for ever.  CI
caught exactly that, twice, in the base map's tile workers.  So workers decode with OpenCV
(which takes no Qt lock) and wrap the pixels in a ``QImage`` that owns a copy of them; a
``QImage`` is plain memory, safe on any thread.
"""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtGui import QImage

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def decode_picture(data: bytes) -> QImage | None:
    """``data`` (PNG, JPEG, WebP, BMP, …) as a ``QImage`` owning its pixels, or None if it is no picture.

    JPEGs are turned upright by their EXIF orientation; PNGs keep their alpha channel."""
    if not data:
        return None
    buffer = np.frombuffer(data, np.uint8)
    flags = cv2.IMREAD_UNCHANGED if data.startswith(PNG_MAGIC) else cv2.IMREAD_COLOR
    try:
        pixels = cv2.imdecode(buffer, flags)
    except cv2.error:
        return None
    if pixels is None or pixels.size == 0:
        return None
    if pixels.dtype != np.uint8:  # 16-bit PNG
        pixels = (pixels >> 8).astype(np.uint8)
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
    elif pixels.shape[2] == 2:  # grey with alpha
        pixels = cv2.cvtColor(pixels[:, :, 0], cv2.COLOR_GRAY2BGR)
    pixels = np.ascontiguousarray(pixels)
    height, width, channels = pixels.shape
    # Little-endian ARGB32 is B, G, R, A in memory: OpenCV's BGRA as it is.
    kind = QImage.Format.Format_ARGB32 if channels == 4 else QImage.Format.Format_BGR888
    return QImage(pixels.data, width, height, pixels.strides[0], kind).copy()
