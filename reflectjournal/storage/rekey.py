"""Changing the passphrase without ever leaving a file that neither passphrase opens.

``PRAGMA rekey`` rewrites pages in place; if it is interrupted, or the file is read-only (where
SQLCipher has been known to report success), the journal can end up unreadable. Instead we
write a complete copy under the new key and salt, reopen and check it, and only then swap it
over the old file with an atomic rename. At every instant the path holds either the old file
(old passphrase) or the new one (new passphrase).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from reflectjournal.errors import ReadOnlyJournal, ReflectJournalError, UsageError
from reflectjournal.storage.copy import copy_to
from reflectjournal.storage.database import Database, connect
from reflectjournal.storage.keys import RawKey, derive_key, new_key, passphrase_problem, read_salt

log = logging.getLogger(__name__)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def change_passphrase(db: Database, new_passphrase: str) -> Database:
    """Re-encrypt the journal under ``new_passphrase``; returns the reopened journal.

    ``db`` is closed by this call whether it succeeds or not; on failure the old file, still
    under the old passphrase, is reopened and returned inside the raised error's context.
    """
    if db.key is None:
        raise UsageError(
            "This journal is not encrypted, so it has no passphrase to change; "
            "export it and import it into a new encrypted journal."
        )
    problem = passphrase_problem(new_passphrase)
    if problem:
        raise UsageError(problem)
    path = db.path
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyJournal(
            f"The journal {path} or its folder is read-only, so the passphrase was not changed."
        )
    fresh = new_key(new_passphrase)
    staged = path.with_name(f"{path.name}.rekey")
    staged.unlink(missing_ok=True)
    rows_before = db.scalar("SELECT count(*) FROM entry")
    copy_to(db, staged, key=fresh)

    # Verify by reopening with a key derived again from the passphrase and the file's salt.
    check_key = derive_key(new_passphrase, read_salt(staged) or b"")
    try:
        check = Database(connect(staged, check_key), staged, check_key)
        rows_after = check.scalar("SELECT count(*) FROM entry")
        check.close()
    except ReflectJournalError:
        staged.unlink(missing_ok=True)
        raise ReflectJournalError(
            "The re-encrypted copy could not be verified, so the passphrase was not changed."
        ) from None
    if rows_after != rows_before:
        staged.unlink(missing_ok=True)
        raise ReflectJournalError(
            "The re-encrypted copy was incomplete, so the passphrase was not changed."
        )

    db.close()  # checkpoints and removes the old -wal before the swap
    os.replace(staged, path)
    _fsync_dir(path.parent)
    log.info("passphrase of %s changed", path)
    return Database(connect(path, RawKey(check_key.key)), path, RawKey(check_key.key))
