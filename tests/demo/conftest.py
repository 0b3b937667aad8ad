"""Shared demo stores: written once per test module, small (a few days of town history)."""

from __future__ import annotations

import pytest

from console.demo import write_demo_data
from tests.demo.support import UNTIL, new_store


@pytest.fixture(scope="module")
def town_store(tmp_path_factory):
    """A town with ten days of history (enough for "older than a week"), shared by a module's tests."""
    store = new_store(tmp_path_factory.mktemp("town") / "town.db")
    summary = write_demo_data(store, scale="town", days=10, seed=3, until=UNTIL)
    yield store, summary
    store.dispose()
