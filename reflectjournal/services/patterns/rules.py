"""The small judgement calls behind the patterns, kept apart so each can be tested alone.

Trend rule (what makes a theme "rising" or "falling")
----------------------------------------------------
One rule for every page that says a theme is rising: Patterns, the coach's prep brief and the
weekly review all call ``trend`` on counts of the author's own writing (never a coach's or
mentor's tags on it).

Two equal windows of local days are compared: *recent* is the ``window`` days ending on the
reference day (inclusive), *previous* is the ``window`` days before that. A tag is:

- ``steady`` unless the busier window has at least ``min_count`` entries, so two or three
  scattered mentions are never called a trend;
- ``rising`` when ``recent - previous >= max(2, sqrt(recent + previous))``;
- ``falling`` when ``previous - recent`` passes the same bar.

The square-root bar is roughly one standard deviation of the difference of two counts that
came from the same rate, so a change has to stand out from ordinary week-to-week noise, and
the floor of 2 stops a one-entry wobble from counting. Examples (min_count 3): 3 vs 0 rising,
2 vs 0 steady (too few), 3 vs 2 steady, 3 vs 1 rising, 10 vs 6 rising, 10 vs 7 steady.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

TREND_WINDOW_DAYS = 28
TREND_MIN_COUNT = 3
NEGLECT_WEEKS = 6
# How far back the monthly and weekly series and the day calendar reach (PatternOptions).
SERIES_YEARS = 10
# "Not reflected on lately" needs a journal kept for this many neglect periods: in a journal
# ten days old every capability is unmentioned, which says nothing about the leader.
NEGLECT_HISTORY = 2


def trend(recent: int, previous: int, min_count: int = TREND_MIN_COUNT) -> str:
    if max(recent, previous) < min_count:
        return "steady"
    bar = max(2.0, math.sqrt(recent + previous))
    if recent - previous >= bar:
        return "rising"
    if previous - recent >= bar:
        return "falling"
    return "steady"


def windows(asof: date, days: int = TREND_WINDOW_DAYS) -> tuple[str, str, str]:
    """(previous window's first day, recent window's first day, reference day) as ISO text."""
    recent_start = asof - timedelta(days=days - 1)
    previous_start = recent_start - timedelta(days=days)
    return previous_start.isoformat(), recent_start.isoformat(), asof.isoformat()


def recent_days(days: list[Any], years: int | None, lead_days: int = 0) -> list[Any]:
    """The day rows (``scan.Day``, in order) of the last ``years`` up to the last one written,
    and ``lead_days`` more before them; all of them when ``years`` is None."""
    if years is None or not days:
        return days
    cutoff = days[-1].number - years * 365 - years // 4 - lead_days
    first = bisect_right([d.number for d in days], cutoff)
    return days[first:]


def first_shown_day(last: int | None, years: int | None, lead_days: int = 0) -> int | None:
    """The first day number ``recent_days`` can keep from days written up to day number
    ``last``: rows before it need not be read. None when every day may be kept."""
    if years is None or last is None:
        return None
    return last - years * 365 - years // 4 - lead_days + 1


def streaks_of_days(numbers: list[int], today: date) -> dict[str, Any]:
    """``streaks`` from day numbers (days since 0001-01-01, ascending): a century of days
    without making a date of each."""
    longest = run = 0
    previous = None
    for number in numbers:
        run = run + 1 if previous is not None and number - previous == 1 else 1
        longest = max(longest, run)
        previous = number
    present = set(numbers)
    day = today.toordinal() - 1
    cursor = day if day in present else day - 1
    current = 0
    while cursor in present:
        current += 1
        cursor -= 1
    month_start = today.replace(day=1).toordinal() - 1
    month = sum(1 for n in reversed(numbers) if month_start <= n <= day) if numbers else 0
    return {
        "current": current,
        "longest": longest,
        "days_written": len(present),
        "days_this_month": month,
        "last_day": date.fromordinal(numbers[-1] + 1).isoformat() if numbers else None,
    }


def streaks(days: Iterable[str], today: date) -> dict[str, Any]:
    """Runs of consecutive local days written on.

    ``current`` counts back from today, or from yesterday when today has no entry yet (the day
    is not over, so an unbroken habit should not read as zero at breakfast).
    """
    written = sorted({date.fromisoformat(d) for d in days})
    longest = run = 0
    previous: date | None = None
    for day in written:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    present = set(written)
    cursor = today if today in present else today - timedelta(days=1)
    while cursor in present:
        current += 1
        cursor -= timedelta(days=1)
    month = sum(1 for d in written if (d.year, d.month) == (today.year, today.month) and d <= today)
    return {
        "current": current,
        "longest": longest,
        "days_written": len(written),
        "days_this_month": month,
        "last_day": written[-1].isoformat() if written else None,
    }


def journal_old_enough(first: date | None, asof: date, neglect_weeks: int) -> bool:
    """Whether the journal is old enough for "not reflected on lately" to mean anything."""
    return first is not None and (asof - first).days >= NEGLECT_HISTORY * neglect_weeks * 7


def neglect_note(first: date | None, asof: date, neglect_weeks: int) -> str | None:
    """Why the neglect list is empty while the journal is young, or None once it counts."""
    if journal_old_enough(first, asof, neglect_weeks):
        return None
    weeks = NEGLECT_HISTORY * neglect_weeks
    if first is None:
        return f"Capabilities you have not reflected on are listed once you have written for {weeks} weeks."
    ready = first + timedelta(weeks=weeks)
    return (
        f"Your journal began on {long_date(first)}; capabilities you have not reflected on "
        f"are listed from {long_date(ready)}, when there is enough history to tell."
    )


def long_date(day: date) -> str:
    """A UK long date: 3 November 2026."""
    return f"{day.day} {day:%B %Y}"


def periods_between(first: str, last: str) -> list[str]:
    """Every month (``2026-11``) or ISO week (``2026-W48``) from ``first`` to ``last``, empty
    ones included, so a time axis shows the quiet weeks as gaps instead of hiding them."""
    if "-W" in first:
        first_year, first_week = (int(x) for x in first.split("-W"))
        last_year, last_week = (int(x) for x in last.split("-W"))
        start = date.fromisocalendar(first_year, first_week, 1)
        stop = date.fromisocalendar(last_year, last_week, 1)
        result = []
        while start <= stop:
            year, week, _ = start.isocalendar()
            result.append(f"{year:04d}-W{week:02d}")
            start += timedelta(weeks=1)
        return result
    return [
        f"{index // 12:04d}-{index % 12 + 1:02d}"
        for index in range(period_index(first), period_index(last) + 1)
    ]


def period_index(period: str) -> int:
    """A running number for a month (``2026-11``) or ISO week (``2026-W48``), so that "the
    last 4 weeks" means calendar weeks, not the last 4 weeks that happen to have entries."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1).toordinal() // 7
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def with_rolling(rows: Sequence[dict[str, Any]], span: int) -> list[dict[str, Any]]:
    """Add ``rolling``: the mean over this period and the ``span - 1`` calendar periods before
    it, weighted by how many ratings each holds (a busy week counts more than one note).

    Rows need ``period``, ``sum`` and ``n``, in period order.
    """
    indexed = [(period_index(r["period"]), r) for r in rows]
    result = []
    first = total = n = 0
    for index, row in indexed:
        total += row["sum"]
        n += row["n"]
        # Slide the window's start forward past periods that are now too old.
        while indexed[first][0] <= index - span:
            total -= indexed[first][1]["sum"]
            n -= indexed[first][1]["n"]
            first += 1
        result.append(
            {
                "period": row["period"],
                "mean": round(row["sum"] / row["n"], 2),
                "n": row["n"],
                "rolling": round(total / n, 2),
            }
        )
    return result
