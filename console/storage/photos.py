"""Photos as they are stored: checked by content, measured, thumbnailed, written to the blob store.

A photo is accepted only when its bytes are a JPEG (``FF D8 FF``) or a PNG (``89 50 4E 47 0D 0A 1A 0A``)
that OpenCV decodes -- whatever its filename or declared type says -- of at most :data:`MAX_PHOTO_BYTES`
and :data:`MAX_PIXELS`.  The pixel size is read from the file's header *before* decoding, so that a small
file claiming to be 50,000 x 50,000 pixels (a decompression bomb) is refused without allocating gigabytes.
Each stored photo gets a JPEG thumbnail of at most :data:`THUMBNAIL_SIDE` pixels on its long side, kept
inline in the attachment row.  OpenCV, not Qt: the storage layer never imports Qt.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import datetime

import cv2
import numpy as np
from sqlalchemy.orm import Session

from console.storage.blobs import BlobStore, sha256_of
from console.storage.models import Attachment

if TYPE_CHECKING:
    from console.storage.dispatch import FiledIncident

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_SIDE = 160
THUMBNAIL_QUALITY = 80
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class PhotoError(ValueError):
    """A photo that cannot be stored; ``status`` is the HTTP status to answer with, the message says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, ready to be stored: its bytes, type, pixel size and thumbnail."""

    filename: str
    mime: str
    data: bytes
    width: int
    height: int
    thumbnail: bytes

    @property
    def sha256(self) -> str:
        return sha256_of(self.data)


def sniff(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` by the file's magic bytes, else None."""
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if data.startswith(PNG_MAGIC):
        return "image/png"
    return None


def header_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR or a JPEG's start-of-frame marker, without decoding; None if absent."""
    if mime == "image/png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return width, height
        position += 2 + length
    return None


def prepare(number: int, filename: str, data: bytes) -> PreparedPhoto:
    """Check photo ``number`` (1-based, for messages) and make its thumbnail; :class:`PhotoError` if refused."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(413, f"photo {number} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MiB")
    mime = sniff(data)
    size = header_size(data, mime) if mime else None
    if mime is None or size is None:
        raise PhotoError(400, f"photo {number} is not a JPEG or PNG image")
    width, height = size
    if width * height > MAX_PIXELS:
        raise PhotoError(400, f"photo {number} has more than {MAX_PIXELS // 1_000_000} megapixels")
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        image = None
    if image is None or image.size == 0:
        raise PhotoError(400, f"photo {number} is not a JPEG or PNG image")
    height, width = image.shape[:2]
    return PreparedPhoto(_clean_name(filename, number, mime), mime, data, width, height, thumbnail(image))


def thumbnail(image: np.ndarray, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG of ``image`` scaled to at most ``side`` pixels on its long side."""
    height, width = image.shape[:2]
    scale = min(1.0, side / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, THUMBNAIL_QUALITY])
    if not ok:
        raise PhotoError(400, "cannot make a thumbnail")
    return encoded.tobytes()


def attach(session: Session, incident: FiledIncident, photos: list[PreparedPhoto], blobs: BlobStore,
           now: datetime) -> None:
    """Store ``photos``' bytes in ``blobs`` and attach them to ``incident``, in ``session``'s transaction."""
    for photo in photos:
        name = blobs.put(session, photo.data)
        session.add(Attachment(incident_id=incident.id, filename=photo.filename, mime=photo.mime, data=None,
                               created_at=now, blob_sha256=name, size=len(photo.data), width=photo.width,
                               height=photo.height, thumbnail=photo.thumbnail))


def _clean_name(filename: str, number: int, mime: str) -> str:
    """The sent file name without any path and control characters (at most 128 characters), else a made-up one."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()[:128]
    return name or f"photo-{number}.{'png' if mime == 'image/png' else 'jpg'}"
