"""The demo history in the database: counts, integrity of every timeline, determinism, refusal, cancellation."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import cv2
import numpy as np
import pytest
from sqlalchemy import inspect

from console.core.clock import from_epoch, to_epoch
from console.core.taxonomy import default_taxonomy
from console.core.workflow import OPEN_STATUSES, Status
from console.demo import DemoDataError, demo_info, write_demo_data
from console.demo.writer import default_until
from console.storage import audit_chain
from console.storage.dispatch import DispatchService, IncidentDraft, incident_number, queue_rank
from console.storage.models import AuditEntry, Incident
from console.tasks import Cancelled, TaskState
from tests.demo.support import UNTIL, new_store

WEEK = 7 * 86_400


def rows(store, sql, *params):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(sql, params).all()


def test_summary_matches_the_database(town_store):
    store, summary = town_store
    assert (summary.towns, summary.grids, summary.workers, summary.departments, summary.cameras) == (1, 87, 348, 26, 16)
    assert summary.incidents == rows(store, "SELECT count(*) FROM incidents")[0][0]
    assert summary.audit_entries == rows(store, "SELECT count(*) FROM audit_entries")[0][0]
    assert summary.supervision_orders == rows(store, "SELECT count(*) FROM supervision_orders")[0][0]
    assert summary.attachments == rows(store, "SELECT count(*) FROM attachments")[0][0] > 0
    assert 8_500 <= summary.incidents <= 11_500  # ~1,000 a day
    assert "incidents/s" in summary.describe()
    open_now = rows(store, "SELECT count(*) FROM incidents WHERE status IN (?, ?, ?, ?, ?)",
                    *[s.value for s in OPEN_STATUSES])[0][0]
    assert summary.open_incidents == open_now


def test_the_history_is_sealed_in_the_audit_chain(town_store):
    store, summary = town_store
    with store.engine.connect() as connection:
        report = audit_chain.verify(connection)
    assert report.holds, report.problem
    assert report.entries == summary.audit_entries
    assert report.links == -(-summary.audit_entries // audit_chain.BULK_LINK_ENTRIES)


def test_demo_info_tells_a_demo_store(town_store, tmp_path):
    store, _summary = town_store
    info = demo_info(store)
    assert info["scale"] == "town" and info["seed"] == 3 and info["days"] == 10
    assert info["until"] == UNTIL and info["number_digits"] == 4
    empty = new_store(tmp_path / "empty.db")
    assert demo_info(empty) is None


def test_every_timeline_matches_its_incident(town_store):
    store, _summary = town_store
    incidents = {r[0]: r for r in rows(store, "SELECT id, status, version, resolved_at, closed_at, reminded_at, "
                                              "supervised_at, feedback, created_at, alarm_acknowledged_at "
                                              "FROM incidents")}
    steps = defaultdict(list)
    for incident_id, at, action, from_status, to_status, note in rows(
            store, "SELECT incident_id, at, action, from_status, to_status, note FROM audit_entries "
                   "ORDER BY incident_id, at, id"):
        steps[incident_id].append((at, action, from_status, to_status, note))
    assert set(steps) == set(incidents)
    for incident_id, (_, status, version, resolved_at, closed_at, reminded_at, supervised_at, feedback,
                      created_at, acknowledged_at) in incidents.items():
        timeline = steps[incident_id]
        assert timeline[0][1] == "report" and timeline[0][0] == created_at
        moves = [s for s in timeline if s[3] is not None]
        assert moves[-1][3] == status, (incident_id, timeline)
        for before, after in zip(moves, moves[1:]):
            assert after[2] == before[3], (incident_id, timeline)  # each step starts where the last ended
        by_action = {s[1]: s for s in timeline}
        assert (by_action["resolve"][0] if "resolve" in by_action else None) == resolved_at
        assert (by_action["close"][0] if "close" in by_action else None) == closed_at
        assert (by_action["remind"][0] if "remind" in by_action else None) == reminded_at
        assert (by_action["supervise"][0] if "supervise" in by_action else None) == supervised_at
        assert (by_action["acknowledge_alarm"][0] if "acknowledge_alarm" in by_action else None) == acknowledged_at
        if "resolve" in by_action:
            assert by_action["resolve"][4] == feedback != ""
        # SQLAlchemy's version counter: one bump per recorded change of the row
        assert version == 1 + sum(1 for s in timeline if s[1] not in ("report", "comment"))
        assert all(s[0] <= to_epoch(UNTIL) for s in timeline)


def test_old_incidents_are_closed_recent_ones_in_every_state(town_store):
    store, _summary = town_store
    week_ago = to_epoch(UNTIL) - WEEK
    old = Counter(dict(rows(store, "SELECT status, count(*) FROM incidents WHERE created_at < ? GROUP BY status",
                            week_ago)))
    finished = old["closed"] + old["rejected"]
    assert finished / sum(old.values()) >= 0.99
    assert old["rejected"] > 0 and old["closed"] / sum(old.values()) > 0.9
    recent = {status for (status,) in rows(store, "SELECT DISTINCT status FROM incidents WHERE created_at >= ?",
                                           to_epoch(UNTIL) - 86_400)}
    assert {"reported", "accepted", "dispatched", "in_progress", "resolved", "closed"} <= recent
    reasons = Counter(r for (r,) in rows(store, "SELECT reject_reason FROM incidents WHERE status = 'rejected'"))
    assert set(reasons) == {"invalid", "duplicate"}


def test_assignees_follow_the_difficulty_level(town_store):
    store, _summary = town_store
    taxonomy = default_taxonomy()
    worker_grid = dict(rows(store, "SELECT id, grid_id FROM workers"))
    worker_name = dict(rows(store, "SELECT id, name FROM workers"))
    departments = {r[0]: r for r in rows(store, "SELECT id, name_zh, kind FROM departments")}
    links = defaultdict(list)
    for incident_id, department_id in rows(store, "SELECT incident_id, department_id FROM incident_departments "
                                                  "ORDER BY rowid"):
        links[incident_id].append(department_id)
    levels = Counter()
    for incident_id, status, level, subitem, grid_id, worker_id, text in rows(
            store, "SELECT id, status, level, subitem, grid_id, assignee_worker_id, assignee_text FROM incidents"):
        if status in ("reported", "accepted", "rejected"):
            assert worker_id is None and not links[incident_id] and text == ""
            continue
        levels[level] += 1
        kind = taxonomy.item(subitem).handler_kind
        if worker_id is not None:
            assert level in (1, 2) and not links[incident_id]
            assert worker_grid[worker_id] == grid_id and text == worker_name[worker_id]
            continue
        chosen = [departments[d] for d in links[incident_id]]
        assert text == "、".join(d[1] for d in chosen)
        if level == 4:
            assert len(chosen) >= 2  # a joint meeting
        else:
            assert level in (2, 3) and len(chosen) == 1
        assert chosen[0][2] == (kind if kind != "village" else "civil_affairs")
    assert set(levels) == {1, 2, 3, 4}


def test_overdue_incidents_are_reminded_and_supervised(town_store):
    store, _summary = town_store
    supervised = rows(store, "SELECT id, supervised_at, deadline_at, reminded_at, assignee_text FROM incidents "
                             "WHERE supervised_at IS NOT NULL")
    assert supervised
    orders = {r[0]: r for r in rows(store, "SELECT incident_id, number, issued_at, deadline_missed_at, "
                                           "assignee_text FROM supervision_orders")}
    assert set(orders) == {r[0] for r in supervised}
    for incident_id, supervised_at, deadline_at, reminded_at, assignee in supervised:
        _, number, issued_at, missed_at, order_assignee = orders[incident_id]
        assert issued_at == supervised_at and missed_at == deadline_at
        assert reminded_at is not None and deadline_at <= reminded_at < supervised_at
        assert order_assignee == (assignee or "—")
        assert number.startswith(f"DB-{from_epoch(issued_at).year}-")
    open_overdue = rows(store, "SELECT count(*) FROM incidents WHERE status IN ('dispatched', 'in_progress') "
                               "AND deadline_at < ? AND reminded_at IS NOT NULL", to_epoch(UNTIL))[0][0]
    assert open_overdue > 0


def test_numbers_follow_the_dispatch_service_and_queue_ranks_are_set(town_store):
    store, _summary = town_store
    per_day = Counter()
    for number, created_at, one_key, status, rank in rows(
            store, "SELECT number, created_at, one_key, status, queue_rank FROM incidents ORDER BY id"):
        created = from_epoch(created_at)
        per_day[created.date()] += 1
        assert number == incident_number(created, per_day[created.date()])
        assert rank == queue_rank(bool(one_key), Status(status))
    assert rows(store, "SELECT count(*) FROM incidents WHERE one_key")[0][0] >= 3  # about one a day


def test_the_mix_is_realistic(town_store):
    store, _summary = town_store
    sources = Counter(dict(rows(store, "SELECT source, count(*) FROM incidents GROUP BY source")))
    total = sum(sources.values())
    assert sources["worker_app"] / total > 0.7
    assert {"camera", "citizen", "operator"} <= set(sources)
    items = Counter(dict(rows(store, "SELECT subitem, count(*) FROM incidents GROUP BY subitem")))
    assert items["ENV01"] > items["FIR01"] * 20 and items["DIS01"] > 100
    hours = Counter(dict(rows(store, "SELECT ((created_at + 28800) % 86400) / 3600, count(*) FROM incidents "
                                     "GROUP BY 1")))
    assert hours[10] > 5 * hours[3]  # busy mornings, quiet nights
    # re-graded on accepting: the level differs from the sub-item's default, noted in the timeline
    regraded = rows(store, "SELECT count(*) FROM audit_entries WHERE action = 'accept' AND note LIKE '重新定级%'")
    assert regraded[0][0] > 0


def test_schema_is_intact_after_the_load(town_store):
    store, _summary = town_store
    assert rows(store, "PRAGMA foreign_key_check") == []
    assert rows(store, "PRAGMA journal_mode")[0][0] == "wal"
    indexes = {i["name"] for table in ("incidents", "audit_entries") for i in inspect(store.engine).get_indexes(table)}
    expected = {i.name for t in (Incident.__table__, AuditEntry.__table__) for i in t.indexes}
    assert expected <= indexes
    triggers = {name for (name,) in rows(store, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_entries_no_update", "audit_entries_no_delete"} <= triggers


def test_every_worker_has_a_patrol_summary_for_each_past_day_and_the_scorecards_count_them(town_store):
    store, summary = town_store
    assert summary.patrol_days == 348 * 10
    days = rows(store, "SELECT day, count(*), count(DISTINCT starts_at) FROM patrol_days GROUP BY day ORDER BY day")
    last = UNTIL.astimezone().date() - timedelta(days=1)
    assert [d for d, _, _ in days] == [str(last - timedelta(days=k)) for k in range(9, -1, -1)]
    assert {(n, starts) for _, n, starts in days} == {(348, 1)}
    bad = rows(store, "SELECT count(*) FROM patrol_days WHERE NOT (outside_s <= patrol_s AND patrol_s <= covered_s "
                      "AND duty_covered_s <= (duty_to_h - duty_from_h) * 3600 AND duty_covered_s <= covered_s)")
    assert bad == [(0,)]
    off_duty = rows(store, "SELECT max(p.covered_s) FROM patrol_days p JOIN workers w ON w.id = p.worker_id "
                           "WHERE NOT w.on_duty")[0][0]
    assert off_duty in (None, 0.0)
    phone_off_share = rows(store, "SELECT avg(fixes = 0) FROM patrol_days p JOIN workers w ON w.id = p.worker_id "
                                  "WHERE w.on_duty")[0][0]
    assert 0.0 < phone_off_share < 0.08

    from console.core.assessment import Month
    from console.storage.scorecards import read_scorecards
    first = last - timedelta(days=9)
    cards = read_scorecards(store, Month(first.year, first.month), now=UNTIL, previous=False)
    on_duty = {w for (w,) in rows(store, "SELECT id FROM workers WHERE on_duty")}
    patrolled = [c.patrol for c in cards.workers if c.worker_id in on_duty]
    assert np.median([p.distance_m for p in patrolled]) > 3_000
    assert np.mean([p.days_patrolled > 0 for p in patrolled]) > 0.95


def test_photos_are_jpegs(town_store):
    store, _summary = town_store
    for filename, mime, data in rows(store, "SELECT filename, mime, data FROM attachments"):
        assert filename.endswith(".jpg") and mime == "image/jpeg"
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (240, 320, 3)


def test_the_dispatch_service_carries_on_from_the_history(town_store):
    store, _summary = town_store

    class Clock:
        def now(self):
            return UNTIL + timedelta(minutes=5)
    service = DispatchService(store, Clock())
    before = rows(store, "SELECT max(number) FROM incidents WHERE number LIKE ?", f"{UNTIL:%Y%m%d}-%")[0][0]
    new_id = service.report(IncidentDraft(subitem="ENV01", title="测试垃圾堆积", grid_id=1), "test")
    number = service.get(new_id).number
    assert number == f"{before[:-4]}{int(before[-4:]) + 1:04d}"
    sweep = service.check_deadlines("system", limit=100_000)
    reminded_before = {r[0] for r in rows(store, "SELECT id FROM incidents WHERE reminded_at < ?",
                                          to_epoch(UNTIL))}
    assert not (set(sweep.reminded) & reminded_before)  # the history's reminders are not repeated


def test_same_seed_same_rows_other_seed_other_rows(tmp_path):
    until = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    dumps = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        store = new_store(tmp_path / f"{name}.db")
        write_demo_data(store, days=1, seed=seed, until=until)
        dumps.append([rows(store, f"SELECT * FROM {table} ORDER BY 1") for table in
                      ("incidents", "audit_entries", "incident_departments", "supervision_orders", "workers",
                       "attachments", "patrol_days")])
        store.dispose()
    assert dumps[0] == dumps[1]
    assert dumps[0][0] != dumps[2][0]


def test_refuses_to_write_twice_unless_replacing(tmp_path):
    store = new_store(tmp_path / "twice.db")
    first = write_demo_data(store, days=1, seed=1, until=UNTIL)
    with pytest.raises(DemoDataError, match="already holds demo data"):
        write_demo_data(store, days=1, seed=1, until=UNTIL)
    assert isinstance(DemoDataError("x"), ValueError)  # the command line reports it in one line
    second = write_demo_data(store, days=1, seed=2, until=UNTIL, replace=True)
    assert rows(store, "SELECT count(*) FROM incidents")[0][0] == second.incidents != first.incidents
    assert rows(store, "SELECT count(*) FROM grids")[0][0] == 87
    assert demo_info(store)["seed"] == 2
    assert rows(store, "SELECT count(*) FROM operators")[0][0] == 4
    assert rows(store, "SELECT count(*) FROM patrol_days")[0][0] == second.patrol_days == 348
    assert rows(store, "PRAGMA foreign_key_check") == []
    with store.engine.connect() as connection:  # the old trail went with its data; the new one is sealed anew
        report = audit_chain.verify(connection)
    assert report.holds and report.entries == second.audit_entries, report.problem


def test_refuses_a_store_with_real_data_even_when_replacing(tmp_path):
    store = new_store(tmp_path / "real.db")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO towns (code, name_zh, name_en) VALUES ('1', '某镇', 'Some Town')")
    with pytest.raises(DemoDataError, match="not demo data"):
        write_demo_data(store, days=1, replace=True)
    assert rows(store, "SELECT count(*) FROM incidents")[0][0] == 0


def test_cancelling_leaves_the_store_as_it_was(tmp_path):
    store = new_store(tmp_path / "cancel.db")
    seen = []

    def on_progress(fraction, message):
        seen.append(fraction)
        if fraction > 0.4:
            state.request_interruption()
    state = TaskState(on_progress)
    with pytest.raises(Cancelled):
        write_demo_data(store, days=3, until=UNTIL, state=state)
    assert 0.4 < max(seen) < 1.0
    for table in ("incidents", "audit_entries", "towns", "grids", "workers", "meta"):
        assert rows(store, f"SELECT count(*) FROM {table}")[0][0] == 0, table
    indexes = {i["name"] for i in inspect(store.engine).get_indexes("incidents")}
    assert {i.name for i in Incident.__table__.indexes} <= indexes  # the dropped indexes came back
    assert demo_info(store) is None
    assert write_demo_data(store, days=1, until=UNTIL).incidents > 0  # and it can be written afterwards


def test_bad_arguments_are_refused(tmp_path):
    store = new_store(tmp_path / "bad.db")
    with pytest.raises(DemoDataError, match="scale"):
        write_demo_data(store, scale="village")
    with pytest.raises(DemoDataError, match="positive"):
        write_demo_data(store, days=0)
    with pytest.raises(DemoDataError, match="aware"):
        write_demo_data(store, days=1, until=datetime(2026, 1, 1))


def test_history_ends_at_the_current_hour_by_default():
    now = datetime(2026, 5, 4, 13, 47, 12, tzinfo=timezone.utc)
    assert default_until(now) == datetime(2026, 5, 4, 13, 0, tzinfo=timezone.utc)
    assert default_until().minute == 0


def _dump(store):
    return [rows(store, f"SELECT * FROM {table} ORDER BY 1") for table in
            ("incidents", "audit_entries", "incident_departments", "supervision_orders")]


def _record_scratch_files(monkeypatch) -> list[str]:
    from console.demo import incident_builder
    names = []
    real_mkstemp = incident_builder.tempfile.mkstemp

    def recording_mkstemp(**kwargs):
        handle, name = real_mkstemp(**kwargs)
        names.append(name)
        return handle, name
    monkeypatch.setattr(incident_builder.tempfile, "mkstemp", recording_mkstemp)
    return names


def _leftovers(names: list[str]) -> list[str]:
    """The scratch databases, their journals and the helper's plans still on disk."""
    return [path for name in names for path in (name, f"{name}-journal", name.removesuffix(".db") + ".plan")
            if os.path.exists(path)]


def _planner_statistics(store):
    return sorted(rows(store, "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'incidents'"))


def test_the_helper_process_writes_the_same_incidents(tmp_path, monkeypatch):
    """Large histories build the incident table in a second process; the result is the same."""
    from console.demo import incident_builder
    here = new_store(tmp_path / "here.db")
    write_demo_data(here, days=1, seed=8, until=UNTIL)
    scratch_files = _record_scratch_files(monkeypatch)
    monkeypatch.setattr(incident_builder, "HELPER_PROCESS_FROM", 0)
    helped = new_store(tmp_path / "helped.db")
    write_demo_data(helped, days=1, seed=8, until=UNTIL)
    assert _dump(here) == _dump(helped)
    assert scratch_files and not _leftovers(scratch_files)


def test_the_planner_statistics_describe_the_written_incidents(tmp_path, monkeypatch):
    """The statistics gathered where the table was built are those ANALYZE finds in the store."""
    from console.demo import incident_builder
    monkeypatch.setattr(incident_builder, "HELPER_PROCESS_FROM", 0)
    store = new_store(tmp_path / "stats.db")
    write_demo_data(store, days=2, seed=5, until=UNTIL)
    taken = _planner_statistics(store)
    assert {idx for idx, _stat in taken} >= {i.name for i in Incident.__table__.indexes}
    assert all(stat.split()[0] == str(rows(store, "SELECT count(*) FROM incidents")[0][0]) for _idx, stat in taken)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE incidents")
        conn.commit()
    assert _planner_statistics(store) == taken


def test_cancelling_stops_the_helper_process_and_leaves_nothing(tmp_path, monkeypatch):
    from console.demo import incident_builder
    scratch_files = _record_scratch_files(monkeypatch)
    monkeypatch.setattr(incident_builder, "HELPER_PROCESS_FROM", 0)
    store = new_store(tmp_path / "cancel-helper.db")

    def on_progress(fraction, _message):
        if fraction >= 0.85:  # waiting for the helper process
            state.request_interruption()
    state = TaskState(on_progress)
    with pytest.raises(Cancelled):
        write_demo_data(store, days=2, until=UNTIL, state=state)
    assert rows(store, "SELECT count(*) FROM incidents")[0][0] == 0
    assert demo_info(store) is None
    assert scratch_files and not _leftovers(scratch_files)


@pytest.mark.parametrize("dies", ["at once", "before the plan is sent"])
def test_a_failing_helper_process_leaves_the_store_untouched(tmp_path, monkeypatch, dies):
    from console.demo import incident_builder
    monkeypatch.setattr(incident_builder, "HELPER_PROCESS_FROM", 0)
    monkeypatch.setattr(incident_builder, "HELPER_MODULE", "gridwatch_no_such_helper")  # fails at once
    if dies == "before the plan is sent":  # the pipe is broken by the time the writer says "go"
        real_start = incident_builder.IncidentTableBuilder.start

        def start_late(self, history):
            self._process.wait()
            real_start(self, history)
        monkeypatch.setattr(incident_builder.IncidentTableBuilder, "start", start_late)
    store = new_store(tmp_path / "failing.db")
    with pytest.raises(DemoDataError, match="incident table"):
        write_demo_data(store, days=1, until=UNTIL)
    assert rows(store, "SELECT count(*) FROM towns")[0][0] == 0
    assert demo_info(store) is None
