"""Background tasks report back on the GUI thread, with progress and cancellation."""

from __future__ import annotations

import threading

import pytest

from console.gui.taskman import TaskManager
from console.tasks import Cancelled


@pytest.fixture
def tasks(qapp):
    manager = TaskManager()
    yield manager
    manager.shutdown()


def test_results_arrive_on_the_gui_thread(tasks, qtbot):
    seen = []
    tasks.read(lambda: threading.current_thread(), on_done=lambda worker: seen.append(
        (worker, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    worker, caller = seen[0]
    assert worker is not threading.main_thread()
    assert caller is threading.main_thread()


def test_errors_reach_the_error_callback(tasks, qtbot):
    errors = []
    tasks.write(lambda: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_progress_task_finishes_many_times_without_hanging(tasks, qtbot):
    """Fast tasks that report progress and finish at once: the dialog must never wedge the GUI."""
    finished = []

    def work(state):
        for i in range(200):
            state.set_progress(i / 200, f"step {i}")
        return "done"
    for _ in range(20):
        tasks.with_progress(work, "working", None, on_done=finished.append)
    qtbot.waitUntil(lambda: len(finished) == 20, timeout=20_000)
    assert finished == ["done"] * 20


def test_cancelling_stops_the_task(tasks, qtbot):
    started, errors = threading.Event(), []

    def work(state):
        started.set()
        while True:
            state.check()
    state = tasks.with_progress(work, "long", None, on_error=errors.append)
    assert started.wait(5)
    state.request_interruption()
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], Cancelled)


def test_work_submitted_after_shutdown_is_dropped_not_raised(qapp):
    """A view's poll timer may fire while the console closes: nothing must blow up."""
    manager = TaskManager()
    manager.shutdown()
    called = []
    future = manager.read(lambda: called.append(1), on_done=called.append)
    assert future.cancelled()
    assert not called
