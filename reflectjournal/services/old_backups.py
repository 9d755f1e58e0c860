"""Backups left under an old passphrase after the passphrase changes.

A backup is a copy keyed like its journal, so after a passphrase change the earlier backups
still open with the old passphrase: whoever learned that one can still read them. After a
change we find them (they share the journal's old salt, so the first 16 bytes decide, with
no decryption) and the user chooses: re-encrypt them under the new key, delete them, or keep
them knowingly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from reflectjournal.services.backup import ROTATION_NAME, default_folder
from reflectjournal.storage.copy import copy_to
from reflectjournal.storage.database import Database, connect
from reflectjournal.storage.keys import RawKey, read_salt


class OldBackups(StrEnum):
    """What a passphrase change does with the backups that still open with the old one."""

    KEEP = "keep"
    REENCRYPT = "reencrypt"
    DELETE = "delete"


CHOICES: tuple[str, ...] = tuple(OldBackups)


@dataclass(frozen=True)
class PassphraseChange:
    """What ``Workspace.change_passphrase`` did with the backups made under the old passphrase:
    ``backups`` are those it re-encrypted, deleted or (for ``KEEP``) left as they were."""

    choice: OldBackups
    backups: tuple[Path, ...] = ()


def backups_under_salt(journal: Path, salt: bytes) -> list[Path]:
    """The automatic and pre-migration backups of ``journal`` keyed with ``salt``."""
    journal = Path(journal)
    candidates: list[Path] = []
    folder = default_folder(journal)
    if folder.is_dir():
        candidates += [p for p in folder.iterdir() if ROTATION_NAME.match(p.name)]
    candidates += journal.parent.glob(f"{journal.name}.pre-migration-*.bak")
    found = []
    for path in sorted(candidates):
        try:
            if path.is_file() and read_salt(path) == salt:
                found.append(path)
        except OSError:
            continue
    return found


def backups_keyed_like(db: Database) -> list[Path]:
    """The backups of ``db``'s journal that its current passphrase opens."""
    salt = db.scalar("PRAGMA cipher_salt") if db.key is not None else None
    return backups_under_salt(db.path, bytes.fromhex(salt)) if salt else []


def reencrypt(paths: list[Path], old_key: RawKey, db: Database) -> list[Path]:
    """Re-key each backup with ``db``'s current key and salt; verified before it replaces
    the old file (``copy_to`` reopens and integrity-checks the copy). Returns those done."""
    if db.key is None:
        return []
    new_key = RawKey(db.key.key, bytes.fromhex(db.scalar("PRAGMA cipher_salt")))
    done = []
    for path in paths:
        source = Database(connect(path, RawKey(old_key.key), read_only=True), path, old_key)
        staged = path.with_name(path.name + ".reencrypting")
        try:
            copy_to(source, staged, key=new_key)
        finally:
            source.conn.close()
        times = path.stat()
        os.replace(staged, path)
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))  # rotation keeps its order
        done.append(path)
    return done


def delete(paths: list[Path]) -> list[Path]:
    for path in paths:
        for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)
    return list(paths)
