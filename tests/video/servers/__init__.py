"""Real video servers on loopback for the capture tests.

- :mod:`.media`: H.264 test clips and an HLS playlist written by ffmpeg;
- :mod:`.rtsp`: GStreamer's RTSP server in a subprocess (:mod:`.rtsp_server`), stoppable and restartable;
- :mod:`.mjpeg`: MJPEG over HTTP (multipart/x-mixed-replace) from a thread, several clients at once;
- :mod:`.static`: a directory over HTTP (the HLS playlist and its segments);
- :mod:`.ports`: free and closed ports, a server that accepts connections and never answers;
- :mod:`.clockface`: frames that show the sender's clock, so a reader can measure latency.
"""
