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


# -- administration ------------------------------------------------------------------------------------

def test_an_administrator_changes_a_role_and_the_last_administrator_stays_one(store, book):
    book.add("lixd", "admin", PASSWORD)
    zhang = book.add("zhanghua", "operator", PASSWORD)
    admin = book.for_operator(Role.ADMIN, "李晓东")
    assert admin.set_role("zhanghua", "duty").role is Role.DUTY
    assert admin.set_role("zhanghua", Role.DUTY).role is Role.DUTY  # no change: no entry
    with pytest.raises(OperatorError, match="last enabled administrator"):
        admin.set_role("lixd", "operator")
    with pytest.raises(OperatorError, match="last enabled administrator"):
        admin.disable("lixd")
    with pytest.raises(OperatorError, match="unknown role"):
        admin.set_role("zhanghua", "chief")
    with pytest.raises(OperatorError, match="unknown role"):
        admin.set_role("zhanghua", Role.SYSTEM)
    with pytest.raises(OperatorError, match="no user named 'ghost'"):
        admin.set_role("ghost", "duty")
    admin.set_role("zhanghua", "admin")
    assert admin.set_role("lixd", "operator").role is Role.OPERATOR  # another administrator remains
    assert audit(store, zhang.id) == ["add_operator", "set_role", "set_role"]


def test_a_disabled_user_cannot_log_in_until_enabled(store, book):
    added = book.add("zhanghua", "operator", PASSWORD)
    assert book.disable("zhanghua").disabled
    with pytest.raises(OperatorError, match="disabled"):
        book.authenticate("zhanghua", PASSWORD)
    assert not book.enable("zhanghua").disabled
    assert book.authenticate("zhanghua", PASSWORD).login == "zhanghua"
    assert audit(store, added.id) == ["add_operator", "disable_operator", "failed_login", "enable_operator",
                                      "login"]


def test_unlock_clears_a_lock_out_at_once(store, book, clock):
    added = book.add("chengang", "duty", PASSWORD)
    for _ in range(5):
        with pytest.raises(OperatorError):
            book.authenticate("chengang", "guess")
    with pytest.raises(LockedOut):
        book.authenticate("chengang", PASSWORD)
    assert not book.unlock("chengang").locked(clock.now())
    assert book.authenticate("chengang", PASSWORD).login == "chengang"
    book.unlock("chengang")  # nothing to clear: no entry
    assert audit(store, added.id)[-2:] == ["unlock_operator", "login"]


def test_an_administrator_resets_a_password_which_also_unlocks(store, book, clock):
    added = book.add("chengang", "duty", PASSWORD)
    for _ in range(5):
        with pytest.raises(OperatorError):
            book.authenticate("chengang", "guess")
    with pytest.raises(OperatorError, match="at least 8"):
        book.reset_password("chengang", "short")
    book.for_operator("admin", "李晓东").reset_password("chengang", "a new secret")
    with pytest.raises(OperatorError, match="wrong user name or password"):
        book.authenticate("chengang", PASSWORD)
    assert book.authenticate("chengang", "a new secret").login == "chengang"
    with store.sessions() as session:
        actor = session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "reset_password"))
    assert actor == "李晓东" and "reset_password" in audit(store, added.id)


def test_anyone_changes_their_own_password_with_the_current_one(store, book):
    added = book.add("zhanghua", "operator", PASSWORD)
    own = book.for_operator("operator", "zhanghua")
    with pytest.raises(OperatorError, match="the current password is wrong"):
        own.change_password("zhanghua", "not it", "a new secret")
    with pytest.raises(OperatorError, match="must differ"):
        own.change_password("zhanghua", PASSWORD, PASSWORD)
    with pytest.raises(OperatorError, match="at least 8"):
        own.change_password("zhanghua", PASSWORD, "short")
    own.change_password("zhanghua", PASSWORD, "a new secret")
    assert book.authenticate("zhanghua", "a new secret").login == "zhanghua"
    assert audit(store, added.id) == ["add_operator", "failed_login", "change_password", "login"]
    for _ in range(4):
        with pytest.raises(OperatorError):
            own.change_password("zhanghua", "guess again", "yet another one")
    with pytest.raises(LockedOut):  # wrong current passwords count as failed logins
        own.change_password("zhanghua", "guess again", "yet another one")


def test_two_administrators_demoting_each_other_at_once_leave_one(store, book):
    import threading

    book.add("lixd", "admin", PASSWORD)
    book.add("wangli", "admin", PASSWORD)
    barrier, outcomes = threading.Barrier(2, timeout=20), []

    def demote(login: str, actor: str) -> None:
        barrier.wait()
        try:
            book.for_operator(Role.ADMIN, actor).set_role(login, "operator")
            outcomes.append("demoted")
        except Exception as exc:  # noqa: BLE001 - the refusal is what is counted
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=demote, args=args) for args in (("lixd", "王丽"), ("wangli", "李晓东"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("demoted") == 1, outcomes
    assert [r.login for r in book.list() if r.role is Role.ADMIN and not r.disabled] != []
