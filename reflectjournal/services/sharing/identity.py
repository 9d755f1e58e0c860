"""This journal's own keys, and contacts: people whose public keys we hold.

The private halves live only in the ``identity`` table of the encrypted journal; they are made
the first time they are needed (``identity`` or a first share), so a journal that never shares
never has keys.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reflectjournal.domain.enums import Role
from reflectjournal.errors import NotFound, PacketRejected, UsageError
from reflectjournal.services import settings
from reflectjournal.services.sharing import crypto, packets
from reflectjournal.services.sharing.files import read_packet_file
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database, Row

OWNER_SETTING = settings.OWNER_NAME.key
_OPAQUE_DOMAIN = b"reflectjournal-opaque-entry-id-v1\x00"
_BINDING_DOMAIN = b"reflectjournal-content-binding-v1\x00"


@dataclass(frozen=True)
class IdentitySummary:
    """This journal's owner name (empty until set) and public fingerprint."""

    name: str
    fingerprint: str


@dataclass(frozen=True)
class PublicKeys:
    """A contact's public halves: what sealing a message to them and checking theirs needs."""

    sign: bytes
    enc: bytes


@dataclass(frozen=True)
class Contact:
    """A person whose public keys this journal holds."""

    id: int
    name: str
    role: Role
    fingerprint: str
    uid: str = field(repr=False)  # the person's uid (a programme copy's ref)
    keys: PublicKeys = field(repr=False)


class CardImport(StrEnum):
    """What importing a contact card did to the person it names."""

    ADDED = "added"  # a new person
    LINKED = "linked"  # keys given to a person known by name only
    UNCHANGED = "unchanged"  # these keys were already theirs


# How a sentence about an imported card begins: "Added Bob Mentor", "Already had …".
CARD_VERBS = {
    CardImport.ADDED: "Added",
    CardImport.LINKED: "Linked keys to",
    CardImport.UNCHANGED: "Already had",
}


@dataclass(frozen=True)
class ImportedContact:
    """The person a contact card was imported as, and what the import did."""

    contact: Contact
    status: CardImport


class IdentityStore:
    def __init__(self, db: Database):
        self.db = db
        self._identity: crypto.Identity | None = None

    def exists(self) -> bool:
        return bool(self.db.scalar("SELECT count(*) FROM identity"))

    def get(self) -> crypto.Identity:
        """The journal's keys, made (and stored, encrypted with the journal) on first use."""
        if self._identity is not None:
            return self._identity
        row = self.db.query_one(
            "SELECT sign_private, enc_private FROM identity ORDER BY id LIMIT 1"
        )
        if row is None:
            fresh = crypto.generate_identity()
            with self.db.transaction():
                # Re-check inside the write lock: two windows must not make two identities.
                row = self.db.query_one(
                    "SELECT sign_private, enc_private FROM identity ORDER BY id LIMIT 1"
                )
                if row is None:
                    self.db.execute(
                        "INSERT INTO identity(name, sign_private, enc_private, sign_public, "
                        "enc_public, created) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            self.name(),
                            fresh.sign_private,
                            fresh.enc_private,
                            fresh.sign_public,
                            fresh.enc_public,
                            now_utc().isoformat(),
                        ),
                    )
                    self._identity = fresh
                    return fresh
        self._identity = crypto.identity_from_private(
            bytes(row["sign_private"]), bytes(row["enc_private"])
        )
        return self._identity

    def name(self) -> str:
        return settings.read(self.db, settings.OWNER_NAME)

    def set_name(self, name: str) -> str:
        name = crypto.check_name(" ".join(name.split()))
        with self.db.transaction():
            settings.write(self.db, settings.OWNER_NAME, name)
            self.db.execute("UPDATE identity SET name = ?", (name,))
        return name

    def require_name(self) -> str:
        name = self.name()
        if crypto.name_problem(name) is not None:
            raise UsageError(
                "Your journal has no owner name yet; set the name your contacts will see with "
                "'reflectjournal identity --set-name NAME'."
            )
        return name

    def summary(self) -> IdentitySummary:
        return IdentitySummary(self.name(), self.get().fingerprint)

    def contact_card(self, role_hint: str | None = None) -> bytes:
        return crypto.make_contact_card(self.require_name(), self.get(), role_hint)

    # Per-recipient derived values: one recipient's ids say nothing about another's.
    def _secret(self) -> bytes:
        return hashlib.sha256(_OPAQUE_DOMAIN + self.get().sign_private).digest()

    def opaque_id(self, recipient_fingerprint: str, entry_uid: str) -> str:
        message = f"{recipient_fingerprint}\x00{entry_uid}".encode()
        return hmac.new(self._secret(), message, hashlib.sha256).hexdigest()[:32]

    def binding(self, recipient_fingerprint: str, content_hash: str) -> str:
        """A keyed stand-in for a content hash: the recipient cannot test guesses against it
        (it may stand for text that was redacted before sending)."""
        message = _BINDING_DOMAIN + f"{recipient_fingerprint}\x00{content_hash}".encode()
        return hmac.new(self._secret(), message, hashlib.sha256).hexdigest()


# What to say when a packet of another kind is handed to a receiver (keyed by what it is).
_WRONG_KIND = {
    "feedback": "This is a feedback packet, not a share; receive it with 'feedback import'.",
    "share": "This is a share packet, not feedback; receive it with 'share import'.",
    "message": "This is an exchange message; it is received from the shared place by 'sync'.",
}


class Contacts:
    """People with public keys; stored as ``person`` rows."""

    def __init__(self, db: Database, identity: IdentityStore):
        self.db = db
        self.identity = identity

    def import_card(self, data: bytes, role: str | None = None) -> ImportedContact:
        """Add or link the card's person; returns the contact and what the import did."""
        card = crypto.read_contact_card(data)
        if role is not None and role not in ("mentor", "coach", "coachee"):
            raise UsageError(f"A role must be one of mentor, coach, coachee, not '{role}'.")
        if self.identity.exists() and card.fingerprint == self.identity.get().fingerprint:
            raise UsageError("This is your own contact card; import the other person's card.")
        known = self.db.query_one("SELECT * FROM person WHERE fingerprint = ?", (card.fingerprint,))
        if known is not None:
            return self._result(known["id"], card, CardImport.UNCHANGED)
        by_name = self.db.query_one(
            "SELECT * FROM person WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (card.name,)
        )
        if by_name is not None and by_name["fingerprint"]:
            # A new key under a known name is how an impostor would look: never swap silently.
            raise PacketRejected(
                f"You already have '{by_name['name']}' with a different fingerprint "
                f"({by_name['fingerprint']}); rename that contact first if this is a new card."
            )
        with self.db.transaction():
            if by_name is not None:
                person_id, status = by_name["id"], CardImport.LINKED
                self.db.execute(
                    "UPDATE person SET sign_public = ?, enc_public = ?, fingerprint = ?"
                    + (", role = ?" if role else "")
                    + " WHERE id = ?",
                    (card.sign_public, card.enc_public, card.fingerprint)
                    + ((role,) if role else ())
                    + (person_id,),
                )
            else:
                hinted = card.role_hint if card.role_hint in ("mentor", "coach") else "coachee"
                person_id = self.db.execute(
                    "INSERT INTO person(uid, name, role, email, sign_public, enc_public, "
                    "fingerprint, created, notes) VALUES (?, ?, ?, '', ?, ?, ?, ?, '')",
                    (
                        uuid.uuid4().hex,
                        card.name,
                        role or hinted,
                        card.sign_public,
                        card.enc_public,
                        card.fingerprint,
                        now_utc().isoformat(),
                    ),
                ).lastrowid
                status = CardImport.ADDED
        return self._result(person_id, card, status)

    def _result(
        self, person_id: int, card: crypto.ContactCard, status: CardImport
    ) -> ImportedContact:
        row = self.db.query_one(f"SELECT {_COLUMNS} FROM person WHERE id = ?", (person_id,))
        if row is None:  # written in the same transaction a moment ago
            raise NotFound("The contact just added could not be read back.")
        return ImportedContact(_contact(row), status)

    def get(self, name_or_id: str | int) -> Contact:
        """A person who can receive packets (has keys); one clear sentence otherwise."""
        text = str(name_or_id).strip()
        row = self.db.query_one(
            f"SELECT {_COLUMNS} FROM person WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1",
            (text,),
        )
        if row is None and text.isdigit():
            row = self.db.query_one(f"SELECT {_COLUMNS} FROM person WHERE id = ?", (int(text),))
        if row is None:
            raise NotFound(
                f"There is nobody called '{text}'; import their contact card with "
                "'reflectjournal contact import FILE'."
            )
        if not row["fingerprint"] or row["sign_public"] is None or row["enc_public"] is None:
            raise UsageError(
                f"{row['name']} has no keys yet; import their contact card first "
                "('reflectjournal contact import FILE')."
            )
        return _contact(row)

    def list(self) -> list[Contact]:
        """Everyone with keys, by name."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM person WHERE fingerprint IS NOT NULL "
            "AND sign_public IS NOT NULL AND enc_public IS NOT NULL ORDER BY name COLLATE NOCASE"
        )
        return [_contact(r) for r in rows]

    def open_packet_file(self, path: str | Path, kind: str) -> tuple[packets.OpenedPacket, Contact]:
        """Read and open a ``kind`` packet ("share" or "feedback") a known contact sent to
        this journal's identity; returns it with its sender. Anything else is refused."""
        data = read_packet_file(path)
        opened = packets.open_packet(data, self.identity.get(), self.known_signers())
        if opened.kind != kind:
            raise PacketRejected(_WRONG_KIND[opened.kind])
        sender = self.by_fingerprint(opened.sender_fingerprint)
        if sender is None:  # known_signers() named it; it was deleted since
            raise PacketRejected("This packet's sender is no longer one of your contacts.")
        return opened, sender

    def by_fingerprint(self, fp: str) -> Contact | None:
        row = self.db.query_one(
            f"SELECT {_COLUMNS} FROM person WHERE fingerprint = ? "
            "AND sign_public IS NOT NULL AND enc_public IS NOT NULL",
            (fp,),
        )
        return _contact(row) if row is not None else None

    def known_signers(self) -> dict[str, bytes]:
        rows = self.db.query(
            "SELECT fingerprint, sign_public FROM person "
            "WHERE fingerprint IS NOT NULL AND sign_public IS NOT NULL"
        )
        return {r["fingerprint"]: bytes(r["sign_public"]) for r in rows}


_COLUMNS = "id, uid, name, role, fingerprint, sign_public, enc_public"


def _contact(row: Row) -> Contact:
    """A ``person`` row read with ``_COLUMNS`` (one with keys) as a contact."""
    return Contact(
        int(row["id"]),
        str(row["name"]),
        Role(row["role"]),
        str(row["fingerprint"]),
        str(row["uid"]),
        PublicKeys(bytes(row["sign_public"]), bytes(row["enc_public"])),
    )
