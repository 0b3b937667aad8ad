"""Everything the console's windows share: the store, the services and who is on duty."""

from __future__ import annotations

from dataclasses import dataclass

from console.core.clock import Clock
from console.core.roles import Role
from console.core.taxonomy import Taxonomy
from console.gui.taskman import TaskManager
from console.storage.db import Store
from console.storage.dispatch import DispatchService


@dataclass
class ConsoleContext:
    """The wiring of one console session (built by :mod:`console.gui.app`).

    ``service`` is bound to the logged-in operator's role (:meth:`DispatchService.for_operator`), so
    whatever a window asks of it, the core refuses what the role forbids; ``role`` is that role, for
    disabling what the windows offer.  ``system_service`` is what the console's own automatic duties
    (the deadline sweep, the demo simulation) run with; it defaults to ``service``.  ``demo_login``: the
operator was logged in by the demo's one-click login (the window says so).
    """

    store: Store
    service: DispatchService
    tasks: TaskManager
    taxonomy: Taxonomy
    clock: Clock
    operator: str
    lang: str
    is_demo: bool = False
    role: Role | None = None
    system_service: DispatchService | None = None
    demo_login: bool = False  # logged in with the demo store's one-click login
    login: str = ""  # the logged-in user's login name ("" for a session without one, e.g. in tests)

    def __post_init__(self) -> None:
        if self.role is None:
            self.role = self.service.role
        if self.system_service is None:
            self.system_service = self.service
