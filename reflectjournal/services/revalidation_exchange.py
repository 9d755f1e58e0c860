"""The reflective discussion confirmed through the exchange.

The registrant (a leader) asks the colleague they had the discussion with to confirm the
record: the record's travelling part (date, registrant, colleague's name and registration
number, titles of the accounts discussed, never their text) goes to that contact. The
colleague sees it among their confirmation requests and confirms; the confirmation carries
their Ed25519 signature over the digest of exactly what they saw. Back in the registrant's
journal it is recorded only if that digest is the record as it stands and the signature is
the colleague's (``exchange/items.py``); a record changed since is simply confirmed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.exchange import items, kinds
from reflectjournal.services.sharing import crypto
from reflectjournal.services.sharing.crypto import utc_timestamp
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.storage.database import Database


@dataclass(frozen=True)
class ConfirmationRequest:
    """A colleague's reflective discussion record, received here to confirm."""

    uid: str
    person_id: int
    person: str  # who asked (the registrant, as a contact)
    date: str
    registrant: str
    colleague_name: str
    colleague_pin: str
    accounts: tuple[str, ...]
    confirmed_at: str | None
    arrived: str


@dataclass(frozen=True)
class MyDiscussion:
    """One of my reflective discussion records, and where its confirmation stands."""

    uid: str
    date: str
    colleague_name: str
    asked: str | None  # the contact asked to confirm it, if any
    received: str | None  # when the request arrived there
    confirmed_at: str | None


@dataclass(frozen=True)
class AskedToConfirm:
    uid: str
    person: str
    queued: str | None
    received: str | None  # when the request arrived there
    confirmed_at: str | None  # when they confirmed (as they recorded it)


class RevalidationExchange:
    def __init__(self, db: Database, sharing: SharingService):
        self.db = db
        self.sharing = sharing

    def _uid(self, uid: str, kind: str) -> str:
        text = str(uid).strip().lower()
        row = self.db.scalar(
            "SELECT uid FROM revalidation_record WHERE kind = ? AND (uid = ? OR "
            "(length(?) >= 6 AND uid LIKE ? || '%'))",
            (kind, text, text, text),
        )
        if row is None:
            what = "reflective discussion record" if kind == "discussion" else "request"
            raise NotFound(
                f"There is no {what} '{uid}'; 'reflectjournal revalidation status' shows them."
            )
        return str(row)

    # ---- the registrant's side ---------------------------------------------------------------

    def ask_to_confirm(self, uid: str, person: str | int) -> AskedToConfirm:
        """Send the discussion record ``uid`` to ``person`` (a contact) to confirm."""
        found = self._uid(uid, "discussion")
        who = self.sharing.contacts.get(person)
        held = self.db.scalar("SELECT person_id FROM revalidation_record WHERE uid = ?", (found,))
        if held is not None and held != who.id:
            raise UsageError(
                "This record was already sent to someone else to confirm; record the "
                "discussion again if it was with another colleague."
            )
        with self.db.transaction():
            self.db.execute(
                "UPDATE revalidation_record SET person_id = ? WHERE uid = ?", (who.id, found)
            )
            items.choose(self.db, "discussion", found, who.id)
        return self.asked(found)

    def asked(self, uid: str) -> AskedToConfirm:
        row = self.db.query_one(
            "SELECT r.uid, p.name, x.queued, x.received, r.confirmed_at FROM revalidation_record r "
            "JOIN person p ON p.id = r.person_id LEFT JOIN exchange_item x ON "
            "x.kind = 'discussion' AND x.ref = r.uid AND x.person_id = r.person_id "
            "WHERE r.uid = ?",
            (uid,),
        )
        if row is None:
            raise NotFound("This record has not been sent to anyone to confirm.")
        return AskedToConfirm(row[0], row[1], row[2], row[3], row[4])

    def my_discussions(self) -> list[MyDiscussion]:
        """My reflective discussion records, newest first, with their confirmation state."""
        rows = self.db.query(
            "SELECT r.uid, r.date, r.colleague_name, p.name, x.received, r.confirmed_at "
            "FROM revalidation_record r LEFT JOIN person p ON p.id = r.person_id "
            "LEFT JOIN exchange_item x ON x.kind = 'discussion' AND x.ref = r.uid "
            "AND x.person_id = r.person_id WHERE r.kind = 'discussion' "
            "ORDER BY r.date DESC, r.id DESC"
        )
        return [MyDiscussion(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    # ---- the colleague's side ----------------------------------------------------------------

    def requests(self, person: str | int | None = None) -> list[ConfirmationRequest]:
        rows = self.db.query(
            "SELECT r.uid, r.person_id, p.name, r.notes, r.confirmed_at, ri.arrived "
            "FROM revalidation_record r JOIN person p ON p.id = r.person_id "
            "LEFT JOIN received_item ri ON ri.person_id = r.person_id "
            "AND ri.kind = 'discussion' AND ri.ref = r.uid WHERE r.kind = ? "
            "ORDER BY r.date, r.id",
            (items.REQUEST_KIND,),
        )
        result = []
        for r in rows:
            if person is not None and r["person_id"] != self.sharing.contacts.get(person).id:
                continue
            item = json.loads(r["notes"])
            result.append(
                ConfirmationRequest(
                    uid=r["uid"],
                    person_id=r["person_id"],
                    person=r["name"],
                    date=item["date"],
                    registrant=item["registrant"],
                    colleague_name=item["colleague"]["name"],
                    colleague_pin=item["colleague"]["pin"],
                    accounts=tuple(item["accounts"]),
                    confirmed_at=r["confirmed_at"],
                    arrived=r["arrived"] or "",
                )
            )
        return result

    def confirm(self, uid: str) -> ConfirmationRequest:
        """Confirm a request: sign what was received and send it back at the next sync."""
        found = self._uid(uid, items.REQUEST_KIND)
        row = self.db.query_one(
            "SELECT person_id, notes FROM revalidation_record WHERE uid = ?", (found,)
        )
        assert row is not None  # _uid found it
        item = json.loads(row["notes"])
        digest = items.digest(item)
        me = self.sharing.identity.get()
        signature = crypto.sign(me, kinds.confirmation_bytes(found, digest)).hex()
        now = utc_timestamp()
        confirmation = {"confirmed_at": now, "digest": digest, "signature": signature}
        with self.db.transaction():
            self.db.execute(
                "UPDATE revalidation_record SET confirmed_by = ?, confirmed_at = ?, "
                "confirmation = ?, updated = ? WHERE uid = ?",
                (me.fingerprint, now, json.dumps(confirmation), now, found),
            )
            items.choose(self.db, "confirmation", found, row["person_id"])
        return next(r for r in self.requests() if r.uid == found)
