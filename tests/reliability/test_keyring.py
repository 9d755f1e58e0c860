"""Promise 5: the OS keyring can only make unlocking easier, never lose or expose a journal.

Working, missing, failing, hanging, plaintext and stale keyrings, each with a fake backend;
the real Secret Service is exercised by test_real_keyring.py.
"""

from __future__ import annotations

import os
import time

import pytest
from keyring.backend import KeyringBackend
from reliability_support import PASSPHRASE

from reflectjournal.errors import JournalLocked
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.keyring_store import SERVICE, KeyringStore
from reflectjournal.storage.unlock import KeySources


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


class FailingKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise RuntimeError("the keyring daemon crashed")

    def set_password(self, service, username, password):
        raise RuntimeError("the keyring daemon crashed")


class HangingKeyring(MemoryKeyring):
    def get_password(self, service, username):
        time.sleep(5)
        return None

    def set_password(self, service, username, password):
        time.sleep(5)


def _prompted(answers: list[str]):
    def prompt(_message: str) -> str | None:
        return answers.pop(0) if answers else None

    return prompt


def test_working_keyring_unlocks_without_the_passphrase(tmp_path):
    backend = MemoryKeyring()
    store = KeyringStore(backend)
    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE, keyring=store).close()
    assert list(backend.secrets) == [(SERVICE, str(path.resolve()))]
    assert PASSPHRASE not in backend.secrets[(SERVICE, str(path.resolve()))]
    ws = Workspace.open(path, KeySources(environ={}, keyring=store))
    try:
        assert ws.unlocked_by == "keyring"
        # A passphrase change re-keys the keyring's copy only after the swap succeeded.
        ws.change_passphrase("the next passphrase please", keyring=store)
    finally:
        ws.close()
    ws = Workspace.open(path, KeySources(environ={}, keyring=store))
    assert ws.unlocked_by == "keyring"
    ws.close()


def test_missing_keyring_falls_back_to_the_passphrase(tmp_path):
    from keyring.backends.fail import Keyring as FailKeyring

    store = KeyringStore(FailKeyring())
    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE, keyring=store).close()
    assert not store.usable()
    with pytest.raises(JournalLocked) as caught:
        Workspace.open(path, KeySources(environ={}, keyring=store))
    assert str(caught.value).startswith("journal is locked: ")
    ws = Workspace.open(path, KeySources(environ={}, keyring=store, prompt=_prompted([PASSPHRASE])))
    assert ws.unlocked_by == "prompt"
    ws.close()


def test_failing_keyring_never_stops_create_or_open(tmp_path):
    store = KeyringStore(FailingKeyring())
    path = tmp_path / "journal.rj"
    ws = Workspace.create(path, PASSPHRASE, keyring=store)
    ws.journal.add("written although the keyring failed")
    ws.close()
    ws = Workspace.open(path, KeySources(environ={}, keyring=store, prompt=_prompted([PASSPHRASE])))
    try:
        assert ws.unlocked_by == "prompt" and ws.journal.count() == 1
    finally:
        ws.close()


def test_hanging_keyring_times_out_and_falls_back(tmp_path):
    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE).close()
    store = KeyringStore(HangingKeyring(), timeout=0.5)
    started = time.monotonic()
    ws = Workspace.open(path, KeySources(environ={}, keyring=store, prompt=_prompted([PASSPHRASE])))
    elapsed = time.monotonic() - started
    ws.close()
    assert ws.unlocked_by == "prompt"
    assert elapsed < 2.5, f"a hanging keyring held the open for {elapsed:.1f} s"
    started = time.monotonic()
    assert store.set(path, "00" * 32) is False
    assert time.monotonic() - started < 1.5


def test_plaintext_keyring_is_refused_and_stores_nothing(tmp_path, monkeypatch):
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    backend = PlaintextKeyring()
    store = KeyringStore(backend)
    assert not store.usable()
    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE, keyring=store).close()
    assert not os.path.exists(backend.file_path)
    assert not (tmp_path / "xdg").exists()
    assert store.get(path) is None


@pytest.mark.parametrize("stale", ["ab" * 32, "not hex at all", ""])
def test_stale_key_in_keyring_falls_back_to_the_passphrase(tmp_path, stale):
    backend = MemoryKeyring()
    store = KeyringStore(backend)
    path = tmp_path / "journal.rj"
    Workspace.create(path, PASSPHRASE, keyring=store).close()
    backend.secrets[(SERVICE, str(path.resolve()))] = stale
    ws = Workspace.open(path, KeySources(environ={}, keyring=store, prompt=_prompted([PASSPHRASE])))
    try:
        assert ws.unlocked_by == "prompt" and ws.db.integrity_ok()
    finally:
        ws.close()
