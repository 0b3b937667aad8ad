"""Test media written by ffmpeg: short H.264 clips and an HLS (video-on-demand) playlist."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FFMPEG = shutil.which("ffmpeg")
MISSING_MESSAGE = "ffmpeg is not installed (apt-get install ffmpeg); the capture tests encode real H.264 with it"


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True, capture_output=True, timeout=60)


def make_h264_clip(path: Path, size: tuple[int, int] = (640, 360), fps: int = 25, seconds: float = 4) -> Path:
    """An MP4 of ffmpeg's moving ``testsrc2`` pattern, H.264 (yuv420p), one keyframe a second."""
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size[0]}x{size[1]}:rate={fps}", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(fps), str(path))
    return path


def make_hls(clip: Path, directory: Path) -> Path:
    """Repackage ``clip`` (no re-encoding) as an HLS VOD playlist of 1 s segments; returns the playlist."""
    directory.mkdir(parents=True, exist_ok=True)
    playlist = directory / "index.m3u8"
    _ffmpeg("-i", str(clip), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
            "-hls_playlist_type", "vod", "-hls_segment_filename", str(directory / "seg%03d.ts"), str(playlist))
    return playlist
