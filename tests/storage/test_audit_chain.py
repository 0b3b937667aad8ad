"""The audit trail's hash chain: what the console records verifies, and tampering is caught and named."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, insert, select, text

from console.core.workflow import Source
from console.storage import audit_chain
from console.storage.dispatch import IncidentDraft
from console.storage.models import AuditEntry, AuditSeal

from .conftest import START


def _verify(store) -> audit_chain.ChainReport:
    with store.engine.connect() as connection:
        return audit_chain.verify(connection)


def _handle_one(service, places, title="楼顶违章搭建") -> int:
    incident_id = service.report(IncidentDraft(subitem="CON01", title=title, village_id=places.villages[0],
                                               source=Source.WORKER_APP), "王小红")
    service.accept(incident_id, "值班员")
    service.assign(incident_id, "值班员", department_ids=[places.departments[1]])
    service.comment(incident_id, "值班员", "已电话联系")
    return incident_id


def _tamper(store, sql: str, **params) -> None:
    """Change the database as someone with its password would: around the append-only triggers."""
    with store.engine.begin() as connection:
        if store.is_sqlite:
            for verb in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_entries_no_{verb}")
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_seals_no_{verb}")
        else:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.execute(text(sql), params)


def _entry_ids(store) -> list[int]:
    with store.sessions() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_what_the_console_records_is_chained_and_verifies(store, service, places):
    for n in range(3):
        _handle_one(service, places, title=f"楼顶违章搭建 {n}")
    ids = _entry_ids(store)
    report = _verify(store)
    assert report.holds, report.problem
    assert report.entries == len(ids) == 12 and ids == list(range(1, 13))  # no gaps: a gap is a removal
    assert report.links == 12  # one link per committed step
    assert f"{report.links}:{report.head_digest}" in report.describe()


def test_an_edited_entry_is_detected_and_named(store, service, places):
    incident_id = _handle_one(service, places)
    with store.sessions() as session:
        assign_id = session.scalar(select(AuditEntry.id).where(AuditEntry.incident_id == incident_id,
                                                               AuditEntry.action == "assign"))
    _tamper(store, "UPDATE audit_entries SET note = 'to nobody' WHERE id = :id", id=assign_id)
    report = _verify(store)
    assert not report.holds and report.entry_id == assign_id
    assert f"entry #{assign_id} (assign by 值班员, incident {incident_id}" in report.problem
    assert "altered" in report.problem


def test_a_removed_entry_is_detected_and_named(store, service, places):
    _handle_one(service, places)
    _tamper(store, "DELETE FROM audit_entries WHERE id = 2")
    report = _verify(store)
    assert not report.holds and report.entry_id == 2 and "entry #2 was removed" in report.problem


def test_removing_the_newest_entries_with_their_links_is_detected(store, service, places):
    _handle_one(service, places)
    _tamper(store, "DELETE FROM audit_entries WHERE id >= 3")
    _tamper(store, "DELETE FROM audit_seals WHERE first_entry_id >= 3")
    report = _verify(store)
    assert not report.holds and report.entry_id == 3 and "removed" in report.problem


def test_rewriting_a_link_to_match_an_edit_breaks_the_next_link(store, service, places):
    _handle_one(service, places)
    _tamper(store, "UPDATE audit_entries SET actor = 'someone else' WHERE id = 2")
    with store.engine.connect() as connection:
        forged = audit_chain.entry_tag(audit_chain.canonical_entries(audit_chain._Database(connection), 2, 2)[0][1])
    _tamper(store, "UPDATE audit_seals SET tags = :tags WHERE first_entry_id = 2", tags=forged)
    report = _verify(store)
    assert not report.holds and report.entry_id == 2 and "link 2 (entries #2..#2) was altered" in report.problem


def test_an_entry_written_around_the_chain_is_reported_and_the_console_goes_on(store, service, places):
    _handle_one(service, places)
    with store.engine.begin() as connection:  # not through a session: the chain never sees it
        connection.execute(insert(AuditEntry.__table__).values(
            incident_id=None, subject="operator:9", at=START, actor="intruder", action="role", note="admin"))
    second = _handle_one(service, places, title="第二起")  # no clash with the stray entry's id
    assert service.get(second).status == "dispatched"
    report = _verify(store)
    assert not report.holds and report.entry_id == 5
    assert "entry #5 (role by intruder, operator:9" in report.problem and "not sealed" in report.problem


def test_a_rolled_back_step_leaves_no_gap(store, service, places):
    with store.sessions() as session:
        session.add(AuditEntry(incident_id=None, subject="village:1", at=START, actor="值班员", action="comment",
                               note="never committed"))
        session.flush()
        session.rollback()
    _handle_one(service, places)
    report = _verify(store)
    assert report.holds, report.problem
    assert _entry_ids(store) == [1, 2, 3, 4]


def test_several_entries_of_one_transaction_keep_their_order_in_one_link(store, places):
    with store.sessions.begin() as session:
        for n in range(5):
            session.add(AuditEntry(incident_id=None, subject="village:1", at=START, actor="值班员",
                                   action="comment", note=f"step {n}"))
    with store.sessions() as session:
        notes = list(session.scalars(select(AuditEntry.note).order_by(AuditEntry.id)))
        assert session.scalar(select(func.count()).select_from(AuditSeal)) == 1
    assert notes == [f"step {n}" for n in range(5)]
    assert _verify(store).holds


def test_consoles_writing_at_once_build_one_chain(store, service, places):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for k in range(3):
                _handle_one(service, places, title=f"并发 {n}-{k}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    report = _verify(store)
    assert report.holds, report.problem
    assert report.entries == 4 * 3 * 4 and _entry_ids(store) == list(range(1, 49))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=st.none() | _TEXT, actor=_TEXT, note=_TEXT, incident=st.none() | st.integers(1, 2**40),
       at=st.integers(0, 2**40))
def test_sqlite_and_python_write_the_same_canonical_form(subject, actor, note, incident, at):
    """SQLite's json_array (the fast path) and Python's JSON (other databases) must agree byte for byte."""
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE audit_entries (id INTEGER PRIMARY KEY, incident_id, subject, at, actor, action, "
                   "from_status, to_status, note)")
        row = (7, incident, subject, at, actor, "comment", None, "closed", note)
        db.execute("INSERT INTO audit_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        [(entry_id, canonical)] = audit_chain.canonical_entries(audit_chain._Database(db), 1, 10)
    assert entry_id == 7 and canonical == audit_chain.canonical_form(row)


def test_a_bulk_load_is_sealed_in_links_and_verifies(sqlite_store):
    with sqlite_store.engine.begin() as connection:
        connection.execute(insert(AuditEntry.__table__), [
            {"incident_id": None, "subject": f"village:{n % 7}", "at": START, "actor": "system",
             "action": "comment", "note": f"第 {n} 条\n"} for n in range(1000)])
        assert audit_chain.seal_bulk(connection, link_entries=300) == 1000
    report = _verify(sqlite_store)
    assert report.holds and report.entries == 1000 and report.links == 4


@pytest.mark.parametrize("link_entries", [1, 4096])
def test_verify_reads_many_links_and_big_links_alike(sqlite_store, link_entries):
    with sqlite_store.engine.begin() as connection:
        connection.execute(insert(AuditEntry.__table__), [
            {"incident_id": None, "subject": "village:1", "at": START, "actor": "system", "action": "comment",
             "note": str(n)} for n in range(600)])
        audit_chain.seal_bulk(connection, link_entries=link_entries)
    _tamper(sqlite_store, "UPDATE audit_entries SET note = 'x' WHERE id = 599")
    report = _verify(sqlite_store)
    assert not report.holds and report.entry_id == 599


def test_upgrading_a_store_seals_the_trail_it_already_has(tmp_path):
    from alembic import command

    from console.storage.db import _alembic_config, create_store_engine, migrate, open_store
    path = tmp_path / "old.db"
    open_store(str(path)).dispose()
    engine = create_store_engine(str(path))
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0011")
        connection.execute(insert(AuditEntry.__table__), [
            {"incident_id": None, "subject": "village:1", "at": START, "actor": "值班员", "action": "comment",
             "note": f"recorded before the chain {n}"} for n in range(10)])
    migrate(engine)
    with engine.connect() as connection:
        report = audit_chain.verify(connection)
    engine.dispose()
    assert report.holds and report.entries == 10 and report.links == 1
