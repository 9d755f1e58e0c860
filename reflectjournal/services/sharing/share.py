"""Choosing what a mentor or coach may see (the file route's selection and preview), the
entry item every exchange message carries, and reading share packets from before the exchange.

What leaves (payload ``entries``): a per-recipient opaque id, title, body, the local date
only, public tags, the reflection model and its sections, mood/energy only when asked, and a
keyed binding of the content hash that feedback comes back against. Never: internal ids, uids,
exact times, private tags, other entries.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services import privacy
from reflectjournal.services.frameworks import reflection_models
from reflectjournal.services.journal import JournalService
from reflectjournal.services.privacy.service import PrivacyService
from reflectjournal.services.sharing.identity import Contact, Contacts, IdentityStore
from reflectjournal.services.sharing.received import Carrier, EntryOutcome, Received
from reflectjournal.services.tags import ensure_tags
from reflectjournal.services.timeutil import from_storage, now_utc
from reflectjournal.storage.database import Database, Row

PAYLOAD_FORMAT = "reflectjournal-share"
PAYLOAD_VERSION = 1
VISIBILITY_FOR_ROLE = {"mentor": "mentor", "coach": "coach"}
_OPAQUE_RE = re.compile(r"\A[0-9a-f]{32}\Z")
_HASH_RE = re.compile(r"\A[0-9a-f]{64}\Z")
_MALFORMED = "This packet's contents are not in the expected layout, so it was refused."


@dataclass
class ShareRequest:
    to: str
    tags: list[str] = field(default_factory=list)
    since: str | None = None  # UTC ISO lower bound, as EntryFilter has it
    include_mood: bool = False
    redact: bool = False  # replace every privacy finding with a marker before sealing


@dataclass(frozen=True)
class ShareFinding:
    """A likely patient identifier in an entry about to be shared."""

    entry: str  # the entry's title, to show where it is
    date: str  # the entry's day, as sent
    field: str  # title | body | section KEY
    kind: str  # privacy.KINDS
    label: str
    text: str
    context: str


@dataclass(frozen=True)
class SharePlan:
    """Exactly what would be sealed, and what the privacy check found in it."""

    person: Contact
    payload: dict[str, Any]
    findings: list[ShareFinding]
    messages: int = 0  # in the file written (new versions, withdrawals, comments, receipts)

    @property
    def count(self) -> int:
        return len(self.payload["entries"])


class ShareService:
    def __init__(
        self,
        db: Database,
        identity: IdentityStore,
        contacts: Contacts,
        names: Callable[[], list[str]],
    ) -> None:
        self.db = db
        self.identity = identity
        self.contacts = contacts
        self._sensitive_names = names  # callable → list of names

    # ---- sending -------------------------------------------------------------------------

    def plan(self, request: ShareRequest) -> SharePlan:
        person = self.contacts.get(request.to)
        visibility = VISIBILITY_FOR_ROLE.get(person.role)
        if visibility is None:
            raise UsageError(
                f"{person.name} is a {person.role}; entries are shared only with a mentor "
                "or a coach (change their role with contact import --role)."
            )
        recipient_fp = person.fingerprint
        names = self._sensitive_names()
        checker = PrivacyService(self.db)
        fine = checker.fine_names()
        entries: list[dict[str, Any]] = []
        findings: list[ShareFinding] = []
        for row in self._rows(visibility, request):
            item = self._outgoing(row, recipient_fp, request.include_mood)
            # The user's remembered choices for this entry (privacy.service): "redact" ones
            # are replaced before anything else, "fine" ones are not reported.
            checks = {"names": names, "choices": checker.choices(row["id"]), "fine": fine}
            item = _redacted(item, checks, chosen_only=True)
            hits = self._scan(item, checks)
            if request.redact and hits:
                item = _redacted(item, checks)
                hits = []
            findings.extend(hits)
            entries.append(item)
        payload = {"format": PAYLOAD_FORMAT, "version": PAYLOAD_VERSION, "entries": entries}
        return SharePlan(person=person, payload=payload, findings=findings)

    def _rows(self, visibility: str, request: ShareRequest) -> list[Any]:
        sql = (
            "SELECT e.id, e.uid, e.title, e.body, e.created, e.created_offset, e.mood, e.energy, "
            "e.model FROM entry e WHERE e.visibility = ? AND e.kind != 'shared'"
        )
        params: list[object] = [visibility]
        for tag in request.tags:
            from reflectjournal.services.tags import slugify

            sql += (
                " AND e.id IN (SELECT et.entry_id FROM entry_tag et JOIN tag t "
                "ON t.id = et.tag_id WHERE t.slug = ?)"
            )
            params.append(slugify(tag))
        if request.since:
            sql += " AND e.created >= ?"
            params.append(request.since)
        return self.db.query(sql + " ORDER BY e.created, e.id", params)

    def _outgoing(self, row: Row, recipient_fp: str, include_mood: bool) -> dict[str, Any]:
        tags = [
            r["slug"]
            for r in self.db.query(
                "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                "WHERE et.entry_id = ? AND t.private = 0 ORDER BY t.slug",
                (row["id"],),
            )
        ]
        sections = JournalService(self.db).sections(row["id"])
        local_day = from_storage(row["created"], row["created_offset"]).date().isoformat()
        item = {
            "id": self.identity.opaque_id(recipient_fp, row["uid"]),
            "title": row["title"],
            "body": row["body"],
            "date": local_day,
            "tags": tags,
            "model": row["model"],
            "sections": sections,
            "binding": self.identity.binding(
                recipient_fp, E.content_hash(row["title"], row["body"])
            ),
        }
        if include_mood:
            item["mood"], item["energy"] = row["mood"], row["energy"]
        return item

    @staticmethod
    def _scan(item: dict[str, Any], checks: dict[str, Any]) -> list[ShareFinding]:
        hits = []
        fields = [("title", item["title"]), ("body", item["body"])]
        # A model entry's sections are cut from its body: report a hit once, not twice.
        fields += [
            (f"section {k}", v) for k, v in item["sections"].items() if v not in item["body"]
        ]
        for where, text in fields:
            for f in _findings(text, checks):
                hits.append(
                    ShareFinding(
                        item["title"], item["date"], where, f.kind, f.label, f.text, f.context
                    )
                )
        return hits

    # ---- receiving -----------------------------------------------------------------------

    def receive(self, path: str | Path) -> Received:
        """Receive an old share packet (from before the exchange)."""
        opened, sender = self.contacts.open_packet_file(path, "share")
        items = _validated_entries(opened.payload)

        def received(outcomes: list[tuple[str, EntryOutcome]], again: bool) -> Received:
            return Received(
                sender.name,
                opened.sender_fingerprint,
                Carrier.SHARE_PACKET,
                tuple(outcomes),
                already_imported=again,
                packet=opened.packet_id,
            )

        if self.db.scalar(
            "SELECT count(*) FROM packet_log WHERE packet_id = ? AND direction = 'in'",
            (opened.packet_id,),
        ):
            return received([(item["id"], EntryOutcome.UNCHANGED) for item in items], True)
        newest = self.db.scalar(
            "SELECT max(created) FROM packet_log WHERE direction = 'in' AND kind = 'share' "
            "AND person_id = ?",
            (sender.id,),
        )
        # An older packet arriving late may add entries but never rolls back newer text.
        stale = newest is not None and opened.created < newest
        models = reflection_models()
        outcomes: list[tuple[str, EntryOutcome]] = []
        with self.db.transaction():
            for item in items:
                outcomes.append((item["id"], self._store(item, sender.id, models, stale)))
            self.db.execute(
                "INSERT INTO packet_log(packet_id, direction, kind, person_id, seq, created) "
                "VALUES (?, 'in', 'share', ?, NULL, ?)",
                (opened.packet_id, sender.id, opened.created),
            )
        return received(outcomes, False)

    def _store(
        self, item: dict[str, Any], sender_id: int, models: dict[str, Any], stale: bool
    ) -> EntryOutcome:
        key = "share:" + item["id"]
        model = item["model"] if item["model"] in models else None
        existing = self.db.query_one(
            "SELECT id, title, body, created, origin_hash, mood, energy, model FROM entry "
            # "+kind": look up by the import key's index, not by kind (every shared entry).
            "WHERE import_key = ? AND sender_id = ? AND +kind = 'shared'",
            (key, sender_id),
        )
        created = f"{item['date']}T12:00:00+00:00"  # the sender sent a day, not a time
        values = (item["title"], item["body"], created, item.get("mood"), item.get("energy"))
        if existing is not None:
            same = (
                existing["origin_hash"] == item["binding"]
                and (existing["created"], existing["mood"], existing["energy"])
                == (created, item.get("mood"), item.get("energy"))
                and self._tags(existing["id"]) == sorted(set(item["tags"]))
            )
            if same or stale:
                return EntryOutcome.UNCHANGED
            entry_id = existing["id"]
            self.db.execute(
                "UPDATE entry SET title = ?, body = ?, created = ?, mood = ?, energy = ?, "
                "model = ?, origin_hash = ?, updated = ? WHERE id = ?",
                (*values, model, item["binding"], now_utc().isoformat(), entry_id),
            )
            self.db.execute("DELETE FROM entry_tag WHERE entry_id = ?", (entry_id,))
            outcome = EntryOutcome.UPDATED
        else:
            entry_id = self.db.execute(
                "INSERT INTO entry(uid, kind, title, body, created, created_offset, updated, "
                "mood, energy, visibility, model, starred, sender_id, origin_hash, import_key) "
                "VALUES (?, 'shared', ?, ?, ?, 0, ?, ?, ?, 'private', ?, 0, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    item["title"],
                    item["body"],
                    created,
                    now_utc().isoformat(),
                    item.get("mood"),
                    item.get("energy"),
                    model,
                    sender_id,
                    item["binding"],
                    key,
                ),
            ).lastrowid
            outcome = EntryOutcome.ADDED
        tag_ids = ensure_tags(self.db, item["tags"])
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_tag(entry_id, tag_id, source) VALUES (?, ?, 'shared')",
            [(entry_id, t) for t in tag_ids],
        )
        self.db.execute("DELETE FROM entry_section WHERE entry_id = ?", (entry_id,))
        order = {s.key: i for i, s in enumerate(models[model].sections)} if model else {}
        self.db.executemany(
            "INSERT INTO entry_section(entry_id, key, position, body) VALUES (?, ?, ?, ?)",
            [(entry_id, k, order.get(k, 99), v) for k, v in item["sections"].items()],
        )
        return outcome

    def _tags(self, entry_id: int) -> list[str]:
        return sorted(
            r[0]
            for r in self.db.query(
                "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                "WHERE et.entry_id = ?",
                (entry_id,),
            )
        )


def _findings(text: str, checks: dict[str, Any]) -> list[privacy.Finding]:
    return privacy.scan(text, checks["names"], choices=checks["choices"], fine_names=checks["fine"])


def _redacted(
    item: dict[str, Any], checks: dict[str, Any], chosen_only: bool = False
) -> dict[str, Any]:
    """The item with its findings replaced: all of them, or only those chosen "redact"."""

    def clean(text: str) -> str:
        found = _findings(text, checks)
        if chosen_only:
            return privacy.apply_choices(text, found)[0]
        return privacy.redact(text, found)

    out = dict(item)
    out["title"] = clean(item["title"])
    out["body"] = clean(item["body"])
    out["sections"] = {k: clean(v) for k, v in item["sections"].items()}
    return out


def _validated_entries(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload's entries, checked field by field: a signed packet is still outside input."""
    bad = PacketRejected(_MALFORMED)
    if payload.get("format") != PAYLOAD_FORMAT or payload.get("version") != PAYLOAD_VERSION:
        raise bad
    entries = payload.get("entries")
    if not isinstance(entries, list):
        raise bad
    seen: set[str] = set()
    for item in entries:
        if not isinstance(item, dict):
            raise bad
        strings = ("id", "title", "body", "date", "binding")
        if not all(isinstance(item.get(k), str) for k in strings):
            raise bad
        if not _OPAQUE_RE.match(item["id"]) or not _HASH_RE.match(item["binding"]):
            raise bad
        if item["id"] in seen:
            raise bad
        seen.add(item["id"])
        try:
            date.fromisoformat(item["date"])
            E.check_text(item["title"], "A shared title")
            E.check_text(item["body"], "A shared entry")
        except (ValueError, UsageError):
            raise bad from None
        tags, sections = item.get("tags"), item.get("sections")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise bad
        if not isinstance(sections, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in sections.items()
        ):
            raise bad
        if item.get("model") is not None and not isinstance(item["model"], str):
            raise bad
        for scale in ("mood", "energy"):
            value = item.get(scale)
            if value is not None and (type(value) is not int or not 1 <= value <= 5):
                raise bad
    return entries
