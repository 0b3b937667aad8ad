"""The dispatch service on a real database: the closed loop, one transaction and one audit entry per step."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.core.levels import DeadlinePolicy
from console.core.workflow import Action, IllegalTransition, RejectReason, Source, Status, WorkflowError
from console.storage.db import open_store
from console.storage.dispatch import (DispatchService, Filing, IncidentDraft, IncidentNotFound, StaleIncident,
                                      TimelineStep)
from console.storage.models import AuditEntry, Incident, incident_departments

from .conftest import DEPARTMENT_NAMES, START, WORKER_NAMES, RendezvousClock, seed_places

H = timedelta(hours=1)
S, A = Status, Action


def _draft(subitem="DIS01", title="邻里因排水沟发生争吵", **kwargs) -> IncidentDraft:
    return IncidentDraft(subitem=subitem, title=title, **kwargs)


def _entries(store, incident_id=None) -> list[tuple]:
    with store.sessions() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if incident_id is not None:
            stmt = stmt.where(AuditEntry.incident_id == incident_id)
        return [(e.incident_id, e.at, e.actor, e.action, e.from_status, e.to_status, e.note)
                for e in session.scalars(stmt)]


def _snapshot(store) -> dict:
    """Everything a failed step must leave untouched: incident rows, assignees and the audit trail."""
    with store.sessions() as session:
        incidents = {i.id: {k: v for k, v in vars(i).items() if not k.startswith("_")}
                     for i in session.scalars(select(Incident))}
        links = sorted(session.execute(select(incident_departments)).all())
    return {"incidents": incidents, "links": links, "audit": _entries(store)}


def _status(service, incident_id) -> Status:
    return Status(service.get(incident_id).status)


# -- reporting ------------------------------------------------------------------------------------

def test_report_files_a_numbered_incident_with_its_deadline(service, store, places, clock):
    incident_id = service.report(_draft("CON01", "屋顶违章搭建", description="三楼屋顶", grid_id=places.grids[0],
                                        source=Source.WORKER_APP, reporter="王小红", lon=120.3, lat=30.1,
                                        photos=[("a.jpg", "image/jpeg", b"\xff\xd8photo")]), "王小红")
    incident = service.get(incident_id)
    assert incident.number == "20261129-0001"
    assert (incident.status, incident.category, incident.subitem, incident.level) == ("reported", "CON", "CON01", 3)
    assert incident.village_id == places.villages[0]  # taken from the grid
    assert incident.created_at == START
    assert incident.deadline_at == START + timedelta(days=5)
    assert (incident.one_key, incident.queue_rank, incident.version) == (False, 1, 1)
    assert [(a.filename, a.data) for a in incident.attachments] == [("a.jpg", b"\xff\xd8photo")]
    assert _entries(store) == [(incident_id, START, "王小红", "report", None, "reported", "worker_app: 屋顶违章搭建")]


def test_report_with_an_explicit_level(service):
    incident = service.get(service.report(_draft("DIS01", level=3), "op"))
    assert incident.level == 3
    assert incident.deadline_at == START + timedelta(days=5)


def test_numbers_count_up_within_a_day_and_restart_the_next(service, clock):
    numbers = [service.get(service.report(_draft(), "op")).number for _ in range(3)]
    clock.advance(timedelta(days=1))
    numbers.append(service.get(service.report(_draft(), "op")).number)
    assert numbers == ["20261129-0001", "20261129-0002", "20261129-0003", "20261130-0001"]


def test_numbers_go_on_past_9999_in_a_day(service, store):
    with store.sessions.begin() as session:
        session.add(Incident(number="20261129-9999", title="t", category="DIS", subitem="DIS01", level=1,
                             source="operator", created_at=START, deadline_at=START, status="closed"))
    numbers = [service.get(service.report(_draft(), "op")).number for _ in range(2)]
    assert numbers == ["20261129-10000", "20261129-10001"]


REFUSED_REPORTS = {
    "blank title": dict(title="   "),
    "unknown sub-item": dict(subitem="XXX99"),
    "level 5": dict(level=5),
    "unknown grid": dict(grid_id=999999),
    "unknown village": dict(village_id=999999),
}


@pytest.mark.parametrize("changes", REFUSED_REPORTS.values(), ids=REFUSED_REPORTS.keys())
def test_a_refused_report_writes_nothing(service, store, changes):
    before = _snapshot(store)
    kwargs = dict(subitem="DIS01", title="t") | changes
    with pytest.raises(WorkflowError):
        service.report(IncidentDraft(**kwargs), "op")
    assert _snapshot(store) == before


def test_what_goes_with_a_report_is_stored_with_it_or_not_at_all(service, store):
    before = _snapshot(store)

    def fails(_session, incident):
        assert incident.id is not None  # the incident is there to refer to
        raise RuntimeError("the record that goes with the report could not be written")
    with pytest.raises(RuntimeError):
        service.report(_draft(), "op", also=fails)
    assert _snapshot(store) == before
    seen = []
    incident_id = service.report(_draft(), "op", also=lambda _session, incident: seen.append(incident.number))
    assert seen == [service.get(incident_id).number]


def test_every_step_needs_an_actor(service, store):
    with pytest.raises(WorkflowError):
        service.report(_draft(), "")
    incident_id = service.report(_draft(source=Source.ONE_KEY), "op")
    before = _snapshot(store)
    for step in (lambda: service.accept(incident_id, ""), lambda: service.comment(incident_id, "", "note"),
                 lambda: service.acknowledge_alarm(incident_id, "")):
        with pytest.raises(WorkflowError):
            step()
    assert _snapshot(store) == before


# -- the closed loop ------------------------------------------------------------------------------

def test_the_closed_loop_with_a_grid_worker(service, store, places, clock):
    incident_id = service.report(_draft(grid_id=places.grids[1]), "李建国")

    def step(call, actor, action, before, after, note):
        count = len(_entries(store))
        clock.advance(timedelta(minutes=10))
        call()
        entries = _entries(store)
        assert len(entries) == count + 1, f"{action} wrote {len(entries) - count} audit entries"
        assert entries[-1] == (incident_id, clock.now(), actor, action, before, after, note)
        assert _status(service, incident_id).value == after

    step(lambda: service.accept(incident_id, "duty1", note="属实"), "duty1", "accept", "reported", "accepted", "属实")
    step(lambda: service.assign(incident_id, "duty1", worker_id=places.workers[1]), "duty1", "assign",
         "accepted", "dispatched", f"to {WORKER_NAMES[1]}")
    incident = service.get(incident_id)
    assert incident.assignee_text == WORKER_NAMES[1]
    assert incident.assignee_worker.name == WORKER_NAMES[1] and incident.departments == []
    step(lambda: service.start(incident_id, "李建国"), "李建国", "start", "dispatched", "in_progress", "")
    step(lambda: service.resolve(incident_id, "李建国", "  已调解，双方握手言和  "), "李建国", "resolve",
         "in_progress", "resolved", "已调解，双方握手言和")
    resolved_at = clock.now()
    step(lambda: service.close(incident_id, "duty1", note="回访满意"), "duty1", "close", "resolved", "closed",
         "回访满意")
    incident = service.get(incident_id)
    assert incident.feedback == "已调解，双方握手言和"
    assert (incident.resolved_at, incident.closed_at) == (resolved_at, clock.now())
    assert incident.version == 6  # one version per step: report + five steps

    timeline = service.timeline(incident_id)
    assert [t.action for t in timeline] == [A.REPORT, A.ACCEPT, A.ASSIGN, A.START, A.RESOLVE, A.CLOSE]
    assert timeline[0] == TimelineStep(START, "李建国", A.REPORT, None, S.REPORTED, "operator: 邻里因排水沟发生争吵")
    assert [t.to_status for t in timeline] == [S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED,
                                              S.CLOSED]
    assert [t.at for t in timeline] == sorted(t.at for t in timeline)


def test_assign_to_one_department(service, places, store):
    incident_id = service.report(_draft("CON01"), "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", department_ids=[places.departments[1]], note="今日处理")
    incident = service.get(incident_id)
    assert incident.assignee_text == DEPARTMENT_NAMES[1]
    assert [d.name_zh for d in incident.departments] == [DEPARTMENT_NAMES[1]]
    assert incident.assignee_worker_id is None
    assert _entries(store, incident_id)[-1][-1] == f"to {DEPARTMENT_NAMES[1]}; 今日处理"


def test_several_departments_are_a_joint_meeting(service, places, store):
    incident_id = service.report(_draft("ORD03", "疑似传销窝点"), "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", department_ids=list(places.departments) + [places.departments[0]])
    incident = service.get(incident_id)
    assert incident.assignee_text == "、".join(DEPARTMENT_NAMES)
    assert sorted(d.name_zh for d in incident.departments) == sorted(DEPARTMENT_NAMES)
    assert _entries(store, incident_id)[-1][-1] == "joint meeting: " + ", ".join(DEPARTMENT_NAMES)


def test_reassigning_replaces_the_assignees(service, places):
    incident_id = service.report(_draft(), "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", department_ids=places.departments[:2])
    service.start(incident_id, "duty1")
    service.assign(incident_id, "duty1", worker_id=places.workers[0])
    incident = service.get(incident_id)
    assert (incident.status, incident.assignee_text, incident.departments) == ("dispatched", WORKER_NAMES[0], [])
    service.assign(incident_id, "duty1", worker_id=places.workers[1], department_ids=[places.departments[2]])
    incident = service.get(incident_id)
    assert incident.assignee_text == f"{WORKER_NAMES[1]}、{DEPARTMENT_NAMES[2]}"
    assert [d.name_zh for d in incident.departments] == [DEPARTMENT_NAMES[2]]


def test_resolve_straight_from_dispatched(service, places):
    incident_id = service.report(_draft(), "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", worker_id=places.workers[0])
    service.resolve(incident_id, "王小红", "当场处理完毕")
    assert _status(service, incident_id) is S.RESOLVED


def test_comment_leaves_a_trace_without_changing_the_status(service, store, clock):
    incident_id = service.report(_draft(), "op")
    clock.advance(H)
    service.comment(incident_id, "duty1", "  已电话联系村委  ")
    assert _entries(store, incident_id)[-1] == (incident_id, START + H, "duty1", "comment", None, None,
                                                "已电话联系村委")
    assert _status(service, incident_id) is S.REPORTED
    with pytest.raises(WorkflowError):
        service.comment(incident_id, "duty1", "  ")


# -- rejecting and reopening ----------------------------------------------------------------------

def test_reject_as_invalid(service, store):
    incident_id = service.report(_draft(), "op")
    service.reject(incident_id, "duty1", RejectReason.INVALID, note="误报")
    incident = service.get(incident_id)
    assert (incident.status, incident.reject_reason, incident.duplicate_of_id) == ("rejected", "invalid", None)
    assert _entries(store, incident_id)[-1][3:] == ("reject", "reported", "rejected", "invalid; 误报")


def test_reject_as_duplicate_of_an_existing_number(service, store):
    original = service.get(service.report(_draft(), "op"))
    copy_id = service.report(_draft(), "op")
    service.reject(copy_id, "duty1", "duplicate", duplicate_of=f" {original.number} ")
    incident = service.get(copy_id)
    assert (incident.status, incident.reject_reason, incident.duplicate_of_id) == ("rejected", "duplicate",
                                                                                   original.id)
    assert _entries(store, copy_id)[-1][-1] == f"duplicate of {original.number}"


@pytest.mark.parametrize("number", ["20991231-0001", "", "self"])
def test_duplicate_of_an_unknown_number_or_itself_is_refused(service, store, number):
    incident_id = service.report(_draft(), "op")
    if number == "self":
        number = service.get(incident_id).number
    before = _snapshot(store)
    with pytest.raises(WorkflowError):
        service.reject(incident_id, "duty1", RejectReason.DUPLICATE, duplicate_of=number)
    assert _snapshot(store) == before


def _to_status(service, places, incident_id, status):
    if status is S.REJECTED:
        service.reject(incident_id, "duty1", RejectReason.DUPLICATE,
                       duplicate_of=service.get(service.report(_draft(), "op")).number)
        return
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", worker_id=places.workers[0])
    service.resolve(incident_id, "王小红", "处理完毕")
    if status is S.CLOSED:
        service.close(incident_id, "duty1")


@pytest.mark.parametrize(("status", "reopened"), [(S.RESOLVED, S.REOPENED), (S.CLOSED, S.REOPENED),
                                                  (S.REJECTED, S.REPORTED)], ids=lambda s: s.value)
def test_reopen_restarts_the_loop_and_the_deadline(service, store, places, clock, status, reopened):
    incident_id = service.report(_draft(), "op")
    _to_status(service, places, incident_id, status)
    clock.advance(timedelta(days=10))
    with pytest.raises(WorkflowError):
        service.reopen(incident_id, "duty1", "   ")
    service.reopen(incident_id, "duty1", " 群众反映问题仍在 ")
    incident = service.get(incident_id)
    assert incident.status == reopened.value
    assert incident.deadline_at == clock.now() + timedelta(hours=24)
    assert (incident.resolved_at, incident.closed_at, incident.reject_reason, incident.duplicate_of_id) == (
        None, None, None, None)
    assert _entries(store, incident_id)[-1] == (incident_id, clock.now(), "duty1", "reopen", status.value,
                                                reopened.value, "群众反映问题仍在")
    if reopened is S.REOPENED:
        service.assign(incident_id, "duty1", worker_id=places.workers[1])
        assert _status(service, incident_id) is S.DISPATCHED
    else:
        service.accept(incident_id, "duty1")
        assert _status(service, incident_id) is S.ACCEPTED


def test_regrading_a_reopened_report_counts_from_the_reopening(service, clock):
    incident_id = service.report(_draft("DIS01"), "op")  # level 1: 24 h
    service.reject(incident_id, "duty1", RejectReason.INVALID)
    clock.advance(timedelta(days=20))
    service.reopen(incident_id, "duty1", "村民再次反映")
    service.accept(incident_id, "duty1", level=2)  # 72 h from the reopening, not from the first report
    assert service.get(incident_id).deadline_at == clock.now() + timedelta(hours=72)


def test_accept_with_a_new_level_moves_the_deadline(service, clock):
    incident_id = service.report(_draft("DIS01"), "op")
    clock.advance(H)
    service.accept(incident_id, "duty1", level=4)
    incident = service.get(incident_id)
    assert (incident.level, incident.deadline_at) == (4, START + timedelta(days=10))
    with pytest.raises(WorkflowError):
        service.accept(service.report(_draft(), "op"), "duty1", level=9)


# -- refused steps change nothing -----------------------------------------------------------------

def test_an_illegal_step_is_refused_and_changes_nothing(service, store):
    incident_id = service.report(_draft(), "op")
    number = service.get(incident_id).number
    before = _snapshot(store)
    with pytest.raises(IllegalTransition, match=rf"Cannot close incident {number}: it is reported; "
                                                r"allowed: accept, reject"):
        service.close(incident_id, "duty1")
    with pytest.raises(IllegalTransition):
        service.reopen(incident_id, "duty1", "why not")
    with pytest.raises(IllegalTransition):
        service.start(incident_id, "duty1")
    assert _snapshot(store) == before


def test_unknown_incident(service):
    with pytest.raises(IncidentNotFound):
        service.accept(424242, "duty1")
    with pytest.raises(IncidentNotFound):
        service.get(424242)
    with pytest.raises(IncidentNotFound):
        service.comment(424242, "duty1", "x")


FAILING_STEPS = {
    "assign to nobody": lambda svc, i, p: svc.assign(i, "duty1"),
    "assign to an unknown worker": lambda svc, i, p: svc.assign(i, "duty1", worker_id=999999),
    "assign to an unknown department": lambda svc, i, p: svc.assign(
        i, "duty1", department_ids=[p.departments[0], 999999]),
    "resolve without feedback": lambda svc, i, p: svc.resolve(i, "duty1", "  "),
    "reject as duplicate of nothing": lambda svc, i, p: svc.reject(i, "duty1", RejectReason.DUPLICATE,
                                                                   duplicate_of="nope"),
    "stale version": lambda svc, i, p: svc.assign(i, "duty1", worker_id=p.workers[0], expected_version=1),
}


@pytest.mark.parametrize("step", FAILING_STEPS.values(), ids=FAILING_STEPS.keys())
def test_a_failed_step_writes_nothing(service, store, places, step):
    incident_id = service.report(_draft(), "op")
    service.accept(incident_id, "duty1")
    before = _snapshot(store)
    with pytest.raises(WorkflowError):
        step(service, incident_id, places)
    assert _snapshot(store) == before


# -- optimistic locking ---------------------------------------------------------------------------

def test_each_step_bumps_the_version_by_one(service, places):
    incident_id = service.report(_draft(), "op")
    steps = [lambda v: service.accept(incident_id, "duty1", level=2, expected_version=v),
             lambda v: service.assign(incident_id, "duty1", department_ids=places.departments[:2],
                                      expected_version=v),
             lambda v: service.assign(incident_id, "duty1", worker_id=places.workers[0], expected_version=v),
             lambda v: service.start(incident_id, "duty1", expected_version=v),
             lambda v: service.resolve(incident_id, "duty1", "好了", expected_version=v),
             lambda v: service.reopen(incident_id, "duty1", "没好", expected_version=v)]
    for version, step in enumerate(steps, start=1):
        step(version)  # a console that saw version v can take the next step without reloading
        assert service.get(incident_id).version == version + 1
    reject_id = service.report(_draft(), "op")
    service.reject(reject_id, "duty1", RejectReason.DUPLICATE, duplicate_of=service.get(incident_id).number,
                   expected_version=1)
    assert service.get(reject_id).version == 2


def test_a_stale_expected_version_is_refused(service, store):
    incident_id = service.report(_draft(), "op")
    service.accept(incident_id, "console-a", expected_version=1)
    before = _snapshot(store)
    with pytest.raises(StaleIncident, match="changed by someone else"):
        service.reject(incident_id, "console-b", RejectReason.INVALID, expected_version=1)
    assert _snapshot(store) == before


@pytest.fixture
def race(store):
    """Two services on two separate engines (two consoles), sharing a clock that makes them meet."""
    clock = RendezvousClock()
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    places = seed_places(store)
    yield DispatchService(store, clock), DispatchService(other, clock), clock, places
    other.dispose()


def _run_together(*calls):
    """Run the calls in parallel threads; return what each returned or raised."""
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_consoles_racing_on_one_incident(race, store):
    console_a, console_b, clock, places = race
    incident_id = console_a.report(_draft(), "op")
    console_a.accept(incident_id, "duty1")
    clock.arm(2)  # both read the incident before either writes
    results = _run_together(
        lambda: console_a.assign(incident_id, "console-a", worker_id=places.workers[0]),
        lambda: console_b.assign(incident_id, "console-b", department_ids=[places.departments[0]]))
    winners = [r for r in results if r is None]
    losers = [r for r in results if isinstance(r, StaleIncident)]
    assert len(winners) == 1 and len(losers) == 1, results
    winner = "console-a" if results[0] is None else "console-b"
    incident = console_a.get(incident_id)
    assert incident.version == 3
    assert incident.assignee_text == (WORKER_NAMES[0] if winner == "console-a" else DEPARTMENT_NAMES[0])
    assigns = [e for e in _entries(store, incident_id) if e[3] == "assign"]
    assert [e[2] for e in assigns] == [winner]


def test_two_consoles_reporting_at_once_get_different_numbers(race, store, monkeypatch):
    console_a, console_b, clock, _places = race
    barrier, waited = threading.Barrier(2, timeout=20), set()
    original = DispatchService._day_sequence

    def sequence_then_meet(self, session, now):
        sequence = original(self, session, now)
        if threading.get_ident() not in waited:  # both pick a number before either writes it
            waited.add(threading.get_ident())
            barrier.wait()
        return sequence

    monkeypatch.setattr(DispatchService, "_day_sequence", sequence_then_meet)
    results = _run_together(lambda: console_a.report(_draft(title="A"), "a"),
                            lambda: console_b.report(_draft(title="B"), "b"))
    assert all(isinstance(r, int) for r in results), results
    numbers = sorted(console_a.get(r).number for r in results)
    assert numbers == ["20261129-0001", "20261129-0002"]
    assert len(_entries(store)) == 2


def test_reports_filed_together_get_consecutive_numbers_and_a_refused_one_is_left_out(service, store, places):
    refused_grid = max(places.grids) + 1000
    outcomes = service.report_many([Filing(_draft(title="A", grid_id=places.grids[0]), "intake"),
                                    Filing(_draft(title="B", grid_id=refused_grid), "intake"),
                                    Filing(_draft("NOPE99", title="C"), "intake"),
                                    Filing(_draft(title="D", source=Source.ONE_KEY), "intake")])
    assert isinstance(outcomes[1], WorkflowError) and str(refused_grid) in str(outcomes[1])
    assert isinstance(outcomes[2], WorkflowError) and "NOPE99" in str(outcomes[2])
    first, last = service.get(outcomes[0]), service.get(outcomes[3])
    assert (first.number, last.number) == ("20261129-0001", "20261129-0002")
    assert first.village_id == places.villages[0]
    assert (last.one_key, last.queue_rank) == (True, 0)
    assert [e[3] for e in _entries(store)] == ["report", "report"]


# -- one-key reports ------------------------------------------------------------------------------

def test_one_key_report_jumps_the_queue_with_a_short_deadline(service, store, places, clock):
    incident_id = service.report(_draft("FIR01", "厂房起火", source=Source.ONE_KEY), "王小红")
    incident = service.get(incident_id)
    assert (incident.one_key, incident.queue_rank) == (True, 0)
    assert incident.deadline_at == START + 2 * H
    assert incident.alarm_acknowledged_at is None

    clock.advance(timedelta(seconds=30))
    service.acknowledge_alarm(incident_id, "duty1")
    acknowledged_at = clock.now()
    clock.advance(timedelta(seconds=30))
    service.acknowledge_alarm(incident_id, "duty2")  # a second console: already acknowledged, not recorded
    incident = service.get(incident_id)
    assert incident.alarm_acknowledged_at == acknowledged_at
    acks = [e for e in _entries(store, incident_id) if e[3] == "acknowledge_alarm"]
    assert acks == [(incident_id, acknowledged_at, "duty1", "acknowledge_alarm", None, None, "")]

    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", department_ids=places.departments[:2])
    service.start(incident_id, "duty1")
    assert service.get(incident_id).queue_rank == 0  # first in the queue until handled
    service.resolve(incident_id, "duty1", "明火已扑灭")
    assert service.get(incident_id).queue_rank == 1
    service.reopen(incident_id, "duty1", "复燃")
    assert service.get(incident_id).queue_rank == 0
    service.assign(incident_id, "duty1", department_ids=places.departments[:1])
    service.resolve(incident_id, "duty1", "已扑灭")
    service.close(incident_id, "duty1")
    assert service.get(incident_id).queue_rank == 1


def test_rejected_one_key_report_leaves_the_top_of_the_queue(service):
    incident_id = service.report(_draft("DIS05", "群体性纠纷", source="one_key"), "op")
    assert service.get(incident_id).queue_rank == 0
    service.reject(incident_id, "duty1", RejectReason.INVALID, note="误触")
    assert service.get(incident_id).queue_rank == 1
    service.reopen(incident_id, "duty1", "确有其事")
    assert service.get(incident_id).queue_rank == 0


def test_only_one_key_reports_have_an_alarm(service, store):
    incident_id = service.report(_draft(), "op")
    before = _snapshot(store)
    with pytest.raises(WorkflowError, match="not a one-key report"):
        service.acknowledge_alarm(incident_id, "duty1")
    assert _snapshot(store) == before


def test_one_key_deadline_follows_the_policy(store, places, clock):
    service = DispatchService(store, clock, DeadlinePolicy(one_key_deadline=30 * timedelta(minutes=1)))
    incident_id = service.report(_draft("DIS01", source=Source.ONE_KEY), "op")
    assert service.get(incident_id).deadline_at == START + timedelta(minutes=30)


def test_get_returns_a_detached_incident_with_everything_loaded(service, store, places):
    incident_id = service.report(_draft(grid_id=places.grids[0], photos=[("p.png", "image/png", b"\x89PNG")]),
                                 "op")
    service.accept(incident_id, "duty1")
    service.assign(incident_id, "duty1", worker_id=places.workers[0], department_ids=places.departments[:1])
    incident = service.get(incident_id)
    # usable after its session has closed (no lazy loading from the GUI thread)
    assert incident.village.name_zh == "江桥村"
    assert incident.grid.code == "G0"
    assert incident.assignee_worker.name == WORKER_NAMES[0]
    assert [d.name_zh for d in incident.departments] == [DEPARTMENT_NAMES[0]]
    assert [a.filename for a in incident.attachments] == ["p.png"]
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 3
