"""``gridwatch users add|list``, run as a user runs them (and the terminal prompt, in-process)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from console.cli import main
from console.storage.db import open_store
from console.storage.operators import OperatorBook, OperatorError
from tests.console.test_cli import ROOT, gridwatch_here


def gridwatch(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


def test_add_reads_the_password_from_stdin_and_list_shows_the_users(tmp_path):
    db = str(tmp_path / "users.db")
    added = gridwatch("users", "add", "wangli", "--role", "duty", "--display-name", "值班员 王丽", "--db", db,
                      stdin="a long secret\n")
    assert added.returncode == 0, added.stderr
    assert "a long secret" not in added.stdout + added.stderr
    assert gridwatch("users", "--db", db, "add", "zhanghua", "--role", "operator",
                     stdin="another secret\n").returncode == 0

    listed = gridwatch("users", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["wangli\t值班员 王丽\tduty\t", "zhanghua\tzhanghua\toperator\t"]

    store = open_store(db)
    try:
        assert OperatorBook(store).authenticate("wangli", "a long secret").display_name == "值班员 王丽"
        with pytest.raises(OperatorError):
            OperatorBook(store).authenticate("wangli", "a long secret\n")
    finally:
        store.dispose()


@pytest.mark.parametrize("args, stdin, message", [
    (("--role", "operator"), "short\n", "at least 8 characters"),
    (("--role", "operator"), "", "no password on standard input"),
    (("--role", "chief"), "a long secret\n", "invalid choice"),
    ((), "a long secret\n", "--role"),
])
def test_refusals_are_one_line_and_non_zero(tmp_path, args, stdin, message):
    result = gridwatch_here("users", "add", "wangli", *args, "--db", str(tmp_path / "users.db"), stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_taken_name_and_a_bad_name_are_refused(tmp_path):
    db = str(tmp_path / "users.db")
    assert gridwatch_here("users", "add", "wangli", "--role", "duty", "--db", db, stdin="a long secret\n").returncode == 0
    for name, message in (("wangli", "already exists"), ("no spaces", "user name")):
        result = gridwatch_here("users", "add", name, "--role", "duty", "--db", db, stdin="a long secret\n")
        assert result.returncode == 1 and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_on_a_terminal_the_password_is_asked_twice(tmp_path, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["a long secret", "a long secret", "a long secret", "a different one"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    db = str(tmp_path / "users.db")
    assert main(["users", "add", "wangli", "--role", "admin", "--db", db]) == 0
    assert main(["users", "add", "chengang", "--role", "duty", "--db", db]) == 1
    assert "the passwords do not match" in capsys.readouterr().err
    assert main(["users", "list", "--db", db]) == 0
    assert capsys.readouterr().out == "wangli\twangli\tadmin\t\n"


def test_list_marks_locked_and_disabled_users_and_maps_the_demo_roles(tmp_path):
    from console.storage.models import Operator

    db = str(tmp_path / "users.db")
    store = open_store(db)
    try:
        book = OperatorBook(store)
        book.add("chengang", "duty", "a long secret")
        for _ in range(5):
            with pytest.raises(OperatorError):
                book.authenticate("chengang", "guess")
        with store.sessions.begin() as session:
            session.add(Operator(login="lixd", display_name="指挥室主任 李晓东", role="supervisor", disabled=True))
    finally:
        store.dispose()
    listed = gridwatch_here("users", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["chengang\tchengang\tduty\tlocked", "lixd\t指挥室主任 李晓东\tadmin\tdisabled"]


def test_role_disable_enable_unlock_and_passwd_manage_one_user(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "users.db")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long secret\n"))
    assert main(["users", "add", "lixd", "--role", "admin", "--db", db]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long secret\n"))
    assert main(["users", "add", "chengang", "--role", "operator", "--db", db]) == 0
    capsys.readouterr()

    assert main(["users", "role", "chengang", "duty", "--db", db]) == 0
    assert capsys.readouterr().out == "'chengang' is now duty\n"
    assert main(["users", "--db", db, "disable", "chengang"]) == 0
    assert main(["users", "list", "--db", db]) == 0
    assert "chengang\tchengang\tduty\tdisabled" in capsys.readouterr().out.splitlines()
    assert main(["users", "enable", "chengang", "--db", db]) == 0

    store = open_store(db)
    try:
        for _ in range(5):
            with pytest.raises(OperatorError):
                OperatorBook(store).authenticate("chengang", "guess")
    finally:
        store.dispose()
    assert main(["users", "unlock", "chengang", "--db", db]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a new secret\n"))
    assert main(["users", "passwd", "chengang", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "unlocked 'chengang'" in out and "new password set for 'chengang'" in out and "a new secret" not in out

    store = open_store(db)
    try:
        book = OperatorBook(store)
        assert book.authenticate("chengang", "a new secret").role.label == "duty"
        from sqlalchemy import select

        from console.storage.models import AuditEntry
        with store.sessions() as session:
            actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.action.in_(
                ["set_role", "disable_operator", "enable_operator", "unlock_operator", "reset_password"]))))
        assert actors == {"gridwatch users role", "gridwatch users disable", "gridwatch users enable",
                          "gridwatch users unlock", "gridwatch users passwd"}
    finally:
        store.dispose()


@pytest.mark.parametrize("args, stdin, message", [
    (("role", "ghost", "duty"), "", "no user named 'ghost'"),
    (("role", "lixd", "chief"), "", "invalid choice"),
    (("role", "lixd", "operator"), "", "last enabled administrator"),
    (("disable", "lixd"), "", "last enabled administrator"),
    (("unlock", "ghost"), "", "no user named 'ghost'"),
    (("passwd", "lixd"), "short\n", "at least 8 characters"),
    (("passwd", "ghost"), "a long secret\n", "no user named 'ghost'"),
])
def test_management_refusals_are_one_line_and_non_zero(tmp_path, args, stdin, message):
    db = str(tmp_path / "users.db")
    store = open_store(db)
    try:
        OperatorBook(store).add("lixd", "admin", "a long secret")
    finally:
        store.dispose()
    result = gridwatch_here("users", *args, "--db", db, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
