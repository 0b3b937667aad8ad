"""MJPEG over HTTP (``multipart/x-mixed-replace``) from a thread on loopback, for any number of clients.

Each client gets its own stream of JPEG frames (encoded with ``cv2.imencode``) at the
chosen rate; every frame shows the server's clock (see :mod:`.clockface`).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2

from tests.video.servers.clockface import clock_image

BOUNDARY = "gridwatchframe"


class MjpegServer:
    """``http://127.0.0.1:PORT/cam.mjpg``; :meth:`stop` ends every client's stream and joins the threads."""

    def __init__(self, size: tuple[int, int] = (640, 360), fps: float = 25.0):
        self.size, self.fps = size, fps
        self.clients = 0
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = False  # server_close() joins the client threads
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="mjpeg-server")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cam.mjpg"

    def frame_jpeg(self) -> bytes:
        ok, data = cv2.imencode(".jpg", clock_image(*self.size), [cv2.IMWRITE_JPEG_QUALITY, 80])
        assert ok
        return data.tobytes()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                if self.path != "/cam.mjpg":
                    self.send_error(404)
                    return
                server.clients += 1
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                interval, due = 1.0 / server.fps, time.monotonic()
                try:
                    while not server._stopping.wait(max(0.0, due - time.monotonic())):
                        due += interval
                        jpeg = server.frame_jpeg()
                        self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                         f"Content-Length: {len(jpeg)}\r\n\r\n".encode() + jpeg + b"\r\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away

            def log_message(self, *args):
                pass

        return Handler
