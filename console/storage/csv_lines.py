"""The queue export's CSV lines as UTF-8 bytes, made from the rows its query selects.

Texts arrive as the database's UTF-8 bytes (SQLite with ``text_factory=bytes``) and go out as they are:
no decoding and re-encoding per cell.  Quoting works on bytes just as on text, since every byte of a
multi-byte UTF-8 character is above 0x7F and never looks like a quote, comma or line break.  Free text is
quoted as RFC 4180 says, and a cell that Excel would take for a formula (``=``, ``+``, ``-``, ``@``) gets
a leading apostrophe; a batch whose texts need neither (the usual case) is checked once, in C, instead of
cell by cell.

Imports neither SQLAlchemy nor Qt: the export's helper process (:mod:`console.storage.queue_export_part`)
formats its half of the rows with this module and :mod:`sqlite3` alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

#: A selected row: number, title, codes (``status|category|subitem|source|level``), place
#: (``village_id * PLACE_FACTOR + grid_id``), reporter, assignee, then four times in epoch seconds
#: (created, deadline, resolved, closed; the last two may be None).
Row = tuple

#: ``village_id * PLACE_FACTOR + grid_id`` is one row's place (0 for none).
PLACE_FACTOR = 1 << 32

#: A free-text cell starting with one of these is a formula to Excel: it gets a leading apostrophe.
_FORMULA_STARTS = (b"=", b"+", b"-", b"@", b"\t", b"\r")
#: In a batch's texts joined by commas: what a cell that needs quoting or an apostrophe would show.
_NEEDS_CELL = (b'"', b"\n", b"\r", b",=", b",+", b",-", b",@", b",\t")
_MINUTES = tuple(f"{m:02d}".encode() for m in range(60))
_UNKNOWN = object()


@dataclass(frozen=True)
class LineFormat:
    """Everything the lines depend on besides the rows: plain data, so the helper process gets a copy.

    ``villages`` and ``grids`` map ids to finished cells; the name maps are the display names of
    :class:`console.storage.queue_export.ExportNames` (a code without a name is written as it is)."""

    villages: dict[int, bytes]
    grids: dict[int, bytes]
    statuses: dict[str, str]
    levels: dict[int, str]
    sources: dict[str, str]
    categories: dict[str, str]
    subitems: dict[str, str]
    yes: bytes
    no: bytes
    #: Epoch seconds: an open incident whose deadline is before this is overdue.
    now: int
    open_statuses: tuple[str, ...]
    #: Whether the local zone is whole hours from UTC (:func:`whole_hour_zone`): times come from a cache of hours.
    whole_hours: bool


def cell(text: bytes) -> bytes:
    """A free-text value as a CSV cell: quoted when it holds a quote, comma or line break; never a formula."""
    if not text:
        return text
    if text.startswith(_FORMULA_STARTS):
        text = b"'" + text
    if b'"' in text or b"," in text or b"\n" in text or b"\r" in text:
        return b'"' + text.replace(b'"', b'""') + b'"'
    return text


def text_cell(text: str) -> bytes:
    """:func:`cell` of a text."""
    return cell(text.encode("utf-8"))


def whole_hour_zone(now: int) -> bool:
    """Whether the local time zone is a whole number of hours from UTC now and half a year either side
    (China: always +8; a zone with daylight saving time is checked in both seasons)."""
    for at in (now, now - 183 * 86400, now + 183 * 86400):
        offset = datetime.fromtimestamp(at).astimezone().utcoffset()
        if offset is None or offset.total_seconds() % 3600:
            return False
    return True


def batch_lines_maker(fmt: LineFormat) -> Callable[[Sequence[Row]], bytes]:
    """A function from a batch of selected rows to their CSV lines, each ending in CRLF (look-ups only: it
    runs a million times).

    The free texts go in as they are when the whole batch needs no quoting (the usual case), else the
    batch's rows get their cells first (:func:`_with_cells`): the line function itself never quotes."""
    villages, grids = fmt.villages, fmt.grids
    # Plain dicts read with .get(): a dict subclass with __missing__ misses CPython's fast subscript
    # and costs more than the look-up saves.
    places: dict[int, bytes] = {}
    place_cells = functools.partial(_place_cells, places, villages, grids)
    coded: dict[bytes, bytes] = {}
    coded_cells = functools.partial(_coded_cells, coded, fmt)
    open_codes = tuple(status.encode() + b"|" for status in fmt.open_statuses)
    yes, no, now = fmt.yes, fmt.no, fmt.now

    if not fmt.whole_hours:
        when = _TimeFormatter()

        def any_zone_line(r) -> bytes:
            number, title, codes, place, reporter, assignee, created, deadline, resolved, closed = r
            return b",".join((
                number, title, coded.get(codes) or coded_cells(codes), places.get(place) or place_cells(place),
                reporter, assignee, when(created), when(deadline), when(resolved), when(closed),
                yes if deadline < now and codes.startswith(open_codes) else no))
        return functools.partial(_batch_lines, any_zone_line)

    # The local offset is whole hours: a time is its UTC hour's "YYYY-MM-DD HH:" plus the minutes,
    # computed inline (four calls a row cost a third of the export).
    hours: dict[int, bytes] = {}
    minutes = _MINUTES

    def hour(h: int) -> bytes:
        prefix = hours[h] = datetime.fromtimestamp(h * 3600).strftime("%Y-%m-%d %H:").encode()
        return prefix

    def line_of(r) -> bytes:
        number, title, codes, place, reporter, assignee, created, deadline, resolved, closed = r
        h, s = divmod(created, 3600)
        created = (hours.get(h) or hour(h)) + minutes[s // 60]
        h, s = divmod(deadline, 3600)
        due = (hours.get(h) or hour(h)) + minutes[s // 60]
        if resolved is None:
            resolved = b""
        else:
            h, s = divmod(resolved, 3600)
            resolved = (hours.get(h) or hour(h)) + minutes[s // 60]
        if closed is None:
            closed = b""
        else:
            h, s = divmod(closed, 3600)
            closed = (hours.get(h) or hour(h)) + minutes[s // 60]
        return b",".join((
            number, title, coded.get(codes) or coded_cells(codes), places.get(place) or place_cells(place),
            reporter, assignee, created, due, resolved, closed,
            yes if deadline < now and codes.startswith(open_codes) else no))

    return functools.partial(_batch_lines, line_of)


def _batch_lines(line_of: Callable[[Row], bytes], rows: Sequence[Row]) -> bytes:
    if not all(_are_cells([row[i] for row in rows]) for i in (0, 1, 4, 5)):
        rows = list(map(_with_cells, rows))
    return b"\r\n".join(map(line_of, rows)) + b"\r\n"


def _are_cells(texts: list[bytes]) -> bool:
    """Whether each of ``texts`` is its own CSV cell, as :func:`cell` would leave it: checked on the texts
    joined, in C, which for a batch costs far less than one :func:`cell` call per row."""
    joined = b"," + b",".join(texts)
    return joined.count(b",") == len(texts) and not any(mark in joined for mark in _NEEDS_CELL)


def _with_cells(row: Row) -> Row:
    """A selected row with its free texts (number, title, reporter, assignee) as CSV cells."""
    number, title, codes, place, reporter, assignee, *times = row
    return (cell(number), cell(title), codes, place, cell(reporter), cell(assignee), *times)


class _TimeFormatter:
    """Epoch seconds → local ``YYYY-MM-DD HH:MM`` in any zone: the ``YYYY-MM-DD HH:`` prefix is cached per
    hour where the local offset is whole hours at that time; hours where it is not (India's +5:30, say)
    are formatted one by one."""

    def __init__(self):
        self._hours: dict[int, bytes | None] = {}

    def __call__(self, seconds: int | None) -> bytes:
        if seconds is None:
            return b""
        hour, rest = divmod(seconds, 3600)
        prefix = self._hours.get(hour, _UNKNOWN)
        if prefix is _UNKNOWN:
            start = datetime.fromtimestamp(hour * 3600)
            prefix = self._hours[hour] = start.strftime("%Y-%m-%d %H:").encode() if start.minute == 0 else None
        if prefix is None:
            return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M").encode()
        return prefix + _MINUTES[rest // 60]


def _place_cells(cache: dict[int, bytes], villages: dict[int, bytes], grids: dict[int, bytes], place: int) -> bytes:
    """``village_id * 2**32 + grid_id`` → the village and grid cells (``江桥村,第1网格``), remembered in
    ``cache``."""
    village_id, grid_id = divmod(place, PLACE_FACTOR)
    value = cache[place] = villages.get(village_id, b"") + b"," + grids.get(grid_id, b"")
    return value


def _coded_cells(cache: dict[bytes, bytes], fmt: LineFormat, codes: bytes) -> bytes:
    """``status|category|subitem|source|level`` → the cells status, level, category, sub-item and source,
    remembered in ``cache`` (a few thousand combinations at most)."""
    status, category, subitem, source, level = codes.decode("utf-8").split("|")
    level_name = fmt.levels.get(int(level), level) if level.isdigit() else level
    value = cache[codes] = b",".join(text_cell(str(text)) for text in (
        fmt.statuses.get(status, status), level_name, fmt.categories.get(category, category),
        fmt.subitems.get(subitem, subitem), fmt.sources.get(source, source)))
    return value
