"""Waiting helpers for the capture tests: a status log to wait on, a frame consumer, a polling deadline."""

from __future__ import annotations

import os
import threading
import time
from typing import Callable

import pytest

from video.capture import CameraCapture, CaptureState, CaptureStatus


class StatusLog:
    """An ``on_status`` callback that records every status and lets a test wait for one."""

    def __init__(self):
        self.statuses: list[CaptureStatus] = []
        self._changed = threading.Condition()

    def __call__(self, status: CaptureStatus) -> None:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()

    def mark(self) -> int:
        """A position in the log: ``wait_for(..., since=mark)`` looks only at later statuses."""
        with self._changed:
            return len(self.statuses)

    def wait_for(self, *states: CaptureState, timeout: float, since: int = 0) -> CaptureStatus:
        """The first status at or after ``since`` in one of ``states``; fails after ``timeout`` s."""
        def found():
            return next((s for s in self.statuses[since:] if s.state in states), None)

        with self._changed:
            if not self._changed.wait_for(found, timeout):
                history = ", ".join(f"{s.state.value}({s.reason})" if s.reason else s.state.value
                                    for s in self.statuses[since:])
                pytest.fail(f"no {'/'.join(s.value for s in states)} within {timeout} s; saw: {history or 'nothing'}")
            return found()

    def states(self, since: int = 0) -> list[CaptureState]:
        with self._changed:
            return [s.state for s in self.statuses[since:]]


class Consumer:
    """An ``on_frame`` callback that counts notifications and, if ``takes``, takes the frame like a GUI would."""

    def __init__(self, takes: bool = True):
        self.takes = takes
        self.capture: CameraCapture | None = None
        self.notifications = 0
        self.frames = []
        self.arrived = threading.Event()

    def __call__(self) -> None:
        self.notifications += 1
        if self.takes:
            self.frames.append(self.capture.take_frame())
        self.arrived.set()


def wait_until(predicate: Callable[[], bool], timeout: float, what: str = "condition") -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not reached within {timeout} s")
        time.sleep(0.02)


def decoder_processes() -> list[int]:
    """The ids of this process's video decoder children still running (a pool or host not shut down)."""
    found = []
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            if parent != me:
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                if b"video.decoder_main" in cmdline.read():
                    found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found
