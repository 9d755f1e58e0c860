"""What the pattern digest (storage/digest.py) should hold, worked out without its SQL.

Local days come from Python's datetime arithmetic, times from ``datetime.timestamp``, tag lists
from ``entry_tag``; shared entries and unreadable times are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations


def expected(db) -> tuple[list[tuple], list[tuple]]:
    links: dict[int, list[int]] = {}
    for entry_id, tag_id in db.query("SELECT entry_id, tag_id FROM entry_tag"):
        links.setdefault(entry_id, []).append(tag_id)
    entries, link_rows = [], []
    for r in db.query("SELECT id, kind, created, created_offset, mood, energy, model FROM entry"):
        entry_id, kind, created, offset, mood, energy, model = r
        if kind == "shared":
            continue
        try:
            moment = datetime.fromisoformat(created)
        except ValueError:
            continue  # an unreadable time is left out, never refused
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        utc = moment.astimezone(UTC)
        dn = (utc + timedelta(minutes=offset)).date().toordinal() - 1
        ts = int(utc.timestamp())
        tags = sorted(links.get(entry_id, []))
        pairs = ",".join(f"{a}-{b}" for a, b in combinations(tags, 2))
        entries.append((dn, entry_id, ts, mood, energy, model, ",".join(map(str, tags)), pairs))
        link_rows += [(t, dn, entry_id, ts, mood, energy) for t in tags]
    return sorted(entries), sorted(link_rows)


def actual(db) -> tuple[list[tuple], list[tuple]]:
    entries = db.query(
        "SELECT dn, id, ts, mood, energy, model, tags, pairs FROM pattern_entry ORDER BY dn, id"
    )
    links = db.query(
        "SELECT tag_id, dn, entry_id, ts, mood, energy FROM pattern_link "
        "ORDER BY tag_id, dn, entry_id"
    )
    return [tuple(r) for r in entries], [tuple(r) for r in links]


def expected_totals(db) -> dict[str, list[tuple]]:
    """The digest's totals (migration 0015) worked out in Python from the digest's own rows:
    per tag, per local day (count, then mood and energy: how many, sum, sum of squares) and
    per pair of tag ids on one entry (smaller id first); no row for a count of 0."""
    entries, links = actual(db)
    per_tag: dict[int, list[tuple]] = {}
    per_day: dict[int, list[tuple]] = {}
    pairs: dict[tuple[int, int], int] = {}
    for tag_id, _dn, _entry, _ts, mood, energy in links:
        per_tag.setdefault(tag_id, []).append((mood, energy))
    for dn, _id, _ts, mood, energy, _model, tags, _pairs in entries:
        per_day.setdefault(dn, []).append((mood, energy))
        ids = sorted(int(t) for t in tags.split(",") if t)
        for pair in combinations(ids, 2):
            pairs[pair] = pairs.get(pair, 0) + 1

    def sums(rows: list[tuple]) -> tuple:
        moods = [m for m, _ in rows if m is not None]
        energies = [e for _, e in rows if e is not None]
        return (
            len(rows),
            len(moods),
            sum(moods),
            sum(m * m for m in moods),
            len(energies),
            sum(energies),
            sum(e * e for e in energies),
        )

    return {
        "pattern_tag_total": sorted((k, *sums(v)) for k, v in per_tag.items()),
        "pattern_day_total": sorted((k, *sums(v)) for k, v in per_day.items()),
        "pattern_pair_total": sorted((a, b, n) for (a, b), n in pairs.items()),
    }


def actual_totals(db) -> dict[str, list[tuple]]:
    keys = {"pattern_tag_total": "tag_id", "pattern_day_total": "dn", "pattern_pair_total": "a, b"}
    return {
        table: [tuple(r) for r in db.query(f"SELECT * FROM {table} ORDER BY {key}")]
        for table, key in keys.items()
    }


def assert_current(db) -> None:
    assert actual(db) == expected(db)
    assert actual_totals(db) == expected_totals(db)
