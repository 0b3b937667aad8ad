"""The change watch: visits each watched camera in turn, hands findings and learnt references out, applies
decisions, and stretches its interval to stay within its CPU budget however many cameras it watches."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from video import change_watch
from video.change_detector import ChangeFound, DetectorSettings
from video.change_watch import ChangeWatch, WatchedZone
from video.snapshot import Snapshot

ROOF = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5), (0.1, 0.5))


class ScriptedDetector:
    """Stands in for the detector: finds a change when the frame's mean is above 100, once, until accepted."""

    made: list["ScriptedDetector"] = []

    def __init__(self, polygon, settings=None, state=b""):
        self.polygon, self.accepted, self.raised, self.state = polygon, 0, False, state
        ScriptedDetector.made.append(self)

    @classmethod
    def from_bytes(cls, data, polygon, settings=None):
        if data == b"broken":
            raise ValueError("not a detector state")
        return cls(polygon, settings, data)

    def observe(self, frame, at):
        if frame.mean() > 100 and not self.raised:
            self.raised = True
            return ChangeFound(at - 60, at, frame, frame, (1, 2, 3, 4), 0.5)
        return None

    def accept_scene(self):
        self.accepted += 1
        self.raised = False

    def to_bytes(self):
        return b"state-%d" % self.accepted


@pytest.fixture(autouse=True)
def scripted(monkeypatch):
    ScriptedDetector.made = []
    monkeypatch.setattr(change_watch, "ZoneDetector", ScriptedDetector)


def frames(values: dict[int, int], at: float = 1_000.0, speed: float = 1.0):
    return lambda camera_id: (Snapshot(np.full((36, 64, 3), values[camera_id], np.uint8), at, at, speed)
                              if camera_id in values else None)


def test_a_change_is_handed_out_once_and_a_decision_resets_the_zone():
    found, saved = [], []
    picture = {7: 50}
    watch = ChangeWatch(frames(picture), found.append, lambda zone, data: saved.append((zone, data)))
    watch.set_zones([WatchedZone(1, 7, ROOF), WatchedZone(2, 7, ROOF, persist=False)])
    assert watch.visit(7) == [] and found == []
    picture[7] = 200  # something was built
    assert [f.zone_id for f in watch.visit(7)] == [1, 2]
    assert [(f.zone_id, f.camera_id, f.found.detected_at) for f in found] == [(1, 7, 1000.0), (2, 7, 1000.0)]
    assert watch.visit(7) == []  # not raised again while the operator decides
    watch.accept(1)  # the operator dismissed (or confirmed) zone 1's alert
    watch.visit(7)
    assert [d.accepted for d in ScriptedDetector.made] == [1, 0]
    assert saved == [(1, b"state-1")]  # the new reference is kept; zone 2 (a demo camera) never is


def test_a_fast_calendar_is_counted_in_the_pictures_time_and_reported_in_wall_time():
    found = []
    # A demo scene opened at wall time 1000 whose calendar runs 60 times faster: 6000 s into its calendar
    # is 100 s of wall time later.
    watch = ChangeWatch(lambda _camera: Snapshot(np.full((36, 64, 3), 200, np.uint8), 1_000.0 + 6_000.0, 1_100.0,
                                                 60.0), found.append)
    watch.set_zones([WatchedZone(1, 7, ROOF)])
    watch.visit(7)
    # The scripted detector says the change appeared 60 s (of the scene's calendar) before it raised it: 1 s of wall time.
    assert (found[0].found.appeared_at, found[0].found.detected_at) == (1_099.0, 1_100.0)


def test_zones_keep_their_detector_unless_redrawn_and_a_bad_saved_state_is_learnt_afresh():
    watch = ChangeWatch(frames({}), lambda _f: None)
    watch.set_zones([WatchedZone(1, 7, ROOF, b"learnt")])
    first = ScriptedDetector.made[-1]
    assert first.state == b"learnt"
    watch.set_zones([WatchedZone(1, 7, ROOF, b"learnt"), WatchedZone(2, 8, ROOF, b"broken")])
    assert ScriptedDetector.made[0] is first and ScriptedDetector.made[-1].state == b""
    watch.set_zones([WatchedZone(1, 7, ((0.2, 0.2), (0.6, 0.2), (0.4, 0.6)))])
    assert ScriptedDetector.made[-1] is not first and watch.budget().zones == 1


def test_a_zone_kept_across_a_reload_saves_its_state_once_its_camera_is_known_to_be_real():
    saved = []
    watch = ChangeWatch(frames({7: 50}), lambda _f: None, lambda zone, data: saved.append(zone))
    watch.set_zones([WatchedZone(1, 7, ROOF, persist=False)])  # its camera's URL not known yet
    watch.set_zones([WatchedZone(1, 7, ROOF, persist=True)])
    watch.accept(1)
    watch.visit(7)
    assert saved == [1] and len(ScriptedDetector.made) == 1  # the same detector, its state now kept


def test_cameras_without_a_picture_are_counted():
    watch = ChangeWatch(frames({7: 50}), lambda _f: None)
    watch.set_zones([WatchedZone(1, 7, ROOF), WatchedZone(2, 9, ROOF)])
    watch.visit(7)
    watch.visit(9)
    budget = watch.budget()
    assert (budget.cameras, budget.zones, budget.unreachable) == (2, 2, 1)


def test_the_interval_stretches_to_keep_within_the_cpu_budget():
    def costly(_camera_id):
        end = time.thread_time() + 0.02  # 20 ms of CPU per look
        while time.thread_time() < end:
            pass
        return Snapshot(np.zeros((36, 64, 3), np.uint8), 0.0, 0.0)

    watch = ChangeWatch(costly, lambda _f: None, settings=DetectorSettings(sample_interval_s=5.0), budget_share=0.01)
    watch.set_zones([WatchedZone(i, i, ROOF) for i in range(1, 6)])
    for camera in range(1, 6):
        watch.visit(camera)
    # 5 cameras × ≥ 20 ms within 1 % of a core: each camera can be looked at only every ≥ 10 s.
    assert watch.budget().interval_s >= 10.0
    few = ChangeWatch(costly, lambda _f: None, settings=DetectorSettings(sample_interval_s=5.0), budget_share=0.5)
    few.set_zones([WatchedZone(1, 1, ROOF)])
    few.visit(1)
    assert few.budget().interval_s == 5.0  # within budget: the configured rate


def test_the_thread_visits_every_camera_and_stops():
    seen, lock = set(), threading.Lock()
    done = threading.Event()

    def grab(camera_id):
        with lock:
            seen.add(camera_id)
            if seen == {1, 2, 3}:
                done.set()
        return None

    watch = ChangeWatch(grab, lambda _f: None)
    watch.set_zones([WatchedZone(i, i, ROOF) for i in (1, 2, 3)])
    watch.start()
    try:
        assert done.wait(10)
    finally:
        watch.stop()
    assert watch._thread is None
    with pytest.raises(ValueError):
        ChangeWatch(grab, lambda _f: None, budget_share=0)
