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


# The same two statements with their bounds bound, not written in: a connection caches the
# statements it has compiled by their text, and a new text for every batch of a bulk write
# pushed the others out of that cache, to be compiled again each time they ran.
_FILL = [_ENTRIES.format(first="?", last="?"), _LINKS.format(first="?", last="?")]


def fill(db: Database, first: int, last: int) -> None:
    for statement in _FILL:
        db.execute(statement, (int(first), int(last)))


def rebuild(db: Database) -> None:
    """Write the whole digest again from the source tables."""
    db.execute("DELETE FROM pattern_entry")
    db.execute("DELETE FROM pattern_link")
    top = db.scalar("SELECT max(id) FROM entry")
    if top is not None:
        fill(db, 0, top)


# ---- totals over the whole digest (migration 0015) ---------------------------------------------
#
# Patterns over the whole journal (no date range) read three sums of every digest row: per tag
# (count, mood and energy sums, counts and squares), per pair of tags written together, and per
# local day (for the summary, the streaks and the associations' baseline). At 100k entries those
# passes were ~150 ms over a century. These tables hold the same sums, kept by triggers on the
# digest itself (its rows are only ever inserted and deleted, by the triggers above or a bulk
# fill), so a bulk fill keeps them too. A row whose count falls to 0 is deleted: each table equals
# a GROUP BY over the digest (:data:`TOTALS_FILL`), which the consistency test checks.
#
# ``pattern_pair_total`` counts tag ``a`` < tag ``b`` on one entry: a link's insert pairs it with
# the entry's links already there, a link's delete with the ones still there, so every pair is
# counted once when its second link arrives and taken off once when its first link goes.

_SUMS = "n INTEGER NOT NULL, " + ", ".join(
    f"{m}_{s} INTEGER NOT NULL" for m in ("mood", "energy") for s in ("n", "sum", "sq")
)
TOTAL_TABLES = [
    f"CREATE TABLE pattern_tag_total (tag_id INTEGER NOT NULL PRIMARY KEY, {_SUMS}) WITHOUT ROWID",
    f"CREATE TABLE pattern_day_total (dn INTEGER NOT NULL PRIMARY KEY, {_SUMS}) WITHOUT ROWID",
    "CREATE TABLE pattern_pair_total (a INTEGER NOT NULL, b INTEGER NOT NULL, "
    "n INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID",
]
_COLUMNS = "n, mood_n, mood_sum, mood_sq, energy_n, energy_sum, energy_sq"
_GROUPED = (
    "count(*), count(mood), coalesce(sum(mood), 0), coalesce(sum(mood * mood), 0), "
    "count(energy), coalesce(sum(energy), 0), coalesce(sum(energy * energy), 0)"
)
# Each total table filled from the digest in one statement (and, as a SELECT, what it must hold).
TOTALS_FILL = {
    "pattern_tag_total": f"SELECT tag_id, {_GROUPED} FROM pattern_link GROUP BY tag_id",
    "pattern_day_total": f"SELECT dn, {_GROUPED} FROM pattern_entry GROUP BY dn",
    "pattern_pair_total": "SELECT a.tag_id, b.tag_id, count(*) FROM pattern_link a "
    "JOIN pattern_link b ON b.entry_id = a.entry_id AND b.tag_id > a.tag_id "
    "GROUP BY a.tag_id, b.tag_id",
}
TOTALS_KEYS = {
    "pattern_tag_total": "tag_id",
    "pattern_day_total": "dn",
    "pattern_pair_total": "a, b",
}


def _add(table: str, key: str, row: str) -> str:
    """Upsert adding one digest row's sums (``row``: new) to ``table``'s row for ``key``."""
    values = (
        f"1, {row}.mood IS NOT NULL, coalesce({row}.mood, 0), coalesce({row}.mood * {row}.mood, 0), "
        f"{row}.energy IS NOT NULL, coalesce({row}.energy, 0), "
        f"coalesce({row}.energy * {row}.energy, 0)"
    )
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in _COLUMNS.split(", "))
    return (
        f"INSERT INTO {table} ({key}, {_COLUMNS}) VALUES ({row}.{key}, {values}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates};"
    )


def _take(table: str, key: str, row: str) -> str:
    """Take one digest row's sums (``row``: old) off ``table``; drop the row at count 0."""
    return (
        f"UPDATE {table} SET n = n - 1, mood_n = mood_n - ({row}.mood IS NOT NULL), "
        f"mood_sum = mood_sum - coalesce({row}.mood, 0), "
        f"mood_sq = mood_sq - coalesce({row}.mood * {row}.mood, 0), "
        f"energy_n = energy_n - ({row}.energy IS NOT NULL), "
        f"energy_sum = energy_sum - coalesce({row}.energy, 0), "
        f"energy_sq = energy_sq - coalesce({row}.energy * {row}.energy, 0) "
        f"WHERE {key} = {row}.{key}; "
        f"DELETE FROM {table} WHERE {key} = {row}.{key} AND n = 0;"
    )


_OTHERS = (
    "SELECT min(l.tag_id, {row}.tag_id) AS a, max(l.tag_id, {row}.tag_id) AS b "
    "FROM pattern_link l WHERE l.entry_id = {row}.entry_id AND l.tag_id != {row}.tag_id"
)
TOTAL_TRIGGERS = [
    "CREATE TRIGGER pattern_entry_total_ai AFTER INSERT ON pattern_entry BEGIN "
    f"{_add('pattern_day_total', 'dn', 'new')} END",
    "CREATE TRIGGER pattern_entry_total_ad AFTER DELETE ON pattern_entry BEGIN "
    f"{_take('pattern_day_total', 'dn', 'old')} END",
    "CREATE TRIGGER pattern_link_total_ai AFTER INSERT ON pattern_link BEGIN "
    f"{_add('pattern_tag_total', 'tag_id', 'new')} "
    f"INSERT INTO pattern_pair_total (a, b, n) SELECT a, b, 1 FROM ({_OTHERS.format(row='new')}) "
    "WHERE true ON CONFLICT (a, b) DO UPDATE SET n = n + 1; END",
    "CREATE TRIGGER pattern_link_total_ad AFTER DELETE ON pattern_link BEGIN "
    f"{_take('pattern_tag_total', 'tag_id', 'old')} "
    f"UPDATE pattern_pair_total SET n = n - 1 WHERE (a, b) IN ({_OTHERS.format(row='old')}); "
    f"DELETE FROM pattern_pair_total WHERE (a, b) IN ({_OTHERS.format(row='old')}) AND n = 0; END",
]
TOTALS_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {t}"
        for t in (
            "pattern_link_total_ad",
            "pattern_link_total_ai",
            "pattern_entry_total_ad",
            "pattern_entry_total_ai",
        )
    ),  # fmt: skip
    "DROP TABLE IF EXISTS pattern_pair_total",
    "DROP TABLE IF EXISTS pattern_day_total",
    "DROP TABLE IF EXISTS pattern_tag_total",
]


def totals_fill_statements() -> list[str]:
    """SQL writing every total table from the digest, each of which is empty."""
    return [f"INSERT INTO {table} {select}" for table, select in TOTALS_FILL.items()]
