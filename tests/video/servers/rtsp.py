"""GStreamer's RTSP server (:mod:`.rtsp_server`) as a child process that the tests can stop, freeze and restart.

It runs under Debian's ``/usr/bin/python3`` (``python3-gst-1.0`` and
``gir1.2-gst-rtsp-server-1.0`` are Debian packages, not pip ones).  :meth:`RtspServer.start`
returns once the port accepts connections; :meth:`RtspServer.stop` kills and reaps the
process; starting again reuses the same port.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
from pathlib import Path

from tests.video.servers.ports import free_port, wait_for_port

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("rtsp_server.py")
_CHECK = """
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer
Gst.init(None)
missing = [e for e in ("appsrc", "videoconvert", "x264enc", "rtph264pay") if Gst.ElementFactory.find(e) is None]
print(" ".join(missing))
"""


@functools.lru_cache(maxsize=1)
def gstreamer_problem() -> str | None:
    """Why the RTSP server cannot run here (None when it can)."""
    hint = ("apt-get install python3-gst-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base "
            "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly")
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} not found; the RTSP test server needs Debian's Python with GStreamer ({hint})"
    result = subprocess.run([SYSTEM_PYTHON, "-c", _CHECK], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return f"GStreamer's RTSP server is not usable from {SYSTEM_PYTHON} ({last}); {hint}"
    if result.stdout.strip():
        return f"GStreamer elements missing: {result.stdout.strip()}; {hint}"
    return None


class RtspServer:
    """``rtsp://127.0.0.1:PORT/cam``: a live H.264 stream of the server's clock (see :mod:`.clockface`)."""

    def __init__(self, log_dir: Path, size: tuple[int, int] = (640, 360), fps: int = 25):
        self.size, self.fps = size, fps
        self.port = free_port()
        self._process: subprocess.Popen | None = None
        self._log = log_dir / f"rtsp-{self.port}.log"

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/cam"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 15.0) -> "RtspServer":
        if self.running:
            return self
        with open(self._log, "ab") as log:
            self._process = subprocess.Popen(
                [SYSTEM_PYTHON, str(SCRIPT), "--port", str(self.port), "--size", "x".join(map(str, self.size)),
                 "--fps", str(self.fps)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        if not wait_for_port(self.port, timeout, alive=lambda: self.running):
            self.stop()
            raise RuntimeError(f"the RTSP test server did not start on port {self.port}: {self.log_tail()}")
        return self

    def stop(self) -> None:
        """Kill the server (its clients see the connection drop) and reap it; idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # in case a test froze it
            process.kill()
        process.wait(timeout=10)

    def freeze(self) -> None:
        """Stop the process without closing its connections: clients see a stream that goes silent."""
        os.kill(self._process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self._process.pid, signal.SIGCONT)

    def log_tail(self) -> str:
        try:
            return " | ".join(self._log.read_text(errors="replace").strip().splitlines()[-5:]) or "(no output)"
        except OSError:
            return "(no log)"
