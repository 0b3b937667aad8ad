"""The base-map setting: which tiles to draw under the map, in which datum, how strongly.

Stored as a plain dict of strings, numbers and booleans (QSettings keys; see
:func:`widgets.base_map.save_base_map_setting`).  Values read back from an INI file come as text, so
:meth:`BaseMapSetting.from_dict` accepts text and falls back to the defaults for anything unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from console.maps.cache import TileCache
from console.maps.sources import DEFAULT_TIMEOUT_S, DEFAULT_URL_ZOOMS, TileSource, open_source
from console.maps.tiles import MAX_ZOOM


@dataclass(frozen=True)
class BaseMapSetting:
    """One base map: ``source`` (a folder, an ``.mbtiles`` file or an ``http(s)://…/{z}/{x}/{y}.png`` template;
    empty for none), ``gcj02`` (the tiles are drawn in GCJ-02, as Chinese maps are), ``opacity`` (0–1) and
    the zoom levels a URL template serves (files and folders know their own)."""

    source: str = ""
    gcj02: bool = False
    opacity: float = 1.0
    min_zoom: int = DEFAULT_URL_ZOOMS[0]
    max_zoom: int = DEFAULT_URL_ZOOMS[1]

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", (self.source or "").strip())
        object.__setattr__(self, "opacity", max(0.0, min(1.0, float(self.opacity))))
        low = max(0, min(MAX_ZOOM, int(self.min_zoom)))
        high = max(0, min(MAX_ZOOM, int(self.max_zoom)))
        object.__setattr__(self, "min_zoom", min(low, high))
        object.__setattr__(self, "max_zoom", max(low, high))

    @property
    def enabled(self) -> bool:
        """Is there a base map at all?"""
        return bool(self.source)

    def same_tiles(self, other: BaseMapSetting) -> bool:
        """Would ``other`` fetch the very same tiles (only the datum or the opacity differ)?"""
        return (self.source, self.min_zoom, self.max_zoom) == (other.source, other.min_zoom, other.max_zoom)

    def open(self, *, timeout_s: float = DEFAULT_TIMEOUT_S, cache: TileCache | None = None) -> TileSource:
        """The tile source this setting names (see :func:`console.maps.sources.open_source`): touches the disk."""
        return open_source(self.source, min_zoom=self.min_zoom, max_zoom=self.max_zoom, timeout_s=timeout_s,
                           cache=cache)

    def to_dict(self) -> dict[str, str | bool | float | int]:
        """The setting as plain values, one per key."""
        return asdict(self)

    @classmethod
    def keys(cls) -> list[str]:
        """The keys of :meth:`to_dict`."""
        return [f.name for f in fields(cls)]

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> BaseMapSetting:
        """A setting from :meth:`to_dict`'s values, or their text as an INI file gives them back; missing
        or unreadable values take their defaults."""
        default = cls()
        return cls(source=str(values.get("source") or ""),
                   gcj02=_flag(values.get("gcj02"), default.gcj02),
                   opacity=_number(values.get("opacity"), default.opacity, float),
                   min_zoom=_number(values.get("min_zoom"), default.min_zoom, int),
                   max_zoom=_number(values.get("max_zoom"), default.max_zoom, int))


def _flag(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str) and value.strip():
        return value.strip().lower() in ("1", "true", "yes", "on")
    return default


def _number(value: object, default, kind):
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        return default
