"""Tile sources on real files and a real HTTP server on loopback: XYZ folders, MBTiles, URL templates."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from console.maps.cache import TileCache, namespace_for
from console.maps.sources import (CachedSource, MBTiles, TileSource, TileSourceError, UrlTemplate, XyzDirectory,
                                  open_source)
from console.maps.tiles import tms_row
from tests.maps.tile_fixtures import TileServer, dead_port, make_mbtiles, make_xyz_dir, solid_jpeg, solid_png

RED, GREEN, BLUE = solid_png((220, 30, 30)), solid_png((30, 200, 30)), solid_png((30, 30, 220))
TEMPLATE = "/tiles/{z}/{x}/{y}.png"


@pytest.fixture
def tile_server():
    server = TileServer()
    yield server
    server.close()


# -- XYZ folders ---------------------------------------------------------------------------------------

def test_xyz_folder_serves_its_tiles_and_knows_its_zoom_levels(tmp_path):
    root = make_xyz_dir(tmp_path / "tiles", {(15, 27359, 13519): RED, (16, 54718, 27038): GREEN})
    (root / "notes").mkdir()  # not a zoom level
    source = open_source(str(root))
    assert isinstance(source, XyzDirectory) and isinstance(source, TileSource)
    assert (source.min_zoom, source.max_zoom) == (15, 16)
    assert source.fetch(16, 54718, 27038) == GREEN
    assert source.fetch(15, 27359, 13519) == RED
    assert source.fetch(16, 54718, 27039) is None   # no such row
    assert source.fetch(17, 1, 1) is None           # no such zoom


def test_xyz_folder_of_jpeg_tiles(tmp_path):
    jpeg = solid_jpeg((10, 120, 240))
    root = make_xyz_dir(tmp_path / "jpg", {(12, 3421, 1689): jpeg}, extension=".jpg")
    assert XyzDirectory(root).fetch(12, 3421, 1689) == jpeg


def test_a_folder_without_zoom_levels_is_refused(tmp_path):
    (tmp_path / "empty" / "misc").mkdir(parents=True)
    with pytest.raises(TileSourceError, match="no zoom folders"):
        open_source(str(tmp_path / "empty"))


# -- MBTiles --------------------------------------------------------------------------------------------

def test_mbtiles_rows_are_flipped_to_xyz(tmp_path):
    path = make_mbtiles(tmp_path / "town.mbtiles", {(16, 54718, 27038): RED, (16, 54719, 27038): BLUE},
                        {"format": "png", "minzoom": "12", "maxzoom": "17"})
    source = open_source(str(path))
    assert isinstance(source, MBTiles)
    try:
        assert (source.min_zoom, source.max_zoom) == (12, 17)
        assert source.fetch(16, 54718, 27038) == RED
        assert source.fetch(16, 54719, 27038) == BLUE
        assert source.fetch(16, 54718, tms_row(16, 27038)) is None  # the unflipped row is another tile
    finally:
        source.close()


def test_mbtiles_without_zoom_metadata_reads_the_zooms_from_its_tiles(tmp_path):
    path = make_mbtiles(tmp_path / "bare.mbtiles", {(13, 1, 2): RED, (15, 3, 4): RED}, {"format": "png"})
    source = MBTiles(path)
    try:
        assert (source.min_zoom, source.max_zoom) == (13, 15)
    finally:
        source.close()


def test_mbtiles_has_one_connection_per_thread(tmp_path):
    tiles = {(16, 54700 + i, 27038): solid_png((i * 20, 100, 100)) for i in range(8)}
    source = MBTiles(make_mbtiles(tmp_path / "t.mbtiles", tiles))
    results, errors = {}, []
    start = threading.Barrier(4)

    def read(worker: int) -> None:
        try:
            start.wait()
            for _ in range(20):
                for (z, x, y), data in tiles.items():
                    results[(worker, x)] = source.fetch(z, x, y) == data
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert not errors and len(results) == 32 and all(results.values())
        assert len(source._connections) == 1 + 4  # the opening thread's and one per reader
    finally:
        source.close()
    with pytest.raises(TileSourceError):
        source.fetch(16, 54700, 27038)  # this thread's connection is closed


def test_files_that_are_not_mbtiles_are_refused(tmp_path):
    garbage = tmp_path / "garbage.mbtiles"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(TileSourceError, match="cannot read .* as MBTiles"):
        open_source(str(garbage))
    other = tmp_path / "other.mbtiles"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE places (name TEXT)")
    connection.close()
    with pytest.raises(TileSourceError, match="no tiles table"):
        open_source(str(other))
    vector = make_mbtiles(tmp_path / "vector.mbtiles", {(1, 0, 0): b"\x1f\x8b"}, {"format": "pbf"})
    with pytest.raises(TileSourceError, match="vector tiles"):
        open_source(str(vector))


# -- URL templates ---------------------------------------------------------------------------------------

def test_a_url_tile_is_fetched_once_then_read_from_the_disk_cache(tile_server, tmp_path):
    tile_server.tiles["/tiles/16/54718/27038.png"] = RED
    spec = tile_server.url(TEMPLATE)
    cache = TileCache(tmp_path / "cache")
    source = open_source(spec, cache=cache)
    assert isinstance(source, CachedSource)
    assert source.fetch(16, 54718, 27038) == RED
    assert tile_server.hits == ["/tiles/16/54718/27038.png"]
    assert source.fetch(16, 54718, 27038) == RED
    assert open_source(spec, cache=cache).fetch(16, 54718, 27038) == RED  # a later run reads the same cache
    assert len(tile_server.hits) == 1
    assert cache.path(namespace_for(spec), 16, 54718, 27038).read_bytes() == RED


def test_the_default_cache_is_under_the_users_cache_directory(tile_server, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    tile_server.tiles["/tiles/3/4/5.png"] = BLUE
    spec = tile_server.url(TEMPLATE)
    assert open_source(spec).fetch(3, 4, 5) == BLUE
    stored = list((tmp_path / "xdg-cache").rglob("*.tile"))
    assert [p.relative_to(tmp_path / "xdg-cache").parts[:3] for p in stored] == [("gridwatch", "tiles",
                                                                                  namespace_for(spec))]


def test_a_corrupt_cached_tile_is_dropped_and_fetched_again(tile_server, tmp_path):
    tile_server.tiles["/tiles/16/54718/27038.png"] = RED
    cache = TileCache(tmp_path / "cache")
    spec = tile_server.url(TEMPLATE)
    source = open_source(spec, cache=cache)
    assert source.fetch(16, 54718, 27038) == RED
    stored = cache.path(namespace_for(spec), 16, 54718, 27038)
    stored.write_bytes(RED[: len(RED) // 2])  # cut short, as by a full disk
    assert source.fetch(16, 54718, 27038) == RED
    assert len(tile_server.hits) == 2
    assert stored.read_bytes() == RED


def test_forget_drops_the_cached_copy(tile_server, tmp_path):
    tile_server.tiles["/tiles/1/1/1.png"] = GREEN
    source = open_source(tile_server.url(TEMPLATE), cache=TileCache(tmp_path / "cache"))
    source.fetch(1, 1, 1)
    source.forget(1, 1, 1)
    source.fetch(1, 1, 1)
    assert len(tile_server.hits) == 2


def test_404_means_no_such_tile_and_is_not_cached(tile_server, tmp_path):
    source = open_source(tile_server.url(TEMPLATE), cache=TileCache(tmp_path / "cache"))
    assert source.fetch(16, 1, 2) is None
    assert source.fetch(16, 1, 2) is None
    assert len(tile_server.hits) == 2  # asked again: the server may have it later
    assert not list((tmp_path / "cache").rglob("*.tile"))


def test_other_http_errors_raise_a_clear_error(tile_server):
    tile_server.status = 500
    with pytest.raises(TileSourceError, match=rf"tile server 127.0.0.1:{tile_server.port} answered HTTP 500"):
        UrlTemplate(tile_server.url(TEMPLATE)).fetch(16, 1, 2)


def test_an_html_page_instead_of_a_tile_is_an_error(tile_server):
    tile_server.tiles["/tiles/16/1/2.png"] = b"<html>login first</html>"
    tile_server.content_type = "text/html"
    with pytest.raises(TileSourceError, match="text/html instead of a picture"):
        UrlTemplate(tile_server.url(TEMPLATE)).fetch(16, 1, 2)


def test_a_dead_port_fails_clearly_within_the_timeout():
    source = UrlTemplate(f"http://127.0.0.1:{dead_port()}/{{z}}/{{x}}/{{y}}.png", timeout_s=2.0)
    started = time.monotonic()
    with pytest.raises(TileSourceError, match="cannot reach tile server 127.0.0.1:[0-9]+: Connection refused"):
        source.fetch(16, 1, 2)
    assert time.monotonic() - started < 2.0


def test_a_server_that_never_answers_times_out(tile_server):
    tile_server.stalling = True
    source = UrlTemplate(tile_server.url(TEMPLATE), timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(TileSourceError, match="did not answer within 0.5 s"):
        source.fetch(16, 1, 2)
    assert 0.4 < time.monotonic() - started < 2.0


def test_subdomains_and_tms_rows_in_templates():
    source = UrlTemplate("http://{s}.tiles.lan/tms/{z}/{x}/{-y}.png", subdomains="ab")
    assert source.url(3, 1, 2) == "http://b.tiles.lan/tms/3/1/5.png"
    assert source.url(3, 2, 2) == "http://a.tiles.lan/tms/3/2/5.png"
    assert (source.min_zoom, source.max_zoom) == (0, 18)
    assert (UrlTemplate("http://h/{z}/{x}/{y}", min_zoom=3, max_zoom=12).max_zoom) == 12


def test_credentials_in_a_template_never_reach_a_message():
    source = UrlTemplate(f"http://user:secret@127.0.0.1:{dead_port()}/{{z}}/{{x}}/{{y}}.png", timeout_s=1.0)
    with pytest.raises(TileSourceError) as raised:
        source.fetch(1, 0, 0)
    assert "secret" not in str(raised.value) and "secret" not in repr(source)


@pytest.mark.parametrize("spec, reason", [
    ("", "no base map source given"),
    ("   ", "no base map source given"),
    ("ftp://tiles.lan/{z}/{x}/{y}.png", "unsupported base map address"),
    ("http://tiles.lan/tiles.png", r"needs \{z\}, \{x\} and \{y\}"),
    ("http://tiles.lan/{z}/{x}.png", r"needs \{z\}, \{x\} and \{y\}"),
    ("http://tiles.lan/{z}/{x}/{row}.png", r"unknown placeholder \{row\}"),
    ("http:///{z}/{x}/{y}.png", "not an http"),
    ("/no/such/place", "no such file or folder"),
    ("/no/such/town.mbtiles", "no MBTiles file at"),
])
def test_bad_specs_get_a_one_line_error(spec, reason):
    with pytest.raises(TileSourceError, match=reason) as raised:
        open_source(spec)
    assert "\n" not in str(raised.value)


def test_a_plain_file_is_not_a_base_map(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(TileSourceError, match="neither an .mbtiles file nor a tile folder"):
        open_source(str(notes))
