"""The gridwatch command line, run as a user runs it: a separate process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def gridwatch(*args: str, timeout: float = 120, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def gridwatch_here(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``gridwatch ARGS`` run in this process (a second a call cheaper than a new interpreter), reading ``stdin``
    as its standard input (not a terminal): the exit code and what it printed, like :func:`gridwatch`.  For
    commands whose process (signals, exit) is not the point."""
    import contextlib
    import io

    from console.cli import main
    out, err = io.StringIO(), io.StringIO()
    saved_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["gridwatch", *args], code, out.getvalue(), err.getvalue())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wrong_flag_is_one_line_and_exit_2():
    result = gridwatch("--no-such-flag")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "unrecognized arguments: --no-such-flag" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_choice_is_one_line():
    result = gridwatch("--lang", "fr")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice" in result.stderr


def test_unreachable_postgresql_is_one_line_error():
    result = gridwatch("--db", f"postgresql://app@127.0.0.1:{free_port()}/gridwatch", timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("gridwatch: cannot open database postgresql")
    assert "Traceback" not in result.stderr


def test_missing_directory_is_one_line_error(tmp_path):
    result = gridwatch("--db", str(tmp_path / "no" / "such" / "dir" / "x.db"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr


def test_corrupt_database_file_is_one_line_error(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database, just garbage bytes\x00\x01" * 100)
    before = corrupt.read_bytes()
    result = gridwatch("--db", str(corrupt))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "not a database" in result.stderr
    assert corrupt.read_bytes() == before  # nothing was overwritten


def test_demo_data_writes_a_town_and_reports_it(tmp_path):
    db = tmp_path / "town.db"
    result = gridwatch("demo-data", "--db", str(db), "--days", "3", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr  # the progress bar reached the end
    import sqlite3
    with sqlite3.connect(db) as conn:
        incidents = conn.execute("select count(*) from incidents").fetchone()[0]
        grids = conn.execute("select count(*) from grids").fetchone()[0]
    assert grids == 87
    assert 2_000 <= incidents <= 4_500  # ~1,000 reports a day
    again = gridwatch("demo-data", "--db", str(db), "--days", "3")
    assert again.returncode == 1 and again.stderr.count("\n") == 1  # refuses to write twice


def test_demo_data_rejects_bad_days(tmp_path):
    result = gridwatch("demo-data", "--db", str(tmp_path / "x.db"), "--days", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


def test_screenshot_on_a_fresh_machine_builds_the_demo_town(tmp_path):
    """First start: the default database is created, migrated and filled, and the window renders."""
    shot = tmp_path / "console.png"
    result = gridwatch("--screenshot", str(shot), "--after", "2", "--lang", "en", "--speed", "200",
                       timeout=300)
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 20_000
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert (data_home / "gridwatch" / "gridwatch.db").exists()
    from PySide6.QtGui import QImage
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600


@pytest.fixture(scope="module")
def postgres():
    from tests.pg import PgServer
    server = PgServer().start()
    yield server
    server.stop()


def test_console_opens_on_postgresql(postgres, tmp_path):
    """--db with a PostgreSQL URL (holding a report filed by another client) starts and renders."""
    url = postgres.url(postgres.create_database())
    from console.storage.db import open_store
    from console.storage.dispatch import DispatchService, IncidentDraft
    store = open_store(url)
    DispatchService(store).report(IncidentDraft("FIR01", "仓库冒烟"), "intake")
    store.dispose()
    shot = tmp_path / "pg.png"
    result = gridwatch("--db", url, "--screenshot", str(shot), "--after", "2", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 10_000
