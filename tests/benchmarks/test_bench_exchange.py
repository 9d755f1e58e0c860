"""The exchange at programme scale: a coach with 40 coachees x 500 shared entries.

Run alone: ``RJ_EXCHANGE_PER_COACHEE=500 .venv/bin/python -m pytest
tests/benchmarks/test_bench_exchange.py --benchmark-only -s`` (the default, 100 per coachee,
keeps a development run short). Messages are sealed exactly as a leader's journal seals them
(one entry version each, signed by that coachee's key) and laid in a folder place under their
mailbox names; the coach's journal then syncs for real.
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from pathlib import Path

import pytest

from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.sharing import crypto
from reflectjournal.services.sharing.identity import PublicKeys
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
COACHEES = 40
PER_COACHEE = int(os.environ.get("RJ_EXCHANGE_PER_COACHEE", "100"))
BODY = (
    "Handover ran late again; I noticed I was rushing the quieter members of the team. "
    "Next time I will ask each of them for one thing they saw before we close. " * 6
)


def _entry(ref: str, n: int) -> dict:
    return {
        "id": ref,
        "title": f"Reflection {n}",
        "body": BODY,
        "date": "2026-11-02",
        "tags": ["workforce-pressures", "resilience"],
        "model": None,
        "sections": {},
        "binding": secrets.token_hex(32),
    }


def _programme(tmp: Path, per_coachee: int) -> tuple[Workspace, Path, int]:
    coach = Workspace.create(tmp / "coach.rj", PASS, owner="Cat Coach")
    place = tmp / "programme"
    place.mkdir()
    coach.sharing.exchange.set_place(PlaceSpec("folder", str(place)))
    me = coach.sharing.identity.get()
    card = PublicKeys(me.sign_public, me.enc_public)
    total = 0
    for c in range(COACHEES):
        identity = crypto.generate_identity()
        name = f"Coachee {c:02d}"
        coach.sharing.contacts.import_card(crypto.make_contact_card(name, identity))
        box = messages.mailbox(identity, me.enc_public, me.fingerprint)
        wrap_key = messages.place_key(identity, me.enc_public)
        for n in range(per_coachee):
            message_id = messages.new_message_id()
            body = {
                "type": "entry",
                "ref": secrets.token_hex(16),
                "entry_version": 1,
                "entry": None,
            }
            body["entry"] = _entry(body["ref"], n)
            sealed = messages.seal(body, identity, name, card, message_id)
            object_name = messages.object_name(box, message_id)
            (place / object_name).write_bytes(messages.wrap(wrap_key, object_name, sealed))
            total += 1
    return coach, place, total


class CountingStore:
    """A store that counts the calls made through it (the place's cost of one sync)."""

    def __init__(self, store, counts: dict[str, int]):
        self.store, self.counts = store, counts
        self.label = store.label

    def __getattr__(self, name):
        found = getattr(self.store, name)
        if name in ("list", "get", "put_if_absent", "delete"):

            def counted(*args):
                self.counts[name] = self.counts.get(name, 0) + 1
                return found(*args)

            return counted
        return found


def _timed_sync(coach: Workspace) -> tuple[object, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    result = coach.sharing.exchange.sync()
    return result, time.perf_counter() - start, time.process_time() - cpu


def test_bench_apply_1000_new_messages(benchmark, tmp_path_factory):
    """1,000 new messages (40 coachees x 25) applied by one sync; budget <= 10 s. Three
    rounds, each on a fresh coach's journal (building it is not timed)."""
    walls, cpus = [], []

    def fresh():
        coach, _place, total = _programme(tmp_path_factory.mktemp("apply"), 25)
        return (coach, total), {}

    def first_sync(coach, total):
        result, wall, cpu = _timed_sync(coach)
        walls.append(wall)
        cpus.append(cpu)
        assert result.received == total == 1000 and result.errors == ()
        assert coach.db.scalar("SELECT count(*) FROM entry WHERE kind = 'shared'") == total
        coach.close()

    benchmark.pedantic(first_sync, setup=fresh, rounds=3, iterations=1)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    load = os.getloadavg()[0]
    print(
        f"\n1,000 messages: median {wall:.2f} s wall, {cpu:.2f} s CPU over {len(walls)} runs "
        f"(walls {', '.join(f'{w:.2f}' for w in walls)}; load {load:.1f})"
    )
    # On a machine shared with other work (load above the two cores) wall time measures the
    # queue, so there the CPU the sync itself used is what is held to the budget.
    assert cpu <= 10 and (load > 2 or wall <= 10)


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("programme")
    coach, place, total = _programme(tmp, PER_COACHEE)
    yield coach, place, total
    coach.close()


def test_bench_apply_programme_messages(benchmark, programme):
    """The coach's first sync applies every coachee's entries (40 x PER_COACHEE)."""
    coach, _place, total = programme
    timings = {}

    def first_sync():
        result, timings["s"], timings["cpu"] = _timed_sync(coach)
        return result

    result = benchmark.pedantic(first_sync, rounds=1, iterations=1)
    assert result.received == total and result.errors == ()
    per_thousand = timings["s"] / total * 1000
    cpu_per_thousand = timings["cpu"] / total * 1000
    load = os.getloadavg()[0]
    print(
        f"\napplied {total} messages in {timings['s']:.2f} s wall, {timings['cpu']:.2f} s CPU "
        f"({per_thousand:.2f} s wall, {cpu_per_thousand:.2f} s CPU per 1,000; load {load:.1f})"
    )
    assert coach.db.scalar("SELECT count(*) FROM entry WHERE kind = 'shared'") == total
    assert cpu_per_thousand <= 10 and (load > 2 or per_thousand <= 10)


def test_bench_sync_with_nothing_new(benchmark, programme):
    """Everything applied: a sync costs one listing of the place and nothing else."""
    coach, _place, total = programme
    if coach.db.scalar("SELECT count(*) FROM inbox") < total:
        coach.sharing.exchange.sync()
    exchange = coach.sharing.exchange
    counts: dict[str, int] = {}
    plain_open = exchange.open_store
    exchange.open_store = lambda spec: CountingStore(plain_open(spec), counts)
    try:
        result = benchmark.pedantic(exchange.sync, rounds=5, iterations=1)
    finally:
        exchange.open_store = plain_open
    assert result.received == 0 and result.errors == ()
    # Five rounds, one place: five listings, and not one read, write or delete.
    assert counts == {"list": 5}
    median = benchmark.stats.stats.median
    print(f"\nnothing new, {total} messages held: median {median * 1000:.0f} ms of 5; {counts}")
