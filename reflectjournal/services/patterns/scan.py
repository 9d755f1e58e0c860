"""The reads every pattern is built from, all from the pattern digest (storage/digest.py).

The digest already holds each of the leader's own entries with its *local* day as a number
(days since 0001-01-01, the same count as ``date.toordinal() - 1``), its UTC time in seconds,
mood, energy, model, tag ids and tag-id pairs, kept current by triggers. So a recomputation is
two grouped reads (one row per day, one row per tag) and a string split for co-occurrence;
text dates, ISO weeks and months are made in Python for the few thousand distinct days rather
than once per entry.

A date range is a bound on the UTC time (``Span``); measures that look back past the range (a
tag's last day, for neglect) read the digest without it. Without a range, the sums over every
entry (per tag, per pair of tags, per day) are read from the digest's totals (migration 0015),
a few thousand rows kept by triggers, rather than summed over every entry and link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from reflectjournal.storage.database import Database


def day_number(day: date) -> int:
    return day.toordinal() - 1


def day_of(number: int) -> date:
    return date.fromordinal(number + 1)


@dataclass(frozen=True)
class Span:
    """A date range as UTC ISO bounds (``since`` inclusive, ``until`` exclusive), or open."""

    since: str | None = None
    until: str | None = None

    def where(self, alias: str) -> tuple[str, list[str]]:
        """A condition on ``alias.ts`` (a digest row's UTC seconds), and its parameters."""
        clauses, params = [], []
        if self.since:
            clauses.append(f"{alias}.ts >= unixepoch(?)")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.ts < unixepoch(?)")
            params.append(self.until)
        return " AND ".join(clauses) or "1", params

    @property
    def open(self) -> bool:
        """Whether the range is every entry, so the digest's totals answer for it."""
        return not (self.since or self.until)


@dataclass(slots=True)
class Day:
    number: int
    count: int
    mood_sum: int
    mood_n: int
    energy_sum: int
    energy_n: int
    # Each entry's tag ids joined by ',', entries joined by ';'; an untagged entry is an empty
    # part, which no tag id or pair matches.
    tagsets: str
    # Sums of squares, for the spread behind mood and energy intervals (evidence.py).
    mood_sq: int = 0
    energy_sq: int = 0
    # Its labels, for the calendar, timelines and mood series: "2026-11-30", "2026-11",
    # "2026-W49" (``days`` makes them; see ``labels``).
    day: str = ""
    month: str = ""
    week: str = ""


def labels(number: int, weeks: dict[int, str]) -> tuple[str, str, str]:
    """The day, month and ISO week of day number ``number``. Day 0 (1 January of year 1) is a
    Monday, so ``number // 7`` numbers ISO weeks: ``weeks`` keeps each week's label, made once
    for its seven days."""
    when = day_of(number)
    day = when.isoformat()
    week = weeks.get(number // 7)
    if week is None:
        year, index, _ = when.isocalendar()
        week = weeks[number // 7] = f"{year:04d}-W{index:02d}"
    return day, day[:7], week


@dataclass(frozen=True)
class Whole:
    """The range's entries taken together, read without a row per day: what the summary, the
    streaks and the associations' baseline need from every day, however long the span."""

    count: int
    mood_n: int
    mood_sum: int
    mood_sq: int
    energy_n: int
    energy_sum: int
    energy_sq: int
    numbers: list[int]  # every local day written on in range, ascending


def bounds(db: Database, span: Span) -> tuple[int | None, int | None]:
    """The first and last local day numbers written on in range (None, None for none)."""
    where, params = span.where("p")
    # Two one-aggregate subqueries: each is then a seek to one end of the day order.
    row = db.query_one(
        f"SELECT (SELECT min(dn) FROM pattern_entry p WHERE {where}), "
        f"(SELECT max(dn) FROM pattern_entry p WHERE {where})",
        [*params, *params],
    )
    return (row[0], row[1]) if row is not None else (None, None)


def whole_of(day_rows: list[Day]) -> Whole:
    """``whole`` from the rows of every day in range, when they are in hand anyway."""
    return Whole(
        sum(d.count for d in day_rows),
        sum(d.mood_n for d in day_rows),
        sum(d.mood_sum for d in day_rows),
        sum(d.mood_sq for d in day_rows),
        sum(d.energy_n for d in day_rows),
        sum(d.energy_sum for d in day_rows),
        sum(d.energy_sq for d in day_rows),
        [d.number for d in day_rows],
    )


def whole(db: Database, span: Span) -> Whole:
    if span.open:
        return _whole_of_totals(db)
    where, params = span.where("p")
    row = db.query_one(
        "SELECT count(*), count(mood), sum(mood), sum(mood * mood), count(energy), "
        f"sum(energy), sum(energy * energy) FROM pattern_entry p WHERE {where}",
        params,
    )
    # One text of every day number, not a row each: a century is 36,500 days (30 ms as rows).
    joined = db.scalar(
        "SELECT group_concat(dn) FROM "
        f"(SELECT DISTINCT dn FROM pattern_entry p WHERE {where} ORDER BY dn)",
        params,
    )
    numbers = list(map(int, joined.split(","))) if joined else []
    c, mood_n, mood_sum, mood_sq, energy_n, energy_sum, energy_sq = row or (0,) * 7
    return Whole(
        c, mood_n, mood_sum or 0, mood_sq or 0, energy_n, energy_sum or 0, energy_sq or 0, numbers
    )


def _whole_of_totals(db: Database) -> Whole:
    """``whole`` for every entry, from the per-day totals (one row per day written on)."""
    row = db.query_one(
        "SELECT coalesce(sum(n), 0), coalesce(sum(mood_n), 0), coalesce(sum(mood_sum), 0), "
        "coalesce(sum(mood_sq), 0), coalesce(sum(energy_n), 0), coalesce(sum(energy_sum), 0), "
        "coalesce(sum(energy_sq), 0) FROM pattern_day_total"
    )
    joined = db.scalar(
        "SELECT group_concat(dn) FROM (SELECT dn FROM pattern_day_total ORDER BY dn)"
    )
    numbers = list(map(int, joined.split(","))) if joined else []
    c, mood_n, mood_sum, mood_sq, energy_n, energy_sum, energy_sq = row or (0,) * 7
    return Whole(c, mood_n, mood_sum, mood_sq, energy_n, energy_sum, energy_sq, numbers)


def days(db: Database, span: Span, since: int | None = None) -> list[Day]:
    """Per local day in range (from day number ``since`` on, if given): counts, mood and energy
    sums, and every entry's tag ids."""
    where, bounds = span.where("p")
    params: list[str | int] = [*bounds]
    if since is not None:
        where += " AND p.dn >= ?"
        params.append(since)
    rows = db.query(
        "SELECT dn, count(*), sum(mood), count(mood), sum(energy), count(energy), "
        "group_concat(tags, ';'), sum(mood * mood), sum(energy * energy) "
        f"FROM pattern_entry p WHERE {where} GROUP BY dn ORDER BY dn",
        params,
    )
    # Labelled here, with the week labels shared by seven days: as cached properties the
    # labels of ten years of days cost ~15 ms (a lock and a date for each of three).
    weeks: dict[int, str] = {}
    return [
        Day(
            r[0],
            r[1],
            r[2] or 0,
            r[3],
            r[4] or 0,
            r[5],
            r[6],
            r[7] or 0,
            r[8] or 0,
            *labels(r[0], weeks),
        )
        for r in rows
    ]


class Periods:
    """Per month or per ISO week (``unit``): how many in-range entries carry each tag in
    ``slugs`` (tag id text → slug), counted from the day rows in hand when asked.

    Ten years of weeks are ~55,000 (period, slug, count) rows at 100k entries, and the Patterns
    page shows the last 26 weeks (or 18 months): ``rows(start)`` counts only the days from that
    period on, and ``span()`` names the first and last period with a row, so the page never
    pays for the rest. The typed result (``result.PeriodCounts``) makes every row only when the
    whole series is read (``patterns --json``)."""

    def __init__(self, day_rows: list[Day], unit: str, slugs: dict[str, str]):
        self.day_rows = day_rows
        self.unit = unit
        self.slugs = slugs

    def _period(self, d: Day) -> str:
        return d.month if self.unit == "month" else d.week

    def _named(self, d: Day) -> bool:
        """Whether any entry that day carries a tag in ``slugs``."""
        if not d.tagsets:
            return False
        slugs = self.slugs
        return any(t in slugs for t in d.tagsets.replace(";", ",").split(","))

    def span(self) -> tuple[str, str] | None:
        """The first and last period holding a row, or None when there are none."""
        first = next((d for d in self.day_rows if self._named(d)), None)
        if first is None:
            return None
        last = next(d for d in reversed(self.day_rows) if self._named(d))
        return self._period(first), self._period(last)

    def rows(self, start: str | None = None) -> list[tuple[str, str, int]]:
        """(period, slug, count) rows in (period, slug) order, from period ``start`` on
        (periods compare as text: ``2026-11``, ``2026-W48``)."""
        # Each period's tag ids are counted in one C-speed Counter call over its days' tag
        # lists; adding per-day Counters together loops in Python (~125k steps at 100k).
        periods: dict[str, list[str]] = {}
        chosen = self.day_rows
        if start is not None:  # the days are in order, and so are their periods
            first = len(chosen)
            while first and self._period(chosen[first - 1]) >= start:
                first -= 1
            chosen = chosen[first:]
        for d in chosen:
            if d.tagsets:
                periods.setdefault(self._period(d), []).append(d.tagsets)
        # Slugs are unique, so walking periods in order and tags in slug order gives the
        # (period, slug) order without sorting tens of thousands of rows.
        by_slug = sorted(self.slugs.items(), key=lambda item: item[1])
        result: list[tuple[str, str, int]] = []
        for period in sorted(periods):
            counts = Counter(";".join(periods[period]).replace(";", ",").split(","))
            result.extend((period, slug, counts[t]) for t, slug in by_slug if t in counts)
        return result


def tag_totals(db: Database, span: Span, day_rows: list[Day],
               recent: tuple[int, int], previous: tuple[int, int],
               asof: int) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Per tag id (every tag): in-range count, recent and previous window counts, mood and energy sums,
    and ``last``, the latest local day number up to ``asof`` it was written about (any range).
    ``day_rows`` must hold the days of both windows."""
    # The digest's links give each tag's in-range count and sums in one grouped pass (one link
    # per entry and tag, so the count is that of the entries carrying it); the two windows are
    # a few weeks of the day rows in hand.
    # Without a range, the same sums are the digest's per-tag totals.
    params: list[str] = []
    if span.open:
        query = (
            "SELECT tag_id, mood_sum, mood_n, energy_sum, energy_n, mood_sq, energy_sq, n "
            "FROM pattern_tag_total"
        )
    else:
        where, params = span.where("l")
        query = (
            "SELECT tag_id, sum(mood), count(mood), sum(energy), count(energy), "
            f"sum(mood * mood), sum(energy * energy), count(*) FROM pattern_link l WHERE {where} "
            "GROUP BY tag_id"
        )
    sums = {r[0]: r[1:] for r in db.query(query, params)}
    # One index seek per tag, in (tag, day) order, instead of a pass over every link.
    last = dict(
        db.query(
            "SELECT t.id, (SELECT max(l.dn) FROM pattern_link l WHERE l.tag_id = t.id "
            "AND l.dn <= ?) FROM tag t",
            (asof,),
        )
    )
    recent_n = _window(day_rows, recent[0], recent[1] + 1)
    previous_n = _window(day_rows, *previous)
    result = {}
    for tag_id, seen in last.items():
        mood_sum, mood_n, energy_sum, energy_n, mood_sq, energy_sq, count = sums.get(
            tag_id, (0, 0, 0, 0, 0, 0, 0)
        )
        key = str(tag_id)
        result[tag_id] = {
            "count": count,
            "recent": recent_n.get(key, 0),
            "previous": previous_n.get(key, 0),
            "mood_sum": mood_sum or 0,
            "mood_n": mood_n,
            "energy_sum": energy_sum or 0,
            "energy_n": energy_n,
            "mood_sq": mood_sq or 0,
            "energy_sq": energy_sq or 0,
            "last": seen,
        }
    return result


def _window(day_rows: list[Day], start: int, stop: int) -> Counter[str]:
    """Tag id counts over the in-range days numbered ``start`` up to, not including, ``stop``."""
    parts = [d.tagsets for d in day_rows if start <= d.number < stop and d.tagsets]
    return Counter(";".join(parts).replace(";", ",").split(","))


def cooccurrence(db: Database, span: Span, slugs: dict[str, str]) -> list[tuple[str, str, int]]:
    """Pairs of tags in ``slugs`` written in the same entry, with how many entries have both,
    as (a, b, count) rows (``a`` < ``b``), most entries first: thousands of pairs go straight
    into the typed result (result.PairCount) without a dict each."""
    if span.open:  # the digest's pair totals: every pair of tag ids counted already
        counted = [
            (str(a), str(b), n) for a, b, n in db.query("SELECT a, b, n FROM pattern_pair_total")
        ]
    else:
        where, params = span.where("p")
        joined = db.scalar(
            f"SELECT group_concat(pairs, ',') FROM pattern_entry p WHERE {where} AND pairs != ''",
            params,
        )
        # Count raw id pairs at C speed, then name and orient the few thousand distinct pairs.
        counted = []
        for pair, n in Counter(joined.split(",") if joined else ()).items():
            a, _, b = pair.partition("-")
            counted.append((a, b, n))
    # A plain dict: a Counter's missing-key hook is a Python call per new pair.
    pairs: dict[tuple[str, str], int] = {}
    for a, b, n in counted:
        first, second = slugs.get(a), slugs.get(b)
        if first is not None and second is not None:
            key = (first, second) if first <= second else (second, first)
            pairs[key] = pairs.get(key, 0) + n
    # Most entries together first, then by the pair's names: two stable C-speed sorts.
    ranked = [(a, b, n) for (a, b), n in pairs.items()]
    ranked.sort()
    ranked.sort(key=itemgetter(2), reverse=True)
    return ranked
