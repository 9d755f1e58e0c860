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


def assert_current(db) -> None:
    assert actual(db) == expected(db)
