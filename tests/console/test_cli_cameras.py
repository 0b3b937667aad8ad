"""``gridwatch cameras``, run as a user runs it: a separate process on a SQLite file (the first test), then in
this process for speed (the same ``main``, the same output)."""

from __future__ import annotations

import pytest

from tests.console.test_cli import gridwatch, gridwatch_here

PASSWORD = "s3cretPw"
CAM_URL = f"rtsp://admin:{PASSWORD}@10.0.0.5:554/Streaming/Channels/101"


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "cameras.db")


def _no_secret(result) -> None:
    assert PASSWORD not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_add_list_remove(db):
    added = gridwatch("cameras", "add", "镇政府广场-01", CAM_URL, "--group", "主干道", "--lon", "120.3",
                      "--lat", "30.1", "--onvif-url", f"http://admin:{PASSWORD}@10.0.0.5/onvif/device_service",
                      "--db", db)
    assert added.returncode == 0, added.stderr
    assert "镇政府广场-01" in added.stdout
    _no_secret(added)
    second = gridwatch("cameras", "--db", db, "add", "桥头", "rtsp://10.0.0.6/live")  # --db before the action
    assert second.returncode == 0, second.stderr

    listed = gridwatch("cameras", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    _no_secret(listed)
    assert listed.stdout.splitlines() == [
        "镇政府广场-01\trtsp://***@10.0.0.5:554/Streaming/Channels/101\t主干道\t120.3,30.1\t",
        "桥头\trtsp://10.0.0.6/live\t\t\t",
    ]

    removed = gridwatch("--db", db, "cameras", "remove", "镇政府广场-01")  # the top-level --db works too
    assert removed.returncode == 0, removed.stderr
    assert [line.split("\t")[0] for line in gridwatch("cameras", "list", "--db", db).stdout.splitlines()] == [
        "桥头"]


def test_list_shows_village_and_grid(db):
    from console.storage.db import open_store
    from console.storage.models import Grid, Town, Village
    store = open_store(db)
    with store.sessions.begin() as session:
        town = Town(code="YXQ", name_zh="杨汛桥镇", name_en="Yangxunqiao")
        session.add(town)
        session.flush()
        village = Village(code="V1", town_id=town.id, name_zh="江桥村", name_en="Jiangqiao", lon=120.3, lat=30.1)
        session.add(village)
        session.flush()
        session.add(Grid(code="G1", village_id=village.id, name="第1网格", lon=120.3, lat=30.1))
    store.dispose()
    assert gridwatch_here("cameras", "add", "A", "rtsp://10.0.0.1/a", "--lon", "120.301", "--lat", "30.1",
                     "--db", db).returncode == 0
    listed = gridwatch_here("cameras", "list", "--db", db)
    assert listed.stdout == "A\trtsp://10.0.0.1/a\t\t120.301,30.1\t江桥村/第1网格\n"


@pytest.mark.parametrize("args", [
    ("ftp://admin:" + PASSWORD + "@10.0.0.5/x",),
    (CAM_URL, "--lon", "120.3"),
    (CAM_URL, "--lon", "200", "--lat", "30"),
])
def test_a_refused_camera_is_one_line_and_exit_1(db, args):
    result = gridwatch_here("cameras", "add", "A", *args, "--db", db)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("gridwatch: ")
    _no_secret(result)
    assert gridwatch_here("cameras", "list", "--db", db).stdout == ""


def test_duplicate_and_unknown_names_are_one_line(db):
    assert gridwatch_here("cameras", "add", "A", CAM_URL, "--db", db).returncode == 0
    again = gridwatch_here("cameras", "add", "A", CAM_URL, "--db", db)
    assert again.returncode == 1 and again.stderr == "gridwatch: duplicate name 'A': a camera of that name exists\n"
    missing = gridwatch_here("cameras", "remove", "B", "--db", db)
    assert missing.returncode == 1 and missing.stderr == "gridwatch: no camera named 'B'\n"


def test_usage_errors_are_one_line_and_exit_2(db):
    for args in (("cameras",), ("cameras", "add", "A"), ("cameras", "add", "A", CAM_URL, "--lon", "east")):
        result = gridwatch_here(*args, "--db", db)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_import_reports_added_and_bad_lines(db, tmp_path):
    csv_file = tmp_path / "cameras.csv"
    csv_file.write_bytes(("\ufeffname,url,lon,lat,group\r\n"
                          f"东门,{CAM_URL},120.3,30.1,门口\r\n"
                          "西门,rtsp://10.0.0.7/live,,,\r\n"
                          f"坏,ftp://admin:{PASSWORD}@10.0.0.8/x,,,\r\n"
                          "东门,rtsp://10.0.0.9/live,,,\r\n").encode())
    result = gridwatch_here("cameras", "import", str(csv_file), "--db", db)
    assert result.returncode == 1
    assert result.stdout == "added 2 cameras\n"
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"gridwatch: {csv_file}: line 4: url: ")
    assert errors[1] == f"gridwatch: {csv_file}: line 5: duplicate name '东门': already on line 2"
    _no_secret(result)
    names = [line.split("\t")[0] for line in gridwatch_here("cameras", "list", "--db", db).stdout.splitlines()]
    assert names == ["东门", "西门"]

    good = tmp_path / "more.csv"
    good.write_text("name,url\n北门,rtsp://10.0.0.10/live\n", encoding="utf-8")
    again = gridwatch_here("cameras", "import", str(good), "--db", db)
    assert (again.returncode, again.stdout, again.stderr) == (0, "added 1 camera\n", "")


def test_import_of_a_file_that_is_not_a_camera_list(db, tmp_path):
    for path, content in ((tmp_path / "notes.txt", b"hello\nworld\n"), (tmp_path / "missing.csv", None)):
        if content is not None:
            path.write_bytes(content)
        result = gridwatch_here("cameras", "import", str(path), "--db", db)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_aimed_cameras_are_named_for_a_point_they_see_closest_first(db):
    def run(*args: str):
        return gridwatch_here("cameras", *args, "--db", db)
    # 120.3 E 30.1 N; 0.001° of longitude there is ~96 m east, 0.001° of latitude ~111 m north.
    for name, lon in (("东门", "120.3"), ("西门", "120.297")):
        assert run("add", name, "rtsp://10.0.0.6/live", "--lon", lon, "--lat", "30.1").returncode == 0
    aimed = run("set", "东门", "--direction", "90", "--fov", "60", "--range", "200")
    assert (aimed.returncode, aimed.stdout) == (0, "camera '东门' looks 90° from north over 60°, up to 200 m\n")
    assert run("set", "西门", "--direction", "90", "--fov", "20", "--range", "500").returncode == 0
    covering = run("covering", "--lon", "120.301", "--lat", "30.1")
    assert (covering.returncode, covering.stdout) == (0, "东门\n西门\n")
    behind = run("covering", "--lon", "120.296", "--lat", "30.1")
    assert (behind.returncode, behind.stdout) == (0, "") and "no camera sees that point" in behind.stderr

    turned = run("set", "东门", "--direction", "270")  # the rest is kept
    assert turned.stdout == "camera '东门' looks 270° from north over 60°, up to 200 m\n"
    assert run("covering", "--lon", "120.301", "--lat", "30.1").stdout == "西门\n"


@pytest.mark.parametrize("args, message", [
    (("set", "东门", "--direction", "90"), "is not aimed yet"),
    (("set", "东门", "--direction", "90", "--fov", "400", "--range", "100"), "angle of view"),
    (("set", "北门", "--direction", "90", "--fov", "60", "--range", "100"), "no camera named '北门'"),
    (("covering", "--lon", "500", "--lat", "30"), "--lon must be within"),
])
def test_impossible_aims_and_points_are_one_line(db, args, message):
    assert gridwatch_here("cameras", "add", "东门", "rtsp://10.0.0.6/live", "--lon", "120.3", "--lat", "30.1",
                          "--db", db).returncode == 0
    result = gridwatch_here("cameras", *args, "--db", db)
    assert result.returncode != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
