"""The console's one selection: what the operator is looking at, whichever view they picked it in.

An operator picks an incident in the queue, a worker or a village on the map, a camera on the map or
on a wall tile; every view then answers from this one object, so that no view talks to another
behind its back (the main window is the only place where views and the selection are connected).

* :meth:`Selection.select` takes the pick and emits the matching ``*_selected`` signal, once: picking
  what is already selected emits nothing, which is what keeps a view that follows the selection from
  echoing it back in a loop.
* :attr:`Selection.current` is the latest pick, ``(kind, id)``, and :attr:`Selection.source` the view it
  was picked in (None: not said), so that the view it came from need not answer it again.

All signals are emitted on the GUI thread, by the call to :meth:`select`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

KINDS = ("incident", "worker", "camera", "village")


class Selection(QObject):
    """What is selected across the queue, the map and the wall: one incident, worker, camera or village.

    Signals (GUI thread): ``incident_selected(int)``, ``worker_selected(int)``, ``camera_selected(int)``,
    ``village_selected(int)`` with the picked id; ``changed(str, int)`` with the kind and id, after it."""

    incident_selected = Signal(int)
    worker_selected = Signal(int)
    camera_selected = Signal(int)
    village_selected = Signal(int)
    changed = Signal(str, int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.current: tuple[str, int] | None = None
        self.source: object | None = None

    def select(self, kind: str, ident: int, source: object | None = None) -> None:
        """The operator picked ``ident`` of ``kind`` (one of :data:`KINDS`) in the view ``source``."""
        if kind not in KINDS:
            raise ValueError(f"nothing of kind {kind!r} can be selected")
        if self.current == (kind, ident):
            return
        self.current, self.source = (kind, ident), source
        getattr(self, f"{kind}_selected").emit(ident)
        self.changed.emit(kind, ident)

    def select_incident(self, incident_id: int) -> None:
        self.select("incident", incident_id)

    def select_worker(self, worker_id: int) -> None:
        self.select("worker", worker_id)

    def select_camera(self, camera_id: int) -> None:
        self.select("camera", camera_id)

    def select_village(self, village_id: int) -> None:
        self.select("village", village_id)

    def forget(self) -> None:
        """Nothing is selected any more (the next pick of the same thing counts again)."""
        self.current = None
