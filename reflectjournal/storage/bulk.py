"""Writing many entries at once without paying the per-row index triggers.

Two derived structures follow every new entry and tag link through triggers: the full-text
index (migration 0001) and the pattern digest (storage/digest.py). Row by row, an entry with
three tags is tokenised four times and its digest rewritten four times. A bulk writer instead
sets the insert triggers aside, writes its rows, and fills both structures once per batch with
the same text the triggers would have written.

Use inside a transaction: the triggers are put back from their own stored SQL before it
commits, and a rollback (a failed or cancelled import, a crash) restores them with everything
else, because SQLite's schema changes are transactional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reflectjournal.storage import digest
from reflectjournal.storage.database import Database

FTS_INSERT_TRIGGERS = ("entry_fts_ai", "entry_tag_fts_ai")
INSERT_TRIGGERS = FTS_INSERT_TRIGGERS + digest.INSERT_TRIGGERS
# The same text the full-text triggers index: title, body, and each tag's name and slug words.
FTS_FILL = (
    "INSERT INTO entry_fts(rowid, title, body, tags) SELECT e.id, e.title, e.body, "
    "(SELECT coalesce(group_concat(t.name || ' ' || replace(t.slug, '-', ' '), ' '), '') "
    "FROM entry_tag et JOIN tag t ON t.id = et.tag_id WHERE et.entry_id = e.id) "
    "FROM entry e WHERE e.id BETWEEN ? AND ?"
)

# The same rows, read out to be inserted one by one (see ``fill``).
FTS_ROWS = (
    "SELECT e.id, e.title, e.body, "
    "(SELECT coalesce(group_concat(t.name || ' ' || replace(t.slug, '-', ' '), ' '), '') "
    "FROM entry_tag et JOIN tag t ON t.id = et.tag_id WHERE et.entry_id = e.id) "
    "FROM entry e WHERE e.id BETWEEN ? AND ?"
)
FTS_INSERT = "INSERT INTO entry_fts(rowid, title, body, tags) VALUES (?, ?, ?, ?)"
FTS_CHUNK = 500  # entries read back at a time (their bodies are held meanwhile)

Fill = Callable[[int, int], None]

# FTS5 keeps new index terms in memory until they pass this many bytes, then writes them out as
# a segment that later merges rewrite. Filled with nothing else written in between (see
# ``_fill_index``), 4 MiB instead of the default 1 MiB saves a little more merging (100k
# entries: index 9.7 -> 9.4 s CPU; 16 MiB: 8.5 s, but ~15 MB more memory). With the merges
# left to the end (a large fill), the size made no measurable difference.
BULK_FTS_HASHSIZE = 4 * 1024 * 1024
FTS_HASHSIZE = 1024 * 1024  # FTS5's own default, put back when the bulk write ends
_SET = "INSERT INTO entry_fts(entry_fts, rank) VALUES (?, ?)"  # one of FTS5's settings
# FTS5's defaults for the two merge settings a large fill changes (see ``_fill_index``).
FTS_MERGE_DEFAULTS = {"automerge": 4, "crisismerge": 16}
# The most segments FTS5 lets a level hold before a crisis merge (FTS5_MAX_SEGMENT - 1).
MAX_CRISISMERGE = 1999
# A fill of at least this many entries, and at least as many as the journal held before,
# writes its segments unmerged and merges the whole index once at the end.
MERGE_ONCE_MIN = 10_000
# Once it is known a fill will merge once, entries are indexed this many at a time as they
# are written (see ``_index_now``).
INDEX_GROUP = 5_000


# Triggers that flag an entry's shares for a fresh look when a tag or section is added to it
# (migration 0009). An entry written in the block has no shares yet, so for a writer that
# only adds tags and sections to the entries it writes, each firing is an UPDATE that
# finds nothing, once per tag link (about a second of CPU for the 240k links of a 100k-entry
# import).
SHARE_INSERT_TRIGGERS = ("entry_share_tag_ai", "entry_share_section_ai")
# Device sync's change marks for a new entry, its tags and its sections (storage/changes.py),
# present while the journal syncs. All three mark the same record, ('entry', id), so for
# entries written in the block one statement per batch marks them instead of a trigger
# firing per row (about 3 per entry).
SYNC_ENTRY_TRIGGERS = ("sync_entry_i", "sync_entry_tag_i", "sync_entry_section_i")
_MARK_ENTRIES = (
    "INSERT OR IGNORE INTO sync_dirty(tbl, rid) SELECT 'entry', id FROM entry "
    "WHERE id BETWEEN ? AND ?"
)


def _triggers(db: Database, names: tuple[str, ...]) -> list[Any]:
    marks = ",".join("?" * len(names))
    return db.query(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        names,
    )


@contextmanager
def triggers_set_aside(db: Database, *, new_entries_only: bool = False) -> Iterator[Fill]:
    """Yields ``fill(first, last)``, to call after writing entries ``first``..``last`` (ids)
    and their tag links; the insert triggers are back in place when the block ends.

    ``new_entries_only``: the block adds tags and sections only to entries it writes itself
    (an import), and calls ``fill`` for every one of them, so the triggers that keep existing
    entries' shares current are set aside too, and device sync's marks for those entries are
    written by ``fill``, a batch at a time."""
    triggers = _triggers(db, INSERT_TRIGGERS)
    # A schema we do not recognise (a trigger missing) keeps all its triggers: slower, but
    # whatever they maintain stays right.
    known = len(triggers) == len(INSERT_TRIGGERS)
    if not known:
        triggers = []
    marks = False
    if new_entries_only:
        triggers += _triggers(db, SHARE_INSERT_TRIGGERS)
        syncing = _triggers(db, SYNC_ENTRY_TRIGGERS)
        # Only the whole set: a journal with some of them keeps them all, row by row.
        marks = len(syncing) == len(SYNC_ENTRY_TRIGGERS)
        if marks:
            triggers += syncing
    for trigger in triggers:
        db.execute(f"DROP TRIGGER {trigger['name']}")

    pending: list[tuple[int, int]] = []
    before = db.scalar("SELECT count(*) FROM entry") if known else 0
    if known:
        db.execute(_SET, ("hashsize", BULK_FTS_HASHSIZE))
    filled = 0  # entries given to ``fill`` so far
    streaming = False  # indexing as the writer goes, merged once at the end

    def fill(first: int, last: int) -> None:
        nonlocal filled, streaming
        if marks:
            db.execute(_MARK_ENTRIES, (first, last))
        if not known:
            return
        digest.fill(db, first, last)
        pending.append((first, last))
        filled += last - first + 1
        if not streaming and filled >= MERGE_ONCE_MIN and filled >= before:
            # Big enough to merge once at the end, whatever comes next. Left to itself FTS5
            # merges each new segment with its neighbours again and again (automerge, then a
            # "crisis merge" whenever sixteen pile up on a level), rewriting the same terms
            # several times; instead every segment is written once and the whole index is
            # merged into one at the end ('optimize'). The settings are put back before the
            # transaction ends, and a rollback takes them back with everything else. From
            # now on the index is filled while the writer has entries to come (``_index_now``).
            streaming = True
            _merges_off(db)
        if streaming and sum(b - a + 1 for a, b in pending) >= INDEX_GROUP:
            _index_now(db, pending)
            pending.clear()

    yield fill
    if known:
        if streaming:
            _index_now(db, pending)
            _optimize(db)
            _merges_on(db)
        else:
            _fill_index(db, pending)
        db.execute(_SET, ("hashsize", FTS_HASHSIZE))
    for trigger in triggers:
        db.execute(trigger["sql"])


def _optimize(db: Database) -> None:
    db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")


def _merges_off(db: Database) -> None:
    db.execute(_SET, ("automerge", 0))
    db.execute(_SET, ("crisismerge", MAX_CRISISMERGE))


def _merges_on(db: Database) -> None:
    for name, value in FTS_MERGE_DEFAULTS.items():
        db.execute(_SET, (name, value))


def _merged(ranges: list[tuple[int, int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return merged


def _index_now(db: Database, ranges: list[tuple[int, int]]) -> None:
    """The full-text rows of ``ranges``, one ``INSERT ... SELECT`` per run of ids.

    One statement gives up the GIL for the whole group, so an import's parser thread reads on
    meanwhile; row by row (``_fill_index``) each step would give it up and take it back. The
    statement savepoint it opens writes out what the previous group left in FTS5's hash, so
    each group ends in one partly filled segment, merged with the rest at the end."""
    for first, last in _merged(ranges):
        db.execute(FTS_FILL, (first, last))


def _fill_index(db: Database, ranges: list[tuple[int, int]]) -> None:
    """The full-text rows of the entries in ``ranges``, once each, at the end of a small
    bulk write (one that does not merge once: see ``triggers_set_aside``).

    FTS5 writes its pending terms out as a new segment at every statement savepoint of the
    transaction, and any statement writing many rows (the digest's INSERT ... SELECT, an
    INSERT ... SELECT into the index itself) opens one: filled batch by batch, an import
    became many small segments to merge. Filled here, row by row with nothing else written
    in between, the terms leave memory only when the hash is full, and FTS5's incremental
    merges go on as usual (an 'optimize' would rewrite a large journal's whole index for a
    few entries).
    """
    for first, last in _merged(ranges):
        for start in range(first, last + 1, FTS_CHUNK):
            stop = min(last, start + FTS_CHUNK - 1)
            db.executemany(FTS_INSERT, db.query(FTS_ROWS, (start, stop)))
