"""Programmes: the agreement of a coaching or mentoring relationship and its goals.

One agreement per person (the other party of the relationship), contracted at the start
(EMCC/ICF practice): how many sessions, how often, what stays confidential and where that
ends, who sponsors it, when it starts, is reviewed and ends, and that either side may end it
without blame. Goals belong to the same relationship and are rated over time on the 0-10
scaling question coaches ask ("where are you now?").

Agreements and goals carry a ``uid`` and an ``updated`` time so a copy can travel to the other
party and be applied newest-wins; ``origin`` tells a copy received from there from our own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from types import EllipsisType
from typing import Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.people import PeopleService, Person
from reflectjournal.services.timeutil import now_utc, parse_date
from reflectjournal.storage.database import Database, Row

KINDS = ("coaching", "mentoring")
GOAL_STATUSES = ("active", "achieved", "dropped")
RATING_MIN, RATING_MAX = 0, 10
TEXT_MAX = 2000

# Wording offered when an agreement is first set; every clause can be rewritten.
DEFAULT_CONFIDENTIALITY = (
    "What we discuss stays between us. Notes are kept encrypted on the practitioner's own "
    "machine and are shared with nobody without the client's agreement."
)
DEFAULT_LIMITS = (
    "Confidentiality ends where someone is at risk of serious harm, where the law requires "
    "disclosure, or where patient safety or fitness to practise is at stake; we would talk "
    "about it first wherever we can."
)
DEFAULT_NO_FAULT = (
    "Either of us may end the relationship at any time, without giving a reason and without "
    "blame; we will try to close it with a final conversation."
)


@dataclass(frozen=True)
class Agreement:
    id: int
    uid: str
    person_id: int
    person: str
    kind: str
    sessions: int | None
    frequency: str
    confidentiality: str
    limits: str
    sponsor: str
    sponsor_consent: bool
    start: str | None
    review: str | None
    until: str | None
    no_fault: str
    ended: str | None
    end_review: str
    origin: str
    updated: str

    @property
    def active(self) -> bool:
        return self.ended is None


@dataclass(frozen=True)
class GoalRating:
    value: int
    date: str
    note: str


@dataclass(frozen=True)
class Goal:
    id: int
    uid: str
    person_id: int
    person: str
    text: str
    status: str
    shared: bool
    origin: str
    created: str
    closed: str | None
    ratings: tuple[GoalRating, ...]

    @property
    def first(self) -> GoalRating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def latest(self) -> GoalRating | None:
        return self.ratings[-1] if self.ratings else None


class ProgrammeService:
    def __init__(self, db: Database, people: PeopleService):
        self.db = db
        self.people = people

    # ---- agreements -------------------------------------------------------------------------

    def set_agreement(
        self,
        person: str | int,
        *,
        kind: str | None = None,
        sessions: int | None | EllipsisType = ...,
        frequency: str | None = None,
        confidentiality: str | None = None,
        limits: str | None = None,
        sponsor: str | None = None,
        sponsor_consent: bool | None = None,
        start: str | date | None | EllipsisType = ...,
        review: str | date | None | EllipsisType = ...,
        until: str | date | None | EllipsisType = ...,
        no_fault: str | None = None,
    ) -> Agreement:
        """Create or change the agreement with ``person``; what is not given stays as it was.

        A new agreement starts today with our default clauses, as coaching or mentoring by
        the person's role, so the one-line ``agreement set --with X --sessions 6`` is complete.
        """
        who = self.people.get(person)
        existing = self.db.query_one("SELECT * FROM agreement WHERE person_id = ?", (who.id,))
        changes: dict[str, Any] = {}
        if kind is not None:
            if kind not in KINDS:
                raise UsageError(f"An agreement is for coaching or mentoring, not '{kind}'.")
            changes["kind"] = kind
        if not isinstance(sessions, EllipsisType):
            if sessions is not None and not (isinstance(sessions, int) and 1 <= sessions <= 200):
                raise UsageError("The number of sessions agreed must be a whole number from 1.")
            changes["sessions"] = sessions
        for column, value in (
            ("frequency", frequency),
            ("confidentiality", confidentiality),
            ("limits", limits),
            ("sponsor", sponsor),
            ("no_fault", no_fault),
        ):
            if value is not None:
                changes[column] = _clause(value, column)
        if sponsor_consent is not None:
            changes["sponsor_consent"] = int(bool(sponsor_consent))
        for column, day in (("start", start), ("review", review), ("until", until)):
            if not isinstance(day, EllipsisType):
                changes[column] = _day(day)
        first = changes.get("start") or (existing["start"] if existing else None)
        for column in ("review", "until"):
            later = changes.get(column) or (existing[column] if existing else None)
            if first and later and later < first:
                word = "review" if column == "review" else "end"
                raise UsageError(
                    f"The {word} date {later} comes before the start {first}; check the dates."
                )
        now = now_utc().isoformat()
        with self.db.transaction():
            if existing is None:
                row = self._new_row(who, now)
                row.update(changes)
                columns = ", ".join(row)
                self.db.execute(
                    f"INSERT INTO agreement({columns}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
            elif changes:
                changes["updated"] = now
                sets = ", ".join(f"{k} = ?" for k in changes)
                self.db.execute(
                    f"UPDATE agreement SET {sets} WHERE id = ?", (*changes.values(), existing["id"])
                )
        return self.agreement(who.id)  # type: ignore[return-value]

    def _new_row(self, who: Person, now: str) -> dict[str, Any]:
        """A new agreement's columns: today, our default clauses, the kind by the role."""
        return {
            "uid": uuid.uuid4().hex,
            "person_id": who.id,
            "kind": "mentoring" if who.role in ("mentee", "mentor") else "coaching",
            "sessions": None,
            "frequency": "",
            "confidentiality": DEFAULT_CONFIDENTIALITY,
            "limits": DEFAULT_LIMITS,
            "sponsor": "",
            "sponsor_consent": 0,
            "start": date.today().isoformat(),
            "review": None,
            "until": None,
            "no_fault": DEFAULT_NO_FAULT,
            "ended": None,
            "end_review": "",
            "origin": "mine",
            "created": now,
            "updated": now,
        }

    def draft_agreement(self, person: str | int) -> Agreement:
        """What a new agreement with ``person`` would hold, without saving it (id 0)."""
        who = self.people.get(person)
        row = self._new_row(who, now_utc().isoformat())
        return _agreement({**row, "id": 0, "person_name": who.name})

    def agreement(self, person: str | int) -> Agreement | None:
        who = self.people.get(person)
        row = self.db.query_one(
            "SELECT a.*, p.name AS person_name FROM agreement a JOIN person p ON p.id = a.person_id "
            "WHERE a.person_id = ?",
            (who.id,),
        )
        return _agreement(row) if row is not None else None

    def agreements(self) -> list[Agreement]:
        rows = self.db.query(
            "SELECT a.*, p.name AS person_name FROM agreement a JOIN person p ON p.id = a.person_id "
            "ORDER BY a.ended IS NOT NULL, p.name COLLATE NOCASE"
        )
        return [_agreement(r) for r in rows]

    def end_relationship(
        self, person: str | int, *, ended: str | date | None = None, review: str = ""
    ) -> Agreement:
        """Close the relationship with an end-of-relationship review; nothing is deleted."""
        who = self.people.get(person)
        current = self.agreement(who.id)
        if current is None:
            current = self.set_agreement(who.id)
        day = _day(ended) or date.today().isoformat()
        if current.start and day < current.start:
            raise UsageError(f"The end date {day} comes before the start {current.start}.")
        text = _clause(review, "review", limit=20000)
        with self.db.transaction():
            self.db.execute(
                "UPDATE agreement SET ended = ?, end_review = ?, updated = ? WHERE id = ?",
                (day, text or current.end_review, now_utc().isoformat(), current.id),
            )
        return self.agreement(who.id)  # type: ignore[return-value]

    def reopen_relationship(self, person: str | int) -> Agreement:
        current = self.agreement(person)
        if current is None:
            raise NotFound("There is no agreement to reopen; set one with 'agreement set'.")
        with self.db.transaction():
            self.db.execute(
                "UPDATE agreement SET ended = NULL, updated = ? WHERE id = ?",
                (now_utc().isoformat(), current.id),
            )
        return self.agreement(person)  # type: ignore[return-value]

    # ---- goals ------------------------------------------------------------------------------

    def add_goal(self, person: str | int, text: str, *, shared: bool = True) -> Goal:
        who = self.people.get(person)
        text = " ".join(check_text(text, "The goal").split())
        if not text:
            raise UsageError("A goal needs some text saying what the person wants to achieve.")
        if len(text) > TEXT_MAX:
            raise UsageError(f"A goal is limited to {TEXT_MAX} characters; keep it to one aim.")
        now = now_utc().isoformat()
        with self.db.transaction():
            goal_id = self.db.execute(
                "INSERT INTO goal(uid, person_id, text, status, shared, origin, created, updated) "
                "VALUES (?, ?, ?, 'active', ?, 'mine', ?, ?)",
                (uuid.uuid4().hex, who.id, text, int(shared), now, now),
            ).lastrowid
        return self.goal(goal_id)

    def rate_goal(
        self, goal_id: int | str, value: int, *, day: str | date | None = None, note: str = ""
    ) -> Goal:
        goal = self.goal(goal_id)
        if not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
            raise UsageError(
                f"A goal is rated from {RATING_MIN} (not started) to {RATING_MAX} (achieved), "
                f"not '{value}'."
            )
        when = _day(day) or date.today().isoformat()
        if when > date.today().isoformat():
            raise UsageError(f"{when} is still to come; a rating records where things are now.")
        note = _clause(note, "note")
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO goal_rating(uid, goal_id, value, date, note) VALUES (?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, goal.id, value, when, note),
            )
            self.db.execute(
                "UPDATE goal SET updated = ? WHERE id = ?", (now_utc().isoformat(), goal.id)
            )
        return self.goal(goal.id)

    def set_goal_status(self, goal_id: int | str, status: str) -> Goal:
        if status not in GOAL_STATUSES:
            raise UsageError(f"A goal is {', '.join(GOAL_STATUSES)}, not '{status}'.")
        goal = self.goal(goal_id)
        now = now_utc().isoformat()
        with self.db.transaction():
            self.db.execute(
                "UPDATE goal SET status = ?, closed = ?, updated = ? WHERE id = ?",
                (status, None if status == "active" else now, now, goal.id),
            )
        return self.goal(goal.id)

    def edit_goal(
        self, goal_id: int | str, *, text: str | None = None, shared: bool | None = None
    ) -> Goal:
        goal = self.goal(goal_id)
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = " ".join(check_text(text, "The goal").split())
            if not changes["text"]:
                raise UsageError("A goal needs some text saying what the person wants to achieve.")
        if shared is not None:
            changes["shared"] = int(shared)
        if changes:
            changes["updated"] = now_utc().isoformat()
            sets = ", ".join(f"{k} = ?" for k in changes)
            with self.db.transaction():
                self.db.execute(
                    f"UPDATE goal SET {sets} WHERE id = ?", (*changes.values(), goal.id)
                )
        return self.goal(goal.id)

    def delete_goal(self, goal_id: int | str) -> None:
        goal = self.goal(goal_id)
        with self.db.transaction():
            self.db.execute("DELETE FROM goal WHERE id = ?", (goal.id,))

    def goal(self, goal_id: int | str) -> Goal:
        try:
            number = int(goal_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{goal_id}' is not a goal id; ids are numbers.") from None
        goals = self._goals("g.id = ?", (number,))
        if not goals:
            raise NotFound(f"There is no goal {goal_id}; 'reflectjournal goal list' shows the ids.")
        return goals[0]

    def goals(self, person: str | int | None = None, *, active_only: bool = False) -> list[Goal]:
        clauses, params = ["1"], []
        if person is not None:
            clauses.append("g.person_id = ?")
            params.append(self.people.get(person).id)
        if active_only:
            clauses.append("g.status = 'active'")
        return self._goals(" AND ".join(clauses), params)

    def _goals(self, where: str, params: Sequence[object]) -> list[Goal]:
        rows = self.db.query(
            "SELECT g.*, p.name AS person_name FROM goal g JOIN person p ON p.id = g.person_id "
            f"WHERE {where} ORDER BY p.name COLLATE NOCASE, g.status != 'active', g.id",
            params,
        )
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        ratings: dict[int, list[GoalRating]] = {}
        marks = ",".join("?" * len(ids))
        for r in self.db.query(
            f"SELECT goal_id, value, date, note FROM goal_rating WHERE goal_id IN ({marks}) "
            "ORDER BY date, id",
            ids,
        ):
            ratings.setdefault(r["goal_id"], []).append(
                GoalRating(r["value"], r["date"], r["note"])
            )
        return [
            Goal(
                id=r["id"],
                uid=r["uid"],
                person_id=r["person_id"],
                person=r["person_name"],
                text=r["text"],
                status=r["status"],
                shared=bool(r["shared"]),
                origin=r["origin"],
                created=r["created"],
                closed=r["closed"],
                ratings=tuple(ratings.get(r["id"], ())),
            )
            for r in rows
        ]

    # ---- session count ----------------------------------------------------------------------

    def session_count(self, person: str | int, until_iso: str) -> tuple[int, int | None]:
        """(sessions held with ``person`` since the agreement started, up to ``until_iso``;
        sessions agreed or None)."""
        who = self.people.get(person)
        current = self.agreement(who.id)
        start = current.start if current and current.start else ""
        held = self.db.scalar(
            "SELECT count(*) FROM coaching_session WHERE person_id = ? AND date <= ? "
            "AND substr(date, 1, 10) >= ?",
            (who.id, until_iso, start),
        )
        return int(held or 0), current.sessions if current else None


def _clause(value: str, what: str, limit: int = TEXT_MAX) -> str:
    text = check_text(value, f"The {what}").strip()
    if len(text) > limit:
        raise UsageError(f"The {what} is limited to {limit} characters; shorten it.")
    return text


def _day(value: str | date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(str(value)).isoformat()


def _agreement(row: Row) -> Agreement:
    return Agreement(
        id=row["id"],
        uid=row["uid"],
        person_id=row["person_id"],
        person=row["person_name"],
        kind=row["kind"],
        sessions=row["sessions"],
        frequency=row["frequency"],
        confidentiality=row["confidentiality"],
        limits=row["limits"],
        sponsor=row["sponsor"],
        sponsor_consent=bool(row["sponsor_consent"]),
        start=row["start"],
        review=row["review"],
        until=row["until"],
        no_fault=row["no_fault"],
        ended=row["ended"],
        end_review=row["end_review"],
        origin=row["origin"],
        updated=row["updated"],
    )
