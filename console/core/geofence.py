"""The geofence rule: tell the operator when a worker on duty has left their own grid for too long.

GPS drifts 10-30 m, more between tall buildings, so a worker walking along their
grid's edge would flicker in and out.  Two guards keep that quiet:

* a **hysteresis band**: a fix counts as *outside* only when it lies more than
  :attr:`GeofencePolicy.band_m` beyond the boundary; fixes inside the band change nothing;
* a **minimum time back inside**: an absence ends only after the worker has been
  inside the grid for :attr:`GeofencePolicy.back_inside_s`; a short return does not
  restart the clock of the absence.

An absence raises one :class:`GeofenceAlert` once it has lasted
:attr:`GeofencePolicy.outside_after_s` (measured from the first outside fix to the
injected clock's now, so a worker whose phone went silent outside is still reported).
A worker going off duty ends their absence silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.core.clock import Clock, from_epoch
from console.core.geo import Region


@dataclass(frozen=True)
class GeofencePolicy:
    """How long outside raises an alert, and how drift at the border is ignored."""

    outside_after_s: float = 900.0
    band_m: float = 30.0
    back_inside_s: float = 120.0


@dataclass(frozen=True)
class GeofenceAlert:
    """A worker has been outside their grid since ``since``; the console links to their track from then."""

    worker_id: int
    worker_name: str
    grid_id: int
    since: datetime
    raised_at: datetime
    lon: float
    lat: float

    @property
    def minutes_outside(self) -> int:
        return int((self.raised_at - self.since).total_seconds() // 60)

    def describe(self) -> str:
        """One line for the operator."""
        return f"{self.worker_name} has been outside their grid for {self.minutes_outside} min"


@dataclass
class _Absence:
    since: float
    lon: float
    lat: float
    back_since: float | None = None
    alerted: bool = False


class GeofenceWatch:
    """Per-worker absence tracking; feed fixes with :meth:`observe`, collect alerts with :meth:`due`.

    ``grids`` maps a grid id to its boundary (a GeoJSON geometry or a prepared :class:`Region`)."""

    def __init__(self, grids: dict[int, dict | Region], clock: Clock, policy: GeofencePolicy = GeofencePolicy()):
        self.policy = policy
        self.clock = clock
        self._regions = {gid: g if isinstance(g, Region) else Region(g) for gid, g in grids.items()}
        self._absences: dict[int, _Absence] = {}
        self._who: dict[int, tuple[str, int]] = {}

    def observe(self, worker_id: int, worker_name: str, grid_id: int, t: float, lon: float, lat: float,
                on_duty: bool = True) -> None:
        """Take one fix (epoch seconds ``t``) of a worker whose own grid is ``grid_id``."""
        region = self._regions.get(grid_id)
        if region is None or not on_duty:
            self._absences.pop(worker_id, None)
            return
        self._who[worker_id] = (worker_name, grid_id)
        absence = self._absences.get(worker_id)
        if region.contains(lon, lat):
            if absence is not None:
                if absence.back_since is None:
                    absence.back_since = t
                elif t - absence.back_since >= self.policy.back_inside_s:
                    del self._absences[worker_id]
            return
        if region.signed_distance_m(lon, lat) <= self.policy.band_m:
            return  # in the band: drift, not a decision either way
        if absence is None:
            self._absences[worker_id] = _Absence(t, lon, lat)
        else:
            absence.back_since = None
            absence.lon, absence.lat = lon, lat

    def due(self) -> list[GeofenceAlert]:
        """Alerts for absences that reached ``outside_after_s`` by the clock's now; each raised once."""
        now = self.clock.now()
        limit = timedelta(seconds=self.policy.outside_after_s)
        alerts = []
        for worker_id, absence in self._absences.items():
            since = from_epoch(int(absence.since))
            if absence.alerted or now - since < limit:
                continue
            if absence.back_since is not None and (now - from_epoch(int(absence.back_since))).total_seconds() \
                    >= self.policy.back_inside_s:
                continue  # back inside long enough; the next fix closes the absence
            absence.alerted = True
            name, grid_id = self._who[worker_id]
            alerts.append(GeofenceAlert(worker_id, name, grid_id, since, now, absence.lon, absence.lat))
        return alerts

    def outside(self) -> dict[int, datetime]:
        """Workers currently counted outside their grid, with since when."""
        return {w: from_epoch(int(a.since)) for w, a in self._absences.items() if a.back_since is None}
