"""Column types shared by the ORM models."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Integer
from sqlalchemy.types import TypeDecorator


class EpochSeconds(TypeDecorator):
    """An aware UTC datetime stored as integer seconds since the epoch.

    Integers keep the 2.2-million-row incident table small and its time
    indexes fast in SQLite and PostgreSQL alike.
    """

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, int):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime; Gridwatch stores aware UTC times only")
        return int(value.timestamp())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return datetime.fromtimestamp(value, timezone.utc)


class FixedPoint(TypeDecorator):
    """A float stored as an integer number of ``1/scale`` units.

    For the position table, which grows by a row per worker every few seconds: SQLite stores
    a small integer in 1-4 bytes where a REAL takes 8.  Longitude and latitude use millionths
    of a degree (:data:`MICRO_DEGREES`, about 0.1 m), speed hundredths of a metre per second.
    """

    impl = Integer
    cache_ok = True

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    def process_bind_param(self, value, dialect):
        return None if value is None else round(value * self.scale)

    def process_result_value(self, value, dialect):
        return None if value is None else value / self.scale


#: Degrees of longitude or latitude as integer millionths.
MICRO_DEGREES = 1_000_000
#: Metres per second as integer centimetres per second.
CENTI = 100
