"""``gridwatch cameras``: add, list, remove and import the cameras of the video wall; aim them and ask which see a point.

``cameras set NAME --direction DEG --fov DEG --range METRES`` stores where a camera looks (direction in
degrees clockwise from north); ``cameras covering --lon X --lat Y`` prints the names of the cameras that
see the point, closest first, one a line (see :mod:`console.core.coverage`).

Like the rest of the command line, a refusal is one line on stderr and a
non-zero exit.  URLs are shown masked; credentials never reach the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from console.cli_args import add_db_option, database_url, first_line

Fail = Callable[..., int]


def add_cameras_parser(commands) -> None:
    """Register ``cameras`` and its subcommands on the top-level subparsers ``commands``."""
    cameras = commands.add_parser("cameras", help="add, list, remove or import the cameras of the video wall")
    add_db_option(cameras, "cameras_db")
    actions = cameras.add_subparsers(title="camera commands", parser_class=type(cameras), required=True)

    add = actions.add_parser("add", help="add a camera")
    add.add_argument("name", metavar="NAME")
    add.add_argument("url", metavar="URL", help="main stream URL (rtsp://user:password@host/...)")
    add.add_argument("--sub-url", metavar="URL", help="low-resolution stream for small tiles")
    add.add_argument("--onvif-url", metavar="URL", help="ONVIF device-service URL, for PTZ")
    add.add_argument("--lon", type=float, metavar="X", help="longitude in degrees (with --lat)")
    add.add_argument("--lat", type=float, metavar="Y", help="latitude in degrees (with --lon)")
    add.add_argument("--group", default="", metavar="G", help="group on the wall, e.g. a road or village")
    add.set_defaults(camera_action=_add)

    listing = actions.add_parser("list", help="one tab-separated line per camera: name, URL (masked), "
                                              "group, lon,lat, village/grid")
    listing.set_defaults(camera_action=_list)

    remove = actions.add_parser("remove", help="remove a camera")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(camera_action=_remove)

    load = actions.add_parser("import", help="add the cameras of a CSV file (header: name,url,sub_url,lon,lat,"
                                             "group,onvif_url; - reads stdin)")
    load.add_argument("file", metavar="FILE.csv")
    load.set_defaults(camera_action=_import)

    aim = actions.add_parser("set", help="set where a camera looks: its field of view on the ground")
    aim.add_argument("name", metavar="NAME")
    aim.add_argument("--direction", type=float, metavar="DEG", help="degrees clockwise from north")
    aim.add_argument("--fov", type=float, metavar="DEG", help="angle of view in degrees (360: a dome or PTZ)")
    aim.add_argument("--range", type=float, metavar="METRES", dest="range_m", help="how far it sees, in metres")
    aim.add_argument("--clear", action="store_true", help="forget the camera's field of view")
    aim.set_defaults(camera_action=_set_view)

    covering = actions.add_parser("covering", help="the cameras that see a point, closest first, one a line")
    covering.add_argument("--lon", type=float, metavar="X", required=True, help="longitude in degrees")
    covering.add_argument("--lat", type=float, metavar="Y", required=True, help="latitude in degrees")
    covering.set_defaults(camera_action=_covering)

    for action in (add, listing, remove, load, aim, covering):
        add_db_option(action, "cameras_db")


def run_cameras(args, fallback_db: Callable[[], str], fail: Fail) -> int:
    """Run a ``cameras`` subcommand; ``fallback_db`` gives the database when no ``--db`` was given."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.core.coverage import CoverageError
    from console.storage.cameras import CameraBook, CameraError
    from console.storage.db import StoreError, open_store

    url = database_url(args, "cameras_db", fallback_db)
    try:
        store = open_store(url)
    except StoreError as exc:
        return fail(str(exc))
    try:
        return args.camera_action(CameraBook(store, actor="gridwatch cameras"), args, fail)
    except (CameraError, CoverageError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {first_line(exc)}")
    finally:
        store.dispose()


def _add(book, args, fail: Fail) -> int:
    camera = book.add(args.name, args.url, sub_url=args.sub_url, onvif_url=args.onvif_url, lon=args.lon,
                      lat=args.lat, group=args.group)
    place = _place(camera)
    print(f"added camera {camera.name!r} ({camera.masked_url})" + (f" in {place}" if place else ""))
    return 0


def _list(book, args, fail: Fail) -> int:
    for camera in book.list():
        location = f"{camera.lon},{camera.lat}" if camera.lon is not None and camera.lat is not None else ""
        print("\t".join((camera.name, camera.masked_url, camera.group, location, _place(camera))))
    return 0


def _remove(book, args, fail: Fail) -> int:
    camera = book.remove(args.name)
    print(f"removed camera {camera.name!r}")
    return 0


def _import(book, args, fail: Fail) -> int:
    source = sys.stdin.buffer.read() if args.file == "-" else Path(args.file)
    result = book.import_csv(source)
    for error in result.errors:
        print(f"gridwatch: {args.file}: {error}", file=sys.stderr)
    print(f"added {len(result.added)} camera{'' if len(result.added) == 1 else 's'}")
    if result.errors:
        return 1
    if not result.added:
        return fail(f"{args.file} holds no cameras")
    return 0


def _set_view(book, args, fail: Fail) -> int:
    from console.core.coverage import FieldOfView
    from console.storage.camera_views import CameraViews

    given = (args.direction, args.fov, args.range_m)
    if args.clear:
        if any(value is not None for value in given):
            return fail("--clear takes no --direction, --fov or --range", 2)
        CameraViews(book.store, actor=book.actor).set_view(args.name, None)
        print(f"camera {book.get(args.name).name!r} has no field of view now")
        return 0
    camera = book.get(args.name)
    views = CameraViews(book.store, actor=book.actor)
    current = views.placed().get(camera.id)
    old = current.view if current is not None else None
    if old is None and None in given:
        return fail(f"camera {camera.name!r} is not aimed yet: give --direction, --fov and --range", 2)
    if old is None and camera.lon is None:
        return fail(f"camera {camera.name!r} has no position: add --lon/--lat to it first", 2)
    view = FieldOfView(*(new if new is not None else kept for new, kept in
                         zip(given, (old.direction_deg, old.fov_deg, old.range_m) if old else given)))
    views.set_view(camera.id, view)
    print(f"camera {camera.name!r} looks {view.direction_deg:g}° from north over {view.fov_deg:g}°, "
          f"up to {view.range_m:g} m")
    return 0


def _covering(book, args, fail: Fail) -> int:
    from console.storage.camera_views import CameraViews

    if not (-180 <= args.lon <= 180 and -90 <= args.lat <= 90):
        return fail("--lon must be within ±180 and --lat within ±90", 2)
    seen = CameraViews(book.store).covering(args.lon, args.lat)
    for camera in seen:
        print(camera.name)
    if not seen:
        print("no camera sees that point", file=sys.stderr)
    return 0


def _place(camera) -> str:
    """``village/grid``, whichever of the two is known, or empty."""
    return "/".join(name for name in (camera.village_name, camera.grid_name) if name)

