"""The camera book: cameras added, changed, placed in grids, imported from CSV; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from console.storage.cameras import CameraBook, CameraError, CameraNotFound, CameraRecord
from console.storage.db import MIGRATIONS_DIR, open_store

PASSWORD = "s3cretPw"
CAM_URL = f"rtsp://admin:{PASSWORD}@10.0.0.5:554/Streaming/Channels/101"
SUB_URL = f"rtsp://admin:{PASSWORD}@10.0.0.5:554/Streaming/Channels/102"
ONVIF_URL = f"http://admin:{PASSWORD}@10.0.0.5/onvif/device_service"
# seed_places: grid 0 of 江桥村 at (120.30, 30.1), grid 1 of 麒麟村 at (120.31, 30.1), ~1 km apart.
NEAR_GRID_0 = (120.302, 30.1)
NEAR_GRID_1 = (120.309, 30.101)


@pytest.fixture
def book(store) -> CameraBook:
    return CameraBook(store)


def _assert_no_secret(message: str) -> None:
    assert PASSWORD not in message and "admin" not in message
    assert "\n" not in message


def test_add_list_update_remove_round_trip(book, places):
    added = book.add("镇政府广场-01", CAM_URL, sub_url=SUB_URL, onvif_url=ONVIF_URL, lon=NEAR_GRID_0[0],
                     lat=NEAR_GRID_0[1], group="主干道")
    second = book.add("  桥头  ", "rtsp://10.0.0.6/live")
    assert isinstance(added, CameraRecord)
    assert (added.name, added.url, added.sub_url, added.onvif_url, added.group) == (
        "镇政府广场-01", CAM_URL, SUB_URL, ONVIF_URL, "主干道")
    assert (second.name, second.group, second.lon, second.grid_id, second.village_name) == ("桥头", "", None,
                                                                                           None, None)
    assert book.list() == [added, second]  # in the order added
    assert book.get("镇政府广场-01") == added
    assert book.get(added.id) == added

    moved = book.update(added.id, name="镇政府广场-东", lon=NEAR_GRID_1[0], lat=NEAR_GRID_1[1], sub_url=None,
                        group="广场")
    assert (moved.id, moved.name, moved.sub_url, moved.group, moved.url) == (added.id, "镇政府广场-东", None,
                                                                            "广场", CAM_URL)
    assert (moved.grid_id, moved.village_id, moved.village_name) == (places.grids[1], places.villages[1], "麒麟村")
    assert book.get(added.id) == moved

    unplaced = book.update(added.id, lon=None, lat=None)
    assert (unplaced.lon, unplaced.lat, unplaced.grid_id, unplaced.grid_name) == (None, None, None, None)

    assert book.remove("镇政府广场-东").id == added.id
    assert [c.name for c in book.list()] == ["桥头"]
    with pytest.raises(CameraNotFound):
        book.get(added.id)
    with pytest.raises(CameraNotFound, match="no camera named '镇政府广场-东'"):
        book.remove("镇政府广场-东")


def test_position_places_the_camera_in_the_nearest_grid_within_3_km(book, places):
    near_0 = book.add("A", "rtsp://10.0.0.1/a", lon=NEAR_GRID_0[0], lat=NEAR_GRID_0[1])
    near_1 = book.add("B", "rtsp://10.0.0.1/b", lon=NEAR_GRID_1[0], lat=NEAR_GRID_1[1])
    inside = book.add("C", "rtsp://10.0.0.1/c", lon=120.30, lat=30.1 + 0.026)  # 2.9 km north of grid 0
    outside = book.add("D", "rtsp://10.0.0.1/d", lon=120.30, lat=30.1 + 0.028)  # 3.1 km
    far = book.add("E", "rtsp://10.0.0.1/e", lon=121.0, lat=31.0)
    assert (near_0.grid_id, near_0.grid_name, near_0.village_id, near_0.village_name) == (
        places.grids[0], "第0网格", places.villages[0], "江桥村")
    assert (near_1.grid_id, near_1.village_name) == (places.grids[1], "麒麟村")
    assert inside.grid_id == places.grids[0]
    assert outside.grid_id is None and outside.village_name is None
    assert far.grid_id is None and (far.lon, far.lat) == (121.0, 31.0)


def test_position_without_any_grid_leaves_the_camera_unplaced(book):
    camera = book.add("A", "rtsp://10.0.0.1/a", lon=120.3, lat=30.1)
    assert (camera.lon, camera.lat, camera.grid_id, camera.village_id) == (120.3, 30.1, None, None)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(name="", url="rtsp://10.0.0.1/a"), "needs a name"),
    (dict(name="   ", url="rtsp://10.0.0.1/a"), "needs a name"),
    (dict(name="x" * 65, url="rtsp://10.0.0.1/a"), "longer than 64"),
    (dict(name="a\tb", url="rtsp://10.0.0.1/a"), "control character"),
    (dict(name="A", url=""), "needs a url"),
    (dict(name="A", url="rtsp://10.0.0.1/a", lon=181.0, lat=30.0), "lon 181.0 is outside [-180, 180]"),
    (dict(name="A", url="rtsp://10.0.0.1/a", lon=120.0, lat=-90.5), "lat -90.5 is outside [-90, 90]"),
    (dict(name="A", url="rtsp://10.0.0.1/a", lon=float("nan"), lat=30.0), "outside"),
    (dict(name="A", url="rtsp://10.0.0.1/a", lon=120.0), "lon and lat go together"),
    (dict(name="A", url="rtsp://10.0.0.1/a", lat=30.0), "lon and lat go together"),
    (dict(name="A", url="rtsp://10.0.0.1/a", group="g" * 65), "longer than 64"),
    (dict(name="A", url="rtsp://10.0.0.1/" + "a" * 600), "longer than 512"),
])
def test_invalid_cameras_are_refused_with_one_line(book, kwargs, message):
    kwargs = dict(kwargs)  # the parameter is shared by both backends' runs
    name, url = kwargs.pop("name"), kwargs.pop("url")
    with pytest.raises(CameraError) as caught:
        book.add(name, url, **kwargs)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert book.list() == []


def test_duplicate_name_is_refused(book):
    first = book.add("桥头", "rtsp://10.0.0.1/a")
    with pytest.raises(CameraError, match="duplicate name '桥头'"):
        book.add("桥头", "rtsp://10.0.0.2/b")
    other = book.add("桥尾", "rtsp://10.0.0.3/c")
    with pytest.raises(CameraError, match="duplicate name '桥头'"):
        book.update(other.id, name="桥头")
    assert book.list() == [first, other]
    assert book.update(first.id, name="桥头").name == "桥头"  # keeping its own name is no duplicate


def test_update_refuses_unknown_fields_and_missing_cameras(book):
    camera = book.add("A", "rtsp://10.0.0.1/a", lon=120.0, lat=30.0)
    with pytest.raises(CameraError, match="no field 'colour'"):
        book.update(camera.id, colour="red")
    with pytest.raises(CameraError, match="lon and lat go together"):
        book.update(camera.id, lat=None)
    with pytest.raises(CameraNotFound, match="no camera with id 999"):
        book.update(999, name="B")
    assert book.list() == [camera]


@pytest.mark.parametrize("field", ["url", "sub_url", "onvif_url"])
def test_a_bad_url_is_refused_without_showing_its_credentials(book, field):
    bad = {"url": f"ftp://admin:{PASSWORD}@10.0.0.5/x", "sub_url": f"gopher://admin:{PASSWORD}@10.0.0.5/x",
           "onvif_url": f"rtsp://admin:{PASSWORD}@10.0.0.5/onvif"}[field]
    kwargs = {"sub_url": None, "onvif_url": None, field: bad}
    url = kwargs.pop("url", CAM_URL)
    with pytest.raises(CameraError) as caught:
        book.add("A", url, **kwargs)
    message = str(caught.value)
    assert message.startswith(field + ": ")
    assert "10.0.0.5" in message  # the operator can still tell which URL it was
    _assert_no_secret(message)


def test_records_mask_the_credentials(book):
    camera = book.add("A", CAM_URL)
    assert camera.url == CAM_URL  # stored as given: the capture needs the password
    assert PASSWORD not in camera.masked_url and "admin" not in camera.masked_url
    assert camera.masked_url.startswith("rtsp://***@10.0.0.5")
    assert PASSWORD not in repr(camera.masked_url)


def test_duplicate_and_not_found_messages_never_hold_credentials(book):
    book.add("A", CAM_URL)
    for attempt in (lambda: book.add("A", CAM_URL), lambda: book.get("B"), lambda: book.remove("B")):
        with pytest.raises(CameraError) as caught:
            attempt()
        _assert_no_secret(str(caught.value))


GOOD_AND_BAD_CSV = (
    "name,url,sub_url,lon,lat,group,onvif_url\r\n"
    f"镇政府广场-01,{CAM_URL},{SUB_URL},120.302,30.1,主干道,{ONVIF_URL}\r\n"
    f"\"桥头, 东\",rtsp://10.0.0.6/live,,,,\"村口 \"\"一号\"\"\",\r\n"
    "\r\n"
    "镇政府广场-01,rtsp://10.0.0.7/live,,,,,\r\n"
    f"坏地址,ftp://admin:{PASSWORD}@10.0.0.8/x,,,,,\r\n"
    "坏坐标,rtsp://10.0.0.9/live,,abc,30.1,,\r\n"
    "半坐标,rtsp://10.0.0.9/live,,120.3,,,\r\n"
    "多字段,rtsp://10.0.0.9/live,,,,,,extra\r\n"
    ",rtsp://10.0.0.9/live,,,,,\r\n"
    "最后,rtsp://10.0.0.10/live,,120.309,30.101,,\r\n"
)


def test_import_adds_the_good_lines_and_names_the_bad_ones(book, places):
    book.add("已有", "rtsp://10.0.0.1/a")
    result = book.import_csv(GOOD_AND_BAD_CSV + "已有,rtsp://10.0.0.11/live,,,,,\r\n")
    assert result.added == ["镇政府广场-01", "桥头, 东", "最后"]
    assert [error.split(":")[0] for error in result.errors] == [
        "line 5", "line 6", "line 7", "line 8", "line 9", "line 10", "line 12"]
    assert result.errors[0] == "line 5: duplicate name '镇政府广场-01': already on line 2"
    assert result.errors[1].startswith("line 6: url: ") and "ftp://***@10.0.0.8/x" in result.errors[1]
    assert "lon 'abc' is not a number" in result.errors[2]
    assert "lon and lat go together" in result.errors[3]
    assert "8 fields" in result.errors[4]
    assert "needs a name" in result.errors[5]
    assert result.errors[6] == "line 12: duplicate name '已有': a camera of that name exists"
    for error in result.errors:
        _assert_no_secret(error)
    cameras = {c.name: c for c in book.list()}
    assert list(cameras) == ["已有", "镇政府广场-01", "桥头, 东", "最后"]
    first = cameras["镇政府广场-01"]
    assert (first.url, first.sub_url, first.onvif_url, first.group) == (CAM_URL, SUB_URL, ONVIF_URL, "主干道")
    assert (first.grid_id, first.village_name) == (places.grids[0], "江桥村")
    assert cameras["桥头, 东"].group == '村口 "一号"' and cameras["桥头, 东"].sub_url is None
    assert cameras["最后"].village_name == "麒麟村"


def test_import_reads_a_file_with_a_bom_and_columns_in_any_order(book, tmp_path):
    path = tmp_path / "cameras.csv"
    path.write_bytes("\ufeffURL,Name,Group\r\nrtsp://10.0.0.1/a,东门,门口\r\n".encode())
    result = book.import_csv(path)
    assert (result.added, result.errors) == (["东门"], [])
    assert (book.get("东门").url, book.get("东门").group) == ("rtsp://10.0.0.1/a", "门口")


def test_import_reads_bytes_and_semicolon_files(book):
    result = book.import_csv("\ufeffname;url\n东门;rtsp://10.0.0.1/a\n".encode())
    assert result.added == ["东门"]


def test_import_of_an_invalid_line_only_adds_nothing(book):
    result = book.import_csv("name,url\nA,ftp://10.0.0.1/a\n")
    assert result.added == [] and len(result.errors) == 1
    assert book.list() == []


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not UTF-8"),
    ("just some notes\nabout cameras\n".encode(), "header"),
    ("name,address\nA,rtsp://10.0.0.1/a\n".encode(), "header"),
    ("name,url,colour\nA,rtsp://10.0.0.1/a,red\n".encode(), "unknown column 'colour'"),
    ("name,url,name\nA,rtsp://10.0.0.1/a,B\n".encode(), "twice"),
    (b"", "header"),
])
def test_a_file_that_is_not_a_camera_list_is_refused(book, content, message):
    with pytest.raises(CameraError, match=message) as caught:
        book.import_csv(content)
    assert "\n" not in str(caught.value)


def test_import_of_a_missing_file_is_one_line(book, tmp_path):
    with pytest.raises(CameraError, match="cannot read .*nope.csv: No such file"):
        book.import_csv(tmp_path / "nope.csv")


def test_export_reads_back(book, store, places):
    book.add("镇政府广场-01", CAM_URL, sub_url=SUB_URL, onvif_url=ONVIF_URL, lon=120.302, lat=30.1,
             group="主干道")
    book.add("桥头, 东", "rtsp://10.0.0.6/live", group='村口 "一号"')
    exported = book.export_csv()
    assert exported.startswith("name,url,sub_url,lon,lat,group,onvif_url\r\n")
    before = [(c.name, c.url, c.sub_url, c.onvif_url, c.lon, c.lat, c.group, c.grid_id) for c in book.list()]
    for camera in book.list():
        book.remove(camera.id)
    assert book.import_csv(exported).errors == []
    after = [(c.name, c.url, c.sub_url, c.onvif_url, c.lon, c.lat, c.group, c.grid_id) for c in book.list()]
    assert after == before


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def test_upgrading_a_0001_database_keeps_its_cameras(empty_store_url):
    store = open_store(empty_store_url, migrate_schema=False)
    try:
        with store.engine.begin() as connection:
            command.upgrade(_config(connection), "0001")
            connection.execute(text("INSERT INTO cameras (name, url, sub_url, lon, lat, grid_id, group_name) "
                                    "VALUES ('旧-01', 'rtsp://10.0.0.1/a', NULL, 120.3, 30.1, NULL, '主干道'), "
                                    "('旧-02', 'rtsp://10.0.0.2/b', 'rtsp://10.0.0.2/c', NULL, NULL, NULL, '')"))
        assert "onvif_url" not in {c["name"] for c in inspect(store.engine).get_columns("cameras")}
    finally:
        store.dispose()
    store = open_store(empty_store_url)  # migrates to head
    try:
        assert "ix_cameras_group_name" in {i["name"] for i in inspect(store.engine).get_indexes("cameras")}
        book = CameraBook(store)
        old = book.list()
        assert [(c.name, c.url, c.sub_url, c.onvif_url, c.lon, c.group) for c in old] == [
            ("旧-01", "rtsp://10.0.0.1/a", None, None, 120.3, "主干道"),
            ("旧-02", "rtsp://10.0.0.2/b", "rtsp://10.0.0.2/c", None, None, "")]
        new = book.add("新-03", "rtsp://10.0.0.3/a", onvif_url=ONVIF_URL)
        assert new.id > old[-1].id and book.get("新-03").onvif_url == ONVIF_URL
    finally:
        store.dispose()


def test_downgrading_to_0001_drops_only_the_new_column(empty_store_url):
    store = open_store(empty_store_url)
    try:
        CameraBook(store).add("A", "rtsp://10.0.0.1/a", onvif_url=ONVIF_URL, group="g")
        with store.engine.begin() as connection:
            command.downgrade(_config(connection), "0001")
        assert "onvif_url" not in {c["name"] for c in inspect(store.engine).get_columns("cameras")}
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT name, group_name FROM cameras")).all() == [("A", "g")]
    finally:
        store.dispose()
