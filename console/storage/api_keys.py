"""API keys of the intake's clients: issue one (shown once), revoke it, list them, check one.

Why a plain SHA-256 and not a slow password hash (scrypt, bcrypt): a key is 32 random bytes
from :mod:`secrets`, 256 bits of entropy, so nobody can guess it from its hash however fast
the hash is; slow hashes defend *low*-entropy passwords against guessing.  A fast hash also
lets every request be checked by one indexed look-up of the hash (no per-key salt to try),
which matters at hundreds of reports a second.  The key itself is never stored or logged.

Issuing and revoking are an administrator's (:data:`~console.core.roles.MANAGE_KEYS`), checked here in
the core for a store bound to a logged-in operator (:mod:`console.storage.acting`); each is one
transaction with an audit entry whose ``subject`` is ``api_key:<id>``.  A revoked key fails the very
next :meth:`ApiKeyStore.verify`: nothing caches a key's state.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.core.clock import Clock, SystemClock
from console.core.roles import MANAGE_KEYS, Role
from console.storage.acting import Acting
from console.storage.db import Store
from console.storage.models import ApiKey, AuditEntry

#: The kinds of client a key may be issued for.
KINDS = ("open311", "device")
#: Keys start with this, so a leaked one is recognisable (e.g. by secret scanners).
KEY_PREFIX = "gw_"


class ApiKeyError(ValueError):
    """A key cannot be issued or revoked (a taken or unknown name, an unknown kind); one line."""


@dataclass(frozen=True)
class ApiKeyRecord:
    """A key as the operator sees it: never the key itself."""

    id: int
    name: str
    kind: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Not revoked: the key works."""
        return self.revoked_at is None


def hash_key(key: str) -> str:
    """The stored form of a key: SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeyStore(Acting):
    """The store's API keys; each change is one transaction with an audit entry.

    Built plainly it acts with full rights (the command line); bound by :meth:`for_operator`, issuing and
    revoking need an administrator."""

    def __init__(self, store: Store, clock: Clock | None = None, *, role: Role | str = Role.SYSTEM,
                 actor: str = "system"):
        self.store = store
        self.clock = clock or SystemClock()
        self._bind(role, actor)

    def issue(self, kind: str, name: str) -> tuple[ApiKeyRecord, str]:
        """A new key for client ``name``: its record and the key, which exists nowhere else afterwards."""
        self.check_role(MANAGE_KEYS)
        if kind not in KINDS:
            raise ApiKeyError(f"unknown key kind {kind!r}; known: {', '.join(KINDS)}")
        name = name.strip()
        if not name or len(name) > 64:
            raise ApiKeyError("a key's name must be 1 to 64 characters")
        if kind == "device":  # a phone's key is named by the phone's registered device id
            from console.storage.positions import DeviceError, PositionStore
            try:
                PositionStore(self.store).device(name)
            except DeviceError as exc:
                raise ApiKeyError(f"{exc}; register the phone first with `gridwatch devices add`") from None
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.store.sessions.begin() as session:
                if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
                    raise ApiKeyError(f"a key named {name!r} exists already; choose another name")
                now = self.clock.now()
                row = ApiKey(name=name, kind=kind, key_hash=hash_key(key), created_at=now)
                session.add(row)
                session.flush()
                session.add(self._audit(row, now, "issue_key", f"{kind} key {name}"))
                return _record(row), key
        except IntegrityError:  # another process took the name between the check and the insert
            raise ApiKeyError(f"a key named {name!r} exists already; choose another name") from None

    def revoke(self, name: str) -> ApiKeyRecord:
        """Stop the key named ``name`` from working, at once (revoking twice keeps the first time)."""
        self.check_role(MANAGE_KEYS)
        with self.store.sessions.begin() as session:
            row = session.scalar(select(ApiKey).where(ApiKey.name == name))
            if row is None:
                raise ApiKeyError(f"no key named {name!r}")
            if row.revoked_at is None:
                row.revoked_at = self.clock.now()
                session.add(self._audit(row, row.revoked_at, "revoke_key", f"{row.kind} key {row.name}"))
            return _record(row)

    def _audit(self, row: ApiKey, at: datetime, action: str, note: str) -> AuditEntry:
        return AuditEntry(incident_id=None, subject=f"api_key:{row.id}", at=at, actor=self.actor, action=action,
                          note=note[:500])

    def list(self) -> list[ApiKeyRecord]:
        """Every key, revoked ones too, oldest first."""
        with self.store.sessions() as session:
            return [_record(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))]

    def verify(self, key: str, kind: str) -> ApiKeyRecord | None:
        """The active key of ``kind`` that ``key`` is, or None (unknown, revoked or of another kind)."""
        return self.verify_many([key], kind).get(key)

    def verify_many(self, keys: Iterable[str], kind: str) -> dict[str, ApiKeyRecord]:
        """:meth:`verify` for several keys in one query: the active ones of ``kind``, by key."""
        by_hash = {hash_key(key): key for key in keys if key}
        if not by_hash:
            return {}
        with self.store.sessions() as session:
            rows = session.scalars(select(ApiKey).where(ApiKey.key_hash.in_(by_hash)))
            return {by_hash[row.key_hash]: _record(row) for row in rows
                    if row.kind == kind and row.revoked_at is None}


def _record(row: ApiKey) -> ApiKeyRecord:
    return ApiKeyRecord(row.id, row.name, row.kind, row.created_at, row.revoked_at)
