"""The throw-away PostgreSQL the storage tests run against (tests/pg.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests import pg


def test_postgresql_server_is_private_to_the_tests(pg_server):
    assert pg_server.running
    engine = create_engine(pg_server.url())
    try:
        with engine.connect() as connection:
            settings = {name: connection.execute(text(f"SHOW {name}")).scalar()
                        for name in ("listen_addresses", "port", "unix_socket_directories", "server_version",
                                     "lc_collate")}
    finally:
        engine.dispose()
    assert settings["listen_addresses"] == "127.0.0.1"
    assert settings["port"] == str(pg_server.port) and pg_server.port != 5432
    assert settings["unix_socket_directories"] == str(pg_server.socket_dir)
    assert settings["server_version"].startswith("15")
    assert settings["lc_collate"] == "C"  # text sorts by code point, as in SQLite and Python


def test_missing_postgresql_fails_with_what_to_install(monkeypatch):
    monkeypatch.setattr(pg.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pg.shutil, "which", lambda name: None)
    with pytest.raises(pg.PgUnavailable, match=r"\.ci/run installs the Debian package `postgresql`"):
        pg.find_bin_dir()
