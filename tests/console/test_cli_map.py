"""``gridwatch serve``, ``devices``, ``track export`` and ``import-geojson``, run as a user runs them."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from xml.etree import ElementTree as ET

import pytest

from console.core.gpx import GPX_NAMESPACE
from tests.console.test_cli import ROOT, gridwatch, gridwatch_here

T0 = 1_795_939_200  # 2026-11-29T08:00:00Z


@pytest.fixture
def db(tmp_path) -> str:
    from console.storage.db import open_store
    from tests.storage.conftest import seed_places
    path = str(tmp_path / "map.db")
    store = open_store(path)
    seed_places(store)
    store.dispose()
    return path


def _one_line_failure(result, code=1):
    assert result.returncode == code, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_devices_add_and_list(db):
    added = gridwatch_here("devices", "add", "王小红", "356938035643809", "--db", db)
    assert added.returncode == 0, added.stderr
    assert "王小红" in added.stdout
    assert gridwatch_here("devices", "--db", db, "add", "W1", "li/phone").returncode == 0
    listed = gridwatch_here("--db", db, "devices", "list")
    assert listed.stdout.splitlines() == ["356938035643809\t王小红\t第0网格", "li/phone\t李建国\t第1网格"]


@pytest.mark.parametrize("args, message", [
    (("devices", "add", "nobody", "123"), "no worker with code or name 'nobody'"),
    (("track", "export", "--device", "nope", "--from", "2026-11-29T08:00Z", "--to", "2026-11-29T09:00Z",
      "--out", "x.gpx"), "no device 'nope'"),
    (("import-geojson", "missing.geojson"), "cannot read missing.geojson"),
])
def test_refusals_are_one_line(db, args, message):
    result = gridwatch_here(*args, "--db", db)
    _one_line_failure(result)
    assert message in result.stderr


@pytest.mark.parametrize("args", [
    ("track", "export", "--device", "x", "--from", "yesterday", "--to", "2026-11-29", "--out", "x.gpx"),
    ("serve", "--osmand-port", "70000"),
    ("devices", "add"),
])
def test_bad_arguments_are_one_line_usage_errors(db, args):
    _one_line_failure(gridwatch_here(*args, "--db", db), code=2)


def test_track_export_writes_valid_gpx_with_one_trkpt_per_position(db, tmp_path):
    from console.storage.db import open_store
    from console.storage.positions import PositionRow, PositionStore
    assert gridwatch_here("devices", "add", "W0", "phone-1", "--db", db).returncode == 0
    store = open_store(db)
    positions = PositionStore(store)
    device = positions.device("phone-1")
    positions.write_batch([PositionRow(device.id, device.worker_id, T0 + 5 * k, 120.3 + k * 1e-4, 30.1, altitude=9)
                           for k in range(12)])
    store.dispose()
    out = tmp_path / "track.gpx"
    result = gridwatch_here("track", "export", "--device", "phone-1", "--from", "2026-11-29T08:00:10+00:00",
                       "--to", str(T0 + 40), "--out", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "wrote 7 track points" in result.stdout
    root = ET.parse(out).getroot()
    ns = {"g": GPX_NAMESPACE}
    assert root.tag == f"{{{GPX_NAMESPACE}}}gpx" and root.get("version") == "1.1"
    points = root.findall("g:trk/g:trkseg/g:trkpt", ns)
    assert [p.find("g:time", ns).text for p in points][:2] == ["2026-11-29T08:00:10Z", "2026-11-29T08:00:15Z"]
    assert [float(p.get("lon")) for p in points] == pytest.approx([120.3 + k * 1e-4 for k in range(2, 9)])
    assert all(p.get("lat") == "30.100000" and p.find("g:ele", ns).text == "9" for p in points)


def test_import_geojson(db, tmp_path):
    square = [[120.30, 30.10], [120.31, 30.10], [120.31, 30.11], [120.30, 30.11], [120.30, 30.10]]
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"level": "grid", "code": "G0", "name": "第0网格"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}))
    result = gridwatch_here("import-geojson", str(path), "--db", db)
    assert (result.returncode, result.stdout.strip()) == (0, "imported 1 grid")
    square[2] = [120.5, 31.0]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"level": "grid", "code": "G0"},
         "geometry": {"type": "Polygon", "coordinates": [square[:-1]]}}]}))
    bad = gridwatch_here("import-geojson", str(path), "--db", db)
    _one_line_failure(bad)
    assert "feature 1 (grid G0): ring is not closed" in bad.stderr


@contextlib.contextmanager
def _serving(db: str, *args: str):
    """``gridwatch serve`` on OS-chosen ports; yields the process and its OsmAnd and HTTP ports (from
    the URLs it prints once both listen).  Killed on the way out if the test did not stop it."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", db, "--osmand-port", "0",
                                "--http-port", "0", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        osmand = re.fullmatch(r"OsmAnd \(Traccar Client\): http://127\.0\.0\.1:(\d+)/\n", lines[0])
        http = re.fullmatch(r"Open311 GeoReport v2: +http://127\.0\.0\.1:(\d+)/open311/v2/\n", lines[2])
        assert osmand and http, lines
        yield process, int(osmand[1]), int(http[1])
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_takes_positions_until_interrupted(db):
    assert gridwatch_here("devices", "add", "W0", "phone-1", "--db", db).returncode == 0
    with _serving(db) as (process, osmand, _http):
        with urllib.request.urlopen(f"http://127.0.0.1:{osmand}/?id=phone-1&lat=30.1&lon=120.3", timeout=10) as r:
            assert r.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped: 1 positions stored" in out
    assert "Traceback" not in err
    assert re.search(r'INFO gridwatch\.access 127\.0\.0\.1 "GET /\?id=phone-1&lat=30\.1&lon=120\.3" 200 0B [\d.]+ms', err)


def test_serve_answers_health_on_both_ports_and_quiet_drops_the_access_lines(db):
    with _serving(db, "--quiet") as (process, osmand, http_port):
        for port in (osmand, http_port):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
                health = json.load(r)
            assert r.status == 200 and (health["status"], health["database"], health["stored"]) == ("ok", "ok", 0)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "gridwatch.access" not in err, err


def test_sigterm_during_a_burst_loses_no_acknowledged_position(db):
    """Four phones post as fast as they are answered; SIGTERM comes right after an acknowledgement while
    the others' requests are in flight.  Every position answered 200 must be in the store."""
    from console.storage.db import open_store
    from console.storage.positions import PositionStore
    assert gridwatch_here("devices", "add", "W0", "phone-1", "--db", db).returncode == 0
    base = int(time.time()) - 3 * 3600
    acknowledged: list[int] = []
    enough = threading.Event()

    def phone(number: int, port: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            for k in range(2000):
                t = base + number * 2000 + k
                connection.request("GET", f"/?id=phone-1&lat=30.1&lon=120.3&timestamp={t}")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    acknowledged.append(t)
                    if len(acknowledged) >= 300:
                        enough.set()
                if response.getheader("Connection", "").lower() == "close":
                    return
        except (OSError, http.client.HTTPException):  # the server stopped: what was not answered is not ours
            pass
        finally:
            connection.close()

    with _serving(db, "--quiet") as (process, osmand, _http):
        phones = [threading.Thread(target=phone, args=(n, osmand)) for n in range(4)]
        for thread in phones:
            thread.start()
        assert enough.wait(60)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        for thread in phones:
            thread.join(30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    [stopped] = [line for line in out.splitlines() if line.startswith("stopped:")]
    store = open_store(db)
    try:
        positions = PositionStore(store)
        stored = {p.t for p in positions.device_track("phone-1", base, base + 8000)}
    finally:
        store.dispose()
    assert set(acknowledged) <= stored
    assert stopped == f"stopped: {len(stored)} positions stored"


def test_serve_refuses_an_unreachable_database():
    result = gridwatch("serve", "--db", "postgresql://nobody@127.0.0.1:1/x", "--osmand-port", "0",
                       "--http-port", "0")
    _one_line_failure(result)
    assert "cannot open database postgresql+psycopg://nobody@127.0.0.1:1/x" in result.stderr
    assert "Connection refused" in result.stderr


def test_serve_refuses_a_schema_newer_than_the_code(db):
    from console.storage.db import open_store
    store = open_store(db)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    store.dispose()
    result = gridwatch("serve", "--db", db, "--osmand-port", "0", "--http-port", "0")
    _one_line_failure(result)
    assert "Can't locate revision identified by '9999_from_the_future'" in result.stderr
    assert "schema is newer than this Gridwatch" in result.stderr


def test_serve_refuses_a_remote_bind_without_permission(db):
    result = gridwatch("serve", "--db", db, "--bind", "0.0.0.0", "--osmand-port", "0", "--http-port", "0")
    _one_line_failure(result)
    assert "--allow-remote" in result.stderr
