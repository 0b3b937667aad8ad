"""Monthly scorecards (考核) of grid workers and stationed departments, from the incidents, the audit trail and
the daily patrol summaries (or positions) of a month, for a whole city at once (no Qt).

:func:`read_scorecards` reads the month's incidents in one query — one row per incident with the times of its
steps aggregated from the audit trail by SQL (the last dispatch, the first start or resolution after it;
:mod:`console.storage.scorecard_facts`) — and their department links in another, and the month's
daily patrol summaries, with the positions of the days without one (:mod:`console.storage.scorecard_patrol`);
every figure of every worker and department is then a numpy count over those rows (``bincount`` by worker or
department), never a query per person.  The same masks give the drill-down (:meth:`Scorecards.incidents`):
the ids behind a figure are exactly the ones counted.
The scores come from the rules version that applied in the month (:mod:`console.core.assessment`).

Which incidents count (in the operator's terms):

* a month's incidents are those **reported in it** (local midnight to midnight); their state is judged
  as of ``now``;
* a **report** counts for the worker who filed it: source worker app or one-key, the reporter's name
  being a worker's of the incident's village (a namesake in the same village: the one of the incident's
  grid; otherwise nobody's).  *Accepted*: not rejected and past "reported"; *rejected*: rejected as
  invalid; *duplicates*: rejected as a duplicate;
* **dispatched to a worker**: the incident's assignee now; *handled on the spot*: of those, resolved or
  closed; *time to respond*: from the last dispatch to the first start (or resolution) after it;
  *time to resolve*: report to resolution; *overdue*: not resolved by the deadline (resolved later, or
  still unresolved past it); *supervised*: a supervision order was issued;
* a **department's** incidents are those linked to it now: an incident **reassigned** from one department
  to another counts only for the department that holds it (the dispatch replaces the links), and its time
  to accept runs from that last dispatch.  *Accepted in time*: started within the category's
  ``accept_within_hours`` of dispatch; *joint meetings*: incidents it shares with another department;
* a worker with a **joining date** (``workers.joined_at``) inside the month is assessed over the days
  from that day on: the report target is pro-rated and days without patrol count only from then; a worker
  who joined after the month (or after ``now``) is not in its scorecards.  No joining date: in post all
  month.  The month in progress is assessed over its days up to ``now``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import NamedTuple

import numpy as np
from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.engine import Connection

from console.core.assessment import (AssessmentRules, DepartmentInputs, Month, RuleVersion, Score, WorkerInputs,
                                     competition_ranks, load_rules, score_department, score_worker)
from console.core.clock import to_epoch
from console.core.workflow import RejectReason, Source, Status
from console.storage.db import Store
from console.storage.models import Department, Grid, Incident, Village, Worker
from console.storage.monthly_report import month_bounds
from console.storage.patrol_day import local_midnights
from console.storage.scorecard_facts import MonthIncidents, attribute_reports, read_month_incidents
from console.storage.scorecard_patrol import PatrolFigures, PostDays, read_patrols
from console.tasks import TaskState

W, G, V, D = Worker.__table__, Grid.__table__, Village.__table__, Department.__table__
LEVELS = (1, 2, 3, 4)

#: Worker figures that list incidents (:meth:`Scorecards.incidents`).
WORKER_FIGURES = ("reports", "accepted", "rejected", "duplicates", "one_key", "dispatched", "handled_on_spot",
                  "overdue", "supervised")
#: Department figures that list incidents.
DEPARTMENT_FIGURES = ("received", "accepted_in_time", "closed", "overdue", "supervision_orders", "joint_meetings")


@dataclass(frozen=True)
class WorkerScorecard:
    """One grid worker's month: the figures, the score and the ranks (1 = best) in the village and the town."""

    worker_id: int
    code: str
    name: str
    grid_id: int
    grid_name: str
    village_id: int
    village_name_zh: str
    village_name_en: str
    town_id: int
    days_in_post: int
    reports: int
    accepted: int
    rejected: int
    duplicates: int
    one_key: int
    dispatched: int
    handled_on_spot: int
    average_respond_s: float | None
    average_resolve_s: float | None
    overdue: int
    supervised: int
    patrol: PatrolFigures
    score: Score
    rank_in_village: int = 0
    rank_in_town: int = 0
    previous_score: float | None = None

    @property
    def days_without_patrol(self) -> int:
        return self.days_in_post - self.patrol.days_patrolled

    @property
    def change(self) -> float | None:
        """The score against the month before (None when not scored then)."""
        return None if self.previous_score is None else round(self.score.total - self.previous_score, 1)

    def village_name(self, lang: str) -> str:
        return self.village_name_zh if lang.startswith("zh") else self.village_name_en


@dataclass(frozen=True)
class DepartmentScorecard:
    """One stationed department's month: the figures, its assessment category and the score."""

    department_id: int
    code: str
    name_zh: str
    name_en: str
    town_id: int | None
    category: str
    received: int
    accepted_in_time: int
    closed: int
    overdue: int
    supervision_orders: int
    joint_meetings: int
    average_close_by_level: dict[int, float | None]
    score: Score
    rank_in_town: int = 0
    previous_score: float | None = None

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.received if self.received else None

    @property
    def change(self) -> float | None:
        return None if self.previous_score is None else round(self.score.total - self.previous_score, 1)

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class Scorecards:
    """All of a month's scorecards, with the rules version used and what the drill-down needs."""

    month: Month
    start: int
    end: int
    read_at: int
    rules: RuleVersion
    workers: tuple[WorkerScorecard, ...]
    departments: tuple[DepartmentScorecard, ...]
    _masks: dict = field(repr=False, compare=False, default_factory=dict)

    def incidents(self, subject: str, subject_id: int, figure: str) -> list[int]:
        """The ids of exactly the incidents counted in one figure: ``subject`` ``"worker"`` (a figure of
        :data:`WORKER_FIGURES`, or ``responded`` / ``resolved``: those the average times to respond / to
        resolve are over) or ``"department"`` (:data:`DEPARTMENT_FIGURES`, or ``closed_level_1`` … ``_4``:
        those the average time to close per level is over), ascending."""
        try:
            ids, owner, mask = self._masks[(subject, figure)]
        except KeyError:
            raise ValueError(f"no {subject} figure {figure!r}") from None
        return sorted(set(ids[mask & (owner == subject_id)].tolist()))

    def worker(self, worker_id: int) -> WorkerScorecard:
        return next(w for w in self.workers if w.worker_id == worker_id)

    def department(self, department_id: int) -> DepartmentScorecard:
        return next(d for d in self.departments if d.department_id == department_id)


def read_scorecards(source: Store | Connection, month: Month, *, rules: AssessmentRules | None = None,
                    tz: tzinfo | None = None, now: datetime | None = None, state: TaskState | None = None,
                    previous: bool = True) -> Scorecards:
    """Every worker's and department's scorecard for ``month`` (local months in ``tz``, default the
    workstation's), judged at ``now`` (default: the current time); with ``previous``, the month before is
    scored too for the comparison, unless it lies before :func:`first_scored_month` (the store was not in use
    then: every ``previous_score`` is None, "no comparison", not everybody's "nothing happened" score).
    Progress and cancellation through ``state``."""
    if isinstance(source, Store):
        with source.engine.connect() as conn:
            return read_scorecards(conn, month, rules=rules, tz=tz, now=now, state=state, previous=previous)
    state = state or TaskState()
    rules = rules or load_rules()
    t_now = to_epoch(now) if now is not None else int(datetime.now().timestamp())
    first_month = first_scored_month(source, rules, tz)
    if previous and first_month is not None and month.previous() >= first_month:
        earlier = _read_month(source, month.previous(), rules, tz, t_now, _Scaled(state, 0.0, 0.5), {})
        before = {("worker", w.worker_id): w.score.total for w in earlier.workers}
        before.update({("department", d.department_id): d.score.total for d in earlier.departments})
        current = _read_month(source, month, rules, tz, t_now, _Scaled(state, 0.5, 1.0), before)
    else:
        current = _read_month(source, month, rules, tz, t_now, state, {})
    state.set_progress(1.0)
    return current


def first_scored_month(conn: Connection, rules: AssessmentRules, tz: tzinfo | None) -> Month | None:
    """The first month anything can be scored in: the store's first incident's (a local month in ``tz``,
    default the workstation's), or the first rules version's if later; None for a store without incidents."""
    first = conn.execute(select(func.min(Incident.created_at))).scalar()
    if first is None:
        return None
    first = first.astimezone(tz) if tz is not None else first.astimezone()
    return max(Month(first.year, first.month), rules.versions[0].effective_from)


class _Scaled:
    """A :class:`TaskState` view reporting progress into the ``low``..``high`` part of another's."""

    def __init__(self, state: TaskState, low: float, high: float):
        self.state, self.low, self.high = state, low, high

    def check(self) -> None:
        self.state.check()

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.state.set_progress(self.low + (self.high - self.low) * fraction, message)


def _read_month(conn: Connection, month: Month, rules: AssessmentRules, tz, now: int, state,
                before: dict) -> Scorecards:
    version = rules.for_month(month)
    first, after = month_bounds(month.year, month.month, tz)
    start, end = to_epoch(first), to_epoch(after)
    n_days = (after.date() - first.date()).days
    # each local midnight (with daylight saving a day may have 23 or 25 hours), and the two after the month
    midnights = local_midnights(first.date(), n_days + 2, tz)
    day_starts = midnights[:n_days]
    state.set_progress(0.0, "incidents")
    facts = read_month_incidents(conn, start, end, now)
    state.check()
    state.set_progress(0.3, "workers")
    workers = [_WorkerRow(*row) for row in conn.execute(
        select(W.c.id, W.c.code, W.c.name, W.c.grid_id, type_coerce(W.c.joined_at, Integer), G.c.name, G.c.code,
               G.c.village_id, V.c.name_zh, V.c.name_en, V.c.town_id)
        .join(G, G.c.id == W.c.grid_id).join(V, V.c.id == G.c.village_id).order_by(W.c.id))]
    posts = {}
    for w in workers:
        if w.joined_at is not None and w.joined_at >= end:
            continue
        first_day = 0 if w.joined_at is None or w.joined_at < start else \
            int(np.searchsorted(day_starts, w.joined_at, side="right") - 1)
        last_day = int(np.searchsorted(day_starts, min(now, end - 1), side="right") - 1)
        if last_day >= first_day:  # not yet in post by now: nothing to assess
            posts[w.id] = PostDays(first_day, last_day)
    masks: dict = {}
    figures = _worker_masks(facts, attribute_reports(facts, workers), masks)
    state.set_progress(0.4, "patrols")
    patrols = read_patrols(conn, first.date(), midnights, posts,
                           {w.id: (w.grid_id, w.grid_code) for w in workers}, version.worker.duty_hours,
                           version.worker.min_patrol_minutes_per_day * 60, now,
                           _Scaled(state, 0.4, 0.8))
    state.set_progress(0.8, "departments")
    worker_cards = _worker_cards(workers, posts, figures, facts, patrols, version, n_days, before)
    department_cards = _department_cards(conn, facts, version, masks, before)
    return Scorecards(month, start, end, now, version, worker_cards, department_cards, masks)


class _WorkerRow(NamedTuple):
    id: int
    code: str
    name: str
    grid_id: int
    joined_at: int | None
    grid_name: str
    grid_code: str
    village_id: int
    village_name_zh: str
    village_name_en: str
    town_id: int


def _worker_masks(facts: MonthIncidents, reporter: np.ndarray, masks: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each worker figure's owner column and mask over the incidents, remembered for the drill-down."""
    status, reason = facts.status, facts.rejected_as
    rejected = status == Status.REJECTED.value
    reported = reporter > 0
    dispatched = (facts.assignee > 0) & ~rejected
    resolved = np.isin(status, (Status.RESOLVED.value, Status.CLOSED.value))
    figures = {
        "reports": (reporter, reported),
        "accepted": (reporter, reported & ~rejected & (status != Status.REPORTED.value)),
        "rejected": (reporter, reported & rejected & (reason != RejectReason.DUPLICATE.value)),
        "duplicates": (reporter, reported & rejected & (reason == RejectReason.DUPLICATE.value)),
        "one_key": (reporter, reported & (facts.source == Source.ONE_KEY.value)),
        "dispatched": (facts.assignee, dispatched),
        "handled_on_spot": (facts.assignee, dispatched & resolved),
        "overdue": (facts.assignee, dispatched & facts.overdue),
        "supervised": (facts.assignee, dispatched & facts.supervised),
    }
    for name, (owner, mask) in figures.items():
        masks[("worker", name)] = (facts.id, owner, mask)
    # the incidents behind the two averages
    masks[("worker", "responded")] = (facts.id, facts.assignee, dispatched & (facts.respond_s >= 0))
    masks[("worker", "resolved")] = (facts.id, facts.assignee, dispatched & resolved & (facts.resolved >= 0))
    return figures


def _worker_cards(workers, posts: dict[int, PostDays], figures: dict[str, tuple[np.ndarray, np.ndarray]],
                  facts: MonthIncidents, patrols: dict[int, PatrolFigures], version: RuleVersion, n_days: int,
                  before: dict) -> tuple:
    size = max([w.id for w in workers], default=0) + 1
    counts = {name: np.bincount(owner[mask], minlength=size) for name, (owner, mask) in figures.items()}
    dispatched = figures["dispatched"][1]
    responded = dispatched & (facts.respond_s >= 0)  # as the "responded" drill-down
    respond_n = np.bincount(facts.assignee[responded], minlength=size)
    respond_sum = np.bincount(facts.assignee[responded], weights=facts.respond_s[responded], minlength=size)
    handled = figures["handled_on_spot"][1] & (facts.resolved >= 0)
    resolve_n = np.bincount(facts.assignee[handled], minlength=size)
    resolve_sum = np.bincount(facts.assignee[handled], weights=(facts.resolved - facts.created)[handled],
                              minlength=size)
    chosen, scores, inputs = [], [], []
    for w in workers:
        post = posts.get(w.id)
        if post is None:
            continue
        days = max(0, post.last - post.first + 1)
        patrol = patrols.get(w.id) or PatrolFigures(0.0, 0.0, 0.0, 0, 0.0)
        c = {name: int(counts[name][w.id]) for name in WORKER_FIGURES}
        scores.append(score_worker(WorkerInputs(c["accepted"], c["dispatched"], c["handled_on_spot"], c["overdue"],
                                                c["supervised"], days, n_days, patrol.days_patrolled), version))
        chosen.append(w)
        inputs.append((days, c, patrol))
    totals = [score.total for score in scores]
    village_ranks = _group_ranks([w.village_id for w in chosen], totals)
    town_ranks = _group_ranks([w.town_id for w in chosen], totals)
    return tuple(WorkerScorecard(
        w.id, w.code, w.name, w.grid_id, w.grid_name, w.village_id, w.village_name_zh, w.village_name_en, w.town_id,
        days, **c,
        average_respond_s=float(respond_sum[w.id] / respond_n[w.id]) if respond_n[w.id] else None,
        average_resolve_s=float(resolve_sum[w.id] / resolve_n[w.id]) if resolve_n[w.id] else None,
        patrol=patrol, score=score, rank_in_village=village_rank, rank_in_town=town_rank,
        previous_score=before.get(("worker", w.id)))
        for w, (days, c, patrol), score, village_rank, town_rank
        in zip(chosen, inputs, scores, village_ranks, town_ranks))


def _group_ranks(groups: list, totals: list[float]) -> list[int]:
    """Each score's rank within its group (village, town), best first, equal scores sharing a rank."""
    members = defaultdict(list)
    for k, group in enumerate(groups):
        members[group].append(k)
    ranks = [0] * len(totals)
    for ks in members.values():
        for k, rank in zip(ks, competition_ranks([totals[k] for k in ks])):
            ranks[k] = rank
    return ranks


# -- departments ---------------------------------------------------------------------------------------------

def _department_cards(conn: Connection, facts: MonthIncidents, version: RuleVersion, masks: dict, before: dict) -> tuple:
    departments = conn.execute(select(D.c.id, D.c.code, D.c.name_zh, D.c.name_en, D.c.town_id, D.c.assessment)
                               .order_by(D.c.id)).all()
    size = max([d.id for d in departments], default=0) + 1
    category = {d.id: d.assessment for d in departments}
    within = np.zeros(size)
    for d in departments:
        within[d.id] = version.department(d.assessment).accept_within_hours * 3600
    links = facts.links
    row, dept = links[:, 0], links[:, 1]
    received = facts.status[row] != Status.REJECTED.value
    closed = received & (facts.status[row] == Status.CLOSED.value)
    respond = facts.respond_s[row]
    shared = np.bincount(row, minlength=len(facts.id))[row] > 1
    figures = {
        "received": received,
        "accepted_in_time": received & (respond >= 0) & (respond <= within[dept]),
        "closed": closed,
        "overdue": received & facts.overdue[row],
        "supervision_orders": received & facts.supervised[row],
        "joint_meetings": received & shared,
    }
    for name, mask in figures.items():
        masks[("department", name)] = (facts.id[row], dept, mask)
    counts = {name: np.bincount(dept[mask], minlength=size) for name, mask in figures.items()}
    close_s = (facts.closed - facts.created)[row]
    by_level = {}
    for level in LEVELS:
        m = closed & (facts.level[row] == level)
        masks[("department", f"closed_level_{level}")] = (facts.id[row], dept, m)
        by_level[level] = (np.bincount(dept[m], minlength=size), np.bincount(dept[m], weights=close_s[m],
                                                                             minlength=size))
    scores, prepared = [], []
    for d in departments:
        c = {name: int(counts[name][d.id]) for name in DEPARTMENT_FIGURES}
        scores.append(score_department(DepartmentInputs(c["received"], c["accepted_in_time"], c["closed"],
                                                        c["overdue"], c["supervision_orders"]),
                                       category[d.id], version))
        prepared.append(c)
    ranks = _group_ranks([d.town_id for d in departments], [score.total for score in scores])
    return tuple(DepartmentScorecard(
        d.id, d.code, d.name_zh, d.name_en, d.town_id, d.assessment, **c,
        average_close_by_level={level: float(s[d.id] / n[d.id]) if n[d.id] else None
                                for level, (n, s) in by_level.items()},
        score=score, rank_in_town=rank, previous_score=before.get(("department", d.id)))
        for d, c, score, rank in zip(departments, prepared, scores, ranks))
