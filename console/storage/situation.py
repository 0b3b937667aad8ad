"""The console's watchers: red-light villages still red after two hours, workers outside their grid too long.

:class:`SituationWatch` takes each :class:`~console.storage.map_data.LiveMap` the map
reads and says which follow-up tasks are due (:class:`~console.storage.follow_ups.TaskDraft`);
the rules themselves are :class:`console.core.redlight.RedLightBoard` and
:class:`console.core.geofence.GeofenceWatch`.  Their memory (red since, outside since)
lives in this object, i.e. in the running console: a restart starts the two-hour
and the outside-grid clocks again.
"""

from __future__ import annotations

from console.core.clock import Clock
from console.core.geofence import GeofencePolicy, GeofenceWatch
from console.core.redlight import RedLightBoard, RedLightPolicy
from console.storage.boundaries import BoundaryBook
from console.storage.db import Store
from console.storage.follow_ups import OUTSIDE_GRID, PHONE_VILLAGE, TaskDraft
from console.storage.map_data import LiveMap, MapPlaces


class SituationWatch:
    """Feeds live map snapshots to the red-light and geofence rules; one per console, one caller at a time."""

    def __init__(self, store: Store, clock: Clock, places: MapPlaces,
                 red_policy: RedLightPolicy = RedLightPolicy(), fence_policy: GeofencePolicy = GeofencePolicy()):
        self.red_light = RedLightBoard(clock, red_policy)
        self.geofence = GeofenceWatch(BoundaryBook(store).grid_regions(), clock, fence_policy)
        self.village_names = dict(zip(places.villages.ids.tolist(), places.villages.names))
        workers = places.workers
        self._workers = {int(w): (workers.names[i], int(workers.grid_ids[i]), bool(workers.on_duty[i]))
                         for i, w in enumerate(workers.ids.tolist())}
        self._last_fix: dict[int, float] = {}

    def observe(self, live: LiveMap) -> list[TaskDraft]:
        """The tasks due now, given this snapshot (each condition gives one task per spell)."""
        drafts = []
        for due in self.red_light.update(live.village_counts).follow_ups:
            name = self.village_names.get(due.village_id, str(due.village_id))
            drafts.append(TaskDraft(PHONE_VILLAGE, due.village_id,
                                    f"phone {name}: {due.describe().removeprefix('phone the village: ')}",
                                    due.due_at, due.red_since))
        workers = live.workers
        for index, worker_id in enumerate(workers.ids.tolist()):
            t = float(workers.fix_at[index])
            if self._last_fix.get(worker_id) == t:
                continue  # no new fix since the last snapshot
            self._last_fix[worker_id] = t
            name, grid_id, on_duty = self._workers.get(worker_id, (str(worker_id), 0, False))
            self.geofence.observe(worker_id, name, grid_id, t, float(workers.lon[index]), float(workers.lat[index]),
                                  on_duty)
        for alert in self.geofence.due():
            drafts.append(TaskDraft(OUTSIDE_GRID, alert.worker_id, alert.describe(), alert.raised_at, alert.since))
        return drafts

