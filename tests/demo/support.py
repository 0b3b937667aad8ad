"""Shared helpers of the demo tests."""

from __future__ import annotations

from datetime import datetime, timezone

from console.storage.db import open_store

#: 10:00 in the morning local time (02:00 UTC), so "recent" incidents are in every state.
UNTIL = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


def new_store(path):
    """A freshly migrated SQLite store at ``path``."""
    return open_store(str(path))
