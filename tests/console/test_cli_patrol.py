"""``gridwatch patrol summarise`` as a user runs it (in this process, for speed): back-fills the daily patrol
summaries, replacing days summarised before; usage errors are one line."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from console.core.clock import to_epoch
from console.storage.db import open_store
from console.storage.models import PatrolDay
from console.storage.positions import PositionRow, PositionStore
from tests.console.test_cli import gridwatch_here
from tests.storage.conftest import seed_places


def test_summarise_back_fills_the_days_asked_for_and_replaces_them(tmp_path):
    db = str(tmp_path / "patrol.db")
    store = open_store(db)
    try:
        places = seed_places(store)
        positions = PositionStore(store)
        device = positions.add_device(places.workers[0], "phone-w0")
        t0 = to_epoch(datetime(2026, 10, 3, 9).astimezone())  # this machine's time zone, as the command's days
        positions.write_batch([PositionRow(device.id, places.workers[0], t0 + 60 * k, 120.3 + 0.0002 * k, 30.1,
                                           accuracy=5.0) for k in range(61)])
    finally:
        store.dispose()

    result = gridwatch_here("patrol", "summarise", "--from", "2026-10-02", "--to", "2026-10-04", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "summarised 3 days: 2026-10-02 to 2026-10-04\n"
    again = gridwatch_here("patrol", "--db", db, "summarise", "--from", "2026-10-03", "--to", "2026-10-03")
    assert again.returncode == 0 and again.stdout == "summarised 1 day: 2026-10-03 to 2026-10-03\n"

    store = open_store(db)
    try:
        with store.sessions() as session:
            assert session.scalar(select(func.count()).select_from(PatrolDay)) == 3 * 2  # two workers
            w0 = session.get(PatrolDay, (date(2026, 10, 3), places.workers[0]))
            assert w0.patrol_s == 3600 and w0.fixes == 61
    finally:
        store.dispose()


def test_usage_errors_are_one_line(tmp_path):
    db = str(tmp_path / "patrol.db")
    bad_day = gridwatch_here("patrol", "summarise", "--from", "3 October", "--db", db)
    assert bad_day.returncode == 2 and "not a day (YYYY-MM-DD)" in bad_day.stderr
    backwards = gridwatch_here("patrol", "summarise", "--from", "2026-10-05", "--to", "2026-10-01", "--db", db)
    assert backwards.returncode == 2
    assert backwards.stderr == "gridwatch: --from 2026-10-05 is after --to 2026-10-01\n"
    nowhere = gridwatch_here("patrol", "summarise", "--db", str(tmp_path / "nowhere" / "x.db"))
    assert nowhere.returncode != 0 and len(nowhere.stderr.strip().splitlines()) == 1
