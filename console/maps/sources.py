"""Where base-map tiles come from: an XYZ folder, an MBTiles file or an intranet XYZ URL template.

Every source answers :meth:`TileSource.fetch` with the tile's bytes (PNG, JPEG, …), ``None`` when it has
no such tile (the map shows nothing there), or raises :class:`TileSourceError` when it cannot answer at
all (a dead server, an unreadable file).  Sources are called from worker threads, several at once.
:func:`open_source` turns a setting's text into a source.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException
from pathlib import Path
from typing import Protocol, runtime_checkable

from console.maps.cache import TileCache, is_complete_image, namespace_for
from console.maps.tiles import MAX_ZOOM, tms_row

log = logging.getLogger(__name__)

#: Seconds a URL source waits for a tile, from connecting to the last byte.
DEFAULT_TIMEOUT_S = 5.0
#: Zoom levels assumed for a URL template (the server cannot be asked).
DEFAULT_URL_ZOOMS = (0, 18)
#: A tile bigger than this is not a map tile.
MAX_TILE_BYTES = 8 * 1024 * 1024
#: File endings an XYZ folder's tiles may have, tried in this order.
TILE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
USER_AGENT = "Gridwatch-console/0.1 (base map)"


class TileSourceError(Exception):
    """A base map that cannot answer: its text names the source and the reason, in one line."""


@runtime_checkable
class TileSource(Protocol):
    """A supplier of Web-Mercator XYZ tiles (rows counted from the north), safe to call from many threads."""

    #: The zoom levels it has tiles for.
    min_zoom: int
    max_zoom: int

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's encoded picture, or ``None`` if there is no such tile; :class:`TileSourceError` if
        the source cannot answer."""

    def forget(self, z: int, x: int, y: int) -> None:
        """Drop any cached copy of the tile (it turned out corrupt); a no-op for uncached sources."""

    def close(self) -> None:
        """Release files and connections; no fetch may be running or follow."""


class XyzDirectory:
    """Tiles in a folder as ``{z}/{x}/{y}.png`` (or ``.jpg``, ``.jpeg``, ``.webp``); the zoom levels are
    the numbered folders present."""

    def __init__(self, path: Path | str):
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise TileSourceError(f"no tile folder at {self.path}")
        try:
            zooms = sorted(int(p.name) for p in self.path.iterdir()
                           if p.name.isdigit() and int(p.name) <= MAX_ZOOM and p.is_dir())
        except OSError as error:
            raise TileSourceError(f"cannot read the tile folder {self.path}: {error.strerror or error}") from None
        if not zooms:
            raise TileSourceError(f"{self.path} holds no zoom folders (expected {{z}}/{{x}}/{{y}}.png)")
        self.zoom_levels = tuple(zooms)
        self.min_zoom, self.max_zoom = zooms[0], zooms[-1]
        self._extensions = TILE_EXTENSIONS  # the one found last goes first (folders use one kind)

    def __repr__(self) -> str:
        return f"XyzDirectory({str(self.path)!r})"

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        folder = self.path / str(z) / str(x)
        extensions = self._extensions
        for extension in extensions:
            try:
                data = (folder / f"{y}{extension}").read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as error:
                raise TileSourceError(f"cannot read tile {z}/{x}/{y} in {self.path}: "
                                      f"{error.strerror or error}") from None
            if extension != extensions[0]:
                self._extensions = (extension, *(e for e in TILE_EXTENSIONS if e != extension))
            return data
        return None

    def forget(self, z: int, x: int, y: int) -> None:
        pass

    def close(self) -> None:
        pass


class MBTiles:
    """Tiles in an MBTiles file (SQLite, rows in TMS order), read-only, with one connection per thread.

    The zoom levels come from the ``metadata`` table's ``minzoom``/``maxzoom``, else from the tiles."""

    def __init__(self, path: Path | str):
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise TileSourceError(f"no MBTiles file at {self.path}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            connection = self._connection()
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
            if "tiles" not in names:
                raise TileSourceError(f"{self.path} is not an MBTiles file (it has no tiles table)")
            metadata = dict(connection.execute("SELECT name, value FROM metadata")) if "metadata" in names else {}
            self.metadata = {str(k): str(v) for k, v in metadata.items()}
            if self.metadata.get("format", "").lower() in ("pbf", "mvt"):
                raise TileSourceError(f"{self.path} holds vector tiles (pbf); a base map needs PNG or JPEG tiles")
            low, high = connection.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
            self.min_zoom = _zoom_from(self.metadata.get("minzoom"), low, 0)
            self.max_zoom = _zoom_from(self.metadata.get("maxzoom"), high, MAX_ZOOM)
        except sqlite3.Error as error:
            self.close()
            raise TileSourceError(f"cannot read {self.path} as MBTiles: {error}") from None
        except TileSourceError:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"MBTiles({str(self.path)!r})"

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            with self._lock:
                if self._closed:
                    raise TileSourceError(f"{self.path} is closed")
                # check_same_thread=False only so that close() may close every thread's connection;
                # each connection is used by the one thread that opened it.
                connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                             check_same_thread=False)
                self._connections.append(connection)
            self._local.connection = connection
        return connection

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        try:
            row = self._connection().execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, tms_row(z, y))).fetchone()
        except sqlite3.Error as error:
            raise TileSourceError(f"cannot read tile {z}/{x}/{y} from {self.path}: {error}") from None
        return bytes(row[0]) if row is not None and row[0] is not None else None

    def forget(self, z: int, x: int, y: int) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()


def _zoom_from(text: str | None, found: int | None, default: int) -> int:
    """A zoom level from MBTiles metadata text, else the one found in the tiles, else ``default``."""
    try:
        return max(0, min(MAX_ZOOM, int(float(text))))
    except (TypeError, ValueError):
        return default if found is None else int(found)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KNOWN_PLACEHOLDERS = {"z", "x", "y", "-y", "s"}


class UrlTemplate:
    """Tiles from an XYZ server, e.g. ``http://tiles.intranet/{z}/{x}/{y}.png``.

    Placeholders: ``{z}``, ``{x}``, ``{y}``; ``{-y}`` for a TMS server (rows from the south); ``{s}`` for one
    of ``subdomains`` (picked by tile, so a tile always comes from the same host).  Each request gives up
    after ``timeout_s`` seconds in all; HTTP 404 (and an empty answer) means "no such tile"."""

    def __init__(self, template: str, *, min_zoom: int = DEFAULT_URL_ZOOMS[0], max_zoom: int = DEFAULT_URL_ZOOMS[1],
                 timeout_s: float = DEFAULT_TIMEOUT_S, subdomains: str = "abc"):
        self.template = template.strip()
        parsed = urllib.parse.urlsplit(self.template)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise TileSourceError(f"not an http(s) tile URL: {template!r}")
        names = set(_PLACEHOLDER.findall(self.template))
        unknown = sorted(names - _KNOWN_PLACEHOLDERS)
        if unknown:
            raise TileSourceError(f"unknown placeholder {{{unknown[0]}}} in {template!r} "
                                  "(use {z}, {x}, {y} or {-y}, and {s})")
        if not {"z", "x"} <= names or not names & {"y", "-y"}:
            raise TileSourceError(f"a tile URL needs {{z}}, {{x}} and {{y}}: {template!r}")
        if "s" in names and not subdomains:
            raise TileSourceError(f"{template!r} uses {{s}} but no subdomains are given")
        if not 0 <= min_zoom <= max_zoom <= MAX_ZOOM:
            raise TileSourceError(f"bad zoom range {min_zoom}-{max_zoom} for {template!r}")
        self.min_zoom, self.max_zoom = min_zoom, max_zoom
        self.timeout_s = timeout_s
        self.subdomains = subdomains
        self.host = parsed.netloc.rsplit("@", 1)[-1]  # never show credentials in a message

    def __repr__(self) -> str:
        return f"UrlTemplate({self.host!r})"

    def url(self, z: int, x: int, y: int) -> str:
        """The tile's URL."""
        values = {"z": z, "x": x, "y": y, "-y": tms_row(z, y),
                  "s": self.subdomains[(x + y) % len(self.subdomains)] if self.subdomains else ""}
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.template)

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        request = urllib.request.Request(self.url(z, x, y), headers={"User-Agent": USER_AGENT})
        deadline = time.monotonic() + self.timeout_s
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                data = _read_until(response, deadline)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 404:
                return None
            raise TileSourceError(f"tile server {self.host} answered HTTP {error.code} {error.reason}") from None
        except TimeoutError:
            raise TileSourceError(f"tile server {self.host} did not answer within {self.timeout_s:g} s") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise TileSourceError(f"tile server {self.host} did not answer within {self.timeout_s:g} s") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise TileSourceError(f"cannot reach tile server {self.host}: {text}") from None
        except (OSError, HTTPException) as error:
            raise TileSourceError(f"tile server {self.host} failed: {getattr(error, 'strerror', None) or error}") \
                from None
        if not data:
            return None
        if kind.startswith("text/"):
            raise TileSourceError(f"tile server {self.host} answered {kind} instead of a picture "
                                  f"(is the URL template right?)")
        return data

    def forget(self, z: int, x: int, y: int) -> None:
        pass

    def close(self) -> None:
        pass


def _read_until(response, deadline: float) -> bytes:
    """The whole body, or :class:`TimeoutError` once ``deadline`` (``time.monotonic``) passes."""
    chunks, size = [], 0
    while True:
        chunk = response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_TILE_BYTES:
            raise TileSourceError(f"a tile bigger than {MAX_TILE_BYTES // (1024 * 1024)} MiB: not a map tile")
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError()


class CachedSource:
    """Another source behind a :class:`TileCache`: a tile fetched once is read from disk afterwards.

    Only complete pictures are stored; "no such tile" is not stored (the server may get it later)."""

    def __init__(self, inner: TileSource, cache: TileCache, namespace: str):
        self.inner = inner
        self.cache = cache
        self.namespace = namespace
        self.min_zoom, self.max_zoom = inner.min_zoom, inner.max_zoom

    def __repr__(self) -> str:
        return f"CachedSource({self.inner!r})"

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        data = self.cache.get(self.namespace, z, x, y)
        if data is not None:
            return data
        data = self.inner.fetch(z, x, y)
        if data is not None and is_complete_image(data):
            self.cache.put(self.namespace, z, x, y, data)
        return data

    def forget(self, z: int, x: int, y: int) -> None:
        self.cache.discard(self.namespace, z, x, y)
        self.inner.forget(z, x, y)

    def close(self) -> None:
        self.inner.close()


def open_source(spec: str, *, min_zoom: int = DEFAULT_URL_ZOOMS[0], max_zoom: int = DEFAULT_URL_ZOOMS[1],
                timeout_s: float = DEFAULT_TIMEOUT_S, cache: TileCache | None = None) -> TileSource:
    """The source a setting names: an ``http(s)://`` template with ``{z}``, ``{x}``, ``{y}`` (cached on disk in
    ``cache``, by default under the user's cache directory), a ``.mbtiles`` file, or an XYZ folder.

    ``min_zoom``/``max_zoom`` apply to URL templates (files know their own).  Raises :class:`TileSourceError`
    with a one-line reason for anything else.  Opening a file or folder touches the disk: call it off the
    GUI thread."""
    spec = (spec or "").strip()
    if not spec:
        raise TileSourceError("no base map source given")
    scheme = urllib.parse.urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        source = UrlTemplate(spec, min_zoom=min_zoom, max_zoom=max_zoom, timeout_s=timeout_s)
        return CachedSource(source, cache or TileCache(), namespace_for(spec))
    if "://" in spec:
        raise TileSourceError(f"unsupported base map address {spec!r} (give a folder, an .mbtiles file "
                              "or an http(s):// URL template)")
    path = Path(spec).expanduser()
    if path.suffix.lower() == ".mbtiles":
        return MBTiles(path)
    if path.is_dir():
        return XyzDirectory(path)
    if path.exists():
        raise TileSourceError(f"{path} is neither an .mbtiles file nor a tile folder")
    raise TileSourceError(f"no such file or folder: {path}")
