"""A live H.264 RTSP server on loopback, for the capture tests (run by Debian's ``/usr/bin/python3``).

Not imported by the tests: :class:`tests.video.servers.rtsp.RtspServer` runs it as a
subprocess, because GStreamer's RTSP server is reachable only through Debian's own
Python (``python3-gst-1.0``, ``gir1.2-gst-rtsp-server-1.0``), never through a venv.

It serves ``rtsp://127.0.0.1:PORT/cam``: a live ``appsrc ! x264enc tune=zerolatency``
stream whose frames show the sender's wall clock as 32 black-and-white stripes
(milliseconds modulo 2**32, most significant bit on the left), so a reader can
measure the end-to-end latency (see ``clockface.read_clock``).  One shared media
serves every client.  SIGTERM or SIGINT stops it.

    /usr/bin/python3 rtsp_server.py --port 8554 [--size 640x360] [--fps 25]
"""

import argparse
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

CLOCK_BITS = 32


def clock_frame(width: int, height: int) -> bytes:
    """One GRAY8 frame showing the current wall clock in milliseconds as stripes."""
    millis = int(time.time() * 1000) % (1 << CLOCK_BITS)
    row = bytearray(width)
    for bit in range(CLOCK_BITS):
        if millis >> (CLOCK_BITS - 1 - bit) & 1:
            start, end = bit * width // CLOCK_BITS, (bit + 1) * width // CLOCK_BITS
            row[start:end] = b"\xff" * (end - start)
    return bytes(row) * height


class ClockFactory(GstRtspServer.RTSPMediaFactory):
    """Builds the shared live pipeline and feeds its appsrc from a GLib timer at the frame rate."""

    def __init__(self, width: int, height: int, fps: int):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self.set_shared(True)
        self.set_launch(
            f"( appsrc name=src is-live=true format=time do-timestamp=true "
            f"caps=video/x-raw,format=GRAY8,width={width},height={height},framerate={fps}/1 "
            f"! videoconvert ! video/x-raw,format=I420 "
            f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} "
            f"! rtph264pay name=pay0 pt=96 config-interval=1 )")
        self.connect("media-configure", self._on_media_configure)

    def _on_media_configure(self, _factory, media):
        source = media.get_element().get_by_name_recurse_up("src")
        state = {"running": True}

        def push() -> bool:
            if not state["running"]:
                return False
            result = source.emit("push-buffer", Gst.Buffer.new_wrapped(clock_frame(self.width, self.height)))
            return result == Gst.FlowReturn.OK

        def stop(*_args) -> None:
            state["running"] = False

        media.connect("unprepared", stop)
        GLib.timeout_add(max(1, 1000 // self.fps), push)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory("/cam", ClockFactory(width, height, args.fps))
    if not server.attach(None):
        print(f"rtsp_server: cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 1

    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    print("ready", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
