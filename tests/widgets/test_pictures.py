"""Pictures decoded on worker threads: what the base map's tiles and the detail pane's photos look like."""

from __future__ import annotations

import gc
import struct
import threading

import cv2
import numpy as np
from PySide6.QtGui import QColor

from widgets.pictures import decode_picture


def _with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """``jpeg`` with an EXIF block saying how the camera was held (6: turned 90° clockwise)."""
    entry = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)
    body = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def test_a_png_keeps_its_colours_and_its_transparency():
    pixels = np.zeros((20, 30, 4), np.uint8)
    pixels[:, :15] = (255, 0, 0, 255)  # blue, opaque (OpenCV's order is B, G, R, A)
    pixels[:, 15:] = (0, 0, 255, 0)  # red, fully transparent
    image = decode_picture(cv2.imencode(".png", pixels)[1].tobytes())
    assert (image.width(), image.height()) == (30, 20)
    assert image.pixelColor(2, 2) == QColor(0, 0, 255, 255)
    assert image.pixelColor(20, 2).alpha() == 0


def test_a_phone_photo_taken_sideways_is_shown_upright():
    photo = np.full((40, 80, 3), (0, 200, 0), np.uint8)  # 80 wide, 40 high as stored
    jpeg = _with_orientation(cv2.imencode(".jpg", photo)[1].tobytes(), 6)
    image = decode_picture(jpeg)
    assert (image.width(), image.height()) == (40, 80)


def test_grey_and_16_bit_pictures_decode_and_anything_else_is_no_picture():
    grey = decode_picture(cv2.imencode(".png", np.full((8, 8), 128, np.uint8))[1].tobytes())
    assert grey.pixelColor(0, 0) == QColor(128, 128, 128)
    deep = decode_picture(cv2.imencode(".png", np.full((8, 8, 3), 65535, np.uint16))[1].tobytes())
    assert deep.pixelColor(0, 0) == QColor(255, 255, 255)
    assert decode_picture(b"") is None
    assert decode_picture(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert decode_picture(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40) is None


def test_the_image_owns_its_pixels_and_outlives_the_worker_that_made_it():
    made = []
    data = cv2.imencode(".png", np.full((16, 16, 3), (10, 20, 30), np.uint8))[1].tobytes()
    worker = threading.Thread(target=lambda: made.append(decode_picture(data)))
    worker.start()
    worker.join(10)
    gc.collect()
    assert made[0].pixelColor(5, 5) == QColor(30, 20, 10)
