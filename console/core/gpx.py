"""Tracks as GPX 1.1 (https://www.topografix.com/GPX/1/1/), the format every GIS and map app reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"


def track_gpx(name: str, points: Iterable, creator: str = "Gridwatch") -> bytes:
    """A GPX 1.1 document with one track of one segment: a ``trkpt`` per point, in order.

    ``points`` have ``t`` (epoch seconds), ``lon``, ``lat`` (WGS-84 degrees, as GPX requires)
    and optionally ``altitude`` (metres), as :class:`console.storage.positions.TrackPoint` does."""
    ET.register_namespace("", GPX_NAMESPACE)
    q = lambda tag: f"{{{GPX_NAMESPACE}}}{tag}"  # noqa: E731 - a qualified tag name
    root = ET.Element(q("gpx"), {"version": "1.1", "creator": creator})
    metadata = ET.SubElement(root, q("metadata"))
    ET.SubElement(metadata, q("name")).text = name
    ET.SubElement(metadata, q("time")).text = _iso(datetime.now(timezone.utc).timestamp())
    track = ET.SubElement(root, q("trk"))
    ET.SubElement(track, q("name")).text = name
    segment = ET.SubElement(track, q("trkseg"))
    for point in points:
        trkpt = ET.SubElement(segment, q("trkpt"), {"lat": f"{point.lat:.6f}", "lon": f"{point.lon:.6f}"})
        altitude = getattr(point, "altitude", None)
        if altitude is not None:
            ET.SubElement(trkpt, q("ele")).text = f"{altitude:g}"
        ET.SubElement(trkpt, q("time")).text = _iso(point.t)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
