"""Comments on shared entries, and reading the feedback packets written before the exchange.

The reader's side: ``comment`` stores an outgoing comment bound to the content hash of the
version read; it travels as an exchange message (``services.exchange``: a place or a file).
The writer's side: ``receive`` reads an old single feedback packet, finds its own entries by
the opaque ids it gave them and adds comments as a set (by uid); it keeps each comment's
binding so an entry edited since shows the comment as "on an earlier version".
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from reflectjournal.errors import NotFound, PacketRejected, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services.sharing.identity import Contacts, IdentityStore
from reflectjournal.services.sharing.received import Carrier, Received
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from pathlib import Path

PAYLOAD_FORMAT = "reflectjournal-feedback"
PAYLOAD_VERSION = 1
COMMENT_MAX_CHARS = 20_000
_HEX32 = re.compile(r"\A[0-9a-f]{32}\Z")
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_MALFORMED = "This packet's contents are not in the expected layout, so it was refused."


class FeedbackService:
    def __init__(self, db: Database, identity: IdentityStore, contacts: Contacts):
        self.db = db
        self.identity = identity
        self.contacts = contacts

    # ---- the reader's side ---------------------------------------------------------------

    def comment(self, entry_id: int | str, text: str) -> int:
        text = E.check_text(text or "", "The comment").strip()
        if not text:
            raise UsageError("A comment needs some text.")
        if len(text) > COMMENT_MAX_CHARS:
            raise UsageError(f"A comment may be at most {COMMENT_MAX_CHARS} characters.")
        try:
            number = int(entry_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{entry_id}' is not an entry id; ids are numbers.") from None
        row = self.db.query_one("SELECT id, kind, title, body FROM entry WHERE id = ?", (number,))
        if row is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        if row["kind"] != "shared":
            raise UsageError(
                "Comments travel back to the person who shared an entry; this entry is your own."
            )
        author = self.identity.name() or "Me"
        with self.db.transaction():
            comment_id: int = self.db.execute(
                "INSERT INTO comment(uid, entry_id, author, author_id, text, created, entry_hash, "
                "outgoing, sent) VALUES (?, ?, ?, NULL, ?, ?, ?, 1, 0)",
                (
                    uuid.uuid4().hex,
                    row["id"],
                    author,
                    text,
                    now_utc().isoformat(),
                    E.content_hash(row["title"], row["body"]),
                ),
            ).lastrowid
        return comment_id

    # ---- the writer's side ---------------------------------------------------------------

    def receive(self, path: str | Path) -> Received:
        """Attach the packet's comments. Comments are a set (by uid), so packets may arrive in
        any order or twice: an older one after a newer one still adds what it carries."""
        opened, sender = self.contacts.open_packet_file(path, "feedback")
        seen = self.db.scalar(
            "SELECT count(*) FROM packet_log WHERE packet_id = ? AND direction = 'in'",
            (opened.packet_id,),
        )
        comments = _validated_comments(opened.payload)
        own = self._own_entries(sender.fingerprint)
        attached, unmatched = 0, 0
        with self.db.transaction():
            for c in comments:
                target = own.get(c["entry"])
                if target is None:
                    unmatched += 1  # the entry was deleted here since it was shared
                    continue
                entry_id, current_hash = target
                now_binding = self.identity.binding(sender.fingerprint, current_hash)
                entry_hash = current_hash if c["binding"] == now_binding else c["binding"]
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO comment(uid, entry_id, author, author_id, text, "
                    "created, entry_hash, outgoing, sent) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
                    (
                        c["uid"],
                        entry_id,
                        sender.name,
                        sender.id,
                        c["text"],
                        c["created"],
                        entry_hash,
                    ),
                )
                attached += cursor.rowcount
            if not seen:
                self.db.execute(
                    "INSERT INTO packet_log(packet_id, direction, kind, person_id, seq, created) "
                    "VALUES (?, 'in', 'feedback', ?, ?, ?)",
                    (opened.packet_id, sender.id, opened.seq, opened.created),
                )
        return Received(
            sender.name,
            sender.fingerprint,
            Carrier.FEEDBACK_PACKET,
            comments=len(comments),
            attached=attached,
            unmatched=unmatched,
            already_imported=bool(seen),
            seq=opened.seq,
        )

    def _own_entries(self, recipient_fp: str) -> dict[str, tuple[int, str]]:
        """Opaque id → (entry id, current content hash), for every entry of ours."""
        return {
            self.identity.opaque_id(recipient_fp, r["uid"]): (
                r["id"],
                E.content_hash(r["title"], r["body"]),
            )
            for r in self.db.query("SELECT id, uid, title, body FROM entry WHERE kind != 'shared'")
        }


def _validated_comments(payload: dict[str, Any]) -> list[dict[str, Any]]:
    bad = PacketRejected(_MALFORMED)
    if payload.get("format") != PAYLOAD_FORMAT or payload.get("version") != PAYLOAD_VERSION:
        raise bad
    comments = payload.get("comments")
    if not isinstance(comments, list):
        raise bad
    for c in comments:
        if not isinstance(c, dict) or not all(
            isinstance(c.get(k), str) for k in ("uid", "entry", "binding", "text", "created")
        ):
            raise bad
        if not (_HEX32.match(c["uid"]) and _HEX32.match(c["entry"]) and _HEX64.match(c["binding"])):
            raise bad
        if not c["text"].strip() or len(c["text"]) > COMMENT_MAX_CHARS:
            raise bad
        try:
            E.check_text(c["text"], "A comment")
            from datetime import datetime

            datetime.fromisoformat(c["created"])
        except (ValueError, UsageError):
            raise bad from None
    return comments
