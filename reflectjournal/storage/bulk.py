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

Fill = Callable[[int, int], None]

# FTS5 keeps new index terms in memory until they pass this many bytes, then writes them out as
# a segment that later merges rewrite. Its default (1 MiB) makes a 100k-entry import write and
# merge hundreds of small segments (with the one-to-three-letter prefix indexes, ~14 s of the
# import); 16 MiB cuts that work by about 40% for ~16 MB more memory while a bulk write runs.
BULK_FTS_HASHSIZE = 16 * 1024 * 1024
FTS_HASHSIZE = 1024 * 1024  # FTS5's own default, put back when the bulk write ends
_SET_HASHSIZE = "INSERT INTO entry_fts(entry_fts, rank) VALUES ('hashsize', ?)"


@contextmanager
def triggers_set_aside(db: Database) -> Iterator[Fill]:
    """Yields ``fill(first, last)``, to call after writing entries ``first``..``last`` (ids)
    and their tag links; the insert triggers are back in place when the block ends."""
    marks = ",".join("?" * len(INSERT_TRIGGERS))
    triggers = db.query(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        INSERT_TRIGGERS,
    )
    # A schema we do not recognise (a trigger missing) keeps all its triggers: slower, but
    # whatever they maintain stays right.
    known = len(triggers) == len(INSERT_TRIGGERS)
    if known:
        for trigger in triggers:
            db.execute(f"DROP TRIGGER {trigger['name']}")
        db.execute(_SET_HASHSIZE, (BULK_FTS_HASHSIZE,))

    def fill(first: int, last: int) -> None:
        if known:
            # Row by row, not INSERT ... SELECT: a statement that writes many rows opens a
            # statement savepoint, and FTS5 writes its pending terms out at every savepoint, so
            # each batch became a small segment to merge later whatever the hash size.
            db.executemany(FTS_INSERT, db.query(FTS_ROWS, (first, last)))
            digest.fill(db, first, last)

    yield fill
    if known:
        db.execute(_SET_HASHSIZE, (FTS_HASHSIZE,))
        for trigger in triggers:
            db.execute(trigger["sql"])
