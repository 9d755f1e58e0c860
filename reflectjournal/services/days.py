"""The journal by day: which days have entries (the calendar), one day's entries, and
"On this day" (the same day in earlier years, or earlier months while the journal is young).

Days are the writer's own: an entry written at 23:30 in London is on that day, wherever the
journal is opened later (its stored offset, as everywhere else).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from reflectjournal.services.timeutil import from_storage

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService


@dataclass(frozen=True)
class DayEntry:
    id: int
    title: str
    day: date
    kind: str
    excerpt: str


@dataclass(frozen=True)
class OnThisDay:
    """What was written on this day before: ``label`` says which ("1 year ago", …)."""

    label: str
    entries: list[DayEntry]


def _rows_between(journal: JournalService, first: date, last: date) -> list[DayEntry]:
    """Entries whose writer's day is within [first, last]."""
    # Stored times are UTC; a writer's day can start up to 14 hours either side of it.
    low = (first - timedelta(days=1)).isoformat()
    high = (last + timedelta(days=2)).isoformat()
    rows = journal.db.query(
        "SELECT id, title, created, created_offset, kind, substr(body, 1, 200) AS start "
        "FROM entry WHERE created >= ? AND created < ? ORDER BY created",
        (low, high),
    )
    found = []
    for row in rows:
        day = from_storage(row["created"], row["created_offset"] or 0).date()
        if first <= day <= last:
            excerpt = " ".join(str(row["start"] or "").replace("#", "").split())
            found.append(DayEntry(int(row["id"]), row["title"], day, row["kind"], excerpt))
    return found


def entries_per_day(journal: JournalService, year: int, month: int) -> dict[date, int]:
    """How many entries each day of the month has (days without any are left out)."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    counts: dict[date, int] = {}
    for entry in _rows_between(journal, first, last):
        counts[entry.day] = counts.get(entry.day, 0) + 1
    return counts


def entries_on(journal: JournalService, day: date) -> list[DayEntry]:
    return _rows_between(journal, day, day)


def _same_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29 Feb in another year, 31st in a shorter month
        return None


def on_this_day(
    journal: JournalService, today: date, years: int = 10, months: int = 11
) -> list[OnThisDay]:
    """The same day in earlier years; while there are none, the same day of earlier months."""
    found: list[OnThisDay] = []
    for back in range(1, years + 1):
        day = _same_day(today.year - back, today.month, today.day)
        entries = entries_on(journal, day) if day else []
        if entries:
            found.append(OnThisDay("1 year ago" if back == 1 else f"{back} years ago", entries))
    if found:
        return found
    for back in range(1, months + 1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        day = _same_day(year, month + 1, today.day)
        entries = entries_on(journal, day) if day else []
        if entries:
            found.append(OnThisDay("1 month ago" if back == 1 else f"{back} months ago", entries))
    return found
