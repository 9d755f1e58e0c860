"""Coaching: sessions with a person, the actions agreed, and what is due.

A session is a `coaching_session` row plus an entry of kind ``session`` that holds its notes,
so tags, search and the Markdown editor work for sessions exactly as for reflections. Actions
live in `action`; ``owner_id`` NULL means the journal's owner ("me").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.journal import JournalService
from reflectjournal.services.people import PeopleService
from reflectjournal.services.timeutil import from_storage, now_utc, parse_date, to_storage
from reflectjournal.storage.database import Database

STATUSES = ("open", "done", "dropped")
DUE_SOON_DAYS = 7
ACTION_MAX_CHARS = 500
SESSION_MODEL = "grow"


@dataclass(frozen=True)
class ActionDraft:
    """An action agreed in a session, before it is saved."""

    text: str
    owner: str | int | None = None  # a person's name or id; None = me
    due: str | date | None = None


class CoachingService:
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
    ) -> int:
        """Record a session; string actions are owned by the coachee (CLI.md)."""
        who = self.people.get(person)
        moment = when or now_utc().astimezone()
        check_text(agenda, "The agenda")
        title = (title or "").strip() or f"Session with {who['name']}"
        drafts = [a if isinstance(a, ActionDraft) else ActionDraft(a, who["id"]) for a in actions]
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
            session_id = self.db.execute(
                "INSERT INTO coaching_session(entry_id, person_id, date, agenda) VALUES (?, ?, ?, ?)",
                (entry_id, who["id"], to_storage(moment)[0], agenda.strip()),
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
        changes: dict = {}
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

    def _shared_ids(self, ids: Iterable[int | str], who: dict | None) -> list[int]:
        """Only entries the person shared may be linked to their session."""
        result = []
        for raw in ids:
            row = self.journal._row(raw)
            if row["kind"] != "shared" or who is None or row["sender_id"] != who["id"]:
                name = who["name"] if who else "this person"
                raise UsageError(
                    f"Entry {raw} is not an entry {name} shared with you, "
                    "so it cannot be linked to the session."
                )
            result.append(row["id"])
        return result

    def _session_row(self, session_id: int | str):
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
        return self.db.scalar("SELECT id FROM coaching_session WHERE entry_id = ?", (entry_id,))

    def get_session(self, session_id: int | str, today: date | None = None) -> dict:
        row = self._session_row(session_id)
        entry = self.journal.get(row["entry_id"])
        linked = self.db.query(
            "SELECT e.id, e.title, e.created, e.created_offset FROM session_entry_link l "
            "JOIN entry e ON e.id = l.entry_id WHERE l.session_id = ? ORDER BY e.created",
            (row["id"],),
        )
        return {
            **self._session_json(row, entry["title"], entry["created"]),
            "notes": entry["body"],
            "model": entry["model"],
            "sections": entry.get("sections", {}),
            "tags": entry["tags"],
            "linked_entries": [
                {
                    "id": str(r["id"]),
                    "title": r["title"],
                    "created": from_storage(r["created"], r["created_offset"]).isoformat(),
                }
                for r in linked
            ],
            "actions": self.list_actions(session_id=row["id"], today=today),
        }

    def list_sessions(self, person: str | int | None = None) -> list[dict]:
        """Sessions, newest first, without their notes."""
        sql = (
            "SELECT s.*, e.title, e.created, e.created_offset, p.name AS person_name, "
            "(SELECT count(*) FROM action a WHERE a.session_id = s.id AND a.status = 'open') "
            "AS open_actions FROM coaching_session s JOIN entry e ON e.id = s.entry_id "
            "LEFT JOIN person p ON p.id = s.person_id"
        )
        params: tuple = ()
        if person is not None:
            sql += " WHERE s.person_id = ?"
            params = (self.people.get(person)["id"],)
        rows = self.db.query(sql + " ORDER BY s.date DESC, s.id DESC", params)
        result = []
        for r in rows:
            created = from_storage(r["created"], r["created_offset"]).isoformat()
            item = self._session_json(r, r["title"], created)
            item["open_actions"] = r["open_actions"]
            result.append(item)
        return result

    def _session_json(self, row, title: str, created: str) -> dict:
        name = None
        if row["person_id"] is not None:
            name = self.db.scalar("SELECT name FROM person WHERE id = ?", (row["person_id"],))
        return {
            "id": str(row["id"]),
            "entry_id": str(row["entry_id"]),
            "with": name,
            "date": created,
            "title": title,
            "agenda": row["agenda"],
            "upcoming": row["date"] > now_utc().isoformat(),
        }

    # ---- actions ---------------------------------------------------------------------------

    def add_action(
        self,
        text: str,
        *,
        owner: str | int | None = None,
        due: str | date | None = None,
        entry_id: int | str | None = None,
        session_id: int | None = None,
        section_key: str | None = None,
    ) -> int:
        """A new open action. A due date already past is allowed (actions are often recorded
        after the fact); callers can warn with `is_overdue`."""
        text = " ".join(check_text(text, "The action").split())
        if not text:
            raise UsageError("An action needs some text saying what will be done.")
        if len(text) > ACTION_MAX_CHARS:
            raise UsageError(
                f"An action is limited to {ACTION_MAX_CHARS} characters; "
                "put the detail in the session notes."
            )
        owner_id = self.people.get(owner)["id"] if owner not in (None, "", "me") else None
        due_text = _due(due)
        if entry_id is not None:
            entry_id = self.journal._row(entry_id)["id"]
        with self.db.transaction():
            return self.db.execute(
                "INSERT INTO action(uid, text, owner_id, due, status, created, entry_id, "
                "session_id, section_key) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    text,
                    owner_id,
                    due_text,
                    now_utc().isoformat(),
                    entry_id,
                    session_id,
                    section_key,
                ),
            ).lastrowid

    def set_status(self, action_id: int | str, status: str) -> dict:
        if status not in STATUSES:
            raise UsageError(f"An action's status is one of {', '.join(STATUSES)}, not '{status}'.")
        row = self._action_row(action_id)
        closed = None if status == "open" else now_utc().isoformat()
        with self.db.transaction():
            self.db.execute(
                "UPDATE action SET status = ?, closed = ? WHERE id = ?", (status, closed, row["id"])
            )
        return self.get_action(row["id"])

    def edit_action(
        self,
        action_id: int | str,
        *,
        text: str | None = None,
        owner: str | int | None | object = ...,
        due: str | date | None | object = ...,
    ) -> None:
        row = self._action_row(action_id)
        changes: dict = {}
        if text is not None:
            changes["text"] = " ".join(check_text(text, "The action").split())
            if not changes["text"]:
                raise UsageError("An action needs some text saying what will be done.")
        if owner is not ...:
            changes["owner_id"] = (
                self.people.get(owner)["id"] if owner not in (None, "", "me") else None
            )
        if due is not ...:
            changes["due"] = _due(due)
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            with self.db.transaction():
                self.db.execute(
                    f"UPDATE action SET {sets} WHERE id = ?", (*changes.values(), row["id"])
                )

    def delete_action(self, action_id: int | str) -> None:
        row = self._action_row(action_id)
        with self.db.transaction():
            self.db.execute("DELETE FROM action WHERE id = ?", (row["id"],))

    def _action_row(self, action_id: int | str):
        try:
            number = int(action_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{action_id}' is not an action id; ids are numbers.") from None
        row = self.db.query_one("SELECT * FROM action WHERE id = ?", (number,))
        if row is None:
            raise NotFound(
                f"There is no action {action_id}; 'reflectjournal action list' shows the ids."
            )
        return row

    def get_action(self, action_id: int | str, today: date | None = None) -> dict:
        row = self._action_row(action_id)
        return self._actions_json([row["id"]], today)[0]

    def list_actions(
        self,
        *,
        status: str | None = None,
        open_only: bool = False,
        person: str | int | None = None,
        session_id: int | None = None,
        entry_id: int | None = None,
        today: date | None = None,
    ) -> list[dict]:
        """Actions, open ones first by due date. ``person`` means owned by them or agreed in
        one of their sessions."""
        clauses, params = [], []
        if open_only:
            status = "open"
        if status:
            if status not in STATUSES:
                raise UsageError(f"An action's status is one of {', '.join(STATUSES)}.")
            clauses.append("a.status = ?")
            params.append(status)
        if person is not None:
            pid = self.people.get(person)["id"]
            clauses.append(
                "(a.owner_id = ? OR a.session_id IN "
                "(SELECT id FROM coaching_session WHERE person_id = ?))"
            )
            params += [pid, pid]
        if session_id is not None:
            clauses.append("a.session_id = ?")
            params.append(int(session_id))
        if entry_id is not None:
            clauses.append("a.entry_id = ?")
            params.append(int(entry_id))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        ids = [
            r[0]
            for r in self.db.query(
                f"SELECT a.id FROM action a{where} ORDER BY a.status != 'open', "
                "a.due IS NULL, a.due, a.id",
                params,
            )
        ]
        return self._actions_json(ids, today)

    def _actions_json(self, ids: list[int], today: date | None) -> list[dict]:
        if not ids:
            return []
        today = today or date.today()
        marks = ",".join("?" * len(ids))
        rows = self.db.query(
            "SELECT a.*, p.name AS owner_name, s.person_id AS session_person, "
            "sp.name AS session_with, e.title AS entry_title FROM action a "
            "LEFT JOIN person p ON p.id = a.owner_id "
            "LEFT JOIN coaching_session s ON s.id = a.session_id "
            "LEFT JOIN person sp ON sp.id = s.person_id "
            f"LEFT JOIN entry e ON e.id = a.entry_id WHERE a.id IN ({marks})",
            ids,
        )
        by_id = {r["id"]: r for r in rows}
        result = []
        for action_id in ids:
            r = by_id[action_id]
            result.append(
                {
                    "id": str(r["id"]),
                    "text": r["text"],
                    "owner": r["owner_name"],
                    "due": r["due"],
                    "status": r["status"],
                    "state": action_state(r["status"], r["due"], today),
                    "created": r["created"],
                    "closed": r["closed"],
                    "session_id": str(r["session_id"]) if r["session_id"] else None,
                    "session_with": r["session_with"],
                    "entry_id": str(r["entry_id"]) if r["entry_id"] else None,
                    "entry_title": r["entry_title"],
                    "section": r["section_key"],
                }
            )
        return result

    def actions_from_entry(
        self, entry_id: int | str, *, due: str | date | None = None
    ) -> list[int]:
        """Turn a reflection's action-plan section into open actions, one per item.

        Running it again adds only items that are not yet actions, so a second click is safe.
        """
        entry = self.journal.get(entry_id)
        model = get_model(entry["model"])
        section = model.actionable_section() if model else None
        if section is None:
            raise UsageError(
                f"Entry {entry_id} was not written with a reflection model that has an action "
                "plan; add the action with 'reflectjournal action add' instead."
            )
        items = split_items(entry.get("sections", {}).get(section.key, ""))
        if not items:
            raise UsageError(f"The '{section.title}' section of entry {entry_id} is empty.")
        existing = {
            r[0]
            for r in self.db.query(
                "SELECT text FROM action WHERE entry_id = ? AND section_key = ?",
                (int(entry["id"]), section.key),
            )
        }
        created = []
        with self.db.transaction():
            for item in items:
                if item in existing:
                    continue
                created.append(
                    self.add_action(
                        item, due=due, entry_id=int(entry["id"]), section_key=section.key
                    )
                )
        return created

    # ---- reminders, people -----------------------------------------------------------------

    def reminders(self, today: date | None = None) -> dict:
        """What to show when the app opens: actions due today or overdue, sessions ahead."""
        today = today or date.today()
        due = [
            a
            for a in self.list_actions(open_only=True, today=today)
            if a["state"] in ("overdue", "due-today")
        ]
        upcoming = [s for s in self.list_sessions() if s["upcoming"]]
        upcoming.sort(key=lambda s: s["date"])
        return {"actions": due, "sessions": upcoming}

    def delete_person(self, person: str | int, *, sessions: str) -> dict:
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
        pid = who["id"]
        counts = {
            "sessions": self.db.scalar(
                "SELECT count(*) FROM coaching_session WHERE person_id = ?", (pid,)
            ),
            "actions": self.db.scalar(
                "SELECT count(*) FROM action WHERE owner_id = ? OR session_id IN "
                "(SELECT id FROM coaching_session WHERE person_id = ?)",
                (pid, pid),
            ),
        }
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
                    (who["name"], pid),
                )
                self.db.execute(
                    "UPDATE action SET status = 'dropped', closed = ? "
                    "WHERE owner_id = ? AND status = 'open'",
                    (now, pid),
                )
            self.db.execute("DELETE FROM person WHERE id = ?", (pid,))
        return {"name": who["name"], "mode": sessions, **counts}

    def person_overview(self, person: str | int, today: date | None = None) -> dict:
        """A coachee's page: sessions, open actions, what they shared, their themes."""
        who = self.people.get(person)
        shared = self.db.query(
            "SELECT e.id, e.title, e.created, e.created_offset, e.mood, e.energy FROM entry e "
            "WHERE e.kind = 'shared' AND e.sender_id = ? ORDER BY e.created DESC",
            (who["id"],),
        )
        themes = self.db.query(
            "SELECT t.slug, t.name, t.category, count(*) AS n FROM entry_tag et "
            "JOIN tag t ON t.id = et.tag_id JOIN entry e ON e.id = et.entry_id "
            "WHERE e.kind = 'shared' AND e.sender_id = ? "
            "GROUP BY t.id ORDER BY n DESC, t.name LIMIT 12",
            (who["id"],),
        )
        return {
            "person": who,
            "sessions": self.list_sessions(who["id"]),
            "actions": self.list_actions(person=who["id"], open_only=True, today=today),
            "shared": [
                {
                    "id": str(r["id"]),
                    "title": r["title"],
                    "created": from_storage(r["created"], r["created_offset"]).isoformat(),
                    "mood": r["mood"],
                    "energy": r["energy"],
                }
                for r in shared
            ],
            "themes": [dict(zip(r.keys(), tuple(r), strict=True)) for r in themes],
        }


def action_state(status: str, due: str | None, today: date) -> str:
    """open → due-today / overdue / due-soon / open; closed actions keep their status."""
    if status != "open" or not due:
        return status
    day = date.fromisoformat(due)
    if day < today:
        return "overdue"
    if day == today:
        return "due-today"
    if day <= today + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "open"


def is_overdue(due: str | None, today: date | None = None) -> bool:
    return bool(due) and date.fromisoformat(due) < (today or date.today())


def _due(value: str | date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(value).isoformat()


_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|\[[ xX]\])\s+")


def split_items(text: str) -> list[str]:
    """List items (or, without a list, non-empty lines) of an action-plan section.

    A wrapped list item's continuation lines join the item before them.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    has_list = any(_BULLET.match(line) for line in lines)
    items: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if has_list:
            if _BULLET.match(line):
                items.append(_BULLET.sub("", line, count=1))
            elif items and line[:1].isspace():
                items[-1] += " " + line.strip()
            else:
                items.append(line.strip())
        else:
            items.append(line.strip())
    cleaned = []
    for item in items:
        item = " ".join(re.sub(r"^\[[ xX]\]\s+", "", item).split())
        if item and item not in cleaned:
            cleaned.append(item[:ACTION_MAX_CHARS])
    return cleaned
