"""Promise 2: a kill (SIGKILL, no clean-up of any kind) never loses or half-writes anything.

A child process writes entries in a loop and prints each id after its commit; we kill it at a
random moment, then check the file: integrity_check ok, every acknowledged id present, and no
half entry (every entry has both its tags, exactly one full-text row and a pattern digest that
matches it). The same for a
passphrase change killed at each step and at random moments: the old or the new passphrase
opens the journal, never neither, and the staging file is swept on the next open.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from digest_oracle import assert_current  # tests/digest_oracle.py
from reliability_support import NEW_PASSPHRASE, PASSPHRASE, new_journal, size

CHILD = str(Path(__file__).with_name("crash_child.py"))


def _spawn(*args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = proc.stdout.readline()
    assert ready == "ready\n", proc.stderr.read()
    return proc


def _kill(proc: subprocess.Popen) -> tuple[list[str], str]:
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    # A line cut short by the kill has no newline: not an acknowledgement.
    complete = out.split("\n")[:-1]
    return complete, err


def _check_journal(path: Path, key, acknowledged: set[int]) -> int:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.storage.database import Database, connect

    db = Database(connect(path, key), path, key)
    try:
        assert db.integrity_ok()
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('integrity-check')")
        ids = {r[0] for r in db.query("SELECT id FROM entry")}
        missing = acknowledged - ids
        assert not missing, f"acknowledged writes lost: {sorted(missing)[:10]}"
        fts_ids = {r[0] for r in db.query("SELECT rowid FROM entry_fts")}
        assert fts_ids == ids, "full-text rows out of step with entries"
        half = db.query(
            "SELECT e.id FROM entry e WHERE e.title LIKE 'crash %' AND "
            "(SELECT count(*) FROM entry_tag et WHERE et.entry_id = e.id) != 2"
        )
        assert not half, f"entries without both tags: {[r[0] for r in half]}"
        assert_current(db)  # the pattern digest is written in the same transaction
        # The newest entry is findable by its own words and by its tag's words.
        newest = db.query_one("SELECT id, title FROM entry ORDER BY id DESC LIMIT 1")
        if newest is not None and newest["title"].startswith("crash "):
            token = newest["title"].split()[1]
            service = JournalService(db)
            assert [e.id for e in service.found(token)] == [newest["id"]]
            assert newest["id"] in {e.id for e in service.found("group")}
        return len(ids)
    finally:
        db.close()


def test_killed_writer_loses_nothing_acknowledged(tmp_path):
    from reflectjournal.storage.unlock import key_for

    journal = new_journal(tmp_path / "journal.rj")
    key = key_for(journal, PASSPHRASE)
    rng = random.Random(20261126)
    acknowledged: set[int] = set()
    kills_after_writes = 0
    for run in range(size(50, 300)):
        proc = _spawn("write", str(journal), key.hex(), str(run))
        time.sleep(rng.uniform(0.0, 0.25))
        lines, err = _kill(proc)
        assert "Traceback" not in err, err
        acked = {int(x) for x in lines}
        kills_after_writes += bool(acked)
        acknowledged |= acked
        _check_journal(journal, key, acknowledged)
    # Most kills must land mid-stream, or this test proves little.
    assert kills_after_writes >= size(50, 300) // 2
    assert len(acknowledged) > size(50, 300)


@pytest.mark.parametrize("stage", ["sole", "staged", "verified", "swapped"])
def test_passphrase_change_killed_at_each_step(tmp_path, stage):
    from reflectjournal.storage import rekey

    journal = new_journal(tmp_path / "journal.rj", entries=12)
    proc = subprocess.run(
        [sys.executable, CHILD, "rekey", str(journal), PASSPHRASE, NEW_PASSPHRASE, stage],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    expected = NEW_PASSPHRASE if stage == "swapped" else PASSPHRASE
    opened_with = _open_with_either(journal, 12)
    assert opened_with == expected
    assert not [p for p in rekey.leftovers(journal) if p.exists()]


def _open_with_either(journal: Path, entries: int) -> str:
    """Which passphrase opens the journal (exactly one must); checks the content too."""
    from reflectjournal.errors import WrongPassphrase
    from reflectjournal.storage.unlock import KeySources, unlock

    opened = []
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE):
        try:
            db = unlock(journal, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase})).db
        except WrongPassphrase:
            continue
        try:
            assert db.integrity_ok()
            assert db.scalar("SELECT count(*) FROM entry") == entries
        finally:
            db.close()
        opened.append(passphrase)
    assert len(opened) == 1, f"opened by {len(opened)} passphrases"
    return opened[0]


def test_passphrase_change_killed_at_random_moments(tmp_path):
    from reflectjournal.storage import rekey

    journal = new_journal(tmp_path / "journal.rj", entries=12)
    rng = random.Random(7)
    current, other = PASSPHRASE, NEW_PASSPHRASE
    outcomes = {"old": 0, "new": 0}
    for _ in range(size(8, 60)):
        proc = _spawn("rekey", str(journal), current, other)
        time.sleep(rng.uniform(0.0, 0.3))
        lines, err = _kill(proc)
        assert "Traceback" not in err, err
        opened_with = _open_with_either(journal, 12)
        if "done" in lines:
            assert opened_with == other
        outcomes["new" if opened_with == other else "old"] += 1
        if opened_with == other:
            current, other = other, current
        assert not [p for p in rekey.leftovers(journal) if p.exists()]
    assert sum(outcomes.values()) == size(8, 60)
