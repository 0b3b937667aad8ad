"""The headless intake (``gridwatch serve``): positions and Open311 reports, Qt-free, no web framework.

* :func:`console.service.intake.start_service` starts it in-process and returns a
  :class:`~console.service.intake.ServiceHandle` (``.osmand_port``, ``.http_port``,
  ``.stats``, ``.check_offline()``, ``.on_offline(listener)``, ``.stop()``).
* :mod:`console.service.protocols` decodes the OsmAnd (Traccar Client) and OwnTracks messages;
* :mod:`console.service.open311` serves Open311 GeoReport v2 under ``/open311/v2/`` on the HTTP port
  (documents in :mod:`~console.service.open311_format`, store access in :mod:`~console.service.open311_store`);
* :mod:`console.service.patrol_upkeep` keeps the daily patrol summaries up to date, on a thread of its own;
* :mod:`console.service.health` answers ``GET /health`` on both ports;
* :mod:`console.service.access_log` writes one line per request, without secrets;
* :mod:`console.service.http` is the small asyncio HTTP/1.1 server underneath.
"""

from console.service.intake import IntakeConfig, IntakeStats, ServiceError, ServiceHandle, start_service

__all__ = ["IntakeConfig", "IntakeStats", "ServiceError", "ServiceHandle", "start_service"]
