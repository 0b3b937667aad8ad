"""A small, strict ``multipart/form-data`` parser (RFC 7578) for bodies already in memory.

Not :mod:`cgi` (deprecated, and warnings are errors here) and not :mod:`email`'s message parser (it
turns binary parts into text and back, slowly, for photos of several MiB).  The body is split on its
boundary with :meth:`bytes.find`; each part's headers are read with :class:`email.message.Message` for
the quoting rules of ``Content-Disposition``.  Anything not well formed is a :class:`MultipartError`:
a missing or malformed boundary, a part without headers or without ``name``, a missing final
delimiter, more than ``max_parts`` parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message


class MultipartError(ValueError):
    """The body is not well-formed ``multipart/form-data``; the message says what is wrong."""


@dataclass(frozen=True)
class Part:
    """One form field: its ``name``, the ``filename`` of a file part (else None), its declared type and bytes."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def boundary_of(content_type: str) -> str:
    """The boundary parameter of a ``multipart/form-data`` Content-Type header."""
    message = Message()
    message["content-type"] = content_type
    if message.get_content_type() != "multipart/form-data":
        raise MultipartError("send multipart/form-data")
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise MultipartError("multipart/form-data without a valid boundary")
    return boundary


def parse(body: bytes, content_type: str, max_parts: int = 32) -> list[Part]:
    """The parts of ``body``, in order."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    if body.startswith(delimiter):
        position = len(delimiter)
    else:  # a preamble before the first delimiter is allowed (and ignored)
        first = body.find(b"\r\n" + delimiter)
        if first < 0:
            raise MultipartError("the body has no multipart boundary")
        position = first + 2 + len(delimiter)
    parts: list[Part] = []
    separator = b"\r\n" + delimiter
    while True:
        if body.startswith(b"--", position):
            return parts  # the final delimiter; an epilogue after it is ignored
        if not body.startswith(b"\r\n", position):
            raise MultipartError("malformed multipart delimiter")
        if len(parts) == max_parts:
            raise MultipartError(f"more than {max_parts} parts")
        start = position + 2
        end = body.find(separator, start)
        if end < 0:
            raise MultipartError("the body ends before the final multipart boundary")
        parts.append(_part(body[start:end]))
        position = end + len(separator)


def _part(raw: bytes) -> Part:
    head_end = raw.find(b"\r\n\r\n")
    if raw.startswith(b"\r\n"):
        head, data = b"", raw[2:]
    elif head_end < 0:
        raise MultipartError("a multipart part without headers")
    else:
        head, data = raw[:head_end], raw[head_end + 4:]
    message = Message()
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise MultipartError("multipart part headers are not UTF-8") from None
    for line in text.split("\r\n") if text else []:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise MultipartError("malformed multipart part header")
        message[name.strip()] = value.strip()
    disposition = message.get("content-disposition")
    if disposition is None or message.get_content_disposition() != "form-data":
        raise MultipartError("a multipart part without Content-Disposition: form-data")
    name = message.get_param("name", header="content-disposition")
    if not isinstance(name, str) or not name:
        raise MultipartError("a multipart part without a name")
    filename = message.get_filename()
    return Part(name, filename, message.get("content-type", "text/plain"), data)
