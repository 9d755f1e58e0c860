"""Sharing, as the CLI and GUI see it: one object hung off the Workspace as ``sharing``."""

from __future__ import annotations

import json
from functools import cached_property

from reflectjournal.errors import UsageError
from reflectjournal.services import privacy, settings
from reflectjournal.services.sharing.feedback import FeedbackService
from reflectjournal.services.sharing.identity import Contacts, IdentityStore
from reflectjournal.services.sharing.share import SharePlan, ShareRequest, ShareService
from reflectjournal.storage.database import Database

NAMES_SETTING = settings.SENSITIVE_NAMES.key


class SharingService:
    def __init__(self, db: Database):
        self.db = db
        self.identity = IdentityStore(db)
        self.contacts = Contacts(db, self.identity)

    @cached_property
    def shares(self) -> ShareService:
        return ShareService(self.db, self.identity, self.contacts, self.sensitive_names)

    @cached_property
    def feedback(self) -> FeedbackService:
        return FeedbackService(self.db, self.identity, self.contacts)

    # ---- the common operations, by name -------------------------------------------------

    def plan(self, request: ShareRequest) -> SharePlan:
        return self.shares.plan(request)

    def export_share(self, request: ShareRequest, out, allow_identifiers=False) -> SharePlan:
        return self.shares.export(request, out, allow_identifiers)

    def import_share(self, path) -> dict:
        return self.shares.receive(path)

    def comment(self, entry_id, text: str) -> int:
        return self.feedback.comment(entry_id, text)

    def export_feedback(self, to: str, out) -> dict:
        return self.feedback.export(to, out)

    def import_feedback(self, path) -> dict:
        return self.feedback.receive(path)

    def senders(self) -> list[dict]:
        """People who have shared entries with this journal, for "Shared with me"."""
        rows = self.db.query(
            "SELECT p.id, p.name, p.fingerprint, count(e.id) AS entries FROM person p "
            "JOIN entry e ON e.sender_id = p.id AND e.kind = 'shared' "
            "GROUP BY p.id ORDER BY p.name COLLATE NOCASE"
        )
        return [dict(zip(r.keys(), tuple(r), strict=True)) for r in rows]

    # ---- the privacy check's list of names ----------------------------------------------

    def sensitive_names(self) -> list[str]:
        raw = settings.read(self.db, settings.SENSITIVE_NAMES)
        try:
            names = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

    def _save_names(self, names: list[str]) -> None:
        value = json.dumps(sorted(set(names), key=str.casefold))
        settings.write(self.db, settings.SENSITIVE_NAMES, value)

    def add_sensitive_name(self, name: str) -> list[str]:
        name = " ".join(name.split())
        if len(name) < 2:
            raise UsageError("A sensitive name needs at least two characters.")
        names = self.sensitive_names()
        if name.casefold() not in {n.casefold() for n in names}:
            self._save_names([*names, name])
        return self.sensitive_names()

    def remove_sensitive_name(self, name: str) -> list[str]:
        names = self.sensitive_names()
        kept = [n for n in names if n.casefold() != " ".join(name.split()).casefold()]
        if len(kept) == len(names):
            raise UsageError(f"'{name}' is not on the list of sensitive names.")
        self._save_names(kept)
        return kept

    def scan(self, text: str, entry_id=None) -> list[privacy.Finding]:
        """The privacy check with the user's lists (and that entry's choices, when given)."""
        from reflectjournal.services.privacy.service import PrivacyService

        return PrivacyService(self.db).scan(text, entry_id)

    def quiet_scan(self, text: str, entry_id=None) -> dict[str, int]:
        """For the editor: counts per kind, cheap enough to run as the user types."""
        from reflectjournal.services.privacy.service import PrivacyService

        return PrivacyService(self.db).quiet_scan(text, entry_id)
