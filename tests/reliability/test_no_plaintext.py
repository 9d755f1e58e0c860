"""Promise 1: nothing the user writes is ever on disk in plain text.

A canary word goes through every path that touches storage (write, search, edit, backup,
passphrase change, delete), by the CLI as real processes and by the services in-process; then
every file the app could have written — the journal and its -wal/-shm/-journal, backups, a
private TMPDIR, the log file, the config and state folders — is searched for it.
"""

from __future__ import annotations

import os
from pathlib import Path

from reliability_support import (
    NEW_PASSPHRASE,
    PASSPHRASE,
    cli_env,
    new_journal,
    open_workspace,
    run_cli,
    write_passphrase,
)

CANARY = "Quetzalcanary"
CANARY_2 = "Marmosetcanary"
SQLITE_HEADER = b"SQLite format 3\x00"


def _needles(word: str) -> list[bytes]:
    # UTF-8 in any case, and UTF-16 (what Qt or Windows APIs would write).
    forms = {word, word.lower(), word.upper()}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le")]


def _hits(roots: list[Path], words: list[str], skip: set[Path]) -> list[str]:
    found = []
    needles = [n for w in words for n in _needles(w)]
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                if path in skip or path.is_symlink():
                    continue
                data = path.read_bytes()
                found += [f"{path}: {n!r}" for n in needles if n in data]
    return found


def _scanned_files(roots: list[Path]) -> list[Path]:
    return [Path(f) / n for r in roots for f, _d, ns in os.walk(r) for n in ns]


def test_cli_leaves_no_plaintext(tmp_path, isolated_home, private_tmpdir):
    from reflectjournal.config import log_file

    journal = tmp_path / "journal.rj"
    pw = write_passphrase(tmp_path)
    new_pw = write_passphrase(tmp_path, NEW_PASSPHRASE, "new-pass.txt")
    env = cli_env(TMPDIR=str(private_tmpdir))

    def rj(*args, passphrase=pw, stdin=None):
        result = run_cli(*args, journal=journal, passphrase_file=passphrase, env=env, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout.decode()

    rj("init", "--name", "Canary Tester")
    first = rj("add", f"Today the {CANARY} sang about rota gaps", "--tag", "burnout").strip()
    second = rj("add", "-", "--title", f"{CANARY} title", stdin=f"body {CANARY}\n".encode())
    assert CANARY in rj("search", CANARY, "--json")
    assert CANARY in rj("show", first, "--json")
    rj("list", "--json")
    rj("edit", first, f"now the {CANARY_2} sings instead")
    rj("delete", second.strip())
    rj("passphrase", "change", "--new-passphrase-file", str(new_pw))
    assert CANARY_2 in rj("search", CANARY_2, "--json", passphrase=new_pw)

    roots = [tmp_path, isolated_home, private_tmpdir]
    assert log_file().exists(), "the CLI should have written its log file"
    assert journal.read_bytes()[:16] != SQLITE_HEADER
    assert _hits(roots, [CANARY, CANARY_2], skip=set()) == []


def test_services_leave_no_plaintext(tmp_path, isolated_home, private_tmpdir):
    from reflectjournal.storage.copy import copy_to

    journal = new_journal(tmp_path / "journal.rj")
    ws = open_workspace(journal)
    try:
        entry = ws.journal.add(f"a {CANARY} in the ward", tags=["resilience", CANARY.lower()])
        ws.journal.add("filler " * 500)
        assert [e.id for e in ws.journal.found(CANARY)] == [entry]
        # While open, the freshest text lives in the -wal: it must be ciphertext too.
        assert Path(f"{journal}-wal").exists()
        assert _hits([tmp_path, private_tmpdir], [CANARY], skip=set()) == []
        ws.journal.edit(entry, body=f"the {CANARY_2} replaced it", title=CANARY_2)
        copy_to(ws.db, tmp_path / "backup.rj")
        ws.set_setting("draft.new", CANARY_2)  # unsaved editor text
        ws.change_passphrase(NEW_PASSPHRASE)
        assert ws.journal.found(CANARY_2)[0].id == entry
        ws.journal.delete(entry)
    finally:
        ws.close()

    backup = tmp_path / "backup.rj"
    reopened = open_workspace(backup, PASSPHRASE)  # a backup keeps the passphrase it was made under
    try:
        assert CANARY_2 in reopened.journal.entry(entry).body
    finally:
        reopened.close()
    roots = [tmp_path, isolated_home, private_tmpdir]
    assert len(_scanned_files(roots)) >= 2  # the journal and its backup at least
    assert _hits(roots, [CANARY, CANARY_2], skip=set()) == []
