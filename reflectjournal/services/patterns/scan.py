"""The one pass over the journal that every pattern is read from.

Entries are copied into an in-memory TEMP table from ``ix_entry_patterns``, a covering index
(migration 0002), so SQLite never reads the table pages that hold the bodies: at 100k entries
those are ~120 MB to decrypt, and reading them was most of what the patterns used to cost.

Each entry's *local* day is kept as a day number (days since 0001-01-01, the same count as
``date.toordinal() - 1``) worked out with integer arithmetic from ``unixepoch(created)`` and the
writer's ``created_offset`` minutes; text dates, ISO weeks and months are made in Python for the
few thousand distinct days instead of once per entry.

The TEMP table holds all of the leader's own entries with an ``in_range`` flag, because the
neglected-capability measure looks back past the chosen range.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from reflectjournal.storage.database import Database

# Seconds from 0001-01-01 to 1970-01-01: shifting by it keeps the dividend positive, so integer
# division floors for any date a journal can hold.
_EPOCH_SHIFT = 62135596800
DAY_NUMBER = f"((unixepoch(e.created) + e.created_offset * 60 + {_EPOCH_SHIFT}) / 86400)"
# Packs (UTC second, local day number) into one integer so max() finds the newest entry and
# carries its local day along (a day number is below 10**6 until the year 2738).
_LAST_SEEN = 1_000_000


def day_number(day: date) -> int:
    return day.toordinal() - 1


def day_of(number: int) -> date:
    return date.fromordinal(number + 1)


@contextmanager
def entries(db: Database, since: str | None, until: str | None) -> Iterator[str]:
    # A unique name lets a background recomputation and a UI-thread drill-down share the
    # connection without tripping over each other's table.
    name = f"temp.rj_pattern_{uuid.uuid4().hex[:12]}"
    clauses, params = [], []
    if since:
        clauses.append("e.created >= ?")
        params.append(since)
    if until:
        clauses.append("e.created < ?")
        params.append(until)
    in_range = f"({' AND '.join(clauses)})" if clauses else "1"
    db.execute(
        f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, dn INTEGER, ts INTEGER, mood INTEGER, "
        "energy INTEGER, model TEXT, in_range INTEGER)"
    )
    try:
        db.execute(
            f"INSERT INTO {name} SELECT e.id, {DAY_NUMBER}, unixepoch(e.created), e.mood, "
            f"e.energy, e.model, {in_range} FROM entry e WHERE e.kind != 'shared'",
            params,
        )
        yield name
    finally:
        db.execute(f"DROP TABLE IF EXISTS {name}")


@dataclass
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
    untagged: int
    day: str = ""
    month: str = ""
    week: str = ""

    def __post_init__(self) -> None:
        # Worked out once per day, for the calendar, timelines and mood series alike.
        d = day_of(self.number)
        year, week, _ = d.isocalendar()
        self.day, self.month, self.week = (
            d.isoformat(),
            d.isoformat()[:7],
            f"{year:04d}-W{week:02d}",
        )


def days(db: Database, p: str) -> list[Day]:
    """Per local day in range: counts, mood and energy sums, and every entry's tag ids."""
    # The tag subquery appears once: SQLite copies a flattened subquery into every expression
    # that names it, and counting its NULLs as well ran it twice per entry (~45 ms at 100k).
    # Untagged entries are counted from the empty parts instead.
    rows = db.query(
        "SELECT dn, count(*), sum(mood), count(mood), sum(energy), count(energy), "
        "group_concat(tags, ';') FROM (SELECT p.dn, p.mood, p.energy, coalesce("
        "(SELECT group_concat(et.tag_id) FROM entry_tag et WHERE et.entry_id = p.id), '') AS tags "
        f"FROM {p} p WHERE p.in_range) GROUP BY dn ORDER BY dn"
    )
    return [
        Day(r[0], r[1], r[2] or 0, r[3], r[4] or 0, r[5], r[6], r[6].split(";").count(""))
        for r in rows
    ]


def period_counts(day_rows: list[Day]) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """Per month and per ISO week: how many in-range entries carry each tag id (as text)."""
    # Each period's tag ids are counted in one C-speed Counter call over its days' tag lists;
    # adding per-day or per-run Counters together loops in Python (~125k steps at 100k).
    months: dict[str, list[str]] = {}
    weeks: dict[str, list[str]] = {}
    for d in day_rows:
        if d.tagsets:
            months.setdefault(d.month, []).append(d.tagsets)
            weeks.setdefault(d.week, []).append(d.tagsets)
    return _count_each(months), _count_each(weeks)


def _count_each(periods: dict[str, list[str]]) -> dict[str, Counter]:
    return {k: Counter(";".join(v).replace(";", ",").split(",")) for k, v in periods.items()}


def tag_totals(db: Database, p: str, ranged: bool, day_rows: list[Day],
               months: dict[str, Counter], recent: tuple[int, int],
               previous: tuple[int, int], asof: int) -> dict[int, dict]:  # fmt: skip
    """Per tag id: in-range count, recent and previous window counts, mood and energy sums,
    and ``last``, the local day number of the newest entry up to ``asof`` (any range)."""
    # Counts come from the per-day tag lists already in hand (the months' counts add up to the
    # range; the two windows are a few weeks of days), so the join over every tag link only
    # sums moods and energies and finds the last entry: a third less work per link.
    only = (
        (lambda column: f"CASE WHEN p.in_range THEN p.{column} END")
        if ranged
        else (lambda column: f"p.{column}")
    )
    rows = db.query(
        f"SELECT et.tag_id, sum({only('mood')}), count({only('mood')}), "
        f"sum({only('energy')}), count({only('energy')}), "
        f"max(CASE WHEN p.dn <= ? THEN p.ts * {_LAST_SEEN} + p.dn END) "
        f"FROM entry_tag et JOIN {p} p ON p.id = et.entry_id GROUP BY et.tag_id",
        (asof,),
    )
    count: Counter[str] = Counter()
    for counts in months.values():
        count.update(counts)
    recent_n = _window(day_rows, recent[0], recent[1] + 1)
    previous_n = _window(day_rows, *previous)
    return {
        r[0]: {
            "count": count.get(key := str(r[0]), 0),
            "recent": recent_n.get(key, 0),
            "previous": previous_n.get(key, 0),
            "mood_sum": r[1] or 0,
            "mood_n": r[2],
            "energy_sum": r[3] or 0,
            "energy_n": r[4],
            "last": None if r[5] is None else r[5] % _LAST_SEEN,
        }
        for r in rows
    }


def _window(day_rows: list[Day], start: int, stop: int) -> Counter:
    """Tag id counts over the in-range days numbered ``start`` up to, not including, ``stop``."""
    parts = [d.tagsets for d in day_rows if start <= d.number < stop and d.tagsets]
    return Counter(";".join(parts).replace(";", ",").split(","))


def timelines(months: dict[str, Counter], weeks: dict[str, Counter],
              slugs: dict[str, str]) -> tuple[list[dict], list[dict]]:  # fmt: skip
    """Per-month and per-ISO-week counts of the tags in ``slugs`` (tag id text → slug)."""
    # Slugs are unique, so walking periods in order and tags in slug order gives the
    # (period, slug) order without sorting tens of thousands of rows.
    by_slug = sorted(slugs.items(), key=lambda item: item[1])
    result = []
    for periods in (months, weeks):
        rows: list[dict] = []
        for period in sorted(periods):
            counts = periods[period]
            rows.extend(
                {"period": period, "slug": slug, "count": counts[t]}
                for t, slug in by_slug
                if t in counts
            )
        result.append(rows)
    return result[0], result[1]


def cooccurrence(day_rows: list[Day], slugs: dict[str, str]) -> list[dict]:
    """Pairs of tags in ``slugs`` written in the same entry, counted per distinct tag set."""
    sets = Counter(";".join(d.tagsets for d in day_rows if d.tagsets).split(";"))
    # Count by raw tag id pairs first (cheap), then name and orient the few thousand pairs.
    by_id: Counter[tuple[str, str]] = Counter()
    for tagset, n in sets.items():
        if "," not in tagset:
            continue
        ids = tagset.split(",")
        if len(ids) == 2:  # most sets: the set is its only pair
            by_id[(ids[0], ids[1])] += n
        else:
            for pair in combinations(ids, 2):
                by_id[pair] += n
    pairs: Counter[tuple[str, str]] = Counter()
    for (a, b), n in by_id.items():
        if a in slugs and b in slugs:
            pairs[tuple(sorted((slugs[a], slugs[b])))] += n
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"a": a, "b": b, "count": n} for (a, b), n in ranked]
