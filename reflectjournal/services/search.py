"""Full-text search combined with any filters, driven by the full-text index.

Every filter becomes a check on one full-text match, never a set built up front: a set of
"entries with this tag" or "entries in this month" means reading and sorting every such entry
(6.3 s for a common word and a tag at 100k entries), while the index already walks its matches
newest first and can stop at the page's last one. The checks stay cheap however many matches
there are:

- a tag is also a phrase of the index's ``tags`` column, so for a rarely used tag FTS5
  intersects the word's posting list with the tag's (a few hundred seeks, not one probe per
  match); the exact ``entry_tag`` check then keeps only real links;
- entry columns (dates, kind, mood, visibility, starred, sender) are checked in the covering
  index ``ix_entry_facets`` (migration 0008), never in the table rows that hold the bodies;
- dates, a tag and a kind also bound the rowids searched: the ids of entries in a month
  usually sit together, so the index skips straight to them;
- a kind held by few entries is checked against the list of their ids, read once per search
  from the kind's index and kept in memory (SQLite builds a Bloom filter and a sorted list):
  a probe there costs less than a lookup in the table's index, which adds up when a rare
  kind is one match in twelve ("t" + kind session at 100k: 27 → 19 ms). A common kind keeps
  the per-match lookup, since its list would cost more to build than the lookups it saves;
  so do tags, whose lists measured no faster than the lookups.

Ranking windows (see :func:`search_ids`) are one pass each: the window's rowids and bm25 come
back together and are ordered here, so nothing is read twice per page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reflectjournal.errors import UsageError
from reflectjournal.services.entries import KINDS, EntryFilter, check_choice
from reflectjournal.services.tags import slugify
from reflectjournal.storage.database import Database
from reflectjournal.storage.fts import to_match_query

# Searches matching more entries than this rank them in windows of the newest this many:
# bm25 over 2,000 matches takes ~2 ms; over 50,000 it takes ~50 ms.
RANK_WINDOW = 2000
# A date range holding more entries than this does not narrow the rowids enough to be worth
# finding its bounds (which means walking the range in the created index).
_DATE_BOUND_SCAN = 60_000
_RANK = "bm25(entry_fts, 4.0, 1.0, 2.0)"
# A tag on more entries than this is checked per match only: intersecting its phrase (two
# words, positions compared) costs more than it saves when most matches carry the tag anyway.
_TAG_PHRASE_MAX = 5000
# A kind on at most this many entries is checked against its list of ids (see above).
_ID_LIST_MAX = 10_000


@dataclass(frozen=True)
class MatchPlan:
    """An FTS5 expression and the checks that turn its matches into this filter's matches."""

    match: str
    where: str  # " AND ..." on entry_fts rows
    params: tuple[object, ...]


def entry_clauses(f: EntryFilter) -> tuple[list[str], list[object]]:
    """Conditions on the entry's own columns (alias ``e``), shared with list and count."""
    clauses: list[str] = []
    params: list[object] = []
    if f.since:
        clauses.append("e.created >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("e.created < ?")
        params.append(f.until)
    if f.kind:
        check_choice("Kind", f.kind, KINDS)
        clauses.append("e.kind = ?")
        params.append(f.kind)
    if f.mood_min is not None:
        clauses.append("e.mood >= ?")
        params.append(f.mood_min)
    if f.mood_max is not None:
        clauses.append("e.mood <= ?")
        params.append(f.mood_max)
    if f.visibility:
        clauses.append("e.visibility = ?")
        params.append(f.visibility)
    if f.starred is not None:
        clauses.append("e.starred = ?")
        params.append(int(f.starred))
    if f.sender_id is not None:
        clauses.append("e.sender_id = ?")
        params.append(f.sender_id)
    return clauses, params


def plan(db: Database, query: str, f: EntryFilter) -> MatchPlan | None:
    """The plan for ``query`` under ``f``; None when nothing can match (no searchable words,
    an unknown or unused tag, a kind or date range with no entries)."""
    match = to_match_query(query)
    if match is None:
        return None
    checks: list[str] = []
    params: list[object] = []
    bounds: list[tuple[int, int]] = []
    phrases: list[str] = []
    kind_bound = f.kind
    for slug in dict.fromkeys(slugify(name) for name in f.tags):
        tag = db.query_one(
            "SELECT id, (SELECT min(entry_id) FROM entry_tag WHERE tag_id = tag.id), "
            "(SELECT max(entry_id) FROM entry_tag WHERE tag_id = tag.id) FROM tag WHERE slug = ?",
            (slug,),
        )
        if tag is None or tag[1] is None:
            return None
        bounds.append((tag[1], tag[2]))
        words = slug.replace("-", " ").split()
        uses = db.scalar(
            "SELECT count(*) FROM (SELECT 1 FROM entry_tag WHERE tag_id = ? LIMIT ?)",
            (tag[0], _TAG_PHRASE_MAX + 1),
        )
        if (
            words and uses <= _TAG_PHRASE_MAX
        ):  # the same words the index holds for this tag (storage/bulk.py FTS_FILL)
            phrases.append('tags : "' + " ".join(words).replace('"', '""') + '"')
        checks.append(
            "EXISTS (SELECT 1 FROM entry_tag et WHERE et.entry_id = entry_fts.rowid "
            "AND et.tag_id = ?)"
        )
        params.append(tag[0])
    if f.kind:
        check_choice("Kind", f.kind, KINDS)
        if not phrases and _rare_kind(db, f.kind):
            # The unary + keeps the list away from FTS5, which would look up each id alone
            # (seconds, not milliseconds).
            checks.append(
                "+rowid IN (SELECT id FROM entry INDEXED BY ix_entry_kind WHERE kind = ?)"
            )
            params.append(f.kind)
            f = replace(f, kind=None)  # checked: not again among the entry's columns
    columns, column_params = entry_clauses(f)
    if columns:
        checks.append(
            "EXISTS (SELECT 1 FROM entry e INDEXED BY ix_entry_facets "
            "WHERE e.id = entry_fts.rowid AND " + " AND ".join(columns) + ")"
        )
        params.extend(column_params)
    if f.since or f.until:
        bound = _date_bound(db, f)
        if bound is not None:
            if bound[0] is None or bound[1] is None:
                return None  # nothing was written in that range
            bounds.append((bound[0], bound[1]))
    if kind_bound or f.sender_id is not None:
        kind = kind_bound or "shared"
        low = db.scalar("SELECT min(id) FROM entry WHERE kind = ?", (kind,))
        if low is None:
            return None
        bounds.append((low, db.scalar("SELECT max(id) FROM entry WHERE kind = ?", (kind,))))
    if bounds:
        low, high = max(b[0] for b in bounds), min(b[1] for b in bounds)
        if low > high:
            return None
        checks.append("rowid BETWEEN ? AND ?")
        params.extend((low, high))
    if phrases:
        match = f"({match}) AND " + " AND ".join(phrases)
    where = "".join(" AND " + c for c in checks)
    return MatchPlan(match, where, tuple(params))


def _rare_kind(db: Database, kind: str) -> bool:
    """Whether at most ``_ID_LIST_MAX`` entries are of ``kind`` (counting up to that many
    costs a millisecond, so the answer is kept until the journal changes)."""

    def read() -> bool:
        n = db.scalar(
            "SELECT count(*) FROM (SELECT 1 FROM entry INDEXED BY ix_entry_kind WHERE kind = ? "
            "LIMIT ?)",
            (kind, _ID_LIST_MAX + 1),
        )
        return bool(n <= _ID_LIST_MAX)

    return bool(db.plan_fact(("rare kind", kind, _ID_LIST_MAX), read))


def _date_bound(db: Database, f: EntryFilter) -> tuple[int | None, int | None] | None:
    """The lowest and highest id written in the date range, (None, None) when it is empty,
    or None when the range is too large to be worth bounding."""
    columns, params = entry_clauses(EntryFilter(since=f.since, until=f.until))
    row = db.query_one(
        f"SELECT min(id), max(id), count(*) FROM (SELECT e.id FROM entry e "
        f"WHERE {' AND '.join(columns)} LIMIT ?)",
        (*params, _DATE_BOUND_SCAN + 1),
    )
    assert row is not None  # an aggregate always returns one row
    low, high, count = row
    if count > _DATE_BOUND_SCAN:
        return None
    return low, high


def count(db: Database, query: str, f: EntryFilter) -> int:
    """How many entries match; reads only the index (0.5 s → a few ms at 100k)."""
    p = plan(db, query, f)
    if p is None:
        return 0
    return int(
        db.scalar(
            f"SELECT count(*) FROM entry_fts WHERE entry_fts MATCH ?{p.where}",
            (p.match, *p.params),
        )
    )


def search_ids(db: Database, query: str, f: EntryFilter) -> list[int]:
    """Entry ids, one page of them, best match first (ties: the newer-written first).

    bm25 costs about a microsecond per match, too much for a word in half of 100k entries
    while someone types, so when more than ``RANK_WINDOW`` entries match they are ranked in
    windows: the most recently written ``RANK_WINDOW`` matches by bm25 first, then the next
    window, and so on. Each page is exact for that order, however deep the offset.
    """
    if f.limit is not None and f.limit < 0:
        raise UsageError("The limit must be zero or more.")
    want = f.limit if f.limit is not None else -1
    p = plan(db, query, f) if want else None
    if p is None:
        return []
    window = RANK_WINDOW
    base = f"SELECT rowid, {_RANK} FROM entry_fts WHERE entry_fts MATCH ?{p.where}"
    first, skip = divmod(f.offset, window)
    rows = db.query(
        f"{base} ORDER BY rowid DESC LIMIT ? OFFSET ?", (p.match, *p.params, window, first * window)
    )
    ids: list[int] = []
    while rows:
        ranked = sorted(rows, key=lambda r: (r[1], -r[0]))
        page = ranked[skip:] if want < 0 else ranked[skip : skip + want]
        ids += [r[0] for r in page]
        if want > 0:
            want -= len(page)
        if want == 0 or len(rows) < window:
            break
        skip = 0
        rows = db.query(
            f"{base} AND rowid < ? ORDER BY rowid DESC LIMIT ?",
            (p.match, *p.params, rows[-1][0], window),
        )
    return ids
