"""Issue 14's bad input: no silent plaintext, no spoofable trust step, files and processes.

Each test here failed on the code before issue 14: a plaintext file swapped in at the journal's
path, a weak passphrase, a canary name reaching the log, a squatted socket, a '#' in the
journal's path, escape sequences in a received title.
"""

from __future__ import annotations

import shutil

import pytest
from reliability_support import (
    PASSPHRASE,
    assert_one_line_error,
    fingerprint,
    new_journal,
    run_cli,
    write_passphrase,
)


@pytest.fixture
def pw(tmp_path):
    return write_passphrase(tmp_path)


# ---- no silent plaintext ---------------------------------------------------------------------


def test_a_swapped_plaintext_journal_is_refused_and_left_untouched(tmp_path, pw):
    journal = new_journal(tmp_path / "journal.rj", entries=2)
    planted = tmp_path / "planted.rj"
    assert run_cli("init", "--unencrypted", journal=planted).returncode == 0
    # Someone with write access to the folder swaps in a plain journal.
    shutil.move(planted, journal)
    before = fingerprint(journal)
    for command in (("list",), ("add", "this must not be written in clear")):
        line = assert_one_line_error(run_cli(*command, journal=journal, passphrase_file=pw), 1)
        assert "not encrypted" in line and "--unencrypted" in line
    assert fingerprint(journal) == before
    assert b"this must not be written" not in journal.read_bytes()
    # The explicit choice opens it.
    opened = run_cli("--unencrypted", "list", "--json", journal=journal)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == b"[]"


def test_restoring_a_plaintext_backup_needs_the_explicit_choice(tmp_path, pw):
    plain = tmp_path / "plain.rj"
    assert run_cli("init", "--unencrypted", journal=plain).returncode == 0
    assert run_cli("--unencrypted", "add", "kept", journal=plain).returncode == 0
    target = tmp_path / "restored.rj"
    line = assert_one_line_error(run_cli("restore", str(plain), journal=target), 1)
    assert "backup" in line and "not encrypted" in line
    assert not target.exists()
    done = run_cli("restore", str(plain), "--unencrypted", journal=target)
    assert done.returncode == 0, done.stderr
    listed = run_cli("--unencrypted", "list", "--json", journal=target)
    assert b"kept" in listed.stdout


def test_services_refuse_plaintext_without_the_flag(tmp_path):
    from reflectjournal.errors import UnencryptedJournal
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    path = tmp_path / "plain.rj"
    Workspace.create(path, None).close()
    with pytest.raises(UnencryptedJournal):
        Workspace.open(path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": PASSPHRASE}))
    ws = Workspace.open(path, KeySources(allow_unencrypted=True))
    assert not ws.db.encrypted
    ws.close()


# ---- logs ------------------------------------------------------------------------------------

CANARY = "Zebedee Quillfeather"


def _log_text(isolated_home) -> str:
    folder = isolated_home / "state"
    return "".join(p.read_text("utf-8", "replace") for p in folder.glob("reflectjournal.log*"))


def test_a_canary_name_never_reaches_the_log(tmp_path, isolated_home, cli, monkeypatch):
    import zipfile

    assert cli("init", "--name", "Ana")[0] == 0
    # Errors that quote the user's values: an unknown person, a refused zip member.
    code, _, err = cli("share", "export", "--to", CANARY, "--out", str(tmp_path / "x.rjp"))
    assert code != 0 and CANARY in err  # the user is told, by name
    code, _, err = cli("session", "add", "--with", CANARY, "notes")
    assert code != 0
    bad_zip = tmp_path / "dayone.zip"
    with zipfile.ZipFile(bad_zip, "w") as z:
        z.writestr(f"../{CANARY}.json", b"{}")
    code, _, err = cli("import", "dayone", str(bad_zip))
    assert code != 0
    # An unexpected failure whose message holds a name, with its traceback.
    from reflectjournal.cli import journal_cmds

    def broken(args):
        raise RuntimeError(f"could not handle {CANARY}") from KeyError(CANARY)

    monkeypatch.setattr(journal_cmds, "cmd_tags", broken)
    from reflectjournal.cli.main import main

    assert main(["--journal", str(cli.journal), "tags"]) == 1
    text = _log_text(isolated_home)
    assert "Traceback" in text and "RuntimeError" in text  # the log still helps
    assert "command share failed: " in text
    assert CANARY not in text and CANARY.split()[1] not in text


def test_log_folder_and_every_log_file_are_private(isolated_home):
    import logging
    import stat

    from reflectjournal.config import setup_logging

    path = setup_logging()
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "doRollover"))
    logging.getLogger("t").info("before rotation")
    handler.doRollover()
    logging.getLogger("t").info("after rotation")
    handler.doRollover()
    files = sorted(path.parent.glob("reflectjournal.log*"))
    assert len(files) >= 3
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


# ---- copies, paths, passphrase files ---------------------------------------------------------


def test_copies_are_private_from_their_first_byte(tmp_path, workspace):
    import os
    import stat

    from reflectjournal.storage.copy import copy_to

    for n in range(30):
        workspace.journal.add(f"entry {n} " + "words " * 200)
    old_umask = os.umask(0o022)
    seen: dict[str, int] = {}
    dest = tmp_path / "copy.rj"
    partial = dest.with_name(dest.name + ".partial")

    def look(done, total):
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = f"{partial}{suffix}"
            if os.path.exists(p):
                seen[suffix or "main"] = stat.S_IMODE(os.stat(p).st_mode)

    try:
        copy_to(workspace.db, dest, progress=look)
    finally:
        os.umask(old_umask)
    assert "main" in seen and "-wal" in seen, seen
    assert set(seen.values()) == {0o600}, seen
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_a_hash_in_the_path_names_exactly_that_file(tmp_path, pw):
    import stat

    folder = tmp_path / "team #3 ?notes%20"
    folder.mkdir()
    journal = folder / "journal#1.rj"
    assert run_cli("init", journal=journal, passphrase_file=pw).returncode == 0
    assert (
        run_cli("add", "kept in the right file", journal=journal, passphrase_file=pw).returncode
        == 0
    )
    assert journal.exists() and stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert not (tmp_path / "team ").exists() and not (folder / "journal").exists()
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("journal#1.rj")) == []
    assert journal.read_bytes()[:16] != b"SQLite format 3\x00"
    listed = run_cli("list", "--json", journal=journal, passphrase_file=pw)
    assert b"kept in the right file" in listed.stdout


def test_a_passphrase_file_others_can_read_is_refused(tmp_path):
    journal = new_journal(tmp_path / "journal.rj", entries=1)
    loose = tmp_path / "loose.txt"
    loose.write_text(PASSPHRASE + "\n", encoding="utf-8")
    loose.chmod(0o644)
    before = fingerprint(journal)
    line = assert_one_line_error(run_cli("list", journal=journal, passphrase_file=loose), 2)
    assert "chmod 600" in line and "other users" in line
    assert fingerprint(journal) == before
    loose.chmod(0o600)
    assert run_cli("list", journal=journal, passphrase_file=loose).returncode == 0


def test_the_passphrase_variable_is_not_inherited_once_read(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE).close()
    monkeypatch.setenv("REFLECTJOURNAL_PASSPHRASE", PASSPHRASE)
    ws = Workspace.open(path, KeySources())
    assert ws.unlocked_by == "environment"
    assert "REFLECTJOURNAL_PASSPHRASE" not in os.environ
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ.get('REFLECTJOURNAL_PASSPHRASE'))"],
        capture_output=True,
        text=True,
    )
    assert child.stdout.strip() == "None"
    ws.close()


# ---- terminal output -------------------------------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m"


def test_escape_sequences_in_a_received_title_are_shown_not_obeyed(tmp_path, capsys):
    import json

    from reflectjournal.cli.main import main
    from reflectjournal.services.sharing.share import ShareRequest
    from reflectjournal.services.workspace import Workspace

    leader = Workspace.create(tmp_path / "leader.rj", PASSPHRASE, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASSPHRASE, owner="Ben Mentor")
    leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card("mentor"))
    mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card())
    leader.journal.add("Body" + ESCAPES, title="Rota" + ESCAPES, visibility="mentor")
    leader.sharing.export_share(ShareRequest(to="Ben Mentor"), tmp_path / "p.rjp")
    mentor.sharing.import_share(tmp_path / "p.rjp")
    shared = mentor.db.scalar("SELECT id FROM entry WHERE kind = 'shared'")
    leader.close()
    mentor.close()
    pw = write_passphrase(tmp_path)
    base = ["--journal", str(tmp_path / "mentor.rj"), "--passphrase-file", str(pw)]
    for command in (["list"], ["show", str(shared)], ["search", "Rota"]):
        capsys.readouterr()
        assert main([*base, *command]) == 0
        out = capsys.readouterr().out
        assert "Rota" in out
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in out, (command, out)
        assert "\\x1b]0;pwned" in out
    assert main([*base, "show", str(shared), "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert json.loads(out)["title"] == "Rota" + ESCAPES  # JSON keeps the exact text


# ---- old backups after a passphrase change ---------------------------------------------------

NEW = "a different passphrase, also long"


def _opens(path, passphrase) -> bool:
    from reflectjournal.storage.unlock import open_with_passphrase

    db = open_with_passphrase(path, passphrase, read_only=True)
    if db is None:
        return False
    try:
        return db.integrity_ok() and db.scalar("SELECT count(*) FROM entry") == 1
    finally:
        db.close()


@pytest.mark.parametrize("choice", ["reencrypt", "delete", "keep"])
def test_old_backups_are_found_and_dealt_with_after_a_passphrase_change(tmp_path, choice):
    from reflectjournal.services.workspace import Workspace

    ws = Workspace.create(tmp_path / "journal.rj", PASSPHRASE)
    ws.journal.add("one entry")
    made = [ws.backups.rotate(), ws.backups.rotate()]
    assert all(_opens(p, PASSPHRASE) for p in made)
    result = ws.change_passphrase(NEW, old_backups=choice)
    ws.close()
    assert result.choice == choice
    assert sorted(result.backups) == sorted(made)
    for p in made:
        if choice == "reencrypt":
            assert _opens(p, NEW) and not _opens(p, PASSPHRASE)
        elif choice == "delete":
            assert not p.exists()
        else:
            assert _opens(p, PASSPHRASE)


def test_the_cli_tells_about_backups_the_old_passphrase_still_opens(tmp_path, cli):
    assert cli("init")[0] == 0
    assert cli("add", "one entry")[0] == 0
    code, out, err = cli("backup", str(tmp_path / "manual.rj.bak"))  # not ours to manage
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    ws = Workspace.open(cli.journal, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": PASSPHRASE}))
    automatic = ws.backups.rotate()
    ws.close()
    new = write_passphrase(tmp_path, NEW, "new.txt")
    code, out, err = cli("passphrase", "change", "--new-passphrase-file", str(new))
    assert code == 0, err
    assert "still open with the OLD passphrase" in out and str(automatic) in out
    assert _opens(automatic, PASSPHRASE)
