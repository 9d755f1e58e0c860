"""This journal's synced records: capture local changes as versions, merge remote heads in,
and write what the merged heads say back into the journal's tables.

All three run inside one transaction of the sync (see ``engine``), so a crash leaves either
the journal before the sync or after it, never half of one.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from reflectjournal.storage.bulk import triggers_set_aside
from reflectjournal.storage.changes import BOOKKEEPING, LOCAL_SETTING_PREFIXES, Catalogue
from reflectjournal.storage.database import Database

from . import collisions, versions
from .versions import Version

log = logging.getLogger(__name__)

UNAPPLIED = 2  # sync_doc.conflict: merged, but not (yet) writable into the tables
BULK_AT = 200  # new entries in one round from which the indexes are filled once


@dataclass
class Counter:
    """This device's version counter and hybrid logical clock (ms * 1000 + logical)."""

    device: str
    counter: int
    clock: int

    def next_dot(self) -> tuple[str, int, int]:
        self.counter += 1
        self.clock = max(self.clock + 1, int(time.time() * 1000) * 1000)
        return self.device, self.counter, self.clock

    def witness(self, clock: int) -> None:
        self.clock = max(self.clock, clock)


@dataclass
class Outcome:
    local: list[tuple[str, str, list[Version]]] = field(default_factory=list)
    changed: int = 0  # records whose merged state changed here
    unapplied: int = 0


def load_heads(db: Database, key: str) -> list[Version]:
    raw = db.scalar("SELECT heads FROM sync_doc WHERE key = ?", (key,))
    return json.loads(raw) if raw else []


def save_heads(db: Database, key: str, table: str, heads: list[Version], state: int) -> None:
    db.execute(
        "INSERT INTO sync_doc(key, tbl, heads, conflict) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET heads = excluded.heads, conflict = excluded.conflict",
        (key, table, json.dumps(heads, separators=(",", ":")), state),
    )


def auto(key: str) -> bool:
    """Whether a record is bookkeeping, settled without asking (``BOOKKEEPING``)."""
    return key.partition(":")[0] in BOOKKEEPING


def _local_key(key: str) -> bool:
    return key.startswith("setting:") and key[len("setting:") :].startswith(LOCAL_SETTING_PREFIXES)


def capture(
    db: Database, cat: Catalogue, clock: Counter, *, resolve: set[str] | None = None
) -> list[tuple[str, str, list[Version]]]:
    """Versions for every row written since the last capture (and their records' heads)."""
    marks = db.query("SELECT tbl, rid FROM sync_dirty")
    db.execute("DELETE FROM sync_dirty")
    out: list[tuple[str, str, list[Version]]] = []
    for table, rid in sorted(marks, key=lambda m: (cat.rank(m[0]), m[1])):
        if table not in cat.tables:
            continue
        known = db.scalar("SELECT key FROM sync_map WHERE tbl = ? AND rid = ?", (table, rid))
        key = cat.key_of(table, rid)
        todo: list[tuple[str, dict[str, Any] | None]] = []
        if known is not None and key != known:
            todo.append((str(known), None))  # the row id now holds another record
        if key is not None:
            todo.append((key, cat.read(table, rid)))
        for record, live in todo:
            if _local_key(record):
                continue
            heads = load_heads(db, record)
            if live is None and not heads:
                continue
            device, n, stamp = clock.next_dot()
            version = versions.edit(
                heads,
                live,
                device,
                n,
                stamp,
                resolve=bool(resolve and record in resolve),
                auto=auto(record),
            )
            if version is None:
                clock.counter -= 1
                continue
            heads = versions.join(heads, [version])
            save_heads(db, record, table, heads, _state(record, heads))
            out.append((record, table, [version]))
            if live is None:
                db.execute("DELETE FROM sync_map WHERE key = ?", (record,))
    return out


def _state(key: str, heads: list[Version]) -> int:
    return 1 if versions.view(heads, auto(key)).conflicts else 0


def merge(
    db: Database, cat: Catalogue, clock: Counter, records: list[list[Any]], outcome: Outcome
) -> None:
    """Join remote heads into ours, then write the records that changed into the tables.

    Everything that arrived in a round is joined first and written after, parents before
    children, so a record never waits for one that came in another change set.
    """
    joined: dict[str, tuple[str, list[Version]]] = {}
    before: dict[str, list[str]] = {}
    aliased = bool(db.scalar("SELECT 1 FROM sync_alias LIMIT 1"))
    for key, table, remote in records:
        if _local_key(key) or not isinstance(remote, list):
            continue
        for version in remote:
            clock.witness(int(version.get("t", 0)))
        if aliased and (survivor := collisions.target(db, key)) != key:
            # Merged into another record here: its versions follow it there.
            key = survivor
            remote = collisions.rewrite(
                remote, joined[key][1] if key in joined else load_heads(db, key)
            )
        if key in joined:
            heads = joined[key][1]
        else:
            heads = load_heads(db, key)
            before[key] = [v["d"] for v in heads]
        joined[key] = (table, versions.join(heads, remote))
    changed = [
        (key, table, heads)
        for key, (table, heads) in joined.items()
        if [v["d"] for v in heads] != before[key]
    ]
    for key, table, heads in changed:
        save_heads(db, key, table, heads, 0)  # write_through records its state
    outcome.changed += len(changed)
    fresh = {c[0] for c in changed}
    # What could not be written waits for what it needs: it is tried again when something
    # arrives, never at every round with nothing new.
    retry = (
        [
            (r[0], r[1], json.loads(r[2]))
            for r in db.query(
                "SELECT key, tbl, heads FROM sync_doc WHERE conflict = ?", (UNAPPLIED,)
            )
            if r[0] not in fresh
        ]
        if changed
        else []
    )
    write_through(db, cat, changed + retry, outcome)


def _write_all(
    db: Database,
    cat: Catalogue,
    docs: list[tuple[str, str, list[Version]]],
    shown: dict[str, versions.View],
    written: list[tuple[str, int]],
    outcome: Outcome,
) -> None:
    for key, table, _heads in docs:
        view = shown[key]
        if table not in cat.tables:
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (UNAPPLIED, key))
            outcome.unapplied += 1
            continue
        db.execute("SAVEPOINT sync_record")
        try:
            rid, whole = cat.write(table, key, None if view.deleted else view.fields)
        except Exception as exc:  # kept and retried at the next sync, never lost
            db.execute("ROLLBACK TO sync_record")
            if _settled(db, cat, table, key, view, written):
                db.execute("RELEASE sync_record")
                continue
            db.execute("RELEASE sync_record")
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (UNAPPLIED, key))
            outcome.unapplied += 1
            log.info("a synced %s record is kept for later (%s)", table, type(exc).__name__)
            continue
        db.execute("RELEASE sync_record")
        if rid is not None:
            written.append((table, rid))
        state = (1 if view.conflicts else 0) if whole else UNAPPLIED
        if not whole:
            outcome.unapplied += 1
        db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (state, key))


def _settled(
    db: Database,
    cat: Catalogue,
    table: str,
    key: str,
    view: versions.View,
    written: list[tuple[str, int]],
) -> bool:
    """Settle a record that collides with another on a unique rule (``collisions``)."""
    found = collisions.occupant(db, cat, table, key, view.fields)
    if found is None:
        return False
    rid_o, key_o = found
    db.execute("SAVEPOINT sync_collision")
    try:
        if table in collisions.MERGE:
            winner, loser = sorted((key, key_o))
            collisions.merge_into(db, cat, table, loser, winner)
            shown = versions.view(load_heads(db, winner), auto(winner))
            rid, whole = cat.write(table, winner, shown.fields)
            written.append((table, int(rid or 0)))
            state = (1 if shown.conflicts else 0) if whole else UNAPPLIED
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (state, winner))
        else:
            column = collisions.RENAME[table][1]
            entry = db.scalar(f"SELECT entry_id FROM {table} WHERE rowid = ?", (rid_o,))
            if key_o > key:  # the file held here gives way; the rename is captured
                name = db.scalar(f"SELECT {column} FROM {table} WHERE rowid = ?", (rid_o,))
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                    (collisions.free_name(db, table, entry, str(name)), rid_o),
                )
                rid, whole = cat.write(table, key, view.fields)
                written.append((table, int(rid or 0)))
            else:  # the arriving file gives way; its mark stays, so the rename travels
                renamed = dict(view.fields)
                renamed[column] = collisions.free_name(db, table, entry, str(view.fields[column]))
                rid, whole = cat.write(table, key, renamed)
            state = (1 if view.conflicts else 0) if whole else UNAPPLIED
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (state, key))
    except Exception as exc:
        db.execute("ROLLBACK TO sync_collision")
        db.execute("RELEASE sync_collision")
        log.info("a synced %s record could not be settled (%s)", table, type(exc).__name__)
        return False
    db.execute("RELEASE sync_collision")
    return True


def write_through(
    db: Database, cat: Catalogue, docs: list[tuple[str, str, list[Version]]], outcome: Outcome
) -> None:
    """Make the tables say what these records' heads say.

    Records are written parents first and deleted children first (a parent's cascade never
    deletes what is being kept). The marks our own writes leave are taken back, so only
    their side effects (a cascade) are captured as changes; a record that could not be
    written whole (it names a record not here yet, a unique rule) is kept and tried again at
    the next sync.
    """
    shown = {d[0]: versions.view(d[2], auto(d[0])) for d in docs}
    live = sorted((d for d in docs if not shown[d[0]].deleted), key=lambda d: cat.rank(d[1]))
    dead = sorted((d for d in docs if shown[d[0]].deleted), key=lambda d: -cat.rank(d[1]))
    written: list[tuple[str, int]] = []
    new_entries = [d[0] for d in live if d[1] == "entry"]
    # Many new entries (a device joining): the search index and the pattern digest are
    # filled once for the batch, as the importers do, instead of row by row.
    if len(new_entries) >= BULK_AT and not any(cat.rid_of(k) is not None for k in new_entries):
        first = (db.scalar("SELECT max(id) FROM entry") or 0) + 1
        with triggers_set_aside(db) as fill:
            _write_all(db, cat, live + dead, shown, written, outcome)
            last = db.scalar("SELECT max(id) FROM entry") or 0
            if last >= first:
                fill(first, last)
    else:
        _write_all(db, cat, live + dead, shown, written, outcome)
    db.executemany("DELETE FROM sync_dirty WHERE tbl = ? AND rid = ?", written)
