"""A town's history made step by step through the real paths, with the live map's snapshots at chosen moments."""

from __future__ import annotations

from datetime import timedelta

from console.core.clock import to_epoch
from console.core.geo import LocalProjection
from console.core.patrol import WorkerState
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.map_data import WORKER_STATES, LiveMap, LiveMapReader
from console.storage.positions import PositionRow, PositionStore
from tests.storage.conftest import START

PROJECTION = LocalProjection(120.3, 30.1)
OFFLINE = WORKER_STATES.index(WorkerState.OFFLINE)


def snapshot(live: LiveMap) -> tuple:
    workers = live.workers
    incidents = live.incidents
    return ({int(w): (round(float(x), 1), round(float(y), 1), int(s))
             for w, x, y, s in zip(workers.ids, workers.x, workers.y, workers.states)},
            {int(i): status for i, status in zip(incidents.ids, incidents.statuses)})


class History:
    """A town's morning made step by step; ``moments`` maps a time to the live map's snapshot then."""

    def __init__(self, store, clock, places):
        self.store, self.clock, self.places = store, clock, places
        self.service = DispatchService(store, clock)
        self.positions = PositionStore(store, clock)
        self.devices = [self.positions.add_device(worker, f"phone-{n}").id
                        for n, worker in enumerate(places.workers)]
        self.reader = LiveMapReader(store, PROJECTION, clock, positions=self.positions)
        self.moments: dict[int, tuple] = {}

    def walk(self, minutes: int, walking: tuple[bool, bool] = (True, True), every_s: int = 10) -> None:
        """Let ``minutes`` pass, each worker reporting every ``every_s`` seconds (or silent)."""
        for _ in range(minutes * 60 // every_s):
            now = self.clock.advance(timedelta(seconds=every_s))
            rows = []
            for n, (device, worker) in enumerate(zip(self.devices, self.places.workers)):
                if walking[n]:
                    step = (to_epoch(now) - to_epoch(START)) / every_s
                    rows.append(PositionRow(device, worker, to_epoch(now), 120.3 + n / 100 + step * 2e-5, 30.1))
            self.positions.write_batch(rows)
            self.reader.read()  # the live map reads after every batch, as it does once a second

    def remember(self) -> int:
        t = to_epoch(self.clock.now())
        self.moments[t] = snapshot(self.reader.read())
        return t

    def report(self, title: str, lon: float) -> int:
        return self.service.report(IncidentDraft("CON01", title, lon=lon, lat=30.1,
                                                 village_id=self.places.villages[0]), "operator")
