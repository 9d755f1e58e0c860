"""The weekly review: the last seven local days, as data and as Markdown ready to become a new
reflection (the leader edits it, then answers the questions at the end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reflectjournal.services.display import plural
from reflectjournal.services.patterns.evidence import Sample, mean_change
from reflectjournal.services.patterns.rules import trend
from reflectjournal.services.patterns.service import LOCAL_DAY, OWN_WRITING
from reflectjournal.services.timeutil import to_storage
from reflectjournal.storage.database import Database

DAYS = 7


def _bound(day: date) -> str:
    """UTC text a day (and a half) wider than the local range, so every time zone's entries are
    fetched; the exact local-day test then happens in SQL."""
    return to_storage(datetime(day.year, day.month, day.day, 12).astimezone())[0]


@dataclass(frozen=True)
class ReviewEntry:
    id: int
    title: str
    day: str  # the writer's local day, ISO
    mood: int | None
    energy: int | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ReviewTheme:
    slug: str
    name: str
    count: int
    previous_week: int
    trend: str = "steady"  # rising | falling | steady, by the shared rule (patterns/rules.py)


@dataclass(frozen=True)
class Measure:
    """Mood or energy this week: mean (2 decimals) over n entries, and the week before's."""

    mean: float | None
    n: int
    previous_mean: float | None
    previous_n: int = 0
    change: str = "too few"  # up | down | level | too few (patterns/evidence.py mean_change)


@dataclass(frozen=True)
class ReviewAction:
    id: int
    text: str
    due: str | None
    owner: str | None
    overdue: bool


@dataclass(frozen=True)
class Review:
    """The last seven local days, ready to become a reflection (``markdown``, ``title``)."""

    since: str
    until: str
    entries: tuple[ReviewEntry, ...]
    themes: tuple[ReviewTheme, ...]
    mood: Measure
    energy: Measure
    open_actions: tuple[ReviewAction, ...]
    title: str
    markdown: str

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.open_actions if a.overdue)


class WeeklyReview:
    def __init__(self, db: Database):
        self.db = db

    def build(self, asof: date | None = None) -> Review:
        end = asof or datetime.now().astimezone().date()
        start = end - timedelta(days=DAYS - 1)
        before = start - timedelta(days=DAYS)
        entries = tuple(self._entries(start, end))
        themes = tuple(self._themes(start, end, before))
        mood = self._measure("mood", start, end, before)
        energy = self._measure("energy", start, end, before)
        actions = tuple(self._open_actions(end))
        title = f"Weekly review, {_span(start, end)}"
        markdown = to_markdown(title, entries, themes, mood, energy, actions)
        return Review(
            start.isoformat(), end.isoformat(), entries, themes, mood, energy, actions, title,
            markdown,
        )  # fmt: skip

    def _between(self, start: date, end: date) -> tuple[str, list[str]]:
        return (
            f"{OWN_WRITING} AND e.created >= ? AND e.created < ? AND {LOCAL_DAY} BETWEEN ? AND ?",
            [
                _bound(start - timedelta(days=2)),
                _bound(end + timedelta(days=2)),
                start.isoformat(),
                end.isoformat(),
            ],
        )

    def _entries(self, start: date, end: date) -> list[ReviewEntry]:
        where, params = self._between(start, end)
        rows = self.db.query(
            f"SELECT e.id, e.title, {LOCAL_DAY} AS day, e.mood, e.energy, "
            "(SELECT group_concat(t.slug, ' ') FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
            " WHERE et.entry_id = e.id) AS tags "
            f"FROM entry e WHERE {where} ORDER BY e.created, e.id",
            params,
        )
        return [
            ReviewEntry(
                int(r["id"]),
                r["title"],
                r["day"],
                r["mood"],
                r["energy"],
                tuple((r["tags"] or "").split()),
            )
            for r in rows
        ]

    def _themes(self, start: date, end: date, before: date) -> list[ReviewTheme]:
        where, params = self._between(before, end)
        rows = self.db.query(
            f"SELECT t.slug, t.name, sum({LOCAL_DAY} >= ?) AS this_week, "
            f"sum({LOCAL_DAY} < ?) AS last_week FROM entry e "
            "JOIN entry_tag et ON et.entry_id = e.id JOIN tag t ON t.id = et.tag_id "
            f"WHERE {where} GROUP BY t.id HAVING this_week > 0 "
            "ORDER BY this_week DESC, t.slug",
            [start.isoformat(), start.isoformat(), *params],
        )
        # The same rule as Patterns and the prep brief: a change is called only when it clears
        # the minimum count and the noise bar (patterns/rules.py).
        return [ReviewTheme(r[0], r[1], int(r[2]), int(r[3]), trend(r[2], r[3])) for r in rows]

    def _measure(self, column: str, start: date, end: date, before: date) -> Measure:
        where, params = self._between(before, end)
        now, earlier = f"{LOCAL_DAY} >= ?", f"{LOCAL_DAY} < ?"
        value, square = f"e.{column}", f"e.{column} * e.{column}"
        row = self.db.query_one(
            "SELECT "
            + ", ".join(
                f"{fn}(CASE WHEN {side} THEN {expr} END)"
                for side in (now, earlier)
                for fn, expr in (("count", value), ("total", value), ("total", square))
            )
            + f" FROM entry e WHERE {where}",
            [start.isoformat()] * 6 + params,
        )
        if row is None:  # an aggregate query always answers one row
            raise RuntimeError("the weekly measure query returned nothing")
        this_week, last_week = Sample(*row[:3]), Sample(*row[3:])
        return Measure(
            round(this_week.mean, 2) if this_week.mean is not None else None,
            int(this_week.n),
            round(last_week.mean, 2) if last_week.mean is not None else None,
            int(last_week.n),
            mean_change(this_week, last_week),
        )

    def _open_actions(self, today: date) -> list[ReviewAction]:
        rows = self.db.query(
            "SELECT a.id, a.text, a.due, p.name FROM action a "
            "LEFT JOIN person p ON p.id = a.owner_id WHERE a.status = 'open' "
            "ORDER BY a.due IS NULL OR a.due = '', a.due, a.id"
        )
        return [
            ReviewAction(
                int(r[0]), r[1], r[2] or None, r[3], bool(r[2]) and r[2] < today.isoformat()
            )
            for r in rows
        ]


def _span(start: date, end: date) -> str:
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"


def _mood_line(label: str, m: Measure) -> str:
    if m.mean is None:
        return f"- {label}: not recorded this week"
    line = f"- {label}: {m.mean:.1f} / 5 over {plural(m.n, 'entry')}"
    if m.previous_mean is None:
        return line
    before = f"{m.previous_mean:.1f} over {plural(m.previous_n, 'entry')} the week before"
    wording = {
        "up": f"up from {before}",
        "down": f"down from {before}",
        "level": f"no clear change from {before}",
        "too few": f"too few ratings to compare with {before}",
    }
    return line + f" ({wording[m.change]})"


def to_markdown(
    title: str,
    entries: tuple[ReviewEntry, ...],
    themes: tuple[ReviewTheme, ...],
    mood: Measure,
    energy: Measure,
    open_actions: tuple[ReviewAction, ...],
) -> str:
    """Markdown built only from the leader's own data; titles are escaped so a heading or link
    typed in a title stays literal text in the review."""
    lines = [f"# {title}", ""]
    lines += ["## What I wrote", ""]
    if entries:
        for e in entries:
            tags = " ".join(f"@{t}" for t in e.tags)
            lines.append(f"- {e.day}: {_escape(e.title)}" + (f" — {tags}" if tags else ""))
    else:
        lines.append("- Nothing this week. That is worth noticing too.")
    lines += ["", "## Themes", ""]
    if themes:
        for t in themes:
            note = f"{t.previous_week} the week before"
            if t.trend != "steady":
                note += f"; {t.trend}"
            lines.append(f"- {t.name}: {t.count} ({note})")
    else:
        lines.append("- No tagged themes this week.")
    lines += ["", "## Mood and energy", "", _mood_line("Mood", mood)]
    lines.append(_mood_line("Energy", energy))
    lines += ["", "## Open actions", ""]
    if open_actions:
        for a in open_actions:
            due = f" (due {a.due}{', overdue' if a.overdue else ''})" if a.due else ""
            lines.append(f"- [ ] {_escape(a.text)}{due}")
    else:
        lines.append("- None open.")
    lines += [
        "",
        "## Looking back, looking ahead",
        "",
        "- What stands out from this week, and why?",
        "- Which open action matters most now, and what is the first step?",
        "- What do I want to pay attention to next week?",
        "",
    ]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in " ".join(text.split()))
