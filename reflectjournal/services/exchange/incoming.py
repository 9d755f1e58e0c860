"""Applying messages: idempotent, order-free, newest version wins.

Every message is applied at most once (``inbox``), in one transaction with its record, so a
crash between the two cannot apply it twice. Entry versions come from the sender's counter,
not clocks: a version not newer than the one held changes nothing, so any order of delivery,
any duplicate and any late copy end in the same state.
"""

from __future__ import annotations

from typing import Any

from reflectjournal.services.frameworks import reflection_models
from reflectjournal.services.sharing.crypto import utc_timestamp
from reflectjournal.services.sharing.identity import Contact
from reflectjournal.services.sharing.received import EntryOutcome
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.storage.database import Database

from . import items, kinds
from .messages import Message


class Incoming:
    def __init__(self, db: Database, sharing: SharingService):
        self.db = db
        self.sharing = sharing
        self._models: dict[str, Any] | None = None
        self._own: dict[
            str, dict[str, Any]
        ] = {}  # sender fingerprint -> opaque id -> (entry, hash)
        #: (import key, sender id) of existing entries a message rewrote: a batch applied
        #: with the index triggers set aside (``reindex``) indexes these again.
        self.updated: list[tuple[str, int]] = []

    def already_applied(self, message_id: str) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM inbox WHERE message_id = ?", (message_id,)))

    def apply(self, message: Message, sender: Contact) -> list[str]:
        """Apply one opened message from ``sender``; returns message ids a receipt confirmed."""
        confirmed: list[str] = []
        with self.db.transaction():  # joins the caller's batch transaction when there is one
            if self.already_applied(message.message_id):
                return confirmed
            if message.type == "entry":
                self._entry(message.body, sender)
            elif message.type == "withdraw":
                self._withdraw(message.body, sender)
            elif message.type == "comment":
                self._comment(message.body["comment"], sender)
            elif message.type in kinds.ITEM_TYPES:
                items.apply(self.db, message.body, sender)
            else:
                confirmed = self._receipt(message.body["ids"], sender)
            self.db.execute(
                "INSERT INTO inbox(message_id, person_id, kind, applied) VALUES (?, ?, ?, ?)",
                (message.message_id, sender.id, message.type, utc_timestamp()),
            )
        return confirmed

    # ---- entries -------------------------------------------------------------------------

    def _held_version(self, sender_id: int, ref: str) -> Any:
        return self.db.query_one(
            "SELECT version, withdrawn, arrived FROM received_share WHERE person_id = ? "
            "AND ref = ?",
            (sender_id, ref),
        )

    def _remember(self, sender_id: int, ref: str, version: int, withdrawn: bool) -> None:
        self.db.execute(
            "INSERT INTO received_share(person_id, ref, version, withdrawn, arrived) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id, ref) DO UPDATE SET "
            "version = excluded.version, withdrawn = excluded.withdrawn",
            (sender_id, ref, version, int(withdrawn), utc_timestamp()),
        )

    def _entry(self, body: dict[str, Any], sender: Contact) -> None:
        ref, version = body["ref"], body["entry_version"]
        held = self._held_version(sender.id, ref)
        if held is not None and held["version"] >= version:
            return  # an older or the same version: the newer one already won
        if self._models is None:
            self._models = reflection_models()
        outcome = self.sharing.shares._store(body["entry"], sender.id, self._models, stale=False)
        if outcome is EntryOutcome.UPDATED:
            self.updated.append(("share:" + ref, sender.id))
        self._remember(sender.id, ref, version, withdrawn=False)

    def _withdraw(self, body: dict[str, Any], sender: Contact) -> None:
        ref, version = body["ref"], body["entry_version"]
        held = self._held_version(sender.id, ref)
        if held is not None and held["version"] >= version:
            return
        self.db.execute(
            "DELETE FROM entry WHERE import_key = ? AND sender_id = ? AND +kind = 'shared'",
            ("share:" + ref, sender.id),
        )
        self._remember(sender.id, ref, version, withdrawn=True)

    # ---- comments ------------------------------------------------------------------------

    def _own_entries(self, fingerprint: str) -> dict[str, Any]:
        if fingerprint not in self._own:
            self._own[fingerprint] = self.sharing.feedback._own_entries(fingerprint)
        return self._own[fingerprint]

    def _comment(self, c: dict[str, Any], sender: Contact) -> None:
        target = self._own_entries(sender.fingerprint).get(c["entry"])
        if target is None:
            return  # the entry was deleted here since it was shared
        entry_id, current_hash = target
        now_binding = self.sharing.identity.binding(sender.fingerprint, current_hash)
        entry_hash = current_hash if c["binding"] == now_binding else c["binding"]
        self.db.execute(
            "INSERT OR IGNORE INTO comment(uid, entry_id, author, author_id, text, created, "
            "entry_hash, outgoing, sent) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
            (c["uid"], entry_id, sender.name, sender.id, c["text"], c["created"], entry_hash),
        )

    # ---- receipts ------------------------------------------------------------------------

    def _receipt(self, ids: list[Any], sender: Contact) -> list[str]:
        """Mark what arrived; returns every id named (the caller prunes them from the place)."""
        for message_id, received in ids:
            row = self.db.query_one(
                "SELECT kind, ref, version FROM outbox WHERE message_id = ? AND person_id = ?",
                (message_id, sender.id),
            )
            if row is None:
                continue
            if row["kind"] in ("entry", "withdraw"):
                self.db.execute(
                    "UPDATE entry_share SET received = ? WHERE entry_id = ? AND person_id = ? "
                    "AND version = ?",
                    (received, int(row["ref"]), sender.id, row["version"]),
                )
            elif row["kind"] == "comment":
                self.db.execute(
                    "UPDATE comment_delivery SET received = ? WHERE comment_id = ? "
                    "AND person_id = ?",
                    (received, int(row["ref"]), sender.id),
                )
            elif row["kind"] in kinds.ITEM_TYPES:
                items.mark_received(
                    self.db, row["kind"], row["ref"], sender.id, row["version"], received
                )
            self.db.execute(
                "UPDATE outbox SET received = ? WHERE message_id = ?", (received, message_id)
            )
        return [message_id for message_id, _ in ids]


def applying_in_bulk(db: Database, incoming: Incoming) -> Any:
    """Apply a batch with the full-text and digest insert triggers set aside, then index
    the new entries once and the rewritten ones again (``storage.bulk``): an entry with two
    tags is otherwise tokenised three times. Use inside the batch's transaction."""
    from contextlib import contextmanager

    from reflectjournal.storage import bulk

    @contextmanager
    def batch() -> Any:
        top = db.scalar("SELECT max(id) FROM entry") or 0
        incoming.updated.clear()
        with bulk.triggers_set_aside(db) as fill:
            yield
            last = db.scalar("SELECT max(id) FROM entry") or 0
            if last > top:
                fill(top + 1, last)
            for key, sender_id in incoming.updated:
                entry_id = db.scalar(
                    "SELECT id FROM entry WHERE import_key = ? AND sender_id = ? "
                    "AND +kind = 'shared'",
                    (key, sender_id),
                )
                if entry_id is None or entry_id > top:
                    continue  # withdrawn since, or new in this batch (filled above)
                db.execute("DELETE FROM entry_fts WHERE rowid = ?", (entry_id,))
                db.execute("DELETE FROM pattern_entry WHERE id = ?", (entry_id,))
                db.execute("DELETE FROM pattern_link WHERE entry_id = ?", (entry_id,))
                fill(entry_id, entry_id)

    return batch()
