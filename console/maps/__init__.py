"""Base maps for closed networks, without Qt: tile math, tile sources, a disk cache and the setting.

A base map is optional and local: an XYZ tile directory, an MBTiles file or an intranet XYZ URL
template (:func:`console.maps.sources.open_source`).  Tiles are Web-Mercator ("slippy map") tiles
(:mod:`console.maps.tiles`); :mod:`console.maps.placement` says where each one lands on the map's
plane of metres (a :class:`console.core.geo.LocalProjection`), shifted back to WGS-84 when the tiles
are drawn in GCJ-02.  The Qt layer that draws them is :class:`widgets.base_map.BaseMapLayer`.
"""
