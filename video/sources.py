"""What a camera URL names, and how to show it without its credentials.

Pure string work (no I/O, no OpenCV), safe on any thread.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit


class SourceKind(enum.Enum):
    """The families of video source a capture can open."""

    RTSP = "rtsp"      # rtsp:// and rtsps://
    HTTP = "http"      # http(s)://: MJPEG (multipart/x-mixed-replace) or an HLS playlist
    FILE = "file"      # a path or a file:// URL
    DEVICE = "device"  # a local camera: "0", "/dev/video0", "device:0", "device:/dev/video2"
    DEMO = "demo"      # a synthetic scene: "demo:<scene>[?params]"


class InvalidSource(ValueError):
    """A URL no capture can open; the message is one line, fit to show the user, with credentials masked."""


_SCHEMES = {
    "rtsp": SourceKind.RTSP, "rtsps": SourceKind.RTSP,
    "http": SourceKind.HTTP, "https": SourceKind.HTTP,
    "file": SourceKind.FILE,
    "device": SourceKind.DEVICE,
    "demo": SourceKind.DEMO,
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_DEVICE_PATH = re.compile(r"^/dev/video\d+$")
_SECRET_PARAM = re.compile(r"(?:^|[_.-])(?:pass(?:word|wd)?|pwd|token|key|auth\w*|secret|sig(?:nature)?)$",
                           re.IGNORECASE)
MASK = "***"


def source_kind(url: str) -> SourceKind:
    """The kind of source ``url`` names; :class:`InvalidSource` if it is empty or of an unsupported scheme."""
    text = (url or "").strip()
    if not text:
        raise InvalidSource("no video source given")
    if text.isdigit() or _DEVICE_PATH.match(text):
        return SourceKind.DEVICE
    match = _SCHEME.match(text)
    if match is None or len(match.group(1)) == 1:  # no scheme, or a Windows drive letter
        return SourceKind.FILE
    scheme = match.group(1).lower()
    kind = _SCHEMES.get(scheme)
    if kind is None:
        raise InvalidSource(f"unsupported video source {scheme}: in {mask_url(text)} "
                            f"(use rtsp://, http(s)://, a file, a device or demo:)")
    rest = text[match.end():]
    if kind in (SourceKind.RTSP, SourceKind.HTTP):
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
        except ValueError:
            raise InvalidSource(f"malformed URL {mask_url(text)}") from None
        if not parts.hostname:
            raise InvalidSource(f"no host in {mask_url(text)}")
    if kind is SourceKind.DEVICE and not (rest.isdigit() or _DEVICE_PATH.match(rest)):
        raise InvalidSource(f"bad device {text!r}: use device:0 or device:/dev/video0")
    if kind is SourceKind.DEMO and not rest.split("?", 1)[0].strip("/"):
        raise InvalidSource("a demo source needs a scene name, e.g. demo:road")
    if kind is SourceKind.FILE and not urlsplit(text).path:
        raise InvalidSource(f"no path in {text!r}")
    return kind


def device_of(url: str) -> int | str:
    """The OpenCV device for a DEVICE url: an index (``"0"``, ``"device:0"``) or a path (``/dev/video0``)."""
    text = url.strip()
    if text.lower().startswith("device:"):
        text = text[len("device:"):]
    return int(text) if text.isdigit() else text


def mask_url(url: str) -> str:
    """``url`` with its credentials replaced by ``***``: the user-info part and password-like query values.

    ``rtsp://admin:pw@cam/x?token=abc&channel=1`` -> ``rtsp://***@cam/x?token=***&channel=1``.
    Never raises; masks generously (a password holding ``@`` or ``/`` is masked too).
    """
    text = str(url)
    scheme_end = text.find("://")
    if scheme_end >= 0:
        authority_start = scheme_end + 3
        query_start = text.find("?", authority_start)
        before_query = text[authority_start:] if query_start < 0 else text[authority_start:query_start]
        at = before_query.rfind("@")
        if at >= 0:
            text = text[:authority_start] + MASK + text[authority_start + at:]
    question = text.find("?")
    if question < 0:
        return text
    fragment = text.find("#", question)
    query = text[question + 1:] if fragment < 0 else text[question + 1:fragment]
    tail = "" if fragment < 0 else text[fragment:]
    return text[:question + 1] + "&".join(_mask_param(param) for param in query.split("&")) + tail


def _mask_param(param: str) -> str:
    name, equals, value = param.partition("=")
    if equals and value and _SECRET_PARAM.search(name):
        return f"{name}={MASK}"
    return param
