"""The live simulation: reports at the town's rate, handlers that start and resolve, nothing more."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from datetime import timedelta

import pytest

from console.core.clock import FakeClock
from console.core.workflow import Source
from console.demo import mix, write_demo_data
from console.demo.simulation import Simulation
from console.storage.dispatch import DispatchService
from tests.demo.support import UNTIL, new_store


class RecordingService(DispatchService):
    """A dispatch service that records reports and handler steps instead of writing them (for rate tests)."""

    def __init__(self, store, clock):
        super().__init__(store, clock)
        self.drafts = []
        self.steps = []

    def report(self, draft, actor):
        self.drafts.append((draft, actor))
        return -len(self.drafts)

    def start(self, incident_id, actor, **kwargs):
        self.steps.append(("start", incident_id, actor))

    def resolve(self, incident_id, actor, feedback, **kwargs):
        self.steps.append(("resolve", incident_id, actor))


@pytest.fixture
def demo_town(tmp_path):
    """A fresh one-day town for tests whose simulation writes."""
    store = new_store(tmp_path / "sim.db")
    write_demo_data(store, days=1, seed=2, until=UNTIL)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def quiet_town(tmp_path_factory):
    """A one-day town shared by the tests that only record what the simulation would file."""
    store = new_store(tmp_path_factory.mktemp("quiet") / "sim.db")
    write_demo_data(store, days=1, seed=2, until=UNTIL)
    yield store
    store.dispose()


def run(simulation, clock, ticks, step):
    results = []
    for _ in range(ticks):
        clock.advance(step)
        results.append(simulation.tick(clock.now()))
    return results


def test_reports_come_at_the_towns_daily_rhythm(quiet_town):
    clock = FakeClock(UNTIL)  # 10:00 local time
    service = RecordingService(quiet_town, clock)
    simulation = Simulation(quiet_town, service, clock, seed=1, speed=1.0)
    run(simulation, clock, 6 * 20, timedelta(minutes=3))  # 10:00-16:00 local
    share = sum(mix.HOURLY_RHYTHM[10:16]) / sum(mix.HOURLY_RHYTHM)
    expected = mix.DAILY_REPORTS["town"] * share
    assert len(service.drafts) == pytest.approx(expected, rel=0.15)
    night = FakeClock(UNTIL + timedelta(hours=14))  # 00:00-06:00 local time
    quiet = RecordingService(quiet_town, night)
    run(Simulation(quiet_town, quiet, night, seed=1, speed=1.0), night, 6 * 20, timedelta(minutes=3))
    assert len(quiet.drafts) < len(service.drafts) / 4
    sources = Counter(draft.source for draft, _actor in service.drafts)
    assert sources[Source.WORKER_APP] > 0.7 * len(service.drafts)
    for draft, actor in service.drafts[:50]:
        assert draft.grid_id and draft.village_id and draft.title and "网格" in draft.description
        assert actor and draft.reporter


def test_speed_multiplies_the_rate(quiet_town):
    clock = FakeClock(UNTIL)
    service = RecordingService(quiet_town, clock)
    run(Simulation(quiet_town, service, clock, seed=4, speed=24.0), clock, 60, timedelta(minutes=1))
    expected = 24 * mix.DAILY_REPORTS["town"] * mix.HOURLY_RHYTHM[10] / sum(mix.HOURLY_RHYTHM)
    assert len(service.drafts) == pytest.approx(expected, rel=0.1)


def test_one_key_reports_come_about_once_a_simulated_day(quiet_town):
    clock = FakeClock(UNTIL)
    service = RecordingService(quiet_town, clock)
    simulation = Simulation(quiet_town, service, clock, seed=4, speed=240.0, daily_reports=0)
    run(simulation, clock, 60, timedelta(minutes=1))  # one hour at 240x: ten simulated days
    expected = 240 * mix.HOURLY_RHYTHM[10] / sum(mix.HOURLY_RHYTHM)  # ~22, more by day than by night
    assert expected / 2 <= len(service.drafts) <= expected * 2
    assert {d.source for d, _a in service.drafts} == {Source.ONE_KEY}
    assert {d.subitem for d, _a in service.drafts} <= set(mix.ONE_KEY_SHARE)


def test_handlers_start_and_resolve_but_never_accept_assign_or_close(demo_town):
    clock = FakeClock(UNTIL)
    service = DispatchService(demo_town, clock)
    with demo_town.engine.connect() as conn:
        before = Counter(dict(conn.exec_driver_sql("SELECT action, count(*) FROM audit_entries GROUP BY action")
                              .all()))
    simulation = Simulation(demo_town, service, clock, seed=3, speed=30.0)
    results = run(simulation, clock, 120, timedelta(seconds=1))
    reported = [i for r in results for i in r.reported]
    started = [i for r in results for i in r.started]
    resolved = [i for r in results for i in r.resolved]
    assert reported and started and resolved
    with demo_town.engine.connect() as conn:
        after = Counter(dict(conn.exec_driver_sql("SELECT action, count(*) FROM audit_entries GROUP BY action")
                             .all()))
        for action in ("accept", "reject", "assign", "close", "reopen"):
            assert after[action] == before[action], action
        assert after["report"] - before["report"] == len(reported)
        assert after["start"] - before["start"] == len(started)
        assert after["resolve"] - before["resolve"] == len(resolved)
        for incident_id in resolved[:20]:
            status, assignee, feedback = conn.exec_driver_sql(
                "SELECT status, assignee_text, feedback FROM incidents WHERE id = ?", (incident_id,)).one()
            actor = conn.exec_driver_sql("SELECT actor FROM audit_entries WHERE incident_id = ? AND action = "
                                         "'resolve'", (incident_id,)).scalar_one()
            assert status == "resolved" and feedback
            assert actor == assignee.split("、")[0]  # the worker or the lead department


def test_same_seed_and_ticks_same_simulation(tmp_path):
    outcomes = []
    for name in ("a", "b"):
        store = new_store(tmp_path / f"{name}.db")
        write_demo_data(store, days=1, seed=2, until=UNTIL)
        clock = FakeClock(UNTIL)
        simulation = Simulation(store, DispatchService(store, clock), clock, seed=9, speed=30.0,
                                max_steps_per_tick=2)
        run(simulation, clock, 20, timedelta(seconds=1))
        with store.engine.connect() as conn:
            outcomes.append(conn.exec_driver_sql("SELECT id, number, title, status, reporter FROM incidents "
                                                 "ORDER BY id").all())
        store.dispose()
    assert outcomes[0] == outcomes[1]


def test_a_tick_costs_a_few_milliseconds(demo_town):
    clock = FakeClock(UNTIL)
    simulation = Simulation(demo_town, DispatchService(demo_town, clock), clock, seed=1, speed=20.0)
    simulation.tick(clock.now())  # the first tick reads the town once
    durations = []
    for _ in range(100):
        clock.advance(timedelta(seconds=1))
        started = time.perf_counter()
        simulation.tick(clock.now())
        durations.append(time.perf_counter() - started)
    assert statistics.median(durations) < 0.010


def test_speed_zero_does_nothing(quiet_town):
    clock = FakeClock(UNTIL)
    service = RecordingService(quiet_town, clock)
    simulation = Simulation(quiet_town, service, clock, speed=0.0)
    results = run(simulation, clock, 30, timedelta(minutes=1))
    assert not service.drafts and not any(r.changed for r in results)
    with pytest.raises(ValueError):
        Simulation(quiet_town, service, clock, speed=-1)


def test_the_history_backlog_is_worked_off_over_time_not_in_the_first_minute(quiet_town):
    """The incidents the history leaves open have waited long; their handlers take them up from now on."""
    with quiet_town.engine.connect() as conn:
        backlog = conn.exec_driver_sql("SELECT count(*) FROM incidents WHERE status IN ('dispatched', "
                                       "'in_progress')").scalar()
    clock = FakeClock(UNTIL + timedelta(minutes=40))  # the console starts a while after the history ends
    service = RecordingService(quiet_town, clock)
    simulation = Simulation(quiet_town, service, clock, seed=3, speed=20)
    for _ in range(60):  # the first minute, one tick a second
        simulation.tick(clock.now())
        clock.advance(timedelta(seconds=1))
    resolved = {incident for step, incident, _actor in service.steps if step == "resolve"}
    assert backlog > 100
    assert len(resolved) < 0.15 * backlog  # a few, not the whole backlog at once
