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
