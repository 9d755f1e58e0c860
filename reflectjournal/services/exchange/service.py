"""The exchange as the CLI and GUI see it: where to meet, share with people, and sync.

One sync, per place: check its marker (refuse a moved or emptied place), list[Any] it once, apply
what is addressed to us, receipt it, prune what the other side confirmed, and publish what is
still unconfirmed and missing from the place (so a message deleted before it was read is sent
again). Every step is idempotent, so a sync cut short by a stopped server simply resumes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reflectjournal.errors import NotFound, PacketRejected, UsageError
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.crypto import utc_timestamp
from reflectjournal.services.sharing.identity import CardImport, Contact
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.storage.database import Database

from . import messages
from .file_route import FileExports, FileRoute
from .incoming import Incoming, applying_in_bulk
from .outgoing import Outgoing
from .places import Place, Places, PlaceSpec, open_store
from .store import MARKER_NAME, PlaceError, Store, check_marker

log = logging.getLogger(__name__)
APPLY_BATCH = 250


@dataclass(frozen=True)
class SyncResult:
    sent: int
    received: int
    pending: int
    errors: tuple[str, ...]


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    active: bool
    queued: str | None
    sent: str | None
    received: str | None
    held: str | None


@dataclass(frozen=True)
class Accepted:
    name: str
    fingerprint: str
    status: CardImport  # what accepting did to the contact
    place: str | None  # the place set up to meet them, in words
    verified: str | None = None  # when the fingerprint was compared and matched


@dataclass(frozen=True)
class PlaceSet:
    place: Place
    created: bool  # True: this journal started the exchange (wrote the marker)


class ExchangeService:
    def __init__(self, db: Database, sharing: SharingService):
        self.db = db
        self.sharing = sharing
        self.places = Places(db)
        self.outgoing = Outgoing(db, sharing)
        #: Opens a place's store; tests and device sync may substitute their own.
        self.open_store: Callable[[PlaceSpec], Store] = open_store
        # Places whose marker was read and matched in this session: later syncs only check
        # that the listing still has it, so a sync with nothing new is one listing per place.
        self._verified: set[tuple[int, str]] = set()

    @cached_property
    def file_route(self) -> FileRoute:
        """The same messages carried as files (e-mail, USB)."""
        return FileRoute(self.db, self.sharing, self.outgoing)

    @cached_property
    def file_exports(self) -> FileExports:
        return FileExports(self.file_route)

    # ---- where to meet -------------------------------------------------------------------

    def set_place(
        self, spec: PlaceSpec, person: str | None = None, expected_place_id: str | None = None
    ) -> PlaceSet:
        who = self.sharing.contacts.get(person) if person else None
        store = self.open_store(spec)
        place, created = self.places.set(spec, who, expected_place_id, store=store)
        return PlaceSet(place, created)

    # ---- pairing (pairing.py) ------------------------------------------------------------

    def invite(self, role_hint: str | None = None) -> str:
        """An invitation text block: my contact card and the place everyone meets me in."""
        from .pairing import invite

        return invite(self, role_hint)

    def accept(
        self,
        text: str,
        role: str | None = None,
        override: PlaceSpec | None = None,
        fingerprint: str | None = None,
    ) -> Accepted:
        """Add the inviting contact and meet them in the invitation's place (pairing.py)."""
        from .pairing import accept

        return accept(self, text, role, override, fingerprint)

    # ---- sharing with people -------------------------------------------------------------

    def _entry(self, entry_id: int | str) -> dict[str, Any]:
        try:
            number = int(entry_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{entry_id}' is not an entry id; ids are numbers.") from None
        row = self.db.query_one("SELECT id, kind, title FROM entry WHERE id = ?", (number,))
        if row is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        if row["kind"] == "shared":
            raise UsageError("This entry was shared with you; only its author can share it on.")
        return dict(zip(row.keys(), tuple(row), strict=True))

    def share(
        self, entry_id: int | str, people: list[str], allow_identifiers: bool = False
    ) -> tuple[Recipient, ...]:
        """Share one entry with people (it travels at the next sync)."""
        entry = self._entry(entry_id)
        if not people:
            raise UsageError("Say who to share it with: --with NAME (repeatable).")
        persons = [self.sharing.contacts.get(p) for p in people]
        with self.db.transaction():
            for person in persons:
                self.db.execute(
                    "INSERT INTO entry_share(entry_id, person_id, active, allow_identifiers, "
                    "version) VALUES (?, ?, 1, ?, 0) ON CONFLICT(entry_id, person_id) DO UPDATE "
                    "SET active = 1, allow_identifiers = excluded.allow_identifiers, "
                    "entry_updated = NULL",
                    (entry["id"], person.id, int(allow_identifiers)),
                )
        self.outgoing.queue_changes()
        return self.recipients(entry["id"])

    def unshare(self, entry_id: int | str, person: str) -> tuple[Recipient, ...]:
        entry = self._entry(entry_id)
        who = self.sharing.contacts.get(person)
        if not self.outgoing.withdraw(entry["id"], who):
            raise UsageError(f"This entry is not shared with {who.name}; nothing changed.")
        return self.recipients(entry["id"])

    def withdraw_everywhere(self, entry_id: int) -> int:
        """Queue the withdrawal of an entry from everyone it went to (it is being deleted)."""
        rows = self.db.query(
            "SELECT person_id FROM entry_share WHERE entry_id = ? AND active = 1", (entry_id,)
        )
        people = [self.sharing.contacts.get(int(r["person_id"])) for r in rows]
        return sum(self.outgoing.withdraw(entry_id, person) for person in people)

    def recipients(self, entry_id: int) -> tuple[Recipient, ...]:
        rows = self.db.query(
            "SELECT s.person_id, p.name, s.active, s.queued, s.sent, s.received, s.held "
            "FROM entry_share s JOIN person p ON p.id = s.person_id WHERE s.entry_id = ? "
            "ORDER BY p.name COLLATE NOCASE",
            (entry_id,),
        )
        return tuple(
            Recipient(
                r["person_id"],
                r["name"],
                bool(r["active"]),
                r["queued"],
                r["sent"],
                r["received"],
                r["held"],
            )
            for r in rows
        )

    # ---- status --------------------------------------------------------------------------

    def status(self) -> str:
        """The outbox in one sentence, for the status bar and `exchange status`."""
        places = self.places.all()
        waiting = self.pending()
        items = f"{waiting} item{'s' if waiting != 1 else ''} waiting"
        if not places:
            if waiting:
                return f"No place to meet is set up; {items}."
            return "No place to meet is set up; entries travel only as files."
        down = [p for p in places if p.unreachable_since]
        if down:
            place = down[0]
            owner = f"{place.person_name}'s" if place.person_name else "The shared"
            noun = {"folder": "folder", "webdav": "WebDAV folder", "s3": "S3 bucket"}[
                place.spec.kind
            ]
            since = _local_time(place.unreachable_since or "")
            return f"{owner} {noun} has been unreachable since {since}; {items}."
        if waiting:
            return f"{items.capitalize()} for the other side to receive {'them' if waiting != 1 else 'it'}."
        synced = [p.last_sync for p in places if p.last_sync is not None]
        if not synced:
            return "Ready to sync; nothing has been sent yet."
        return f"Up to date (last sync {_local_time(max(synced))})."

    # ---- sync ----------------------------------------------------------------------------

    def pending(self) -> int:
        return self.db.scalar("SELECT count(*) FROM outbox WHERE received IS NULL") or 0

    def sync(self) -> SyncResult:
        errors: list[str] = list(self.outgoing.queue_changes())
        self.outgoing.queue_comments()
        self.outgoing.queue_items()
        contacts = self.sharing.contacts.list()
        by_place: dict[int, tuple[Place, list[Contact]]] = {}
        for contact in contacts:
            place = self.places.for_person(contact.id)
            if place is not None:
                by_place.setdefault(place.id, (place, []))[1].append(contact)
        if not by_place:
            if self.pending():
                errors.append(
                    "No place to meet is set up, so nothing was sent; choose one with "
                    "`exchange set --folder DIR` (or --webdav / --s3)."
                )
        tally = {"sent": 0, "received": 0}  # counted as it happens: a cut-short sync counts too
        for place, people in by_place.values():
            try:
                problems = self._sync_place(place, people, tally)
            except PlaceError as exc:
                self.places.record(place, str(exc))
                errors.append(str(exc))
                continue
            errors.extend(problems)
            self.places.record(place, None)
        return SyncResult(tally["sent"], tally["received"], self.pending(), tuple(errors))

    def _sync_place(self, place: Place, people: list[Contact], tally: dict[str, int]) -> list[str]:
        store = self.open_store(place.spec)
        try:
            names = set(store.list())
            key = (place.id, place.place_id)
            if key not in self._verified or MARKER_NAME not in names:
                check_marker(store, place.place_id)
                self._verified.add(key)
            me = self.sharing.identity.get()
            my_name = self.sharing.identity.require_name()
            signers = self.sharing.contacts.known_signers()
            incoming = Incoming(self.db, self.sharing)
            problems: list[str] = []
            # Names by mailbox, once: each person's share of a big place is then found
            # without reading every name again (40 coachees x 500 messages).
            by_box: dict[str, list[tuple[str, str]]] = {}
            for name in sorted(names):
                if (parts := messages.split_name(name)) is not None:
                    by_box.setdefault(parts[0], []).append((name, parts[1]))
            for person in people:
                inbox = messages.mailbox(me, person.keys.enc, me.fingerprint)
                outbox = messages.mailbox(me, person.keys.enc, person.fingerprint)
                found = self._receive(
                    store,
                    names,
                    (outbox, by_box.get(inbox, [])),
                    person,
                    (me, signers),
                    incoming,
                    problems,
                    tally,
                )
                self._send_receipts(store, names, outbox, found, person, me, my_name)
                self._publish(store, names, outbox, person, tally)
            return problems
        finally:
            store.close()

    def _receive(
        self,
        store: Store,
        names: set[str],
        boxes: tuple[str, list[tuple[str, str]]],
        person: Contact,
        keys: tuple[Any, dict[str, bytes]],
        incoming: Incoming,
        problems: list[str],
        tally: dict[str, int],
    ) -> list[str]:
        """Apply what is in our inbox from ``person`` (``boxes``: our outbox to them, and
        the (name, message id) pairs listed in our inbox from them)."""
        outbox, mine = boxes
        applied = {
            r[0]
            for r in self.db.query("SELECT message_id FROM inbox WHERE person_id = ?", (person.id,))
        }
        todo = [(name, mid) for name, mid in mine if mid not in applied]
        for start in range(0, len(todo), APPLY_BATCH):
            opened = self._fetch(store, todo[start : start + APPLY_BATCH], person, keys, problems)
            # One transaction per batch: each message and its inbox record stay together, and
            # a thousand messages cost one commit, not a thousand.
            pruned: list[str] = []
            with self.db.transaction(), applying_in_bulk(self.db, incoming):
                for name, message in opened:
                    confirmed = incoming.apply(message, person)
                    if message.type == "receipt":
                        pruned += [messages.object_name(outbox, m) for m in confirmed] + [name]
                    else:
                        tally["received"] += 1
                self.db.execute(
                    "DELETE FROM outbox WHERE person_id = ? AND received IS NOT NULL",
                    (person.id,),
                )
            for name in pruned:  # what both sides hold leaves the place; receipts once read
                store.delete(name)
                names.discard(name)
        return [mid for _, mid in mine]

    def _fetch(
        self,
        store: Store,
        batch: list[tuple[str, str]],
        person: Contact,
        keys: tuple[Any, dict[str, bytes]],
        problems: list[str],
    ) -> list[tuple[str, messages.Message]]:
        me, signers = keys
        wrap_key = messages.place_key(me, person.keys.enc)
        opened = []
        for name, message_id in batch:
            data = store.get(name)
            if data is None:
                continue  # pruned by the other side meanwhile
            try:
                if not data.startswith(packets.MAGIC):  # unwrapped: written before wrapping
                    data = messages.unwrap(wrap_key, name, data)
                message = messages.open_message(data, me, signers)
                if (
                    message.message_id != message_id
                    or message.sender_fingerprint != person.fingerprint
                ):
                    raise PacketRejected(
                        "This message is not from the person whose mailbox it was in, so it "
                        "was refused."
                    )
            except PacketRejected as exc:
                if getattr(exc, "reason", "") == "truncated":
                    log.info("skipped a message still being written")
                    continue  # half-written (still syncing): left alone, tried next time
                problems.append(f"A message from {person.name} was refused: {exc}")
                continue
            opened.append((name, message))
        return opened

    def _send_receipts(
        self,
        store: Store,
        names: set[str],
        outbox: str,
        found: list[str],
        person: Contact,
        me: Any,
        my_name: str,
    ) -> None:
        """Receipt every message of theirs still in the place whose receipt is not there."""
        if not found:
            return
        wrap_key = messages.place_key(me, person.keys.enc)
        rows = self.db.query(
            "SELECT message_id, applied, receipt_id FROM inbox WHERE person_id = ? "
            "AND kind != 'receipt'",
            (person.id,),
        )
        listed = set(found)
        due = [
            [r["message_id"], r["applied"]]
            for r in rows
            if r["message_id"] in listed
            and (
                r["receipt_id"] is None
                or messages.object_name(outbox, r["receipt_id"]) not in names
            )
        ]
        for start in range(0, len(due), messages.MAX_RECEIPT_IDS):
            chunk = due[start : start + messages.MAX_RECEIPT_IDS]
            receipt_id = messages.new_message_id()
            sealed = messages.seal(
                {"type": "receipt", "ids": chunk}, me, my_name, person.keys, receipt_id
            )
            name = messages.object_name(outbox, receipt_id)
            store.put_if_absent(name, messages.wrap(wrap_key, name, sealed))
            names.add(name)
            with self.db.transaction():
                self.db.executemany(
                    "UPDATE inbox SET receipt_id = ? WHERE message_id = ?",
                    [(receipt_id, m) for m, _ in chunk],
                )

    def _publish(
        self,
        store: Store,
        names: set[str],
        outbox: str,
        person: Contact,
        tally: dict[str, int],
    ) -> None:
        rows = self.db.query(
            "SELECT message_id, kind, ref, version, sealed, published, publisher FROM outbox "
            "WHERE person_id = ? AND received IS NULL ORDER BY created, message_id",
            (person.id,),
        )
        device = self._device()
        me = self.sharing.identity.get()
        wrap_key = messages.place_key(me, person.keys.enc)
        done: list[Any] = []
        try:
            for row in rows:
                name = messages.object_name(outbox, row["message_id"])
                if name in names:
                    continue
                if row["published"] and row["publisher"] not in (None, device):
                    # Stored by another device of this journal (device sync): gone from the
                    # place means the other side took it, or that device will store it again.
                    continue
                if store.put_if_absent(name, messages.wrap(wrap_key, name, bytes(row["sealed"]))):
                    tally["sent"] += 1
                names.add(name)
                done.append(row)
                if len(done) >= APPLY_BATCH:
                    self._record_published(done, person)
        finally:  # also when the place stops answering half way: what went out is recorded
            self._record_published(done, person)

    def _device(self) -> str | None:
        """This device's id when the journal syncs with other devices (else None)."""
        found = self.db.scalar("SELECT device_id FROM sync_state WHERE id = 1")
        return str(found) if found is not None else None

    def _record_published(self, done: list[Any], person: Contact) -> None:
        now = utc_timestamp()
        device = self._device()
        with self.db.transaction():
            for row in done:
                self._published(row, person, now, device)
        done.clear()

    def _published(self, row: Any, person: Contact, now: str, device: str | None = None) -> None:
        self.db.execute(
            "UPDATE outbox SET published = ?, publisher = ? WHERE message_id = ?",
            (now, device, row["message_id"]),
        )
        if row["kind"] in ("entry", "withdraw"):
            self.db.execute(
                "UPDATE entry_share SET sent = coalesce(sent, ?) WHERE entry_id = ? "
                "AND person_id = ? AND version = ?",
                (now, int(row["ref"]), person.id, row["version"]),
            )


def _local_time(iso: str) -> str:
    from datetime import datetime

    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    today = datetime.now().astimezone().date()
    return when.strftime("%H:%M") if when.date() == today else when.strftime("%-d %b %H:%M")
