"""The demo's own outlines: towns, villages and grids as a clipped Voronoi partition of their centres.

Deterministic from the world alone (no randomness: the same world gives the same
outlines).  Per town, in metres on a plane tangent at the town's centre:

* the **town** is the rectangle around its village and grid centres, 600 m wider
  on every side (city-scale towns may overlap: their centres are scattered at random);
* its **villages** are the Voronoi cells of the village centres, clipped to the town,
  so they tile it;
* each village's **grids** are the Voronoi cells of the grid centres, clipped to the
  village, so they tile the village.  A grid centre that lies outside its village's
  cell (the demo scatters grids around the village centre) is pulled towards the
  village's centre until it is inside, so every grid's cell holds its site.

Every cell is convex, which the patrol simulator relies on: a straight walk between
two points of a grid stays in the grid.
"""

from __future__ import annotations

from console.core.geo import LocalProjection, point_in_ring
from console.demo.places import DemoWorld
from console.storage.boundaries import BoundaryRow

TOWN_MARGIN_M = 600.0

Point = tuple[float, float]


def boundary_rows(world: DemoWorld) -> list[BoundaryRow]:
    """Outlines for every town, village and grid of ``world`` (towns first, then villages, then grids)."""
    towns: list[BoundaryRow] = []
    villages: list[BoundaryRow] = []
    grids: list[BoundaryRow] = []
    villages_of: dict[int, list[int]] = {}
    for index, village in enumerate(world.villages):
        villages_of.setdefault(village.town, []).append(index)
    grids_of: dict[int, list[int]] = {}
    for index, grid in enumerate(world.grids):
        grids_of.setdefault(grid.village, []).append(index)
    for town_index, town in enumerate(world.towns):
        projection = LocalProjection(town.lon, town.lat)
        members = villages_of.get(town_index, [])
        centres = [projection.to_xy(world.villages[v].lon, world.villages[v].lat) for v in members]
        centres += [projection.to_xy(world.grids[g].lon, world.grids[g].lat) for v in members for g in grids_of.get(v, [])]
        if not centres:
            continue
        town_cell = _rectangle(centres, TOWN_MARGIN_M)
        towns.append(_row("town", town.code, town.name_zh, town_cell, projection))
        village_sites = [projection.to_xy(world.villages[v].lon, world.villages[v].lat) for v in members]
        for village_index, cell in zip(members, voronoi_cells(village_sites, town_cell)):
            village = world.villages[village_index]
            villages.append(_row("village", village.code, village.name_zh, cell, projection))
            own = grids_of.get(village_index, [])
            sites = [_pulled_inside(projection.to_xy(world.grids[g].lon, world.grids[g].lat), cell,
                                    projection.to_xy(village.lon, village.lat)) for g in own]
            for grid_index, grid_cell in zip(own, voronoi_cells(sites, cell)):
                grid = world.grids[grid_index]
                grids.append(_row("grid", grid.code, grid.name, grid_cell, projection))
    return towns + villages + grids


def voronoi_cells(sites: list[Point], bound: list[Point]) -> list[list[Point]]:
    """Each site's Voronoi cell within the convex polygon ``bound`` (open ring, counter-clockwise)."""
    cells = []
    for i, site in enumerate(sites):
        cell = list(bound)
        for j, other in enumerate(sites):
            if i == j or (abs(site[0] - other[0]) < 1e-6 and abs(site[1] - other[1]) < 1e-6):
                continue
            cell = _clip_closer(cell, site, other)
            if not cell:
                break
        cells.append(cell)
    return cells


def _clip_closer(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """The part of a convex polygon closer to ``site`` than to ``other`` (Sutherland-Hodgman)."""
    nx, ny = other[0] - site[0], other[1] - site[1]
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2

    def side(p: Point) -> float:  # <= 0: on site's side of the bisector
        return (p[0] - mx) * nx + (p[1] - my) * ny

    result: list[Point] = []
    for k, current in enumerate(polygon):
        previous = polygon[k - 1]
        s_cur, s_prev = side(current), side(previous)
        if (s_cur <= 0) != (s_prev <= 0):
            t = s_prev / (s_prev - s_cur)
            result.append((previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1])))
        if s_cur <= 0:
            result.append(current)
    return result


def _rectangle(points: list[Point], margin: float) -> list[Point]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _pulled_inside(site: Point, cell: list[Point], towards: Point) -> Point:
    """``site``, or the point on the way to ``towards`` (inside ``cell``) where it first enters the cell."""
    ring = [list(p) for p in cell] + [list(cell[0])]
    if point_in_ring(site[0], site[1], ring):
        return site
    low, high = 0.0, 1.0  # fraction of the way from towards (inside) to site (outside)
    for _ in range(30):
        mid = (low + high) / 2
        x, y = towards[0] + mid * (site[0] - towards[0]), towards[1] + mid * (site[1] - towards[1])
        if point_in_ring(x, y, ring):
            low = mid
        else:
            high = mid
    mid = low * 0.9  # a little inside, not on the edge
    return towards[0] + mid * (site[0] - towards[0]), towards[1] + mid * (site[1] - towards[1])


def _row(level: str, code: str, name: str, cell: list[Point], projection: LocalProjection) -> BoundaryRow:
    ring: list[list[float]] = []
    for x, y in cell:
        lon, lat = projection.to_lonlat(x, y)
        point = [round(lon, 6), round(lat, 6)]
        if not ring or point != ring[-1]:
            ring.append(point)
    if ring[-1] == ring[0]:
        ring.pop()
    ring.append(list(ring[0]))
    return BoundaryRow(level, code, name, {"type": "Polygon", "coordinates": [ring]})
