"""Monthly scorecards from a hand-built town, checked against hand-worked figures and scores.

The town (tests/storage/conftest.py's places, in China's time zone): 王小红 (W0, 江桥村) reports four incidents in
October 2026 — one accepted and handled on the spot, one rejected, one a duplicate, one a one-key report
dispatched to the police station and then reassigned to the enforcement squad — and patrols two days; 李建国
(W1, 麒麟村) is given an incident he never handles (overdue, supervised); 张三 joins 江桥村 on 16 October
and does nothing.  A joint meeting sends one incident to the police station and the market office.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from console.core.assessment import Month, load_rules
from console.core.clock import FakeClock, to_epoch
from console.core.workflow import RejectReason, Source
from console.resources import resource_path
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.models import Department, Worker
from console.storage.positions import PositionRow, PositionStore
from console.storage.scorecards import read_scorecards
from console.tasks import Cancelled, TaskState
from tests.storage.conftest import seed_places

CN = timezone(timedelta(hours=8))
OCTOBER, SEPTEMBER = Month(2026, 10), Month(2026, 9)
NOW = datetime(2026, 11, 2, tzinfo=CN)
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CN)


class Town:
    """The hand-built town and the ids the tests ask about."""

    def __init__(self, store):
        self.store = store
        self.places = p = seed_places(store)
        self.clock = FakeClock(at(1, 8))
        self.service = DispatchService(store, self.clock)
        self.w0, self.w1 = p.workers
        self.police, self.squad, self.market = p.departments
        with store.sessions.begin() as session:
            newcomer = Worker(code="W2", name="张三", phone="13800000009", grid_id=p.grids[0],
                              joined_at=at(16, 0))
            session.add(newcomer)
            session.flush()
            self.w2 = newcomer.id
            session.execute(update(Department).where(Department.id.in_((self.squad, self.market)))
                            .values(assessment="B"))
        self.ids: dict[str, int] = {}

    def report(self, when: datetime, name: str, reporter: str = "王小红", village: int = 0,
               source: Source = Source.WORKER_APP, level: int = 1) -> int:
        self.clock.set(when)
        incident_id = self.service.report(IncidentDraft(
            subitem="ENV01", title=f"incident {name}", source=source, level=level, reporter=reporter,
            grid_id=self.places.grids[village], village_id=self.places.villages[village]), reporter or "operator")
        self.ids[name] = incident_id
        return incident_id

    def step(self, when: datetime, method: str, incident: str, *args, **kwargs) -> None:
        self.clock.set(when)
        getattr(self.service, method)(self.ids[incident], "值班员", *args, **kwargs)

    def build(self) -> "Town":
        # September: two accepted reports of 王小红's (the month before, for the comparison)
        for k, day in enumerate((3, 9)):
            self.report(at(day, 9, month=9), f"sep{k}")
            self.step(at(day, 9, 10, month=9), "accept", f"sep{k}")
        # a: reported, accepted, dispatched to her, started 30 min later, resolved, closed
        self.report(at(5, 9), "a")
        self.step(at(5, 9, 10), "accept", "a")
        self.step(at(5, 9, 20), "assign", "a", worker_id=self.w0)
        self.step(at(5, 9, 50), "start", "a")
        self.step(at(5, 11, 20), "resolve", "a", "清理完毕")
        self.step(at(5, 12, 20), "close", "a")
        # b: rejected as invalid; c: rejected as a duplicate of a
        self.report(at(6, 9), "b")
        self.step(at(6, 9, 5), "reject", "b", RejectReason.INVALID)
        self.report(at(6, 10), "c")
        self.clock.set(at(6, 10, 5))
        number = self.service.get(self.ids["a"]).number
        self.service.reject(self.ids["c"], "值班员", RejectReason.DUPLICATE, duplicate_of=number)
        # d: one-key, to the police station, reassigned to the squad, which starts 30 min after that
        self.report(at(7, 14), "d", source=Source.ONE_KEY)
        self.step(at(7, 14, 5), "accept", "d")
        self.step(at(7, 14, 10), "assign", "d", department_ids=[self.police])
        self.step(at(7, 14, 20), "assign", "d", department_ids=[self.squad])
        self.step(at(7, 14, 50), "start", "d")
        self.step(at(7, 15, 30), "resolve", "d", "已处置")
        self.step(at(7, 16, 30), "close", "d")
        # e: an operator's report given to 李建国, never handled: overdue, then supervised
        self.report(at(10, 9), "e", reporter="", village=1, source=Source.OPERATOR, level=2)
        self.step(at(10, 9, 10), "accept", "e")
        self.step(at(10, 9, 20), "assign", "e", worker_id=self.w1)
        self.clock.set(at(14, 10))
        self.service.check_deadlines()
        # f: a joint meeting (police station and market office), started 5 h after dispatch, closed in 25 h
        self.report(at(20, 8), "f", reporter="", source=Source.OPERATOR, level=3)
        self.step(at(20, 8, 30), "accept", "f")
        self.step(at(20, 9), "assign", "f", department_ids=[self.police, self.market])
        self.step(at(20, 14), "start", "f")
        self.step(at(21, 8), "resolve", "f", "联合执法完毕")
        self.step(at(21, 9), "close", "f")
        # 王小红 patrols 90 minutes on 3 and 4 October (a fix a minute, walking east 20 m a minute)
        positions = PositionStore(self.store, self.clock)
        device = positions.add_device(self.w0, "phone-w0")
        rows = []
        for day in (3, 4):
            t0 = to_epoch(at(day, 9))
            rows += [PositionRow(device.id, self.w0, t0 + 60 * k, 120.3 + 0.0002 * k, 30.1, accuracy=5.0)
                     for k in range(91)]
        positions.write_batch(rows)
        return self


@pytest.fixture
def town(store) -> Town:
    return Town(store).build()


def test_a_workers_month_matches_the_hand_worked_scorecard(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    w0 = cards.worker(town.w0)
    assert (w0.reports, w0.accepted, w0.rejected, w0.duplicates, w0.one_key) == (4, 2, 1, 1, 1)
    assert (w0.dispatched, w0.handled_on_spot, w0.overdue, w0.supervised) == (1, 1, 0, 0)
    assert w0.average_respond_s == 30 * 60
    assert w0.average_resolve_s == 2 * 3600 + 20 * 60
    assert w0.days_in_post == 31 and w0.patrol.days_patrolled == 2 and w0.days_without_patrol == 29
    assert w0.patrol.patrol_s == pytest.approx(2 * 90 * 60)
    assert w0.patrol.inside_grid_s == pytest.approx(2 * 90 * 60)  # the grid has no outline: all inside
    assert 1500 < w0.patrol.distance_m < 2 * 90 * 20 * 1.05
    assert w0.patrol.offline_on_duty_s == pytest.approx((31 * 9 - 3) * 3600)
    # 2026-07 rules: 100 × (0.3 × 2/100 + 0.3 × 1 + 0.2 × 1 + 0.2 × 2/31) = 51.9
    assert cards.rules.version == "2026-07"
    assert w0.score.total == 51.9 and w0.score.grade == "fail"
    # September: 100 × (0.3 × 2/100 + 0.3 + 0.2 + 0) = 50.6
    assert w0.previous_score == 50.6 and w0.change == 1.3


def test_an_overdue_supervised_incident_costs_the_worker_it_was_given_to(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    w1 = cards.worker(town.w1)
    assert (w1.reports, w1.dispatched, w1.handled_on_spot, w1.overdue, w1.supervised) == (0, 1, 0, 1, 1)
    assert w1.average_respond_s is None
    assert w1.score.total == 0.0 and w1.score.penalty == 3.0
    assert w1.previous_score == 50.0 and w1.change == -50.0


def test_a_worker_who_joined_mid_month_is_assessed_from_that_day(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    w2 = cards.worker(town.w2)
    assert w2.days_in_post == 16 and w2.days_without_patrol == 16
    assert w2.patrol.offline_on_duty_s == 16 * 9 * 3600
    assert w2.score.total == 50.0  # nothing given to do: timeliness and closure full, no reports, no patrol
    assert w2.previous_score is None  # not in post in September
    september = read_scorecards(town.store, SEPTEMBER, tz=CN, now=NOW, previous=False)
    assert town.w2 not in {w.worker_id for w in september.workers}


def test_workers_are_ranked_in_their_village_and_their_town(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    ranks = {w.worker_id: (w.rank_in_village, w.rank_in_town) for w in cards.workers}
    assert ranks == {town.w0: (1, 1), town.w2: (2, 2), town.w1: (1, 3)}


def test_a_reassigned_incident_counts_for_the_department_that_holds_it(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    squad, police, market = (cards.department(d) for d in (town.squad, town.police, town.market))
    assert (squad.received, squad.accepted_in_time, squad.closed, squad.overdue) == (1, 1, 1, 0)
    assert squad.category == "B" and squad.score.total == 100.0
    assert cards.incidents("department", town.police, "received") == [town.ids["f"]]
    assert cards.incidents("department", town.squad, "received") == [town.ids["d"]]


def test_a_joint_meeting_counts_for_both_departments_with_their_own_category_weights(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    police, market = cards.department(town.police), cards.department(town.market)
    for dept in (police, market):
        assert (dept.received, dept.accepted_in_time, dept.closed, dept.joint_meetings) == (1, 0, 1, 1)
        assert dept.closure_rate == 1.0
        assert dept.average_close_by_level[3] == 25 * 3600
    assert police.score.total == 55.0   # A: 0.45 × 0 + 0.35 × 1 + 0.2 × 1
    assert market.score.total == 65.0   # B: 0.35 × 0 + 0.45 × 1 + 0.2 × 1
    assert [d.department_id for d in sorted(cards.departments, key=lambda d: d.rank_in_town)] == \
        [town.squad, town.market, town.police]


def test_drill_down_lists_exactly_the_incidents_counted(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    ids = town.ids
    assert cards.incidents("worker", town.w0, "reports") == sorted([ids["a"], ids["b"], ids["c"], ids["d"]])
    assert cards.incidents("worker", town.w0, "accepted") == sorted([ids["a"], ids["d"]])
    assert cards.incidents("worker", town.w0, "duplicates") == [ids["c"]]
    assert cards.incidents("worker", town.w0, "one_key") == [ids["d"]]
    assert cards.incidents("worker", town.w1, "supervised") == [ids["e"]]
    assert cards.incidents("department", town.market, "joint_meetings") == [ids["f"]]
    assert cards.incidents("worker", town.w0, "responded") == [ids["a"]]  # the average's incidents
    assert cards.incidents("worker", town.w1, "responded") == []
    assert cards.incidents("department", town.police, "closed_level_3") == [ids["f"]]
    for w in cards.workers:  # every count is the length of its list
        assert w.reports == len(cards.incidents("worker", w.worker_id, "reports"))
        assert w.overdue == len(cards.incidents("worker", w.worker_id, "overdue"))
    with pytest.raises(ValueError, match="no worker figure"):
        cards.incidents("worker", town.w0, "bonus")


def test_a_rule_change_between_months_scores_each_month_with_its_own_rules(town, tmp_path):
    data = json.loads(resource_path("assessment_rules.json").read_text("utf-8"))
    data["versions"][1]["effective_from"] = "2026-10"  # the 2026-07 rules begin in October instead
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW, rules=load_rules(path))
    w0 = cards.worker(town.w0)
    assert cards.rules.version == "2026-07" and w0.score.total == 51.9
    # September under the 2018-01 rules: 100 × (0.35 × 2/100 + 0.25 + 0.2 + 0) = 45.7
    assert w0.previous_score == 45.7


def test_progress_is_reported_and_the_work_can_be_cancelled(town):
    seen = []
    state = TaskState(lambda fraction, message: seen.append(fraction))
    read_scorecards(town.store, OCTOBER, tz=CN, now=NOW, state=state)
    assert seen == sorted(seen) and seen[-1] == 1.0
    stopped = TaskState()
    stopped.request_interruption()
    with pytest.raises(Cancelled):
        read_scorecards(town.store, OCTOBER, tz=CN, now=NOW, state=stopped)


def test_the_month_in_progress_is_assessed_over_its_days_so_far(town):
    cards = read_scorecards(town.store, OCTOBER, tz=CN, now=at(20, 12), previous=False)
    assert cards.worker(town.w0).days_in_post == 20
    assert cards.worker(town.w2).days_in_post == 5  # 16 to 20 October
    before_joining = read_scorecards(town.store, OCTOBER, tz=CN, now=at(10, 12), previous=False)
    assert town.w2 not in {w.worker_id for w in before_joining.workers}


def test_summarised_days_give_the_same_scorecards_without_their_positions(town):
    from datetime import date

    from sqlalchemy import delete

    from console.storage.models import Position
    from console.storage.patrol_days import summarise_days

    def patrols(cards):
        return {w.worker_id: (w.patrol, w.score.total, w.previous_score) for w in cards.workers}

    before = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    summarise_days(town.store, date(2026, 9, 1), date(2026, 10, 31), tz=CN, now=NOW)
    with town.store.engine.begin() as conn:
        conn.execute(delete(Position))
    after = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    assert patrols(after) == patrols(before)
    assert after.worker(town.w0).patrol.patrol_s == pytest.approx(2 * 90 * 60)
    # a worker moved to another grid since: the summaries measured time outside the old one, so they go unused
    with town.store.sessions.begin() as session:
        session.execute(update(Worker).where(Worker.id == town.w0).values(grid_id=town.places.grids[1]))
    moved = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    assert moved.worker(town.w0).patrol.patrol_s == 0


def test_a_month_before_the_stores_first_incident_is_no_comparison(town):
    """September is the town's first month: August, before any incident, is "no comparison" (None), not
    everybody's neutral "nothing happened" score; October compares with September."""
    september = read_scorecards(town.store, SEPTEMBER, tz=CN, now=NOW)
    assert september.workers and {w.previous_score for w in september.workers} == {None}
    assert {d.previous_score for d in september.departments} == {None}
    assert {w.change for w in september.workers} == {None}
    october = read_scorecards(town.store, OCTOBER, tz=CN, now=NOW)
    assert october.worker(town.w0).previous_score is not None
