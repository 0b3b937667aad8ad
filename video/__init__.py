"""Camera capture for the video wall (Qt-free): one worker thread per camera, in a decoder process.

- :mod:`video.sources`: what kind of source a URL names, and how to show it without credentials;
- :mod:`video.readers`: opening a source as a frame reader (OpenCV's FFmpeg and V4L2 backends, demo scenes);
- :mod:`video.capture`: :class:`~video.capture.CameraCapture`, one camera's worker thread and its state;
- :mod:`video.registry`: the running captures, watched for stalls and stopped before the interpreter exits;
- :mod:`video.decoder_host`, :mod:`video.decoder_main`, :mod:`video.frame_slots`: the console runs its
  captures in a separate decoder process (started and restarted by the host) that writes frames into
  shared memory, so its own interpreter only paints;
- :mod:`video.backoff`, :mod:`video.stats`: reconnect delays, frame rates and latency percentiles.

Two FFmpeg settings are made here, before anything in this package imports ``cv2``
(OpenCV reads them from the environment on every open); a value already in the
environment wins:

- ``OPENCV_FFMPEG_IS_THREAD_SAFE=1`` removes the process-wide lock OpenCV holds while
  opening a URL, so one camera that hangs on open no longer delays every other camera;
- ``OPENCV_FFMPEG_CAPTURE_OPTIONS``: setting it replaces OpenCV's built-in default
  (``rtsp_flags;prefer_tcp``), so that default is repeated: RTSP asks for TCP first (no
  smeared frames from lost UDP packets, passes NAT) and falls back to UDP only if the
  camera refuses TCP.  ``analyzeduration;500000`` stops stream probing after 0.5 s of
  media, which halves the time to open a live RTSP stream (1.2 s -> 0.6 s measured).
  The open and read timeouts are not options here: they are passed per capture
  (``CAP_PROP_OPEN_TIMEOUT_MSEC`` / ``CAP_PROP_READ_TIMEOUT_MSEC``) and enforced by
  OpenCV's interrupt callback, so they hold whatever this variable says.
- ``OPENCV_FOR_THREADS_NUM=1``: every camera already has its own thread, so OpenCV's own
  thread pool (for resizes and colour conversions) only spins; measured at 16 tiles it cut
  the process's CPU by 0.15 cores.
"""

import os

os.environ.setdefault("OPENCV_FFMPEG_IS_THREAD_SAFE", "1")
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_flags;prefer_tcp|analyzeduration;500000")
os.environ.setdefault("OPENCV_FOR_THREADS_NUM", "1")
