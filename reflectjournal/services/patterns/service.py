"""Patterns over time: the numbers behind ``reflectjournal patterns`` and the Patterns view.

SQL does the counting, over the pattern digest (storage/digest.py): a compact copy of each of
the leader's entries with its *local* day number (``created`` is UTC; ``created_offset`` is the
writer's own UTC offset at that moment, so an entry written at 00:30 on the morning the clocks
change lands on the day the writer saw), mood, energy and tag ids, kept current by triggers.
``scan.py`` reads it: one row per day (counts, mood, energy and each entry's tag ids) and one
row per tag (mood and energy sums, last day seen). Tag counts, trend windows, timelines, the
calendar and the mood series are summed from the per-day rows in Python, a few thousand rows
rather than one per entry.

What counts: the leader's own writing (reflections and session notes). Entries other people
shared are their words, not the leader's patterns, so they are left out everywhere here.
Actions are a current to-do list, so their counts are the state today, not limited to a range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from reflectjournal.errors import UsageError
from reflectjournal.services.frameworks import FrameworkService, reflection_models
from reflectjournal.services.patterns import evidence, rules, scan, words
from reflectjournal.services.patterns.result import ActionCounts, Patterns, from_parts
from reflectjournal.services.tags import slugify
from reflectjournal.storage.database import Database

LOCAL_DAY = "date(e.created, e.created_offset || ' minutes')"
OWN_WRITING = "e.kind != 'shared'"
# Only these relations say one item needs or grows another, so only they can leave a gap;
# "influences" and "related" describe the territory and never prompt a deficit message.
GAP_KINDS = ("calls-for", "builds")
RELATION_VERBS = {"calls-for": "calls for", "builds": "builds"}
# Days before the series' first period that its rolling means look at.
LEAD_DAYS = 120


def _lower(name: str) -> str:
    """'Systems thinking' -> 'systems thinking' inside a sentence; 'QI training' stays."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _association_row(a: evidence.TagAssociation, measure: str) -> dict[str, Any]:
    return {
        "slug": a.slug,
        "mean_with": a.mean_with,
        "n_with": a.n_with,
        "mean_without": a.mean_without,
        "n_without": a.n_without,
        "difference": a.difference,
        "interval": [a.low, a.high],
        "shrunk_difference": a.shrunk,
        "clear": a.clear,
        "message": a.sentence(measure),
    }


@dataclass(frozen=True)
class PatternOptions:
    since: str | None = None  # UTC ISO lower bound (timeutil.range_start)
    until: str | None = None  # UTC ISO exclusive upper bound (timeutil.range_end)
    asof: date | None = None  # reference day for trends, streaks, neglect; default today
    framework: str | None = None  # only this framework's items
    window_days: int = rules.TREND_WINDOW_DAYS
    min_count: int = rules.TREND_MIN_COUNT
    neglect_weeks: int = rules.NEGLECT_WEEKS
    # The monthly and weekly series and the per-day calendar cover this many years up to the
    # last day written in the range (None: the whole range). Counts, trends, streaks and
    # everything else always cover the whole range. Bounded so a computation costs the same
    # for a journal spanning a century as for one spanning a decade (issue 17).
    series_years: int | None = rules.SERIES_YEARS

    def reference_day(self) -> date:
        if self.asof is not None:
            return self.asof
        today = datetime.now().astimezone().date()
        if self.until:
            bound = datetime.fromisoformat(self.until) - timedelta(seconds=1)
            return min(today, bound.astimezone().date())
        return today


class PatternService:
    def __init__(self, db: Database):
        self.db = db

    # ---- the whole picture -----------------------------------------------------------------

    def compute(self, options: PatternOptions | None = None) -> Patterns:
        """Everything the Patterns page and ``patterns --json`` show, typed (result.py)."""
        return from_parts(self._parts(options))

    def _parts(self, options: PatternOptions | None) -> dict[str, Any]:
        o = options or PatternOptions()
        if o.window_days < 1 or o.min_count < 1 or o.neglect_weeks < 1:
            raise UsageError("Pattern windows and counts must be whole numbers of 1 or more.")
        asof = o.reference_day()
        framework_id = self._framework_id(o.framework)
        tags = self._tags(framework_id)
        span = scan.Span(o.since, o.until)
        first_day, last_day = scan.bounds(self.db, span)
        previous_start, recent_start, end = (
            scan.day_number(date.fromisoformat(d)) for d in rules.windows(asof, o.window_days)
        )
        # Rows per day only for the days shown (the series' years and the lead of their rolling
        # means) and the two trend windows: what is worked out in Python then no longer grows
        # with the span (a century of days was most of the time). The rest is read whole,
        # unless the rows cover every day anyway.
        first_shown = rules.first_shown_day(last_day, o.series_years, lead_days=LEAD_DAYS)
        since = None if first_shown is None else min(first_shown, previous_start)
        days = scan.days(self.db, span, since)
        if since is None or first_day is None or since <= first_day:
            whole = scan.whole_of(days)
        else:
            whole = scan.whole(self.db, span)
        shown = rules.recent_days(days, o.series_years)
        totals = scan.tag_totals(
            self.db, span, days, (recent_start, end), (previous_start, recent_start), end
        )
        result = self._summary(whole)
        tag_rows = self._tag_rows(tags, totals, o)
        result["tags"] = [
            {k: r[k] for k in ("slug", "name", "category", "framework", "count")}
            | {"recent": r["recent"], "previous": r["previous"], "trend": r["trend"]}
            for r in tag_rows
        ]
        slugs = {str(tag_id): t["slug"] for tag_id, t in tags.items()}
        # Counted when read (result.PeriodCounts): the page reads only the periods it shows.
        result["timeline"] = scan.Periods(shown, "month", slugs)
        result["timeline_weeks"] = scan.Periods(shown, "week", slugs)
        pairs = scan.cooccurrence(self.db, span, slugs)
        result["cooccurrence"] = pairs
        ranged = bool(o.since or o.until)
        result["gaps"] = self._gaps(tag_rows, pairs, framework_id, result["total_entries"], ranged)
        result["calendar"] = [(d.day, d.count) for d in shown]  # (day, count) rows
        result["streaks"] = rules.streaks_of_days(whole.numbers, asof)
        # The rolling means at the series' first periods also look at the months before.
        lead = rules.recent_days(days, o.series_years, lead_days=LEAD_DAYS)
        for measure in ("mood", "energy"):
            for unit, key, rolling in (("month", measure, 3), ("week", f"{measure}_weeks", 4)):
                rows = self._by_period(lead, measure, unit, span=rolling)
                first = getattr(shown[0], unit) if shown else ""
                result[key] = [r for r in rows if r["period"] >= first]
        result["mood_by_tag"], result["energy_by_tag"] = self._associations(whole, tag_rows)
        result["reflection_loop"] = self._reflection_loop(span)
        result["untagged_terms"] = self._untagged_terms(span)
        began = self._first_day()
        ready = rules.journal_old_enough(began, asof, o.neglect_weeks)
        neglect = self._neglected(o, asof, framework_id, totals) if ready else []
        result["neglected"] = [n["slug"] for n in neglect]
        result["neglected_detail"] = neglect
        result["neglect_note"] = rules.neglect_note(began, asof, o.neglect_weeks)
        result["ratings"] = self._ratings(o, framework_id)
        result["actions"] = self.action_counts(asof)
        result["settings"] = {
            "asof": asof.isoformat(),
            "window_days": o.window_days,
            "min_count": o.min_count,
            "neglect_weeks": o.neglect_weeks,
            "framework": o.framework,
        }
        return result

    def _first_day(self) -> date | None:
        """The first local day the leader wrote anything, whatever the range."""
        first = self.db.scalar("SELECT min(dn) FROM pattern_entry")
        return scan.day_of(first) if first is not None else None

    def _framework_id(self, slug: str | None) -> int | None:
        if not slug:
            return None
        found: int | None = self.db.scalar(
            "SELECT id FROM framework WHERE slug = ?", (slugify(slug),)
        )
        if found is None:
            known = ", ".join(r[0] for r in self.db.query("SELECT slug FROM framework"))
            raise UsageError(f"There is no framework '{slug}'; choose one of: {known}.")
        return found

    def _tags(self, framework_id: int | None) -> dict[int, dict[str, Any]]:
        """The tags patterns may count: all of them, or only the chosen framework's."""
        where, params = self._tag_clause(framework_id)
        rows = self.db.query(
            "SELECT t.id, t.slug, t.name, t.category, f.slug FROM tag t "
            f"LEFT JOIN framework f ON f.id = t.framework_id WHERE 1{where}",
            params,
        )
        return {
            r[0]: {"slug": r[1], "name": r[2], "category": r[3], "framework": r[4]} for r in rows
        }

    @staticmethod
    def _tag_clause(framework_id: int | None, alias: str = "t") -> tuple[str, tuple[int, ...]]:
        if framework_id is None:
            return "", ()
        return f" AND {alias}.framework_id = ?", (framework_id,)

    @staticmethod
    def _summary(whole: scan.Whole) -> dict[str, Any]:
        numbers = whole.numbers
        return {
            "total_entries": whole.count,
            "first": scan.day_of(numbers[0]).isoformat() if numbers else None,
            "last": scan.day_of(numbers[-1]).isoformat() if numbers else None,
        }

    @staticmethod
    def _tag_rows(
        tags: dict[int, dict[str, Any]], totals: dict[int, dict[str, Any]], o: PatternOptions
    ) -> list[dict[str, Any]]:
        rows = [
            {"id": tag_id, **tag, **counts}
            | {"trend": rules.trend(counts["recent"], counts["previous"], o.min_count)}
            for tag_id, tag in tags.items()
            if (counts := totals.get(tag_id)) and counts["count"]
        ]
        rows.sort(key=lambda r: (-r["count"], r["slug"]))
        return rows

    def _gaps(
        self,
        tag_rows: list[dict[str, Any]],
        pairs: list[tuple[str, str, int]],
        framework_id: int | None,
        total: int,
        ranged: bool,
    ) -> list[dict[str, Any]]:
        """Items the framework says call for (or build) another, written about together less
        often than chance alone would give (evidence.py says when that holds)."""
        counts = {r["slug"]: r for r in tag_rows}
        together = {(a, b): n for a, b, n in pairs}
        where, params = self._tag_clause(framework_id, "s")
        kinds = ",".join("?" * len(GAP_KINDS))
        relations = self.db.query(
            "SELECT s.slug, s.name, s.category, r.slug, r.name, tr.kind FROM tag_relation tr "
            "JOIN tag s ON s.id = tr.tag_id JOIN tag r ON r.id = tr.related_id "
            f"WHERE tr.kind IN ({kinds}){where} ORDER BY s.position, r.position",
            (*GAP_KINDS, *params),
        )
        span = " in this range" if ranged else ""
        gaps = []
        for slug, name, category, related, related_name, kind in relations:
            row, other = counts.get(slug), counts.get(related)
            if row is None or other is None:
                continue  # never written about: neglect's business, not a co-occurrence claim
            both = together.get(tuple(sorted((slug, related))), 0)
            if not evidence.may_be_gap(row["count"], other["count"], both, total):
                continue  # no p-value needed (the costly part)
            test = evidence.cooccurrence(row["count"], other["count"], both, total)
            if not test.is_gap:
                continue
            verb = RELATION_VERBS[kind]
            gaps.append(
                {
                    "tag": slug,
                    "category": category,
                    "kind": kind,
                    "count": row["count"],
                    "calls_for": related,
                    "calls_for_count": other["count"],
                    "together": both,
                    "expected": round(test.expected, 1),
                    "p_value": round(test.p_value, 4),
                    "message": (
                        f"{name} {verb} {_lower(related_name)}. You wrote about {name} "
                        f"{evidence.times(row['count'])} and about {related_name} "
                        f"{evidence.times(other['count'])}{span}: together "
                        f"{both} {'time' if both == 1 else 'times'}; "
                        f"{evidence.expected_words(test.expected)} if they were unrelated."
                    ),
                }
            )
        gaps.sort(key=lambda g: (g["p_value"], -g["expected"], g["tag"], g["calls_for"]))
        return gaps

    @staticmethod
    def _by_period(
        days: list[scan.Day], measure: str, unit: str, span: int
    ) -> list[dict[str, Any]]:
        sums: dict[str, list[int]] = {}
        pick = attrgetter(unit, f"{measure}_sum", f"{measure}_n")
        for period, total, n in map(pick, days):
            if n:
                found = sums.setdefault(period, [0, 0])
                found[0] += total
                found[1] += n
        rows = [{"period": k, "sum": v[0], "n": v[1]} for k, v in sorted(sums.items())]
        return rules.with_rolling(rows, span)

    @staticmethod
    def _associations(
        whole: scan.Whole, tag_rows: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Mood and energy with each tag against without it, strongest evidence first."""
        result = []
        for measure in ("mood", "energy"):
            everything = evidence.Sample(
                getattr(whole, f"{measure}_n"),
                getattr(whole, f"{measure}_sum"),
                getattr(whole, f"{measure}_sq"),
            )
            found = []
            for r in tag_rows:
                tagged = evidence.Sample(r[f"{measure}_n"], r[f"{measure}_sum"], r[f"{measure}_sq"])
                stats = evidence.association(r["slug"], r["name"], tagged, everything)
                if stats is not None:
                    found.append(stats)
            found.sort(key=lambda a: (-a.strength, -a.n_with, a.slug))
            result.append([_association_row(a, measure) for a in found])
        return result[0], result[1]

    def _reflection_loop(self, span: scan.Span) -> dict[str, Any]:
        """Of the "action plan / now what" sections written, how many became actions, and of
        those actions how many are done."""
        pairs = [
            (slug, section.key)
            for slug, model in reflection_models().items()
            if (section := model.actionable_section()) is not None
        ]
        empty = {"plans": 0, "acted_on": 0, "share_acted_on": None, "actions": 0, "done": 0,
                 "share_done": None}  # fmt: skip
        if not pairs:
            return empty
        match = " OR ".join("(p.model = ? AND s.key = ?)" for _ in pairs)
        # The key list and the body test select ix_entry_section_filled, which answers this
        # without reading section bodies.
        key_list = sorted({key for _, key in pairs})
        keys = ",".join("?" * len(key_list))
        where, bounds = span.where("p")
        flat = [*key_list, *bounds, *(value for pair in pairs for value in pair)]
        row = self.db.query_one(
            "WITH plans AS MATERIALIZED (SELECT DISTINCT s.entry_id FROM entry_section s "
            f"JOIN pattern_entry p ON p.id = s.entry_id WHERE s.key IN ({keys}) "
            f"AND {where} AND ({match}) AND trim(s.body) != '') "
            # One pass over the actions, not one per number.
            "SELECT (SELECT count(*) FROM plans), count(DISTINCT a.entry_id), count(a.id), "
            "coalesce(sum(a.status = 'done'), 0) "
            # IN, not JOIN: SQLite then scans the actions once against an index of the plans
            # (as a JOIN it picked a nested scan of every action per plan: seconds at 100k).
            "FROM action a WHERE a.entry_id IN (SELECT entry_id FROM plans)",
            flat,
        )
        plans, acted, actions, done = row if row is not None else (0, 0, 0, 0)
        return {
            "plans": plans,
            "acted_on": acted,
            "share_acted_on": round(acted / plans, 2) if plans else None,
            "actions": actions,
            "done": done,
            "share_done": round(done / actions, 2) if actions else None,
        }

    def _untagged_terms(self, span: scan.Span) -> list[dict[str, Any]]:
        # The newest MAX_ENTRIES untagged entries, read backwards along the digest's day order
        # (which stops at the last one needed); ids first, bodies after: only the few hundred
        # entries read are fetched from the table.
        where, bounds = span.where("p")
        ids = [
            r[0]
            for r in self.db.query(
                f"SELECT p.id FROM pattern_entry p WHERE {where} AND p.tags = '' "
                "ORDER BY p.dn DESC, p.id DESC LIMIT ?",
                (*bounds, words.MAX_ENTRIES),
            )
        ]
        if not ids:
            return []
        texts: dict[int, str] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            for r in self.db.query(f"SELECT id, title, body FROM entry WHERE id IN ({marks})", ids):
                texts[r[0]] = f"{r[1]}\n{r[2]}"
        return words.recurring_terms(((i, texts[i]) for i in ids), self._known_terms())

    def _known_terms(self) -> set[str]:
        """Words and phrases a tag already covers: its name, slug and keywords."""
        known: set[str] = set()
        for slug, name, keywords in self.db.query("SELECT slug, name, keywords FROM tag"):
            phrases = [slug.replace("-", " "), name.lower(), *json.loads(keywords or "[]")]
            # Whole phrases only: "bed pressures" is covered, but "bed" alone is not.
            known.update(" ".join(words.tokens(phrase)) for phrase in phrases)
        return known

    # ---- measures that look past the date range ---------------------------------------------

    def _capability_ids(self, framework_id: int | None) -> dict[int, tuple[str, str]]:
        # LEADS domains and other frameworks' capability categories count as well.
        categories = FrameworkService(self.db).capability_categories()
        marks = ",".join("?" * len(categories))
        sql = (
            "SELECT t.id, t.slug, t.name FROM tag t LEFT JOIN framework f ON f.id = t.framework_id "
            "WHERE (t.category = 'capability' AND f.is_default = 1) "
            f"OR (t.category IN ({marks}) AND EXISTS "
            "(SELECT 1 FROM entry_tag et WHERE et.tag_id = t.id)) "
            "OR EXISTS (SELECT 1 FROM rating r WHERE r.tag_id = t.id)"
        )
        params: list[Any] = list(categories)
        if framework_id is not None:
            # A chosen framework: its capabilities, plus any of its items the leader has used.
            sql = (
                f"SELECT id, slug, name FROM ({sql}) WHERE id IN "
                "(SELECT id FROM tag WHERE framework_id = ?) UNION "
                "SELECT t.id, t.slug, t.name FROM tag t WHERE t.framework_id = ? AND "
                f"(t.category IN ({marks}) OR EXISTS "
                "(SELECT 1 FROM entry_tag et WHERE et.tag_id = t.id))"
            )
            params += [framework_id, framework_id, *categories]
        return {r[0]: (r[1], r[2]) for r in self.db.query(sql + " ORDER BY 2", params)}

    def _neglected(
        self,
        o: PatternOptions,
        asof: date,
        framework_id: int | None,
        totals: dict[int, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Capabilities with no entry in the ``neglect_weeks`` weeks up to the reference day.

        ``totals[tag]["last"]`` is the latest local day on or before the reference day that the
        leader wrote about the tag, whatever the range."""
        capabilities = self._capability_ids(framework_id)
        cutoff = asof - timedelta(weeks=o.neglect_weeks)
        result = []
        for tag_id, (slug, name) in capabilities.items():
            last = totals.get(tag_id, {}).get("last")
            seen = scan.day_of(last) if last is not None else None
            if seen is not None and seen > cutoff:
                continue
            weeks = (asof - seen).days // 7 if seen else None
            result.append(
                {
                    "slug": slug,
                    "name": name,
                    "last": seen.isoformat() if seen else None,
                    "weeks_since": weeks,
                }
            )
        # Never reflected on first, then the longest silence.
        result.sort(key=lambda n: (n["last"] is not None, n["last"] or "", n["slug"]))
        return result

    def _ratings(self, o: PatternOptions, framework_id: int | None) -> list[dict[str, Any]]:
        clauses: list[str] = []
        params: list[str | int] = []
        if o.since:
            clauses.append("r.date >= ?")
            params.append(datetime.fromisoformat(o.since).astimezone().date().isoformat())
        if o.until:
            bound = datetime.fromisoformat(o.until) - timedelta(seconds=1)
            clauses.append("r.date <= ?")
            params.append(bound.astimezone().date().isoformat())
        if framework_id is not None:
            clauses.append("t.framework_id = ?")
            params.append(framework_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        series: dict[str, dict[str, Any]] = {}
        for slug, name, day, value in self.db.query(
            f"SELECT t.slug, t.name, r.date, r.value FROM rating r JOIN tag t ON t.id = r.tag_id"
            f"{where} ORDER BY t.slug, r.date, r.id",
            params,
        ):
            item = series.setdefault(slug, {"slug": slug, "name": name, "points": []})
            item["points"].append({"date": day, "value": value})
        for item in series.values():
            points = item["points"]
            item["first"], item["latest"] = points[0]["value"], points[-1]["value"]
            item["change"] = points[-1]["value"] - points[0]["value"]
        return list(series.values())

    def action_counts(self, asof: date | None = None) -> ActionCounts:
        today = (asof or datetime.now().astimezone().date()).isoformat()
        row = self.db.query_one(
            "SELECT sum(status = 'open'), sum(status = 'done'), sum(status = 'dropped'), "
            "sum(status = 'open' AND due IS NOT NULL AND due != '' AND due < ?) FROM action",
            (today,),
        )
        if row is None:  # an aggregate query always answers one row
            row = (0, 0, 0, 0)
        return ActionCounts(
            open=row[0] or 0, done=row[1] or 0, overdue=row[3] or 0, dropped=row[2] or 0
        )

    # ---- drill-down: the entries behind a number ---------------------------------------------

    def entry_ids(
        self,
        options: PatternOptions | None = None,
        *,
        tag: str | None = None,
        with_tag: str | None = None,
        period: str | None = None,
        day: str | None = None,
        term: str | None = None,
        limit: int = 500,
    ) -> list[int]:
        """Ids (newest first) of the entries counted under one number of ``compute``.

        ``period`` is a month (``2026-11``) or an ISO week (``2026-W48``); ``term`` picks the
        untagged entries containing a recurring word or phrase.
        """
        o = options or PatternOptions()
        clauses, params = [OWN_WRITING], []
        if o.since:
            clauses.append("e.created >= ?")
            params.append(o.since)
        if o.until:
            clauses.append("e.created < ?")
            params.append(o.until)
        for slug in (tag, with_tag):
            if slug:
                clauses.append(
                    "e.id IN (SELECT et.entry_id FROM entry_tag et JOIN tag t "
                    "ON t.id = et.tag_id WHERE t.slug = ?)"
                )
                params.append(slugify(slug))
        if period:
            form = "%G-W%V" if "-W" in period else "%Y-%m"
            clauses.append(f"strftime('{form}', {LOCAL_DAY}) = ?")
            params.append(period)
        if day:
            clauses.append(f"{LOCAL_DAY} = ?")
            params.append(day)
        if term:
            clauses.append("NOT EXISTS (SELECT 1 FROM entry_tag et WHERE et.entry_id = e.id)")
        rows = self.db.query(
            f"SELECT e.id, e.title, e.body FROM entry e WHERE {' AND '.join(clauses)} "
            "ORDER BY e.created DESC, e.id DESC",
            params,
        )
        ids = [
            r[0] for r in rows if not term or words.contains_term(f"{r[1]}\n{r[2]}", term.lower())
        ]
        return ids[:limit]
