"""The headless position intake (``gridwatch serve``), Qt-free, standard library only.

* :func:`console.service.intake.start_service` starts it in-process and returns a
  :class:`~console.service.intake.ServiceHandle` (``.osmand_port``, ``.http_port``,
  ``.stats``, ``.check_offline()``, ``.on_offline(listener)``, ``.stop()``).
* :mod:`console.service.protocols` decodes the OsmAnd (Traccar Client) and OwnTracks messages;
* :mod:`console.service.http` is the small asyncio HTTP/1.1 server underneath.
"""

from console.service.intake import IntakeConfig, IntakeStats, ServiceError, ServiceHandle, start_service

__all__ = ["IntakeConfig", "IntakeStats", "ServiceError", "ServiceHandle", "start_service"]
