"""Situation replay: the state a loaded period shows at a moment is the state the store held then.

The history is made through the real paths (the dispatch service's workflow steps and the
position store's batches) with a fake clock; at chosen moments the live map's own reader
takes a snapshot of the store, and the replay loaded afterwards must show the same.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from console.core.clock import to_epoch
from console.core.patrol import WorkerState
from console.core.workflow import RejectReason
from console.storage.map_data import WORKER_STATES
from console.storage.situation_replay import load_situation
from console.tasks import Cancelled, TaskState
from tests.storage.conftest import START
from tests.storage.replay_history import OFFLINE, PROJECTION, History, snapshot

@pytest.fixture
def history(store, clock, places) -> History:
    return History(store, clock, places)


def test_replay_shows_what_the_store_held_at_each_moment(history, store, clock):
    service, operator = history.service, "duty"
    old = history.report("open before the period", 120.301)  # open all along
    closed_early = history.report("closed before the period", 120.302)
    service.reject(closed_early, operator, RejectReason.INVALID)
    history.walk(5)
    start = clock.now()
    history.remember()
    history.walk(10)
    fire = history.report("fire", 120.305)
    history.remember()
    history.walk(5)
    service.accept(fire, operator)
    service.assign(fire, operator, worker_id=history.places.workers[0])
    history.remember()
    history.walk(10, walking=(True, False))  # the second worker's phone falls silent
    service.start(fire, operator)
    service.accept(old, operator)
    history.remember()
    history.walk(5, walking=(True, False))
    service.resolve(fire, operator, "put out")
    history.remember()
    history.walk(5)
    history.remember()
    end = clock.now()

    replay = load_situation(store, PROJECTION, start, end)
    for t, expected in history.moments.items():
        assert snapshot(replay.state_at(t)) == expected, f"at {t - to_epoch(start)} s into the period"


def test_statuses_come_and_go_and_silent_workers_go_offline(history, store, clock):
    service, operator = history.service, "duty"
    history.walk(2)
    start = clock.now()
    history.walk(3)
    fire = history.report("fire", 120.305)
    reported_at = to_epoch(clock.now())
    history.walk(3)
    service.accept(fire, operator)
    service.assign(fire, operator, worker_id=history.places.workers[0])
    dispatched_at = to_epoch(clock.now())
    history.walk(3)
    service.start(fire, operator)
    service.resolve(fire, operator, "done")
    service.close(fire, operator)
    closed_at = to_epoch(clock.now())
    history.walk(15, walking=(True, False))
    end = clock.now()

    replay = load_situation(store, PROJECTION, start, end)
    assert list(replay.state_at(reported_at - 1).incidents.ids) == []
    assert replay.state_at(reported_at).incidents.statuses == ["reported"]
    dispatched = replay.state_at(dispatched_at + 5)
    assert dispatched.incidents.statuses == ["dispatched"]
    assert dispatched.in_hand == {history.places.workers[0]: [fire]}
    worker_states = dict(zip(dispatched.workers.ids.tolist(), dispatched.workers.states.tolist()))
    assert worker_states[history.places.workers[0]] == WORKER_STATES.index(WorkerState.HANDLING)
    assert list(replay.state_at(closed_at).incidents.ids) == []  # closed mid-period: gone, as on the live map
    late = replay.state_at(end)
    silent = int(np.flatnonzero(late.workers.ids == history.places.workers[1])[0])
    assert late.workers.states[silent] == OFFLINE  # 15 minutes without a fix
    just_silent = replay.state_at(closed_at + 300)
    row = int(np.flatnonzero(just_silent.workers.ids == history.places.workers[1])[0])
    assert just_silent.workers.states[row] != OFFLINE  # 5 minutes: not yet
    # the silent worker stays where their last fix put them
    assert late.workers.x[silent] == just_silent.workers.x[row]


def test_moments_outside_the_period_are_clamped_and_positions_move(history, store, clock):
    history.walk(1)
    start = clock.now()
    history.walk(5)
    end = clock.now()
    replay = load_situation(store, PROJECTION, start, end)
    assert replay.state_at(to_epoch(start) - 3600).at == start
    assert replay.state_at(to_epoch(end) + 3600).at == end
    first = replay.state_at(start).workers
    last = replay.state_at(end).workers
    assert len(first.ids) == 2
    assert np.all(last.x > first.x + 20)  # they walked east
    assert replay.resolution_s == 0 and replay.fix_count == 2 * (1 + 30)


def test_a_period_with_too_many_fixes_keeps_one_a_step(history, store, clock):
    history.walk(1)
    start = clock.now()
    history.walk(10)
    end = clock.now()
    replay = load_situation(store, PROJECTION, start, end, max_fixes=100)
    assert replay.resolution_s == 15
    assert replay.fix_count <= 2 * (1 + 600 // 15 + 1)
    full = load_situation(store, PROJECTION, start, end)
    for t in range(to_epoch(start), to_epoch(end) + 1, 15):
        thinned, exact = replay.state_at(t).workers, full.state_at(t).workers
        assert np.all(np.abs(thinned.x - exact.x) <= 2 * 2e-5 * 96_400 + 0.1)  # at most a step (2 fixes) behind
        assert np.all(thinned.x <= exact.x)


def test_an_empty_store_replays_nothing_and_a_load_can_be_cancelled(store, places, clock):
    replay = load_situation(store, PROJECTION, START, START + timedelta(hours=2))
    state = replay.state_at(START + timedelta(hours=1))
    assert len(state.workers.ids) == 0 and len(state.incidents.ids) == 0
    cancelled = TaskState()
    cancelled.request_interruption()
    with pytest.raises(Cancelled):
        load_situation(store, PROJECTION, START, START + timedelta(hours=2), state=cancelled)
    with pytest.raises(ValueError):
        load_situation(store, PROJECTION, START, START)
