"""Garbage is collected on the GUI thread only, from its event loop (:mod:`console.gui.garbage`): a reader thread
that makes plenty of cyclic garbage never starts a collection, and the garbage still goes soon after."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from console.gui.garbage import GuiThreadGarbageCollector, due_generation


class _Cycle:
    def __init__(self):
        self.me = self


@pytest.fixture
def collections():
    """The threads that started a collection while the test ran."""
    threads: list[int] = []

    def record(phase, _info):
        if phase == "start":
            threads.append(threading.get_ident())
    gc.callbacks.append(record)
    yield threads
    gc.callbacks.remove(record)


def test_the_automatic_collector_is_off_while_the_console_collects(qapp):
    collector = GuiThreadGarbageCollector()
    try:
        assert not gc.isenabled()
    finally:
        collector.stop()
    assert not gc.isenabled()  # the test session's own collector (tests/conftest.py) still has it off


def test_a_reader_thread_never_collects_and_the_gui_thread_frees_its_garbage(qtbot, collections):
    made: list[weakref.ref] = []

    def read():  # allocates well past every generation's threshold
        for _ in range(200_000):
            made.append(weakref.ref(_Cycle()))
    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    assert collections == []
    assert sum(ref() is not None for ref in made) == len(made)  # all still waiting to be collected

    collector = GuiThreadGarbageCollector(interval_ms=10)
    try:
        qtbot.waitUntil(lambda: all(ref() is None for ref in made[:1000]), timeout=5000)
    finally:
        collector.stop()
    assert collections and set(collections) == {threading.get_ident()}


@pytest.mark.parametrize("counts, full_allowed, expected", [
    ((10, 0, 0), True, None),       # the youngest generation is not full: nothing to do
    ((701, 0, 0), True, 0),
    ((701, 11, 0), True, 1),
    ((701, 11, 11), True, 2),
    ((701, 11, 11), False, 1),      # a full collection came too recently
    ((701, 3, 11), True, 2),        # as CPython: the oldest generation over its threshold
])
def test_a_collection_is_due_as_python_would_start_it(counts, full_allowed, expected):
    assert due_generation(counts, (700, 10, 10), full_allowed=full_allowed) == expected
