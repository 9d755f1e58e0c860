"""Turning local changes into outbox messages: only what changed travels.

An entry shared with a person gets a new version whenever what would leave for them changes
(an edit, a redaction, a new tag); a withdrawal is the next version after the last one. A
version held back by the privacy check is not queued: the share row says why.
"""

from __future__ import annotations

import hashlib
from typing import Any

from reflectjournal.services.privacy.service import PrivacyService
from reflectjournal.services.sharing.crypto import canonical_json, utc_timestamp
from reflectjournal.services.sharing.identity import Contact, PublicKeys
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.services.sharing.share import _redacted
from reflectjournal.storage.database import Database

from . import messages

_SHARES = """
    SELECT s.entry_id, s.person_id, s.active, s.allow_identifiers, s.version, s.sent_hash,
           s.entry_updated, s.held, e.uid, e.title, e.body, e.created, e.created_offset,
           e.mood, e.energy, e.model, e.updated, p.name, p.fingerprint, p.sign_public,
           p.enc_public
    FROM entry_share s JOIN entry e ON e.id = s.entry_id JOIN person p ON p.id = s.person_id
    WHERE p.fingerprint IS NOT NULL AND s.active = 1
      AND (s.entry_updated IS NULL OR s.entry_updated != e.updated)
"""


def _held_sentence(title: str, name: str, labels: list[str]) -> str:
    found = ", ".join(sorted(set(labels)))
    return (
        f"\u201c{title or 'Untitled'}\u201d was not sent to {name}: it seems to contain "
        f"patient identifiers ({found}); edit it, or share it again allowing identifiers."
    )


class Outgoing:
    def __init__(self, db: Database, sharing: SharingService):
        self.db = db
        self.sharing = sharing

    def queue_changes(
        self, options: dict[tuple[int, int], tuple[bool, bool]] | None = None
    ) -> list[str]:
        """Queue a new version of every shared entry that changed; returns held-back sentences.

        ``options`` maps (entry id, person id) to (include mood, redact every finding) for the
        shares a file export just chose with ``--include-mood`` / ``--redact``.
        """
        rows = self.db.query(_SHARES)
        if not rows:
            return self._held()
        identity = self.sharing.identity.get()
        sender_name = self.sharing.identity.require_name()
        names = self.sharing.sensitive_names()
        checker = PrivacyService(self.db)
        fine = checker.fine_names()
        # A hundred entries per transaction: one commit each, and the UI waits only briefly.
        for start in range(0, len(rows), 100):
            with self.db.transaction():
                for row in rows[start : start + 100]:
                    # The same check as share packets, with the user's remembered choices for
                    # this entry: "redact" ones are replaced, "fine" ones are not reported.
                    checks = {
                        "names": names,
                        "choices": checker.choices(row["entry_id"]),
                        "fine": fine,
                    }
                    chosen = (options or {}).get((row["entry_id"], row["person_id"]))
                    self._queue_row(row, identity, sender_name, checks, chosen)
        return self._held()

    def _queue_row(
        self,
        row: Any,
        identity: Any,
        sender_name: str,
        checks: dict[str, Any],
        chosen: tuple[bool, bool] | None = None,
    ) -> None:
        shares = self.sharing.shares
        mood, redact_all = chosen or (False, False)
        item = shares._outgoing(row_as_entry(row), row["fingerprint"], include_mood=mood)
        item = _redacted(item, checks, chosen_only=True)
        if redact_all:  # as ShareService.plan does for --redact: the rest replaced too
            item = _redacted(item, checks)
        digest = hashlib.sha256(canonical_json(item)).hexdigest()
        if digest == row["sent_hash"]:
            self._mark_seen(row, held=None)
            return
        hits = shares._scan(item, checks)
        if hits and not row["allow_identifiers"]:
            sentence = _held_sentence(row["title"], row["name"], [h.label for h in hits])
            self._mark_seen(row, held=sentence)
            return
        version = row["version"] + 1
        body = {
            "type": "entry",
            "ref": item["id"],
            "entry_version": version,
            "entry": item,
        }
        self._queue(row, "entry", version, body, identity, sender_name)
        self.db.execute(
            "UPDATE entry_share SET version = ?, sent_hash = ?, entry_updated = ?, "
            "held = NULL, queued = ?, sent = NULL, received = NULL "
            "WHERE entry_id = ? AND person_id = ?",
            (
                version,
                digest,
                row["updated"],
                utc_timestamp(),
                row["entry_id"],
                row["person_id"],
            ),
        )

    def withdraw(self, entry_id: int, person: Contact) -> bool:
        """Queue the withdrawal of an entry from one person; False when it was not shared."""
        row = self.db.query_one(
            "SELECT s.version, s.active, e.uid FROM entry_share s JOIN entry e ON e.id = s.entry_id "
            "WHERE s.entry_id = ? AND s.person_id = ?",
            (entry_id, person.id),
        )
        if row is None or not row["active"]:
            return False
        with self.db.transaction():
            if row["version"] == 0:
                # Never left this machine: nothing to withdraw, just forget the intention.
                self.db.execute(
                    "DELETE FROM entry_share WHERE entry_id = ? AND person_id = ?",
                    (entry_id, person.id),
                )
                return True
            version = row["version"] + 1
            ref = self.sharing.identity.opaque_id(person.fingerprint, row["uid"])
            body = {"type": "withdraw", "ref": ref, "entry_version": version}
            self._queue(
                {
                    "entry_id": entry_id,
                    "person_id": person.id,
                    "sign_public": person.keys.sign,
                    "enc_public": person.keys.enc,
                },
                "withdraw",
                version,
                body,
                self.sharing.identity.get(),
                self.sharing.identity.require_name(),
            )
            self.db.execute(
                "UPDATE entry_share SET active = 0, version = ?, sent_hash = NULL, held = NULL, "
                "queued = ?, sent = NULL, received = NULL WHERE entry_id = ? AND person_id = ?",
                (version, utc_timestamp(), entry_id, person.id),
            )
        return True

    def queue_comments(self) -> int:
        """Queue every comment written here on an entry someone shared, once per comment."""
        rows = self.db.query(
            "SELECT c.id, c.uid, c.text, c.created, c.entry_hash, e.title, e.body, "
            "e.origin_hash, e.import_key, p.id AS person_id, p.name, p.fingerprint, "
            "p.sign_public, p.enc_public FROM comment c JOIN entry e ON e.id = c.entry_id "
            "JOIN person p ON p.id = e.sender_id WHERE c.outgoing = 1 AND e.kind = 'shared' "
            "AND p.fingerprint IS NOT NULL AND e.import_key LIKE 'share:%' AND NOT EXISTS "
            "(SELECT 1 FROM comment_delivery d WHERE d.comment_id = c.id "
            "AND d.person_id = p.id) ORDER BY c.id"
        )
        if not rows:
            return 0
        from reflectjournal.services import entries as E

        identity = self.sharing.identity.get()
        sender_name = self.sharing.identity.require_name()
        for r in rows:
            current = E.content_hash(r["title"], r["body"])
            binding = r["origin_hash"] if r["entry_hash"] == current else r["entry_hash"]
            comment = {
                "uid": r["uid"],
                "entry": r["import_key"].removeprefix("share:"),
                "binding": binding,
                "text": r["text"],
                "created": r["created"],
            }
            with self.db.transaction():
                message_id = self._queue(
                    {
                        "comment_id": r["id"],
                        "person_id": r["person_id"],
                        "sign_public": r["sign_public"],
                        "enc_public": r["enc_public"],
                    },
                    "comment",
                    None,
                    {"type": "comment", "comment": comment},
                    identity,
                    sender_name,
                )
                self.db.execute(
                    "INSERT INTO comment_delivery(comment_id, person_id, message_id, queued) "
                    "VALUES (?, ?, ?, ?)",
                    (r["id"], r["person_id"], message_id, utc_timestamp()),
                )
        return len(rows)

    def queue_items(self) -> int:
        """Queue the changed programme copies, summaries, bring items and confirmations."""
        if not self.db.scalar("SELECT 1 FROM exchange_item WHERE active = 1 LIMIT 1"):
            return 0  # the common case costs one indexed read
        from . import items

        identity = self.sharing.identity.get()
        return items.queue_items(self.db, identity, self.sharing.identity.require_name())

    # ---- helpers -------------------------------------------------------------------------

    def _queue(
        self,
        row: Any,
        kind: str,
        version: int | None,
        body: dict[str, Any],
        identity: Any,
        sender_name: str,
    ) -> str:
        message_id = messages.new_message_id()
        recipient = PublicKeys(bytes(row["sign_public"]), bytes(row["enc_public"]))
        sealed = messages.seal(body, identity, sender_name, recipient, message_id)
        ref = str(row["entry_id"]) if kind in ("entry", "withdraw") else str(row["comment_id"])
        self.db.execute(
            "INSERT INTO outbox(message_id, person_id, kind, ref, version, sealed, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (message_id, row["person_id"], kind, ref, version, sealed, utc_timestamp()),
        )
        return message_id

    def _mark_seen(self, row: Any, held: str | None) -> None:
        self.db.execute(
            "UPDATE entry_share SET entry_updated = ?, held = ? WHERE entry_id = ? "
            "AND person_id = ?",
            (row["updated"], held, row["entry_id"], row["person_id"]),
        )

    def _held(self) -> list[str]:
        return [
            r["held"]
            for r in self.db.query(
                "SELECT held FROM entry_share WHERE active = 1 AND held IS NOT NULL "
                "ORDER BY entry_id, person_id"
            )
        ]


def row_as_entry(row: Any) -> dict[str, Any]:
    """The columns ``ShareService._outgoing`` reads, from a joined share row."""
    return {
        "id": row["entry_id"],
        "uid": row["uid"],
        "title": row["title"],
        "body": row["body"],
        "created": row["created"],
        "created_offset": row["created_offset"],
        "mood": row["mood"],
        "energy": row["energy"],
        "model": row["model"],
    }
