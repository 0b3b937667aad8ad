"""The built-in demo: deterministic town and city data, and a live simulation (Qt-free).

* :func:`write_demo_data` writes Yangxunqiao town (or all of Shaoxing) with its
  incident history into a store; :func:`demo_info` tells whether a store holds it.
* :class:`console.demo.simulation.Simulation` keeps a demo store alive: new
  reports at the town's rate and handlers working through their incidents.

The names below are imported on first use, so the helper process that builds
the incident table (:mod:`console.demo.incident_helper`) starts without numpy.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "DemoDataError": "console.demo.writer",
    "DemoSummary": "console.demo.writer",
    "default_until": "console.demo.writer",
    "demo_info": "console.demo.writer",
    "write_demo_data": "console.demo.writer",
    "Simulation": "console.demo.simulation",
    "SimulationTick": "console.demo.simulation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'console.demo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
