"""Coaching through the exchange: the programme copy, session summaries with the coachee's
actions, and "what I want to bring".

The coach or mentor chooses what travels ("Send a copy", "Send summary"); after that its
changes follow at every sync (``exchange/items.py``). What arrives from one's coach is kept
apart from one's own writing: a summary is a ``session_note`` of origin ``received``, its
actions are ordinary actions owned by me (so they have due dates and come up in reminders)
that remember who set them (``from_id``). The coachee's "what I want to bring" goes the other
way and shows in the coach's prep brief, counted by when it arrived.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.exchange import items
from reflectjournal.services.exchange.kinds import MAX_BRING, MAX_SUMMARY
from reflectjournal.services.sharing.crypto import utc_timestamp
from reflectjournal.services.sharing.identity import Contact
from reflectjournal.services.sharing.service import SharingService
from reflectjournal.storage.database import Database


@dataclass(frozen=True)
class ActionCopy:
    id: int
    uid: str
    text: str
    due: str | None
    status: str


@dataclass(frozen=True)
class SessionSummary:
    id: int
    uid: str
    person_id: int
    person: str  # the coachee it went to, or the coach it came from
    session_id: int | None
    date: str
    summary: str
    origin: str  # mine | received
    updated: str
    actions: tuple[ActionCopy, ...]
    received: str | None  # mine: when the newest version arrived there


@dataclass(frozen=True)
class BringItem:
    id: int
    uid: str
    person_id: int
    person: str
    text: str
    origin: str  # mine | received
    written: str
    arrived: str | None  # received: when it arrived here (the prep brief's period)
    received: str | None  # mine: when it arrived there


@dataclass(frozen=True)
class Delivery:
    """Where one chosen item stands: queued at version N, received or not yet."""

    person: str
    version: int
    queued: str | None
    received: str | None


class CoachingExchange:
    def __init__(self, db: Database, sharing: SharingService):
        self.db = db
        self.sharing = sharing

    def can_reach(self, person: str | int) -> bool:
        """Whether ``person`` has keys here, so anything can travel to them."""
        return bool(
            self.db.scalar(
                "SELECT fingerprint FROM person WHERE id = ?", (self._person_id(person),)
            )
        )

    def latest_session(self, person: str | int) -> int | None:
        """The latest session held with ``person`` (not one still to come)."""
        from reflectjournal.services.timeutil import now_utc

        found = self.db.scalar(
            "SELECT id FROM coaching_session WHERE person_id = ? AND date <= ? "
            "ORDER BY date DESC, id DESC LIMIT 1",
            (self._person_id(person), now_utc().isoformat()),
        )
        return int(found) if found is not None else None

    # ---- the programme copy ------------------------------------------------------------------

    def send_programme(self, person: str | int) -> Delivery:
        """The agreement and shared goals with ``person`` go to them, and follow every change."""
        who = self.sharing.contacts.get(person)
        agreement = self.db.query_one("SELECT origin FROM agreement WHERE person_id = ?", (who.id,))
        shared_goals = self.db.scalar(
            "SELECT count(*) FROM goal WHERE person_id = ? AND shared = 1 AND origin = 'mine'",
            (who.id,),
        )
        if (agreement is None or agreement["origin"] != "mine") and not shared_goals:
            raise UsageError(
                f"There is no agreement or shared goal of yours with {who.name} to send; "
                "set one with 'agreement set' or 'goal add' first."
            )
        with self.db.transaction():
            items.choose(self.db, "programme", who.uid, who.id)
        return self._delivery("programme", who.uid, who)

    def programme_delivery(self, person: str | int) -> Delivery | None:
        """Where the copy for ``person`` stands; None when it was never chosen to go."""
        who = self.sharing.contacts.get(person)
        if not self.db.scalar(
            "SELECT 1 FROM exchange_item WHERE kind = 'programme' AND ref = ? AND person_id = ?",
            (who.uid, who.id),
        ):
            return None
        return self._delivery("programme", who.uid, who)

    def _delivery(self, kind: str, ref: str, who: Contact) -> Delivery:
        row = self.db.query_one(
            "SELECT version, queued, received FROM exchange_item WHERE kind = ? AND ref = ? "
            "AND person_id = ?",
            (kind, ref, who.id),
        )
        if row is None:
            return Delivery(who.name, 0, None, None)
        return Delivery(who.name, row["version"], row["queued"], row["received"])

    # ---- session summaries -------------------------------------------------------------------

    def send_summary(
        self, session_id: int | str, summary: str, *, allow_identifiers: bool = False
    ) -> SessionSummary:
        """Send (or correct) the summary of a session to the coachee, with the actions they
        own from it; later changes to those actions follow at each sync."""
        session = self._session(session_id)
        text = check_text(summary, "The summary").strip()
        if not text:
            raise UsageError("Write the summary to send; it cannot be empty.")
        if len(text) > MAX_SUMMARY:
            raise UsageError(f"A session summary is limited to {MAX_SUMMARY} characters.")
        if session["person_id"] is None:
            raise UsageError("This session is not with anyone, so there is nobody to send it to.")
        who = self.sharing.contacts.get(session["person_id"])
        from reflectjournal.services.privacy.service import PrivacyService

        PrivacyService(self.db).guard_text(text, (), allow_identifiers, "session summary")
        now = utc_timestamp()
        held = self.db.query_one(
            "SELECT uid FROM session_note WHERE session_id = ? AND origin = 'mine'",
            (session["id"],),
        )
        with self.db.transaction():
            if held is None:
                uid = uuid.uuid4().hex
                self.db.execute(
                    "INSERT INTO session_note(uid, person_id, session_id, date, summary, origin, "
                    "created, updated) VALUES (?, ?, ?, ?, ?, 'mine', ?, ?)",
                    (uid, who.id, session["id"], session["day"], text, now, now),
                )
            else:
                uid = held["uid"]
                self.db.execute(
                    "UPDATE session_note SET summary = ?, date = ?, updated = ? WHERE uid = ?",
                    (text, session["day"], now, uid),
                )
            items.choose(self.db, "session", uid, who.id)
        return self._summaries("n.uid = ?", (uid,))[0]

    def _session(self, session_id: int | str) -> Any:
        try:
            number = int(session_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{session_id}' is not a session id; ids are numbers.") from None
        row = self.db.query_one(
            "SELECT id, person_id, substr(date, 1, 10) AS day FROM coaching_session WHERE id = ?",
            (number,),
        )
        if row is None:
            raise NotFound(
                f"There is no session {session_id}; 'reflectjournal session list' shows the ids."
            )
        return row

    def summaries(
        self, person: str | int | None = None, *, origin: str | None = None
    ) -> list[SessionSummary]:
        """Summaries sent or received, newest session first."""
        clauses: list[str] = ["1"]
        params: list[Any] = []
        if person is not None:
            clauses.append("n.person_id = ?")
            params.append(self._person_id(person))
        if origin is not None:
            clauses.append("n.origin = ?")
            params.append(origin)
        return self._summaries(" AND ".join(clauses), params)

    def _summaries(self, where: str, params: Any) -> list[SessionSummary]:
        rows = self.db.query(
            "SELECT n.*, p.name AS person_name, x.received AS delivered FROM session_note n "
            "JOIN person p ON p.id = n.person_id LEFT JOIN exchange_item x ON x.kind = 'session' "
            f"AND x.ref = n.uid AND x.person_id = n.person_id WHERE {where} "
            "ORDER BY n.date DESC, n.id DESC",
            params,
        )
        result = []
        for r in rows:
            if r["origin"] == "received":
                actions = self.db.query(
                    "SELECT id, uid, text, due, status FROM action WHERE note_uid = ? "
                    "AND from_id = ? ORDER BY due IS NULL, due, id",
                    (r["uid"], r["person_id"]),
                )
            else:
                actions = self.db.query(
                    "SELECT id, uid, text, due, status FROM action WHERE session_id = ? "
                    "AND owner_id = ? AND status != 'dropped' ORDER BY id",
                    (r["session_id"], r["person_id"]),
                )
            result.append(
                SessionSummary(
                    id=r["id"],
                    uid=r["uid"],
                    person_id=r["person_id"],
                    person=r["person_name"],
                    session_id=r["session_id"],
                    date=r["date"],
                    summary=r["summary"],
                    origin=r["origin"],
                    updated=r["updated"],
                    actions=tuple(
                        ActionCopy(a["id"], a["uid"], a["text"], a["due"], a["status"])
                        for a in actions
                    ),
                    received=r["delivered"],
                )
            )
        return result

    # ---- what I want to bring ----------------------------------------------------------------

    def bring(self, person: str | int, text: str) -> BringItem:
        """Something to bring to the next session with ``person`` (it goes at the next sync)."""
        who = self.sharing.contacts.get(person)
        text = check_text(text, "What you want to bring").strip()
        if not text:
            raise UsageError("Say what you want to bring; it cannot be empty.")
        if len(text) > MAX_BRING:
            raise UsageError(f"What you want to bring is limited to {MAX_BRING} characters.")
        uid = uuid.uuid4().hex
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO bring_item(uid, person_id, text, origin, written) "
                "VALUES (?, ?, ?, 'mine', ?)",
                (uid, who.id, text, utc_timestamp()),
            )
            items.choose(self.db, "bring", uid, who.id)
        return self._bring_items("b.uid = ?", (uid,))[0]

    def remove_bring(self, item_id: int | str) -> BringItem:
        """Take back something I wanted to bring (it disappears from their brief too)."""
        item = self._bring_item(item_id)
        if item.origin != "mine":
            raise UsageError(
                "That item was sent to you; only the person who wrote it can remove it."
            )
        with self.db.transaction():
            self.db.execute("DELETE FROM bring_item WHERE id = ?", (item.id,))
        return item

    def _bring_item(self, item_id: int | str) -> BringItem:
        try:
            number = int(item_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{item_id}' is not an item id; ids are numbers.") from None
        found = self._bring_items("b.id = ?", (number,))
        if not found:
            raise NotFound(f"There is no item {item_id}; 'reflectjournal bring list' shows them.")
        return found[0]

    def bring_items(
        self, person: str | int | None = None, *, since: str | None = None
    ) -> list[BringItem]:
        """Items to bring, in the order they were written; ``since`` (ISO UTC) keeps received ones that arrived
        after it and mine written after it."""
        clauses: list[str] = ["1"]
        params: list[Any] = []
        if person is not None:
            clauses.append("b.person_id = ?")
            params.append(self._person_id(person))
        found = self._bring_items(" AND ".join(clauses), params)
        if since is None:
            return found
        return [b for b in found if _iso(b.arrived or b.written) > _iso(since)]

    def _bring_items(self, where: str, params: Any) -> list[BringItem]:
        rows = self.db.query(
            "SELECT b.*, p.name AS person_name, x.received AS delivered FROM bring_item b "
            "JOIN person p ON p.id = b.person_id LEFT JOIN exchange_item x ON x.kind = 'bring' "
            f"AND x.ref = b.uid AND x.person_id = b.person_id WHERE {where} "
            "ORDER BY b.written, b.text, b.id",
            params,
        )
        return [
            BringItem(
                r["id"],
                r["uid"],
                r["person_id"],
                r["person_name"],
                r["text"],
                r["origin"],
                r["written"],
                r["arrived"],
                r["delivered"],
            )
            for r in rows
        ]

    def _person_id(self, person: str | int) -> int:
        from reflectjournal.services.people import PeopleService

        return PeopleService(self.db).get(person).id


def _iso(stamp: str) -> str:
    """Exchange stamps end in Z, session dates in +00:00: compare them as one form."""
    from datetime import UTC, datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).isoformat()
