"""Open311 GeoReport v2 documents in XML and JSON, with the spec's element names.

A document is a list of records (``services/service``, ``service_requests/request``,
``errors/error``) or one record (``service_definition``).  In JSON a list is an array
of objects; in XML the root element holds one child element per record, each field an
element of its own.  Times are ISO-8601 with their zone (UTC: ``+00:00``); None is
JSON ``null`` and an empty XML element; booleans are ``true``/``false`` in both.
"""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET

FORMATS = ("xml", "json")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def iso(when: datetime) -> str:
    """ISO-8601 with the zone, to the second."""
    return when.isoformat(timespec="seconds")


def record_list(fmt: str, root: str, element: str, records: list[dict]) -> bytes:
    """``records`` as a list document: a JSON array, or ``<root><element>…</element>…</root>``."""
    if fmt == "json":
        return json.dumps([_json_record(r) for r in records], ensure_ascii=False).encode("utf-8")
    top = ET.Element(root)
    for record in records:
        _xml_fields(ET.SubElement(top, element), record)
    return _xml(top)


def single_record(fmt: str, root: str, record: dict) -> bytes:
    """One record as a document: a JSON object, or ``<root>…</root>``."""
    if fmt == "json":
        return json.dumps(_json_record(record), ensure_ascii=False).encode("utf-8")
    top = ET.Element(root)
    _xml_fields(top, record)
    return _xml(top)


def errors(fmt: str, status: int, description: str) -> bytes:
    """The spec's error list with one ``{code, description}``."""
    return record_list(fmt, "errors", "error", [{"code": status, "description": description}])


def _json_record(record: dict) -> dict:
    return {k: _json_value(v) for k, v in record.items()}


def _json_value(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, list):
        return [_json_record(v) if isinstance(v, dict) else _json_value(v) for v in value]
    return value


def _xml_fields(parent: ET.Element, record: dict) -> None:
    for name, value in record.items():
        child = ET.SubElement(parent, name)
        if isinstance(value, list):  # e.g. a service definition's attributes
            for item in value:
                _xml_fields(ET.SubElement(child, name[:-1] if name.endswith("s") else name), item)
        else:
            child.text = _xml_text(value)


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def _xml(top: ET.Element) -> bytes:
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)
