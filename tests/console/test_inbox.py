"""Work handed from worker threads to the GUI thread through the inbox: in order, promptly, and never lost."""

from __future__ import annotations

import threading

from console.gui.inbox import GuiInbox


def test_callables_posted_from_many_threads_all_run_on_the_gui_thread_in_each_threads_order(qtbot):
    inbox = GuiInbox()
    gui = threading.current_thread()
    seen: list[tuple[int, int, bool]] = []

    def worker(n: int) -> None:
        for k in range(200):
            inbox.post(lambda n=n, k=k: seen.append((n, k, threading.current_thread() is gui)))
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: len(seen) == 800, timeout=5_000)
    assert all(on_gui for _n, _k, on_gui in seen)
    for n in range(4):
        assert [k for m, k, _ in seen if m == n] == list(range(200))
    inbox.close()


def test_a_failing_callable_does_not_hold_up_the_others(qtbot):
    inbox = GuiInbox()
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("boom")
    inbox.post(boom)
    inbox.post(lambda: ran.append("after"))
    with qtbot.captureExceptions() as caught:
        qtbot.waitUntil(lambda: ran == ["after"], timeout=5_000)
    assert [str(error) for _kind, error, _trace in caught] == ["boom"]
    inbox.close()


def test_nothing_runs_after_close(qtbot):
    inbox = GuiInbox()
    ran: list[int] = []
    inbox.post(lambda: ran.append(1))
    inbox.close()
    inbox.post(lambda: ran.append(2))
    qtbot.wait(50)
    assert ran == []
