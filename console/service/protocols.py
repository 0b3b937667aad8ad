"""What phones send, decoded: the OsmAnd protocol (Traccar Client) and OwnTracks' HTTP mode.

Each decoder takes a :class:`~console.service.http.Request` and returns a
:class:`Report` (a fix in SI units, WGS-84) or ``None`` for a message that carries no
position, or raises :class:`ProtocolError` with the HTTP status and a one-line reason.
Nothing here touches the database; which devices exist is the intake's business.

**OsmAnd** (as Traccar's ``OsmAndProtocolDecoder`` reads it, port 5055): parameters in
the query string, or, when the query is empty, in a form body: ``id`` or ``deviceid``;
``lat`` and ``lon``, or ``location=lat,lon``; ``timestamp`` as Unix seconds, milliseconds
(a number above 2^31-1), ISO-8601 (contains ``T``) or ``yyyy-MM-dd HH:mm:ss`` (read as
UTC); ``speed`` in **knots**; ``bearing`` or ``heading``; ``altitude``; ``accuracy``;
``batt`` (percent); ``charge`` and ``valid`` (``true`` or ``1``).  Other parameters
(``hdop``, ``cell``, ``wifi``, ...) are accepted and ignored.  Newer Traccar Client
versions post JSON instead (``Content-Type: application/json``): ``device_id`` and
``location.{timestamp, coords.{latitude, longitude, accuracy, speed (m/s), heading,
altitude}, battery.{level (0-1), is_charging}}``, negative numbers meaning unknown.

**OwnTracks** (HTTP mode): a JSON object per POST; ``_type`` ``location`` and
``transition`` carry a fix (``lat``, ``lon``, ``tst`` seconds, ``acc``, ``alt``, ``vel``
in **km/h**, ``cog``, ``batt``, ``bs`` 2/3 = charging/full); every other type is
acknowledged and ignored, as is an empty body.  The device is ``USER/DEVICE`` from the
``X-Limit-U``/``X-Limit-D`` headers, the ``u``/``d`` query parameters, or the
payload's ``topic`` (``owntracks/USER/DEVICE``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from console.service.http import Request

KNOT_MS = 1852.0 / 3600.0
KMH_MS = 1000.0 / 3600.0
_INT_MAX = 2_147_483_647
_SPACE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


class ProtocolError(Exception):
    """A request the server refuses: ``status`` (400, 404, 405, ...) and a one-line ``reason``."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Report:
    """One fix as a phone reported it: device, epoch seconds (``None``: the server's now), SI units."""

    unique_id: str
    protocol: str
    lon: float
    lat: float
    t: float | None = None
    speed: float | None = None  # m/s
    bearing: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    battery: int | None = None
    charging: bool | None = None
    valid: bool = True


# -- OsmAnd ----------------------------------------------------------------------------------------

def decode_osmand(request: Request) -> Report:
    """A Traccar Client / OsmAnd request as a :class:`Report`; :class:`ProtocolError` when malformed."""
    if request.method not in ("GET", "POST"):
        raise ProtocolError(405, f"method {request.method} not allowed; use GET or POST")
    if request.content_type.startswith("application/json"):
        return _decode_osmand_json(request.body)
    params = parse_qsl(request.query, keep_blank_values=True)
    if not params and request.body:
        try:
            params = parse_qsl(request.body.decode("ascii"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise ProtocolError(400, "form body is not ASCII") from None
    values = dict(params)  # the last of repeated parameters wins
    unique_id = values.get("id") or values.get("deviceid")
    if not unique_id:
        raise ProtocolError(400, "missing device id: send id or deviceid")
    if "location" in values:
        parts = values["location"].split(",")
        if len(parts) < 2:
            raise ProtocolError(400, f"location {values['location']!r} is not lat,lon")
        lat, lon = _number("location latitude", parts[0]), _number("location longitude", parts[1])
    else:
        if "lat" not in values or "lon" not in values:
            raise ProtocolError(400, "missing position: send lat and lon, or location=lat,lon")
        lat, lon = _number("lat", values["lat"]), _number("lon", values["lon"])
    speed = _optional(values, "speed")
    bearing = _optional(values, "bearing")
    if bearing is None:
        bearing = _optional(values, "heading")
    battery = _optional(values, "batt")
    return _report(unique_id, "osmand", lon, lat,
                   t=_osmand_time(values["timestamp"]) if values.get("timestamp") else None,
                   speed=speed * KNOT_MS if speed is not None else None, bearing=bearing,
                   altitude=_optional(values, "altitude"), accuracy=_optional(values, "accuracy"),
                   battery=battery, charging=_flag(values["charge"]) if "charge" in values else None,
                   valid=_flag(values["valid"]) if "valid" in values else True)


def _decode_osmand_json(body: bytes) -> Report:
    root = _json_object(body)
    unique_id = root.get("device_id")
    if not isinstance(unique_id, str) or not unique_id:
        raise ProtocolError(400, "missing device_id")
    location = root.get("location")
    if not isinstance(location, dict):
        raise ProtocolError(400, "missing location object")
    stamp = location.get("timestamp")
    if not isinstance(stamp, str):
        raise ProtocolError(400, "location.timestamp must be an ISO-8601 time")
    coords = location.get("coords")
    if not isinstance(coords, dict):
        raise ProtocolError(400, "missing location.coords")
    lat = _json_number(coords, "latitude", "location.coords.latitude", required=True)
    lon = _json_number(coords, "longitude", "location.coords.longitude", required=True)
    speed = _json_number(coords, "speed", "location.coords.speed")
    heading = _json_number(coords, "heading", "location.coords.heading")
    battery = charging = None
    if isinstance(location.get("battery"), dict):
        level = _json_number(location["battery"], "level", "location.battery.level")
        battery = level * 100 if level is not None and level >= 0 else None
        is_charging = location["battery"].get("is_charging")
        charging = is_charging if isinstance(is_charging, bool) else None
    return _report(unique_id, "osmand", lon, lat, t=_iso_time(stamp),
                   speed=speed if speed is not None and speed >= 0 else None,
                   bearing=heading if heading is not None and heading >= 0 else None,
                   altitude=_json_number(coords, "altitude", "location.coords.altitude"),
                   accuracy=_json_number(coords, "accuracy", "location.coords.accuracy"),
                   battery=battery, charging=charging)


def _osmand_time(value: str) -> float:
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        number = int(text)
        return number / 1000.0 if number >= _INT_MAX else float(number)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    if "T" in text:
        return _iso_time(text)
    if _SPACE_DATE.match(text):
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:  # the right shape, not a date: 2026-13-45 99:99:99
            raise ProtocolError(400, f"timestamp {value[:40]!r} is not a valid date and time") from None
    raise ProtocolError(400, f"timestamp {value!r} is neither Unix time, ISO-8601 nor yyyy-MM-dd HH:mm:ss")


def _iso_time(text: str) -> float:
    try:
        when = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise ProtocolError(400, f"timestamp {text!r} is not an ISO-8601 time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


# -- OwnTracks -------------------------------------------------------------------------------------

def decode_owntracks(request: Request) -> Report | None:
    """An OwnTracks HTTP-mode POST as a :class:`Report`, or ``None`` for a message without a fix."""
    if request.method != "POST":
        raise ProtocolError(405, f"method {request.method} not allowed; OwnTracks posts")
    if not request.body.strip():
        return None  # the apps post an empty body when a friend is deleted
    root = _json_object(request.body)
    kind = root.get("_type")
    if kind not in ("location", "transition"):
        return None
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    user = request.headers.get("x-limit-u") or query.get("u")
    device = request.headers.get("x-limit-d") or query.get("d")
    if user and device:
        unique_id = f"{user}/{device}"
    elif isinstance(root.get("topic"), str) and root["topic"].count("/") >= 2:
        unique_id = "/".join(root["topic"].split("/")[1:3])
    elif device or user:
        unique_id = device or user
    else:
        raise ProtocolError(400, "missing device: send X-Limit-U and X-Limit-D headers (or ?u=USER&d=DEVICE)")
    lat = _json_number(root, "lat", "lat", required=True)
    lon = _json_number(root, "lon", "lon", required=True)
    tst = _json_number(root, "tst", "tst", required=True)
    velocity = _json_number(root, "vel", "vel")
    status = root.get("bs")
    return _report(unique_id, "owntracks", lon, lat, t=tst,
                   speed=velocity * KMH_MS if velocity is not None and velocity >= 0 else None,
                   bearing=_json_number(root, "cog", "cog"), altitude=_json_number(root, "alt", "alt"),
                   accuracy=_json_number(root, "acc", "acc"), battery=_json_number(root, "batt", "batt"),
                   charging=status in (2, 3) if isinstance(status, int) and status else None)


# -- values ----------------------------------------------------------------------------------------

def _report(unique_id: str, protocol: str, lon: float, lat: float, *, t: float | None, speed, bearing, altitude,
            accuracy, battery, charging, valid: bool = True) -> Report:
    if not -90 <= lat <= 90:
        raise ProtocolError(400, f"latitude {lat} is outside [-90, 90]")
    if not -180 <= lon <= 180:
        raise ProtocolError(400, f"longitude {lon} is outside [-180, 180]")
    if accuracy is not None and accuracy < 0:
        accuracy = None
    if battery is not None:
        if not 0 <= battery <= 100:
            raise ProtocolError(400, f"battery {battery:g} is outside 0-100 %")
        battery = int(round(battery))
    if t is not None and not (0 < t < 4_102_444_800):  # 2100-01-01
        raise ProtocolError(400, f"timestamp {t:g} is not a time this century")
    unique_id = unique_id.strip()
    if not unique_id or len(unique_id) > 64 or not unique_id.isprintable():
        raise ProtocolError(400, "device id must be 1-64 printable characters")
    return Report(unique_id, protocol, lon, lat, t, speed, bearing % 360 if bearing is not None else None,
                  altitude, accuracy, battery, charging, valid)


def _number(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ProtocolError(400, f"{name} {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ProtocolError(400, f"{name} {text[:40]!r} is not a finite number")
    return value


def _optional(values: dict[str, str], name: str) -> float | None:
    text = values.get(name)
    return _number(name, text) if text not in (None, "") else None


def _flag(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


def json_document(body: bytes):
    """``body`` parsed as JSON; :class:`ProtocolError` (400) for anything :func:`json.loads` refuses, including
    what it refuses with other errors than :class:`~json.JSONDecodeError`: nesting deeper than the interpreter's
    recursion limit (``[[[[...``) and integers of more than 4,300 digits."""
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ProtocolError(400, f"body is not valid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise ProtocolError(400, "body is not valid JSON: not UTF-8") from None
    except RecursionError:
        raise ProtocolError(400, "body is not valid JSON: nested too deeply") from None
    except ValueError:  # an integer of too many digits
        raise ProtocolError(400, "body is not valid JSON: a number too long") from None


def _json_object(body: bytes) -> dict:
    root = json_document(body)
    if not isinstance(root, dict):
        raise ProtocolError(400, "body must be a JSON object")
    return root


def _json_number(obj: dict, key: str, name: str, required: bool = False) -> float | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise ProtocolError(400, f"missing {name}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProtocolError(400, f"{name} {str(value)[:40]!r} is not a number")
    try:
        value = float(value)  # an integer beyond a float's range overflows
    except OverflowError:
        raise ProtocolError(400, f"{name} is too large a number") from None
    if not math.isfinite(value):
        raise ProtocolError(400, f"{name} {str(value)[:40]!r} is not a finite number")
    return value
