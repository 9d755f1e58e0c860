"""The small judgement calls behind the patterns, kept apart so each can be tested alone.

Trend rule (what makes a theme "rising" or "falling")
----------------------------------------------------
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
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

TREND_WINDOW_DAYS = 28
TREND_MIN_COUNT = 3
NEGLECT_WEEKS = 6
# Mood-by-tag compares entries with and without a tag only when both sides have this many
# rated entries; fewer would make a difference of means meaningless.
ASSOCIATION_MIN_N = 3


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


def streaks(days: Iterable[str], today: date) -> dict:
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
    return {
        "current": current,
        "longest": longest,
        "days_written": len(written),
        "last_day": written[-1].isoformat() if written else None,
    }


def period_index(period: str) -> int:
    """A running number for a month (``2026-11``) or ISO week (``2026-W48``), so that "the
    last 4 weeks" means calendar weeks, not the last 4 weeks that happen to have entries."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1).toordinal() // 7
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def with_rolling(rows: Sequence[dict], span: int) -> list[dict]:
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


def association(
    with_sum: int, with_n: int, total_sum: int, total_n: int, min_n: int = ASSOCIATION_MIN_N
) -> dict | None:
    """Mean with a tag vs without it, or None when either side is too small to compare."""
    without_n = total_n - with_n
    if with_n < min_n or without_n < min_n:
        return None
    mean_with = with_sum / with_n
    mean_without = (total_sum - with_sum) / without_n
    return {
        "mean_with": round(mean_with, 2),
        "n_with": with_n,
        "mean_without": round(mean_without, 2),
        "n_without": without_n,
        "difference": round(mean_with - mean_without, 2),
    }
