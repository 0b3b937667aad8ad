"""One log line per answered request, with no secrets in it.

The line goes to the ``gridwatch.access`` logger at INFO::

    127.0.0.1 "GET /?id=phone-1&lat=30.1&lon=120.3" 200 0B 1.4ms
    127.0.0.1 "POST /open311/v2/requests.json?api_key=***" 403 96B 0.3ms

peer, method, path and query string, status, body bytes of the answer, milliseconds from the
request's last byte to its answer.  What is never logged: request headers (OwnTracks sends a
password in ``Authorization``), request bodies (Open311's ``api_key`` travels in the form body),
and the value of any query parameter whose name looks like a credential (:data:`SECRET_NAME`:
``api_key``, ``password``, ``token``, ...): its value becomes ``***``; nor the user name and password of a URL
given as a query value (``media_url=rtsp://admin:secret@cam/...`` is logged as ``rtsp://***@cam/...``).
Device ids are not secrets (the phone must be registered anyway) and stay in, so an operator can follow one phone.
Anything unprintable in the target is escaped, so a client cannot forge log lines.

Formatting costs a few microseconds; when INFO is off for the logger (``gridwatch serve --quiet``,
or a program that never configured logging) nothing is formatted at all.
"""

from __future__ import annotations

import logging
import re
import urllib.parse

log = logging.getLogger("gridwatch.access")

#: Query parameter names whose values are never logged (matched anywhere in the decoded name).
SECRET_NAME = re.compile(r"key|pass|pwd|token|secret|auth|session|sig|cred", re.IGNORECASE)
#: The credentials of a URL (``scheme://user:password@``), replaced by ``***``.
URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")  # to the authority's last "@"
MAX_TARGET = 300


def log_answer(peer: str, method: str, path: str, query: str, status: int, size: int, seconds: float) -> None:
    """Log one answered request (``method``/``path`` ``"-"`` when the request line was unreadable)."""
    if not log.isEnabledFor(logging.INFO):
        return
    target = path + ("?" + redact_query(query) if query else "")
    if len(target) > MAX_TARGET:
        target = target[:MAX_TARGET] + "..."
    log.info('%s "%s %s" %d %dB %.1fms', peer or "-", _printable(method), _printable(target), status, size,
             seconds * 1000)


def redact_query(query: str) -> str:
    """``query`` as sent, with the value of every credential-like parameter replaced by ``***``, and the user
    name and password of every URL value too."""
    parts = []
    for piece in query.split("&"):
        name, sep, raw_value = piece.partition("=")
        if SECRET_NAME.search(urllib.parse.unquote_plus(name)):
            parts.append(f"{name}=***")
            continue
        value = urllib.parse.unquote_plus(raw_value)
        if sep and URL_USERINFO.search(value):
            redacted = URL_USERINFO.sub(r"\1***@", value)
            parts.append(f"{name}={urllib.parse.quote(redacted, safe=':/@*')}")
        else:
            parts.append(piece)
    return "&".join(parts)


def _printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
