"""Photos are judged by their bytes: type and pixel size from the content, a small upright thumbnail."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from console.storage.photos import PhotoError, header_size, prepare


def _encode(kind: str, width: int, height: int, *params) -> bytes:
    image = np.zeros((height, width, 3), np.uint8)
    image[::7] = 255
    return cv2.imencode(kind, image, list(params))[1].tobytes()


@pytest.mark.parametrize("data, mime, size", [
    (_encode(".jpg", 1200, 700), "image/jpeg", (1200, 700)),
    (_encode(".jpg", 640, 1000, cv2.IMWRITE_JPEG_PROGRESSIVE, 1), "image/jpeg", (640, 1000)),
    (_encode(".png", 100, 2000), "image/png", (100, 2000)),
])
def test_the_type_and_size_come_from_the_content_whatever_the_name_says(data, mime, size):
    assert header_size(data, mime) == size
    photo = prepare(1, "C:\\Users\\me\\photo.gif", data)
    assert (photo.mime, (photo.width, photo.height), photo.filename) == (mime, size, "photo.gif")
    thumb = cv2.imdecode(np.frombuffer(photo.thumbnail, np.uint8), cv2.IMREAD_COLOR)
    assert max(thumb.shape[:2]) == min(160, max(size)) and thumb.shape[1] / thumb.shape[0] == pytest.approx(
        size[0] / size[1], rel=0.1)


@pytest.mark.parametrize("data, message", [
    (b"", "photo 3 is not a JPEG or PNG image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo 3 is not a JPEG or PNG image"),
    (_encode(".png", 100, 100)[:60], "photo 3 is not a JPEG or PNG image"),
    (_encode(".bmp", 100, 100), "photo 3 is not a JPEG or PNG image"),
])
def test_anything_else_is_refused(data, message):
    with pytest.raises(PhotoError, match=message) as refused:
        prepare(3, "x.jpg", data)
    assert refused.value.status == 400


def test_a_nameless_photo_gets_a_name():
    assert prepare(2, "", _encode(".png", 10, 10)).filename == "photo-2.png"
