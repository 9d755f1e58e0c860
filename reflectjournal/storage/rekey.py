"""Changing the passphrase without ever leaving a file that neither passphrase opens.

``PRAGMA rekey`` rewrites pages in place; if it is interrupted, or the file is read-only (where
SQLCipher has been known to report success), the journal can end up unreadable. Instead we
write a complete copy under the new key and salt, reopen and check it, and only then swap it
over the old file with an atomic rename. At every instant the path holds either the old file
(old passphrase) or the new one (new passphrase).

While the copy is made and swapped in, this connection must be the journal's only one and no
one may write: a write landing in the old file after the copy would vanish with it. So the
journal leaves WAL mode first (SQLite refuses that while any other connection is open) and a
read transaction is held until after the swap, which keeps other writers waiting (and then
refused: ``Database`` checks that its file was not replaced before every write).

A kill at any point leaves at most a ``.rekey`` staging file, which ``unlock`` sweeps away.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from reflectjournal.errors import JournalBusy, ReadOnlyJournal, ReflectJournalError, UsageError
from reflectjournal.logs import get_logger
from reflectjournal.storage.copy import copy_to
from reflectjournal.storage.database import Database, DatabaseError, connect, error_kind
from reflectjournal.storage.keys import RawKey, derive_key, new_key, passphrase_problem, read_salt

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

# Called with the name of each step ("sole", "staged", "verified", "swapped"); the crash tests
# use it to kill the process at exact points. None in normal use.
STAGE_HOOK: Callable[[str], None] | None = None


def _stage(name: str) -> None:
    if STAGE_HOOK is not None:
        STAGE_HOOK(name)


def staging_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.rekey")


def leftovers(path: Path) -> list[Path]:
    """Files an interrupted passphrase change may leave beside the journal."""
    staged = staging_path(path)
    partial = staged.with_name(staged.name + ".partial")
    return [Path(f"{base}{suffix}") for base in (staged, partial) for suffix in _SUFFIXES]


_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _take_sole_access(db: Database) -> None:
    try:
        with db._lock:
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = db.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise DatabaseError("database is locked")
            db.conn.execute("BEGIN")
            db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        _release(db)
        if error_kind(exc) in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise JournalBusy(
                f"The journal {db.path} is open in another window or program; close it there "
                "and change the passphrase again (nothing was changed)."
            ) from None
        raise


def _release(db: Database) -> None:
    with db._lock:
        try:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            db.conn.execute("PRAGMA journal_mode = WAL")
        except DatabaseError:
            log.exception("could not return %s to WAL mode", db.path)


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


def change_passphrase(
    db: Database, new_passphrase: str, *, check_strength: bool = True
) -> Database:
    """Re-encrypt the journal under ``new_passphrase``; returns the reopened journal.

    On success ``db`` is closed (its file is gone); on failure nothing changed and ``db`` is
    still open and usable under the old passphrase.
    """
    if db.key is None:
        raise UsageError(
            "This journal is not encrypted, so it has no passphrase to change; "
            "export it and import it into a new encrypted journal."
        )
    # A key-scheme upgrade keeps the passphrase the user already has: no strength check.
    problem = passphrase_problem(new_passphrase) if check_strength else None
    if problem:
        raise UsageError(problem)
    path = db.path
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyJournal(
            f"The journal {path} or its folder is read-only, so the passphrase was not changed."
        )
    fresh = new_key(new_passphrase)  # slow key stretching before any lock is taken
    staged = staging_path(path)
    for leftover in leftovers(path):
        leftover.unlink(missing_ok=True)
    _take_sole_access(db)
    _stage("sole")
    try:
        rows_before = db.scalar("SELECT count(*) FROM entry")
        copy_to(db, staged, key=fresh)
        _stage("staged")
        # Verify by reopening with a key derived again from the passphrase and the file's salt.
        check_key = derive_key(new_passphrase, read_salt(staged) or b"")
        try:
            check = Database(connect(staged, check_key), staged, check_key)
            rows_after = check.scalar("SELECT count(*) FROM entry")
            intact = check.integrity_ok()
            check.close()
        except ReflectJournalError:
            raise ReflectJournalError(
                "The re-encrypted copy could not be verified, so the passphrase was not changed."
            ) from None
        if rows_after != rows_before or not intact:
            raise ReflectJournalError(
                "The re-encrypted copy was incomplete, so the passphrase was not changed."
            )
        _stage("verified")
        os.replace(staged, path)
    except BaseException:
        for leftover in leftovers(path):
            leftover.unlink(missing_ok=True)
        _release(db)
        raise
    _fsync_dir(path.parent)
    _stage("swapped")
    # The old connection now holds an unlinked file: end its read transaction and close it
    # without "PRAGMA optimize", which could write a rollback journal beside the new file.
    with db._lock:
        try:
            db.conn.execute("ROLLBACK")
        except DatabaseError:
            pass
        db.conn.close()
    log.info("journal re-encrypted under a new key")
    return Database(connect(path, RawKey(check_key.key)), path, RawKey(check_key.key))
