"""Fixtures of the widget tests: a 200,000-incident database built once, copied per module."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pytest

from console.core.clock import FakeClock, to_epoch
from console.core.levels import DeadlinePolicy
from console.core.taxonomy import default_taxonomy
from console.core.workflow import OPEN_STATUSES, Source, Status
from console.gui.taskman import TaskManager
from console.storage.db import Store, open_store
from console.storage.dispatch import DispatchService
from console.tasks import TaskRunner

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
N_INCIDENTS = 200_000
N_VILLAGES = 30
GRIDS_PER_VILLAGE = 3
WORKERS_PER_GRID = 4
ACTIVE_ONE_KEY = 6
SEARCH_WORD = "warehouse"

_DEPARTMENT_KINDS = ["police", "law_enforcement", "market_supervision", "land_resources", "fire", "justice",
                     "labour", "health", "environment", "sanitation", "traffic_police", "transport",
                     "utilities", "water", "civil_affairs", "construction", "emergency_management",
                     "party_office", "village"]
_STATUS_WEIGHTS = [(Status.CLOSED, 80), (Status.RESOLVED, 4), (Status.REJECTED, 3), (Status.REPORTED, 3),
                   (Status.ACCEPTED, 2), (Status.DISPATCHED, 3), (Status.IN_PROGRESS, 4), (Status.REOPENED, 1)]
_SOURCE_WEIGHTS = [(Source.WORKER_APP, 80), (Source.CAMERA, 8), (Source.CITIZEN, 7), (Source.OPERATOR, 4),
                   (Source.ONE_KEY, 1)]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


@dataclass
class BigDb:
    """The opened test store with its fake clock and a service on it."""

    store: Store
    clock: FakeClock
    service: DispatchService


def _places():
    rnd = np.random.default_rng(7)
    villages, grids, workers, departments = [], [], [], []
    for v in range(1, N_VILLAGES + 1):
        villages.append((v, f"V{v:03d}", 1, f"测试{v:02d}村", f"Test Village {v:02d}", "village",
                         120.3 + v / 100, 30.1 + v / 100))
        for g in range(GRIDS_PER_VILLAGE):
            gid = len(grids) + 1
            grids.append((gid, f"G{gid:04d}", v, f"第{g + 1}网格", 100, 120.3 + v / 100, 30.1 + g / 100))
            for _ in range(WORKERS_PER_GRID):
                wid = len(workers) + 1
                name = "".join(rnd.choice(list(_SURNAMES))) + "".join(rnd.choice(list(_GIVEN), 2))
                workers.append((wid, f"W{wid:05d}", name, f"1380000{wid:04d}", gid, wid % 7 != 0))
    for d, kind in enumerate(_DEPARTMENT_KINDS, start=1):
        departments.append((d, f"D{d:03d}", 1, f"{kind}部门", f"Department of {kind.replace('_', ' ')}",
                            kind, 10, "A"))
    return villages, grids, workers, departments


def _insert_places(conn, villages, grids, workers, departments) -> None:
    conn.exec_driver_sql("INSERT INTO towns VALUES (1, 'T001', '杨汛桥镇', 'Yangxunqiao')")
    conn.exec_driver_sql("INSERT INTO villages VALUES (?,?,?,?,?,?,?,?)", villages)
    conn.exec_driver_sql("INSERT INTO grids VALUES (?,?,?,?,?,?,?)", grids)
    conn.exec_driver_sql("INSERT INTO workers (id, code, name, phone, grid_id, on_duty) VALUES (?,?,?,?,?,?)", workers)
    conn.exec_driver_sql("INSERT INTO departments VALUES (?,?,?,?,?,?,?,?)", departments)


def _build(path: str) -> None:
    store = open_store(path)
    taxonomy, policy = default_taxonomy(), DeadlinePolicy()
    items = taxonomy.items
    now = to_epoch(NOW)
    villages, grids, workers, departments = _places()
    worker_names = [""] + [w[2] for w in workers]
    grid_village = np.array([0] + [g[2] for g in grids])

    # the incidents, column by column (numpy keeps the build to a few seconds)
    rng = np.random.default_rng(20261129)
    n = N_INCIDENTS
    created = np.sort(now - rng.integers(3600, 365 * 86400, n))
    item = rng.integers(0, len(items), n)
    grid_id = rng.integers(1, len(grids) + 1, n)
    status_names = [s.value for s, _ in _STATUS_WEIGHTS]
    status_p = np.array([w for _, w in _STATUS_WEIGHTS], float)
    status = rng.choice(len(status_names), n, p=status_p / status_p.sum())
    source_names = [s.value for s, _ in _SOURCE_WEIGHTS]
    source_p = np.array([w for _, w in _SOURCE_WEIGHTS], float)
    source = rng.choice(len(source_names), n, p=source_p / source_p.sum())
    one_key = source == source_names.index(Source.ONE_KEY.value)
    open_codes = [i for i, name in enumerate(status_names) if Status(name) in OPEN_STATUSES]
    status[one_key & np.isin(status, open_codes)] = status_names.index(Status.CLOSED.value)
    is_open = np.isin(status, open_codes)
    levels = np.array([it.default_level for it in items])[item]
    level_secs = np.array([0] + [int(policy.deadline_for(lv).total_seconds()) for lv in (1, 2, 3, 4)])
    deadline = created + np.where(one_key, np.minimum(level_secs[levels], 7200), level_secs[levels])
    unassigned = np.isin(status, [status_names.index(s.value)
                                  for s in (Status.REPORTED, Status.ACCEPTED, Status.REJECTED)])
    worker = np.where(unassigned, 0, rng.integers(1, len(workers) + 1, n))
    day = created // 86400
    _days, first_of_day = np.unique(day, return_index=True)
    seq = np.arange(n) - np.repeat(first_of_day, np.diff(np.append(first_of_day, n))) + 1
    day_names = {d: datetime.fromtimestamp(int(d) * 86400, timezone.utc).strftime("%Y%m%d") for d in _days}
    words = ["road", "yard", "lane", "market", "bridge"]
    closed = status == status_names.index(Status.CLOSED.value)
    finished = closed | (status == status_names.index(Status.RESOLVED.value))
    rows = []
    for i, (at, it, gid, st, src, ok, lv, dl, wk, dy, sq, op, fin, cl) in enumerate(zip(
            created.tolist(), item.tolist(), grid_id.tolist(), status.tolist(), source.tolist(),
            one_key.tolist(), levels.tolist(), deadline.tolist(), worker.tolist(), day.tolist(),
            seq.tolist(), is_open.tolist(), finished.tolist(), closed.tolist()), start=1):
        sub = items[it]
        word = SEARCH_WORD if i % 97 == 0 else words[i % 5]
        rows.append((i, f"{day_names[dy]}-{sq:04d}", f"{sub.name_en} near the {word}", "", sub.category,
                     sub.code, lv, source_names[src], None, None, int(grid_village[gid]), gid, "", at, dl,
                     status_names[st], ok, 1, at + 60 if ok else None, wk or None, worker_names[wk],
                     now if op and dl < now else None, now if op and dl + 86400 < now else None,
                     at + 3600 if fin else None, at + 7200 if cl else None, "", None, None, 1))
    # a handful of active one-key reports (already acknowledged), on the last day
    for k in range(ACTIVE_ONE_KEY):
        i = N_INCIDENTS - k * 1000
        row = list(rows[i - 1])
        row[7], row[15], row[16], row[17], row[18] = Source.ONE_KEY.value, Status.REPORTED.value, True, 0, now
        row[14] = row[13] + int(policy.one_key_deadline.total_seconds())
        row[19:25] = [None, "", None, None, None, None]
        rows[i - 1] = tuple(row)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside the transaction, where SQLite honours it
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.commit()
        # bulk load without the incident indexes, then build them once (several times faster)
        indexes = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'incidents' AND sql IS NOT NULL").all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        _insert_places(conn, villages, grids, workers, departments)
        conn.exec_driver_sql(
            "INSERT INTO incidents (id, number, title, description, category, subitem, level, source, lon, lat, "
            "village_id, grid_id, reporter, created_at, deadline_at, status, one_key, queue_rank, "
            "alarm_acknowledged_at, assignee_worker_id, assignee_text, reminded_at, supervised_at, resolved_at, "
            "closed_at, feedback, reject_reason, duplicate_of_id, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies take the main file only
    store.dispose()


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("bigdb") / "template.sqlite")
    _build(path)
    return path


@pytest.fixture(scope="module")
def big_db(_template_db, tmp_path_factory) -> BigDb:
    """A private copy (per test module) of the 200,000-incident database."""
    path = tmp_path_factory.mktemp("db") / "gridwatch.sqlite"
    shutil.copyfile(_template_db, path)
    store = open_store(str(path))
    clock = FakeClock(NOW)
    yield BigDb(store, clock, DispatchService(store, clock=clock))
    store.dispose()


@pytest.fixture
def tasks(qapp):
    manager = TaskManager(TaskRunner(io_workers=3))
    yield manager
    manager.shutdown()
    manager.deleteLater()


@pytest.fixture
def small_db(tmp_path) -> BigDb:
    """A fresh database with the same places and people but no incidents, and its own clock."""
    store = open_store(str(tmp_path / "small.sqlite"))
    with store.engine.begin() as conn:
        _insert_places(conn, *_places())
    clock = FakeClock(NOW)
    yield BigDb(store, clock, DispatchService(store, clock=clock))
    store.dispose()


@pytest.fixture
def video_rig(small_db, tasks, qtbot):
    """Cameras, catalogue and feed pool on a fresh database; every wall and capture stopped afterwards."""
    from tests.widgets.video_rig import VideoRig

    rig = VideoRig(small_db.store, tasks, qtbot)
    yield rig
    rig.close()
