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

Fill = Callable[[int, int], None]


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

    def fill(first: int, last: int) -> None:
        if known:
            db.execute(FTS_FILL, (first, last))
            digest.fill(db, first, last)

    yield fill
    if known:
        for trigger in triggers:
            db.execute(trigger["sql"])
