"""Open311 POST requests per second into the store, and how fast a second console hears of changes meanwhile.

    /work/venv/bin/python bench/open311.py [--backend postgresql|sqlite|both] [--seconds 10] [--threads 8,32,64]

A throw-away PostgreSQL server on loopback (``tests/pg.py``, Debian's binaries) or a
SQLite file; ``gridwatch serve``'s intake in this process; the load in a child process
(``--load``): ``--threads`` keep-alive HTTP/1.1 connections (a sweep: one run per count), each posting form-encoded
``POST /open311/v2/requests.json`` (key, service code, lat/long, description) one after
the other.  Meanwhile a second "console" — a :class:`console.storage.changes.ChangeFeed`
on its own connection — is told of changes; every 0.5 s this process raises a follow-up
task (a table the load does not touch) and times how long the feed takes to report it.
Prints requests/s accepted, latency p50/p95, and the change latency p50/p95/max.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/queue.py shadows queue
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from urllib.parse import urlencode  # noqa: E402


def _load(port: int, key: str, threads: int, seconds: float) -> dict:
    """The child process: ``threads`` connections posting requests for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        k = 0
        while time.perf_counter() < deadline:
            body = urlencode({"api_key": key, "service_code": "ENV02", "lat": f"{30.1 + (k % 100) / 10000:.6f}",
                              "long": f"{120.3 + n / 1000:.6f}", "description": f"bench report {n}-{k}"})
            started = time.perf_counter()
            connection.request("POST", "/open311/v2/requests.json", body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
            k += 1
        connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    return {"requests": len(latencies), "statuses": statuses,
            "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
            "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else None}


def run(url: str, threads: int, seconds: float) -> dict:
    from console.core.clock import FakeClock
    from console.service import start_service
    from console.storage.api_keys import ApiKeyStore
    from console.storage.changes import ChangeFeed
    from console.storage.db import open_store
    from console.storage.follow_ups import PHONE_VILLAGE, FollowUpBook, TaskDraft
    from tests.storage.conftest import seed_places

    store = open_store(url)
    places = seed_places(store)
    key = ApiKeyStore(store).issue("open311", "bench")[1]
    handle = start_service(store, osmand_port=0, http_port=0)
    console_store = open_store(url, migrate_schema=False)
    heard: list[float] = []
    told = threading.Condition()

    def on_change(tables) -> None:
        if "follow_up_tasks" in tables:
            with told:
                heard.append(time.perf_counter())
                told.notify_all()
    feed = ChangeFeed(console_store, on_change)
    feed.start()
    feed.listening.wait(10)
    load = subprocess.Popen([sys.executable, __file__, "--load", "--port", str(handle.http_port), "--key", key,
                             "--threads", str(threads), "--seconds", str(seconds)], stdout=subprocess.PIPE, text=True)
    delays: list[float] = []
    book = FollowUpBook(store, FakeClock(datetime.now(timezone.utc)))
    time.sleep(1.0)  # the load is under way
    for k in range(int((seconds - 2) / 0.5)):
        before = len(heard)
        book.raise_tasks([TaskDraft(PHONE_VILLAGE, places.villages[k % 2], f"bench {k}", datetime.now(timezone.utc))])
        written = time.perf_counter()
        with told:
            told.wait_for(lambda: len(heard) > before, timeout=5)
        if len(heard) > before:
            delays.append(heard[-1] - written)
        book.settle(book.open_tasks()[0].id, "bench")
        time.sleep(0.5)
    result = json.loads(load.communicate()[0])
    feed.stop()
    handle.stop()
    console_store.dispose()
    store.dispose()
    delays.sort()
    result.update(per_second=result["requests"] / seconds, change_p50_ms=delays[len(delays) // 2] * 1000,
                  change_p95_ms=delays[int(len(delays) * 0.95)] * 1000, change_max_ms=delays[-1] * 1000,
                  changes=len(delays))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", default="8,32,64", help="connections of the load, comma-separated: one run each")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        print(json.dumps(_load(args.port, args.key, int(args.threads), args.seconds)))
        return 0
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print("| backend | connections | POST requests/s | p50 ms | p95 ms | statuses | "
          "change to 2nd console p50 / p95 / max ms |")
    print("|---|---:|---:|---:|---:|---|---:|")
    backends = ("postgresql", "sqlite") if args.backend == "both" else (args.backend,)
    for backend in backends:
        for threads in [int(n) for n in args.threads.split(",")]:
            server = None
            if backend == "postgresql":
                from tests.pg import PgServer
                server = PgServer().start()
                url = server.url(server.create_database())
            else:
                url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='gridwatch-open311-')) / 'bench.db'}"
            try:
                r = run(url, threads, args.seconds)
            finally:
                if server is not None:
                    server.stop()
            print(f"| {backend} | {threads} | {r['per_second']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                  f"{r['statuses']} | {r['change_p50_ms']:.0f} / {r['change_p95_ms']:.0f} / {r['change_max_ms']:.0f} "
                  f"({r['changes']} changes) |", flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
