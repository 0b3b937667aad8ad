"""The video decoder process: the console's camera captures, run outside the console's interpreter.

Started by :class:`video.decoder_host.DecoderHost` as ``python -m video.decoder_main FD PREFIX``:
``FD`` is this end of a socket pair carrying pickled tuples both ways, ``PREFIX`` names the
shared-memory segments it makes.  Each camera runs the same :class:`~video.capture.CameraCapture`
as before (its thread, timeouts, back-off, stall watch) and writes every frame into its
:class:`~video.frame_slots.SlotWriter`; states and clip sizes go back as messages.  The
console's interpreter then never waits for the GIL behind dozens of capture threads, and a
crash inside a decoder takes down this process, not the console.

Messages from the console: ``("open", key, url, options, name)``, ``("url", key, url)``,
``("size", key, (w, h) | None)``, ``("active", key, bool)``, ``("max_fps", key, fps | None)``,
``("stop", key)``, ``("source_image", key, request)``, ``("clip", key, request, path, title)``,
``("quit",)``.  To the console: ``("status", key, CaptureStatus, (clip frames, bytes, duration, seconds))``,
``("slots", key, path)``, ``("stopped", key)``, ``("reply", request, ok, value)``.
The process ends when the console says quit or goes away (end of file on the socket).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from dataclasses import replace
from multiprocessing.connection import Connection

from video import registry
from video.capture import CameraCapture, CaptureOptions, CaptureStatus
from video.clip import ClipBuffer, ClipError
from video.frame_slots import SlotWriter

log = logging.getLogger("gridwatch.decoder")

STOP_TIMEOUT_S = 10.0
#: The decoder yields the processor to the console when both want it: an operator's click must not wait
#: behind a frame (a late frame is dropped anyway, the newest one wins).
NICENESS = 4


class _Camera:
    """One camera in the decoder: its capture, its frame slots and its instant-clip buffer."""

    def __init__(self, decoder: Decoder, key: int, url: str, options: CaptureOptions, name: str):
        self.decoder, self.key = decoder, key
        # 5 pictures a second for the instant clip: about 1 ms of JPEG each, on the capture thread.
        self.clip = ClipBuffer(fps=5.0)
        # BGRA is made straight into the shared slot rather than by the capture and then copied.
        self.slots = SlotWriter(f"{decoder.prefix}-{key}", bgra=options.pixel_format == "bgra")
        self.capture = CameraCapture(url, replace(options, pixel_format="bgr"), name=name, on_frame=self._frame,
                                     on_status=self._status, on_source_frame=self.clip.offer)

    def _frame(self) -> None:  # capture thread
        frame = self.capture.take_frame()
        if frame is None:
            return
        started = self.slots.write(frame.image, frame.seq, frame.captured_at, frame.wall_time, frame.source_size)
        if started is not None:
            self.decoder.send(("slots", self.key, str(started)))

    def _status(self, status: CaptureStatus) -> None:  # capture or watchdog thread
        clip = self.clip
        self.decoder.send(("status", self.key, status, (clip.frame_count, clip.memory_bytes, clip.duration_s,
                                                        clip.seconds)))

    def stop_and_report(self) -> None:
        """Stop the capture (waiting for its thread), remove its slots and tell the console."""
        self.capture.stop(STOP_TIMEOUT_S)
        if self.capture.running:
            log.warning("capture %s did not end within %.0f s", self.capture.name, STOP_TIMEOUT_S)
        self.slots.close()
        self.decoder.send(("stopped", self.key))


class Decoder:
    """Serves the console's messages on ``connection`` until it says quit or goes away."""

    def __init__(self, connection: Connection, prefix: str):
        self.prefix = prefix
        self._connection = connection
        self._send_lock = threading.Lock()
        self._cameras: dict[int, _Camera] = {}

    def send(self, message: tuple) -> None:
        with self._send_lock:
            try:
                self._connection.send(message)
            except (OSError, EOFError):  # the console is gone; the receive loop ends us
                pass

    def serve(self) -> None:
        try:
            while True:
                try:
                    message = self._connection.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "quit":
                    break
                try:
                    self._handle(*message)
                except Exception:  # noqa: BLE001 - one bad request must not end every camera
                    log.exception("decoder: cannot handle %r", message[:2])
        finally:
            self._stop_all()

    def _handle(self, kind: str, key: int, *args) -> None:
        if kind == "open":
            if key not in self._cameras:
                camera = self._cameras[key] = _Camera(self, key, *args)
                camera.capture.start()
            return
        camera = self._cameras.get(key)
        if kind in ("source_image", "clip"):
            threading.Thread(target=self._answer, args=(kind, camera, *args), daemon=True,
                             name=f"gridwatch-decoder-{kind}").start()
        elif camera is None:
            if kind == "stop":
                self.send(("stopped", key))
        elif kind == "url":
            camera.capture.set_url(args[0])
        elif kind == "size":
            camera.capture.set_output_size(args[0])
        elif kind == "active":
            camera.capture.set_active(args[0])
        elif kind == "max_fps":
            camera.capture.set_max_fps(args[0])
        elif kind == "stop":
            del self._cameras[key]
            camera.capture.request_stop()
            threading.Thread(target=camera.stop_and_report, name=f"gridwatch-decoder-stop-{key}").start()

    def _answer(self, kind: str, camera: _Camera | None, request: int, *args) -> None:
        try:
            if kind == "source_image":
                frame = None if camera is None else camera.capture.latest_frame()
                image = None if camera is None else camera.capture.latest_source_image()
                value = None if frame is None or image is None else (image, frame.wall_time)
            elif camera is None:
                raise ClipError("the camera is no longer playing")
            else:
                path, title = args
                value = camera.clip.export_mp4(path, title=title)
        except ClipError as exc:
            self.send(("reply", request, False, (str(exc), exc.errno)))
        except Exception as exc:  # noqa: BLE001 - told to the console, which shows it
            log.exception("decoder: %s failed", kind)
            self.send(("reply", request, False, (f"{type(exc).__name__}: {exc}", None)))
        else:
            self.send(("reply", request, True, value))

    def _stop_all(self) -> None:
        cameras, self._cameras = list(self._cameras.values()), {}
        for camera in cameras:
            camera.capture.request_stop()
        registry.stop_all(STOP_TIMEOUT_S)
        for camera in cameras:
            camera.slots.close()


def _exit_on_signal(_signal_number, _frame) -> None:
    raise SystemExit(0)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="gridwatch video decoder: %(levelname)s %(message)s")
    os.nice(NICENESS)
    # Stopped with the console's process group (a terminal's Ctrl+C, a service manager's SIGTERM): end as when
    # the console says quit, so the shared-memory segments are removed.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    connection = Connection(int(argv[1]))
    Decoder(connection, argv[2]).serve()
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
