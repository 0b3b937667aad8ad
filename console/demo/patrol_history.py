"""The demo's patrol history: a daily patrol summary (``patrol_days``) for every worker and past day.

A store that has run for a while keeps its positions only for the retention period but a summary of every
worker's patrol for every day (:mod:`console.storage.patrol_days`), and that is what the scorecards read for
a past month.  The demo writes that state directly: a summary per worker and day, as the summariser would
have written it on this workstation (local midnights, the duty hours of the day's rules), with the figures
of a working day on foot — the phone on from about the start of duty to its end with a pause at noon now
and then, an hour or more of walking inside the grid, a few kilometres — scaled by how diligent each worker
is, and now and then a day when the phone stayed off.  Deterministic for a seed.

The town — the demo an operator opens — gets every day of its history.  The city gets none: at 26,059 workers
two months of summaries are 1.6 million rows, ~11 s (a tenth) of the city's write, which is a scale benchmark
first (``bench/scorecards.py`` writes the positions it measures with).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from console.core.assessment import AssessmentRules, load_rules
from console.storage.patrol_day import local_midnights
from console.storage.patrol_days import duty_hours_of

#: The rows of one day; the day's constants are in the statement (:func:`insert_statement`), so a row binds
#: only its worker's eight values (binding is most of the cost at city scale: 26,059 rows a day).
_INSERT = ("INSERT INTO patrol_days (day, worker_id, starts_at, grid_id, distance_m, patrol_s, outside_s, "
           "covered_s, overnight_s, duty_from_h, duty_to_h, duty_covered_s, overnight_duty_s, fixes, computed_at) "
           "VALUES ('{day}', ?, {starts_at}, ?, ?, ?, ?, ?, 0.0, {duty_from}, {duty_to}, ?, 0.0, ?, {computed_at})")


def summary_days(scale: str, days: int, until: datetime) -> list[date]:
    """The local days to summarise: at town scale those of the history that are over by ``until``; none at
    city scale."""
    if scale == "city":
        return []
    last = until.astimezone().date() - timedelta(days=1)
    return [last - timedelta(days=k) for k in range(days - 1, -1, -1)]


def patrol_day_rows(seed: int, grid_ids: np.ndarray, on_duty: np.ndarray, day: date,
                    rules: AssessmentRules | None = None) -> tuple[str, list[tuple]]:
    """The ``patrol_days`` rows of ``day`` for workers ``1..len(grid_ids)`` (their grids and duty): the INSERT
    statement (with the day's constants) and the rows for ``executemany``."""
    rules = rules or load_rules()
    n = len(grid_ids)
    duty_from, duty_to = duty_hours_of(rules, day)
    midnight, next_midnight = (int(t) for t in local_midnights(day, 2, None))
    diligence = np.random.default_rng([seed, 104_729]).uniform(0.55, 1.15, n)  # the same every day
    rng = np.random.default_rng([seed, 7_919, day.toordinal()])
    phone_on = on_duty & (rng.random(n) >= 0.015 + 0.05 * (1.15 - diligence))
    duty_start, duty_end = duty_from * 3600.0, duty_to * 3600.0
    start = np.clip(duty_start + rng.normal(-600.0, 900.0, n), 0.0, duty_start + 7200.0)
    end = np.clip(duty_end + rng.normal(600.0, 1200.0, n), duty_end - 7200.0, 86_399.0)
    noon_pause = np.where(rng.random(n) < 0.5, rng.uniform(0.0, 5400.0, n), 0.0)
    covered = np.maximum(end - start - noon_pause, 0.0)
    duty_covered = np.maximum(np.minimum(end, duty_end) - np.maximum(start, duty_start) - noon_pause, 0.0)
    patrol = covered * np.clip(diligence * rng.uniform(0.35, 0.65, n), 0.1, 0.9)
    distance = patrol * rng.uniform(0.7, 1.2, n)  # metres: walking, with stops
    outside = patrol * rng.beta(1.0, 25.0, n)
    fixes = np.where(phone_on, (covered / 10.0).astype(np.int64), 0)  # a fix every 10 s while the phone is on
    columns = [np.where(phone_on, c, 0.0).round(1).tolist() for c in (distance, patrol, outside, covered,
                                                                      duty_covered)]
    statement = _INSERT.format(day=day.isoformat(), starts_at=midnight, duty_from=duty_from, duty_to=duty_to,
                               computed_at=next_midnight + 3600)
    return statement, list(zip(range(1, n + 1), grid_ids.tolist(), *columns, fixes.tolist()))
