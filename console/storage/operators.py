"""The console's users (operators): add them, list them, and check a login.

Passwords are kept only as a scrypt hash (memory-hard: n=2**14, r=8, p=1, 16 MiB a guess) with a random
per-user salt, the parameters stored with it — ``scrypt$n$r$p$salt_b64$hash_b64`` — so they can be
raised later without invalidating the stored hashes.  A login is checked with
:func:`hmac.compare_digest`; an unknown user costs one hash too and gets the same message as a wrong
password, so neither the answer nor its time tells which user names exist.  After
:data:`MAX_FAILURES` consecutive failures the user is locked for :data:`LOCK_OUT`.

Administrators manage users: add, change a role, disable and enable, unlock (clear a lock-out), reset a
password.  Those writes check the acting role in the core (:mod:`console.storage.acting`: a plain book is
the command line, with full rights; ``book.for_operator(role, actor)`` is a logged-in operator's), and
refuse to leave the store without an enabled administrator.  Anyone may change their own password with
the current one (a wrong one counts as a failed login).

Every add, change, login, failed login and lock-out is one transaction with an audit entry whose
``subject`` is ``operator:<id>``.
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

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from console.core.clock import Clock, SystemClock
from console.core.roles import MANAGE_USERS, Role, parse_role, user_role
from console.storage.acting import Acting
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
        """Whether the user is locked out at ``now`` (too many failed logins)."""
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


class OperatorBook(Acting):
    """The store's users; each change is one transaction with an audit entry.

    Built plainly it acts with full rights (the command line); :meth:`for_operator` binds it to a logged-in
    operator, and then adding and managing users needs an administrator (:data:`MANAGE_USERS`)."""

    def __init__(self, store: Store, clock: Clock | None = None, *, role: Role | str = Role.SYSTEM,
                 actor: str = "system"):
        self.store = store
        self.clock = clock or SystemClock()
        self._bind(role, actor)

    def add(self, login: str, role: str | Role, password: str, display_name: str = "",
            actor: str | None = None) -> OperatorRecord:
        """A new user with a password; OperatorError for a bad or taken name, an unknown role, a short password."""
        self.check_role(MANAGE_USERS)
        actor = actor or self.actor
        login = (login or "").strip()
        if not _LOGIN.fullmatch(login):
            raise OperatorError("a user name is 1 to 32 letters, digits, '.', '_' or '-', starting with a "
                                "letter or digit")
        role = _user_role(role)
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
        """The user named ``login``, or None."""
        with self.store.sessions() as session:
            row = session.scalar(select(Operator).where(Operator.login == (login or "").strip()))
            return _record(row) if row is not None else None

    def authenticate(self, login: str, password: str, *, action: str = "login") -> OperatorRecord:
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
            if ok and operator.disabled:  # on the record: raised after the commit, not rolled back with it
                session.add(_audit(operator.id, now, operator.login, "failed_login", "user is disabled"))
                refusal = OperatorError("this user is disabled")
            elif ok:
                operator.failed_logins = 0
                operator.locked_until = None
                if action == "login":
                    session.add(_audit(operator.id, now, operator.login, "login", "password"))
                return _record(operator)
            else:
                refusal = self._failed(session, operator, now, action)
        raise refusal

    @staticmethod
    def _failed(session, operator: Operator, now: datetime, action: str) -> OperatorError:
        """Count a wrong password (locking the user at the fifth in a row); the error to raise after commit."""
        operator.failed_logins = (operator.failed_logins or 0) + 1
        session.add(_audit(operator.id, now, operator.login, "failed_login",
                           f"failure {operator.failed_logins} in a row" + ("" if action == "login" else
                                                                           f" ({action})")))
        if operator.failed_logins < MAX_FAILURES:
            return OperatorError(WRONG)
        operator.locked_until = now + LOCK_OUT
        operator.failed_logins = 0
        session.add(_audit(operator.id, now, "system", "lock_out",
                           f"locked until {operator.locked_until:%Y-%m-%d %H:%M} UTC after "
                           f"{MAX_FAILURES} failed logins"))
        return LockedOut(operator.locked_until)

    # -- administration (MANAGE_USERS) ---------------------------------------------------------
    def set_role(self, login: str, role: str | Role) -> OperatorRecord:
        """Give ``login`` another role (operator, duty, admin); the last enabled administrator keeps theirs."""
        self.check_role(MANAGE_USERS)
        role = _user_role(role)

        def change(session, operator, _now):
            old = parse_role(operator.role)
            if old is role and operator.role == role.label:
                return None
            if old is Role.ADMIN and role is not Role.ADMIN and not operator.disabled:
                _keep_an_administrator(session, operator)
            operator.role = role.label
            return "set_role", f"role {old.label} -> {role.label}"
        return self._change(login, change)

    def disable(self, login: str) -> OperatorRecord:
        """``login`` can no longer log in (their records stay); not the last enabled administrator."""
        self.check_role(MANAGE_USERS)

        def change(session, operator, _now):
            if operator.disabled:
                return None
            if parse_role(operator.role) is Role.ADMIN:
                _keep_an_administrator(session, operator)
            operator.disabled = True
            return "disable_operator", "disabled"
        return self._change(login, change)

    def enable(self, login: str) -> OperatorRecord:
        """``login`` may log in again."""
        self.check_role(MANAGE_USERS)

        def change(_session, operator, _now):
            if not operator.disabled:
                return None
            operator.disabled = False
            return "enable_operator", "enabled"
        return self._change(login, change)

    def unlock(self, login: str) -> OperatorRecord:
        """Clear ``login``'s lock-out and count of failed logins."""
        self.check_role(MANAGE_USERS)

        def change(_session, operator, now):
            was_locked = operator.locked_until is not None and operator.locked_until > now
            if not was_locked and not operator.failed_logins:
                return None
            operator.locked_until = None
            operator.failed_logins = 0
            return "unlock_operator", "lock-out cleared" if was_locked else "failed logins cleared"
        return self._change(login, change)

    def reset_password(self, login: str, password: str) -> OperatorRecord:
        """Give ``login`` a new password (an administrator's reset); it also clears a lock-out."""
        self.check_role(MANAGE_USERS)
        hashed = hash_password(check_new_password(password))

        def change(_session, operator, _now):
            operator.password_hash = hashed
            operator.locked_until = None
            operator.failed_logins = 0
            return "reset_password", "password reset by an administrator"
        return self._change(login, change)

    # -- one's own ------------------------------------------------------------------------------
    def change_password(self, login: str, old_password: str, new_password: str) -> OperatorRecord:
        """``login`` changes their own password, proving it with the current one (any role may).

        A wrong current password is a failed login (and may lock the user out, :class:`LockedOut`)."""
        check_new_password(new_password)
        if new_password == old_password:
            raise OperatorError("the new password must differ from the current one")
        try:
            self.authenticate(login, old_password, action="password change")
        except LockedOut:
            raise
        except OperatorError as exc:
            raise OperatorError("the current password is wrong" if str(exc) == WRONG else str(exc)) from None
        hashed = hash_password(new_password)
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            operator = session.scalar(select(Operator).where(Operator.login == login.strip()).with_for_update())
            if operator is None:
                raise OperatorError(WRONG)
            operator.password_hash = hashed
            session.add(_audit(operator.id, now, operator.login, "change_password", "changed their own password"))
            return _record(operator)

    def _change(self, login: str, change) -> OperatorRecord:
        """Apply ``change(session, operator, now)`` to ``login`` in one transaction; it returns
        ``(action, note)`` for the audit entry, or None when there was nothing to change."""
        now = self.clock.now()
        with self.store.sessions.begin() as session:
            # Every user's row locked (PostgreSQL) or the database's write lock taken (SQLite) before anything
            # is read: changes to users queue up one behind the other, and the last-administrator guard sees
            # the change before it.
            session.execute(update(Operator).values(failed_logins=Operator.failed_logins))
            operator = session.scalar(select(Operator).where(Operator.login == (login or "").strip()))
            if operator is None:
                raise OperatorError(f"no user named {login!r}")
            done = change(session, operator, now)
            if done is not None:
                session.add(_audit(operator.id, now, self.actor, *done))
            return _record(operator)

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


def _user_role(role: str | Role) -> Role:
    """A role a user may have (not :data:`Role.SYSTEM`), else OperatorError."""
    if isinstance(role, Role) and role is not Role.SYSTEM:
        return role
    try:
        return user_role(str(role.label if isinstance(role, Role) else role))
    except ValueError as exc:
        raise OperatorError(str(exc)) from None


def _keep_an_administrator(session, leaving: Operator) -> None:
    """OperatorError unless another enabled administrator remains when ``leaving`` stops being one (the
    caller holds every user's row locked, so two administrators demoting each other cannot both pass)."""
    enabled = session.execute(select(Operator.id, Operator.role).where(Operator.disabled.is_(False))).all()
    if not any(parse_role(role) is Role.ADMIN for operator_id, role in enabled if operator_id != leaving.id):
        raise OperatorError(f"{leaving.login!r} is the last enabled administrator: make another user an "
                            "administrator first")


def _record(row: Operator) -> OperatorRecord:
    return OperatorRecord(row.id, row.login, row.display_name, parse_role(row.role), row.role or "",
                          row.locked_until, bool(row.disabled), row.password_hash is not None)


def _audit(operator_id: int, at: datetime, actor: str, action: str, note: str) -> AuditEntry:
    return AuditEntry(incident_id=None, subject=f"operator:{operator_id}", at=at, actor=actor[:64],
                      action=action, note=note[:500])
