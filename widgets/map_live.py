"""A live map snapshot made ready to draw, off the GUI thread: workers grouped by state, villages by shade.

Grouping 26,059 workers by state and putting 1,937 villages in their shading
buckets took the GUI thread 10–25 ms once a second, and that second's slow frame
showed while the operator panned.  :func:`prepare_live` does that work with numpy
and no Qt, so :class:`console.gui.map_room.MapRoom` runs it on the I/O thread that
read the snapshot; :meth:`widgets.map_canvas.MapCanvas.set_live` then only hands
slices and a bucket array to its items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.core.redlight import RedLightPolicy
from console.storage.map_data import WORKER_STATES, LiveMap

#: The shading bucket of a village at or above the red-light threshold (0–9 are tenths of unresolved share).
RED_BUCKET = 10


@dataclass(frozen=True)
class PreparedLive:
    """A :class:`LiveMap` with what drawing it needs worked out (made on any thread; read-only after).

    ``state_rows[code]`` are the rows of ``live.workers`` in state ``code`` (in their order);
    ``village_buckets[i]`` is the shading bucket (0–10) of ``village_ids[i]``."""

    live: LiveMap
    state_rows: tuple[np.ndarray, ...]
    village_ids: np.ndarray
    village_buckets: np.ndarray


def prepare_live(live: LiveMap, village_ids: np.ndarray, red_threshold: float | None = None) -> PreparedLive:
    """Group the workers by state and shade the villages (numpy only: safe on any thread)."""
    threshold = RedLightPolicy().threshold if red_threshold is None else red_threshold
    states = np.asarray(live.workers.states)
    state_rows = tuple(np.flatnonzero(states == code) for code in range(len(WORKER_STATES)))
    village_ids = np.asarray(village_ids, dtype=np.int64)
    totals = np.zeros(len(village_ids))
    unresolved = np.zeros(len(village_ids))
    counts = live.village_counts
    for index, village_id in enumerate(village_ids.tolist()):
        found = counts.get(village_id)
        if found is not None:
            totals[index], unresolved[index] = found.total, found.unresolved
    share = np.divide(unresolved, totals, out=np.zeros_like(totals), where=totals > 0)
    buckets = np.minimum((share * 10).astype(np.int64), 9)
    buckets[(totals > 0) & (share >= threshold)] = RED_BUCKET
    return PreparedLive(live, state_rows, village_ids, buckets)
