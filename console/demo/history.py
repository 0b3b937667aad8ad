"""The demo's incident history, generated day by day with numpy.

Each UTC day (clipped to the history's span) is one :class:`IncidentBatch`:
its incidents in report order, every one with a planned life — accept or
reject, assign, start, resolve, close, escalations when it runs late — of
which only the steps before ``until`` have happened.  The incident row holds
the outcome (status, assignee, escalation and resolution times) and the batch
carries the extra step times the audit trail needs, so the writer can expand
the trail inside the database.

A day's numbers depend only on the seed and the day, so days can be
generated in any order, and by another process (the writer's helper generates the
incident rows itself, see :mod:`console.demo.incident_table`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

import numpy as np

from console.core.clock import to_epoch
from console.core.levels import DeadlinePolicy
from console.core.taxonomy import Taxonomy
from console.core.workflow import Source, Status
from console.demo import mix
from console.demo.names import masked_phone
from console.demo.places import LOCAL_UTC_OFFSET_HOURS, SHIFT_HOURS, DemoWorld
from console.demo.texts import SPOTS, TEXTS
from console.storage.models import Incident

DAY = 86_400
HOUR = 3_600
NEVER = np.int64(2**62)  # "this step has not happened (yet)"
_AMOUNTS = range(2, 10)  # the small numbers ({n}) in descriptions

#: Column order of :attr:`IncidentBatch.incidents`: the ``incidents`` table's columns.
INCIDENT_COLUMNS = tuple(Incident.__table__.columns.keys())
#: The columns a row may leave empty, and the value that stands for "empty" in the rows: binding None
#: (or a bool) costs sqlite3 five times what an int does, so the rows carry these and the INSERT turns
#: them into NULL (:func:`placeholders`).
NULL_WHEN = {
    "alarm_acknowledged_at": 0, "assignee_worker_id": 0, "reminded_at": 0, "supervised_at": 0, "resolved_at": 0,
    "closed_at": 0, "reject_reason": "", "duplicate_of_id": 0, "decided_at": 0, "assigned_at": 0,
    "started_at": 0,
}
#: Column order of :attr:`IncidentBatch.timelines`: what the audit trail is derived from — the incident
#: row's facts and the step times the row does not keep.
TIMELINE_COLUMNS = (
    "id", "number", "created_at", "subitem", "source", "reporter", "title", "level", "reported_level", "reject_reason",
    "duplicate_of_id", "decided_at", "assigned_at", "started_at", "joint_meeting", "assignee_text", "resolved_at",
    "feedback", "closed_at", "reminded_at", "deadline_at", "alarm_acknowledged_at",
)

STATUS_ORDER = (Status.REPORTED, Status.ACCEPTED, Status.REJECTED, Status.DISPATCHED, Status.IN_PROGRESS,
                Status.RESOLVED, Status.CLOSED)
_STATUS_VALUES = np.array([s.value for s in STATUS_ORDER], dtype=object)
_OPEN_CODES = np.array([s in (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
                        for s in STATUS_ORDER])
_S = {s: i for i, s in enumerate(STATUS_ORDER)}
_SOURCE_VALUES = np.array([s.value for s in mix.SOURCES], dtype=object)
_SRC = {s: i for i, s in enumerate(mix.SOURCES)}


def placeholders(columns) -> str:
    """The VALUES list for rows of ``columns``: ``?``, or ``nullif(?, …)`` for a column in :data:`NULL_WHEN`."""
    return ", ".join("?" if c not in NULL_WHEN else f"nullif(?, {NULL_WHEN[c]!r})" for c in columns)


@dataclass
class IncidentBatch:
    """One day of history, as rows for ``executemany`` (to be iterated once, with :func:`placeholders`)."""

    day: datetime
    first_id: int
    count: int
    incidents: Iterable[tuple]
    timelines: Iterable[tuple]
    department_links: list[tuple[int, int]]
    supervisions: list[tuple[int, int, int, str]]  # (incident_id, issued_at, deadline_at, assignee_text)
    audit_entries: int  # how many audit entries the batch's timelines have (annotations included)
    open_incidents: int


@dataclass(frozen=True)
class DayPlan:
    """A slice of the history: one UTC day, its first id and how many reports it gets."""

    start: int
    end: int
    first_id: int
    count: int


@dataclass
class HistoryPlan:
    """The whole history: its span and the days it is made of."""

    start: int
    until: int
    days: list[DayPlan] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)


class HistoryGenerator:
    """Generates the incident history of a :class:`DemoWorld` ending at ``until``."""

    def __init__(self, world: DemoWorld, taxonomy: Taxonomy, *, until: datetime, days: int, seed: int,
                 number_digits: int = 4, daily_reports: float | None = None,
                 policy: DeadlinePolicy | None = None):
        if until.tzinfo is None:
            raise ValueError("until must be an aware datetime")
        if days <= 0:
            raise ValueError("days must be positive")
        self.world, self.taxonomy, self.seed, self.days = world, taxonomy, seed, days
        self.number_digits = number_digits
        self.policy = policy or DeadlinePolicy()
        self.daily_reports = daily_reports if daily_reports is not None else mix.DAILY_REPORTS[world.scale]
        self.until = to_epoch(until)
        self.start = to_epoch(until - timedelta(days=days))
        self._suffixes: list[str] = []
        self._prepare_world()
        self._prepare_taxonomy()
        self.plan = self._plan()

    # -- preparation ---------------------------------------------------------------------------
    def _prepare_world(self) -> None:
        world = self.world
        rng = np.random.default_rng([self.seed, 11])
        grids = world.grids
        village_of_grid = np.array([g.village for g in grids])
        # Some villages report much more than others (size, industry, an energetic worker).
        activity = rng.lognormal(0.0, 0.35, len(world.villages))
        weight = np.array([g.households for g in grids], dtype=float) * activity[village_of_grid]
        self.grid_p = weight / weight.sum()
        self.grid_village = village_of_grid
        self.grid_town = np.array([world.villages[v].town for v in village_of_grid])
        self.grid_lon = np.array([g.lon for g in grids])
        self.grid_lat = np.array([g.lat for g in grids])
        self.grid_names = np.array([g.name for g in grids], dtype=object)
        first = np.full(len(grids), -1)
        count = np.zeros(len(grids), dtype=np.int64)
        for index, worker in enumerate(world.workers):
            if first[worker.grid] < 0:
                first[worker.grid] = index
            count[worker.grid] += 1
        if (count == 0).any():
            raise ValueError("every grid needs at least one worker")
        self.grid_first_worker, self.grid_worker_count = first, count
        self.worker_names = np.array([w.name for w in world.workers], dtype=object)
        # Cameras by town (only towns with a video wall have camera reports).
        cams_by_town: dict[int, list[str]] = {}
        for camera in world.cameras:
            cams_by_town.setdefault(world.villages[grids[camera.grid].village].town, []).append(camera.name)
        self.camera_names = np.array([f"摄像头·{n}" for t in sorted(cams_by_town) for n in cams_by_town[t]]
                                     + [""], dtype=object)
        offsets, counts, position = np.zeros(len(world.towns), int), np.zeros(len(world.towns), int), 0
        for town in sorted(cams_by_town):
            offsets[town], counts[town] = position, len(cams_by_town[town])
            position += counts[town]
        self.town_camera_first, self.town_camera_count = offsets, counts
        phones = random.Random(f"callers/{self.seed}")
        self.callers = np.array([f"群众来电 {masked_phone(phones)}" for _ in range(400)], dtype=object)
        self.shift_names = np.array(world.shift_operator_names(), dtype=object)
        self._prepare_departments()

    def _prepare_departments(self) -> None:
        """For every (town, kind) the departments that take such work, flattened for vectorised picks."""
        world = self.world
        kinds = sorted({i.handler_kind for i in self.taxonomy.items} | {d.kind for d in world.departments}
                       | set(mix.JOINT_MEETING_PARTNERS) | {mix.LAST_RESORT_KIND})
        self.kinds = kinds
        self.kind_index = {k: i for i, k in enumerate(kinds)}
        by_town_kind: dict[tuple[int, str], list[int]] = {}
        by_district_kind: dict[tuple[str, str], list[int]] = {}
        by_kind: dict[str, list[int]] = {}
        for index, dept in enumerate(world.departments):
            by_town_kind.setdefault((dept.town, dept.kind), []).append(index)
            by_district_kind.setdefault((world.towns[dept.town].district, dept.kind), []).append(index)
            by_kind.setdefault(dept.kind, []).append(index)

        def candidates(town: int, kind: str) -> list[int]:
            for k in (kind, mix.HANDLER_FALLBACK.get(kind), mix.LAST_RESORT_KIND):
                if k is None:
                    continue
                found = (by_town_kind.get((town, k)) or by_district_kind.get((world.towns[town].district, k))
                         or by_kind.get(k))
                if found:
                    return found
            raise ValueError(f"no department can handle {kind!r} work in town {world.towns[town].name_zh}")

        flat: list[int] = []
        self.dept_offset = np.zeros((len(world.towns), len(kinds)), dtype=np.int64)
        self.dept_count = np.zeros((len(world.towns), len(kinds)), dtype=np.int64)
        for town in range(len(world.towns)):
            for k, kind in enumerate(kinds):
                found = candidates(town, kind)
                self.dept_offset[town, k], self.dept_count[town, k] = len(flat), len(found)
                flat.extend(found)
        self.dept_flat = np.array(flat, dtype=np.int64)
        self.dept_names = np.array([d.name_zh for d in world.departments], dtype=object)

    def _prepare_taxonomy(self) -> None:
        items = self.taxonomy.items
        missing = [i.code for i in items if i.code not in mix.SUBITEM_WEIGHTS or i.code not in TEXTS]
        if missing:
            raise ValueError(f"the demo has no report mix or texts for sub-items {', '.join(missing)}")
        weights = np.array([mix.SUBITEM_WEIGHTS[i.code] for i in items])
        self.item_p = weights / weights.sum()
        self.item_codes = np.array([i.code for i in items], dtype=object)
        self.item_categories = np.array([i.category for i in items], dtype=object)
        self.item_level = np.array([i.default_level for i in items], dtype=np.int64)
        self.item_kind = np.array([self.kind_index[i.handler_kind] for i in items], dtype=np.int64)
        self.item_is_village_work = np.array([i.handler_kind == "village" for i in items])
        self.source_cum = np.cumsum([[mix.source_mix(i.code)[s] for s in mix.SOURCES] for i in items], axis=1)
        self.source_cum[:, -1] = 1.0
        texts = [TEXTS[i.code] for i in items]
        titles, self.title_first, self.title_count = [], [], []
        for t in texts:
            self.title_first.append(len(titles))
            self.title_count.append(len(t.titles))
            titles.extend(title.format(spot=spot) for title in t.titles for spot in SPOTS)
        self.titles = np.array(titles, dtype=object)
        self.title_first, self.title_count = np.array(self.title_first), np.array(self.title_count)
        # Every description is "{place}" + a body; the bodies are few enough to format once.
        bodies, self.body_first, self.body_count = [], [], []
        for t in texts:
            self.body_first.append(len(bodies))
            self.body_count.append(len(t.descriptions))
            bodies.extend(description.removeprefix("{place}").format(spot=spot, n=amount)
                          for description in t.descriptions for spot in SPOTS for amount in _AMOUNTS)
        self.bodies = np.array(bodies, dtype=object)
        self.body_first, self.body_count = np.array(self.body_first), np.array(self.body_count)
        feedback, self.feedback_first, self.feedback_count = [], [], []
        for t in texts:
            self.feedback_first.append(len(feedback))
            self.feedback_count.append(len(t.feedback))
            feedback.extend(t.feedback)
        self.feedback = np.array(feedback, dtype=object)
        self.feedback_first, self.feedback_count = np.array(self.feedback_first), np.array(self.feedback_count)
        policy = self.policy
        self.deadline_seconds = np.array([0] + [int(policy.deadline_for(level).total_seconds())
                                                for level in (1, 2, 3, 4)], dtype=np.int64)
        self.one_key_deadline = int(policy.one_key_deadline.total_seconds())
        self.supervision_grace = int(policy.supervision_grace.total_seconds())

    def _plan(self) -> HistoryPlan:
        """Cut the span into UTC days and draw how many reports each gets."""
        plan = HistoryPlan(self.start, self.until)
        rng = np.random.default_rng([self.seed, 13])
        day_start = self.start - self.start % DAY
        next_id = 1
        while day_start < self.until:
            start, end = max(day_start, self.start), min(day_start + DAY, self.until)
            weekday = datetime.fromtimestamp(day_start + LOCAL_UTC_OFFSET_HOURS * HOUR, timezone.utc).weekday()
            noise = rng.lognormal(0.0, 0.06)
            seg_start, seg_len, seg_weight = self._hour_segments(start, end)
            expected = self.daily_reports * mix.WEEKDAY_FACTORS[weekday] * noise * seg_weight.sum()
            count = int(rng.poisson(expected))
            plan.days.append(DayPlan(start, end, next_id, count))
            next_id += count
            day_start += DAY
        return plan

    def _hour_segments(self, start: int, end: int):
        """The clock hours between start and end: their start, length and share of a day's reports."""
        hours = np.arange(start - start % HOUR, end, HOUR)
        seg_start = np.maximum(hours, start)
        seg_len = np.minimum(hours + HOUR, end) - seg_start
        rhythm = np.array(mix.HOURLY_RHYTHM) / sum(mix.HOURLY_RHYTHM)
        local_hour = ((hours // HOUR) + LOCAL_UTC_OFFSET_HOURS) % 24
        return seg_start, seg_len, rhythm[local_hour] * seg_len / HOUR

    def __getstate__(self) -> dict:
        """What generating a day needs, for a helper process: the prepared arrays, not the world's objects."""
        return {key: value for key, value in self.__dict__.items() if key not in ("world", "taxonomy")}

    # -- generation ------------------------------------------------------------------------------
    def batch(self, index: int, *, incidents: bool = True, timelines: bool = True) -> IncidentBatch:
        """Day ``index`` of the plan: its incident rows and timelines (each unless told not to)."""
        day = self.plan.days[index]
        rng = np.random.default_rng([self.seed, 17, day.start // DAY])
        n, until = day.count, self.until
        seg_start, seg_len, seg_weight = self._hour_segments(day.start, day.end)
        seg = rng.choice(len(seg_start), size=n, p=seg_weight / seg_weight.sum())
        created = np.sort(seg_start[seg] + (rng.random(n) * seg_len[seg]).astype(np.int64))
        ids = np.arange(day.first_id, day.first_id + n, dtype=np.int64)

        grid = rng.choice(len(self.grid_p), size=n, p=self.grid_p)
        town = self.grid_town[grid]
        item = rng.choice(len(self.item_p), size=n, p=self.item_p)
        source = (rng.random(n)[:, None] >= self.source_cum[item]).sum(axis=1)
        no_camera = (source == _SRC[Source.CAMERA]) & (self.town_camera_count[town] == 0)
        source[no_camera] = _SRC[Source.WORKER_APP]
        one_key = source == _SRC[Source.ONE_KEY]
        worker = self.grid_first_worker[grid] + (rng.random(n) * self.grid_worker_count[grid]).astype(np.int64)
        shift = ((created + LOCAL_UTC_OFFSET_HOURS * HOUR) % DAY) // (SHIFT_HOURS * HOUR)
        reporter = self.worker_names[worker]
        is_camera = source == _SRC[Source.CAMERA]
        camera = self.town_camera_first[town] + (rng.random(n) * self.town_camera_count[town]).astype(np.int64)
        reporter[is_camera] = self.camera_names[camera[is_camera]]
        is_citizen = source == _SRC[Source.CITIZEN]
        reporter[is_citizen] = self.callers[rng.integers(len(self.callers), size=int(is_citizen.sum()))]
        is_operator = source == _SRC[Source.OPERATOR]
        reporter[is_operator] = self.shift_names[shift[is_operator]]

        # Difficulty: the sub-item's default, sometimes re-graded by the operator on accepting.
        reported_level = self.item_level[item]
        regrade = (rng.random(n) < mix.REGRADE_SHARE) & ~one_key
        level = np.where(regrade, np.clip(reported_level + rng.choice((-1, 1), size=n), 1, 4), reported_level)
        rejected = (rng.random(n) < mix.REJECT_SHARE) & ~one_key
        duplicate_of = np.where(rejected & (rng.random(n) < mix.DUPLICATE_SHARE),
                                self._earlier_same_report(ids, self.grid_village[grid], item), -1)

        # The planned life of each incident; steps after `until` have not happened.
        lognormal = lambda median, sigma: median * np.exp(sigma * rng.standard_normal(n))  # noqa: E731
        accept = np.where(one_key, rng.uniform(*mix.ONE_KEY_ACCEPT, n),
                          np.clip(lognormal(mix.ACCEPT_MEDIAN, 0.8), 30, HOUR))
        assign = np.where(one_key, lognormal(mix.ONE_KEY_ASSIGN_MEDIAN, 0.5),
                          lognormal(np.take(mix.ASSIGN_MEDIAN, level), 0.7)).clip(20)
        start = np.where(one_key, lognormal(mix.ONE_KEY_START_MEDIAN, 0.5),
                         lognormal(np.take(mix.START_MEDIAN, level), 0.8)).clip(30)
        handle = np.where(one_key, lognormal(mix.ONE_KEY_HANDLE_MEDIAN, 0.5),
                          lognormal(np.take(mix.HANDLE_MEDIAN, level), 0.75)).clip(120)
        close = lognormal(mix.CLOSE_MEDIAN, 0.9).clip(300)
        stuck = (rng.random(n) < mix.STUCK_SHARE) & ~rejected
        stuck_unverified = stuck & (rng.random(n) < 0.3)
        delay = rng.uniform(*mix.STUCK_DAYS, n) * DAY
        handle = np.where(stuck & ~stuck_unverified, handle + delay, handle)
        close = np.where(stuck_unverified, close + delay, close)
        on_the_spot = (level == 1) & (rng.random(n) < mix.RESOLVED_ON_THE_SPOT) & ~one_key

        decided = created + accept.astype(np.int64)
        assigned = np.where(rejected, NEVER, decided + assign.astype(np.int64))
        started = np.where(rejected | on_the_spot, NEVER, assigned + start.astype(np.int64))
        resolved = np.where(rejected, NEVER, np.where(on_the_spot, assigned, started) + handle.astype(np.int64))
        closed = np.where(rejected, NEVER, resolved + close.astype(np.int64))
        has_decided, has_assigned, has_started = decided <= until, assigned <= until, started <= until
        has_resolved, has_closed = resolved <= until, closed <= until
        is_rejected = rejected & has_decided

        status = np.select(
            [has_closed, has_resolved, has_started, has_assigned, is_rejected, has_decided],
            [_S[Status.CLOSED], _S[Status.RESOLVED], _S[Status.IN_PROGRESS], _S[Status.DISPATCHED],
             _S[Status.REJECTED], _S[Status.ACCEPTED]], _S[Status.REPORTED])
        level_now = np.where(has_decided & ~rejected, level, reported_level)
        deadline_span = self.deadline_seconds[level_now]
        deadline = created + np.where(one_key, np.minimum(deadline_span, self.one_key_deadline), deadline_span)
        open_until = np.where(rejected, decided, resolved)  # when it stopped needing work (maybe never)
        reminded = deadline + rng.integers(*mix.SWEEP_LAG, n)
        has_reminded = (reminded < open_until) & (reminded <= until)
        supervised = deadline + self.supervision_grace + rng.integers(*mix.SWEEP_LAG, n)
        has_supervised = (supervised < open_until) & (supervised <= until)
        acknowledged = created + rng.integers(8, 90, n)
        has_acknowledged = one_key & (acknowledged <= until)

        worker_id, assignee, departments = self._assignees(rng, n, level, item, town, grid, worker)
        joint = np.array([len(d) > 1 for d in departments]) if n else np.zeros(0, bool)

        spot = rng.integers(len(SPOTS), size=n)
        variant = (rng.random(n) * self.title_count[item]).astype(np.int64)
        title = self.titles[self.title_first[item] + variant * len(SPOTS) + spot]
        has_duplicate = is_rejected & (duplicate_of >= 0)
        dup_rows = np.flatnonzero(has_duplicate)
        title[dup_rows] = title[duplicate_of[dup_rows] - day.first_id]  # the same event, reported again
        amount = rng.integers(len(_AMOUNTS), size=n)
        body = (self.body_first[item] + ((variant % self.body_count[item]) * len(SPOTS) + spot) * len(_AMOUNTS)
                + amount)
        descriptions = self.grid_names[grid] + self.bodies[body]
        feedback = np.where(has_resolved, self.feedback[self.feedback_first[item]
                                                        + variant % self.feedback_count[item]], "")
        lon = np.round(self.grid_lon[grid] + rng.normal(0, 0.0012, n), 6)
        lat = np.round(self.grid_lat[grid] + rng.normal(0, 0.0010, n), 6)
        numbers = self._numbers(day, n)

        reject_reason = np.full(n, "", dtype=object)
        reject_reason[is_rejected] = "invalid"
        reject_reason[has_duplicate] = "duplicate"
        open_status = _OPEN_CODES[status]
        version = (1 + has_decided.astype(int) + has_assigned + has_started + has_resolved + has_closed
                   + has_reminded + has_supervised + has_acknowledged)
        # Each column once, as plain Python values (shared by the incident rows and the timelines).
        col = {
            "id": ids.tolist(), "number": numbers, "title": title.tolist(), "description": descriptions.tolist(),
            "category": self.item_categories[item].tolist(), "subitem": self.item_codes[item].tolist(),
            "level": level_now.tolist(), "source": _SOURCE_VALUES[source].tolist(), "lon": lon.tolist(),
            "lat": lat.tolist(), "village_id": (self.grid_village[grid] + 1).tolist(),
            "grid_id": (grid + 1).tolist(), "reporter": reporter.tolist(), "created_at": created.tolist(),
            "deadline_at": deadline.tolist(), "status": _STATUS_VALUES[status].tolist(), "one_key": one_key.astype(np.int64).tolist(),
            "queue_rank": np.where(one_key & open_status, 0, 1).tolist(),
            "alarm_acknowledged_at": _nullable(acknowledged, has_acknowledged),
            "assignee_worker_id": _nullable(worker_id + 1, has_assigned & (worker_id >= 0)),
            "assignee_text": np.where(has_assigned, assignee, "").tolist(),
            "reminded_at": _nullable(reminded, has_reminded), "supervised_at": _nullable(supervised, has_supervised),
            "resolved_at": _nullable(resolved, has_resolved), "closed_at": _nullable(closed, has_closed),
            "feedback": feedback.tolist(), "reject_reason": reject_reason.tolist(),
            "duplicate_of_id": _nullable(duplicate_of, has_duplicate), "version": version.tolist(),
            "reported_level": reported_level.tolist(), "decided_at": _nullable(decided, has_decided),
            "assigned_at": _nullable(assigned, has_assigned), "started_at": _nullable(started, has_started),
            "joint_meeting": joint.astype(int).tolist(),
        }
        incident_rows = zip(*(col[name] for name in INCIDENT_COLUMNS)) if incidents else iter(())
        timeline_rows = zip(*(col[name] for name in TIMELINE_COLUMNS)) if timelines else iter(())
        links = [(int(ids[row]), dept + 1) for row in np.flatnonzero(has_assigned) for dept in departments[row]]
        supervisions = [(int(ids[row]), int(supervised[row]), int(deadline[row]), assignee[row] or "—")
                        for row in np.flatnonzero(has_supervised)]
        audit_entries = int((1 + has_decided.astype(int) + has_assigned + has_started + has_resolved + has_closed
                             + has_reminded + has_supervised + has_acknowledged).sum())
        return IncidentBatch(datetime.fromtimestamp(day.start, timezone.utc), day.first_id, n, incident_rows,
                             timeline_rows, links, supervisions, audit_entries, int(open_status.sum()))

    def _numbers(self, day: DayPlan, n: int) -> list[str]:
        """The day's incident numbers, ``YYYYMMDD-`` and the day's sequence (as :func:`console.storage.dispatch.incident_number`)."""
        if n >= 10 ** self.number_digits:
            raise ValueError(f"{n} reports in a day do not fit {self.number_digits}-digit incident numbers")
        if len(self._suffixes) < n or len(self._suffixes[0]) != self.number_digits:
            self._suffixes = [f"{seq:0{self.number_digits}d}" for seq in range(1, max(n, 1_000) + 1)]
        prefix = f"{datetime.fromtimestamp(day.start, timezone.utc):%Y%m%d}-"
        return [prefix + suffix for suffix in self._suffixes[:n]]

    @staticmethod
    def _earlier_same_report(ids: np.ndarray, village: np.ndarray, item: np.ndarray) -> np.ndarray:
        """For each report, the id of the day's previous report of the same sub-item in the same village, or -1."""
        n = len(ids)
        result = np.full(n, -1, dtype=np.int64)
        if n < 2:
            return result
        key = village.astype(np.int64) * 64 + item
        order = np.lexsort((ids, key))
        same = key[order][1:] == key[order][:-1]
        result[order[1:][same]] = ids[order[:-1][same]]
        return result

    def _assignees(self, rng, n, level, item, town, grid, worker):
        """Who each incident is (or would be) assigned to: worker index or -1, names, department indices.

        Level 1 goes to a worker of the grid (the reporter, if a worker reported it); level 2 to the
        grid's leading worker, or for department work sometimes to a department; level 3 to a
        department of the sub-item's usual kind; level 4 to a joint meeting of several departments.
        """
        kind = self.item_kind[item]
        leader = self.grid_first_worker[grid]
        level2_department = (level == 2) & ~self.item_is_village_work[item] & (rng.random(n) < 0.3)
        use_worker = (level == 1) | ((level == 2) & ~level2_department)
        worker_id = np.where(level == 1, worker, np.where(use_worker, leader, -1))
        dept_pick = (self.dept_offset[town, kind]
                     + (rng.random(n) * self.dept_count[town, kind]).astype(np.int64))
        lead = np.where(use_worker, -1, self.dept_flat[dept_pick])
        names = np.where(use_worker, self.worker_names[np.maximum(worker_id, 0)],
                         self.dept_names[np.maximum(lead, 0)])
        departments: list[tuple[int, ...]] = [()] * n
        for row in np.flatnonzero(~use_worker).tolist():
            departments[row] = (int(lead[row]),)
        for row in np.flatnonzero(level == 4).tolist():
            chosen = [int(lead[row])]
            partners = [k for k in mix.JOINT_MEETING_PARTNERS if k != self.kinds[kind[row]]]
            for partner in rng.permutation(partners)[:2 + int(rng.random() < 0.4)]:
                k = self.kind_index[str(partner)]
                dept = int(self.dept_flat[self.dept_offset[town[row], k]
                                          + int(rng.random() * self.dept_count[town[row], k])])
                if dept not in chosen:
                    chosen.append(dept)
            departments[row] = tuple(chosen)
            names[row] = "、".join(self.dept_names[d] for d in chosen)
        return worker_id, names, departments


def _nullable(values: np.ndarray, present: np.ndarray) -> list:
    """``values`` as a list of Python ints, with 0 (:data:`NULL_WHEN`) where ``present`` is false."""
    return np.where(present, values, 0).tolist()
