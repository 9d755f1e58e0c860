"""Promise 7: a journal written by an earlier schema opens with today's code, content intact,
and is migrated only after a verified backup copy.

Each tests/fixtures/schema-NNNN.rj was written by the code of schema NNNN, all with the same
content (tests/fixtures/make_fixture.py): 0001 is the first schema, 0003 the one with the pattern
digest but before the search index's prefix indexes. The expectations below are written out by
hand on purpose: they do not come from the script.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMAS = sorted(p.name for p in FIXTURES.glob("schema-*.rj"))


def _schema_of(path: Path) -> str:
    return re.search(r"schema-(\d{4})", path.name).group(1)


def _passphrase(path: Path) -> str:
    # make_fixture.passphrase; a backup copy ("schema-0001.rj.pre-…") keeps its journal's.
    return f"fixture passphrase for schema {_schema_of(path)}"


def _copy_of(name: str, tmp_path: Path) -> Path:
    # Never open the committed file itself: opening writes -wal/-shm and may migrate it.
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def _open(path: Path):
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    return Workspace.open(
        path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": _passphrase(path)})
    )


def _assert_fixture_content(ws) -> None:
    listed = ws.journal.entries()
    assert [e.title for e in listed] == [
        "Unicode",
        "Board asked for a recovery plan by Friday.",
        "Night shift gaps",
    ]
    entries = {e.title: e for e in listed}
    night = entries["Night shift gaps"]
    assert night.body == "Handover ran late again; two agency nurses on nights."
    assert list(night.tags) == ["workforce-pressures", "burnout"]
    assert (night.mood, night.energy) == (2, 3)
    assert night.created.startswith("2025-03-04T21:15:00")
    unicode_entry = entries["Unicode"]
    assert unicode_entry.body == "Unicode survives upgrades: 🙂 שלום café e\u0301"
    assert list(unicode_entry.tags) == ["my-own-tag"]
    gibbs = next(e for e in entries.values() if e.model == "gibbs")
    assert gibbs.visibility == "mentor" and list(gibbs.tags) == ["systems-thinking"]
    sections = dict(ws.journal.entry(gibbs.id).sections)
    assert sections["action-plan"] == "Book a 20-minute huddle before the board."
    assert sections["feelings"] == "Anxious but clear."
    assert [e.title for e in ws.journal.found("agency nurses")] == ["Night shift gaps"]
    # Prefixes of one to three letters go through the index's prefix indexes (0004).
    assert [e.title for e in ws.journal.found("Han")] == ["Night shift gaps"]
    assert [e.title for e in ws.journal.found("Ag")] == ["Night shift gaps"]
    assert [e.id for e in ws.journal.found("huddle")] == [gibbs.id]
    ratings = ws.journal.ratings("resilience")
    assert [(r.value, r.date, r.note) for r in ratings] == [
        (4, "2025-05-07", "steadier this month")
    ]
    assert [p.name for p in ws.people.list()] == ["Dr Mentor"]
    assert ws.owner_name == "Fixture Leader"
    assert ws.db.integrity_ok()


@pytest.mark.parametrize("name", SCHEMAS)
def test_old_schema_journal_opens_with_content_intact(tmp_path, name):
    from reflectjournal.storage import migrate

    journal = _copy_of(name, tmp_path)
    schema = _schema_of(journal)
    ws = _open(journal)
    try:
        assert migrate.current_revision(ws.db) == migrate.SCHEMA_HEAD
        _assert_fixture_content(ws)
        assert ws.db.integrity_ok()
        assert ws.db.scalar("SELECT v FROM entry_fts_config WHERE k = 'pgsz'") == 3960
    finally:
        ws.close()
    backup = migrate.backup_path_for(journal, schema)
    if migrate.SCHEMA_HEAD != schema:
        # A real upgrade happened: the verified copy of the old file must be there and open.
        assert backup.exists()
        # Raw open: Workspace.open would migrate the backup too, hiding what it holds.
        old = _open_raw(backup)
        try:
            assert migrate.current_revision(old) == schema
        finally:
            old.close()
    else:
        assert not backup.exists(), "no backup is needed when nothing migrates"


@pytest.mark.parametrize("name", SCHEMAS)
def test_old_schema_journal_has_a_pattern_digest_matching_its_entries(tmp_path, name):
    """Migration 0003 fills the digest from what is already there; patterns read it."""
    from digest_oracle import actual, assert_current  # tests/digest_oracle.py

    ws = _open(_copy_of(name, tmp_path))
    try:
        assert_current(ws.db)
        entries, links = actual(ws.db)
        assert len(entries) == 3 and len(links) == 4
        counts = {t.slug: t.count for t in ws.patterns.compute().tags}
        assert counts == {
            "workforce-pressures": 1, "burnout": 1, "my-own-tag": 1, "systems-thinking": 1,
        }  # fmt: skip
        # Its triggers work in the upgraded file too.
        ws.journal.add("After the upgrade", tags=["burnout"])
        assert_current(ws.db)
    finally:
        ws.close()


def test_migration_runs_only_after_a_verified_backup(tmp_path, monkeypatch):
    """Pretends the code is one schema ahead, to exercise the backup-then-migrate path now."""
    from reflectjournal.storage import migrate

    journal = _copy_of("schema-0001.rj", tmp_path)
    backup = migrate.backup_path_for(journal, "0001")
    seen = []

    def fake_upgrade(db, revision="head"):
        # At this point the backup must exist, open under the same passphrase, and be whole.
        assert backup.exists()
        copy = _open_raw(backup)
        try:
            seen.append((copy.integrity_ok(), copy.scalar("SELECT count(*) FROM entry")))
        finally:
            copy.close()

    monkeypatch.setattr(migrate, "SCHEMA_HEAD", "9999")
    monkeypatch.setattr(migrate, "upgrade", fake_upgrade)
    ws = _open(journal)
    ws.close()
    assert seen == [(True, 3)]


def _open_raw(path: Path):
    from reflectjournal.storage.database import Database, connect
    from reflectjournal.storage.unlock import key_for

    key = key_for(path, _passphrase(path))
    return Database(connect(path, key), path, key)


@pytest.mark.parametrize("name", SCHEMAS)
def test_fixture_is_encrypted_and_small(name):
    data = (FIXTURES / name).read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert b"agency nurses" not in data
    assert len(data) < 1_000_000
