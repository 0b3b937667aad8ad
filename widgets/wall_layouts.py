"""The video wall's layouts: where each tile sits on the wall's grid (no Qt, plain geometry).

A layout is a grid of ``columns`` × ``rows`` cells and a list of tiles, each
covering a rectangle of cells.  Even layouts (2×2 … 6×6) have one cell per
tile; uneven ones give the first tile a large area and surround it with
small tiles, the way command rooms show one focus camera among many.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TileCell:
    """The cells one tile covers."""

    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True)
class WallLayout:
    """A named arrangement of tiles on a ``columns`` × ``rows`` grid."""

    name: str
    columns: int
    rows: int
    tiles: tuple[TileCell, ...]

    @property
    def tile_count(self) -> int:
        return len(self.tiles)

    def tile_rect(self, index: int, width: int, height: int, gap: int = 2) -> tuple[int, int, int, int]:
        """(x, y, w, h) of tile ``index`` on a wall of ``width`` × ``height`` pixels, ``gap`` between tiles."""
        cell = self.tiles[index]
        x0 = cell.column * width // self.columns
        x1 = (cell.column + cell.column_span) * width // self.columns
        y0 = cell.row * height // self.rows
        y1 = (cell.row + cell.row_span) * height // self.rows
        half = gap // 2
        return (x0 + half, y0 + half, max(1, x1 - x0 - gap), max(1, y1 - y0 - gap))


def _even(size: int) -> WallLayout:
    cells = tuple(TileCell(r, c) for r in range(size) for c in range(size))
    return WallLayout(f"{size}x{size}" if size > 1 else "1", size, size, cells)


def _one_plus(name: str, grid: int, big: TileCell) -> WallLayout:
    """One large tile ``big`` on a ``grid`` × ``grid`` wall; every other cell is a small tile."""
    covered = {(big.row + r, big.column + c) for r in range(big.row_span) for c in range(big.column_span)}
    small = tuple(TileCell(r, c) for r in range(grid) for c in range(grid) if (r, c) not in covered)
    return WallLayout(name, grid, grid, (big,) + small)


LAYOUTS: dict[str, WallLayout] = {layout.name: layout for layout in (
    _even(1), _even(2), _even(3), _even(4), _even(5), _even(6),
    _one_plus("1+5", 3, TileCell(0, 0, 2, 2)),
    _one_plus("1+7", 4, TileCell(0, 0, 3, 3)),
    _one_plus("1+12", 4, TileCell(1, 1, 2, 2)),
)}

#: Even layouts from small to large: a fresh wall takes the smallest that holds its cameras.
EVEN_LAYOUTS = ("1", "2x2", "3x3", "4x4")


def layout_for(camera_count: int) -> WallLayout:
    """The smallest even layout that holds ``camera_count`` cameras, at most 4×4."""
    for name in EVEN_LAYOUTS:
        if LAYOUTS[name].tile_count >= camera_count:
            return LAYOUTS[name]
    return LAYOUTS[EVEN_LAYOUTS[-1]]


def layout_named(name: str) -> WallLayout:
    """The layout called ``name``; an unknown name (an old settings file) gives 2×2."""
    return LAYOUTS.get(name, LAYOUTS["2x2"])
