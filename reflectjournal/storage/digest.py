"""The pattern digest: a compact copy of what the patterns count, kept current by triggers.

Patterns read, for every one of the leader's own entries, its local day, time, mood, energy,
reflection model and tags. Working those out from ``entry`` and ``entry_tag`` on every
recomputation (a date calculation per entry, a tag lookup per entry, a join per tag link) cost
~350 ms at 100k entries. The digest stores the answers instead, written by triggers whenever an
entry or a tag link changes (migration 0003):

``pattern_entry``
    one row per entry that is not someone else's shared text, clustered by local day number
    (days since 0001-01-01, so ``date.fromordinal(dn + 1)``), with its UTC time in seconds, mood,
    energy, model, its tag ids (``"3,17,42"``, ascending) and every pair of them (``"3-17,3-42,
    17-42"``), so co-occurrence is one string split rather than a loop per entry;
``pattern_link``
    one row per tag on such an entry, clustered by tag then day, with the entry's time, mood and
    energy, so per-tag sums need no join and a tag's last day is one index seek.

Every trigger rewrites the affected entry's rows from the source tables with the same statements
a bulk fill uses (:func:`fill`), so the digest cannot drift from what it summarises; the
consistency test in tests/unit/test_digest.py checks that after random edits. An entry whose
time cannot be read is left out rather than refused: a digest must never block a write.

These statements are what migration 0003 runs; change them only together with a new migration.
"""

from __future__ import annotations

from reflectjournal.storage.database import Database

# Seconds from 0001-01-01 to 1970-01-01: shifting by it keeps the dividend positive, so integer
# division floors for any date a journal can hold.
EPOCH_SHIFT = 62135596800

TABLES = [
    "CREATE TABLE pattern_entry (id INTEGER NOT NULL, dn INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "mood INTEGER, energy INTEGER, model TEXT, tags TEXT NOT NULL DEFAULT '', "
    "pairs TEXT NOT NULL DEFAULT '', PRIMARY KEY (dn, id)) WITHOUT ROWID",
    "CREATE UNIQUE INDEX ix_pattern_entry_id ON pattern_entry (id)",
    "CREATE TABLE pattern_link (tag_id INTEGER NOT NULL, dn INTEGER NOT NULL, "
    "entry_id INTEGER NOT NULL, ts INTEGER NOT NULL, mood INTEGER, energy INTEGER, "
    "PRIMARY KEY (tag_id, dn, entry_id)) WITHOUT ROWID",
    "CREATE INDEX ix_pattern_link_entry ON pattern_link (entry_id)",
]

_ENTRIES = (
    "INSERT INTO pattern_entry (id, dn, ts, mood, energy, model, tags, pairs) "
    "SELECT e.id, (unixepoch(e.created) + coalesce(e.created_offset, 0) * 60 "
    f"+ {EPOCH_SHIFT}) / 86400, unixepoch(e.created), e.mood, e.energy, e.model, "
    "coalesce((SELECT group_concat(et.tag_id, ',' ORDER BY et.tag_id) FROM entry_tag et "
    "WHERE et.entry_id = e.id), ''), "
    "coalesce((SELECT group_concat(a.tag_id || '-' || b.tag_id, ',' ORDER BY a.tag_id, b.tag_id) "
    "FROM entry_tag a JOIN entry_tag b ON b.entry_id = a.entry_id AND b.tag_id > a.tag_id "
    "WHERE a.entry_id = e.id), '') "
    "FROM entry e WHERE e.id BETWEEN {first} AND {last} AND e.kind != 'shared' "
    "AND unixepoch(e.created) IS NOT NULL"
)
_LINKS = (
    "INSERT INTO pattern_link (tag_id, dn, entry_id, ts, mood, energy) "
    "SELECT et.tag_id, p.dn, p.id, p.ts, p.mood, p.energy FROM pattern_entry p "
    "JOIN entry_tag et ON et.entry_id = p.id WHERE p.id BETWEEN {first} AND {last}"
)


def _refresh(entry_id: str) -> str:
    """Trigger body: forget one entry's digest rows and write them again from the source."""
    return (
        f"DELETE FROM pattern_entry WHERE id = {entry_id}; "
        f"DELETE FROM pattern_link WHERE entry_id = {entry_id}; "
        + _ENTRIES.format(first=entry_id, last=entry_id)
        + "; "
        + _LINKS.format(first=entry_id, last=entry_id)
        + ";"
    )


def _forget(entry_id: str) -> str:
    return (
        f"DELETE FROM pattern_entry WHERE id = {entry_id}; "
        f"DELETE FROM pattern_link WHERE entry_id = {entry_id};"
    )


# The two insert triggers are the ones a bulk writer sets aside (storage/bulk.py).
INSERT_TRIGGERS = ("pattern_entry_ai", "pattern_tag_ai")
TRIGGERS = [
    f"CREATE TRIGGER pattern_entry_ai AFTER INSERT ON entry BEGIN {_refresh('new.id')} END",
    # Only the columns the digest holds; saving a title or body does not touch it.
    "CREATE TRIGGER pattern_entry_au AFTER UPDATE OF id, kind, created, created_offset, mood, "
    f"energy, model ON entry BEGIN {_forget('old.id')} {_refresh('new.id')} END",
    f"CREATE TRIGGER pattern_entry_ad AFTER DELETE ON entry BEGIN {_forget('old.id')} END",
    f"CREATE TRIGGER pattern_tag_ai AFTER INSERT ON entry_tag BEGIN {_refresh('new.entry_id')} END",
    "CREATE TRIGGER pattern_tag_au AFTER UPDATE ON entry_tag BEGIN "
    f"{_refresh('old.entry_id')} {_refresh('new.entry_id')} END",
    f"CREATE TRIGGER pattern_tag_ad AFTER DELETE ON entry_tag BEGIN {_refresh('old.entry_id')} END",
]
DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {t}"
        for t in (
            "pattern_tag_ad",
            "pattern_tag_au",
            "pattern_tag_ai",
            "pattern_entry_ad",
            "pattern_entry_au",
            "pattern_entry_ai",
        )
    ),  # fmt: skip
    "DROP TABLE IF EXISTS pattern_link",
    "DROP TABLE IF EXISTS pattern_entry",
]


def fill_statements(first: int, last: int) -> list[str]:
    """SQL writing the digest rows of entries with ids ``first``..``last``, which have none."""
    bounds = {"first": int(first), "last": int(last)}
    return [_ENTRIES.format(**bounds), _LINKS.format(**bounds)]


def fill(db: Database, first: int, last: int) -> None:
    for statement in fill_statements(first, last):
        db.execute(statement)


def rebuild(db: Database) -> None:
    """Write the whole digest again from the source tables."""
    db.execute("DELETE FROM pattern_entry")
    db.execute("DELETE FROM pattern_link")
    top = db.scalar("SELECT max(id) FROM entry")
    if top is not None:
        fill(db, 0, top)
