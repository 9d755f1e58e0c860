"""Promise 5, for real: the journal key stored in and read back from a running Secret Service.

Runs only with RJ_REAL_KEYRING=1, inside a D-Bus session with gnome-keyring unlocked:

    dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets;
        RJ_REAL_KEYRING=1 .venv/bin/python -m pytest tests/reliability/test_real_keyring.py'
"""

from __future__ import annotations

import os

import pytest
from reliability_support import PASSPHRASE

pytestmark = pytest.mark.skipif(
    os.environ.get("RJ_REAL_KEYRING") != "1",
    reason="needs a real Secret Service (set RJ_REAL_KEYRING=1 under dbus-run-session)",
)


def test_secret_service_stores_and_returns_the_journal_key(tmp_path):
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    from reflectjournal.errors import JournalLocked
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.keyring_store import SERVICE, KeyringStore
    from reflectjournal.storage.unlock import KeySources

    backend = SecretServiceKeyring()
    assert backend.priority >= 1  # raises if no Secret Service answers on the bus
    store = KeyringStore(backend, timeout=10)
    assert store.usable()
    path = tmp_path / "journal.rj"
    ws = Workspace.create(path, PASSPHRASE, keyring=store)
    key_hex = ws.db.key.hex()
    ws.journal.add("opened by the system keyring")
    ws.close()
    try:
        assert backend.get_password(SERVICE, str(path.resolve())) == key_hex
        ws = Workspace.open(path, KeySources(environ={}, keyring=store))
        try:
            assert ws.unlocked_by == "keyring"
            assert ws.journal.entries()[0].body == "opened by the system keyring"
        finally:
            ws.close()
    finally:
        assert store.delete(path)
    with pytest.raises(JournalLocked):
        Workspace.open(path, KeySources(environ={}, keyring=store))
