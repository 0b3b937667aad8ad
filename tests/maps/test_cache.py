"""The disk cache of tiles: complete pictures only, bounded in size, least recently used out first."""

import os

import pytest

from console.maps.cache import TileCache, is_complete_image
from tests.maps.tile_fixtures import solid_jpeg, solid_png


def test_complete_pictures_are_told_from_broken_ones():
    png, jpeg = solid_png((1, 2, 3)), solid_jpeg((1, 2, 3))
    assert is_complete_image(png) and is_complete_image(jpeg)
    assert not is_complete_image(png[:-20])
    assert not is_complete_image(jpeg[:-50])
    assert not is_complete_image(b"\x00" * len(png))
    assert not is_complete_image(b"<html>502 Bad Gateway</html>")
    assert is_complete_image(b"GIF89a" + b"\x01" * 20 + b"\x3b")
    assert is_complete_image(b"RIFF" + (12).to_bytes(4, "little") + b"WEBPVP8 " + b"\x00" * 4)
    assert not is_complete_image(b"RIFF" + (99).to_bytes(4, "little") + b"WEBPVP8 ")


def test_the_cache_keeps_tiles_per_source(tmp_path):
    cache = TileCache(tmp_path)
    tile = solid_png((9, 9, 9))
    cache.put("a", 3, 1, 2, tile)
    assert cache.get("a", 3, 1, 2) == tile
    assert cache.get("b", 3, 1, 2) is None
    cache.discard("a", 3, 1, 2)
    assert cache.get("a", 3, 1, 2) is None


def test_the_cache_stays_within_its_bound_and_evicts_the_least_recently_used(tmp_path):
    tile = solid_png((200, 0, 0), size=64)
    tiles = dict.fromkeys(range(8), tile)
    size = len(tile)
    cache = TileCache(tmp_path, max_bytes=size * 5 + size // 2)
    for i in range(5):
        cache.put("s", 10, i, 0, tiles[i])
        os.utime(cache.path("s", 10, i, 0), (1_000_000 + i, 1_000_000 + i))  # written in this order
    assert cache.get("s", 10, 0, 0) == tiles[0]  # the oldest, read now: recently used
    for i in range(5, 8):
        cache.put("s", 10, i, 0, tiles[i])
    assert cache.size_bytes() <= cache.max_bytes
    kept = {i for i in range(8) if cache.path("s", 10, i, 0).exists()}
    assert kept == {0, 5, 6, 7}  # read or written last; the least recently used went first


def test_a_cache_that_cannot_write_does_not_fail_the_fetch(tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache wants a folder")
    cache = TileCache(blocker)
    cache.put("s", 1, 0, 0, solid_png((1, 1, 1)))  # logged, not raised
    assert cache.get("s", 1, 0, 0) is None


@pytest.mark.parametrize("garbage", [b"", b"\x89PNG\r\n\x1a\n truncated"])
def test_a_corrupt_file_is_deleted_when_read(tmp_path, garbage):
    cache = TileCache(tmp_path)
    path = cache.path("s", 2, 1, 1)
    path.parent.mkdir(parents=True)
    path.write_bytes(garbage)
    assert cache.get("s", 2, 1, 1) is None
    assert not path.exists()
