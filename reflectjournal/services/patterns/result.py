"""What ``PatternService.compute`` returns: frozen dataclasses, one per kind of finding.

Field names are the keys of ``reflectjournal patterns --json`` (docs/CLI.md), so the command
line builds its JSON from these (``cli/patterns_cmds.py``) and nothing here knows about JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import starmap
from typing import Any, Protocol, overload


@dataclass(frozen=True)
class TagCount:
    slug: str
    name: str
    category: str
    framework: str | None
    count: int
    recent: int  # entries in the recent trend window
    previous: int  # entries in the window before it
    trend: str  # rising | falling | steady (rules.trend)


@dataclass(frozen=True)
class PeriodCount:
    period: str  # "2026-11" or "2026-W48"
    slug: str
    count: int


class PeriodSource(Protocol):
    """Where a series' rows come from (``scan.Periods``)."""

    def span(self) -> tuple[str, str] | None: ...

    def rows(self, start: str | None = None) -> list[tuple[str, str, int]]: ...


class PeriodCounts(Sequence[PeriodCount]):
    """A per-month or per-week series of tag counts, in (period, slug) order, counted when it
    is first read and then kept: an immutable sequence of ``PeriodCount``.

    Ten years of weeks are ~55,000 rows at 100k entries, which took a third of a
    recomputation to count and make, while the Patterns page shows the last 26 weeks (or 18
    months) of them: it asks ``span()`` and ``since()``, which count only those periods. Read
    whole (iterated, indexed, ``len``, compared), the series is made once. The counting uses
    the day rows read with the rest of the result, never the database: a later read (on the
    GUI thread, say) sees the journal as it was when the result was computed."""

    __slots__ = ("_rows", "_source")

    def __init__(self, source: PeriodSource):
        self._source = source
        self._rows: tuple[PeriodCount, ...] | None = None

    def _all(self) -> tuple[PeriodCount, ...]:
        if self._rows is None:
            self._rows = tuple(starmap(PeriodCount, self._source.rows()))
        return self._rows

    def span(self) -> tuple[str, str] | None:
        """The first and last period holding a row (None for none), without the rows."""
        if self._rows is not None:
            return (self._rows[0].period, self._rows[-1].period) if self._rows else None
        return self._source.span()

    def since(self, period: str) -> tuple[PeriodCount, ...]:
        """The rows of ``period`` and after, counting only those periods."""
        if self._rows is not None:
            return tuple(r for r in self._rows if r.period >= period)
        return tuple(starmap(PeriodCount, self._source.rows(period)))

    @overload
    def __getitem__(self, index: int) -> PeriodCount: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[PeriodCount, ...]: ...

    def __getitem__(self, index: int | slice) -> PeriodCount | tuple[PeriodCount, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[PeriodCount]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PeriodCounts):
            return self._all() == other._all()
        return self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"PeriodCounts({self._all()!r})"


@dataclass(frozen=True)
class PairCount:
    a: str
    b: str
    count: int


@dataclass(frozen=True)
class Gap:
    tag: str
    category: str
    kind: str  # calls-for | builds
    count: int
    calls_for: str
    calls_for_count: int
    together: int
    expected: float
    p_value: float
    message: str


@dataclass(frozen=True)
class DayCount:
    day: str
    count: int


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int
    days_written: int
    days_this_month: int
    last_day: str | None


@dataclass(frozen=True)
class PeriodMean:
    period: str
    mean: float
    n: int
    rolling: float


@dataclass(frozen=True)
class Association:
    slug: str
    mean_with: float
    n_with: int
    mean_without: float
    n_without: int
    difference: float
    interval: tuple[float, float]
    shrunk_difference: float
    clear: bool
    message: str


@dataclass(frozen=True)
class ReflectionLoop:
    plans: int
    acted_on: int
    share_acted_on: float | None
    actions: int
    done: int
    share_done: float | None


@dataclass(frozen=True)
class Term:
    term: str
    entries: int
    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class Neglected:
    slug: str
    name: str
    last: str | None
    weeks_since: int | None


@dataclass(frozen=True)
class RatingPoint:
    date: str
    value: int


@dataclass(frozen=True)
class RatingSeries:
    slug: str
    name: str
    points: tuple[RatingPoint, ...]
    first: int
    latest: int
    change: int


@dataclass(frozen=True)
class ActionCounts:
    open: int
    done: int
    overdue: int
    dropped: int


@dataclass(frozen=True)
class Settings:
    asof: str
    window_days: int
    min_count: int
    neglect_weeks: int
    framework: str | None


@dataclass(frozen=True)
class Patterns:
    total_entries: int
    first: str | None
    last: str | None
    tags: tuple[TagCount, ...]
    timeline: PeriodCounts  # per month
    timeline_weeks: PeriodCounts
    cooccurrence: tuple[PairCount, ...]
    gaps: tuple[Gap, ...]
    calendar: tuple[DayCount, ...]
    streaks: Streaks
    mood: tuple[PeriodMean, ...]
    mood_weeks: tuple[PeriodMean, ...]
    energy: tuple[PeriodMean, ...]
    energy_weeks: tuple[PeriodMean, ...]
    mood_by_tag: tuple[Association, ...]
    energy_by_tag: tuple[Association, ...]
    reflection_loop: ReflectionLoop
    untagged_terms: tuple[Term, ...]
    neglected: tuple[str, ...]  # slugs, as neglected_detail
    neglected_detail: tuple[Neglected, ...]
    neglect_note: str | None
    ratings: tuple[RatingSeries, ...]
    actions: ActionCounts
    settings: Settings

    def by_tag(self, measure: str) -> tuple[Association, ...]:
        """``mood_by_tag`` or ``energy_by_tag``."""
        return self.mood_by_tag if measure == "mood" else self.energy_by_tag

    def series(self, key: str) -> tuple[PeriodMean, ...]:
        """``mood``, ``mood_weeks``, ``energy`` or ``energy_weeks``."""
        found: tuple[PeriodMean, ...] = getattr(self, key)
        return found


def from_parts(result: dict[str, Any]) -> Patterns:
    """The typed result from the parts ``compute`` worked out (plain rows from SQL and rules)."""
    r = result
    return Patterns(
        total_entries=r["total_entries"],
        first=r["first"],
        last=r["last"],
        tags=tuple(TagCount(**t) for t in r["tags"]),
        timeline=PeriodCounts(r["timeline"]),  # scan.Periods: counted when read
        timeline_weeks=PeriodCounts(r["timeline_weeks"]),
        cooccurrence=tuple(starmap(PairCount, r["cooccurrence"])),  # (a, b, count) rows
        gaps=tuple(Gap(**g) for g in r["gaps"]),
        calendar=tuple(starmap(DayCount, r["calendar"])),  # (day, count) rows
        streaks=Streaks(**r["streaks"]),
        mood=tuple(PeriodMean(**m) for m in r["mood"]),
        mood_weeks=tuple(PeriodMean(**m) for m in r["mood_weeks"]),
        energy=tuple(PeriodMean(**m) for m in r["energy"]),
        energy_weeks=tuple(PeriodMean(**m) for m in r["energy_weeks"]),
        mood_by_tag=tuple(_association(a) for a in r["mood_by_tag"]),
        energy_by_tag=tuple(_association(a) for a in r["energy_by_tag"]),
        reflection_loop=ReflectionLoop(**r["reflection_loop"]),
        untagged_terms=tuple(
            Term(t["term"], t["entries"], tuple(t["entry_ids"])) for t in r["untagged_terms"]
        ),
        neglected=tuple(r["neglected"]),
        neglected_detail=tuple(Neglected(**n) for n in r["neglected_detail"]),
        neglect_note=r["neglect_note"],
        ratings=tuple(
            RatingSeries(
                slug=s["slug"],
                name=s["name"],
                points=tuple(RatingPoint(p["date"], p["value"]) for p in s["points"]),
                first=s["first"],
                latest=s["latest"],
                change=s["change"],
            )
            for s in r["ratings"]
        ),
        actions=r["actions"],
        settings=Settings(**r["settings"]),
    )


def _association(a: dict[str, Any]) -> Association:
    low, high = a["interval"]
    return Association(**{**a, "interval": (low, high)})
