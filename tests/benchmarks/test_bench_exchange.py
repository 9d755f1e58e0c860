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
import time
from pathlib import Path

import pytest

from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.sharing import crypto
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
    card = {"sign_public": me.sign_public, "enc_public": me.enc_public}
    total = 0
    for c in range(COACHEES):
        identity = crypto.generate_identity()
        name = f"Coachee {c:02d}"
        coach.sharing.contacts.import_card(crypto.make_contact_card(name, identity))
        box = messages.mailbox(identity, me.enc_public, me.fingerprint)
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
            (place / messages.object_name(box, message_id)).write_bytes(sealed)
            total += 1
    return coach, place, total


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("programme")
    coach, place, total = _programme(tmp, PER_COACHEE)
    yield coach, place, total
    coach.close()


def test_bench_apply_programme_messages(benchmark, programme):
    """The coach's first sync applies every coachee's entries (budget: 1,000 in <= 10 s)."""
    coach, _place, total = programme
    timings = {}

    def first_sync():
        start, cpu = time.perf_counter(), time.process_time()
        result = coach.sharing.exchange.sync()
        timings["s"] = time.perf_counter() - start
        timings["cpu"] = time.process_time() - cpu
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
    # The budget is for this machine; on a machine shared with other work (load above the
    # two cores) wall time measures the queue, so the CPU the sync itself used is checked.
    assert cpu_per_thousand <= 10 and (load > 2 or per_thousand <= 10)


def test_bench_sync_with_nothing_new(benchmark, programme):
    """Everything applied: a sync reads one listing and applies nothing."""
    coach, _place, total = programme
    if coach.db.scalar("SELECT count(*) FROM inbox") < total:
        coach.sharing.exchange.sync()
    result = benchmark.pedantic(coach.sharing.exchange.sync, rounds=5, iterations=1)
    assert result.received == 0 and result.errors == ()
