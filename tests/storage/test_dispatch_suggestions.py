"""The numbered dispatch suggestions: nearest live workers, then the place's own, then departments."""

from __future__ import annotations

from datetime import timedelta

from console.core.clock import to_epoch
from console.core.taxonomy import default_taxonomy
from console.storage.dispatch import IncidentDraft
from console.storage.dispatch_suggestions import Spot, suggest_assignees, suggest_for_incident
from console.storage.positions import PositionRow, PositionStore

from .conftest import DEPARTMENT_NAMES, WORKER_NAMES

TAXONOMY = default_taxonomy()


def _fix(store, clock, worker_id, lon, lat, age_s=0, device="phone"):
    positions = PositionStore(store, clock)
    device_id = positions.add_device(worker_id, f"{device}-{worker_id}").id
    t = to_epoch(clock.now()) - age_s
    positions.write_batch([PositionRow(device_id, worker_id, t, lon, lat)], received_at=t)


def test_without_positions_the_place_s_own_workers_come_first_then_usual_departments(store, places, clock):
    found = suggest_assignees(store, TAXONOMY, clock, Spot("CON01", grid_id=places.grids[1]))
    assert [(s.kind, s.name_zh, s.usual) for s in found] == [
        ("worker", WORKER_NAMES[1], True),                 # the grid's worker; the other village's is not offered
        ("department", DEPARTMENT_NAMES[1], True),         # law enforcement handles illegal structures
        ("department", DEPARTMENT_NAMES[0], False), ("department", DEPARTMENT_NAMES[2], False)]


def test_the_nearest_live_workers_come_first_with_their_distance(store, places, clock):
    _fix(store, clock, places.workers[0], 120.3005, 30.1)      # ~50 m from the spot
    _fix(store, clock, places.workers[1], 120.3100, 30.1)      # ~1 km away, in the other village
    found = suggest_assignees(store, TAXONOMY, clock, Spot("DIS01", 120.3, 30.1, places.grids[0]), limit=3)
    assert [(s.kind, s.id) for s in found] == [("worker", places.workers[0]), ("worker", places.workers[1]),
                                               ("department", places.departments[0])]
    assert 40 < found[0].distance_m < 60 and 900 < found[1].distance_m < 1100


def test_a_silent_phone_is_not_suggested_by_distance(store, places, clock):
    _fix(store, clock, places.workers[1], 120.3001, 30.1, age_s=int(timedelta(hours=2).total_seconds()))
    incident_id_spot = Spot("DIS01", 120.3, 30.1, places.grids[0])
    found = suggest_assignees(store, TAXONOMY, clock, incident_id_spot)
    assert [s.id for s in found if s.kind == "worker"] == [places.workers[0]]  # by grid, not by distance
    assert found[0].distance_m is None


def test_suggestions_for_a_stored_incident(service, store, places, clock):
    incident_id = service.report(IncidentDraft("FIR01", "厂房起火", grid_id=places.grids[0]), "王小红")
    found = suggest_for_incident(store, TAXONOMY, clock, incident_id)
    assert [s.id for s in found][:1] == [places.workers[0]] and len(found) == 4
