"""The demo cameras' scenes (Qt-free): a road, a village lane, rooftops from a high camera, a square.

``SCENES`` maps a scene name to its class; ``ALIASES`` maps the other names the demo
town's cameras use (``demo:crossroad-1``, ``demo:market-1`` …) to a scene and its settings.
"""

from __future__ import annotations

from .base import Scene
from .lane import LaneScene
from .road import RoadScene
from .rooftops import RooftopScene
from .square import SquareScene

SCENES: dict[str, type[Scene]] = {cls.name: cls for cls in (RoadScene, LaneScene, RooftopScene, SquareScene)}

ALIASES: dict[str, tuple[str, dict[str, float]]] = {
    "crossroad": ("road", {"crossing": 1}),
    "bridge": ("road", {"bridge": 1}),
    "village": ("lane", {}),
    "river": ("lane", {"water": 0.45, "boats": 3}),
    "school": ("lane", {"crowd": 2.0}),
    "rooftop": ("rooftops", {}),
    "factory": ("rooftops", {"industrial": 1}),
    "market": ("square", {"market": 1}),
}

__all__ = ["ALIASES", "SCENES", "Scene"]
