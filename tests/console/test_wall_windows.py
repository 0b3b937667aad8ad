"""Wall windows on several monitors come back where they were; on the primary screen if their monitor is gone.

Qt's offscreen platform reads its screens from a JSON file when the application
starts, so each start of the console here is a new process
(:mod:`tests.console.wall_session`) sharing one database and one settings file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.storage.cameras import CameraBook
from console.storage.db import open_store

ROOT = Path(__file__).resolve().parents[2]
DESK = {"name": "desk", "x": 0, "y": 0, "width": 1600, "height": 900, "logicalDpiX": 96, "logicalDpiY": 96}
WALL = {"name": "wall", "x": 1600, "y": 0, "width": 3840, "height": 1080, "logicalDpiX": 96, "logicalDpiY": 96}
CAMERAS = ["Gate", "Market", "Bridge"]
ON_THE_WALL = ["Bridge", "Gate", "Market"]  # tiles 0, 1, 2 of the "1+5" layout


@pytest.fixture
def console_files(tmp_path):
    """A database with three light demo cameras, and the screen configurations to start the console with."""
    db = tmp_path / "console.sqlite"
    store = open_store(str(db))
    book = CameraBook(store)
    ids = {name: book.add(name, f"demo:road-{n}?w=320&h=180&fps=5").id for n, name in enumerate(CAMERAS)}
    store.dispose()
    configs = {}
    for name, screens in (("two", [DESK, WALL]), ("one", [DESK])):
        configs[name] = tmp_path / f"screens-{name}.json"
        configs[name].write_text(json.dumps({"screens": screens}))
    return db, configs, ids


def start_console(mode: str, db: Path, screens: Path, tmp_path: Path) -> dict:
    """Run one console session in its own process; what it reported."""
    report = tmp_path / f"report-{mode}-{screens.stem}.json"
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}", WALL_CAMERAS=",".join(ON_THE_WALL))
    result = subprocess.run([sys.executable, "-m", "tests.console.wall_session", mode, str(db), str(report)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"the console failed ({result.returncode}):\n{result.stderr[-3000:]}"
    data = json.loads(report.read_text())
    assert data["warnings"] == [], data["warnings"]
    return data


def test_a_wall_window_comes_back_on_its_monitor_full_screen_or_on_the_primary_one(console_files, tmp_path):
    db, configs, ids = console_files
    on_the_wall = [ids[name] for name in ON_THE_WALL] + [None] * 3

    first = start_console("open", db, configs["two"], tmp_path)
    assert [s["name"] for s in first["screens"]] == ["desk", "wall"] and first["primary"] == "desk"
    [window] = first["windows"]
    assert window["screen"] == "wall" and window["full_screen"]
    assert window["geometry"] == [1600, 0, 3840, 1080]
    assert (window["layout"], window["cameras"]) == ("1+5", on_the_wall)

    again = start_console("restore", db, configs["two"], tmp_path)
    [window] = again["windows"]
    assert window["screen"] == "wall" and window["full_screen"] and window["visible"]
    assert window["geometry"] == [1600, 0, 3840, 1080]
    assert (window["layout"], window["cameras"]) == ("1+5", on_the_wall)
    assert window["tiles_with_pictures"] == 3

    alone = start_console("restore", db, configs["one"], tmp_path)  # the LED wall is unplugged
    assert [s["name"] for s in alone["screens"]] == ["desk"]
    [window] = alone["windows"]
    assert window["screen"] == "desk" and window["full_screen"]
    assert window["geometry"] == [0, 0, 1600, 900]
    assert (window["layout"], window["cameras"]) == ("1+5", on_the_wall)
