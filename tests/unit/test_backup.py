"""Backups open with the same passphrase and hold the same journal; restore never overwrites."""

from __future__ import annotations

import json
import os

import pytest

from reflectjournal.errors import JournalExists, UsageError, WrongPassphrase
from reflectjournal.services.backup import BackupService, restore
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.unlock import KeySources


def sources(passphrase: str) -> KeySources:
    return KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase})


def everything(ws) -> list:
    return [ws.journal.entry(e.id) for e in ws.journal.entries()]


@pytest.fixture
def filled(workspace):
    workspace.journal.add("Secret words: lighthouse.", title="First", tags=["resilience"], mood=4)
    workspace.journal.add("More text.", title="Second", model="kolb")
    return workspace


def test_backup_opens_with_the_same_passphrase_and_matches(filled, tmp_path, passphrase):
    out = tmp_path / "copy.rj"
    report = filled.backups.backup(out)
    assert report.entries == 2 and report.encrypted
    assert b"lighthouse" not in out.read_bytes()  # encrypted on disk
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    copy = Workspace.open(out, sources(passphrase))
    try:
        assert everything(copy) == everything(filled)
        assert copy.db.integrity_ok()
    finally:
        copy.close()
    with pytest.raises(WrongPassphrase):
        Workspace.open(out, sources("not the passphrase"))


def test_backup_refuses_an_existing_file(filled, tmp_path):
    out = tmp_path / "taken.rj"
    out.write_bytes(b"precious")
    with pytest.raises(JournalExists, match="never overwrites"):
        filled.backups.backup(out)
    assert out.read_bytes() == b"precious"
    with pytest.raises(UsageError, match="does not exist"):
        filled.backups.backup(tmp_path / "no-such-folder" / "x.rj")


def test_backup_then_restore_gives_the_same_journal(filled, tmp_path, passphrase):
    backup = tmp_path / "b.rj"
    filled.backups.backup(backup)
    before = backup.read_bytes()
    target = tmp_path / "restored.rj"
    report = restore(backup, target, sources(passphrase))
    assert report.entries == 2
    assert backup.read_bytes() == before  # the backup is only read
    restored = Workspace.open(target, sources(passphrase))
    try:
        assert everything(restored) == everything(filled)
    finally:
        restored.close()


def test_restore_refuses_to_overwrite(filled, tmp_path, passphrase):
    backup = tmp_path / "b.rj"
    filled.backups.backup(backup)
    target = tmp_path / "existing.rj"
    target.write_bytes(b"someone's journal")
    with pytest.raises(JournalExists, match="refuses to overwrite"):
        restore(backup, target, sources(passphrase))
    assert target.read_bytes() == b"someone's journal"


def test_restore_with_the_wrong_passphrase_writes_nothing(filled, tmp_path):
    backup = tmp_path / "b.rj"
    filled.backups.backup(backup)
    target = tmp_path / "new.rj"
    with pytest.raises(WrongPassphrase, match="passphrase is wrong"):
        restore(backup, target, sources("wrong passphrase"))
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new")) == []


def test_restore_of_a_file_that_is_not_a_backup(tmp_path, passphrase):
    junk = tmp_path / "junk.rj"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(WrongPassphrase):
        restore(junk, tmp_path / "new.rj", sources(passphrase))
    assert not (tmp_path / "new.rj").exists()


def test_rotation_keeps_the_newest_n(filled, tmp_path):
    folder = tmp_path / "auto"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup", encoding="utf-8")
    made = [filled.backups.rotate(folder, keep=2) for _ in range(3)]
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([made[1].name, made[2].name, "notes.txt"])
    assert all(p.name.startswith("journal-") and p.name.endswith(".rj.bak") for p in made)
    # The journal's setting decides when no number is given.
    filled.set_setting("backup.keep", "1")
    newest = filled.backups.rotate(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([newest.name, "notes.txt"])


def test_rotation_sweeps_partials_a_killed_backup_left_and_nothing_else(filled, tmp_path):
    folder = tmp_path / "auto"
    folder.mkdir()
    stale = folder / "journal-20260101-090000.rj.bak.partial"
    stale_wal = folder / "journal-20260101-090000.rj.bak.partial-wal"
    fresh = folder / "journal-20260101-100000.rj.bak.partial"  # maybe still being written
    foreign = folder / "notes.rj.bak.partial"
    for path in (stale, stale_wal, fresh, foreign):
        path.write_bytes(b"x")
    two_hours_ago = os.stat(stale).st_mtime - 7200
    for path in (stale, stale_wal, foreign):
        os.utime(path, (two_hours_ago, two_hours_ago))
    made = filled.backups.rotate(folder, keep=3)
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.name, fresh.name, foreign.name])


def test_cancelled_copy_leaves_no_file(filled, tmp_path, monkeypatch):
    from reflectjournal.storage import copy

    for i in range(30):
        filled.journal.add("Words to fill pages. " * 60, title=f"Filler {i}")
    monkeypatch.setattr(copy, "STEP_PAGES", 2)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if len(seen) == 3:
            raise KeyboardInterrupt("the user pressed Cancel")

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KeyboardInterrupt):
        filled.backups.backup(out / "b.rj", progress=progress)
    assert [d for d, _ in seen] == [2, 4, 6] and seen[0][1] > 6
    assert list(out.iterdir()) == []


def test_rotation_default_keep_is_five(workspace):
    assert BackupService(workspace.db, workspace.setting).keep() == 5
    workspace.set_setting("backup.keep", "not a number")
    assert workspace.backups.keep() == 5


def test_cli_backup_and_restore(cli, tmp_path):
    assert cli("init", "--no-keyring")[0] == 0
    cli("add", "Kept safe.", "--title", "Precious")
    code, out, err = cli("backup", str(tmp_path / "b.rj"))
    assert (code, err) == (0, "") and "verified" in out
    code, out, err = cli("backup", str(tmp_path / "b.rj"))
    assert code == 1 and "already exists" in err and err.count("\n") == 1
    target = tmp_path / "restored.rj"
    code, out, err = cli("restore", str(tmp_path / "b.rj"), journal_path=target)
    assert (code, err) == (0, "")
    code, out, _ = cli("list", "--json", journal_path=target)
    assert [e["title"] for e in json.loads(out)] == ["Precious"]
    code, out, err = cli("restore", str(tmp_path / "b.rj"), journal_path=target)
    assert code == 1 and "refuses to overwrite" in err
