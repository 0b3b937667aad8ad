"""The big screen: full screen on the chosen (second, very wide) monitor with its figures, text scaled to the
screen; it refreshes itself, and when that monitor is unplugged it comes back full screen on the primary one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert

from console.core.clock import SystemClock, to_epoch
from console.storage.db import open_store
from console.storage.models import Grid, Incident, Town, Village

ROOT = Path(__file__).resolve().parents[2]
DESK = {"name": "desk", "x": 0, "y": 0, "width": 1600, "height": 900, "logicalDpiX": 96, "logicalDpiY": 96}
WALL = {"name": "wall", "x": 1600, "y": 0, "width": 5760, "height": 1080, "logicalDpiX": 96, "logicalDpiY": 96}


def make_db(path: Path) -> None:
    """A village with two open incidents this week (red), one of them a one-key report long overdue."""
    store = open_store(str(path))
    now = to_epoch(SystemClock().now())
    with store.engine.begin() as conn:
        conn.execute(insert(Town.__table__).values(id=1, code="T", name_zh="杨汛桥镇", name_en="Yangxunqiao"))
        for v, (zh, lon) in enumerate((("江桥村", 120.30), ("麒麟村", 120.34)), start=1):
            conn.execute(insert(Village.__table__).values(id=v, code=f"V{v}", town_id=1, name_zh=zh,
                                                          name_en=f"Village {v}", kind="village", lon=lon, lat=30.1))
            conn.execute(insert(Grid.__table__).values(id=v, code=f"G{v}", village_id=v, name="第1网格",
                                                       households=100, lon=lon, lat=30.1))
        for n, (village, status, source, ago) in enumerate(((1, "reported", "one_key", 3 * 3600),
                                                           (1, "dispatched", "worker_app", 600),
                                                           (2, "closed", "worker_app", 86400)), start=1):
            created = now - ago
            conn.execute(insert(Incident.__table__).values(
                number=f"B-{n}", title=f"厂房火情 {n}", description="", category="FIR", subitem="FIR01", level=1,
                source=source, village_id=village, grid_id=village, reporter="", created_at=created,
                deadline_at=created + 3600, status=status, one_key=source == "one_key", queue_rank=1,
                assignee_text="", feedback="", version=1,
                resolved_at=created + 1800 if status == "closed" else None,
                closed_at=created + 1800 if status == "closed" else None))
    store.dispose()


def run_session(tmp_path: Path, screens: list[dict], screen: str) -> dict:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}))
    db = tmp_path / "big.sqlite"
    if not db.exists():
        make_db(db)
    report = tmp_path / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    png = os.environ.get("BIG_SCREEN_PNG", "")
    result = subprocess.run([sys.executable, "-m", "tests.console.big_screen_session", str(db), screen, str(report),
                             png], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, f"the session failed ({result.returncode}):\n{result.stderr[-3000:]}"
    data = json.loads(report.read_text())
    assert data["warnings"] == [], data["warnings"]
    return data


def test_the_big_screen_fills_the_wall_and_falls_back_to_the_primary_screen(tmp_path):
    data = run_session(tmp_path, [DESK, WALL], "wall")
    assert data["screens"] == ["desk", "wall"] and data["primary"] == "desk"
    opened = data["opened"]
    assert opened["screen"] == "wall" and opened["full_screen"] and opened["visible"]
    assert opened["geometry"] == [1600, 0, 5760, 1080]
    assert opened["figures"]["open"] == "2" and opened["figures"]["one_key"] == "1"
    assert opened["figures"]["red"] == "1" and opened["figures"]["closure"] == "33.3 %"  # 1 closed of 3
    assert opened["figure_px"] == 60  # readable across the room on a 1080-pixel-high wall
    assert "B-1" in opened["one_key"] and "B-1" in opened["overdue"]
    unplugged = data["unplugged"]
    assert unplugged["screen"] == "desk" and unplugged["full_screen"]
    assert unplugged["geometry"] == [0, 0, 1600, 900]
    assert unplugged["figure_px"] == 50  # scaled to the smaller screen


def test_the_big_screen_on_the_only_screen(tmp_path):
    data = run_session(tmp_path, [DESK], "desk")
    assert data["opened"]["screen"] == "desk" and data["opened"]["geometry"] == [0, 0, 1600, 900]
