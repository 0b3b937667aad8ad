"""Benchmark the position intake: real HTTP from a separate load process into a fresh SQLite store.

    /work/venv/bin/python bench/intake.py [--dir DIR] [--seconds 8] [--connections 256]

The store gets the city's places and people (Shaoxing: 26,059 workers) and one
Traccar Client phone per worker; the intake runs in this process (its event-loop
thread and its writer thread), the load in a child process (``--load``): persistent
HTTP/1.1 connections, each sending OsmAnd requests (``GET /?id=…&lat=…``) one after
the other for the devices it owns.  Two kinds of run per device count (100, 1,000,
26,059):

* **max**: as fast as the server answers; positions/s accepted and p95 latency;
* **paced** (26,059 only): every device every 5 s, the city's real load (5,212/s).

Afterwards: stored bytes per position (SQLite dbstat over the positions table and its
index), and the time :func:`console.core.patrol.track_statistics` takes for an 8-hour
track at 5 s (5,760 points).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The script's own folder holds bench/queue.py, which would shadow the standard library's queue.
sys.path[0] = str(ROOT)


# -- the load process --------------------------------------------------------------------------------

class _Client(asyncio.Protocol):
    def __init__(self, requests: list[bytes], interval: float, deadline: float, latencies: list[float],
                 counts: dict, done: asyncio.Future, start_delay: float):
        self.requests, self.interval, self.deadline = requests, interval, deadline
        self.latencies, self.counts, self.done = latencies, counts, done
        self.start_delay = start_delay
        self.index = 0
        self.next_at = 0.0
        self.buffer = b""
        self.sent_at = 0.0

    def connection_made(self, transport):
        self.transport = transport
        asyncio.get_running_loop().call_later(self.start_delay, self._send)

    def _send(self):
        now = time.perf_counter()
        if now >= self.deadline:
            self.transport.close()
            return
        self.sent_at = now
        self.transport.write(self.requests[self.index % len(self.requests)])
        self.index += 1

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            status = int(head.split(" ", 2)[1])
            self.buffer = self.buffer[end + 4 + length:]
            self.latencies.append(time.perf_counter() - self.sent_at)
            self.counts[status] = self.counts.get(status, 0) + 1
            if self.interval:
                # paced: this connection's devices take turns, each every `interval` seconds, on a fixed
                # schedule (a late answer is caught up, as phones with a backlog do)
                self.next_at = (self.next_at or self.sent_at) + self.interval / len(self.requests)
                asyncio.get_running_loop().call_later(max(0.0, self.next_at - time.perf_counter()), self._send)
            else:
                self._send()

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(None)


async def _load(port: int, devices: int, connections: int, seconds: float, interval: float) -> dict:
    rng = random.Random(7)
    connections = min(connections, devices)
    loop = asyncio.get_running_loop()
    start = time.perf_counter() + 3.0  # time to open every connection first
    deadline = start + seconds
    latencies: list[float] = []
    counts: dict[int, int] = {}
    waits = []
    now = int(time.time())
    for c in range(connections):
        mine = range(c, devices, connections)
        requests = [(f"GET /?id=bench-{d}&lat={30.1 + rng.uniform(-0.05, 0.05):.6f}"
                     f"&lon={120.3 + rng.uniform(-0.05, 0.05):.6f}&timestamp={now}&speed=2.5&bearing=90"
                     f"&altitude=10&accuracy=8&batt=77 HTTP/1.1\r\nHost: bench\r\n\r\n").encode() for d in mine]
        done = loop.create_future()
        # paced: each connection's first request falls somewhere in its own slot, so the rate is steady at once
        delay = max(0.0, start - time.perf_counter()) + (rng.uniform(0, interval / len(requests)) if interval else 0.0)
        await loop.create_connection(lambda: _Client(requests, interval, deadline, latencies, counts, done, delay),
                                     "127.0.0.1", port)
        waits.append(done)
    cpu = time.process_time()
    await asyncio.wait_for(asyncio.gather(*waits), seconds + 30)
    cpu = time.process_time() - cpu
    latencies.sort()
    return {"requests": len(latencies), "seconds": seconds, "statuses": counts, "cpu": cpu / (seconds + 3),
            "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
            "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else None}


# -- the orchestrator --------------------------------------------------------------------------------

def _prepare_store(directory: Path):
    from console.demo import write_demo_data
    from console.storage.db import open_store
    from console.storage.models import Worker
    from console.storage.positions import PositionStore
    from sqlalchemy import select

    store = open_store(str(directory / "intake.db"))
    started = time.perf_counter()
    write_demo_data(store, scale="city", days=1, seed=1)
    with store.sessions() as session:
        workers = list(session.scalars(select(Worker.id).order_by(Worker.id)))
    PositionStore(store).add_devices([(worker, f"bench-{i}", "osmand") for i, worker in enumerate(workers)])
    print(f"store ready: {len(workers):,} workers and phones in {time.perf_counter() - started:.1f} s", flush=True)
    return store, len(workers)


def _run_load(port: int, devices: int, connections: int, seconds: float, interval: float) -> dict:
    command = [sys.executable, __file__, "--load", "--port", str(port), "--devices", str(devices),
               "--connections", str(connections), "--seconds", str(seconds), "--interval", str(interval)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _track_statistics_time() -> float:
    from console.core.geo import LocalProjection
    from console.core.patrol import Fix, track_statistics

    projection = LocalProjection(120.3, 30.1)
    rng = random.Random(3)
    grid = {"type": "Polygon", "coordinates": [[list(projection.to_lonlat(x, y)) for x, y in
                                                ((-400, -300), (400, -300), (450, 250), (0, 400), (-420, 260),
                                                 (-400, -300))]]}
    fixes, x, y, heading = [], 0.0, 0.0, 0.0
    for k in range(5_760):
        heading += rng.gauss(0, 0.3)
        x += 1.3 * 5 * math.cos(heading)
        y += 1.3 * 5 * math.sin(heading)
        lon, lat = projection.to_lonlat(x + rng.gauss(0, 5), y + rng.gauss(0, 5))
        fixes.append(Fix(1_800_000_000 + 5 * k, lon, lat, accuracy=rng.uniform(3, 20)))
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        track_statistics(fixes, grid=grid)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where to put the store (default: a temporary directory)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--connections", type=int, default=256, help="concurrent HTTP connections (max runs)")
    parser.add_argument("--sizes", default="100,1000,26059", help="device counts to sweep")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--interval", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        print(json.dumps(asyncio.run(_load(args.port, args.devices, args.connections, args.seconds, args.interval))))
        return 0

    from console.service import start_service
    from console.storage.positions import PositionStore

    directory = args.dir or Path(tempfile.mkdtemp(prefix="gridwatch-intake-"))
    directory.mkdir(parents=True, exist_ok=True)
    store, workers = _prepare_store(directory)
    positions = PositionStore(store)
    handle = start_service(store, osmand_port=0, http_port=0)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print("| devices | mode | connections | accepted/s | p50 ms | p95 ms | server CPU | load CPU | statuses |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    sizes = [min(int(s), workers) for s in args.sizes.split(",")]
    runs = [(n, "max", args.connections, 0.0) for n in sizes] + [(sizes[-1], "paced 5 s", 2000, 5.0)]
    try:
        for devices, mode, connections, interval in runs:
            before = handle.stats.stored
            cpu, wall = time.process_time(), time.perf_counter()
            result = _run_load(handle.osmand_port, devices, connections, args.seconds, interval)
            server_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
            ok = result["statuses"].get("200", 0)
            print(f"| {devices:,} | {mode} | {min(connections, devices):,} | {ok / result['seconds']:,.0f} | "
                  f"{result['p50_ms']:.1f} | {result['p95_ms']:.1f} | {server_cpu:.0%} | {result['cpu']:.0%} | "
                  f"{result['statuses']} |", flush=True)
            assert handle.stats.stored - before >= ok, "an acknowledged position was not stored"
    finally:
        handle.stop()
    count = positions.count()
    print(f"\nstored positions: {count:,}; bytes per position (table + index, dbstat): "
          f"{positions.stored_bytes() / count:.1f}")
    print(f"track statistics, 5,760 points: {_track_statistics_time() * 1000:.1f} ms (best of 5)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
