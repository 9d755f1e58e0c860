"""Backups that are proven to open, restores that never overwrite, and rotation on close.

A backup is never a raw copy of the live file (which could catch a half-written page or
miss the WAL): ``storage.copy.copy_to`` uses SQLite's online backup into a new file keyed
with the journal's own key and salt, then reopens it and runs ``PRAGMA integrity_check``.
So the backup opens with the same passphrase as the journal.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reflectjournal.errors import (
    JournalExists,
    JournalLocked,
    NotAJournal,
    UsageError,
    WrongPassphrase,
)
from reflectjournal.services import settings
from reflectjournal.storage import migrate
from reflectjournal.storage.copy import Progress, copy_to
from reflectjournal.storage.database import Database, connect
from reflectjournal.storage.keys import RawKey, is_plain_sqlite
from reflectjournal.storage.unlock import (
    PROMPT_ATTEMPTS,
    KeySources,
    open_with_passphrase,
    prepare_schema,
    read_passphrase_file,
    take_from_environment,
    unencrypted_refusal,
)

KEEP_SETTING = settings.BACKUP_KEEP.key
DEFAULT_KEEP = 5
ROTATION_NAME = re.compile(r"^journal-\d{8}-\d{6}(?:-\d+)?\.rj\.bak$")


@dataclass(frozen=True)
class BackupReport:
    """A verified backup: written, reopened and integrity-checked before it was named."""

    path: str
    entries: int
    encrypted: bool
    bytes: int


def default_folder(journal: Path) -> Path:
    """Automatic backups of ``journal`` live beside it, in a folder of their own.

    Per journal, so rotating the backups of one journal (a demo, a restored copy) can never
    delete another's.
    """
    journal = Path(journal)
    return journal.parent / "backups" / journal.stem


class BackupService:
    def __init__(self, db: Database, setting: Callable[[str, str], str] | None = None):
        self.db = db
        self._setting = setting  # Workspace.setting, for "backup.keep"

    def backup(self, out: Path, progress: Progress | None = None) -> BackupReport:
        """A verified copy at ``out``, which must not exist yet (``progress``: see copy_to)."""
        out = Path(out).expanduser()
        if out.exists():
            raise JournalExists(f"{out} already exists; a backup never overwrites a file.")
        if not out.parent.is_dir():
            raise UsageError(f"The folder {out.parent} does not exist; create it first.")
        if out.resolve() == Path(self.db.path).resolve():
            raise UsageError("A backup cannot be written over the journal itself.")
        copy_to(
            self.db, out, progress=progress
        )  # verified: reopened and integrity-checked before it is named
        entries = self.db.scalar("SELECT count(*) FROM entry") or 0
        return BackupReport(str(out), entries, self.db.key is not None, out.stat().st_size)

    def keep(self) -> int:
        """How many automatic backups to keep; 0 turns them off."""
        raw = self._setting(KEEP_SETTING, str(DEFAULT_KEEP)) if self._setting else ""
        try:
            value = int(raw)
        except ValueError:
            return DEFAULT_KEEP
        return max(0, value)

    def on_close(self, folder: Path | None = None, progress: Progress | None = None) -> Path | None:
        """The automatic backup taken when the app closes, unless the setting is 0."""
        keep = self.keep()
        return self.rotate(folder, keep, progress) if keep else None

    def rotate(
        self, folder: Path | None = None, keep: int | None = None, progress: Progress | None = None
    ) -> Path:
        """Write ``journal-YYYYmmdd-HHMMSS.rj.bak`` into ``folder`` and keep only the newest N.

        Only files with that name pattern are ever deleted, and only after the new backup
        has been written and verified; so are the ``.partial`` files a killed backup left.
        """
        folder = Path(folder) if folder is not None else default_folder(self.db.path)
        keep = self.keep() if keep is None else keep
        if keep < 1:
            raise UsageError("Keep at least one automatic backup.")
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"journal-{stamp}.rj.bak"
        n = 2
        while target.exists():  # two backups in one second
            target = folder / f"journal-{stamp}-{n}.rj.bak"
            n += 1
        self.backup(target, progress)
        for leftover in folder.glob("journal-*.rj.bak.partial*"):
            # An hour old: surely no backup is still writing it.
            stale = time.time() - leftover.stat().st_mtime > 3600
            if stale and ROTATION_NAME.match(leftover.name.split(".partial")[0]):
                leftover.unlink(missing_ok=True)
        backups = sorted(
            (p for p in folder.iterdir() if ROTATION_NAME.match(p.name) and p.is_file()),
            key=lambda p: (p.stat().st_mtime, p.name),
        )
        for old in backups[: max(0, len(backups) - keep)]:
            old.unlink(missing_ok=True)
        return target


@dataclass(frozen=True)
class RestoreReport:
    source: str
    path: str
    entries: int


def restore(source: Path, target: Path, sources: KeySources) -> RestoreReport:
    """Copy the backup ``source`` into the new journal file ``target``.

    The backup must open with the given unlock sources and pass its integrity check; the
    target must not exist. The backup file itself is only read, never changed.
    """
    source, target = Path(source).expanduser(), Path(target).expanduser()
    if target.exists():
        raise JournalExists(
            f"{target} already exists; restore refuses to overwrite a journal. "
            "Choose a new file with --journal, or move the old one aside first."
        )
    if not source.is_file():
        raise UsageError(f"There is no backup file at {source}.")
    if not target.parent.is_dir():
        raise UsageError(f"The folder {target.parent} does not exist; create it first.")
    db = _open_backup(source, target, sources)
    try:
        revision = migrate.current_revision(db)
        if revision is None:
            raise NotAJournal(f"{source} is not a ReflectJournal journal or backup.")
        if not db.integrity_ok():
            raise NotAJournal(
                f"{source} is damaged (it fails its integrity check); try an older backup."
            )
        copy_to(db, target)
    finally:
        db.close()
    restored = Database(connect(target, RawKey(db.key.key) if db.key else None), target, db.key)
    try:
        prepare_schema(restored)  # a backup from an older version is brought up to date
        entries = restored.scalar("SELECT count(*) FROM entry") or 0
    finally:
        restored.close()
    return RestoreReport(str(source), str(target), entries)


def _open_backup(source: Path, target: Path, sources: KeySources) -> Database:
    """The backup opened read-only, with the first key that fits (same order as unlock)."""
    try:
        if is_plain_sqlite(source):
            if not sources.allow_unencrypted:
                raise unencrypted_refusal(source, "backup")
            return Database(connect(source, None, read_only=True), source, None)
    except OSError as exc:
        raise UsageError(f"{source} cannot be read ({exc.strerror or exc}).") from None

    def attempt(key: RawKey) -> Database | None:
        try:
            return Database(connect(source, key, read_only=True), source, key)
        except WrongPassphrase:
            return None

    from_env = None if sources.passphrase_file else take_from_environment(sources.environ)
    given = (
        read_passphrase_file(sources.passphrase_file)
        if sources.passphrase_file is not None
        else from_env
    )
    if given is not None:
        db = open_with_passphrase(source, given, read_only=True)
        if db is None:
            raise WrongPassphrase(
                f"Could not open the backup {source.name}: the passphrase is wrong, "
                "or the file is not a ReflectJournal backup."
            )
        return db
    if sources.keyring is not None:
        # The keyring holds keys by journal path: the journal being restored may be known.
        for path in (target, source):
            stored = sources.keyring.get(path)
            key = RawKey.from_hex(stored) if stored else None
            db = attempt(key) if key else None
            if db is not None:
                return db
    if sources.prompt is not None:
        message = f"Passphrase for the backup {source.name}: "
        for _ in range(PROMPT_ATTEMPTS):
            passphrase = sources.prompt(message)
            if passphrase is None:
                break
            db = open_with_passphrase(source, passphrase, read_only=True)
            if db is not None:
                return db
            message = "That passphrase did not open the backup; try again: "
        else:
            raise WrongPassphrase(
                f"Could not open the backup {source.name}: the passphrase is wrong."
            )
    raise JournalLocked(
        "The backup is locked: give --passphrase-file FILE or set REFLECTJOURNAL_PASSPHRASE."
    )


__all__ = [
    "DEFAULT_KEEP",
    "KEEP_SETTING",
    "BackupReport",
    "BackupService",
    "RestoreReport",
    "default_folder",
    "restore",
]
