"""Camera capture for the video wall (Qt-free): one worker thread per camera.

The capture engine itself is delivered by the video-wall issue; the package
exists now so the import boundary that keeps it Qt-free is checked from day one.
"""
