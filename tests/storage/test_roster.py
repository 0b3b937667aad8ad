"""The staff roster (:mod:`console.storage.roster`): workers added, moved, put off duty and given a joining day that
the scorecards then count from; departments put in category A or B; every write audited and an administrator's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from console.core.assessment import Month
from console.core.roles import PermissionDenied
from console.storage.models import AuditEntry
from console.storage.roster import Roster, RosterError
from console.storage.scorecards import read_scorecards

CN = timezone(timedelta(hours=8))


@pytest.fixture
def roster(store, places, clock) -> Roster:
    return Roster(store, clock, actor="gridwatch workers")


def audit(store) -> list[tuple[str, str, str, str]]:
    with store.sessions() as session:
        return [(e.subject, e.actor, e.action, e.note) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.incident_id.is_(None)).order_by(AuditEntry.id))]


def test_a_worker_added_to_a_grid_is_numbered_after_its_colleagues_and_audited(roster, store):
    added = roster.add_worker("  张 三 ", "G0", "138 0000 0009")
    assert (added.code, added.name, added.grid_code, added.village_name, added.on_duty) == \
        ("G0-1", "张 三", "G0", "江桥村", True)
    second = roster.add_worker("赵四", "第0网格", "13800000010")  # a grid's name works when it is unique
    assert second.code == "G0-2"
    assert [w.code for w in roster.workers("G0")] == ["G0-1", "G0-2", "W0"]
    assert audit(store)[-2:] == [
        (f"worker:{added.id}", "gridwatch workers", "add_worker", "worker G0-1 张 三, grid G0"),
        (f"worker:{second.id}", "gridwatch workers", "add_worker", "worker G0-2 赵四, grid G0")]


def test_moving_a_worker_and_putting_them_off_duty_keeps_their_record(roster, store):
    roster.update_worker("王小红", grid="G1", on_duty=False, phone="+86 138-0000-0000")
    moved = roster.worker("W0")
    assert (moved.grid_code, moved.on_duty, moved.phone) == ("G1", False, "+86 138-0000-0000")
    assert audit(store)[-1][3] == "worker W0: grid G1, phone, off duty"
    before = len(audit(store))
    assert roster.update_worker("W0", grid="G1", on_duty=False) == moved  # nothing changed: nothing recorded
    assert len(audit(store)) == before


@pytest.mark.parametrize("call, message", [
    (lambda r: r.add_worker("", "G0", "1"), "a worker needs a name"),
    (lambda r: r.add_worker("甲", "G9", "1"), "no grid 'G9'"),
    (lambda r: r.add_worker("甲", "G0", "call me"), "phone 'call me'"),
    (lambda r: r.add_worker("甲", "G0", "1", code="W1"), "a worker with code 'W1' already exists"),
    (lambda r: r.update_worker("nobody", on_duty=False), "no worker 'nobody'"),
    (lambda r: r.assess_department("D0", "C"), "choose A or B"),
    (lambda r: r.assess_department("公安局", "A"), "no department '公安局'"),
])
def test_bad_input_is_refused_with_one_line_and_nothing_written(roster, store, call, message):
    before = audit(store), roster.workers()
    with pytest.raises(RosterError, match=message):
        call(roster)
    assert (audit(store), roster.workers()) == before


def test_two_workers_of_one_name_must_be_named_by_code(roster):
    roster.add_worker("王小红", "G1", "13800000011")
    with pytest.raises(RosterError, match=r"2 workers are called '王小红' \(G1-1, W0\); give the code"):
        roster.update_worker("王小红", on_duty=False)


def test_only_an_administrator_manages_the_roster(roster):
    for role in ("operator", "duty"):
        bound = roster.for_operator(role, "值班员")
        with pytest.raises(PermissionDenied, match="manage grid workers and departments"):
            bound.add_worker("甲", "G0", "1")
        with pytest.raises(PermissionDenied):
            bound.assess_department("D0", "B")
    assert roster.for_operator("admin", "管理员").assess_department("D0", "B").assessment == "B"


def test_a_department_put_in_category_b_is_audited_once(roster, store):
    assert roster.assess_department("杨汛桥派出所", "b").assessment == "B"
    assert roster.assess_department("Department 0", "B").assessment == "B"
    assert [a for a in audit(store) if a[2] == "assess_department"] == [
        (f"department:{roster.departments()[0].id}", "gridwatch workers", "assess_department",
         "department D0: category A to B")]


def test_a_worker_who_joined_mid_month_is_assessed_from_that_day(roster, store):
    joined = datetime(2026, 10, 22, tzinfo=CN)
    newcomer = roster.add_worker("新人", "G0", "13800000012", joined_at=joined)
    assert roster.worker(newcomer.code).joined_at == joined
    cards = read_scorecards(store, Month(2026, 10), tz=CN, now=datetime(2026, 11, 2, tzinfo=CN), previous=False)
    assert cards.worker(newcomer.id).days_in_post == 10   # 22..31 October
    assert cards.worker(roster.worker("W0").id).days_in_post == 31
    roster.update_worker(newcomer.code, joined_at=None)
    assert roster.worker(newcomer.code).joined_at is None
    assert audit(store)[-1][3] == f"worker {newcomer.code}: joining day cleared"
