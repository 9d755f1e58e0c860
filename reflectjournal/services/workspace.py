"""An open journal and the services over it, built by the CLI or the GUI and passed down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import UsageError
from reflectjournal.logs import get_logger
from reflectjournal.services import settings
from reflectjournal.services.builtin_files import builtins_current
from reflectjournal.services.journal import JournalService
from reflectjournal.storage import rekey, unlock
from reflectjournal.storage.database import Database
from reflectjournal.storage.keyring_store import KeyringStore
from reflectjournal.storage.unlock import KeySources

if TYPE_CHECKING:
    from reflectjournal.services.attachments import AttachmentService
    from reflectjournal.services.backup import BackupService
    from reflectjournal.services.coaching import CoachingService
    from reflectjournal.services.coaching_exchange import CoachingExchange
    from reflectjournal.services.devsync.service import DeviceSync
    from reflectjournal.services.exporters import ExportService, PdfWriter
    from reflectjournal.services.feedback360 import Feedback360Service
    from reflectjournal.services.frameworks import FrameworkService
    from reflectjournal.services.importers.service import ImportService
    from reflectjournal.services.links import LinkService
    from reflectjournal.services.old_backups import OldBackups, PassphraseChange
    from reflectjournal.services.patterns import PatternService
    from reflectjournal.services.people import PeopleService
    from reflectjournal.services.privacy.service import PrivacyService
    from reflectjournal.services.programmes import ProgrammeService
    from reflectjournal.services.retention import Retention
    from reflectjournal.services.revalidation import RevalidationService
    from reflectjournal.services.revalidation_exchange import RevalidationExchange
    from reflectjournal.services.review import WeeklyReview
    from reflectjournal.services.sharing.service import SharingService
    from reflectjournal.services.spelling import SpellingPrefs
    from reflectjournal.services.suggest import TagSuggester
    from reflectjournal.services.trash import TrashService
    from reflectjournal.services.wellbeing import Wellbeing

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

OWNER_SETTING = settings.OWNER_NAME.key


class Workspace:
    def __init__(self, db: Database, unlocked_by: str = ""):
        self.db = db
        self.unlocked_by = unlocked_by
        # HTML -> PDF, given by the front end (reflectjournal/adapters/qt_pdf.py): the services
        # that write PDFs use it and never import Qt themselves.
        self._pdf_writer: PdfWriter | None = None
        self.journal = JournalService(db)
        self.journal.before_delete.append(self._withdraw_shares)

    # Feature services are built on first use, so a command pays only for what it touches.
    @cached_property
    def frameworks(self) -> FrameworkService:
        from reflectjournal.services.frameworks import FrameworkService as Service

        return Service(self.db)

    @cached_property
    def people(self) -> PeopleService:
        from reflectjournal.services.people import PeopleService as Service

        return Service(self.db)

    @cached_property
    def trash(self) -> TrashService:  # deleted entries, kept 30 days
        from reflectjournal.services.trash import TrashService as Service

        return Service(self.db, self.journal)

    @cached_property
    def sharing(self) -> SharingService:
        from reflectjournal.services.sharing.service import SharingService as Service

        return Service(self.db)

    @cached_property
    def devices(self) -> DeviceSync:  # device sync (services/devsync)
        from reflectjournal.services.devsync.service import DeviceSync as Service

        return Service(self.db)

    @cached_property
    def patterns(self) -> PatternService:
        from reflectjournal.services.patterns import PatternService as Service

        return Service(self.db)

    @cached_property
    def coaching(self) -> CoachingService:  # imported only when a command needs it
        from reflectjournal.services.coaching import CoachingService as Service

        return Service(self.db, self.journal, self.people)

    @cached_property
    def programmes(self) -> ProgrammeService:  # agreements and goals
        from reflectjournal.services.programmes import ProgrammeService as Programmes

        return Programmes(self.db, self.people)

    @cached_property
    def attachments(self) -> AttachmentService:  # images and PDFs inside the journal
        from reflectjournal.services.attachments import AttachmentService as Service

        return Service(self.db)

    @property
    def links(self) -> LinkService:  # links between entries ("Linked from…")
        return self.journal.links

    @cached_property
    def coaching_exchange(self) -> CoachingExchange:  # programme copies, summaries, bring
        from reflectjournal.services.coaching_exchange import CoachingExchange as Service

        return Service(self.db, self.sharing)

    @cached_property
    def revalidation_exchange(self) -> RevalidationExchange:  # discussions confirmed by others
        from reflectjournal.services.revalidation_exchange import RevalidationExchange as Service

        return Service(self.db, self.sharing)

    @cached_property
    def feedback360(self) -> Feedback360Service:  # 360 results beside self-ratings
        from reflectjournal.services.feedback360 import Feedback360Service as Feedback

        return Feedback(self.db, self.people)

    @cached_property
    def imports(self) -> ImportService:
        from reflectjournal.services.importers.service import ImportService as Service

        return Service(self.db)

    @cached_property
    def exports(self) -> ExportService:
        from reflectjournal.services.exporters import ExportService as Service

        return Service(
            self.db, self.journal, self.owner_name, pdf_writer=self.pdf_writer, privacy=self.privacy
        )

    @cached_property
    def privacy(self) -> PrivacyService:  # the check on every way out, and the user's choices
        from reflectjournal.services.privacy.service import PrivacyService as Privacy

        return Privacy(self.db)

    def tag_suggester(self) -> TagSuggester:
        """A new suggester over this journal (it learns from the tagged entries when built)."""
        from reflectjournal.services.suggest import TagSuggester as Suggester

        return Suggester(self.db)

    @cached_property
    def spelling(self) -> SpellingPrefs:  # spell check on/off and the journal's own words
        from reflectjournal.services.spelling import SpellingPrefs as Prefs

        return Prefs(self.db)

    @cached_property
    def review(self) -> WeeklyReview:
        from reflectjournal.services.review import WeeklyReview as Review

        return Review(self.db)

    @cached_property
    def retention(self) -> Retention:  # how long coaching notes are kept
        from reflectjournal.services.retention import Retention as Service

        return Service(self.db)

    @cached_property
    def revalidation(self) -> RevalidationService:  # the CPD/revalidation records and tracker
        from reflectjournal.services.revalidation import RevalidationService as Service

        return Service(self.db)

    @cached_property
    def wellbeing(self) -> Wellbeing:  # the owner's care note
        from reflectjournal.services.wellbeing import Wellbeing as Service

        return Service(self.db)

    @cached_property
    def backups(self) -> BackupService:
        from reflectjournal.services.backup import BackupService as Service

        return Service(self.db, self.setting)

    @property
    def pdf_writer(self) -> PdfWriter | None:
        return self._pdf_writer

    @pdf_writer.setter
    def pdf_writer(self, writer: PdfWriter | None) -> None:
        self._pdf_writer = writer
        if "exports" in self.__dict__:  # an export service built earlier gets it too
            self.exports.pdf_writer = writer

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def encrypted(self) -> bool:
        """False only for a journal opened without encryption (tests, a plain demo copy)."""
        return bool(self.db.encrypted)

    @classmethod
    def open(cls, path: Path, sources: KeySources) -> Workspace:
        opened = unlock.unlock(path, sources)
        workspace = cls(opened.db, opened.source)
        # Asked here first so that an ordinary open loads nothing of services/frameworks.py.
        if _writable(path) and not builtins_current(workspace.db):
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
        db = unlock.create(path, passphrase, owner)
        workspace = cls(db, "created")
        workspace.frameworks.install_builtins()
        if owner:
            workspace.set_setting(OWNER_SETTING, owner)
        if keyring is not None and db.key is not None:
            if not keyring.set(path, db.key.hex()):
                log.info("keyring unavailable; the journal opens with its passphrase only")
        return workspace

    @contextmanager
    def for_worker(self) -> Iterator[Workspace]:
        """This journal on its own connection, for work on another thread (an import, an
        export): its transactions never make this workspace's readers wait (see
        ``Database.sibling``). Closed on leaving the block."""
        worker = Workspace(self.db.sibling(), self.unlocked_by)
        try:
            yield worker
        finally:
            worker.close()

    def atomic(self) -> AbstractContextManager[Database]:
        """Several service calls as one all-or-nothing write (they join this transaction)."""
        return self.db.transaction()

    def setting(self, key: settings.SettingKey | str, default: str | None = None) -> str:
        """A registered setting (services/settings.py), or its registered default."""
        return settings.read(self.db, key, default)

    def set_setting(self, key: settings.SettingKey | str, value: str) -> None:
        settings.write(self.db, key, value)

    def delete_setting(self, key: settings.SettingKey | str) -> None:
        settings.delete(self.db, key)

    def settings_with_prefix(self, prefix: str) -> list[tuple[str, str]]:
        return settings.with_prefix(self.db, prefix)

    @property
    def owner_name(self) -> str:
        return self.setting(OWNER_SETTING)

    def change_passphrase(
        self,
        new_passphrase: str,
        keyring: KeyringStore | None = None,
        old_backups: OldBackups | str = "keep",
    ) -> PassphraseChange:
        """Re-encrypt, verify, swap; then (only then) replace the keyring's copy of the key.

        Backups made under the old passphrase are then re-encrypted, deleted or kept, as
        ``old_backups`` says; the result names them so the front end can tell the user.
        """
        from reflectjournal.services import old_backups as olds

        if old_backups not in olds.CHOICES:
            raise UsageError(f"--old-backups must be one of {', '.join(olds.CHOICES)}.")
        choice = olds.OldBackups(old_backups)
        old_key = self.db.key
        old_salt = bytes.fromhex(self.db.scalar("PRAGMA cipher_salt") or "") if old_key else b""
        self.db = rekey.change_passphrase(self.db, new_passphrase)
        # Drop every service bound to the old connection.
        for name in [k for k, v in vars(self).items() if hasattr(v, "db")]:
            del self.__dict__[name]
        self.journal = JournalService(self.db)
        self.journal.before_delete.append(self._withdraw_shares)
        # Device sync: the sync keys are wrapped again by the new passphrase (nothing else
        # is sent again); the new wrapping goes to the place at the next sync.
        from reflectjournal.services.devsync.service import DeviceSync

        DeviceSync(self.db).rewrap(new_passphrase)
        if keyring is not None and self.db.key is not None and keyring.get(self.path):
            keyring.set(self.path, self.db.key.hex())
        found = olds.backups_under_salt(self.path, old_salt) if old_salt else []
        if choice is olds.OldBackups.REENCRYPT and old_key is not None:
            found = olds.reencrypt(found, old_key, self.db)
        elif choice is olds.OldBackups.DELETE:
            found = olds.delete(found)
        return olds.PassphraseChange(choice, tuple(found))

    def backups_under_this_key(self) -> list[Path]:
        """Backups made with this journal's current passphrase (asked about on a change)."""
        from reflectjournal.services.old_backups import backups_keyed_like

        return backups_keyed_like(self.db)

    def _withdraw_shares(self, entry_id: int) -> None:
        # Only journals that shared this entry pay for building the sharing services.
        if self.db.query_one(
            "SELECT 1 FROM entry_share WHERE entry_id = ? AND active = 1 LIMIT 1", (entry_id,)
        ):
            self.sharing.exchange.withdraw_everywhere(entry_id)

    def close(self) -> None:
        self.db.close()


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
