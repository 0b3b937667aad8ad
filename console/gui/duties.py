"""Periodic background duties of a running console: the deadline sweep and the demo simulation."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from console.gui.context import ConsoleContext

log = logging.getLogger(__name__)


class BackgroundDuties(QObject):
    """Runs the deadline check (and, on a demo store, the simulation) on the database-writer thread.

    ``store_changed`` is emitted on the GUI thread after a duty wrote something,
    so views can refresh.  ``simulation_ticked(int reports)`` likewise, with the
    number of new reports that tick filed.
    """

    store_changed = Signal()
    simulation_ticked = Signal(int)
    duty_failed = Signal(str)

    def __init__(self, context: ConsoleContext, simulation_speed: float = 0.0,
                 deadline_interval_ms: int = 30_000, tick_interval_ms: int = 1_000, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self._busy: set[str] = set()
        self.simulation = None
        if simulation_speed > 0:
            from console.demo.simulation import Simulation
            self.simulation = Simulation(context.store, context.system_service, context.clock, seed=7,
                                         speed=simulation_speed)
        self._deadline_timer = QTimer(self, interval=deadline_interval_ms)
        self._deadline_timer.timeout.connect(self.check_deadlines)
        self._tick_timer = QTimer(self, interval=tick_interval_ms)
        self._tick_timer.timeout.connect(self.tick_simulation)

    def start(self) -> None:
        self._deadline_timer.start()
        if self.simulation is not None:
            self._tick_timer.start()
        QTimer.singleShot(0, self.check_deadlines)

    def stop(self) -> None:
        self._deadline_timer.stop()
        self._tick_timer.stop()

    @property
    def simulating(self) -> bool:
        return self.simulation is not None and self._tick_timer.isActive()

    def check_deadlines(self) -> None:
        # The sweep is the console's own work (as the system), not the logged-in operator's decision.
        self._run("deadlines", self.context.system_service.check_deadlines,
                  lambda sweep: sweep.reminded or sweep.supervised)

    def tick_simulation(self) -> None:
        if self.simulation is None:
            return
        now = self.context.clock.now()

        def done(tick) -> bool:
            self.simulation_ticked.emit(len(tick.reported))
            return tick.changed
        self._run("simulation", lambda: self.simulation.tick(now), done)

    def _run(self, name: str, work, changed) -> None:
        if name in self._busy:
            return  # the previous run has not finished; skip rather than queue up
        self._busy.add(name)

        def on_done(result):
            self._busy.discard(name)
            if changed(result):
                self.store_changed.emit()

        def on_error(error):
            self._busy.discard(name)
            log.warning("%s duty failed: %s", name, error)
            self.duty_failed.emit(f"{name}: {error}")
        self.context.tasks.write(work, on_done=on_done, on_error=on_error)
