"""Coaching: sessions with a person, the actions agreed, and what is due.

A session is a `coaching_session` row plus an entry of kind ``session`` that holds its notes,
so tags, search and the Markdown editor work for sessions exactly as for reflections. Actions
live in `action`; ``owner_id`` NULL means the journal's owner ("me").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reflectjournal.domain.enums import ActionState, Scale
from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.actions import (  # noqa: F401 - re-exported
    STATUSES,
    Action,
    ActionsMixin,
    action_state,
    is_overdue,
    split_items,
)
from reflectjournal.services.entries import check_text
from reflectjournal.services.journal import JournalService
from reflectjournal.services.people import PeopleService, Person
from reflectjournal.services.timeutil import from_storage, now_utc, to_storage
from reflectjournal.storage.database import Database, Row

SESSION_MODEL = "grow"


@dataclass(frozen=True)
class ActionDraft:
    """An action agreed in a session, before it is saved."""

    text: str
    owner: str | int | None = None  # a person's name or id; None = me
    due: str | date | None = None


@dataclass(frozen=True)
class LinkedEntry:
    """An entry the person shared, discussed in a session."""

    id: int
    title: str
    created: datetime  # in the writer's own offset


@dataclass(frozen=True)
class SessionSummary:
    """A session as listed (the CLI's JSON: ``cli/shapes.session_json``)."""

    id: int
    entry_id: int
    with_name: str | None  # None once the person was removed with their sessions kept
    date: datetime  # in the writer's own offset
    title: str
    agenda: str
    upcoming: bool
    open_actions: int


@dataclass(frozen=True)
class Session:
    """One session with its notes, links and actions (``session show``)."""

    id: int
    entry_id: int
    with_name: str | None
    date: datetime
    title: str
    agenda: str
    upcoming: bool
    notes: str
    model: str | None
    sections: tuple[tuple[str, str], ...]  # (key, text) in the model's order
    tags: tuple[str, ...]
    linked_entries: tuple[LinkedEntry, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class SharedByPerson:
    """An entry a person shared with the owner, as their page lists it."""

    id: int
    title: str
    created: datetime  # in the writer's own offset
    mood: Scale | None
    energy: Scale | None


@dataclass(frozen=True)
class ThemeCount:
    """A tag in what a person shared, and on how many of those entries."""

    slug: str
    name: str
    category: str
    count: int


@dataclass(frozen=True)
class PersonOverview:
    """A person's page: sessions, open actions, what they shared, their themes."""

    person: Person
    sessions: tuple[SessionSummary, ...]
    actions: tuple[Action, ...]
    shared: tuple[SharedByPerson, ...]
    themes: tuple[ThemeCount, ...]  # the twelve commonest, most first


@dataclass(frozen=True)
class Reminders:
    """What to show when the app opens (the CLI's JSON: ``cli/shapes.reminders_json``)."""

    actions: tuple[Action, ...] = ()  # mine or others', due today or overdue
    sessions: tuple[SessionSummary, ...] = ()  # coming up, soonest first
    retention: tuple[str, ...] = ()  # one sentence per person whose notes are past retention

    @property
    def any(self) -> bool:
        return bool(self.actions or self.sessions or self.retention)


@dataclass(frozen=True)
class PersonRemoved:
    """What `delete_person` did: whose sessions were kept or deleted, and how many."""

    name: str
    sessions_kept: bool
    sessions: int  # their sessions (kept or deleted)
    actions: int  # actions owned by them or agreed in their sessions


class CoachingService(ActionsMixin):
    def __init__(self, db: Database, journal: JournalService, people: PeopleService):
        self.db = db
        self.journal = journal
        self.people = people

    # ---- sessions --------------------------------------------------------------------------

    def add_session(
        self,
        person: str | int,
        *,
        notes: str = "",
        when: datetime | None = None,
        title: str | None = None,
        agenda: str = "",
        tags: Iterable[str] = (),
        sections: dict[str, str] | None = None,
        actions: Sequence[ActionDraft | str] = (),
        linked_entries: Iterable[int | str] = (),
        model: str | None = None,
    ) -> int:
        """Record a session; string actions are owned by the coachee (docs/CLI.md).

        With ``model`` (grow), the notes are read as that model's sections by their headings
        (``## Goal`` … ``## Way forward``), as the app's GROW layout stores them.
        """
        who = self.people.get(person)
        if model is not None and not sections:
            sections = _sections_from_notes(model, notes)
            notes = ""
        moment = when or now_utc().astimezone()
        check_text(agenda, "The agenda")
        word = "Meeting" if who.role in ("mentee", "mentor") else "Session"
        title = (title or "").strip() or f"{word} with {who.name}"
        drafts = [a if isinstance(a, ActionDraft) else ActionDraft(a, who.id) for a in actions]
        links = self._shared_ids(linked_entries, who)
        with self.db.transaction():
            entry_id = self.journal.add(
                notes,
                title=title,
                tags=tags,
                when=moment,
                kind="session",
                model=SESSION_MODEL if sections else None,
                sections=sections,
            )
            session_id: int = self.db.execute(
                "INSERT INTO coaching_session(entry_id, person_id, date, agenda) VALUES (?, ?, ?, ?)",
                (entry_id, who.id, to_storage(moment)[0], agenda.strip()),
            ).lastrowid
            self._link(session_id, links)
            for draft in drafts:
                self.add_action(draft.text, owner=draft.owner, due=draft.due, session_id=session_id)
        return session_id

    def edit_session(
        self,
        session_id: int | str,
        *,
        notes: str | None = None,
        when: datetime | None = None,
        title: str | None = None,
        agenda: str | None = None,
        tags: list[str] | None = None,
        sections: dict[str, str] | None = None,
        linked_entries: Iterable[int | str] | None = None,
    ) -> None:
        row = self._session_row(session_id)
        changes: dict[str, Any] = {}
        if sections:
            changes.update(model=SESSION_MODEL, sections=sections)
        elif notes is not None:
            changes.update(body=notes)
        if title is not None:
            changes["title"] = title
        who = self.people.find(row["person_id"]) if row["person_id"] else None
        links = self._shared_ids(linked_entries or (), who) if linked_entries is not None else None
        if agenda is not None:
            check_text(agenda, "The agenda")
        with self.db.transaction():
            self.journal.edit(row["entry_id"], tags=tags, when=when, **changes)
            if when is not None:
                self.db.execute(
                    "UPDATE coaching_session SET date = ? WHERE id = ?",
                    (to_storage(when)[0], row["id"]),
                )
            if agenda is not None:
                self.db.execute(
                    "UPDATE coaching_session SET agenda = ? WHERE id = ?",
                    (agenda.strip(), row["id"]),
                )
            if links is not None:
                self.db.execute("DELETE FROM session_entry_link WHERE session_id = ?", (row["id"],))
                self._link(row["id"], links)

    def delete_session(self, session_id: int | str, *, drop_open_actions: bool = False) -> None:
        """Remove a session and its notes; its actions stay (unlinked) unless asked otherwise."""
        row = self._session_row(session_id)
        with self.db.transaction():
            if drop_open_actions:
                self.db.execute(
                    "UPDATE action SET status = 'dropped', closed = ? "
                    "WHERE session_id = ? AND status = 'open'",
                    (now_utc().isoformat(), row["id"]),
                )
            self.db.execute("DELETE FROM entry WHERE id = ?", (row["entry_id"],))

    def _link(self, session_id: int, entry_ids: list[int]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO session_entry_link(session_id, entry_id) VALUES (?, ?)",
            [(session_id, e) for e in entry_ids],
        )

    def _shared_ids(self, ids: Iterable[int | str], who: Person | None) -> list[int]:
        """Only entries the person shared may be linked to their session."""
        result = []
        for raw in ids:
            row = self.journal._row(raw)
            if row["kind"] != "shared" or who is None or row["sender_id"] != who.id:
                name = who.name if who else "this person"
                raise UsageError(
                    f"Entry {raw} is not an entry {name} shared with you, "
                    "so it cannot be linked to the session."
                )
            result.append(row["id"])
        return result

    def _session_row(self, session_id: int | str) -> Row:
        try:
            number = int(session_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{session_id}' is not a session id; ids are numbers.") from None
        row = self.db.query_one("SELECT * FROM coaching_session WHERE id = ?", (number,))
        if row is None:
            raise NotFound(
                f"There is no session {session_id}; 'reflectjournal session list' shows the ids."
            )
        return row

    def session_for_entry(self, entry_id: int) -> int | None:
        found: int | None = self.db.scalar(
            "SELECT id FROM coaching_session WHERE entry_id = ?", (entry_id,)
        )
        return found

    def get_session(self, session_id: int | str, today: date | None = None) -> Session:
        row = self._session_row(session_id)
        entry = self.journal.entry(row["entry_id"])
        linked = self.db.query(
            "SELECT e.id, e.title, e.created, e.created_offset FROM session_entry_link l "
            "JOIN entry e ON e.id = l.entry_id WHERE l.session_id = ? ORDER BY e.created",
            (row["id"],),
        )
        name = None
        if row["person_id"] is not None:
            name = self.db.scalar("SELECT name FROM person WHERE id = ?", (row["person_id"],))
        return Session(
            id=row["id"],
            entry_id=row["entry_id"],
            with_name=name,
            date=datetime.fromisoformat(entry.created),
            title=entry.title,
            agenda=row["agenda"],
            upcoming=row["date"] > now_utc().isoformat(),
            notes=entry.body,
            model=entry.model,
            sections=entry.sections,
            tags=entry.tags,
            linked_entries=tuple(
                LinkedEntry(
                    id=r["id"],
                    title=r["title"],
                    created=from_storage(r["created"], r["created_offset"]),
                )
                for r in linked
            ),
            actions=tuple(self.list_actions(session_id=row["id"], today=today)),
        )

    def list_sessions(
        self, person: str | int | None = None, *, upcoming_only: bool = False
    ) -> list[SessionSummary]:
        """Sessions, newest first, without their notes."""
        sql = (
            "SELECT s.*, e.title, e.created, e.created_offset, p.name AS person_name, "
            "(SELECT count(*) FROM action a WHERE a.session_id = s.id AND a.status = 'open') "
            "AS open_actions FROM coaching_session s JOIN entry e ON e.id = s.entry_id "
            "LEFT JOIN person p ON p.id = s.person_id WHERE 1"
        )
        params: list[Any] = []
        if person is not None:
            sql += " AND s.person_id = ?"
            params.append(self.people.get(person).id)
        if upcoming_only:
            # The same test as "upcoming" below, so the app's start-up reminder reads the few
            # sessions ahead rather than every session ever held (8k of them: 0.4 s at 100k).
            sql += " AND s.date > ?"
            params.append(now_utc().isoformat())
        rows = self.db.query(sql + " ORDER BY s.date DESC, s.id DESC", params)
        now = now_utc().isoformat()
        return [
            SessionSummary(
                id=r["id"],
                entry_id=r["entry_id"],
                with_name=r["person_name"],
                date=from_storage(r["created"], r["created_offset"]),
                title=r["title"],
                agenda=r["agenda"],
                upcoming=r["date"] > now,
                open_actions=r["open_actions"],
            )
            for r in rows
        ]

    # ---- who the owner is ----------------------------------------------------------------

    def stances(self) -> tuple[str, ...]:
        """How the journal's owner works with people: ``coach`` (has coachees), ``mentor``
        (has mentees), ``leader`` (works with a coach or mentor, or nobody yet). Several can
        hold at once; the Coaching page speaks to each."""
        roles = {r[0] for r in self.db.query("SELECT DISTINCT role FROM person")}
        found = tuple(
            stance for stance, role in (("coach", "coachee"), ("mentor", "mentee")) if role in roles
        )
        if roles & {"coach", "mentor"} or not found:
            found += ("leader",)
        return found

    # ---- reminders, people -----------------------------------------------------------------

    def reminders(self, today: date | None = None) -> Reminders:
        """What to show when the app opens: actions due today or overdue, sessions ahead."""
        today = today or date.today()
        due = [
            a
            for a in self.list_actions(open_only=True, today=today)
            if a.state in (ActionState.OVERDUE, ActionState.DUE_TODAY)
        ]
        upcoming = [s for s in self.list_sessions(upcoming_only=True) if s.upcoming]
        upcoming.sort(key=lambda s: s.date)
        from reflectjournal.services import retention

        months = retention.months_setting(self.db)
        kept = (
            [retention.sentence(r, months) for r in retention.due(self.db, today)] if months else []
        )
        return Reminders(tuple(due), tuple(upcoming), tuple(kept))

    def delete_person(self, person: str | int, *, sessions: str) -> PersonRemoved:
        """Remove a person. ``sessions`` must say what happens to their sessions:

        - ``keep``: sessions and notes stay (titled with the name); their open actions are
          dropped and keep the name in their text, since an owner-less action would read as mine.
        - ``delete``: their sessions, notes and the actions agreed in them or owned by them go.
        Entries they shared stay (they are the record of what was received).
        """
        if sessions not in ("keep", "delete"):
            raise UsageError(
                "Say what to do with this person's sessions: --sessions keep or --sessions delete."
            )
        who = self.people.get(person)
        pid = who.id
        session_count: int = self.db.scalar(
            "SELECT count(*) FROM coaching_session WHERE person_id = ?", (pid,)
        )
        action_count: int = self.db.scalar(
            "SELECT count(*) FROM action WHERE owner_id = ? OR session_id IN "
            "(SELECT id FROM coaching_session WHERE person_id = ?)",
            (pid, pid),
        )
        now = now_utc().isoformat()
        with self.db.transaction():
            if sessions == "delete":
                self.db.execute(
                    "DELETE FROM action WHERE owner_id = ? OR session_id IN "
                    "(SELECT id FROM coaching_session WHERE person_id = ?)",
                    (pid, pid),
                )
                self.db.execute(
                    "DELETE FROM entry WHERE id IN "
                    "(SELECT entry_id FROM coaching_session WHERE person_id = ?)",
                    (pid,),
                )
            else:
                self.db.execute(
                    "UPDATE action SET text = text || ' (' || ? || ')' WHERE owner_id = ?",
                    (who.name, pid),
                )
                self.db.execute(
                    "UPDATE action SET status = 'dropped', closed = ? "
                    "WHERE owner_id = ? AND status = 'open'",
                    (now, pid),
                )
            self.db.execute("DELETE FROM person WHERE id = ?", (pid,))
        return PersonRemoved(
            who.name, sessions_kept=sessions == "keep", sessions=session_count, actions=action_count
        )

    def person_overview(self, person: str | int, today: date | None = None) -> PersonOverview:
        """A coachee's page: sessions, open actions, what they shared, their themes."""
        who = self.people.get(person)
        shared = self.db.query(
            "SELECT e.id, e.title, e.created, e.created_offset, e.mood, e.energy FROM entry e "
            "WHERE e.kind = 'shared' AND e.sender_id = ? ORDER BY e.created DESC",
            (who.id,),
        )
        themes = self.db.query(
            "SELECT t.slug, t.name, t.category, count(*) AS n FROM entry_tag et "
            "JOIN tag t ON t.id = et.tag_id JOIN entry e ON e.id = et.entry_id "
            "WHERE e.kind = 'shared' AND e.sender_id = ? "
            "GROUP BY t.id ORDER BY n DESC, t.name LIMIT 12",
            (who.id,),
        )
        return PersonOverview(
            person=who,
            sessions=tuple(self.list_sessions(who.id)),
            actions=tuple(self.list_actions(person=who.id, open_only=True, today=today)),
            shared=tuple(
                SharedByPerson(
                    id=r["id"],
                    title=r["title"],
                    created=from_storage(r["created"], r["created_offset"]),
                    mood=Scale.parse(r["mood"]),
                    energy=Scale.parse(r["energy"]),
                )
                for r in shared
            ),
            themes=tuple(
                ThemeCount(slug=r["slug"], name=r["name"], category=r["category"], count=r["n"])
                for r in themes
            ),
        )


def _sections_from_notes(slug: str, notes: str) -> dict[str, str]:
    from reflectjournal.services.entries import split_sections
    from reflectjournal.services.frameworks import get_model

    model = get_model(slug)
    if model is None or model.kind != "session":
        raise UsageError(f"'{slug}' is not a session model; sessions use --model {SESSION_MODEL}.")
    headings = ", ".join(f"'## {s.title}'" for s in model.sections)
    found = split_sections(model, notes)
    titled = [s for s in model.sections if f"# {s.title.lower()}" in notes.lower()]
    if not notes.strip() or not titled:
        raise UsageError(
            f"With --model {slug} the notes are read by their headings; write them under "
            f"{headings}."
        )
    return found
