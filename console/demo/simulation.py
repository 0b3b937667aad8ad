"""The live demo: a town that keeps reporting, and handlers that keep working.

:class:`Simulation` is ticked about once a second from the database-writer
thread.  Each tick it

* files new reports through :meth:`DispatchService.report` at the town's rate
  (~1,000 a day, more in the daytime) times ``speed``, now and then a one-key
  report (mass dispute, fire, major accident; about one a simulated day), and
* plays the handlers: an incident dispatched to a worker or department is
  started and then resolved with the handler's feedback after a plausible,
  level-dependent delay, each step through the dispatch service with the
  handler's name as the actor.

It never accepts, assigns or closes: those are the operators' job.  Given the
same seed, store contents and sequence of tick times it does the same things.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import text

from console.core.clock import Clock, from_epoch
from console.core.workflow import Source, Status, WorkflowError
from console.demo import mix
from console.demo.places import DEMO_OPERATORS, LOCAL_UTC_OFFSET_HOURS, SHIFT_HOURS
from console.demo.texts import SPOTS, TEXTS, compose_feedback, compose_report
from console.storage.db import Store
from console.storage.dispatch import DispatchService, IncidentDraft

log = logging.getLogger(__name__)

_MOVABLE = (Status.DISPATCHED.value, Status.IN_PROGRESS.value)
_ONE_KEY_ITEMS = tuple(mix.ONE_KEY_SHARE)


@dataclass
class SimulationTick:
    """What one tick did: ids of the incidents it reported, started and resolved."""

    at: datetime
    reported: list[int] = field(default_factory=list)
    one_key: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.reported or self.started or self.resolved)


@dataclass
class _HandlerPlan:
    """The next step a simulated handler will take on one incident."""

    version: int
    action: str  # "start" or "resolve"
    due: float  # epoch seconds
    actor: str
    subitem: str
    level: int
    one_key: bool


@dataclass
class _Town:
    """The places and people the simulation reports from, read from the store once."""

    grid_ids: np.ndarray
    grid_villages: np.ndarray
    grid_names: list[str]
    grid_lon: np.ndarray
    grid_lat: np.ndarray
    grid_cum: np.ndarray
    workers_by_grid: dict[int, list[str]]
    cameras: list[tuple[str, int]]  # (name, grid index)
    shift_names: list[str]


class Simulation:
    """Simulated reporters and handlers for a demo store (see the module docstring)."""

    def __init__(self, store: Store, service: DispatchService, clock: Clock, seed: int = 7, speed: float = 1.0,
                 *, daily_reports: float = mix.DAILY_REPORTS["town"], one_key_per_day: float = 1.0,
                 max_reports_per_tick: int = 50, max_steps_per_tick: int = 25,
                 rescan_every: timedelta = timedelta(seconds=5)):
        if speed < 0:
            raise ValueError("the simulation speed cannot be negative")
        self.store, self.service, self.clock = store, service, clock
        self.speed = speed
        self.daily_reports = daily_reports
        self.one_key_per_day = one_key_per_day
        self.max_reports_per_tick = max_reports_per_tick
        self.max_steps_per_tick = max_steps_per_tick
        self.rescan_every = rescan_every.total_seconds()
        self.seed = seed
        self.rng = np.random.default_rng([seed, 101])
        self._town: _Town | None = None
        self._last_tick: float | None = None
        self._last_scan: float | None = None
        self._plans: dict[int, _HandlerPlan] = {}
        self._acted: dict[int, int] = {}  # incident id -> the version a handler last acted on
        rhythm = np.array(mix.HOURLY_RHYTHM)
        self._hourly_share = rhythm / rhythm.sum()
        self._items = [i.code for i in service.taxonomy.items]
        self._item_cum = _cumulative([mix.SUBITEM_WEIGHTS[code] for code in self._items])
        # One-key reports come from their own, rarer stream, not from the ordinary mix.
        self._sources = [s for s in mix.SOURCES if s is not Source.ONE_KEY]
        self._source_cum = [_cumulative([mix.source_mix(code)[s] for s in self._sources]) for code in self._items]
        self._one_key_cum = _cumulative([mix.SUBITEM_WEIGHTS[code] for code in _ONE_KEY_ITEMS])

    # -- the tick ------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> SimulationTick:
        """Advance the simulation to ``now`` (default: the clock's time)."""
        now = (now or self.clock.now()).astimezone(timezone.utc)
        result = SimulationTick(now)
        at = now.timestamp()
        if self._town is None:
            self._town = self._load_town()
        if self._last_tick is None:
            self._last_tick = at
        elapsed = min(max(0.0, at - self._last_tick), 600.0)  # after a long pause, do not flood the queue
        self._last_tick = at
        if self.speed > 0 and elapsed > 0 and self._town is not None:
            self._file_reports(now, elapsed, result)
        if self.speed > 0:
            if self._last_scan is None or at - self._last_scan >= self.rescan_every:
                self._scan_assigned(at)
            self._move_handlers(at, result)
        return result

    def _expected(self, now: datetime, elapsed: float, per_day: float) -> float:
        local_hour = (now.hour + LOCAL_UTC_OFFSET_HOURS) % 24
        return per_day * self.speed * self._hourly_share[local_hour] * 24 * elapsed / 86_400

    # -- reporters ----------------------------------------------------------------------------
    def _file_reports(self, now: datetime, elapsed: float, result: SimulationTick) -> None:
        rng = self.rng
        ordinary = int(rng.poisson(self._expected(now, elapsed, self.daily_reports)))
        one_key = int(rng.poisson(self._expected(now, elapsed, self.one_key_per_day)))
        for _ in range(min(ordinary, self.max_reports_per_tick)):
            item = _pick(rng, self._item_cum)
            source = self._sources[_pick(rng, self._source_cum[item])]
            incident = self._report(now, self._items[item], source)
            if incident is not None:
                result.reported.append(incident)
        for _ in range(min(one_key, self.max_reports_per_tick)):
            subitem = _ONE_KEY_ITEMS[_pick(rng, self._one_key_cum)]
            incident = self._report(now, subitem, Source.ONE_KEY)
            if incident is not None:
                result.reported.append(incident)
                result.one_key.append(incident)

    def _report(self, now: datetime, subitem: str, source: Source) -> int | None:
        town, rng = self._town, self.rng
        grid = _pick(rng, town.grid_cum)
        if source is Source.CAMERA:
            if not town.cameras:
                source = Source.WORKER_APP
            else:
                camera_name, grid = town.cameras[int(rng.integers(len(town.cameras)))]
        workers = town.workers_by_grid.get(int(town.grid_ids[grid])) or ["网格员"]
        worker = workers[int(rng.integers(len(workers)))]
        operator = town.shift_names[((now.hour + LOCAL_UTC_OFFSET_HOURS) % 24) // SHIFT_HOURS]
        variant, spot, amount = int(rng.integers(6)), int(rng.integers(len(SPOTS))), int(rng.integers(2, 10))
        title, description = compose_report(subitem, variant, spot, town.grid_names[grid], amount)
        if source is Source.CAMERA:
            reporter = f"摄像头·{camera_name}"
        elif source is Source.CITIZEN:
            reporter = f"群众来电 1{int(rng.integers(30, 99))}****{int(rng.integers(10_000)):04d}"
        elif source is Source.OPERATOR:
            reporter = operator
        else:
            reporter = worker
        actor = worker if source in (Source.WORKER_APP, Source.ONE_KEY) else operator
        draft = IncidentDraft(
            subitem=subitem, title=title, description=description, source=source,
            lon=round(float(town.grid_lon[grid] + rng.normal(0, 0.0012)), 6),
            lat=round(float(town.grid_lat[grid] + rng.normal(0, 0.001)), 6),
            grid_id=int(town.grid_ids[grid]), village_id=int(town.grid_villages[grid]), reporter=reporter)
        try:
            return self.service.report(draft, actor)
        except WorkflowError as exc:
            log.warning("simulated report refused: %s", exc)
            return None

    def _load_town(self) -> _Town | None:
        with self.store.engine.connect() as conn:
            grids = conn.execute(text("SELECT id, village_id, name, households, lon, lat FROM grids ORDER BY id")).all()
            workers = conn.execute(text("SELECT grid_id, name FROM workers WHERE on_duty ORDER BY id")).all()
            cameras = conn.execute(text("SELECT name, grid_id FROM cameras WHERE grid_id IS NOT NULL "
                                        "ORDER BY id")).all()
            operators = {name for (name,) in conn.execute(text("SELECT display_name FROM operators"))}
        if not grids:
            log.warning("the store has no grids; the simulation files no reports")
            return None
        index_of = {row.id: i for i, row in enumerate(grids)}
        by_grid: dict[int, list[str]] = {}
        for grid_id, name in workers:
            by_grid.setdefault(grid_id, []).append(name)
        households = np.array([row.households for row in grids], dtype=float)
        shifts = {start: name for _login, name, _role, start in DEMO_OPERATORS if start is not None}
        fallback = sorted(operators)[0] if operators else "值班员"
        return _Town(
            grid_ids=np.array([row.id for row in grids]), grid_villages=np.array([row.village_id for row in grids]),
            grid_names=[row.name for row in grids], grid_lon=np.array([row.lon for row in grids]),
            grid_lat=np.array([row.lat for row in grids]), grid_cum=_cumulative(households),
            workers_by_grid=by_grid,
            cameras=[(name, index_of[grid_id]) for name, grid_id in cameras if grid_id in index_of],
            shift_names=[shifts[h] if shifts.get(h) in operators else fallback for h in range(0, 24, SHIFT_HOURS)])

    # -- handlers -----------------------------------------------------------------------------
    def _scan_assigned(self, at: float) -> None:
        """Plan the next step of every dispatched or in-progress incident not planned yet (or changed since)."""
        self._last_scan = at
        with self.store.engine.connect() as conn:
            rows = []
            for status in _MOVABLE:  # one equality each, so the status index serves it at any size
                rows += conn.execute(text("SELECT id, status, version, level, one_key, subitem, assignee_text "
                                          "FROM incidents WHERE status = :status"), {"status": status}).all()
            current = {row.id: row for row in rows}
            for incident_id in [i for i in self._plans if i not in current]:
                del self._plans[incident_id]
            for incident_id in [i for i in self._acted if i not in current]:
                del self._acted[incident_id]
            fresh = [row for row in rows if self._acted.get(row.id) != row.version
                     and (row.id not in self._plans or self._plans[row.id].version != row.version)]
            changed_at = self._last_change_times(conn, [row.id for row in fresh])
        for row in sorted(fresh, key=lambda r: r.id):
            if not row.assignee_text:
                continue
            since = changed_at.get(row.id, at)
            self._plans[row.id] = self._plan(row.id, row.version, row.status, row.level, bool(row.one_key),
                                             row.subitem, row.assignee_text.split("、")[0], since, at)

    @staticmethod
    def _last_change_times(conn, ids: list[int]) -> dict[int, float]:
        """When each incident last changed status (its newest status-changing audit entry)."""
        times: dict[int, float] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(f":i{k}" for k in range(len(chunk)))
            rows = conn.execute(text(f"SELECT incident_id, max(at) FROM audit_entries WHERE incident_id IN ({marks}) "
                                     "AND to_status IS NOT NULL GROUP BY incident_id"),
                                {f"i{k}": v for k, v in enumerate(chunk)}).all()
            times.update({incident_id: float(last) for incident_id, last in rows})
        return times

    def _plan(self, incident_id: int, version: int, status: str, level: int, one_key: bool, subitem: str,
              actor: str, since: float, now: float) -> _HandlerPlan:
        """When the handler takes the next step; delays are simulated seconds, divided by the speed.

        The delay runs from the incident's last change; for an incident that has been waiting
        longer than its drawn delay (the history's backlog when the console starts, after a
        pause) the step falls at a random point of a fresh delay from now, so a backlog is worked
        off over time instead of all in the first tick."""
        rng = np.random.default_rng([self.seed, incident_id, version])
        level = min(max(level, 1), 4)
        if status == Status.DISPATCHED.value:
            on_the_spot = level == 1 and not one_key and rng.random() < mix.RESOLVED_ON_THE_SPOT
            median = mix.ONE_KEY_START_MEDIAN if one_key else mix.START_MEDIAN[level]
            delay = median * float(np.exp(0.8 * rng.standard_normal()))
            if on_the_spot:
                delay += mix.HANDLE_MEDIAN[1] * float(np.exp(0.75 * rng.standard_normal()))
            action = "resolve" if on_the_spot else "start"
        else:
            median = mix.ONE_KEY_HANDLE_MEDIAN if one_key else mix.HANDLE_MEDIAN[level]
            delay, action = median * float(np.exp(0.75 * rng.standard_normal())), "resolve"
        span = max(delay, 30.0) / max(self.speed, 1e-9)
        due = since + span
        if due < now:
            due = now + span * float(rng.random())
        return _HandlerPlan(version, action, due, actor, subitem, level, one_key)

    def _move_handlers(self, at: float, result: SimulationTick) -> None:
        due = sorted((plan.due, incident_id) for incident_id, plan in self._plans.items() if plan.due <= at)
        for _due, incident_id in due[:self.max_steps_per_tick]:
            plan = self._plans.pop(incident_id)
            self._acted[incident_id] = plan.version  # not again until the incident has changed
            try:
                if plan.action == "start":
                    self.service.start(incident_id, plan.actor, expected_version=plan.version)
                    result.started.append(incident_id)
                    self._plans[incident_id] = self._plan(incident_id, plan.version + 1, Status.IN_PROGRESS.value,
                                                          plan.level, plan.one_key, plan.subitem, plan.actor, at, at)
                else:
                    variant = int(np.random.default_rng([self.seed, incident_id]).integers(len(TEXTS[plan.subitem]
                                                                                                .feedback)))
                    self.service.resolve(incident_id, plan.actor, compose_feedback(plan.subitem, variant),
                                         expected_version=plan.version)
                    result.resolved.append(incident_id)
            except WorkflowError as exc:  # an operator got there first (re-assigned, resolved …): re-plan later
                log.debug("simulated %s of incident %s skipped: %s", plan.action, incident_id, exc)

    # -- introspection for tests and the status bar -------------------------------------------
    @property
    def planned_steps(self) -> int:
        """How many handler steps are planned."""
        return len(self._plans)

    def next_step_at(self) -> datetime | None:
        """When the next planned handler step is due, if any."""
        if not self._plans:
            return None
        return from_epoch(int(min(p.due for p in self._plans.values())))


def _cumulative(weights) -> np.ndarray:
    """Cumulative shares of ``weights``, for :func:`_pick`."""
    cum = np.cumsum(np.asarray(weights, dtype=float))
    return cum / cum[-1]


def _pick(rng: np.random.Generator, cumulative: np.ndarray) -> int:
    """An index drawn with the probabilities whose cumulative shares are ``cumulative``."""
    return min(int(np.searchsorted(cumulative, rng.random(), side="right")), len(cumulative) - 1)
