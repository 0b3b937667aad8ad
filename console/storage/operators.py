"""The console's users (operators): add them, list them, and check a login.

Passwords are kept only as a scrypt hash (memory-hard: n=2**14, r=8, p=1, 16 MiB a guess) with a random
per-user salt, the parameters stored with it — ``scrypt$n$r$p$salt_b64$hash_b64`` — so they can be
raised later without invalidating the stored hashes.  A login is checked with
:func:`hmac.compare_digest`; an unknown user costs one hash too and gets the same message as a wrong
password, so neither the answer nor its time tells which user names exist.  After
:data:`MAX_FAILURES` consecutive failures the user is locked for :data:`LOCK_OUT`.

Every add, login, failed login and lock-out is an audit entry with ``subject`` ``operator:<id>``.
Plain functions of a store (Qt-free): the console runs them on its I/O threads, the command line directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.core.clock import Clock, SystemClock
from console.core.roles import Role, parse_role, user_role
from console.storage.db import Store
from console.storage.models import AuditEntry, Meta, Operator

#: scrypt parameters for new hashes (memory: 128 * r * n bytes = 16 MiB).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_FAILURES = 5
LOCK_OUT = timedelta(minutes=5)
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
WRONG = "wrong user name or password"
#: The meta key every demo store has (console.demo.writer writes ``demo.*``).
DEMO_MARK = "demo.scale"


class OperatorError(ValueError):
    """A user cannot be added or cannot log in; the message is one line for the user."""


class LockedOut(OperatorError):
    """Too many failed logins: the user is locked until :attr:`until` (an aware UTC datetime)."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"locked until {until.astimezone():%H:%M}")


@dataclass(frozen=True)
class OperatorRecord:
    """A user as lists and the console see them; never the password hash."""

    id: int
    login: str
    display_name: str
    role: Role
    stored_role: str
    locked_until: datetime | None
    disabled: bool
    has_password: bool

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P,
                  salt: bytes | None = None) -> str:
    """The stored form of ``password``: ``scrypt$n$r$p$salt_b64$hash_b64`` with a fresh random salt."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p, HASH_BYTES)
    return "$".join(("scrypt", str(n), str(r), str(p), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the stored hash (a malformed or missing hash matches nothing)."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=256 * r * n + 1024 * 1024)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


#: Hashed once per process for unknown users, so their answer takes as long as a real user's.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def check_new_password(password: str) -> str:
    """``password`` if it is acceptable for a new user (8 to 1024 characters), else OperatorError."""
    if len(password) < MIN_PASSWORD:
        raise OperatorError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise OperatorError(f"the password must have at most {MAX_PASSWORD} characters")
    return password


class OperatorBook:
    """The store's users; each change is one transaction."""

    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or SystemClock()

    def add(self, login: str, role: str | Role, password: str, display_name: str = "",
            actor: str = "system") -> OperatorRecord:
        """A new user with a password; OperatorError for a bad or taken name, an unknown role, a short password."""
        login = (login or "").strip()
        if not _LOGIN.fullmatch(login):
            raise OperatorError("a user name is 1 to 32 letters, digits, '.', '_' or '-', starting with a "
                                "letter or digit")
        try:
            role = role if isinstance(role, Role) and role is not Role.SYSTEM else user_role(str(role))
        except ValueError as exc:
            raise OperatorError(str(exc)) from None
        display_name = (display_name or "").strip() or login
        if len(display_name) > 64:
            raise OperatorError("a display name has at most 64 characters")
        hashed = hash_password(check_new_password(password))
        now = self.clock.now()
        try:
            with self.store.sessions.begin() as session:
                if session.scalar(select(Operator.id).where(Operator.login == login)) is not None:
                    raise OperatorError(f"a user named {login!r} already exists")
                operator = Operator(login=login, display_name=display_name, role=role.label, password_hash=hashed,
                                    failed_logins=0, locked_until=None, disabled=False)
                session.add(operator)
                session.flush()
                session.add(_audit(operator.id, now, actor, "add_operator",
                                   f"user {login} ({display_name}), role {role.label}"))
                return _record(operator)
        except IntegrityError:
            raise OperatorError(f"a user named {login!r} already exists") from None

    def list(self) -> list[OperatorRecord]:
        """Every user, by login."""
        with self.store.sessions() as session:
            return [_record(row) for row in session.scalars(select(Operator).order_by(Operator.login))]

    def get(self, login: str) -> OperatorRecord | None:
        with self.store.sessions() as session:
            row = session.scalar(select(Operator).where(Operator.login == (login or "").strip()))
            return _record(row) if row is not None else None

    def authenticate(self, login: str, password: str) -> OperatorRecord:
        """The user if ``password`` is theirs; else OperatorError ("wrong user name or password", the same
        for an unknown user), or :class:`LockedOut` while locked (a fifth failure in a row locks)."""
        login = (login or "").strip()
        now = self.clock.now()
        with self.store.sessions() as session:
            row = session.scalar(select(Operator).where(Operator.login == login)) if login else None
            stored = row.password_hash if row is not None else None
        if row is None or stored is None:
            verify_password(password, _dummy_hash())  # the same cost as a real check
            raise OperatorError(WRONG)
        if row.locked_until is not None and row.locked_until > now:
            raise LockedOut(row.locked_until)
        ok = verify_password(password, stored)
        with self.store.sessions.begin() as session:
            operator = session.get(Operator, row.id, with_for_update=True)
            if operator is None:
                raise OperatorError(WRONG)
            if ok and operator.disabled:
                session.add(_audit(operator.id, now, operator.login, "failed_login", "user is disabled"))
                raise OperatorError("this user is disabled")
            if ok:
                operator.failed_logins = 0
                operator.locked_until = None
                session.add(_audit(operator.id, now, operator.login, "login", "password"))
                return _record(operator)
            operator.failed_logins = (operator.failed_logins or 0) + 1
            session.add(_audit(operator.id, now, operator.login, "failed_login",
                               f"failure {operator.failed_logins} in a row"))
            if operator.failed_logins >= MAX_FAILURES:
                operator.locked_until = now + LOCK_OUT
                operator.failed_logins = 0
                session.add(_audit(operator.id, now, "system", "lock_out",
                                   f"locked until {operator.locked_until:%Y-%m-%d %H:%M} UTC after "
                                   f"{MAX_FAILURES} failed logins"))
                locked = LockedOut(operator.locked_until)
            else:
                locked = None
        if locked is not None:
            raise locked
        raise OperatorError(WRONG)

    def demo_login(self, login: str) -> OperatorRecord:
        """Log ``login`` in without a password — only on a demo store and only a user without a password;
        recorded as a demo login."""
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            if session.get(Meta, DEMO_MARK) is None:
                raise OperatorError("this is not a demo store: log in with a user name and password")
            operator = session.scalar(select(Operator).where(Operator.login == login))
            if operator is None or operator.disabled:
                raise OperatorError(f"no demo operator {login!r} in this database")
            if operator.password_hash is not None:
                raise OperatorError(f"{login!r} has a password: log in with it")
            session.add(_audit(operator.id, now, operator.login, "login", "demo login (no password)"))
            return _record(operator)


def _record(row: Operator) -> OperatorRecord:
    return OperatorRecord(row.id, row.login, row.display_name, parse_role(row.role), row.role or "",
                          row.locked_until, bool(row.disabled), row.password_hash is not None)


def _audit(operator_id: int, at: datetime, actor: str, action: str, note: str) -> AuditEntry:
    return AuditEntry(incident_id=None, subject=f"operator:{operator_id}", at=at, actor=actor[:64],
                      action=action, note=note[:500])
