"""An open journal and the services over it, built by the CLI or the GUI and passed down."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

from reflectjournal.services.frameworks import FrameworkService
from reflectjournal.services.journal import JournalService
from reflectjournal.services.people import PeopleService
from reflectjournal.storage import rekey, unlock
from reflectjournal.storage.database import Database
from reflectjournal.storage.keyring_store import KeyringStore
from reflectjournal.storage.unlock import KeySources

log = logging.getLogger(__name__)

OWNER_SETTING = "owner.name"


class Workspace:
    def __init__(self, db: Database, unlocked_by: str = ""):
        self.db = db
        self.unlocked_by = unlocked_by
        self.journal = JournalService(db)
        self.frameworks = FrameworkService(db)

    # Feature services are built on first use, so a command pays only for what it touches.
    @cached_property
    def people(self) -> PeopleService:
        return PeopleService(self.db)

    @cached_property
    def sharing(self):
        from reflectjournal.services.sharing.service import SharingService

        return SharingService(self.db)

    @cached_property
    def patterns(self):
        from reflectjournal.services.patterns import PatternService

        return PatternService(self.db)

    @cached_property
    def coaching(self):  # -> CoachingService, imported only when a command needs it
        from reflectjournal.services.coaching import CoachingService

        return CoachingService(self.db, self.journal, self.people)

    @cached_property
    def programmes(self):  # -> ProgrammeService: agreements and goals
        from reflectjournal.services.programmes import ProgrammeService

        return ProgrammeService(self.db, self.people)

    @cached_property
    def feedback360(self):  # -> Feedback360Service: 360 results beside self-ratings
        from reflectjournal.services.feedback360 import Feedback360Service

        return Feedback360Service(self.db, self.people)

    @cached_property
    def imports(self):  # -> ImportService
        from reflectjournal.services.importers.service import ImportService

        return ImportService(self.db)

    @cached_property
    def exports(self):  # -> ExportService; the CLI/GUI set .pdf_writer (Qt lives in gui)
        from reflectjournal.services.exporters import ExportService

        return ExportService(self.db, self.journal, self.owner_name, privacy=self.privacy)

    @cached_property
    def privacy(self):  # -> PrivacyService: the check on every way out, and the user's choices
        from reflectjournal.services.privacy.service import PrivacyService

        return PrivacyService(self.db)

    @cached_property
    def backups(self):  # -> BackupService
        from reflectjournal.services.backup import BackupService

        return BackupService(self.db, self.setting)

    @property
    def path(self) -> Path:
        return self.db.path

    @classmethod
    def open(cls, path: Path, sources: KeySources) -> Workspace:
        opened = unlock.unlock(path, sources)
        workspace = cls(opened.db, opened.source)
        if _writable(path):
            workspace.frameworks.install_builtins()
        return workspace

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str | None,
        owner: str = "",
        keyring: KeyringStore | None = None,
    ) -> Workspace:
        db = unlock.create(path, passphrase)
        workspace = cls(db, "created")
        workspace.frameworks.install_builtins()
        if owner:
            workspace.set_setting(OWNER_SETTING, owner)
        if keyring is not None and db.key is not None:
            if not keyring.set(path, db.key.hex()):
                log.info("keyring unavailable; the journal opens with its passphrase only")
        return workspace

    def setting(self, key: str, default: str = "") -> str:
        value = self.db.scalar("SELECT value FROM setting WHERE key = ?", (key,))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO setting(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def owner_name(self) -> str:
        return self.setting(OWNER_SETTING)

    def change_passphrase(self, new_passphrase: str, keyring: KeyringStore | None = None) -> None:
        """Re-encrypt, verify, swap; then (only then) replace the keyring's copy of the key."""
        self.db = rekey.change_passphrase(self.db, new_passphrase)
        # Drop every service bound to the old connection.
        for name in [k for k, v in vars(self).items() if hasattr(v, "db")]:
            del self.__dict__[name]
        self.journal = JournalService(self.db)
        self.frameworks = FrameworkService(self.db)
        if keyring is not None and self.db.key is not None and keyring.get(self.path):
            keyring.set(self.path, self.db.key.hex())

    def close(self) -> None:
        self.db.close()


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
