"""API keys on SQLite and PostgreSQL: issued once, stored hashed, revoked at once, listed without keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.storage.api_keys import KEY_PREFIX, ApiKeyError, ApiKeyStore, hash_key
from console.storage.models import ApiKey
from tests.storage.conftest import START


@pytest.fixture
def keys(store, clock) -> ApiKeyStore:
    return ApiKeyStore(store, clock)


def test_an_issued_key_verifies_and_only_its_hash_is_stored(keys, store):
    record, key = keys.issue("open311", "civic-app")
    assert key.startswith(KEY_PREFIX) and len(key) >= len(KEY_PREFIX) + 43  # 32 random bytes, base64url
    assert (record.name, record.kind, record.created_at, record.revoked_at, record.active) == \
        ("civic-app", "open311", START, None, True)
    assert keys.verify(key, "open311") == record
    with store.sessions() as session:
        [row] = session.scalars(select(ApiKey)).all()
        stored = [str(value) for value in (row.name, row.kind, row.key_hash)]
    assert row.key_hash == hash_key(key) and len(row.key_hash) == 64
    assert not any(key in value or key[len(KEY_PREFIX):] in value for value in stored)


def test_keys_differ_and_a_wrong_or_other_kind_of_key_is_refused(keys):
    _a, first = keys.issue("open311", "a")
    _b, second = keys.issue("open311", "b")
    assert first != second
    assert keys.verify(first[:-1], "open311") is None
    assert keys.verify("", "open311") is None
    assert keys.verify(first, "worker_app") is None


def test_revoking_stops_the_key_at_once_and_keeps_the_first_time(keys, clock):
    _record, key = keys.issue("open311", "kiosk")
    clock.advance(timedelta(hours=1))
    revoked = keys.revoke("kiosk")
    assert revoked.revoked_at == START + timedelta(hours=1) and not revoked.active
    assert keys.verify(key, "open311") is None
    clock.advance(timedelta(hours=1))
    assert keys.revoke("kiosk").revoked_at == START + timedelta(hours=1)


def test_list_shows_every_key_oldest_first(keys, clock):
    keys.issue("open311", "first")
    clock.advance(timedelta(minutes=1))
    keys.issue("open311", "second")
    keys.revoke("first")
    assert [(r.name, r.kind, r.active) for r in keys.list()] == [("first", "open311", False),
                                                                 ("second", "open311", True)]


@pytest.mark.parametrize("kind, name, message", [
    ("open311", "taken", "a key named 'taken' exists already"),
    ("telnet", "x", "unknown key kind 'telnet'"),
    ("open311", "  ", "a key's name must be 1 to 64 characters"),
    ("open311", "n" * 65, "a key's name must be 1 to 64 characters"),
])
def test_refusals(keys, kind, name, message):
    keys.issue("open311", "taken")
    with pytest.raises(ApiKeyError, match=message):
        keys.issue(kind, name)
    assert [r.name for r in keys.list()] == ["taken"]


def test_revoking_an_unknown_name_is_refused(keys):
    with pytest.raises(ApiKeyError, match="no key named 'ghost'"):
        keys.revoke("ghost")
