"""Actions: agreed in a session or born from a reflection's action plan; one list for both.

``owner_id`` NULL means the journal's owner ("me"). Status is open, done or dropped; the
state shown to people (overdue, due today, due soon) is worked out from the due date.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from reflectjournal.domain.enums import ActionState, ActionStatus
from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.timeutil import now_utc, parse_date
from reflectjournal.storage.database import Database, Row

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.services.people import PeopleService

STATUSES: tuple[str, ...] = tuple(ActionStatus)
DUE_SOON_DAYS = 7
ACTION_MAX_CHARS = 500


@dataclass(frozen=True)
class Action:
    """One action as the services return it. ``created``/``closed`` are stored UTC ISO text."""

    id: int
    text: str
    owner: str | None  # None: the journal's owner ("me")
    due: date | None
    status: ActionStatus
    state: ActionState  # the status, or for an open action how near its due date is
    created: str
    closed: str | None
    session_id: int | None
    session_with: str | None
    entry_id: int | None
    entry_title: str | None
    section: str | None  # the action-plan section it came from
    sender: str | None  # the coach who set it in a session summary they sent

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.state is ActionState.OVERDUE


class ActionsMixin:
    """The action half of CoachingService (needs ``db``, ``journal`` and ``people``)."""

    db: Database
    journal: JournalService
    people: PeopleService

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
        owner_id = self.people.get(owner).id if owner not in (None, "", "me") else None
        due_text = _due(due)
        if entry_id is not None:
            entry_id = self.journal._row(entry_id)["id"]
        with self.db.transaction():
            cursor = self.db.execute(
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
            )
        return int(cursor.lastrowid or 0)

    def set_status(self, action_id: int | str, status: str) -> Action:
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
        owner: str | int | None | EllipsisType = ...,
        due: str | date | None | EllipsisType = ...,
    ) -> None:
        row = self._action_row(action_id)
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = " ".join(check_text(text, "The action").split())
            if not changes["text"]:
                raise UsageError("An action needs some text saying what will be done.")
        if owner is not ...:
            changes["owner_id"] = (
                self.people.get(owner).id if owner not in (None, "", "me") else None
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

    def _action_row(self, action_id: int | str) -> Row:
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

    def get_action(self, action_id: int | str, today: date | None = None) -> Action:
        row = self._action_row(action_id)
        return self._actions([row["id"]], today)[0]

    def list_actions(
        self,
        *,
        status: str | None = None,
        open_only: bool = False,
        person: str | int | None = None,
        session_id: int | None = None,
        entry_id: int | None = None,
        today: date | None = None,
    ) -> list[Action]:
        """Actions, open ones first by due date. ``person`` means owned by them, agreed in
        one of their sessions, or set by them in a summary they sent."""
        clauses: list[str] = []
        params: list[str | int] = []
        if open_only:
            status = "open"
        if status:
            if status not in STATUSES:
                raise UsageError(f"An action's status is one of {', '.join(STATUSES)}.")
            clauses.append("a.status = ?")
            params.append(status)
        if person is not None:
            pid = self.people.get(person).id
            clauses.append(
                "(a.owner_id = ? OR a.from_id = ? OR a.session_id IN "
                "(SELECT id FROM coaching_session WHERE person_id = ?))"
            )
            params += [pid, pid, pid]
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
        return self._actions(ids, today)

    def _actions(self, ids: list[int], today: date | None) -> list[Action]:
        if not ids:
            return []
        today = today or date.today()
        marks = ",".join("?" * len(ids))
        rows = self.db.query(
            "SELECT a.*, p.name AS owner_name, s.person_id AS session_person, "
            "sp.name AS session_with, e.title AS entry_title, fp.name AS from_name "
            "FROM action a LEFT JOIN person p ON p.id = a.owner_id "
            "LEFT JOIN person fp ON fp.id = a.from_id "
            "LEFT JOIN coaching_session s ON s.id = a.session_id "
            "LEFT JOIN person sp ON sp.id = s.person_id "
            f"LEFT JOIN entry e ON e.id = a.entry_id WHERE a.id IN ({marks})",
            ids,
        )
        by_id = {r["id"]: r for r in rows}
        return [_action(by_id[action_id], today) for action_id in ids]

    def actions_from_entry(
        self, entry_id: int | str, *, due: str | date | None = None
    ) -> list[int]:
        """Turn a reflection's action-plan section into open actions, one per item.

        Running it again adds only items that are not yet actions, so a second click is safe.
        """
        entry = self.journal.entry(entry_id)
        model = get_model(entry.model)
        section = model.actionable_section() if model else None
        if section is None:
            raise UsageError(
                f"Entry {entry_id} was not written with a reflection model that has an action "
                "plan; add the action with 'reflectjournal action add' instead."
            )
        items = split_items(dict(entry.sections).get(section.key, ""))
        if not items:
            raise UsageError(f"The '{section.title}' section of entry {entry_id} is empty.")
        existing = {
            r[0]
            for r in self.db.query(
                "SELECT text FROM action WHERE entry_id = ? AND section_key = ?",
                (entry.id, section.key),
            )
        }
        written = date.fromisoformat(entry.created[:10])
        created = []
        with self.db.transaction():
            for item in items:
                if item in existing:
                    continue
                # "Ring HR by 12 December" carries its own due date; a date given here wins.
                item_due = due if due not in (None, "") else due_in_text(item, written)
                created.append(
                    self.add_action(item, due=item_due, entry_id=entry.id, section_key=section.key)
                )
        return created


def _action(r: Row, today: date) -> Action:
    status = ActionStatus(r["status"])
    due = date.fromisoformat(r["due"]) if r["due"] else None
    return Action(
        id=int(r["id"]),
        text=r["text"],
        owner=r["owner_name"],
        due=due,
        status=status,
        state=action_state(status, due, today),
        created=r["created"],
        closed=r["closed"],
        session_id=int(r["session_id"]) if r["session_id"] else None,
        session_with=r["session_with"],
        entry_id=int(r["entry_id"]) if r["entry_id"] else None,
        entry_title=r["entry_title"],
        section=r["section_key"],
        sender=r["from_name"],
    )


def action_state(status: ActionStatus, due: date | None, today: date) -> ActionState:
    """open → due-today / overdue / due-soon / open; closed actions keep their status."""
    if status is not ActionStatus.OPEN or due is None:
        return ActionState(status.value)
    if due < today:
        return ActionState.OVERDUE
    if due == today:
        return ActionState.DUE_TODAY
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return ActionState.DUE_SOON
    return ActionState.OPEN


def is_overdue(due: date | None, today: date | None = None) -> bool:
    return due is not None and due < (today or date.today())


def _due(value: str | date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(value).isoformat()


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_BY = r"\b(?:by|before|due|until|no later than)\s+(?:the\s+)?(?:(?:end of\s+)?(?:next\s+)?)"
_DAY_MONTH = re.compile(_BY + _ORD + r"(?:\s+of)?\s+" + _MONTH + _YEAR + r"\b", re.I)
_MONTH_DAY = re.compile(_BY + _MONTH + r"\s+" + _ORD + _YEAR + r"\b", re.I)
_ISO = re.compile(_BY + r"(\d{4})-(\d{2})-(\d{2})\b", re.I)
_NUMERIC = re.compile(_BY + r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", re.I)
_WEEKDAY = re.compile(r"\b(?:by|before|due|on)\s+(next\s+)?(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_RELATIVE = re.compile(r"\bby\s+(tomorrow|next week|the end of the week|end of the week)\b", re.I)


def due_in_text(text: str, written: date) -> date | None:
    """The due date an action's own words give ("by 12 December", "by Friday"), if any.

    A date without a year is the next such day on or after ``written`` (the day the plan was
    made), so "by 12 December" written in November means this December, in January next.
    Numeric dates are read the British way (day/month). Text that names no date gives None.
    """
    for pattern, order in ((_ISO, "ymd"), (_DAY_MONTH, "dmy"), (_MONTH_DAY, "mdy")):
        match = pattern.search(text)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"] if parts["m"].isdigit() else _MONTHS[parts["m"].lower().rstrip(".")]
        return _dated(written, int(parts["d"]), int(month), parts["y"])
    match = _NUMERIC.search(text)
    if match:
        day, month, year = match.groups()
        if year and len(year) == 2:
            year = "20" + year
        return _dated(written, int(day), int(month), year)
    match = _WEEKDAY.search(text)
    if match:
        ahead = (_WEEKDAYS.index(match.group(2).lower()) - written.weekday()) % 7 or 7
        return written + timedelta(days=ahead + (7 if match.group(1) else 0))
    match = _RELATIVE.search(text)
    if match:
        word = match.group(1).lower()
        if word == "tomorrow":
            return written + timedelta(days=1)
        if word == "next week":
            return written + timedelta(days=7)
        return written + timedelta(days=(4 - written.weekday()) % 7)  # that Friday
    return None


def _dated(written: date, day: int, month: int, year: str | None) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        found = date(written.year, month, day)
        return found if found >= written else date(written.year + 1, month, day)
    except ValueError:  # "by 31 February": no date rather than a wrong one
        return None


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
