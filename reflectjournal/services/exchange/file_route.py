"""Files for those with no shared place (e-mail, USB): the exchange's messages, carried by hand.

Writing a file for a person puts in it everything a place would hold for them: every message
of ours they have not confirmed yet (new entry versions, withdrawals, comments, and any kind
added later), and receipts for what of theirs arrived here. So a lost file loses nothing (its
messages go again in the next one), files may arrive in any order or twice, and a receipt
coming back stops a message from travelling again — the same rules as a shared place.

Reading a file checks every message before applying any: one bad message refuses the whole
file in one sentence, and nothing is written. Files from before the exchange (one share or
feedback packet) are still read by the old receivers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.display import plural
from reflectjournal.services.sharing.crypto import reject, utc_timestamp
from reflectjournal.services.sharing.files import read_packet_file, write_atomically
from reflectjournal.services.sharing.identity import Contact
from reflectjournal.services.sharing.received import Carrier, EntryOutcome, Received
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.sharing.share import SharePlan, ShareRequest

from . import bundle, messages
from .incoming import Incoming, applying_in_bulk
from .outgoing import Outgoing

_MIXED = (
    "This file holds messages from more than one person or for someone else, so nothing in "
    "it was used; ask the sender to write it again."
)


@dataclass(frozen=True)
class Written:
    """What writing a person's file put in it (``share export``, ``feedback export``)."""

    person: Contact
    messages: int
    entries: int  # entry versions and withdrawals in the file
    comments: int
    receipts: int  # messages of theirs this file confirms


class FileRoute:
    def __init__(self, db: Database, sharing: SharingService, outgoing: Outgoing):
        self.db = db
        self.sharing = sharing
        self.outgoing = outgoing

    # ---- writing -------------------------------------------------------------------------

    def write(
        self,
        person: Contact,
        out: str | Path,
        options: dict[tuple[int, int], tuple[bool, bool]] | None = None,
        empty: str | None = None,
    ) -> Written:
        """Write every unconfirmed message for ``person`` and receipts for theirs to ``out``.

        ``empty`` is the sentence for a file that would hold nothing (nothing is written).
        """
        # The same queueing as a sync: entries, comments, and the coaching kinds (items).
        self.outgoing.queue_changes(options)
        self.outgoing.queue_comments()
        self.outgoing.queue_items()
        rows = self.db.query(
            "SELECT message_id, kind, ref, version, sealed FROM outbox WHERE person_id = ? "
            "AND received IS NULL ORDER BY rowid",
            (person.id,),
        )
        due = [
            [r["message_id"], r["applied"]]
            for r in self.db.query(
                "SELECT message_id, applied FROM inbox WHERE person_id = ? AND kind != 'receipt' "
                "AND receipt_id IS NULL ORDER BY applied, message_id",
                (person.id,),
            )
        ]
        if not rows and not due:
            raise UsageError(
                empty
                or f"Nothing is waiting for {person.name}: everything already reached them; "
                "no file was written."
            )
        me = self.sharing.identity.get()
        my_name = self.sharing.identity.require_name()
        sealed = [bytes(r["sealed"]) for r in rows]
        receipts: list[tuple[str, list[list[str]]]] = []
        for start in range(0, len(due), messages.MAX_RECEIPT_IDS):
            chunk = due[start : start + messages.MAX_RECEIPT_IDS]
            receipt_id = messages.new_message_id()
            body = {"type": "receipt", "ids": chunk}
            sealed.append(messages.seal(body, me, my_name, person.keys, receipt_id))
            receipts.append((receipt_id, chunk))
        data = bundle.pack(sealed)
        now = utc_timestamp()
        with self.db.transaction():
            for row in rows:
                self.db.execute(
                    "UPDATE outbox SET published = coalesce(published, ?) WHERE message_id = ?",
                    (now, row["message_id"]),
                )
                if row["kind"] in ("entry", "withdraw"):
                    self.db.execute(
                        "UPDATE entry_share SET sent = coalesce(sent, ?) WHERE entry_id = ? "
                        "AND person_id = ? AND version = ?",
                        (now, int(row["ref"]), person.id, row["version"]),
                    )
            for receipt_id, chunk in receipts:
                self.db.executemany(
                    "UPDATE inbox SET receipt_id = ? WHERE message_id = ?",
                    [(receipt_id, m) for m, _ in chunk],
                )
            # Inside the transaction: a file that cannot be written records nothing as sent.
            write_atomically(out, data)
        kinds = Counter(r["kind"] for r in rows)
        return Written(
            person,
            len(sealed),
            kinds["entry"] + kinds["withdraw"],
            kinds["comment"],
            len(due),
        )

    def requeue_comments(self, person: Contact) -> None:
        """Send every comment to ``person`` again (``feedback export --all``): a set, so
        whatever already arrived is not doubled."""
        with self.db.transaction():
            self.db.execute(
                "DELETE FROM comment_delivery WHERE person_id = ? AND comment_id IN "
                "(SELECT c.id FROM comment c JOIN entry e ON e.id = c.entry_id "
                "WHERE c.outgoing = 1 AND e.sender_id = ?)",
                (person.id, person.id),
            )

    # ---- reading -------------------------------------------------------------------------

    def read(self, path: str | Path) -> Received:
        """Check every message in a bundle file, then apply them all in one transaction."""
        data = read_packet_file(path)
        sealed = bundle.unpack(data)
        me = self.sharing.identity.get()
        signers = self.sharing.contacts.known_signers()
        opened: list[messages.Message] = []
        for item in sealed:
            try:
                opened.append(messages.open_message(item, me, signers))
            except PacketRejected as exc:
                if getattr(exc, "reason", "") == "truncated":
                    raise reject("tampered", bundle.DAMAGED) from None
                raise
        senders = {m.sender_fingerprint for m in opened}
        if len(senders) != 1:
            raise PacketRejected(_MIXED)
        person = self.sharing.contacts.by_fingerprint(senders.pop())
        if person is None:  # known_signers came from person, so only a race gets here
            raise PacketRejected(_MIXED)
        return self._apply(opened, person)

    def _apply(self, opened: list[messages.Message], person: Contact) -> Received:
        incoming = Incoming(self.db, self.sharing)
        outcome: dict[str, EntryOutcome] = {}  # entry ref -> what became of it (in order met)
        counts = Counter[str]()
        with self.db.transaction(), applying_in_bulk(self.db, incoming):
            for message in opened:
                if incoming.already_applied(message.message_id):
                    counts["duplicates"] += 1
                    if message.type == "entry":
                        outcome.setdefault(message.body["ref"], EntryOutcome.UNCHANGED)
                    # They sent it again, so our receipt did not reach them: receipt it again.
                    self.db.execute(
                        "UPDATE inbox SET receipt_id = NULL WHERE message_id = ? "
                        "AND kind != 'receipt'",
                        (message.message_id,),
                    )
                    continue
                self._classify(message, person, incoming, (outcome, counts))
                incoming.apply(message, person)
            self.db.execute(
                "DELETE FROM outbox WHERE person_id = ? AND received IS NOT NULL", (person.id,)
            )
        fresh = len(opened) - counts["duplicates"]
        return Received(
            person.name,
            person.fingerprint,
            Carrier.MESSAGES,
            tuple(outcome.items()),
            messages=len(opened),
            comments=counts["comments"],
            attached=counts["attached"],
            unmatched=counts["unmatched"],
            receipts=counts["receipts"],
            other=counts["other"],
            already_imported=fresh == 0,
        )

    def _classify(
        self,
        message: messages.Message,
        person: Contact,
        incoming: Incoming,
        tallies: tuple[dict[str, EntryOutcome], Counter[str]],
    ) -> None:
        """What applying ``message`` will do, in words for the summary (looked up first)."""
        outcome, counts = tallies
        body = message.body
        if message.type in ("entry", "withdraw"):
            ref = body["ref"]
            held = self.db.query_one(
                "SELECT version FROM received_share WHERE person_id = ? AND ref = ?",
                (person.id, ref),
            )
            if held is not None and held["version"] >= body["entry_version"]:
                outcome.setdefault(ref, EntryOutcome.UNCHANGED)
                return
            if message.type == "withdraw":
                outcome[ref] = EntryOutcome.WITHDRAWN
                return
            exists = self.db.scalar(
                "SELECT 1 FROM entry WHERE import_key = ? AND sender_id = ? AND +kind = 'shared'",
                ("share:" + ref, person.id),
            )
            # Added and changed again in the same file is still "added".
            updated = exists and outcome.get(ref) is not EntryOutcome.ADDED
            outcome[ref] = EntryOutcome.UPDATED if updated else EntryOutcome.ADDED
        elif message.type == "comment":
            counts["comments"] += 1
            c = body["comment"]
            own = incoming._own_entries(person.fingerprint)
            if c["entry"] not in own:
                counts["unmatched"] += 1
            elif not self.db.scalar("SELECT 1 FROM comment WHERE uid = ?", (c["uid"],)):
                counts["attached"] += 1
        elif message.type == "receipt":
            counts["receipts"] += 1
        else:
            counts["other"] += 1


class FileExports:
    """``share export`` and ``feedback export``: choose, then write the person's file."""

    def __init__(self, route: FileRoute):
        self.route = route
        self.db = route.db
        self.sharing = route.sharing

    def share(
        self, request: ShareRequest, out: str | Path, allow_identifiers: bool = False
    ) -> tuple[SharePlan, Written]:
        """Share the entries ``request`` selects with its person, then write their file.

        Returns the ``SharePlan`` (what the selected entries look like as sent) with the
        ``Written`` tally. The privacy check refuses before anything is recorded.
        """
        from reflectjournal.errors import PrivacyCheckFailed
        from reflectjournal.services.sharing.share import VISIBILITY_FOR_ROLE

        shares = self.sharing.shares
        plan = shares.plan(request)
        if plan.findings and not allow_identifiers:
            exc = PrivacyCheckFailed(
                f"The privacy check found {plural(len(plan.findings), 'likely patient identifier')}, so "
                "nothing was written; edit or redact them, or send anyway with "
                "--allow-identifiers.",
                findings=plan.findings,
            )
            raise exc
        person = plan.person
        rows = shares._rows(VISIBILITY_FOR_ROLE[person.role], request)
        empty = None
        if not rows:
            empty = (
                f"No entries are shared with {person.name} "
                f"(visibility '{VISIBILITY_FOR_ROLE[person.role]}' with these filters) "
                "and nothing else is waiting for them; nothing was written."
            )
        options = {(r["id"], person.id): (request.include_mood, request.redact) for r in rows}
        # One transaction: a file that cannot be written leaves no share recorded.
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO entry_share(entry_id, person_id, active, allow_identifiers, version) "
                "VALUES (?, ?, 1, ?, 0) ON CONFLICT(entry_id, person_id) DO UPDATE SET "
                "active = 1, allow_identifiers = max(allow_identifiers, "
                "excluded.allow_identifiers), entry_updated = NULL",
                [(r["id"], person.id, int(allow_identifiers)) for r in rows],
            )
            written = self.route.write(person, out, options, empty)
        return plan, written

    def feedback(self, to: str, out: str | Path, include_sent: bool = False) -> Written:
        person = self.sharing.contacts.get(to)
        with self.db.transaction():
            if include_sent:
                self.route.requeue_comments(person)
            return self.route.write(
                person,
                out,
                None,
                f"There are no new comments for {person.name} and nothing else is waiting "
                "for them; nothing was written (add --all to send every comment again).",
            )
