"""Demo grid workers on patrol: they walk their grids and report like Traccar Client does.

:class:`PatrolSimulator` gives each demo worker who has a phone registered (see
:func:`register_demo_phones`) a walk inside their grid: straight legs between random
waypoints (grid outlines are convex, so a leg stays inside), a pause at some
waypoints, now and then a leg that ends up to 150 m outside the grid.  Every
``report_every_s`` seconds each worker on duty reports through the real intake path:
an OsmAnd request (``GET /?id=…&lat=…&lon=…&timestamp=…&speed=<knots>…``) over HTTP
to the intake, as the Traccar Client app would.  GPS noise is realistic: a few metres
of Gaussian scatter, the phone's own accuracy estimate, and about one fix in a hundred
thrown 50-150 m off by multipath with a poor accuracy.

The walk is a function of the seed and the elapsed time only, so the same seed and
the same sequence of :meth:`PatrolSimulator.reports` times give the same fixes.
``speed`` makes the workers walk that many times faster (a speed-up for watching the
map; fix times stay the wall clock's, so sped-up tracks show fast walkers).
"""

from __future__ import annotations

import http.client
import logging
import math
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from console.core.clock import Clock, SystemClock
from console.core.geo import LocalProjection, Region
from console.service.protocols import KNOT_MS
from console.storage.boundaries import BoundaryBook
from console.storage.db import Store
from console.storage.models import Device, Grid, Worker
from console.storage.positions import PositionStore

log = logging.getLogger(__name__)

WALK_SPEED_MS = 1.2
DEMO_DEVICE_PREFIX = "demo-"


def register_demo_phones(store: Store) -> int:
    """Give every worker without a phone a Traccar Client phone ``demo-<worker code>``; returns how many."""
    with store.sessions() as session:
        have = set(session.scalars(select(Device.worker_id)))
        workers = [(wid, code) for wid, code in session.execute(select(Worker.id, Worker.code).order_by(Worker.id))
                   if wid not in have]
    return PositionStore(store).add_devices([(wid, DEMO_DEVICE_PREFIX + code, "osmand") for wid, code in workers])


@dataclass
class WalkingWorker:
    """One simulated worker: the phone's id, their grid, and where their walk stands."""

    unique_id: str
    region: Region
    rng: random.Random
    noise: random.Random
    projection: LocalProjection
    on_duty: bool = True
    legs: list[tuple] = field(default_factory=list)  # (t0, t1, from x, from y, to x, to y, pause)
    x: float = 0.0
    y: float = 0.0
    battery: float = 100.0

    def position(self, elapsed: float, speed: float) -> tuple[float, float, float, float]:
        """(x, y, speed m/s, bearing) after ``elapsed`` wall seconds of walking at ``speed``x (forward only)."""
        while not self.legs or self.legs[-1][1] < elapsed:
            self._plan_leg(speed)
        for t0, t1, sx, sy, x, y, pause in self.legs:
            if t0 <= elapsed <= t1:
                walk_end = t1 - pause
                if elapsed >= walk_end:
                    return x, y, 0.0, 0.0
                f = (elapsed - t0) / (walk_end - t0)
                bearing = math.degrees(math.atan2(x - sx, y - sy)) % 360
                return sx + f * (x - sx), sy + f * (y - sy), WALK_SPEED_MS * speed, bearing
        return self.x, self.y, 0.0, 0.0

    def _plan_leg(self, speed: float) -> None:
        t0, sx, sy = (self.legs[-1][1], self.legs[-1][4], self.legs[-1][5]) if self.legs else (0.0, self.x, self.y)
        x, y = self._waypoint(outside=self.rng.random() < 0.03)
        seconds = math.hypot(x - sx, y - sy) / (WALK_SPEED_MS * speed)
        pause = self.rng.uniform(60, 600) / speed if self.rng.random() < 0.3 else 0.0
        self.legs.append((t0, t0 + seconds + pause, sx, sy, x, y, pause))
        del self.legs[:-2]

    def _waypoint(self, outside: bool) -> tuple[float, float]:
        r = self.region
        x0, y0 = self.projection.to_xy(r.min_lon, r.min_lat)
        x1, y1 = self.projection.to_xy(r.max_lon, r.max_lat)
        margin = 150.0 if outside else 0.0
        for _ in range(200):
            x = self.rng.uniform(x0 - margin, x1 + margin)
            y = self.rng.uniform(y0 - margin, y1 + margin)
            inside = r.contains(*self.projection.to_lonlat(x, y))
            if inside != outside:
                return x, y
        return self.x, self.y


class PatrolSimulator:
    """Demo workers walking their grids and reporting over OsmAnd HTTP; ``start()`` / ``stop()``.

    ``osmand_url`` is the intake's OsmAnd address (``ServiceHandle.osmand_url``)."""

    def __init__(self, store: Store, osmand_url: str, *, seed: int = 1, speed: float = 1.0,
                 report_every_s: float = 10.0, clock: Clock | None = None, limit: int | None = None):
        self.osmand_url = osmand_url
        self.seed = seed
        self.speed = speed
        self.report_every_s = report_every_s
        self.clock = clock or SystemClock()
        self.workers = _walking_workers(store, seed, limit)
        self.sent = self.accepted = self.refused = 0
        self._counted = threading.Condition()
        self._started_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: http.client.HTTPConnection | None = None

    # -- the simulation itself (no I/O) ----------------------------------------------------------------
    def reports(self, elapsed: float) -> list[str]:
        """OsmAnd request targets (``/?id=…``) of every worker on duty, ``elapsed`` seconds into the walk."""
        now = self.clock.now().timestamp()
        targets = []
        for worker in self.workers:
            if not worker.on_duty:
                continue
            x, y, speed, bearing = worker.position(elapsed, self.speed)
            accuracy = worker.noise.uniform(3.0, 12.0)
            nx, ny = worker.noise.gauss(0, accuracy / 2), worker.noise.gauss(0, accuracy / 2)
            if worker.noise.random() < 0.01:  # multipath: far off, and the phone knows it is poor
                angle, distance = worker.noise.uniform(0, 2 * math.pi), worker.noise.uniform(50, 150)
                nx, ny, accuracy = distance * math.cos(angle), distance * math.sin(angle), worker.noise.uniform(30, 60)
            lon, lat = worker.projection.to_lonlat(x + nx, y + ny)
            worker.battery = max(5.0, worker.battery - worker.noise.uniform(0.0, 0.02))
            targets.append("/?" + urlencode({
                "id": worker.unique_id, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "timestamp": int(now),
                "speed": f"{speed / KNOT_MS:.2f}", "bearing": f"{bearing:.0f}", "altitude": "8",
                "accuracy": f"{accuracy:.0f}", "batt": f"{worker.battery:.0f}", "charge": "false"}))
        return targets

    # -- running -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start walking and reporting on a background thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="gridwatch-demo-patrols", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop reporting and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def wait_sent(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` reports were answered (or ``timeout`` seconds passed); True when they were."""
        with self._counted:
            return self._counted.wait_for(lambda: self.sent >= count, timeout)

    def _run(self) -> None:
        # Spread each round's reports over the round, as phones do, rather than in one burst: a burst of
        # hundreds of requests makes every other thread of the process (the console's GUI among them)
        # wait for the interpreter.
        while not self._stop.is_set():
            started = time.monotonic()
            targets = self.reports(started - self._started_at)
            gap = 0.8 * self.report_every_s / max(1, len(targets))
            for index, target in enumerate(targets):
                if self._stop.wait(max(0.0, started + index * gap - time.monotonic())):
                    return
                self._send(target)
            self._stop.wait(max(0.0, self.report_every_s - (time.monotonic() - started)))

    def _send(self, target: str) -> None:
        parts = urlsplit(self.osmand_url)
        for attempt in range(2):
            try:
                if self._connection is None:
                    self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                self._connection.request("GET", target)
                response = self._connection.getresponse()
                response.read()
                with self._counted:
                    self.sent += 1
                    if response.status == 200:
                        self.accepted += 1
                    else:
                        self.refused += 1
                    self._counted.notify_all()
                return
            except (OSError, http.client.HTTPException) as exc:
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
                if attempt == 1:
                    log.warning("demo patrol could not reach the intake: %s", exc)
                    self._stop.wait(1.0)


def _walking_workers(store: Store, seed: int, limit: int | None) -> list[WalkingWorker]:
    regions = BoundaryBook(store).grid_regions()
    with store.sessions() as session:
        rows = list(session.execute(
            select(Device.unique_id, Worker.code, Worker.grid_id, Worker.on_duty, Grid.lon, Grid.lat)
            .join(Worker, Device.worker_id == Worker.id).join(Grid, Worker.grid_id == Grid.id)
            .where(Device.kind == "osmand").order_by(Device.id)))
    workers = []
    for unique_id, code, grid_id, on_duty, lon, lat in rows[:limit]:
        region = regions.get(grid_id)
        if region is None:
            continue  # a grid without an outline has nowhere to walk
        projection = LocalProjection(lon, lat)
        rng = random.Random(f"patrol/{seed}/{code}")
        worker = WalkingWorker(unique_id, region, rng, random.Random(f"gps/{seed}/{code}"), projection, on_duty)
        worker.x, worker.y = worker._waypoint(outside=False)
        workers.append(worker)
    return workers
