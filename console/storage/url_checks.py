"""Checks of the URLs a camera is given, with messages that never show credentials.

A stream URL is whatever :func:`video.sources.source_kind` accepts; an ONVIF
device-service URL is an http(s) URL with a host.  Each check returns the
problem as a phrase (empty when there is none), the URL in it masked.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from video.sources import mask_url, source_kind

MAX_URL = 512


def masked(url: str) -> str:
    """``url`` with user name and password hidden, quoted; safe on text that is no URL at all."""
    return repr(mask_url(url))


def check_source_url(url: str) -> str:
    """Why ``url`` cannot be a camera stream, or ``""``."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL} characters"
    try:
        source_kind(url)
    except ValueError as exc:  # InvalidSource, or a URL that urllib cannot split (e.g. a bad IPv6 host)
        reason = _without_secrets(str(exc), url)
        if mask_url(url) in reason:
            return reason
        return f"{masked(url)} is not a video source" + (f": {reason}" if reason else "")
    return ""


def check_onvif_url(url: str) -> str:
    """Why ``url`` cannot be an ONVIF device-service URL, or ``""``."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL} characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return f"{masked(url)} is not an http(s) URL of an ONVIF device service"
    return ""


def _secrets(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
        found = [parts.username, parts.password]
    except ValueError:
        found = []
    if "@" in url:  # also what a parser could not split, e.g. "rtsp://user:pa ss@host"
        found.append(url.split("://", 1)[-1].rsplit("@", 1)[0])
    return [text for secret in found if secret for text in {secret, unquote(secret)}]


def _without_secrets(reason: str, url: str) -> str:
    """``reason`` with the URL masked; empty if a user name or password would still show."""
    reason = " ".join(reason.replace(url, mask_url(url)).split())
    return "" if any(secret in reason for secret in _secrets(url)) else reason
