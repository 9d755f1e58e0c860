"""Encrypted copies of a journal that keep its salt, so the same passphrase opens them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from reflectjournal.errors import ReflectJournalError
from reflectjournal.storage.database import Database, DatabaseError, connect, translate_error
from reflectjournal.storage.keys import RawKey

# Pages copied between progress reports: 4 MB, a few dozen reports for a large journal.
STEP_PAGES = 1024
Progress = Callable[[int, int], None]


def copy_to(
    db: Database, dest: Path, key: RawKey | None = None, progress: Progress | None = None
) -> None:
    """Write a consistent, verified copy of ``db`` to ``dest`` (which must not exist).

    The copy is keyed with ``key`` (default: the journal's own key and salt) and then reopened
    and integrity-checked; a copy that fails the check is removed and an error raised.
    ``progress(done, total)`` is told pages copied so far; an exception it raises stops the
    copy, removes the partial file and propagates (that is how a backup is cancelled).
    """
    if dest.exists():
        raise ReflectJournalError(f"{dest} already exists; choose another name.")
    if db.key is not None and key is None:
        # Asked of SQLCipher, not read from the file: opening and closing the journal file
        # ourselves would silently drop every POSIX lock this process holds on it.
        key = RawKey(db.key.key, bytes.fromhex(db.scalar("PRAGMA cipher_salt")))
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        # Created 0600 before SQLite sees it: SQLite gives the -wal/-shm/-journal files the
        # main file's mode, so the copy and its side files are private from their first byte.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        target = connect(tmp, key)
        try:
            with db._lock:
                if progress is None:
                    db.conn.backup(target)
                else:
                    db.conn.backup(
                        target,
                        pages=STEP_PAGES,
                        progress=lambda _status, left, total: progress(total - left, total),
                    )
        finally:
            target.close()
        check = Database(connect(tmp, RawKey(key.key) if key else None), tmp, key)
        try:
            if not check.integrity_ok():
                raise ReflectJournalError(
                    "The copy did not pass its integrity check; nothing kept."
                )
            check.execute("PRAGMA journal_mode = DELETE")
        finally:
            check.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except DatabaseError as exc:
        raise translate_error(exc, dest) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
