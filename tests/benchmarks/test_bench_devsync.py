"""Device sync at scale (issue 21): 100 changes synced <= 2 s; a sync with nothing new costs
one listing; joining a large journal from a snapshot <= 2 minutes for 100k entries.

Run alone: ``RJ_DEVSYNC_JOIN=100000 .venv/bin/python -m pytest
tests/benchmarks/test_bench_devsync.py --benchmark-only -s`` (the default joins 10,000
entries, to keep a development run short; the README quotes which size was measured).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from reflectjournal.services.devsync.service import DeviceSync
from reflectjournal.services.exchange.folder import FolderStore
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
JOIN_SIZE = int(os.environ.get("RJ_DEVSYNC_JOIN", "10000"))
BODY = (
    "Handover ran late again; I noticed I was rushing the quieter members of the team. "
    "Next time I will ask each of them for one thing they saw before we close. " * 6
)


_JOIN = """
import json, sys, threading, time
from pathlib import Path
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

ws = Workspace.create(Path(sys.argv[1]), "correct horse battery staple")
before = rss_mb()  # after the passphrase's key derivation (Argon2id, 128 MiB) is over
peak = [before]
done = threading.Event()

def sample():
    while not done.wait(0.02):
        peak[0] = max(peak[0], rss_mb())

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
started = time.process_time()
result = ws.devices.join(PlaceSpec("folder", sys.argv[2]), "correct horse battery staple", name="new")
cpu = time.process_time() - started
done.set()
sampler.join()
count = ws.db.scalar("SELECT count(*) FROM entry")
ws.close()
print(json.dumps({"errors": result.errors, "count": count, "cpu": cpu,
                  "rss_mb": max(peak[0], rss_mb()), "start_mb": before}))
"""


class CountingStore(FolderStore):
    def __init__(self, root):
        super().__init__(root)
        self.calls: dict[str, int] = {"list": 0, "get": 0, "put": 0, "delete": 0}

    def list(self):
        self.calls["list"] += 1
        return super().list()

    def get(self, name):
        self.calls["get"] += 1
        return super().get(name)

    def put_if_absent(self, name, data):
        self.calls["put"] += 1
        return super().put_if_absent(name, data)

    def delete(self, name):
        self.calls["delete"] += 1
        return super().delete(name)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("devsync")
    place = tmp / "place"
    place.mkdir()
    spec = PlaceSpec("folder", str(place))
    a = Workspace.create(tmp / "a.rj", PASS)
    with a.atomic():
        for n in range(200):
            a.journal.add(BODY, title=f"Reflection {n}", tags=["resilience"])
    DeviceSync(a.db).set_place(spec, PASS, name="laptop")
    b = Workspace.create(tmp / "b.rj", PASS)
    DeviceSync(b.db).join(spec, PASS, name="desktop")
    yield a, b, place
    a.close()
    b.close()


def test_bench_100_changes_synced(benchmark, pair, recorder):
    """100 edits on one device reach the other: its sync and the other's (budget 2 s)."""
    a, b, place = pair
    ids = [r[0] for r in a.db.query("SELECT id FROM entry ORDER BY id LIMIT 100")]
    rounds = iter(range(1000))

    def setup():
        n = next(rounds)
        for eid in ids:  # each edit its own transaction, as the editor saves them
            a.journal.edit(eid, body=f"{BODY}\nround {n}")
        return (), {}

    def sync_both():
        sent = DeviceSync(a.db).sync()
        got = DeviceSync(b.db).sync()
        return sent, got

    sent, got = benchmark.pedantic(sync_both, setup=setup, rounds=5, iterations=1)
    assert sent.errors == [] and got.errors == [] and got.changed == 100
    assert b.db.scalar("SELECT count(*) FROM entry WHERE body LIKE '%round 4'") == 100
    recorder.from_benchmark("devsync: 100 changes synced (both devices)", benchmark, budget_s=2.0)
    assert benchmark.stats.stats.median <= 2.0


def test_bench_sync_with_nothing_new_is_one_listing(benchmark, pair, recorder):
    a, b, place = pair
    DeviceSync(a.db).sync()
    DeviceSync(b.db).sync()
    store = CountingStore(place)
    result = benchmark.pedantic(lambda: DeviceSync(b.db).sync(store=store), rounds=7, iterations=1)
    assert result.errors == [] and result.changed == 0
    # One listing a sync, and nothing else (the marker was read by the first sync).
    assert store.calls == {"list": 7, "get": 0, "put": 0, "delete": 0}
    recorder.from_benchmark("devsync: sync with nothing new", benchmark)


def test_bench_join_from_snapshot(benchmark, tmp_path_factory, recorder):
    """A new device joins a JOIN_SIZE-entry journal from its snapshot (100k budget: 120 s)."""
    tmp = tmp_path_factory.mktemp("join")
    place = tmp / "place"
    place.mkdir()
    spec = PlaceSpec("folder", str(place))
    a = Workspace.create(tmp / "big.rj", PASS)
    with a.atomic():
        for n in range(JOIN_SIZE):
            a.journal.add(
                BODY, title=f"Reflection {n}", tags=["resilience", "burnout"][: 1 + n % 2]
            )
    start = time.perf_counter()
    DeviceSync(a.db).set_place(spec, PASS, name="laptop")
    DeviceSync(a.db).snapshot()
    setup_s = time.perf_counter() - start
    joins = iter(range(100))
    cpu = {}

    def join():
        # In a process of its own, so its peak memory is the join's alone (not this
        # process's, which built the first device's 100k entries).
        path = tmp / f"new-{next(joins)}.rj"
        done = subprocess.run(
            [sys.executable, "-c", _JOIN, str(path), str(place)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        cpu["s"], cpu["rss"], cpu["start"] = figures["cpu"], figures["rss_mb"], figures["start_mb"]
        return figures["errors"], figures["count"]

    result, count = benchmark.pedantic(join, rounds=1, iterations=1)
    assert result == [] and count == JOIN_SIZE
    median = benchmark.stats.stats.median
    print(
        f"\njoined {JOIN_SIZE} entries in {median:.1f} s "
        f"({median / JOIN_SIZE * 100000:.0f} s per 100k, linear); the first device's set-up "
        f"and snapshot took {setup_s:.1f} s; join CPU {cpu['s']:.1f} s, peak RSS {cpu['rss']:.0f} MB "
        f"(from {cpu['start']:.0f} MB before the join), load "
        f"{os.getloadavg()[0]:.1f}; place {sum(p.stat().st_size for p in place.iterdir()) / 1e6:.1f} MB"
    )
    recorder.from_benchmark(
        f"devsync: join {JOIN_SIZE} entries from a snapshot",
        benchmark,
        budget_s=120.0 * JOIN_SIZE / 100000,
    )
    a.close()
    budget = 120.0 * JOIN_SIZE / 100000
    # On a machine shared with other work (load above its two cores) wall time measures the
    # queue: the CPU the join itself used is held to the budget then, as for the exchange.
    assert cpu["s"] <= budget and (os.getloadavg()[0] > 2 or median <= budget)
