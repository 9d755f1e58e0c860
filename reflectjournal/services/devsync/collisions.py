"""Records two devices created for the same thing, settled the same way on every device.

A record that collides with another on a unique rule of its table (not on its key) could
never be written as it is, and would wait forever. Two cases have a clear meaning:

- **the same thing twice** (``MERGE``: the coaching agreement with one person, the exchange
  place of one contact): the record with the larger key is merged into the other. Its
  versions join the survivor's (their identity fields taken from the survivor), so
  fields that agree merge and fields that differ become a conflict the person resolves
  (``conflicts list|resolve``); later versions of it follow it there (``sync_alias``).
- **two things with one name** (``RENAME``: two files attached as "scan.png" to one entry
  on two devices): both are kept, the one with the larger key as "scan (2).png".

Which record gives way depends only on the two keys, so every device decides alike,
whichever record it held first.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from reflectjournal.storage.changes import Catalogue
from reflectjournal.storage.database import Database

from . import versions
from .versions import Version

MERGE = {"agreement": ("person_id",), "exchange_place": ("person_id",)}
RENAME = {"attachment": (("entry_id", "name"), "name")}
IDENTITY = ("uid", "created")  # fields of a merged record that are the survivor's


def occupant(
    db: Database, cat: Catalogue, table: str, key: str, fields: dict[str, Any]
) -> tuple[int, str] | None:
    """The local row (and its key) that holds the unique slot this record needs, if any."""
    if table in MERGE:
        columns: tuple[str, ...] = MERGE[table]
    elif table in RENAME:
        columns = RENAME[table][0]
    else:
        return None
    info = cat.tables[table]
    values = []
    for col in columns:
        value = fields.get(col)
        if col in info.fks and value is not None:
            value = cat.rid_of(str(value))
        if value is None:
            return None
        values.append(value)
    where = " AND ".join(f'"{c}" = ?' for c in columns)
    row = db.query_one(f"SELECT rowid FROM {table} WHERE {where}", tuple(values))
    if row is None:
        return None
    other = cat.key_of(table, int(row[0]))
    if other is None or other == key:
        return None
    return int(row[0]), other


def target(db: Database, key: str) -> str:
    """Where a record's versions go (itself, unless it was merged into another)."""
    seen = {key}
    while (found := db.scalar("SELECT target FROM sync_alias WHERE key = ?", (key,))) is not None:
        key = str(found)
        if key in seen:
            break
        seen.add(key)
    return key


def rewrite(versions_in: list[Version], survivor: list[Version]) -> list[Version]:
    """Versions of a merged record, carrying the survivor's identity fields."""
    slots = versions.view(survivor).slots if survivor else {}
    out = []
    for version in versions_in:
        fields = dict(version.get("f", {}))
        for name in IDENTITY:
            if name in fields and name in slots:
                fields[name] = list(slots[name][:3])
        out.append(dict(version, f=fields))
    return out


def merge_into(db: Database, cat: Catalogue, table: str, loser: str, winner: str) -> None:
    """Merge record ``loser`` into ``winner`` here (the loser's local row, if any, goes)."""
    from .records import load_heads, save_heads

    heads_w = load_heads(db, winner)
    heads_l = load_heads(db, loser)
    joined = versions.join(heads_w, rewrite(heads_l, heads_w))
    rid = db.scalar("SELECT rid FROM sync_map WHERE key = ?", (loser,))
    if rid is not None:
        db.execute(f"DELETE FROM {table} WHERE rowid = ?", (rid,))
        db.execute("DELETE FROM sync_dirty WHERE tbl = ? AND rid = ?", (table, rid))
    db.execute("DELETE FROM sync_map WHERE key = ?", (loser,))
    db.execute("DELETE FROM sync_doc WHERE key = ?", (loser,))
    db.execute("INSERT OR REPLACE INTO sync_alias(key, target) VALUES (?, ?)", (loser, winner))
    save_heads(db, winner, table, joined, 0)


def free_name(db: Database, table: str, entry_id: Any, name: str) -> str:
    """``name`` with the first " (n)" suffix no other file of that entry has."""
    path = PurePath(name)
    stem, ext = (path.stem, path.suffix) if path.suffix else (name, "")
    for n in range(2, 1000):
        candidate = f"{stem} ({n}){ext}"
        if not db.query_one(
            f"SELECT 1 FROM {table} WHERE entry_id = ? AND name = ?", (entry_id, candidate)
        ):
            return candidate
    return f"{stem} ({json.dumps(name)[:8]}){ext}"
