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
