"""The camera list as a CSV file: what a camera import reads and an export writes.

The format is what Excel writes: UTF-8 with or without a byte-order mark,
comma-separated (tab- or semicolon-separated files are understood too), a field
quoted with double quotes when it holds a separator, a quote or a line break.
The first non-blank line is the header: ``name`` and ``url`` are required, the
other columns of :data:`CSV_COLUMNS` optional and in any order.  This module only
reads and writes the format; :mod:`console.storage.cameras` validates the values.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CSV_COLUMNS = ("name", "url", "sub_url", "lon", "lat", "group", "onvif_url")
REQUIRED_COLUMNS = ("name", "url")
SEPARATORS = (",", "\t", ";")


class CameraCsvError(ValueError):
    """The file is not a camera list at all: unreadable, not UTF-8 text, or no name,url header."""


@dataclass(frozen=True)
class CsvRow:
    """One record of the file: the line it starts on, its stripped values by column, and what is
    wrong with its shape (empty when nothing is)."""

    line: int
    values: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def read_camera_csv(source: str | bytes | os.PathLike) -> list[CsvRow]:
    """The data records of a camera CSV, in file order; blank lines are skipped.

    ``source`` is a path (``os.PathLike``, or a ``str`` without line breaks), the
    file's bytes, or its text (a ``str`` with line breaks)."""
    text = _text_of(source)
    if "\x00" in text:
        raise CameraCsvError("not a CSV file: it holds binary data")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    rows: list[CsvRow] = []
    columns: list[str] = []
    try:
        line = reader.line_num + 1
        for record in reader:
            if not any(cell.strip() for cell in record):
                pass
            elif not columns:
                columns = _columns(record)
            else:
                rows.append(_row(line, columns, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CameraCsvError(f"not a CSV file: line {reader.line_num}: {exc}") from None
    return rows


def write_camera_csv(records: Iterable[Sequence[object]]) -> str:
    """CSV text of a header of :data:`CSV_COLUMNS` and one line per record (values in that order;
    None is written as an empty field)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(["" if value is None else value for value in record])
    return out.getvalue()


def _text_of(source: str | bytes | os.PathLike) -> str:
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return source.removeprefix("\ufeff")
    if isinstance(source, bytes):
        data, label = source, "the file"
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CameraCsvError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
        label = str(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CameraCsvError(f"{label} is not UTF-8 text (in Excel, save it as \"CSV UTF-8\")") from None


def _separator(text: str) -> str:
    """The separator that makes the first non-blank line a header naming the required columns."""
    for line in io.StringIO(text, newline=""):
        if not line.strip():
            continue
        for separator in SEPARATORS:
            cells = next(csv.reader([line], delimiter=separator), [])
            if set(REQUIRED_COLUMNS) <= {_column_name(cell) for cell in cells}:
                return separator
        break
    raise CameraCsvError("not a camera list: the first line must be a header with the columns "
                         + ",".join(CSV_COLUMNS) + " (name and url required)")


def _column_name(cell: str) -> str:
    return cell.strip().lower()


def _columns(header: list[str]) -> list[str]:
    """The header's column names; an empty one (Excel's trailing separators) is kept as ``""``."""
    names = [_column_name(cell) for cell in header]
    seen: set[str] = set()
    for name in names:
        if name and name not in CSV_COLUMNS:
            raise CameraCsvError(f"unknown column {name!r} in the header; the columns are "
                                 + ",".join(CSV_COLUMNS))
        if name and name in seen:
            raise CameraCsvError(f"column {name!r} appears twice in the header")
        seen.add(name)
    return names


def _row(line: int, columns: list[str], record: list[str]) -> CsvRow:
    extra = [cell for cell in record[len(columns):] if cell.strip()]
    unnamed = [cell for name, cell in zip(columns, record) if not name and cell.strip()]
    values = {name: cell.strip() for name, cell in zip(columns, record) if name}
    if extra or unnamed:
        return CsvRow(line, values, f"{len(record)} fields, but the header names {sum(map(bool, columns))}")
    return CsvRow(line, values)
