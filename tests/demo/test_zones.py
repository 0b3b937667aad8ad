"""The demo's watched roofs: its high cameras come with watch zones, and on the first one a shed raises an
alert within minutes of the console's start while the other roofs stay quiet."""

from __future__ import annotations

import json

from console.demo.places import build_world
from console.demo.zones import watch_zone_rows
from video.change_watch import ChangeWatch, WatchedZone
from video.snapshot import SnapshotSource


def test_the_high_cameras_are_written_with_their_roofs_as_watch_zones(town_store):
    store, _summary = town_store
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT c.url, count(*), min(z.polygon) FROM watch_zones z "
                                    "JOIN cameras c ON c.id = z.camera_id GROUP BY c.url").all()
    assert {url.split("?")[0] for url, _count, _polygon in rows} == {
        "demo:rooftop-1", "demo:rooftop-2", "demo:rooftop-3", "demo:factory-1"}
    for _url, count, polygon in rows:
        points = json.loads(polygon)
        assert count >= 5 and len(points) == 4 and all(0 <= v <= 1 for point in points for v in point)


def test_a_shed_is_found_within_minutes_of_the_start_and_nothing_else():
    world = build_world("town", 1)
    cameras = {camera.name: index for index, camera in enumerate(world.cameras)}
    zones = [WatchedZone(number, cameras[name], tuple(map(tuple, json.loads(polygon))), persist=False)
             for number, (name, _zone, polygon) in enumerate(watch_zone_rows(world))]
    clock = [0.0]
    source = SnapshotSource(clock=lambda: clock[0], wall_clock=lambda: 1_800_000_000 + clock[0])
    source.set_urls({index: camera.url for index, camera in enumerate(world.cameras)})
    found = []
    watch = ChangeWatch(source.grab, found.append)
    watch.set_zones(zones)
    watched = sorted({zone.camera_id for zone in zones})
    while clock[0] <= 240 and not found:  # four minutes, a look at each camera every 5 s
        for camera in watched:
            watch.visit(camera)
        clock[0] += 5.0
    source.close()
    assert found, "no alert within four minutes"
    assert {f.camera_id for f in found} == {cameras["江桥村高位（楼顶）"]}  # the camera whose calendar runs fast
    assert 1_800_000_000 < found[0].found.detected_at <= 1_800_000_000 + 240
