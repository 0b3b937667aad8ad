"""``gridwatch workers add|list|set`` and ``gridwatch departments list|assess``, run as a user runs them."""

from __future__ import annotations

import pytest

from console.storage.db import open_store
from tests.console.test_cli import gridwatch_here
from tests.storage.conftest import seed_places


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "roster.db")
    store = open_store(path)
    try:
        seed_places(store)
    finally:
        store.dispose()
    return path


def test_a_worker_is_added_listed_moved_and_given_a_joining_day(db):
    added = gridwatch_here("workers", "add", "张三", "--grid", "G0", "--phone", "138 0000 0009", "--db", db)
    assert (added.returncode, added.stdout) == (0, "added worker G0-1 张三 to grid G0 (第0网格)\n"), added.stderr
    moved = gridwatch_here("workers", "set", "G0-1", "--grid", "G1", "--joined", "2026-10-15", "--off-duty",
                           "--db", db)
    assert (moved.returncode, moved.stdout) == (0, "worker G0-1 张三: grid G1, off duty, joined 2026-10-15\n")
    listed = gridwatch_here("workers", "list", "--grid", "G1", "--db", db)
    assert listed.returncode == 0
    assert [line.split("\t") for line in listed.stdout.splitlines()] == [
        ["G0-1", "张三", "G1", "麒麟村", "138 0000 0009", "off duty", "2026-10-15"],
        ["W1", "李建国", "G1", "麒麟村", "13800000001", "on duty", ""]]
    cleared = gridwatch_here("workers", "set", "张三", "--joined", "none", "--on-duty", "--db", db)
    assert cleared.stdout == "worker G0-1 张三: grid G1, on duty\n"


def test_a_department_is_put_in_category_b(db):
    assessed = gridwatch_here("departments", "assess", "杨汛桥派出所", "B", "--db", db)
    assert (assessed.returncode, assessed.stdout) == (0, "department D0 杨汛桥派出所: assessment category B\n")
    listed = gridwatch_here("departments", "list", "--db", db).stdout.splitlines()
    assert listed[0].split("\t") == ["D0", "杨汛桥派出所", "Department 0", "police", "B"]
    assert [line.split("\t")[4] for line in listed[1:]] == ["A", "A"]


@pytest.mark.parametrize("args, code, message", [
    (("workers", "add", "甲", "--grid", "G7", "--phone", "1"), 1, "no grid 'G7'"),
    (("workers", "set", "nobody", "--off-duty"), 1, "no worker 'nobody'"),
    (("workers", "add", "甲", "--grid", "G0", "--phone", "1", "--joined", "15/10/2026"), 2,
     "invalid day (YYYY-MM-DD) value: '15/10/2026'"),
    (("departments", "assess", "D0", "C"), 2, "invalid choice: 'C'"),
])
def test_refusals_are_one_line_and_write_nothing(db, args, code, message):
    before = gridwatch_here("workers", "list", "--db", db).stdout
    result = gridwatch_here(*args, "--db", db)
    assert (result.returncode, result.stdout) == (code, "")
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert gridwatch_here("workers", "list", "--db", db).stdout == before
