"""Who a store's administrative writes act as: a role checked in the core, and a name for the record.

The books of administrative things — users (:class:`~console.storage.operators.OperatorBook`), cameras
(:class:`~console.storage.cameras.CameraBook`), phones (:class:`~console.storage.positions.PositionStore`)
and API keys (:class:`~console.storage.api_keys.ApiKeyStore`) — follow
:meth:`DispatchService.for_operator <console.storage.dispatch.DispatchService.for_operator>`:

* built plainly, a book acts as :data:`Role.SYSTEM` (the command line: a shell on the server is
  administration) under the actor name it was given (``"system"`` by default);
* ``book.for_operator(role, actor)`` is the same book bound to a logged-in operator's role and name: every
  write first checks the role (:func:`console.core.roles.require`) and raises
  :class:`~console.core.roles.PermissionDenied` (one line) before anything is written, and its audit
  entries name ``actor``.

Reading (lists, look-ups) is for every role.  Qt-free.
"""

from __future__ import annotations

import copy

from console.core.roles import Role, parse_role, require


class Acting:
    """Mixin of the administrative books: :attr:`role` and :attr:`actor`, :meth:`for_operator`, :meth:`check_role`."""

    role: Role = Role.SYSTEM
    actor: str = "system"

    def _bind(self, role: Role | str = Role.SYSTEM, actor: str = "system") -> None:
        self.role = parse_role(role)
        self.actor = (actor or "system")[:64]

    def for_operator(self, role: Role | str, actor: str):
        """This book bound to a logged-in operator's ``role`` and name ``actor`` (shares the store and clock)."""
        bound = copy.copy(self)
        bound._bind(role, actor)
        return bound

    def check_role(self, what: str) -> None:
        """Raise :class:`~console.core.roles.PermissionDenied` unless this book's role may do ``what``."""
        require(self.role, what)
