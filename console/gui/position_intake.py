"""The console's own position intake on loopback and, on a demo store, the demo workers walking their grids."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from console.gui.context import ConsoleContext
from console.service import ServiceError, ServiceHandle, start_service

log = logging.getLogger(__name__)

#: Demo walkers go at most this many times real speed: faster, their fixes would look like cars and the
#: patrol statistics would rightly drop them (the fix times are the wall clock's).
MAX_WALK_SPEEDUP = 6.0


def start_intake(context: ConsoleContext, simulate_speed: float) -> tuple[ServiceHandle, object | None]:
    """Start the intake on loopback (the default ports, or any free ones when those are taken) and, with
    ``simulate_speed``, the demo patrol simulator reporting to it.  Runs on a background thread."""
    try:
        handle = start_service(context.store, clock=context.clock)
    except ServiceError as exc:
        log.info("default intake ports taken (%s); listening on free ones", exc)
        handle = start_service(context.store, clock=context.clock, osmand_port=0, http_port=0)
    simulator = None
    if simulate_speed > 0:
        from console.demo.patrols import PatrolSimulator, register_demo_phones
        register_demo_phones(context.store)
        simulator = PatrolSimulator(context.store, handle.osmand_url, seed=7,
                                    speed=min(simulate_speed, MAX_WALK_SPEEDUP))
        simulator.start()
    return handle, simulator


class PositionIntake(QObject):
    """Runs the intake (and the demo walkers) for the console's lifetime, started and stopped off the GUI.

    ``started(str)`` — the OsmAnd address phones can report to — and ``failed(str)`` are
    emitted on the GUI thread.
    """

    started = Signal(str)
    failed = Signal(str)

    def __init__(self, context: ConsoleContext, simulate_speed: float = 0.0, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.simulate_speed = simulate_speed
        self.handle: ServiceHandle | None = None
        self.simulator = None
        self._stopping = False

    def start(self) -> None:
        self.context.tasks.read(start_intake, self.context, self.simulate_speed, on_done=self._running,
                                on_error=lambda exc: self.failed.emit(str(exc)))

    def stop(self) -> None:
        """Stop the walkers and the intake (queued positions are written first)."""
        self._stopping = True
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
        if self.handle is not None:
            self.handle.stop()
            self.handle = None

    def _running(self, result) -> None:
        self.handle, self.simulator = result
        if self._stopping:  # the console closed while the intake was starting
            self.stop()
            return
        self.started.emit(self.handle.osmand_url)
