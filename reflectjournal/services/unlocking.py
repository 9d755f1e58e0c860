"""Unlocking and opening journals: the one door the front ends use.

The desktop app and the command line never import ``storage`` for keys, the keyring or
unlocking; they come here. This module only wraps: the key derivation, the order in which key
sources are tried and the keyring's safety rules stay in ``storage/keys.py``,
``storage/unlock.py`` and ``storage/keyring_store.py``.
"""

from __future__ import annotations

from pathlib import Path

from reflectjournal.services.workspace import Workspace
from reflectjournal.storage import keys
from reflectjournal.storage.keyring_store import KeyringStore as KeyringStore
from reflectjournal.storage.unlock import ENV_PASSPHRASE as ENV_PASSPHRASE
from reflectjournal.storage.unlock import KeySources as KeySources
from reflectjournal.storage.unlock import read_passphrase_file as read_passphrase_file
from reflectjournal.storage.unlock import take_from_environment as take_from_environment


def open_journal(path: Path, sources: KeySources) -> Workspace:
    """Unlock ``path`` with the first source that works, upgrade it if needed, and open it."""
    return Workspace.open(path, sources)


def open_with_passphrase(path: Path, passphrase: str) -> Workspace:
    """Open with a typed passphrase as the only source: no file, no keyring, no prompt."""
    return Workspace.open(path, KeySources(environ={ENV_PASSPHRASE: passphrase}))


def create_journal(
    path: Path, passphrase: str | None, owner: str = "", keyring: KeyringStore | None = None
) -> Workspace:
    return Workspace.create(path, passphrase, owner=owner, keyring=keyring)


def keyring() -> KeyringStore:
    """The OS keyring, when it is a real, secure one (``usable()`` says)."""
    return KeyringStore()


def remember_key(workspace: Workspace, store: KeyringStore) -> bool:
    """Keep the journal's derived key (never the passphrase) in the keyring; False if not."""
    key = workspace.db.key
    return key is not None and store.set(workspace.path, key.hex())


def passphrase_problem(passphrase: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new passphrase is refused (one sentence), or None if it is acceptable.

    ``user_inputs`` (the owner's name) count as guessable words."""
    return keys.passphrase_problem(passphrase, user_inputs)


def strength_hint(passphrase: str, user_inputs: tuple[str, ...] = ()) -> tuple[int, str]:
    """A 0-4 score (zxcvbn) and a one-line hint about a new passphrase."""
    return keys.strength_hint(passphrase, user_inputs)


def generate_passphrase() -> str:
    """Six words from the EFF long list, drawn with ``secrets``."""
    return keys.generate_passphrase()


__all__ = [
    "ENV_PASSPHRASE",
    "KeySources",
    "KeyringStore",
    "create_journal",
    "generate_passphrase",
    "keyring",
    "open_journal",
    "open_with_passphrase",
    "passphrase_problem",
    "read_passphrase_file",
    "remember_key",
    "strength_hint",
    "take_from_environment",
]


def passphrase_opens(workspace: Workspace, passphrase: str) -> bool:
    """Whether ``passphrase`` is the open journal's current one (checked before changing it;
    the file is not opened a second time)."""
    from reflectjournal.storage.keys import candidate_keys, read_salt

    if workspace.db.key is None or not passphrase:
        return False
    salt = read_salt(workspace.path)
    if salt is None:
        return False
    return any(key.key == workspace.db.key.key for _scheme, key in candidate_keys(passphrase, salt))
