"""``gridwatch serve``, ``devices``, ``track export`` and ``import-geojson``: the worker map's command line.

Like the rest of the command line, a refusal is one line on stderr and a non-zero
exit, never a traceback.  Times (``--from``/``--to``) are ISO-8601 (``2026-11-29T08:00``,
``2026-11-29 08:00`` or a date), in this computer's time zone unless they name one,
or Unix seconds.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from console.cli_args import add_db_option, database_url, first_line, non_negative_float

Fail = Callable[..., int]
COMMANDS = ("serve", "devices", "track", "import-geojson")


def add_map_parsers(commands) -> None:
    """Register the map's commands on the top-level subparsers ``commands``."""
    serve = commands.add_parser("serve", help="run the position intake (OsmAnd/Traccar Client and OwnTracks)")
    add_db_option(serve, "map_db")
    serve.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                       help="address to listen on (default 127.0.0.1; others need --allow-remote)")
    serve.add_argument("--osmand-port", type=_port, default=5055, metavar="PORT",
                       help="OsmAnd protocol port for Traccar Client (default 5055)")
    serve.add_argument("--http-port", type=_port, default=8080, metavar="PORT",
                       help="HTTP port with OwnTracks at /owntracks and Open311 at /open311/v2/ (default 8080)")
    serve.add_argument("--allow-remote", action="store_true",
                       help="allow listening on an address other phones can reach (no authentication!)")
    serve.add_argument("--offline-after", type=_minutes, default=10.0, metavar="MIN",
                       help="flag a phone offline after this many silent minutes (default 10)")
    serve.add_argument("--quiet", action="store_true",
                       help="do not log one line per request (warnings and errors are still logged)")
    serve.add_argument("--retention-days", type=non_negative_float, default=90.0, metavar="DAYS",
                       help="delete positions older than this (default 90; 0 keeps them all)")
    serve.set_defaults(map_action=_serve)

    devices = commands.add_parser("devices", help="list or register the phones that report workers' positions")
    add_db_option(devices, "map_db")
    actions = devices.add_subparsers(title="device commands", parser_class=type(devices), required=True)
    listing = actions.add_parser("list", help="one tab-separated line per phone: device id, worker name, grid")
    listing.set_defaults(map_action=_devices_list)
    add = actions.add_parser("add", help="register a worker's phone")
    add.add_argument("worker", metavar="WORKER", help="the worker's code or name")
    add.add_argument("device_id", metavar="DEVICE_ID",
                     help="what the phone sends: Traccar Client's device identifier, or OwnTracks' USER/DEVICE")
    add.add_argument("--kind", choices=["osmand", "owntracks"], default=None,
                     help="the app (default: owntracks for USER/DEVICE ids, else osmand)")
    add.set_defaults(map_action=_devices_add)
    remove = actions.add_parser("remove", help="unregister a phone (its stored positions go with it)")
    remove.add_argument("device_id", metavar="DEVICE_ID")
    remove.set_defaults(map_action=_devices_remove)
    for parser in (listing, add, remove):
        add_db_option(parser, "map_db")

    track = commands.add_parser("track", help="export a phone's track")
    add_db_option(track, "map_db")
    track_actions = track.add_subparsers(title="track commands", parser_class=type(track), required=True)
    export = track_actions.add_parser("export", help="write a phone's positions in a period as GPX 1.1")
    export.add_argument("--device", required=True, metavar="ID", help="the phone's device id")
    export.add_argument("--from", dest="start", required=True, type=_time, metavar="T", help="start time")
    export.add_argument("--to", dest="end", required=True, type=_time, metavar="T", help="end time")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.gpx", help="where to write (- for stdout)")
    add_db_option(export, "map_db")
    export.set_defaults(map_action=_track_export)

    geojson = commands.add_parser("import-geojson", help="import town, village and grid outlines from GeoJSON")
    geojson.add_argument("file", metavar="FILE", help="a FeatureCollection; properties level, code, name")
    add_db_option(geojson, "map_db")
    geojson.set_defaults(map_action=_import_geojson)


def run_map(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run one of :data:`COMMANDS`; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.storage.boundaries import BoundaryError
    from console.storage.db import StoreError, open_store
    from console.storage.positions import DeviceError

    url = database_url(args, "map_db", fallback_db)
    try:
        store = open_store(url)
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.map_action(store, args, fail)
    except (DeviceError, BoundaryError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
    finally:
        store.dispose()


# -- actions -----------------------------------------------------------------------------------------

def _serve(store, args, fail: Fail) -> int:
    """Run the intake until SIGTERM or SIGINT (Ctrl+C), then drain it: requests in hand are answered,
    queued fixes stored, and the exit status is 0 only if everything was stored in time.

    Request lines go to stderr through the ``gridwatch.access`` logger (off with ``--quiet``);
    the URLs (with the ports actually bound, so ``--osmand-port 0`` is usable) and the final
    ``stopped:`` line go to stdout."""
    from console.service import ServiceError, start_service

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s",
                        stream=sys.stderr)
    if args.quiet:
        logging.getLogger("gridwatch.access").setLevel(logging.WARNING)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # Before starting, so that no signal finds the default handler; SIGINT too, rather than
        # KeyboardInterrupt, so that a second Ctrl+C cannot break off the draining.
        for number in (signal.SIGTERM, signal.SIGINT):
            previous[number] = signal.signal(number, lambda *_: stop.set())
    try:
        try:
            handle = start_service(store, bind=args.bind, osmand_port=args.osmand_port, http_port=args.http_port,
                                   allow_remote=args.allow_remote, offline_after_s=args.offline_after * 60,
                                   retention_days=args.retention_days or None)
        except ServiceError as exc:
            return fail(str(exc))
        print(f"OsmAnd (Traccar Client): {handle.osmand_url}", flush=True)
        print(f"OwnTracks (HTTP mode):   {handle.owntracks_url}", flush=True)
        print(f"Open311 GeoReport v2:    {handle.open311_url}", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        finally:
            flushed = handle.stop()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if not flushed:
        return fail(f"stopped: {handle.stats.stored} positions stored, but the writer did not finish; "
                    "unacknowledged positions will be sent again by the phones")
    print(f"stopped: {handle.stats.stored} positions stored", flush=True)
    return 0


def _devices_list(store, args, fail: Fail) -> int:
    from console.storage.positions import PositionStore

    for device in PositionStore(store).devices():
        print("\t".join((device.unique_id, device.worker_name, device.grid_name)))
    return 0


def _devices_add(store, args, fail: Fail) -> int:
    from console.storage.positions import PositionStore

    kind = args.kind or ("owntracks" if "/" in args.device_id else "osmand")
    device = PositionStore(store, actor="gridwatch devices").add_device(args.worker, args.device_id, kind=kind)
    print(f"registered {device.kind} device {device.unique_id!r} for {device.worker_name} ({device.grid_name})")
    return 0


def _devices_remove(store, args, fail: Fail) -> int:
    from console.storage.positions import PositionStore

    device = PositionStore(store, actor="gridwatch devices").remove_device(args.device_id)
    print(f"removed device {device.unique_id!r} of {device.worker_name}")
    return 0


def _track_export(store, args, fail: Fail) -> int:
    from console.core.gpx import track_gpx
    from console.storage.positions import PositionStore

    if args.end < args.start:
        return fail("--to is before --from")
    positions = PositionStore(store)
    device = positions.device(args.device)
    points = positions.device_track(device.unique_id, args.start, args.end)
    document = track_gpx(f"{device.worker_name} ({device.unique_id})", points)
    if str(args.out) == "-":
        sys.stdout.buffer.write(document)
    else:
        try:
            args.out.write_bytes(document)
        except OSError as exc:
            return fail(f"cannot write {args.out}: {exc.strerror or exc}")
        print(f"wrote {len(points)} track points to {args.out}")
    return 0


def _import_geojson(store, args, fail: Fail) -> int:
    from console.storage.boundaries import BoundaryBook

    result = BoundaryBook(store).import_geojson(Path(args.file))
    print(result.describe())
    if result.unknown_codes:
        shown = ", ".join(result.unknown_codes[:5]) + (" ..." if len(result.unknown_codes) > 5 else "")
        print(f"gridwatch: {len(result.unknown_codes)} outlines name no place in this database: {shown}",
              file=sys.stderr)
    return 0


# -- argument types ----------------------------------------------------------------------------------


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return int(text)


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def _time(text: str) -> datetime:
    """ISO-8601 (local time unless it names a zone) or Unix seconds, as an aware datetime."""
    value = text.strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), timezone.utc)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (use e.g. 2026-11-29T08:00 or Unix seconds)") \
            from None
    return when if when.tzinfo is not None else when.astimezone()  # naive: this computer's time zone

