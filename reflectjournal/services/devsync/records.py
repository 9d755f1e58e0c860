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

from reflectjournal.storage.changes import LOCAL_SETTING_PREFIXES, Catalogue
from reflectjournal.storage.database import Database

from . import versions
from .versions import Version

log = logging.getLogger(__name__)

UNAPPLIED = 2  # sync_doc.conflict: merged, but not (yet) writable into the tables


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
                heads, live, device, n, stamp, resolve=bool(resolve and record in resolve)
            )
            if version is None:
                clock.counter -= 1
                continue
            heads = versions.join(heads, [version])
            save_heads(db, record, table, heads, _state(heads))
            out.append((record, table, [version]))
            if live is None:
                db.execute("DELETE FROM sync_map WHERE key = ?", (record,))
    return out


def _state(heads: list[Version]) -> int:
    return 1 if versions.view(heads).conflicts else 0


def merge(
    db: Database, cat: Catalogue, clock: Counter, records: list[list[Any]], outcome: Outcome
) -> None:
    """Join remote heads into ours and write the records that changed into the tables."""
    changed: list[tuple[str, str, list[Version]]] = []
    for key, table, remote in records:
        if _local_key(key) or not isinstance(remote, list):
            continue
        for version in remote:
            clock.witness(int(version.get("t", 0)))
        heads = load_heads(db, key)
        joined = versions.join(heads, remote)
        if [v["d"] for v in joined] == [v["d"] for v in heads]:
            continue
        changed.append((key, table, joined))
    for key, table, joined in changed:
        save_heads(db, key, table, joined, _state(joined))
    outcome.changed += len(changed)
    retry = [
        (r[0], r[1], json.loads(r[2]))
        for r in db.query("SELECT key, tbl, heads FROM sync_doc WHERE conflict = ?", (UNAPPLIED,))
    ]
    write_through(db, cat, changed + retry, outcome)


def write_through(
    db: Database, cat: Catalogue, docs: list[tuple[str, str, list[Version]]], outcome: Outcome
) -> None:
    """Make the tables say what these records' heads say (parents before children)."""
    pending = sorted(docs, key=lambda d: (d[2] and versions.view(d[2]).deleted, cat.rank(d[1])))
    # Deletions go children first, so a parent's cascade never deletes what is being kept.
    live = [d for d in pending if not versions.view(d[2]).deleted]
    dead = sorted(
        (d for d in pending if versions.view(d[2]).deleted), key=lambda d: -cat.rank(d[1])
    )
    for key, table, heads in live + dead:
        if table not in cat.tables:
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (UNAPPLIED, key))
            outcome.unapplied += 1
            continue
        shown = versions.view(heads)
        db.execute("SAVEPOINT sync_record")
        try:
            cat.write(table, key, None if shown.deleted else shown.fields)
        except Exception as exc:  # kept and retried at the next sync, never lost
            db.execute("ROLLBACK TO sync_record")
            db.execute("RELEASE sync_record")
            db.execute("UPDATE sync_doc SET conflict = ? WHERE key = ?", (UNAPPLIED, key))
            outcome.unapplied += 1
            log.info("a synced %s record is kept for later (%s)", table, type(exc).__name__)
            continue
        db.execute("RELEASE sync_record")
        db.execute(
            "UPDATE sync_doc SET conflict = ? WHERE key = ?", (1 if shown.conflicts else 0, key)
        )
