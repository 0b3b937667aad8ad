"""GeoJSON outlines: import in one transaction, one-line errors on bad geometry, read back for the map."""

from __future__ import annotations

import json
import re

import pytest

from console.storage.boundaries import BoundaryBook, BoundaryError, parse_boundaries

SQUARE = [[120.30, 30.10], [120.31, 30.10], [120.31, 30.11], [120.30, 30.11], [120.30, 30.10]]


def _feature(level="grid", code="G0", geometry=None, name="第0网格"):
    return {"type": "Feature", "properties": {"level": level, "code": code, "name": name},
            "geometry": geometry or {"type": "Polygon", "coordinates": [SQUARE]}}


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_an_import_stores_every_level_and_reads_back(store, places, tmp_path):
    path = tmp_path / "town.geojson"
    hole = [[120.304, 30.104], [120.306, 30.104], [120.306, 30.106], [120.304, 30.106], [120.304, 30.104]]
    path.write_bytes(_collection(
        _feature("town", "YXQ", name="杨汛桥镇"), _feature("village", "V0", name="江桥村"),
        _feature("grid", "G0", {"type": "Polygon", "coordinates": [SQUARE, hole]}),
        _feature("grid", "G9", {"type": "MultiPolygon", "coordinates": [[SQUARE]]})))
    book = BoundaryBook(store)
    result = book.import_geojson(path)
    assert result.counts == {"town": 1, "village": 1, "grid": 2}
    assert result.unknown_codes == ["grid G9"]
    assert result.describe() == "imported 1 town, 1 village, 2 grids"
    assert [(b.level, b.code) for b in book.outlines()] == [("town", "YXQ"), ("village", "V0"), ("grid", "G0"),
                                                            ("grid", "G9")]
    regions = book.grid_regions()
    assert set(regions) == {places.grids[0]}
    assert regions[places.grids[0]].contains(120.301, 30.101)
    assert not regions[places.grids[0]].contains(120.305, 30.105)  # in the hole


def test_importing_again_replaces_outlines_of_the_same_place(store, places):
    book = BoundaryBook(store)
    book.import_geojson(_collection(_feature()))
    moved = [[x + 0.1, y] for x, y in SQUARE]
    book.import_geojson(_collection(_feature(geometry={"type": "Polygon", "coordinates": [moved]})))
    [outline] = book.outlines("grid")
    assert outline.geometry["coordinates"][0][0] == [120.4, 30.1]


def _polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


# Each bad file holds a valid town first: it must not be written either.
BAD = [
    (b"{\"type\": \"FeatureCollection\", ", "is not valid JSON"),
    (json.dumps({"type": "Feature"}).encode(), "is not a GeoJSON FeatureCollection"),
    (_collection(), "holds no features"),
    ([_feature(level="county")], "feature 2: property level must be one of town, village, grid"),
    ([_feature(geometry={"type": "Point", "coordinates": [120.3, 30.1]})],
     "feature 2 (grid G0): geometry is a Point, expected Polygon or MultiPolygon"),
    ([_feature(geometry=_polygon(SQUARE[:-1]))], "feature 2 (grid G0): ring is not closed"),
    ([_feature(geometry=_polygon([SQUARE[0], SQUARE[1], SQUARE[0]]))], "a ring needs at least 4 positions"),
    ([_feature(geometry=_polygon([[30.1, 120.3], [30.1, 120.31], [30.11, 120.31], [30.1, 120.3]]))],
     "latitude 120.3 outside [-90, 90] (lat and lon swapped?)"),
    ([_feature(geometry=_polygon([[120.30, 30.10], [120.31, 30.11], [120.31, 30.10], [120.30, 30.11],
                                  [120.30, 30.10]]))], "ring crosses itself"),
    ([_feature(), _feature()], "feature 3 (grid G0): the same grid as feature 2"),
]


@pytest.mark.parametrize("content, message", BAD)
def test_bad_files_are_refused_in_one_line_and_nothing_is_written(store, places, content, message):
    book = BoundaryBook(store)
    document = content if isinstance(content, bytes) else _collection(_feature("town", "YXQ"), *content)
    with pytest.raises(BoundaryError, match=re.escape(message)) as caught:
        book.import_geojson(document)
    assert "\n" not in str(caught.value)
    assert book.outlines() == []


def test_a_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(BoundaryError, match="cannot read"):
        parse_boundaries(tmp_path / "nowhere.geojson")
