"""Design experiment for issue 3: decode the wall's streams in a separate process, paint them in the GUI's.

    /work/venv/bin/python bench/video_out_of_process.py TILES SECONDS resize|native [SOURCE_WxH]

Not the console's code: a measurement of the architecture the video wall needs next (bench/RESULTS.md §4).
A child process (spawned) runs one OpenCV capture thread per stream — the clips bench/video.py writes into
/tmp/gridwatch-bench-video (run it once first), paced at 25 fps — each resizing to its tile (480×270, as 16
tiles of a full-HD window; 640×360 with ``native`` or a larger source) and converting to BGRA straight into
a double-buffered slot of shared memory, then bumping the slot's frame counter.  The GUI process (Qt,
offscreen) polls the counters every 8 ms, repaints the tiles whose counter moved from ``QImage`` s that wrap
the shared memory (no copy) and counts the frames shown.  Prints frames shown per tile per second, the
decoder's and the GUI's CPU (cores) against ``ffmpeg -threads 1`` decoding the same frames, and the GUI's
longest timer gaps.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from multiprocessing import get_context, shared_memory

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("OPENCV_FOR_THREADS_NUM", "1")

import numpy as np  # noqa: E402

FPS = 25
MEDIA = "/tmp/gridwatch-bench-video/h264-{source}-v{variant}.mp4"


def decode_into_slots(paths: list[str], width: int, height: int, names: tuple[str, str, str], resize: bool) -> None:
    """The decoder process: one capture thread per stream, each writing BGRA frames into its two slots."""
    import cv2
    cv2.setNumThreads(1)
    memory = [shared_memory.SharedMemory(name=name) for name in names]
    frames = np.ndarray((len(paths), 2, height, width, 4), np.uint8, memory[0].buf)
    counters = np.ndarray((len(paths),), np.int64, memory[1].buf)
    stop = np.ndarray((1,), np.int64, memory[2].buf)

    def capture(index: int) -> None:
        reader = cv2.VideoCapture(paths[index], cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        started, count = time.monotonic(), 0
        while not stop[0]:
            ok, frame = reader.read()
            if not ok:
                reader.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            slot = frames[index, (counters[index] + 1) % 2]
            if resize:
                frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_LINEAR)
            cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA, dst=slot)
            counters[index] += 1
            count += 1
            delay = started + count / FPS - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    threads = [threading.Thread(target=capture, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def process_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ffmpeg_cpu_s(paths: list[str], frames_each: int) -> float:
    """CPU seconds of ``ffmpeg -threads 1`` decoding ``frames_each`` frames of every path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for path in paths:
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1", "-stream_loop",
                        "-1", "-i", path, "-frames:v", str(frames_each), "-f", "null", "-"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    tiles, seconds, mode = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    source = sys.argv[4] if len(sys.argv) > 4 else "640x360"
    width, height = (480, 270) if mode == "resize" and source == "640x360" else (640, 360)
    resize = mode == "resize" or source != "640x360"
    columns = int(np.ceil(np.sqrt(tiles)))
    paths = [MEDIA.format(source=source, variant=i % 5) for i in range(tiles)]
    memory = [shared_memory.SharedMemory(create=True, size=size)
              for size in (tiles * 2 * height * width * 4, 8 * tiles, 8)]
    frames = np.ndarray((tiles, 2, height, width, 4), np.uint8, memory[0].buf)
    counters = np.ndarray((tiles,), np.int64, memory[1].buf)
    stop = np.ndarray((1,), np.int64, memory[2].buf)
    counters[:] = 0
    stop[0] = 0

    from PySide6.QtCore import QEventLoop, QRect, QTimer
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication([])
    images = [[QImage(frames[i, b].data, width, height, width * 4, QImage.Format.Format_RGB32) for b in range(2)]
              for i in range(tiles)]
    painted = np.zeros(tiles, np.int64)
    shown = np.zeros(tiles, np.int64)

    def tile_rect(i: int) -> QRect:
        return QRect((i % columns) * width, (i // columns) * height, width, height)

    class Wall(QWidget):
        def paintEvent(self, event):
            painter = QPainter(self)
            for i in range(tiles):
                rect = tile_rect(i)
                if event.rect().intersects(rect):
                    count = int(counters[i])
                    painter.drawImage(rect, images[i][count % 2])
                    if count != painted[i]:
                        painted[i] = count
                        shown[i] += 1
            painter.end()

    wall = Wall()
    wall.resize(columns * width, columns * height)
    wall.show()
    poll = QTimer(interval=8)
    poll.timeout.connect(lambda: [wall.update(tile_rect(i)) for i in np.nonzero(counters != painted)[0]])
    poll.start()

    def run_for(duration: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(duration * 1000), loop.quit)
        loop.exec()

    decoder = get_context("spawn").Process(target=decode_into_slots,
                                           args=(paths, width, height, tuple(m.name for m in memory), resize))
    decoder.start()
    run_for(3)  # warm-up
    gaps, last = [], [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now
    probe = QTimer(interval=16)
    probe.timeout.connect(tick)
    probe.start()
    decoder_before, gui_before, shown_before = process_cpu_s(decoder.pid), time.process_time(), shown.copy()
    started = time.monotonic()
    run_for(seconds)
    decoder_cpu, gui_cpu = process_cpu_s(decoder.pid) - decoder_before, time.process_time() - gui_before
    elapsed = time.monotonic() - started
    fps = (shown - shown_before) / elapsed
    stop[0] = 1
    decoder.join()
    reference = ffmpeg_cpu_s(paths, int((shown - shown_before).sum()) // tiles)
    scaled = f"resized to {width}x{height}" if resize else "shown at their size"
    print(f"{tiles} tiles of {source} {scaled}: fps min/median {fps.min():.1f}/{np.median(fps):.1f}; "
          f"decoder {decoder_cpu / elapsed:.2f} cores, GUI {gui_cpu / elapsed:.2f} cores, "
          f"ffmpeg {reference / elapsed:.2f} cores -> ratio {(decoder_cpu + gui_cpu) / reference:.2f}x; "
          f"GUI gap p99 {np.percentile(gaps, 99) * 1000:.1f} ms; load {os.getloadavg()[0]:.1f}")
    for block in memory:
        block.close()
        block.unlink()
    app.quit()


if __name__ == "__main__":
    main()
