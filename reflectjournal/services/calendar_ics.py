"""Sessions as an iCalendar file (RFC 5545) that Outlook and Google Calendar import.

Written with the `icalendar` package, which folds long lines, escapes text and writes CRLF
line ends as the RFC asks, so we do not hand-write any of that. A calendar usually lives on
someone's work account, so an event says only who the session is with and which session of
the programme it is: never the notes, the agenda or the title the coach gave it.
Each event's UID is the session's own stable id, so importing the file again updates the
events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reflectjournal import __version__
from reflectjournal.services.timeutil import now_utc

if TYPE_CHECKING:
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.database import Row

UID_DOMAIN = "reflectjournal.invalid"


def sessions_to_ics(
    workspace: Workspace,
    *,
    person: str | int | None = None,
    upcoming_only: bool = False,
    minutes: int = 60,
) -> tuple[int, bytes]:
    """(number of sessions, the calendar's bytes)."""
    from icalendar import Calendar, Event

    db = workspace.db
    sql = (
        "SELECT s.id, s.date, s.person_id, e.uid, p.name, p.role FROM coaching_session s "
        "JOIN entry e ON e.id = s.entry_id LEFT JOIN person p ON p.id = s.person_id WHERE 1"
    )
    params: list[Any] = []
    if person is not None:
        sql += " AND s.person_id = ?"
        params.append(workspace.people.get(person).id)
    if upcoming_only:
        sql += " AND s.date > ?"
        params.append(now_utc().isoformat())
    rows = db.query(sql + " ORDER BY s.date, s.id", params)

    calendar = Calendar()
    calendar.add("prodid", f"-//ReflectJournal//ReflectJournal {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ReflectJournal sessions")
    stamp = now_utc()
    numbers = _numbers(workspace, rows)
    for row in rows:
        start = datetime.fromisoformat(row["date"])
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        start = start.astimezone(UTC)
        mentoring = row["role"] in ("mentee", "mentor")
        what = "Mentoring meeting" if mentoring else "Coaching session"
        summary = f"{what} with {row['name']}" if row["name"] else what
        event = Event()
        event.add("uid", f"{row['uid']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("summary", summary)
        if numbers.get(row["id"]):
            event.add("description", numbers[row["id"]])
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return len(rows), calendar.to_ical()


def _numbers(workspace: Workspace, rows: list[Row]) -> dict[int, str]:
    """'Session 4 of 6' for sessions inside an agreement that fixes the number."""
    result: dict[int, str] = {}
    programmes = workspace.programmes
    for pid in {r["person_id"] for r in rows if r["person_id"] is not None}:
        agreement = programmes.agreement(pid)
        if agreement is None:
            continue
        held = workspace.db.query(
            "SELECT id FROM coaching_session WHERE person_id = ? AND substr(date, 1, 10) >= ? "
            "ORDER BY date, id",
            (pid, agreement.start or ""),
        )
        for n, r in enumerate(held, start=1):
            of = f" of {agreement.sessions}" if agreement.sessions else ""
            result[r["id"]] = f"Session {n}{of}"
    return result
