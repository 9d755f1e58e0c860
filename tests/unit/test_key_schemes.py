"""Issue 14 item 4: a stronger key derivation with a version, upgrades at unlock, and weak
passphrases refused by a real strength estimator."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reflectjournal.errors import UsageError, WrongPassphrase
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage import keys
from reflectjournal.storage.unlock import KeySources

PASS = "correct horse battery staple"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _env(passphrase: str) -> KeySources:
    return KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase})


def _salt(path: Path) -> bytes:
    return path.read_bytes()[:16]


def test_production_parameters_are_what_the_readme_claims(monkeypatch):
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    monkeypatch.delenv(keys.ENV_TEST_KDF, raising=False)
    scheme = keys.current_scheme()
    assert scheme is keys.PRODUCTION
    assert (scheme.number, scheme.kdf) == (2, "argon2id")
    memory_kib, iterations, lanes = scheme.cost
    assert memory_kib == 128 * 1024 >= 64 * 1024 and iterations == 3 and lanes == 4
    made = keys.new_key(PASS)
    assert made.salt[:3] == b"RJ\x02" and len(made.salt) == 16
    expected = Argon2id(
        salt=made.salt, length=32, iterations=3, lanes=4, memory_cost=128 * 1024
    ).derive(PASS.encode())
    assert made.key == expected
    assert keys.derive_key(PASS, made.salt).key == expected


def test_legacy_files_use_scrypt_2_15_and_tests_use_the_cheap_scheme():
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    salt = bytes(range(16))
    assert keys.scheme_of(salt) is keys.LEGACY
    expected = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(PASS.encode())
    assert keys.derive_key(PASS, salt).key == expected
    assert keys.current_scheme() is keys.TEST  # set by tests/conftest.py


def test_an_old_journal_is_upgraded_at_its_next_unlock(tmp_path):
    journal = tmp_path / "schema-0003.rj"
    shutil.copyfile(FIXTURES / "schema-0003.rj", journal)
    passphrase = "fixture passphrase for schema 0003"
    assert keys.scheme_of(_salt(journal)) is keys.LEGACY
    ws = Workspace.open(journal, _env(passphrase))
    titles = [e.title for e in ws.journal.entries()]
    ws.close()
    assert "Night shift gaps" in titles
    assert keys.scheme_of(_salt(journal)) is keys.current_scheme()
    # The same passphrase still opens it, with the same content, and nothing is left over.
    again = Workspace.open(journal, _env(passphrase))
    assert [e.title for e in again.journal.entries()] == titles
    again.close()
    assert not list(tmp_path.glob("*.rekey*"))


def test_the_upgrade_refreshes_the_keyring_copy(tmp_path):
    class Memory:
        def __init__(self):
            self.store = {}

        def usable(self):
            return True

        def get(self, path):
            return self.store.get(str(path))

        def set(self, path, value):
            self.store[str(path)] = value
            return True

    journal = tmp_path / "old.rj"
    old = keys.new_key(PASS, keys.LEGACY)
    from reflectjournal.storage import migrate
    from reflectjournal.storage.database import Database, connect

    os.close(os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    db = Database(connect(journal, old), journal, keys.RawKey(old.key))
    migrate.upgrade(db)
    db.close()
    ring = Memory()
    ring.set(journal, old.key.hex())
    ws = Workspace.open(
        journal,
        KeySources(passphrase_file=None, environ={"REFLECTJOURNAL_PASSPHRASE": PASS}, keyring=ring),
    )
    ws.close()
    assert ring.get(journal) != old.key.hex()
    # The keyring path (no key stretching) opens the upgraded file.
    fast = Workspace.open(journal, KeySources(environ={}, keyring=ring))
    assert fast.unlocked_by == "keyring"
    fast.close()


def test_a_legacy_salt_that_looks_marked_still_opens(tmp_path):
    """1 in 65,536 legacy salts begin with the marker: the marked scheme fails, scheme 1 fits."""
    from reflectjournal.storage import migrate
    from reflectjournal.storage.database import Database, connect

    salt = b"RJ\x7f" + os.urandom(13)
    key = keys.RawKey(keys.LEGACY.derive(PASS, salt), salt)
    journal = tmp_path / "lookalike.rj"
    os.close(os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    db = Database(connect(journal, key), journal, keys.RawKey(key.key))
    migrate.upgrade(db)
    db.close()
    ws = Workspace.open(journal, _env(PASS))
    ws.close()
    assert _salt(journal)[:3] == b"RJ\x7f" and _salt(journal) != salt  # re-keyed afresh


def test_the_marker_cannot_be_edited_to_a_cheaper_scheme(tmp_path):
    journal = tmp_path / "j.rj"
    Workspace.create(journal, PASS).close()
    data = bytearray(journal.read_bytes())
    assert data[:3] == b"RJ\x7f"
    data[2] = 0x02  # claim another scheme: the salt is part of the key, so nothing opens
    journal.write_bytes(bytes(data))
    with pytest.raises(WrongPassphrase):
        Workspace.open(journal, _env(PASS))


@pytest.mark.parametrize(
    "weak", ["password", "12345678", "Summer2024!", "letmein123", "qwertyuiop", "reflectjournal1"]
)
def test_weak_passphrases_are_refused_with_one_sentence(tmp_path, weak):
    with pytest.raises(UsageError) as caught:
        Workspace.create(tmp_path / "j.rj", weak)
    assert "easy to guess" in str(caught.value) and str(caught.value).count(".") <= 2
    assert not (tmp_path / "j.rj").exists()


def test_the_owner_name_does_not_make_a_passphrase(tmp_path):
    # Fine for a stranger's journal, guessable for Doreen's.
    Workspace.create(tmp_path / "other.rj", "Whitcombe2024", owner="Ana Ruiz").close()
    with pytest.raises(UsageError, match="easy to guess"):
        Workspace.create(tmp_path / "j.rj", "Whitcombe2024", owner="Doreen Whitcombe")
    assert not (tmp_path / "j.rj").exists()


def test_a_weak_new_passphrase_leaves_the_journal_as_it_was(tmp_path):
    journal = tmp_path / "j.rj"
    ws = Workspace.create(journal, PASS)
    ws.journal.add("kept")
    before = journal.read_bytes()[:16]
    with pytest.raises(UsageError, match="easy to guess"):
        ws.change_passphrase("password1")
    assert ws.journal.entries()[0].body == "kept"
    ws.close()
    assert journal.read_bytes()[:16] == before
    Workspace.open(journal, _env(PASS)).close()


def test_generated_passphrases_are_six_list_words_and_strong():
    words = keys._words()
    assert len(words) == 7776 == len(set(words))
    seen = set()
    for _ in range(20):
        phrase = keys.generate_passphrase()
        parts = phrase.split(" ")
        assert len(parts) == 6 and all(p in words for p in parts)
        assert keys.passphrase_problem(phrase) is None
        seen.add(phrase)
    assert len(seen) == 20
