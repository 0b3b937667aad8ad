"""Callbacks of background tasks that hold their widget only weakly.

A task's callback passes through the worker thread that ran it; if that
thread held the last reference to a Python-owned widget, the widget's C++
object would be destroyed there, off the GUI thread.  So callbacks hold
their owner weakly and are called with it as the first argument.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import shiboken6


def guarded(owner, callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback(owner, *args)``, or nothing once ``owner`` is gone; ``owner`` is held weakly."""
    ref = weakref.ref(owner)

    def call(*args):
        target = ref()
        if target is not None and shiboken6.isValid(target):
            return callback(target, *args)
        return None
    return call
