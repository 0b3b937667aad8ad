"""Real tiles for the base-map tests: solid-colour PNGs, an XYZ folder, an MBTiles file and an HTTP tile
server on 127.0.0.1 (an OS-chosen port) that can also fail or stall on request."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np

from console.maps.tiles import TILE_SIZE, tms_row


def solid_png(rgb: tuple[int, int, int], size: int = TILE_SIZE) -> bytes:
    """A PNG tile of one colour."""
    ok, encoded = cv2.imencode(".png", np.full((size, size, 3), rgb[::-1], np.uint8))
    assert ok
    return encoded.tobytes()


def solid_jpeg(rgb: tuple[int, int, int], size: int = TILE_SIZE) -> bytes:
    """A JPEG tile of one colour."""
    ok, encoded = cv2.imencode(".jpg", np.full((size, size, 3), rgb[::-1], np.uint8))
    assert ok
    return encoded.tobytes()


def make_xyz_dir(root: Path, tiles: dict[tuple[int, int, int], bytes], extension: str = ".png",
                 empty_zooms: tuple[int, ...] = ()) -> Path:
    """``root/{z}/{x}/{y}.png`` for every ``(z, x, y)`` in ``tiles`` (plus empty folders for ``empty_zooms``)."""
    for (z, x, y), data in tiles.items():
        path = root / str(z) / str(x) / f"{y}{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for z in empty_zooms:
        (root / str(z)).mkdir(parents=True, exist_ok=True)
    return root


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], metadata: dict[str, str] | None = None) -> Path:
    """An MBTiles file with ``tiles`` (XYZ keys, stored in TMS rows as the format says)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        connection.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                           "tile_data BLOB)")
        connection.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        connection.executemany("INSERT INTO metadata VALUES (?, ?)", (metadata or {"format": "png"}).items())
        connection.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                               [(z, x, tms_row(z, y), data) for (z, x, y), data in tiles.items()])
        connection.commit()
    finally:
        connection.close()
    return path


class TileServer:
    """An XYZ tile server for tests: ``tiles`` maps a path (``/16/54719/26770.png``) to bytes; every
    request's path is kept in ``hits``.  ``status`` forces an error answer; ``stalling`` holds every
    request until :meth:`release` or for ``stall_s`` seconds (``stalled`` counts the ones held now,
    ``most_stalled`` the most held at once)."""

    def __init__(self):
        self.tiles: dict[str, bytes] = {}
        self.content_type = "image/png"
        self.hits: list[str] = []
        self.status: int | None = None
        self.stalling = False
        self.stalled = 0
        self.most_stalled = 0
        self.stall_s = 30.0
        self._released = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                with server._lock:
                    server.hits.append(self.path)
                if server.stalling:
                    with server._lock:
                        server.stalled += 1
                        server.most_stalled = max(server.most_stalled, server.stalled)
                    server._released.wait(server.stall_s)
                    with server._lock:
                        server.stalled -= 1
                try:
                    if server.status is not None:
                        self.send_error(server.status)
                        return
                    data = server.tiles.get(self.path)
                    if data is None:
                        self.send_error(404)
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", server.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timed out): nothing to answer

            def log_message(self, *_args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="test-tile-server",
                                        daemon=True)
        self._thread.start()

    def url(self, path_template: str) -> str:
        """``http://127.0.0.1:PORT`` + ``path_template`` (e.g. ``/{z}/{x}/{y}.png``)."""
        return f"http://127.0.0.1:{self.port}{path_template}"

    def release(self) -> None:
        """Let every held request (and every later one) through."""
        self.stalling = False
        self._released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def dead_port() -> int:
    """A loopback port nothing listens on (bound by the OS, then closed)."""
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
