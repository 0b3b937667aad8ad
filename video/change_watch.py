"""The change detector at work: one thread samples the watched cameras in turn within a CPU budget.

:class:`ChangeWatch` keeps a :class:`~video.change_detector.ZoneDetector` per watch
zone and visits each camera that has zones once per *interval*: it takes one
picture (``grab(camera_id)``, e.g. :meth:`video.snapshot.SnapshotSource.grab`)
and shows it to each of the camera's detectors, with the time the picture shows
(a demo scene's calendar may run faster than the wall clock; a finding's times are
handed out as wall-clock times).

The budget.  The thread measures the CPU it spends per camera visit (its own
``time.thread_time``: fetching and decoding the picture and the detectors) and
stretches the interval so that the visits together use at most ``budget_share``
of one core: interval = max(``settings.sample_interval_s``, Σ cost / budget_share).
However many cameras are watched, the detector's CPU stays bounded; what grows is
the time between two looks at a camera, which :meth:`ChangeWatch.budget` reports
with the share actually used, so the console can show it.

What goes out, from the watch's thread: ``on_found(WatchFinding)`` once per change
a detector raises, and ``on_reference(zone_id, bytes)`` with a zone's learnt state
every :data:`SAVE_EVERY_S` and after each decision (for zones with ``persist``).
A decision on an alert — confirmed or dismissed — reaches the zone's detector
through :meth:`ChangeWatch.accept`: the scene as it is now becomes the reference.
No Qt.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from video.change_detector import ChangeFound, DetectorSettings, ZoneDetector
from video.snapshot import Snapshot

log = logging.getLogger(__name__)

SAVE_EVERY_S = 600.0
_COST_WEIGHT = 0.2  # exponential average of a visit's CPU cost


@dataclass(frozen=True)
class WatchedZone:
    """A zone to watch: ids, its polygon (normalised picture coordinates) and its saved state, if any.

    ``persist`` False: the zone's learnt state is not handed out for saving (a ``demo:`` camera's
    scene starts afresh with every console, so yesterday's reference would not fit it)."""

    zone_id: int
    camera_id: int
    polygon: tuple[tuple[float, float], ...]
    reference: bytes | None = None
    persist: bool = True


@dataclass(frozen=True)
class WatchFinding:
    """A change one zone's detector raised."""

    zone_id: int
    camera_id: int
    found: ChangeFound


@dataclass(frozen=True)
class WatchBudget:
    """What the watch costs: cameras and zones watched, the interval each camera is looked at, the CPU used
    (a share of one core, measured over the last visits) against the budget, cameras without a picture."""

    cameras: int
    zones: int
    interval_s: float
    cpu_share: float
    budget_share: float
    unreachable: int


class _Zone:
    def __init__(self, spec: WatchedZone, settings: DetectorSettings):
        self.spec = spec
        self.detector = (ZoneDetector.from_bytes(spec.reference, spec.polygon, settings) if spec.reference
                         else ZoneDetector(spec.polygon, settings))
        self.saved_at = time.monotonic()
        self.accept_pending = False


class ChangeWatch:
    """Runs the watch zones' detectors on one thread of its own (see the module's description)."""

    def __init__(self, grab: Callable[[int], Snapshot | None], on_found: Callable[[WatchFinding], None],
                 on_reference: Callable[[int, bytes], None] = lambda _zone, _data: None, *,
                 settings: DetectorSettings | None = None, budget_share: float = 0.25):
        if not 0.0 < budget_share <= 1.0:
            raise ValueError("the budget is a share of one core, above 0 and at most 1")
        self.settings = settings or DetectorSettings()
        self.budget_share = budget_share
        self._grab, self._on_found, self._on_reference = grab, on_found, on_reference
        self._lock = threading.Lock()
        self._zones: dict[int, _Zone] = {}
        self._cost: dict[int, float] = {}      # camera -> CPU seconds of a visit (average)
        self._due: list[tuple[float, int]] = []
        self._unreachable: set[int] = set()
        self._recent_cpu: list[tuple[float, float]] = []  # (monotonic time, CPU seconds) of recent visits
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- from any thread -------------------------------------------------------------------------
    def set_zones(self, zones: Sequence[WatchedZone]) -> None:
        """Watch exactly these zones; a zone already watched with the same polygon keeps its detector (and
        takes the new ``persist``: a camera's URL may have been unknown or changed since)."""
        with self._lock:
            kept = {}
            for spec in zones:
                current = self._zones.get(spec.zone_id)
                if current is not None and current.spec.polygon == spec.polygon \
                        and current.spec.camera_id == spec.camera_id:
                    current.spec = spec  # the detector goes on; whether its state is kept may have changed
                    kept[spec.zone_id] = current
                else:
                    try:
                        kept[spec.zone_id] = _Zone(spec, self.settings)
                    except ValueError as exc:  # a saved state that no longer fits: learn afresh
                        log.warning("zone %s: saved reference not usable (%s); learning afresh", spec.zone_id, exc)
                        kept[spec.zone_id] = _Zone(WatchedZone(spec.zone_id, spec.camera_id, spec.polygon,
                                                               None, spec.persist), self.settings)
            self._zones = kept
            cameras = {zone.spec.camera_id for zone in kept.values()}
            scheduled = {camera for _due, camera in self._due}
            now, added = time.monotonic(), sorted(cameras - scheduled)
            self._due = [(due, camera) for due, camera in self._due if camera in cameras]
            # New cameras are spread over one interval rather than all looked at at once.
            spacing = self.settings.sample_interval_s / max(len(added), 1)
            self._due += [(now + index * spacing, camera) for index, camera in enumerate(added)]
            heapq.heapify(self._due)
            self._cost = {camera: cost for camera, cost in self._cost.items() if camera in cameras}
            self._unreachable &= cameras
        self._wake.set()

    def accept(self, zone_id: int) -> None:
        """An operator decided on the zone's alert: take the scene as it is now as its reference."""
        with self._lock:
            zone = self._zones.get(zone_id)
            if zone is not None:
                zone.accept_pending = True

    def budget(self) -> WatchBudget:
        """The watch's cost now (see :class:`WatchBudget`)."""
        with self._lock:
            cameras = len({zone.spec.camera_id for zone in self._zones.values()})
            now = time.monotonic()
            recent = [(at, cpu) for at, cpu in self._recent_cpu if now - at <= 120.0]
            span = (now - recent[0][0]) if len(recent) > 1 else 0.0
            share = sum(cpu for _at, cpu in recent[1:]) / span if span > 0 else 0.0
            return WatchBudget(cameras, len(self._zones), self._interval(), share, self.budget_share,
                               len(self._unreachable))

    def start(self) -> None:
        """Start the watch's thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="change-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (after the visit in hand) and wait for it."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- the watch's thread ----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            camera_id, wait = self._next()
            if camera_id is None:
                self._wake.wait(wait)
                self._wake.clear()
                continue
            try:
                self.visit(camera_id)
            except Exception:  # a detector's bug must not end the watch of every other camera
                log.exception("change watch: visiting camera %s failed", camera_id)

    def _next(self) -> tuple[int | None, float]:
        with self._lock:
            if not self._due:
                return None, 3600.0
            due, camera_id = self._due[0]
            wait = due - time.monotonic()
            if wait > 0:
                return None, wait
            heapq.heappop(self._due)
            return camera_id, 0.0

    def visit(self, camera_id: int) -> list[WatchFinding]:
        """Look at one camera now (the thread's step; tests call it directly)."""
        started_cpu, started = time.thread_time(), time.monotonic()
        findings, saves = [], []
        snapshot = self._grab(camera_id)
        with self._lock:
            zones = [zone for zone in self._zones.values() if zone.spec.camera_id == camera_id]
            if snapshot is None:
                self._unreachable.add(camera_id)
            else:
                self._unreachable.discard(camera_id)
        if snapshot is not None:
            for zone in zones:
                accepted = zone.accept_pending
                if accepted:
                    zone.accept_pending = False
                    zone.detector.accept_scene()
                found = zone.detector.observe(snapshot.image, snapshot.at)
                if found is not None:
                    found = replace(found, appeared_at=snapshot.wall_time(found.appeared_at),
                                    detected_at=snapshot.wall_time(found.detected_at))
                    findings.append(WatchFinding(zone.spec.zone_id, camera_id, found))
                if zone.spec.persist and (accepted or started - zone.saved_at >= SAVE_EVERY_S):
                    zone.saved_at = started
                    saves.append((zone.spec.zone_id, zone.detector.to_bytes()))
        cost = time.thread_time() - started_cpu
        with self._lock:
            if any(zone.spec.camera_id == camera_id for zone in self._zones.values()):
                previous = self._cost.get(camera_id)
                self._cost[camera_id] = cost if previous is None else previous + _COST_WEIGHT * (cost - previous)
                heapq.heappush(self._due, (started + self._interval(), camera_id))
            self._recent_cpu.append((time.monotonic(), cost))
            del self._recent_cpu[:-256]
        for zone_id, data in saves:
            self._on_reference(zone_id, data)
        for finding in findings:
            self._on_found(finding)
        return findings

    def _interval(self) -> float:
        """Seconds between two visits of a camera: the configured rate, stretched to keep within the budget."""
        return max(self.settings.sample_interval_s, sum(self._cost.values()) / self.budget_share)
