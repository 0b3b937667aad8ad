"""The demo town's watch zones: the roofs its high cameras look down on, outlined as an operator would.

Each rooftop scene (``demo:rooftop…``, ``demo:factory…``) gets one zone per roof of its middle
and front rows (:meth:`~video.demo_scenes.rooftops.RooftopScene.roof_zones`), so the change
detector watches them from the first start of the demo; on one camera a shed goes up within
the first minutes (see :data:`console.demo.places.YANGXUNQIAO_CAMERAS`).
"""

from __future__ import annotations

import json

from console.demo.places import DemoWorld
from video.demo import DemoReader

ROOFTOP_SCENES = ("demo:rooftop", "demo:factory")


def watch_zone_rows(world: DemoWorld) -> list[tuple[str, str, str]]:
    """(camera name, zone name, polygon as JSON) for every roof the demo's high cameras watch."""
    rows = []
    for camera in world.cameras:
        if not camera.url.startswith(ROOFTOP_SCENES):
            continue
        reader = DemoReader(camera.url)
        for number, polygon in enumerate(reader.scene.roof_zones(), 1):
            rows.append((camera.name, f"屋顶 {number}", json.dumps(polygon.round(4).tolist())))
        reader.release()
    return rows
