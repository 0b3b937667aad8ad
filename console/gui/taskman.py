"""Deliver the results of background tasks on the GUI thread."""

from __future__ import annotations

import functools
import itertools
import logging
from concurrent.futures import Executor, Future
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from console.gui.inbox import GuiInbox
from console.tasks import Cancelled, TaskRunner, TaskState

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskManager(QObject):
    """Runs work on a :class:`TaskRunner` and calls back on the GUI thread.

    Workers hand their callbacks over through a :class:`GuiInbox`, which runs them on the GUI
    thread without the worker calling Qt (a queued signal from a worker can deadlock PySide).
    """

    def __init__(self, runner: TaskRunner | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner or TaskRunner()
        self._inbox = GuiInbox(self)
        self._closed = False
        self._dialogs: dict[int, tuple[QProgressDialog, TaskState]] = {}
        self._dialog_keys = itertools.count()

    def read(self, fn: Callable, *args, on_done: Done | None = None, on_error: Failed | None = None) -> Future:
        """Run ``fn(*args)`` on the I/O pool; callbacks run on the GUI thread."""
        return self._watch(self._submit(self.runner.read, fn, *args), on_done, on_error)

    def write(self, fn: Callable, *args, on_done: Done | None = None, on_error: Failed | None = None) -> Future:
        """Run ``fn(*args)`` on the single database writer; callbacks run on the GUI thread."""
        return self._watch(self._submit(self.runner.write, fn, *args), on_done, on_error)

    def run_in(self, executor: Executor, fn: Callable, *args, on_done: Done | None = None,
               on_error: Failed | None = None) -> Future:
        """Run ``fn(*args)`` on ``executor`` (e.g. one camera's own ordered command thread); callbacks on the GUI."""
        return self._watch(self._submit(executor.submit, fn, *args), on_done, on_error)

    def with_progress(self, fn: Callable[[TaskState], Any], label: str, parent: QWidget | None = None, *,
                      on_done: Done | None = None, on_error: Failed | None = None,
                      write: bool = True) -> TaskState:
        """Run ``fn(state)`` with a cancellable progress dialog.

        The dialog lives only in ``self._dialogs``, touched on the GUI thread; the closures that pass
        through the worker carry its key, never the dialog, so the worker thread can never drop the
        last reference to a widget (which would destroy it off the GUI thread: an abort, seen in CI).
        """
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, 1000, parent)
        # Not modal: a modal QProgressDialog runs the event loop inside setValue(), and a task finishing
        # during that nested loop closed the dialog from inside its own setValue (a hang, seen at first run).
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        state = TaskState(lambda fraction, message: self.call_soon(lambda: show_progress(fraction, message)))
        key = next(self._dialog_keys)
        self._dialogs[key] = dialog, state

        # Connected through the key: a bound method of ``state`` would make PySide watch ``state`` by weak
        # reference and disconnect from whichever thread drops it last, the worker's.
        dialog.canceled.connect(functools.partial(self._cancel, key))

        def show_progress(fraction: float, message: str) -> None:
            if key in self._dialogs:
                shown, _state = self._dialogs[key]
                shown.setValue(int(fraction * 1000))
                shown.setLabelText(message or label)

        def finish(callback, value):
            if key in self._dialogs:
                shown, _state = self._dialogs.pop(key)
                shown.hide()
                shown.deleteLater()
            if callback is not None:
                callback(value)
        submit = self.runner.write if write else self.runner.read
        self._watch(self._submit(submit, fn, state), lambda v: finish(on_done, v), lambda e: finish(on_error, e))
        return state

    def _cancel(self, key: int) -> None:
        if key in self._dialogs:
            self._dialogs[key][1].request_interruption()

    def call_soon(self, closure: Callable[[], Any]) -> None:
        """Run ``closure`` on the GUI thread (safe to call from any thread)."""
        if not self._closed:
            self._inbox.post(closure)

    def shutdown(self) -> None:
        self._closed = True
        self.runner.shutdown(wait=True)
        self._inbox.close()

    def _submit(self, submit: Callable[..., Future], fn: Callable, *args) -> Future:
        """Submit work; after :meth:`shutdown` (a timer firing while the app closes) it is dropped."""
        if self._closed:
            dropped = Future()
            dropped.cancel()
            return dropped
        return submit(fn, *args)

    def _watch(self, future: Future, on_done: Done | None, on_error: Failed | None) -> Future:
        def finished(fut: Future) -> None:
            if fut.cancelled():
                return
            error = fut.exception()
            if error is None:
                if on_done is not None:
                    self.call_soon(lambda: on_done(fut.result()))
            elif on_error is not None:
                self.call_soon(lambda: on_error(error))
            elif not isinstance(error, Cancelled):
                log.error("background task failed", exc_info=error)
        future.add_done_callback(finished)
        return future
