"""Promise 3: when the disk or the file fails, the user gets one clear sentence and the file
is kept: a full disk, a read-only file or folder, a file deleted or replaced while open, a
damaged page. Nothing crashes, the CLI prints no traceback, and a damaged file is left exactly
as it was (never deleted, moved or rewritten) with a restore offered in the message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reliability_support import (
    PASSPHRASE,
    assert_one_line_error,
    fingerprint,
    make_read_only,
    make_writable,
    mount_tmpfs,
    new_journal,
    open_workspace,
    remount,
    run_cli,
    unmount,
    write_passphrase,
)

from reflectjournal.errors import NotAJournal, ReflectJournalError, StorageFull


def _one_sentence(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text.endswith(".") and len(text) < 300, text
    return text


def test_disk_full_page_limit_keeps_earlier_entries(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=5)
    ws = open_workspace(journal)
    try:
        pages = ws.db.scalar("PRAGMA page_count")
        ws.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StorageFull) as caught:
            for _ in range(50):
                ws.journal.add("a long reflection " * 5000, tags=["burnout"])
        assert "full" in _one_sentence(caught.value)
        assert ws.db.integrity_ok()
        before = ws.journal.count()
        ws.db.execute("PRAGMA max_page_count = 1073741823")
        ws.journal.add("after space was freed")
        assert ws.journal.count() == before + 1
    finally:
        ws.close()
    ws = open_workspace(journal)
    try:
        assert ws.db.integrity_ok()
        assert len(ws.journal.found("known")) == 5
    finally:
        ws.close()


def test_disk_full_on_a_real_tiny_filesystem(tmp_path):
    mnt = tmp_path / "tiny"
    # Room for a new journal whose WAL is not yet checkpointed (about 2 MB at schema 0010).
    if not mount_tmpfs(mnt, 4096):
        pytest.skip("needs root and mount to build a tiny filesystem")
    try:
        pw = write_passphrase(tmp_path)
        journal = mnt / "journal.rj"
        assert run_cli("init", journal=journal, passphrase_file=pw).returncode == 0
        assert run_cli("add", "kept entry", journal=journal, passphrase_file=pw).returncode == 0
        free = shutil.disk_usage(mnt).free
        (mnt / "filler").write_bytes(b"\0" * (free - 64 * 1024))
        big = ("no room for this " * 40_000).encode()
        for _ in range(3):
            result = run_cli("add", "-", journal=journal, passphrase_file=pw, stdin=big)
            line = assert_one_line_error(result, 1)
            assert "full" in line
        listed = run_cli("list", "--json", journal=journal, passphrase_file=pw)
        assert listed.returncode == 0, listed.stderr
        assert b"kept entry" in listed.stdout and b"no room" not in listed.stdout
    finally:
        unmount(mnt)


def test_read_only_file_refuses_writes_and_still_reads(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=3)
    pw = write_passphrase(tmp_path)
    before = fingerprint(journal)["journal.rj"]
    if not make_read_only(journal):
        pytest.skip("this filesystem cannot make a file read-only for root")
    try:
        line = assert_one_line_error(
            run_cli("add", "refused", journal=journal, passphrase_file=pw), 1
        )
        assert "read-only" in line
        listed = run_cli("list", "--json", journal=journal, passphrase_file=pw)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.count(b'"id"') == 3
        new_pw = write_passphrase(tmp_path, "another long passphrase", "new.txt")
        changed = run_cli(
            "passphrase",
            "change",
            "--new-passphrase-file",
            str(new_pw),
            journal=journal,
            passphrase_file=pw,
        )
        assert "read-only" in assert_one_line_error(changed, 1)
    finally:
        make_writable(journal)
    assert fingerprint(journal)["journal.rj"] == before


def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    if not mount_tmpfs(folder, 4096):
        folder.mkdir()
    pw = write_passphrase(tmp_path)
    journal = new_journal(folder / "journal.rj", entries=2)
    before = fingerprint(journal)["journal.rj"]
    try:
        try:
            remount(folder, "ro")
        except Exception:
            if not make_read_only(folder):
                pytest.skip("cannot make a folder read-only here")
        for args in (("add", "refused"), ("list",)):
            result = run_cli(*args, journal=journal, passphrase_file=pw)
            if args[0] == "list" and result.returncode == 0:
                continue  # reading a read-only folder may work; it must not write
            line = assert_one_line_error(result, 1)
            assert "writable" in line or "read-only" in line
    finally:
        try:
            remount(folder, "rw")
        except Exception:
            make_writable(folder)
    assert fingerprint(journal)["journal.rj"] == before
    unmount(folder)


def test_file_deleted_while_open_refuses_writes(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=2)
    ws = open_workspace(journal)
    try:
        journal.unlink()
        with pytest.raises(ReflectJournalError) as caught:
            ws.journal.add("would vanish with the deleted file")
        assert "deleted" in _one_sentence(caught.value)
        assert not journal.exists(), "nothing may recreate the file behind the user's back"
    finally:
        ws.close()


def test_file_replaced_while_open_refuses_writes_and_spares_the_new_file(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=2)
    other = new_journal(tmp_path / "other.rj", entries=7)
    ws = open_workspace(journal)
    try:
        assert ws.journal.count() == 2
        other.replace(journal)  # a restore or a file manager swapping files under us
        replaced = fingerprint(journal)["journal.rj"]
        with pytest.raises(ReflectJournalError) as caught:
            ws.journal.add("would land in the old, unlinked file")
        assert "replaced" in _one_sentence(caught.value)
        assert fingerprint(journal)["journal.rj"] == replaced
    finally:
        ws.close()
    ws = open_workspace(journal)
    try:
        assert ws.journal.count() == 7 and ws.db.integrity_ok()
    finally:
        ws.close()


def _flip(path: Path, offset: int, length: int = 256) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + length):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _entry_root_offset(journal: Path) -> int:
    ws = open_workspace(journal)
    try:
        root = ws.db.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'entry'")
        page_size = int(ws.db.scalar("PRAGMA page_size"))
    finally:
        ws.close()
    return (root - 1) * page_size + page_size // 2


def test_damaged_entry_page_gives_one_sentence_and_keeps_the_file(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=120)
    pw = write_passphrase(tmp_path)
    _flip(journal, _entry_root_offset(journal))
    before = fingerprint(journal)
    for args in (("list",), ("search", "known"), ("show", "3"), ("add", "new text")):
        line = assert_one_line_error(run_cli(*args, journal=journal, passphrase_file=pw), 1)
        assert "damaged" in line and "restore" in line, line
    assert fingerprint(journal) == before, "a damaged journal must be left byte-identical"
    with pytest.raises(NotAJournal):
        ws = open_workspace(journal)
        try:
            ws.journal.entries()
        finally:
            ws.close()


def test_damage_in_the_middle_of_the_file_is_found_and_never_crashes(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=120)
    pw = write_passphrase(tmp_path)
    _flip(journal, journal.stat().st_size // 2)
    before = fingerprint(journal)
    # Commands that do not touch the damaged page may still work; none may crash or write.
    for args in (("list",), ("search", "known"), ("tags",), ("show", "60")):
        result = run_cli(*args, journal=journal, passphrase_file=pw)
        if result.returncode:
            assert "damaged" in assert_one_line_error(result, 1)
    assert fingerprint(journal) == before
    try:
        ws = open_workspace(journal)
        try:
            assert not ws.db.integrity_ok(), "integrity_check must see the flipped bytes"
        finally:
            ws.close()
    except NotAJournal:
        pass  # the damaged page was needed to open or to check: an error, as promised
    assert fingerprint(journal) == before


def test_damaged_first_page_is_not_mistaken_for_success(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=3)
    pw = write_passphrase(tmp_path)
    data = bytearray(journal.read_bytes())
    data[100:200] = bytes(100)
    journal.write_bytes(bytes(data))
    before = fingerprint(journal)
    line = assert_one_line_error(run_cli("list", journal=journal, passphrase_file=pw), 1)
    assert "not a ReflectJournal journal" in line or "damaged" in line
    assert fingerprint(journal) == before
    assert PASSPHRASE not in line
