"""The captures running in this process: watched for stalls, and stopped before the interpreter exits.

A capture worker blocked in ``read()`` cannot notice that frames stopped coming, so
one shared watchdog thread (alive only while some capture runs) looks at every running
capture a few times a second and lets it declare itself stalled.

Capture threads are not daemons (a thread still inside OpenCV while the interpreter
shuts down aborts the process), so they must end before the interpreter waits for
non-daemon threads: :func:`stop_all` is registered with ``threading``'s own exit hook,
which runs at that point (plain :mod:`atexit` runs only after those threads ended),
and with :mod:`atexit` as well where that hook does not exist.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import Protocol

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 0.2
EXIT_STOP_TIMEOUT_S = 10.0


class Watched(Protocol):
    def _check_stall(self, now: float) -> None: ...
    def _request_stop(self) -> None: ...
    def stop(self, timeout: float = 5.0) -> None: ...


_lock = threading.Lock()
_running: set[Watched] = set()
_watchdog: threading.Thread | None = None
_exit_hook_registered = False


def add(capture: Watched) -> None:
    """``capture``'s worker started (called by the caller of ``start()``)."""
    global _watchdog
    _register_exit_hook()
    with _lock:
        _running.add(capture)
        if _watchdog is None:
            _watchdog = threading.Thread(target=_watch, name="gridwatch-capture-watchdog", daemon=False)
            _watchdog.start()


def discard(capture: Watched) -> None:
    """``capture``'s worker ended (called by that worker)."""
    with _lock:
        _running.discard(capture)


def running() -> list[Watched]:
    with _lock:
        return list(_running)


def stop_all(timeout: float = EXIT_STOP_TIMEOUT_S) -> None:
    """Stop every running capture: ask all of them at once, then wait for each (on any thread but a worker)."""
    captures = running()
    for capture in captures:
        capture._request_stop()
    deadline = time.monotonic() + timeout
    for capture in captures:
        capture.stop(timeout=max(0.0, deadline - time.monotonic()))


def _watch() -> None:
    global _watchdog
    while True:
        with _lock:
            if not _running:
                _watchdog = None
                return
            captures = list(_running)
        now = time.monotonic()
        for capture in captures:
            try:
                capture._check_stall(now)
            except Exception:  # never let one capture's callback end the watch of the others
                log.exception("stall check failed")
        if not threading.main_thread().is_alive():
            stop_all()
        time.sleep(WATCH_INTERVAL_S)


def _register_exit_hook() -> None:
    global _exit_hook_registered
    with _lock:
        if _exit_hook_registered:
            return
        _exit_hook_registered = True
    register_before_thread_join = getattr(threading, "_register_atexit", None)
    if register_before_thread_join is not None:
        try:
            register_before_thread_join(stop_all)
        except RuntimeError:  # the interpreter is already shutting down
            pass
    atexit.register(stop_all)
