"""Users: scrypt hashes with their own salts, one message for every wrong login, lock-out, all on the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.core.roles import Role
from console.storage.models import AuditEntry, Meta, Operator
from console.storage.operators import (LockedOut, OperatorBook, OperatorError, hash_password, verify_password)

# Cheap parameters keep the tests fast; the stored hash names its own parameters.
PASSWORD = "correct horse"


@pytest.fixture
def book(store, clock) -> OperatorBook:
    return OperatorBook(store, clock)


def audit(store, operator_id: int) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.subject == f"operator:{operator_id}")
                                    .order_by(AuditEntry.id)))


def test_a_hash_carries_its_parameters_and_its_own_salt():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # per-user salt
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2 ** 14), "8", "1") and salt and digest
    assert verify_password(PASSWORD, first) and not verify_password("wrong one", first)
    cheap = hash_password(PASSWORD, n=2 ** 4)
    assert cheap.split("$")[1] == "16" and verify_password(PASSWORD, cheap)
    assert not verify_password(PASSWORD, None) and not verify_password(PASSWORD, "scrypt$x$y")


def test_add_validates_and_list_never_shows_the_password(store, book):
    added = book.add("wangli", "duty", PASSWORD, display_name="值班员 王丽")
    assert (added.login, added.display_name, added.role) == ("wangli", "值班员 王丽", Role.DUTY)
    with store.sessions() as session:
        stored = session.scalar(select(Operator).where(Operator.login == "wangli"))
        assert stored.role == "duty" and stored.password_hash.startswith("scrypt$")
        assert PASSWORD not in stored.password_hash
    for login, role, password, message in (("wangli", "duty", PASSWORD, "already exists"),
                                           ("bad name", "duty", PASSWORD, "user name"),
                                           ("zhang", "chief", PASSWORD, "unknown role"),
                                           ("zhang", "operator", "short", "at least 8")):
        with pytest.raises(OperatorError, match=message):
            book.add(login, role, password)
    assert [r.login for r in book.list()] == ["wangli"]
    assert audit(store, added.id) == ["add_operator"]


def test_login_and_the_same_message_for_unknown_users_and_wrong_passwords(store, book):
    added = book.add("zhanghua", "operator", PASSWORD)
    assert book.authenticate("zhanghua", PASSWORD).id == added.id
    with pytest.raises(OperatorError) as unknown:
        book.authenticate("nobody", PASSWORD)
    with pytest.raises(OperatorError) as wrong:
        book.authenticate("zhanghua", "not the password")
    assert str(unknown.value) == str(wrong.value) == "wrong user name or password"
    assert audit(store, added.id) == ["add_operator", "login", "failed_login"]


def test_five_failures_in_a_row_lock_the_user_for_five_minutes(store, book, clock):
    added = book.add("chengang", "duty", PASSWORD)
    for _ in range(4):
        with pytest.raises(OperatorError, match="wrong user name or password"):
            book.authenticate("chengang", "guess")
    assert book.authenticate("chengang", PASSWORD).login == "chengang"  # a success starts the count again
    for _ in range(4):
        with pytest.raises(OperatorError):
            book.authenticate("chengang", "guess")
    with pytest.raises(LockedOut, match=r"^locked until \d\d:\d\d$") as locked:
        book.authenticate("chengang", "guess")
    assert locked.value.until == clock.now() + timedelta(minutes=5)
    with pytest.raises(LockedOut):  # even the right password, while locked
        book.authenticate("chengang", PASSWORD)
    assert book.get("chengang").locked(clock.now())
    clock.advance(timedelta(minutes=5, seconds=1))
    assert book.authenticate("chengang", PASSWORD).login == "chengang"
    actions = audit(store, added.id)
    assert actions.count("lock_out") == 1 and actions.count("failed_login") == 9 and actions[-1] == "login"


def test_a_disabled_user_and_a_user_without_password_cannot_log_in(store, book):
    book.add("lixd", "admin", PASSWORD)
    with store.sessions.begin() as session:
        session.scalar(select(Operator).where(Operator.login == "lixd")).disabled = True
        session.add(Operator(login="demo", display_name="值班员 王丽", role="duty_officer"))
    with pytest.raises(OperatorError, match="not a demo store"):
        book.demo_login("demo")
    with store.sessions.begin() as session:
        session.add(Meta(key="demo.scale", value="town"))
    with pytest.raises(OperatorError, match="disabled"):
        book.authenticate("lixd", PASSWORD)
    with pytest.raises(OperatorError, match="wrong user name or password"):
        book.authenticate("demo", "")
    assert book.demo_login("demo").role is Role.DUTY
    with pytest.raises(OperatorError):
        book.demo_login("lixd")
