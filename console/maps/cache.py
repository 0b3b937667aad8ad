"""A bounded disk cache of map tiles, shared by every base map and safe across threads and processes.

Tiles of a URL source live under ``<user cache dir>/gridwatch/tiles/<source>/<z>/<x>/<y>.tile``.  Files
are written whole (a temporary file, then an atomic rename), so a reader never sees half a tile; a file
that is not a complete PNG, JPEG, GIF or WebP anyway (a disk that filled up, a copy cut short) is dropped
when read and so fetched again.  Reading a tile touches its modification time; when the cache grows past
its bound the least recently used files go first, down to 80 % of the bound.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

#: The default bound on the whole cache (every source together).
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: Eviction stops when the cache is down to this share of its bound (so it does not run at every write).
LOW_WATER_FRACTION = 0.8
TILE_SUFFIX = ".tile"


def default_cache_root() -> Path:
    """``<user cache dir>/gridwatch/tiles`` (``$XDG_CACHE_HOME`` on Linux)."""
    from platformdirs import user_cache_path
    return user_cache_path("gridwatch", appauthor=False) / "tiles"


def namespace_for(spec: str) -> str:
    """A short folder name that stands for one source (a URL template), stable across runs."""
    return hashlib.sha1(spec.encode("utf-8")).hexdigest()[:16]


def is_complete_image(data: bytes) -> bool:
    """Does ``data`` look like a whole PNG, JPEG, GIF or WebP file (right signature and right ending)?

    It catches what corrupts caches in practice (files cut short, zero-filled or foreign data) without
    decoding the picture."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data[-8:-4] == b"IEND"
    if data.startswith(b"\xff\xd8"):
        return b"\xff\xd9" in data[-32:]
    if data.startswith((b"GIF87a", b"GIF89a")):
        return data.rstrip(b"\x00").endswith(b"\x3b")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return int.from_bytes(data[4:8], "little") + 8 <= len(data)
    return False


class TileCache:
    """Tiles on disk under ``root``, in one folder per source, bounded to ``max_bytes`` in all."""

    def __init__(self, root: Path | str | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root) if root is not None else default_cache_root()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._size: int | None = None  # bytes of tiles under root: measured at the first write, then tracked

    def path(self, namespace: str, z: int, x: int, y: int) -> Path:
        """Where tile ``(z, x, y)`` of a source is (or would be) stored."""
        return self.root / namespace / str(z) / str(x) / f"{y}{TILE_SUFFIX}"

    def get(self, namespace: str, z: int, x: int, y: int) -> bytes | None:
        """The stored tile, or ``None`` if there is none (a corrupt file is deleted and counts as none)."""
        path = self.path(namespace, z, x, y)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("cannot read cached tile %s: %s", path, error)
            return None
        if not is_complete_image(data):
            log.warning("dropping a corrupt cached tile %s (%d bytes)", path, len(data))
            self._remove(path)
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return data

    def put(self, namespace: str, z: int, x: int, y: int, data: bytes) -> None:
        """Store a tile (replacing any older copy), then trim the cache if it grew past its bound.

        A disk that is full or read-only only costs the cache: the error is logged, not raised."""
        path = self.path(namespace, z, x, y)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                replaced = path.stat().st_size
            except FileNotFoundError:
                replaced = 0
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as error:
            log.warning("cannot cache tile %s: %s", path, error)
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
            return
        with self._lock:
            if self._size is None:
                self._size = self._measure()
            else:
                self._size += len(data) - replaced
            if self._size > self.max_bytes:
                self._size = self._evict(int(self.max_bytes * LOW_WATER_FRACTION))

    def discard(self, namespace: str, z: int, x: int, y: int) -> None:
        """Forget a stored tile (the next fetch goes to the source again)."""
        self._remove(self.path(namespace, z, x, y))

    def size_bytes(self) -> int:
        """Bytes of tiles under ``root`` now (walks the folder)."""
        return self._measure()

    def _remove(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        with self._lock:
            if self._size is not None:
                self._size -= size

    def _tiles(self) -> list[tuple[float, int, Path]]:
        """``(mtime, size, path)`` of every stored tile (files that vanish meanwhile are skipped)."""
        found = []
        for directory, _folders, files in os.walk(self.root):
            for name in files:
                if name.endswith(TILE_SUFFIX):
                    path = Path(directory, name)
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    found.append((stat.st_mtime, stat.st_size, path))
        return found

    def _measure(self) -> int:
        return sum(size for _mtime, size, _path in self._tiles())

    def _evict(self, target: int) -> int:
        """Delete the least recently used tiles until at most ``target`` bytes remain; the bytes left."""
        tiles = sorted(self._tiles(), key=lambda t: t[0])
        total = sum(size for _mtime, size, _path in tiles)
        removed = 0
        for _mtime, size, path in tiles:
            if total <= target:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        log.info("tile cache trimmed: %d files removed, %d bytes left in %s", removed, total, self.root)
        return total
