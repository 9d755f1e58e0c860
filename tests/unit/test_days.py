"""The journal by day: calendar counts in the writer's own day, one day's entries, On this day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from reflectjournal.services import days


def _add(ws, when, title):
    return ws.journal.add(f"Body of {title}", title=title, when=when)


def test_a_late_entry_counts_on_its_writers_day(workspace):
    london_late = datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=0)))
    sydney_morning = datetime(2026, 12, 1, 8, 0, tzinfo=timezone(timedelta(hours=11)))  # 30 Nov UTC
    _add(workspace, london_late, "Late")
    _add(workspace, sydney_morning, "Sydney")
    _add(workspace, datetime(2026, 11, 2, 9, tzinfo=UTC), "Early")
    counts = days.entries_per_day(workspace.journal, 2026, 11)
    assert counts == {date(2026, 11, 30): 1, date(2026, 11, 2): 1}
    assert [e.title for e in days.entries_on(workspace.journal, date(2026, 12, 1))] == ["Sydney"]


def test_on_this_day_prefers_earlier_years_then_months(workspace):
    utc = UTC
    _add(workspace, datetime(2025, 11, 30, 9, tzinfo=utc), "A year ago")
    _add(workspace, datetime(2023, 11, 30, 9, tzinfo=utc), "Three years ago")
    _add(workspace, datetime(2026, 10, 30, 9, tzinfo=utc), "A month ago")
    found = days.on_this_day(workspace.journal, date(2026, 11, 30))
    assert [(f.label, [e.title for e in f.entries]) for f in found] == [
        ("1 year ago", ["A year ago"]),
        ("3 years ago", ["Three years ago"]),
    ]
    young = days.on_this_day(workspace.journal, date(2026, 11, 30), years=0)
    assert [(f.label, [e.title for e in f.entries]) for f in young] == [
        ("1 month ago", ["A month ago"])
    ]


def test_nothing_on_this_day_is_an_empty_list(workspace):
    assert days.on_this_day(workspace.journal, date(2026, 2, 29 - 1)) == []
