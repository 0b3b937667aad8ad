"""Wall layouts: even grids and uneven ones, every cell covered exactly once."""

import pytest

from widgets.wall_layouts import LAYOUTS, layout_for, layout_named


@pytest.mark.parametrize("name, tiles", [("1", 1), ("2x2", 4), ("3x3", 9), ("4x4", 16), ("5x5", 25),
                                         ("6x6", 36), ("1+5", 6), ("1+7", 8), ("1+12", 13)])
def test_each_layout_has_its_tiles_and_covers_the_wall_once(name, tiles):
    layout = LAYOUTS[name]
    assert layout.tile_count == tiles
    covered = []
    for cell in layout.tiles:
        covered += [(cell.row + r, cell.column + c) for r in range(cell.row_span) for c in range(cell.column_span)]
    assert sorted(covered) == [(r, c) for r in range(layout.rows) for c in range(layout.columns)]


def test_the_large_tile_of_an_uneven_layout_comes_first_and_is_largest():
    for name in ("1+5", "1+7", "1+12"):
        layout = LAYOUTS[name]
        sizes = [layout.tile_rect(i, 1600, 900)[2] * layout.tile_rect(i, 1600, 900)[3]
                 for i in range(layout.tile_count)]
        assert sizes[0] == max(sizes) and sizes[0] > 3 * sizes[1]


def test_tile_rectangles_do_not_overlap_and_stay_on_the_wall():
    layout = LAYOUTS["1+12"]
    rects = [layout.tile_rect(i, 1000, 600) for i in range(layout.tile_count)]
    for i, (x, y, w, h) in enumerate(rects):
        assert x >= 0 and y >= 0 and x + w <= 1000 and y + h <= 600
        for x2, y2, w2, h2 in rects[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


@pytest.mark.parametrize("cameras, expected", [(0, "1"), (1, "1"), (3, "2x2"), (4, "2x2"), (5, "3x3"),
                                               (16, "4x4"), (40, "4x4")])
def test_a_fresh_wall_takes_the_smallest_grid_that_holds_its_cameras(cameras, expected):
    assert layout_for(cameras).name == expected


def test_an_unknown_saved_layout_falls_back_to_2x2():
    assert layout_named("7x7").name == "2x2"
