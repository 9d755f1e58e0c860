"""Sharing, as the CLI and GUI see it: one object hung off the Workspace as ``sharing``."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services import privacy, settings
from reflectjournal.services.display import plural
from reflectjournal.services.sharing.feedback import FeedbackService
from reflectjournal.services.sharing.identity import CARD_VERBS, CardImport, Contacts, IdentityStore
from reflectjournal.services.sharing.received import Received
from reflectjournal.services.sharing.share import SharePlan, ShareRequest, ShareService
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.exchange.file_route import Written
    from reflectjournal.services.exchange.service import ExchangeService

NAMES_SETTING = settings.SENSITIVE_NAMES.key


class FileKind(StrEnum):
    """What a file handed to the app turned out to hold, as the user would say it."""

    SHARE = "share"  # shared entries (or a file of exchange messages mostly holding them)
    FEEDBACK = "feedback"  # comments on your entries
    CONTACT = "contact"  # a contact card


@dataclass(frozen=True)
class ReceivedFile:
    """What a file handed to the app (double-click, Receive…) turned out to be and did."""

    kind: FileKind
    sender: str
    sentence: str
    changed: bool


@dataclass(frozen=True)
class Sender:
    """Someone who has shared entries with this journal ("Shared with me")."""

    person_id: int
    name: str
    fingerprint: str | None
    entries: int  # how many of their shared entries are here


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

    @cached_property
    def exchange(self) -> ExchangeService:  # places, share with people, sync
        from reflectjournal.services.exchange.service import ExchangeService

        return ExchangeService(self.db, self)

    # ---- verified contacts (verification.py), so front ends need no database ------------

    def verified_on(self, fingerprint: str | None) -> str | None:
        from reflectjournal.services.sharing.verification import verified_on

        return verified_on(self.db, fingerprint)

    def mark_verified(self, fingerprint: str) -> str:
        from reflectjournal.services.sharing.verification import mark_verified

        return mark_verified(self.db, fingerprint)

    def needs_confirmation(self, fingerprint: str | None) -> bool:
        from reflectjournal.services.sharing.verification import needs_confirmation

        return needs_confirmation(self.db, fingerprint)

    # ---- the common operations, by name -------------------------------------------------

    def plan(self, request: ShareRequest) -> SharePlan:
        return self.shares.plan(request)

    def export_share(
        self, request: ShareRequest, out: str | Path, allow_identifiers: bool = False
    ) -> SharePlan:
        """Share the chosen entries with the person and write their file (the file route)."""
        plan, written = self.exchange.file_exports.share(request, out, allow_identifiers)
        return dataclasses.replace(plan, messages=written.messages)

    def import_share(self, path: str | Path) -> Received:
        """``share import``: a file of exchange messages, or an old share packet."""
        return self._receive(path, self.shares.receive)

    def comment(self, entry_id: int | str, text: str) -> int:
        return self.feedback.comment(entry_id, text)

    def export_feedback(self, to: str, out: str | Path, include_sent: bool = False) -> Written:
        return self.exchange.file_exports.feedback(to, out, include_sent)

    def import_feedback(self, path: str | Path) -> Received:
        """``feedback import``: a file of exchange messages, or an old feedback packet."""
        return self._receive(path, self.feedback.receive)

    def _receive(
        self, path: str | Path, old_receiver: Callable[[str | Path], Received]
    ) -> Received:
        """A file of exchange messages, or an old single packet (still read as before)."""
        from reflectjournal.services.exchange import bundle
        from reflectjournal.services.sharing.files import read_packet_file

        if bundle.is_bundle(read_packet_file(path)):
            return self.exchange.file_route.read(path)
        # An old packet, or not ours at all (a contact card gets its own sentence there).
        return old_receiver(path)

    def receive_file(self, path: str | Path) -> ReceivedFile:
        """Receive a share packet, a feedback packet or a contact card, whichever it is."""
        from reflectjournal.services.exchange import bundle
        from reflectjournal.services.sharing import packets
        from reflectjournal.services.sharing.crypto import MAX_CONTACT_CARD_BYTES
        from reflectjournal.services.sharing.files import read_packet_file

        data = read_packet_file(path)
        try:
            kind = "bundle" if bundle.is_bundle(data) else packets.peek_kind(data)
        except PacketRejected as exc:
            if getattr(exc, "reason", "") != "contact_card" or len(data) > MAX_CONTACT_CARD_BYTES:
                raise
            card = self.contacts.import_card(data)
            contact = card.contact
            return ReceivedFile(
                FileKind.CONTACT,
                contact.name,
                f"{CARD_VERBS[card.status]} {contact.name}; compare the fingerprint "
                f"{contact.fingerprint} with theirs before sharing anything.",
                card.status is not CardImport.UNCHANGED,
            )
        if kind == "bundle":
            return _received_bundle(self.exchange.file_route.read(path))
        if kind == "feedback":
            got = self.import_feedback(path)
            if got.already_imported:
                text = f"This feedback from {got.sender} was already received."
            else:
                text = f"From {got.sender}: {plural(got.attached, 'comment')} on your entries."
            return ReceivedFile(FileKind.FEEDBACK, got.sender, text, got.changed)
        got = self.import_share(path)
        if got.already_imported:
            text = f"This packet from {got.sender} was already received."
        else:
            text = f"From {got.sender}: {got.added} new, {got.updated} updated."
        return ReceivedFile(FileKind.SHARE, got.sender, text, got.changed)

    def senders(self) -> list[Sender]:
        """People who have shared entries with this journal, for "Shared with me"."""
        rows = self.db.query(
            "SELECT p.id, p.name, p.fingerprint, count(e.id) AS entries FROM person p "
            "JOIN entry e ON e.sender_id = p.id AND e.kind = 'shared' "
            "GROUP BY p.id ORDER BY p.name COLLATE NOCASE"
        )
        return [
            Sender(int(r["id"]), str(r["name"]), r["fingerprint"], int(r["entries"])) for r in rows
        ]

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

    def scan(self, text: str, entry_id: int | str | None = None) -> list[privacy.Finding]:
        """The privacy check with the user's lists (and that entry's choices, when given)."""
        from reflectjournal.services.privacy.service import PrivacyService

        return PrivacyService(self.db).scan(text, entry_id)

    def quiet_scan(self, text: str, entry_id: int | str | None = None) -> dict[str, int]:
        """For the editor: counts per kind, cheap enough to run as the user types."""
        from reflectjournal.services.privacy.service import PrivacyService

        return PrivacyService(self.db).quiet_scan(text, entry_id)


def _received_bundle(got: Received) -> ReceivedFile:
    """A file of exchange messages in one sentence: what it changed here."""
    sender = got.sender
    if got.already_imported:
        return ReceivedFile(
            FileKind.SHARE,
            sender,
            f"This file from {sender} was already received; nothing changed.",
            False,
        )
    parts = []
    for count, word in ((got.added, "new"), (got.updated, "updated"), (got.withdrawn, "withdrawn")):
        if count:
            parts.append(f"{count} {word}")
    if got.attached:
        parts.append(f"{got.attached} comment{'s' if got.attached != 1 else ''} on your entries")
    if got.other:
        parts.append(f"{got.other} coaching item{'s' if got.other != 1 else ''}")
    if not parts and got.receipts:
        parts.append("word that what you sent reached them")
    said = ", ".join(parts) if parts else "nothing new"
    kind = FileKind.FEEDBACK if got.comments and not got.entries else FileKind.SHARE
    return ReceivedFile(kind, sender, f"From {sender}: {said}.", got.changed)
