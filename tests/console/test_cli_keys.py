"""``gridwatch keys issue|revoke|list``, run as a user runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

from console.storage.api_keys import ApiKeyStore
from console.storage.db import open_store
from tests.console.test_cli import ROOT, free_port, gridwatch, gridwatch_here


def test_issue_prints_the_key_once_list_never_shows_it_and_revoke_stops_it(tmp_path):
    db = str(tmp_path / "keys.db")
    issued = gridwatch("keys", "issue", "open311", "civic-app", "--db", db)
    assert issued.returncode == 0, issued.stderr
    key = issued.stdout.strip()
    assert re.fullmatch(r"gw_[A-Za-z0-9_-]{43}", key), issued.stdout
    assert "shown only now" in issued.stderr and key not in issued.stderr

    listed = gridwatch("keys", "--db", db, "list")
    assert listed.returncode == 0 and key not in listed.stdout
    [line] = listed.stdout.splitlines()
    name, kind, created, revoked = line.split("\t")
    assert (name, kind, revoked) == ("civic-app", "open311", "")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)

    store = open_store(db)
    try:
        assert ApiKeyStore(store).verify(key, "open311") is not None
        revoked = gridwatch("keys", "revoke", "civic-app", "--db", db)
        assert (revoked.returncode, revoked.stdout) == (0, "revoked open311 key 'civic-app'\n")
        assert ApiKeyStore(store).verify(key, "open311") is None
    finally:
        store.dispose()
    assert gridwatch("keys", "list", "--db", db).stdout.split("\t")[3].strip()


def test_refusals_are_one_line(tmp_path):
    db = str(tmp_path / "keys.db")
    assert gridwatch_here("keys", "issue", "open311", "app", "--db", db).returncode == 0
    for args, message in ((("issue", "open311", "app"), "a key named 'app' exists already"),
                          (("revoke", "ghost"), "no key named 'ghost'")):
        result = gridwatch_here("keys", *args, "--db", db)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
    wrong_kind = gridwatch_here("keys", "issue", "telnet", "x", "--db", db)
    assert wrong_kind.returncode == 2 and "invalid choice: 'telnet'" in wrong_kind.stderr


def test_a_key_issued_here_files_a_report_through_gridwatch_serve(tmp_path):
    db = str(tmp_path / "serve.db")
    key = gridwatch("keys", "issue", "open311", "civic-app", "--db", db).stdout.strip()
    osmand, http = free_port(), free_port()
    process = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", db, "--osmand-port", str(osmand),
                                "--http-port", str(http)], cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().strip() for _ in range(3)]  # printed once both ports listen
        assert lines[2] == f"Open311 GeoReport v2:    http://127.0.0.1:{http}/open311/v2/", lines
        form = urllib.parse.urlencode({"api_key": key, "service_code": "PUB01", "address_string": "x"}).encode()
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/open311/v2/requests.json", form, timeout=10) as reply:
            [answer] = json.loads(reply.read())
        assert re.fullmatch(r"\d{8}-0001", answer["service_request_id"]), answer
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0 and "Traceback" not in err
    assert key not in err  # the service logs the client's name, never its key
    assert "open311 client 'civic-app' filed incident" in err
