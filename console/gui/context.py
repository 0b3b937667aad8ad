"""Everything the console's windows share: the store, the services and who is on duty."""

from __future__ import annotations

from dataclasses import dataclass

from console.core.clock import Clock
from console.core.taxonomy import Taxonomy
from console.gui.taskman import TaskManager
from console.storage.db import Store
from console.storage.dispatch import DispatchService


@dataclass
class ConsoleContext:
    """The wiring of one console session (built by :mod:`console.gui.app`)."""

    store: Store
    service: DispatchService
    tasks: TaskManager
    taxonomy: Taxonomy
    clock: Clock
    operator: str
    lang: str
    is_demo: bool = False
