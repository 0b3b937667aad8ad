"""The video wall under load: displayed frame rate, latency, CPU against ffmpeg, memory, GUI smoothness.

    /work/venv/bin/python bench/video.py [--scenario grid,dead,big] [--tiles 4,9,16,36,64]
                                         [--seconds 10] [--warmup 3] [--cache DIR] [--rtsp]
                                         [--wake-probe] [--json]
    diagnosis: [--switch-interval MS] [--env NAME=VALUE ...] (applied in the console process)

Each scenario runs in a fresh process: a real :class:`widgets.video_wall.VideoWall`
(cameras stored with :class:`console.storage.cameras.CameraBook` in a temporary SQLite
store, loaded by a :class:`CameraCatalog`, frames from a :class:`FeedPool`) in a top-level
window the size of a monitor, on Qt's offscreen platform.  After ``--warmup`` seconds it
measures for ``--seconds``.  Then, in this process and with nothing else of ours running,
``ffmpeg -threads 1 -stream_loop -1 -i FILE -frames:v N -f null -`` decodes each source file
as many frames as the console displayed from it (summed over the tiles that play it): the
reference.

Scenarios (``--scenario``, comma-separated; default all of them):

* ``grid``: N tiles of 640×360 H.264 at 25 fps, one stream (own capture, own decoder) per
  tile, for each N of ``--tiles`` (default 4, 9, 16, 36, 64) on a 1920×1080 window
  (``--window``).  A wall holds at most 36 tiles (6×6): 64 tiles are two walls of 32 in
  two windows, one per monitor, as in a command room;
* ``dead``: 16 tiles of 640×360, four of them dead: two on a closed port (refused at once)
  and two on a server that accepts the connection and never answers (the open times out
  after 5 s, then the capture retries with back-off);
* ``big``: 9 tiles of 1920×1080 H.264 at 25 fps on the main stream, a 3×3 wall in a
  3840×2160 window (``--big-window``): tiles of 1278×718.

Sources: by default looping MP4 files paced at 25 fps by the capture itself (deterministic,
no server on the machine).  ``--rtsp`` serves the same H.264 bitstreams live over RTSP
from one GStreamer server (Debian's ``/usr/bin/python3``; one mount per file, looping) on
loopback instead; that server's own CPU is shown separately.  The media are written once
by ffmpeg into ``--cache`` (default /tmp/gridwatch-bench-video): ``testsrc2`` with light
temporal noise (sensor grain), 20 s (500 frames) so a loop is rare, libx264 main profile,
no B-frames, GOP 50, 768 kbit/s at 640×360 and 4 Mbit/s at 1920×1080 (like camera sub
and main streams), in ``--variants`` versions whose keyframes fall at different moments
(tile i plays version i mod variants), so tiles do not all decode a keyframe at once.

Figures per scenario (no pass/fail):

* displayed fps min / median: paints of a *new* frame per tile per second (a repaint of
  the same frame does not count), over the live tiles; ``decoded`` is the captures' own
  frame rate (frames delivered by the worker), so decoded − displayed is what the GUI skipped;
* latency p50 / p95: capture to paint (``time.monotonic()`` when the reader returned the
  frame, to the tile's paint of it), pooled over all tiles: the same samples the feeds'
  LatencyRecorders take; ``worst`` is the worst tile's p95 from its LatencyRecorder.
  Decode time is not in it (the frame is "captured" once decoded);
* CPU: the console's CPU seconds per second of measurement = cores used: its own process
  (all threads, ``getrusage``) plus its video decoder process (``/proc/PID/stat``), split
  into the GUI thread, the decoder process ("capture") and the console's other threads;
* reference: ffmpeg's CPU seconds (``getrusage`` of children) for decoding the same
  files, the same number of frames as were displayed (at least the whole file, scaled
  down), minus a 1-frame run (its start-up), per second of measurement; ratio = console CPU / reference CPU (target ≤ 1.5×);
  The split comes from the threads' own CPU times; ``other`` is mostly OpenCV's and Qt's
  worker pools (cv2.resize, Qt's BGR888 conversion in drawImage);
* reference: ffmpeg's CPU seconds (``getrusage`` of children) for decoding the same
  files, the same number of frames as were displayed (at least the whole file, scaled
  down), minus a 1-frame run (its start-up), per second of measurement; ratio = console CPU / reference CPU (target ≤ 1.5×), also
  shown as CPU ms per displayed frame.  Frames decoded but never shown cost the console
  and not the reference: a console that falls behind pays for it in the ratio;
* RSS: the console's and its decoder's proportional set size (PSS: shared memory counted
  once) at the end of the measurement; per stream = (that − baseline) / live streams, where
  the baseline is measured with the same walls shown empty (Qt, OpenCV and the store
  loaded, no capture running, no decoder process yet: its own start-up memory is charged
  to the streams).  Each feed's instant-clip buffer
  (30 s of JPEGs) is still filling after warm-up + measurement, so the second figure adds
  what the buffers will hold when full, at their current rate;
* GUI frame time: intervals between the ticks of a 16 ms precise QTimer on the GUI
  thread (its event loop's latency): p50 / p99 / max in ms.  16 ms is a loop that keeps up;
* ``--wake-probe``: p99 of how late a thread sleeping 5 ms wakes up inside the console
  process (it needs the GIL back) and in a separate process (the OS alone): the gap is
  GIL contention.  The probe thread itself takes the GIL 200 times a second.

The machine's load average is printed at the start, after each scenario and at the end:
the figures mean little on a machine that other work shares.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script is called video.py: keep its directory off the path so the project's ``video`` package wins.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

FPS = 25
SECONDS_OF_MEDIA = 20
GOP = 50
SMALL = (640, 360)
BIG = (1920, 1080)
BITRATES = {SMALL: ("768k", "1M", "2M"), BIG: ("4M", "5M", "8M")}  # target, maxrate, bufsize
MEDIA_RECIPE = 3  # bump when the encoding below changes: cached files are rewritten
EVEN_LAYOUTS = ((1, "1"), (4, "2x2"), (9, "3x3"), (16, "4x4"), (25, "5x5"), (36, "6x6"))
SYSTEM_PYTHON = "/usr/bin/python3"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- media ------------------------------------------------------------------------------------------

def media_path(cache: Path, size: tuple[int, int], variant: int, ext: str = "mp4") -> Path:
    return cache / f"h264-{size[0]}x{size[1]}-v{variant}.{ext}"


def ensure_media(cache: Path, sizes: list[tuple[int, int]], variants: int, annexb: bool) -> None:
    """Write the clips once: ``variants`` versions per size, keyframes shifted by GOP/variants frames each."""
    cache.mkdir(parents=True, exist_ok=True)
    stamp = cache / "recipe.json"
    recipe = {"recipe": MEDIA_RECIPE, "fps": FPS, "seconds": SECONDS_OF_MEDIA, "gop": GOP}
    try:
        fresh = json.loads(stamp.read_text()) == recipe
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        for old in cache.glob("h264-*"):
            old.unlink()
        stamp.write_text(json.dumps(recipe))
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")
    for size in sizes:
        rate, maxrate, bufsize = BITRATES[size]
        for variant in range(variants):
            path = media_path(cache, size, variant)
            if not path.exists():
                offset = round(variant * GOP / variants)
                keys = (f"expr:eq(n,0)+gte(n,{offset})*eq(mod(n-{offset},{GOP}),0)" if offset
                        else f"expr:eq(mod(n,{GOP}),0)")
                started = time.perf_counter()
                partial = path.with_suffix(".part.mp4")
                subprocess.run(
                    [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                     f"testsrc2=size={size[0]}x{size[1]}:rate={FPS},hue=h={variant * 40},noise=alls=6:allf=t",
                     "-t", str(SECONDS_OF_MEDIA), "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main",
                     "-pix_fmt", "yuv420p", "-bf", "0", "-g", str(GOP), "-sc_threshold", "0",
                     "-force_key_frames", keys, "-b:v", rate, "-maxrate", maxrate, "-bufsize", bufsize,
                     str(partial)], check=True)
                partial.rename(path)
                print(f"  wrote {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
            if annexb and not media_path(cache, size, variant, "h264").exists():
                subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(path),
                                "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264",
                                str(media_path(cache, size, variant, "h264"))], check=True)


# -- the RTSP server (Debian's Python with GStreamer) ----------------------------------------------

RTSP_SERVER = r'''
import signal, sys, gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer
Gst.init(None)
port, mounts = sys.argv[1], sys.argv[2:]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
points = server.get_mount_points()
for mount in mounts:
    name, path = mount.split("=", 1)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_shared(True)  # one pipeline per file, whatever the number of clients
    # The H.264 bitstream as it is in the file (no re-encoding), looped, sent at its own pace.
    factory.set_launch(
        f'( multifilesrc location="{path}" loop=true caps="video/x-h264,stream-format=byte-stream,alignment=au" '
        f'! h264parse ! identity sync=true ! rtph264pay name=pay0 pt=96 config-interval=1 )')
    points.add_factory("/" + name, factory)
if not server.attach(None):
    sys.exit(f"cannot listen on 127.0.0.1:{port}")
loop = GLib.MainLoop()
for signum in (signal.SIGTERM, signal.SIGINT):
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
loop.run()
'''


class RtspFiles:
    """One GStreamer RTSP server process serving each cached file at ``rtsp://127.0.0.1:PORT/<stem>``."""

    def __init__(self, files: list[Path], log: Path):
        from tests.video.servers.ports import free_port, wait_for_port

        self.port = free_port()
        mounts = [f"{path.stem}={path.with_suffix('.h264')}" for path in files]
        with open(log, "wb") as stderr:
            self.process = subprocess.Popen([SYSTEM_PYTHON, "-c", RTSP_SERVER, str(self.port), *mounts],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        if not wait_for_port(self.port, 15.0, alive=lambda: self.process.poll() is None):
            self.stop()
            raise SystemExit(f"the GStreamer RTSP server did not start (see {log}; tests/video/servers/rtsp.py "
                             "names the Debian packages it needs)")

    def url(self, path: Path) -> str:
        return f"rtsp://127.0.0.1:{self.port}/{path.stem}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- scenarios ----------------------------------------------------------------------------------------

def layout_for(count: int) -> str:
    for capacity, name in EVEN_LAYOUTS:
        if capacity >= count:
            return name
    raise ValueError(f"no wall layout holds {count} tiles")


def plan(name: str, sources: list[dict], window: tuple[int, int], max_per_wall: int) -> dict:
    """A scenario: tiles spread evenly over as few walls (windows, one per monitor) as hold them."""
    walls = math.ceil(len(sources) / max_per_wall)
    per_wall = math.ceil(len(sources) / walls)
    indices = list(range(len(sources)))
    return {"name": name, "window": list(window), "tiles": sources,
            "walls": [{"layout": layout_for(len(chunk)), "tiles": chunk}
                      for chunk in (indices[i:i + per_wall] for i in range(0, len(indices), per_wall))]}


def source(cache: Path, size: tuple[int, int], index: int, variants: int, rtsp: RtspFiles | None) -> dict:
    path = media_path(cache, size, index % variants)
    return {"name": f"cam-{index + 1:02d}", "url": rtsp.url(path) if rtsp else str(path), "file": str(path)}


# -- the console side, in a fresh process -------------------------------------------------------------

def thread_cpu() -> dict[int, float]:
    """CPU seconds of every thread of this process, by native thread id."""
    result = {}
    for entry in os.scandir("/proc/self/task"):
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        result[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return result


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_mb(field: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pss_mb(pid: int | str = "self") -> float:
    """Proportional set size: resident memory with pages shared between processes counted once overall."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


WAKE_PROBE = """
import sys, time
out, end = [], time.perf_counter() + float(sys.argv[1])
while time.perf_counter() < end:
    started = time.perf_counter()
    time.sleep(0.005)
    out.append((time.perf_counter() - started - 0.005) * 1000)
out.sort()
print(out[len(out) // 2], out[int(len(out) * 0.99)], out[-1])
"""


def run_scenario(spec: dict) -> dict:
    """Show the scenario's walls, warm up, measure; the figures as a dict (see the module's docstring)."""
    workdir = tempfile.TemporaryDirectory(prefix="gridwatch-bench-video-")
    width, height = spec["window"]
    screens = [{"name": f"monitor{i}", "x": i * width, "y": 0, "width": width, "height": height,
                "logicalDpiX": 96, "logicalDpiY": 96} for i in range(len(spec["walls"]))]
    screens_file = Path(workdir.name, "screens.json")
    screens_file.write_text(json.dumps({"screens": screens}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screens_file}"
    if spec.get("switch_interval_ms"):
        sys.setswitchinterval(spec["switch_interval_ms"] / 1000)

    import threading

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.gui.taskman import TaskManager
    from console.storage.cameras import CameraBook
    from console.storage.db import open_store
    from widgets.camera_catalog import CameraCatalog
    from widgets.camera_feed import FeedPool
    from widgets.video_wall import VideoWall, WallState

    app = QApplication.instance() or QApplication([])

    def run_for(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    store = open_store(str(Path(workdir.name, "cameras.db")))
    book = CameraBook(store)
    camera_ids = [book.add(tile["name"], tile["url"]).id for tile in spec["tiles"]]
    tasks = TaskManager()
    catalog = CameraCatalog(book, tasks)
    pool = FeedPool()
    walls = []
    for index, wall_spec in enumerate(spec["walls"]):
        wall = VideoWall(catalog, pool)
        wall.setWindowTitle(f"bench wall {index + 1}")
        wall.set_state(WallState(wall_spec["layout"], []))  # shown empty first: the baseline
        wall.setGeometry(index * width, 0, width, height)
        wall.show()
        walls.append(wall)
    catalog.reload()
    deadline = time.monotonic() + 30
    while not catalog.loaded:
        if time.monotonic() > deadline:
            raise RuntimeError("the camera catalogue did not load")
        app.processEvents()
        time.sleep(0.005)
    run_for(1.0)
    baseline_rss = pss_mb()

    for wall, wall_spec in zip(walls, spec["walls"]):
        wall.set_state(WallState(wall_spec["layout"], [camera_ids[i] for i in wall_spec["tiles"]]))
    feeds = [pool.get(camera_id) for camera_id in camera_ids]

    # Count the paints of new frames per tile and their capture-to-paint latency: a wrapper around
    # CameraFeed.painted, which the tile calls right after drawing the frame (once per tile per paint).
    class Counter:
        def __init__(self):
            self.last_seq = -1
            self.frames = 0
            self.latencies: list[float] = []

    counters = [Counter() for _ in feeds]
    measuring = False

    def wrap(feed, counter):
        original = feed.painted

        def painted():
            frame = feed.frame
            if frame is not None and frame.seq != counter.last_seq:
                counter.last_seq = frame.seq
                if measuring:
                    counter.frames += 1
                    counter.latencies.append(time.monotonic() - frame.captured_at)
            original()
        feed.painted = painted

    for feed, counter in zip(feeds, counters):
        wrap(feed, counter)

    ticks: list[float] = []
    probe = QTimer(interval=16)
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()) if measuring else None)
    probe.start()

    run_for(spec["warmup"])
    decoder_pid = pool.decoder.pid

    def classify(cpu: dict[int, float]) -> dict[str, float]:
        gui = threading.main_thread().native_id
        captures = {t.native_id for t in threading.enumerate() if t.name.startswith("gridwatch-capture ")}
        parts = {"gui": 0.0, "capture": 0.0, "other": 0.0}
        for tid, seconds in cpu.items():
            parts["gui" if tid == gui else "capture" if tid in captures else "other"] += seconds
        return parts

    # --wake-probe: how late a thread that sleeps 5 ms wakes up, in this process (it needs the GIL back)
    # and in a separate process (the OS's scheduling alone), over the measurement.
    wake_late: list[float] = []
    wake_process = None
    if spec.get("wake_probe"):
        def wake_probe():
            while measuring:
                started_at = time.perf_counter()
                time.sleep(0.005)
                wake_late.append((time.perf_counter() - started_at - 0.005) * 1000)
        wake_process = subprocess.Popen([sys.executable, "-c", WAKE_PROBE, str(spec["seconds"])],
                                        stdout=subprocess.PIPE, text=True)
    decoded_before = [feed.capture.status.frames for feed in feeds]
    for feed in feeds:
        feed.latency.clear()
    server_pid = spec.get("server_pid")
    server_before = process_cpu(server_pid) if server_pid else None
    threads_before = thread_cpu()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    decoder_before = process_cpu(decoder_pid)
    started = time.perf_counter()
    measuring = True
    if wake_process is not None:
        threading.Thread(target=wake_probe, name="wake-probe", daemon=True).start()
    run_for(spec["seconds"])
    measuring = False
    elapsed = time.perf_counter() - started
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    decoder_after = process_cpu(decoder_pid)
    threads_after = thread_cpu()
    server_after = process_cpu(server_pid) if server_pid else None
    decoded_after = [feed.capture.status.frames for feed in feeds]
    rss, peak = pss_mb() + pss_mb(decoder_pid), status_mb("VmHWM") + status_mb("VmHWM", decoder_pid)
    # Each feed's instant-clip buffer grows for its first 30 s: what it holds now, and at that rate when full.
    clip_now = sum(feed.clip.memory_bytes for feed in feeds) / 2**20
    clip_full = sum(feed.clip.memory_bytes / feed.clip.duration_s * feed.clip.seconds
                    for feed in feeds if feed.clip.duration_s > 0) / 2**20

    # Threads that ended during the measurement are missing from the split (not from the total).  Reading
    # /proc for every thread takes a while when the GIL is contended, so the split's window is a little wider
    # than the total's: it is scaled to the total.
    split_before = classify({tid: threads_before.get(tid, 0.0) for tid in threads_after})
    split_after = classify(threads_after)
    tiles = []
    for tile, feed, counter, before, after in zip(spec["tiles"], feeds, counters, decoded_before, decoded_after):
        worst = feed.latency.percentile(95)
        tiles.append({"name": tile["name"], "file": tile.get("file"), "dead": tile.get("dead", False),
                      "state": feed.status.state.value, "reason": feed.status.reason,
                      "displayed": counter.frames, "decoded": after - before,
                      "p95_ms": None if worst is None else worst * 1000})
    latencies = [lat for counter in counters for lat in counter.latencies]
    intervals = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
    own_cpu = (usage_after.ru_utime + usage_after.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)
    split = {k: split_after[k] - split_before[k] for k in split_after}
    split = {k: v * own_cpu / sum(split.values()) for k, v in split.items()} if sum(split.values()) > 0 else split
    split["capture"] += decoder_after - decoder_before
    cpu = own_cpu + decoder_after - decoder_before
    result = {
        "name": spec["name"], "seconds": elapsed, "tiles": tiles,
        "latency_ms": {"p50": (percentile(latencies, 50) or 0) * 1000, "p95": (percentile(latencies, 95) or 0) * 1000,
                       "samples": len(latencies)},
        "cpu_s": cpu, "cpu_split_s": split,
        "user_s": usage_after.ru_utime - usage_before.ru_utime, "sys_s": usage_after.ru_stime - usage_before.ru_stime,
        "context_switches": {"voluntary": usage_after.ru_nvcsw - usage_before.ru_nvcsw,
                             "involuntary": usage_after.ru_nivcsw - usage_before.ru_nivcsw},
        "threads": threading.active_count(),
        "rss_mb": rss, "baseline_rss_mb": baseline_rss, "peak_rss_mb": peak,
        "clip_mb": clip_now, "clip_full_mb": clip_full,
        "frame_ms": {"p50": percentile(intervals, 50), "p99": percentile(intervals, 99),
                     "max": max(intervals, default=None), "ticks": len(intervals)},
        "server_cpu_s": None if server_pid is None else server_after - server_before,
        "wake_late_ms": None if wake_process is None else {
            "in_process": [percentile(wake_late, 50), percentile(wake_late, 99), max(wake_late, default=None)],
            "other_process": [float(v) for v in wake_process.communicate(timeout=30)[0].split()]},
        "switch_interval_ms": sys.getswitchinterval() * 1000,
    }
    print(json.dumps(result), flush=True)

    probe.stop()
    for wall in walls:
        wall.shutdown()
        wall.close()
    # Stop the captures all at once (one stuck in a 5 s open of a silent server must not hold up the rest).
    stoppers = [threading.Thread(target=feed.capture.stop, args=(8.0,)) for feed in pool.feeds()]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join()
    pool.shutdown()
    tasks.shutdown()
    store.dispose()
    return result


# -- the reference ----------------------------------------------------------------------------------

def ffmpeg_cpu(path: str, frames: int) -> float:
    """CPU seconds (user + system) of ``ffmpeg -threads 1`` decoding ``frames`` frames of ``path`` (looping)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1", "-stream_loop", "-1",
                    "-i", path, "-frames:v", str(frames), "-f", "null", "-"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


_startup: dict[str, float] = {}


def reference_cpu(frames_by_file: dict[str, int]) -> float:
    """ffmpeg's decoding CPU for those frames of those files, without its start-up (a 1-frame run, best of 3).

    Fewer frames than the file holds are decoded as the whole file and scaled down: ffmpeg's start-up
    (~0.1 s) would otherwise drown a short run's decoding.
    """
    total = 0.0
    for path, frames in frames_by_file.items():
        if frames <= 0:
            continue
        if path not in _startup:
            _startup[path] = min(ffmpeg_cpu(path, 1) for _ in range(3))
        decoded = max(frames, FPS * SECONDS_OF_MEDIA)
        total += max(0.0, ffmpeg_cpu(path, decoded) - _startup[path]) * frames / decoded
    return total


# -- the report -----------------------------------------------------------------------------------

def fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def summarise(result: dict, reference_s: float) -> dict:
    seconds = result["seconds"]
    live = [t for t in result["tiles"] if not t["dead"]]
    shown = [t["displayed"] / seconds for t in live]
    decoded = [t["decoded"] / seconds for t in live]
    frames = sum(t["displayed"] for t in live)
    grown = result["rss_mb"] - result["baseline_rss_mb"]
    wake = result.get("wake_late_ms")
    worst = [t["p95_ms"] for t in live if t["p95_ms"] is not None]
    return {
        "tiles": f"{len(result['tiles'])}" + (f" ({len(result['tiles']) - len(live)} dead)"
                                              if len(live) < len(result["tiles"]) else ""),
        "fps": f"{fmt(min(shown, default=None), 1)} / {fmt(statistics.median(shown) if shown else None, 1)}",
        "decoded": fmt(statistics.median(decoded) if decoded else None, 1),
        "latency": f"{fmt(result['latency_ms']['p50'])} / {fmt(result['latency_ms']['p95'])} "
                   f"(worst {fmt(max(worst, default=None))})",
        "cpu": f"{result['cpu_s'] / seconds:.2f} ({result['cpu_split_s']['gui'] / seconds:.2f} / "
               f"{result['cpu_split_s']['capture'] / seconds:.2f} / {result['cpu_split_s']['other'] / seconds:.2f})",
        "per_frame": f"{fmt(1000 * result['cpu_s'] / frames if frames else None, 2)} / "
                     f"{fmt(1000 * reference_s / frames if frames else None, 2)}",
        "reference": f"{reference_s / seconds:.2f}",
        "ratio": f"{result['cpu_s'] / reference_s:.2f}×" if reference_s > 0 else "–",
        "rss": f"{result['rss_mb']:.0f} ({result['baseline_rss_mb']:.0f})",
        "per_stream": f"{fmt(grown / len(live) if live else None, 1)} / "
                      f"{fmt((grown + result['clip_full_mb'] - result['clip_mb']) / len(live) if live else None, 1)}",
        "frame": f"{fmt(result['frame_ms']['p50'], 1)} / {fmt(result['frame_ms']['p99'], 1)} / "
                 f"{fmt(result['frame_ms']['max'], 1)}",
        "server": "" if result["server_cpu_s"] is None else f"{result['server_cpu_s'] / seconds:.2f}",
        "wake": "" if not wake else f"{fmt(wake['in_process'][1], 1)} / {fmt(wake['other_process'][1], 1)}",
    }


COLUMNS = (("scenario", "name"), ("tiles", "tiles"), ("displayed fps min / median", "fps"),
           ("decoded fps", "decoded"), ("latency ms p50 / p95", "latency"),
           ("console cores (GUI / capture / other)", "cpu"), ("reference cores", "reference"),
           ("ratio", "ratio"), ("CPU ms per frame (console / ref)", "per_frame"),
           ("RSS MB (empty wall)", "rss"), ("MB per stream (with full clip buffers)", "per_stream"),
           ("GUI frame ms p50 / p99 / max", "frame"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--scenario", default="grid,dead,big", help="comma-separated: grid, dead, big")
    parser.add_argument("--tiles", default="4,9,16,36,64", help="tile counts of the grid scenario")
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement per scenario")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/gridwatch-bench-video"), help="media directory")
    parser.add_argument("--variants", type=int, default=8, help="versions of each clip (keyframe phases)")
    parser.add_argument("--window", default="1920x1080", help="size of each wall window (one per monitor)")
    parser.add_argument("--big-window", default="3840x2160", help="window of the 9 × 1080p scenario")
    parser.add_argument("--max-per-wall", type=int, default=36, help="tiles per wall window (36 = 6×6)")
    parser.add_argument("--rtsp", action="store_true", help="serve the clips over RTSP (GStreamer) instead of files")
    parser.add_argument("--switch-interval", type=float, default=None, metavar="MS",
                        help="sys.setswitchinterval in the console process (diagnosis; default Python's 5 ms)")
    parser.add_argument("--wake-probe", action="store_true",
                        help="also measure how late a 5 ms sleep wakes up in the console process (GIL + OS) and in "
                             "a separate process (OS only): p99 ms")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set in the console process's environment (diagnosis, e.g. OPENCV_FOR_THREADS_NUM=1)")
    parser.add_argument("--json", action="store_true", help="also print each scenario's raw figures as JSON")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one scenario (JSON spec) in this process
    args = parser.parse_args(argv)
    if args.one:
        run_scenario(json.loads(args.one))
        return 0

    extra_env = dict(item.split("=", 1) for item in args.env if "=" in item)
    if len(extra_env) != len(args.env):
        parser.error("--env takes NAME=VALUE")
    scenarios = [s.strip() for s in args.scenario.split(",") if s.strip()]
    unknown = set(scenarios) - {"grid", "dead", "big"}
    if unknown:
        parser.error(f"unknown scenario {sorted(unknown)[0]!r}: use grid, dead, big")
    window = tuple(int(v) for v in args.window.lower().split("x"))
    big_window = tuple(int(v) for v in args.big_window.lower().split("x"))
    counts = [int(n) for n in args.tiles.split(",") if n.strip()] if "grid" in scenarios else []
    if any(n > 2 * 36 * 8 or n < 1 for n in counts):
        parser.error("tile counts must be between 1 and 576")

    import cv2
    import PySide6
    ffmpeg_version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split()[2]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, OpenCV {cv2.__version__}, "
          f"ffmpeg {ffmpeg_version}; load average {os.getloadavg()[0]:.2f} at start")
    sizes = ([SMALL] if {"grid", "dead"} & set(scenarios) else []) + ([BIG] if "big" in scenarios else [])
    ensure_media(args.cache, sizes, args.variants, annexb=args.rtsp)

    from tests.video.servers.ports import SilentServer, closed_port

    rtsp = RtspFiles([media_path(args.cache, size, v) for size in sizes for v in range(args.variants)],
                     args.cache / "rtsp-server.log") if args.rtsp else None
    silent = SilentServer() if "dead" in scenarios else None
    specs = []
    try:
        for n in counts:
            specs.append(plan(f"{n} × 640x360", [source(args.cache, SMALL, i, args.variants, rtsp) for i in range(n)],
                              window, args.max_per_wall))
        if "dead" in scenarios:
            sources = [source(args.cache, SMALL, i, args.variants, rtsp) for i in range(12)]
            refused, port = closed_port(), silent.port
            for i, url in enumerate((f"rtsp://127.0.0.1:{refused}/cam", f"rtsp://127.0.0.1:{port}/cam") * 2):
                sources.insert(3 + 4 * i, {"name": f"dead-{i + 1}", "url": url, "file": None, "dead": True})
            specs.append(plan("16 × 640x360, 4 dead", sources, window, args.max_per_wall))
        if "big" in scenarios:
            specs.append(plan("9 × 1920x1080", [source(args.cache, BIG, i, args.variants, rtsp) for i in range(9)],
                              big_window, args.max_per_wall))
        if extra_env or args.switch_interval:
            print("Console process: " + ", ".join([f"{k}={v}" for k, v in extra_env.items()]
                                                  + ([f"switch interval {args.switch_interval:g} ms"]
                                                     if args.switch_interval else [])))
        kind = "RTSP from one GStreamer server on loopback" if rtsp else "looping MP4 files paced by the capture"
        print(f"Sources: {kind}; {args.warmup:g} s warm-up, {args.seconds:g} s measured per scenario", flush=True)
        rows = []
        for spec in specs:
            spec.update(warmup=args.warmup, seconds=args.seconds, switch_interval_ms=args.switch_interval,
                        wake_probe=args.wake_probe,
                        server_pid=rtsp.process.pid if rtsp else None)
            done = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True,
                                  text=True, env={**os.environ, **extra_env})
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode != 0 or not lines:
                print(f"{spec['name']}: the console process failed (exit {done.returncode}):\n"
                      + "\n".join(done.stderr.strip().splitlines()[-15:]), flush=True)
                continue
            result = json.loads(lines[-1])
            frames: dict[str, int] = {}
            for tile in result["tiles"]:
                if tile["file"]:
                    frames[tile["file"]] = frames.get(tile["file"], 0) + tile["displayed"]
            reference = reference_cpu(frames)
            row = summarise(result, reference)
            row["name"] = spec["name"]
            rows.append((result, row))
            print(f"  {spec['name']}: {row['fps']} fps, ratio {row['ratio']}, GUI frame {row['frame']} ms "
                  f"(load average {os.getloadavg()[0]:.2f})", flush=True)
            if args.json:
                print(json.dumps({**result, "reference_cpu_s": reference}), flush=True)
    finally:
        if silent is not None:
            silent.close()
        if rtsp is not None:
            rtsp.stop()

    print()
    header = [title for title, _ in COLUMNS] + (["RTSP server cores"] if rtsp else []) \
        + (["wake-up p99 ms (console / other process)"] if args.wake_probe else [])
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for _result, row in rows:
        cells = [row[key] for _, key in COLUMNS] + ([row["server"]] if rtsp else []) \
            + ([row["wake"]] if args.wake_probe else [])
        print("| " + " | ".join(cells) + " |")
    for result, row in rows:
        dead = [t for t in result["tiles"] if t["dead"]]
        if dead:
            print()
            print(f"{row['name']}: dead tiles at the end: "
                  + "; ".join(f"{t['name']} {t['state']} ({t['reason']})" for t in dead))
            grid16 = next((r for res, r in rows if res["name"] == "16 × 640x360"), None)
            if grid16 is not None:
                print(f"  live tiles' displayed fps {row['fps']} vs {grid16['fps']} with 16 live tiles; "
                      f"GUI frame ms {row['frame']} vs {grid16['frame']}")
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
