"""Change capture for device sync: which rows were written, and rows as portable records.

Every write to a synced table marks its row in ``sync_dirty`` from a trigger, inside the
writer's own transaction: whichever service, importer or window wrote it, the change is
recorded exactly when it is committed, and a crash loses both or neither.

A synced **record** is one row seen without local row ids: its key is stable across devices
(``entry:<uid>``, ``tag:<slug>``, ``setting:<key>``, or a random one kept in ``sync_map``),
foreign keys become the keys of the records they point at, and bytes become base64. An entry
is one record with its sections (``section:<key>``, ``section_position:<key>``) and its tags
(``tag:<tag key>``) as fields, so tags merge as a set and an entry travels whole.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from reflectjournal.storage import portable
from reflectjournal.storage.database import Database

# Records of these tables travel in this order (a record's foreign keys point earlier).
ORDER = (
    "framework",
    "tag",
    "tag_relation",
    "person",
    "identity",
    "setting",
    "entry",
    "coaching_session",
    "session_entry_link",
    "action",
    "comment",
    "rating",
    "agreement",
    "goal",
    "goal_rating",
    "feedback_score",
    "revalidation_record",
    "privacy_choice",
    "session_note",
    "bring_item",
)
# Kept per device or derived here: never synced. Everything else travels, the exchange's own
# bookkeeping included (shares, outbox, inbox, receipts, contacts' places): see README,
# "Device sync", for why each device may still run the exchange.
LOCAL_TABLES = frozenset(
    {
        "alembic_version",
        "pattern_entry",
        "pattern_link",
        "pattern_tag_total",
        "pattern_day_total",
        "pattern_pair_total",
    }
)
# Columns that say how *this* device last saw a row (a place's last sync, whether a shared
# entry needs a fresh look): not part of the record; a row written by sync leaves them NULL.
LOCAL_COLUMNS = {
    "exchange_place": frozenset({"last_sync", "unreachable_since", "last_error"}),
    "entry_share": frozenset({"entry_updated", "held"}),
}
# The exchange's bookkeeping: concurrent changes on two devices are settled by the newest
# (what went to whom, when it arrived) and never shown to the person as a conflict.
BOOKKEEPING = frozenset(
    {
        "comment_delivery",
        "entry_share",
        "exchange_item",
        "exchange_place",
        "inbox",
        "outbox",
        "packet_log",
        "received_item",
        "received_share",
    }
)
CHILDREN = {"entry_section": "entry", "entry_tag": "entry"}  # folded into their entry
# Settings that describe this machine, not the journal.
LOCAL_SETTING_PREFIXES = ("draft.", "backup.", "autolock.", "reminder.", "window.", "gui.", "sync.")

Fields = dict[str, Any]


class Unresolvable(Exception):
    """A record points at a record this journal does not hold (yet)."""


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[str, ...]
    pk: tuple[str, ...]
    notnull: frozenset[str]
    fks: dict[str, str]  # column -> table it points at

    @property
    def has_int_id(self) -> bool:
        return self.pk == ("id",)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"])
    return value


class Catalogue:
    """The synced tables of one journal, read from its schema once per connection."""

    def __init__(self, db: Database):
        self.db = db
        names = [
            r[0]
            for r in db.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        self.tables: dict[str, TableInfo] = {}
        for name in names:
            if (
                name in LOCAL_TABLES
                or name.startswith(("sync_", "entry_fts"))
                or name in CHILDREN
                or name.endswith("_fts")
            ):
                continue
            cols = db.query(f"PRAGMA table_info({name})")
            if not cols:
                continue
            pk = tuple(c[1] for c in sorted((c for c in cols if c[5]), key=lambda c: c[5]))
            fks = {f[3]: f[2] for f in db.query(f"PRAGMA foreign_key_list({name})")}
            self.tables[name] = TableInfo(
                name,
                tuple(c[1] for c in cols),
                pk,
                frozenset(c[1] for c in cols if c[3]),
                fks,
            )
        # Tables added later (by other features) travel too, after the known ones.
        self.order = [t for t in ORDER if t in self.tables] + sorted(
            t for t in self.tables if t not in ORDER
        )
        self._rank = {t: i for i, t in enumerate(self.order)}

    def rank(self, table: str) -> int:
        return self._rank.get(table, len(self._rank))

    # ---- triggers ----------------------------------------------------------------------

    def install_triggers(self) -> None:
        """Mark every write to a synced table (idempotent; new tables get theirs too).

        A table that starts to travel in a journal that already syncs (added by a later
        migration, or kept per device before) has its existing rows marked once, so they
        travel too, not only what is written to it from now on.
        """
        existing = {
            r[0]
            for r in self.db.query(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' "
                "ESCAPE '\\'"
            )
        }
        newly = [name for name in self.tables if existing and f"sync_{name}_i" not in existing]
        statements = []
        for name in [*self.tables, *CHILDREN]:
            parent = CHILDREN.get(name)
            target = parent or name
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                rid = f"{row}.entry_id" if parent else f"{row}.rowid"
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS sync_{name}_{event[0].lower()} "
                    f"AFTER {event} ON {name} BEGIN "
                    f"INSERT OR IGNORE INTO sync_dirty(tbl, rid) VALUES ('{target}', {rid}); END"
                )
        for statement in statements:
            self.db.execute(statement)
        for name in newly:
            self.db.execute(
                f"INSERT OR IGNORE INTO sync_dirty(tbl, rid) SELECT '{name}', rowid FROM {name}"
            )

    def drop_triggers(self) -> None:
        for (name,) in self.db.query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' "
            "ESCAPE '\\'"
        ):
            self.db.execute(f"DROP TRIGGER {name}")

    def mark_all(self) -> int:
        """Mark every row of every synced table (the first capture of a journal)."""
        count = 0
        for name in self.order:
            cur = self.db.execute(
                f"INSERT OR IGNORE INTO sync_dirty(tbl, rid) SELECT '{name}', rowid FROM {name}"
            )
            count += cur.rowcount or 0
        return count

    # ---- keys --------------------------------------------------------------------------

    def key_of(self, table: str, rid: int) -> str | None:
        """The record key of a local row, making one up if it has none yet (None: no row)."""
        known = self.db.scalar("SELECT key FROM sync_map WHERE tbl = ? AND rid = ?", (table, rid))
        row = self.db.query_one(f"SELECT * FROM {table} WHERE rowid = ?", (rid,))
        if row is None:
            return str(known) if known is not None else None
        natural = self._natural_key(table, row)
        if known is not None and (natural is None or natural == known):
            return str(known)
        key = natural or f"{table}:{secrets.token_hex(10)}"
        self.db.execute("DELETE FROM sync_map WHERE tbl = ? AND rid = ?", (table, rid))
        self.db.execute("DELETE FROM sync_map WHERE key = ?", (key,))
        self.db.execute("INSERT INTO sync_map(tbl, rid, key) VALUES (?, ?, ?)", (table, rid, key))
        return key

    def _natural_key(self, table: str, row: Any) -> str | None:
        info = self.tables[table]
        if "uid" in info.columns and row["uid"]:
            return f"{table}:{row['uid']}"
        if table in ("tag", "framework"):
            return f"{table}:{row['slug']}"
        if table == "setting":
            return f"setting:{row['key']}"
        if table == "identity":
            return "identity:owner"
        if not info.has_int_id:
            parts = []
            for col in info.pk:
                value = row[col]
                if col in info.fks and value is not None:
                    value = self.key_of(info.fks[col], value)
                parts.append(str(value))
            return f"{table}:" + "|".join(parts)
        return None

    def rid_of(self, key: str) -> int | None:
        found = self.db.scalar("SELECT rid FROM sync_map WHERE key = ?", (key,))
        if found is not None:
            return int(found)
        table, _, natural = key.partition(":")
        info = self.tables.get(table)
        if info is None:
            return None
        row = None
        if "uid" in info.columns:
            row = self.db.query_one(f"SELECT rowid FROM {table} WHERE uid = ?", (natural,))
        elif table in ("tag", "framework"):
            row = self.db.query_one(f"SELECT rowid FROM {table} WHERE slug = ?", (natural,))
        elif table == "setting":
            row = self.db.query_one("SELECT rowid FROM setting WHERE key = ?", (natural,))
        elif table == "identity":
            row = self.db.query_one("SELECT rowid FROM identity ORDER BY id LIMIT 1")
        elif not info.has_int_id:
            parts = natural.split("|")
            if len(parts) != len(info.pk):
                return None
            values: list[Any] = []
            for col, part in zip(info.pk, parts, strict=True):
                if col in info.fks:
                    target = self.rid_of(part)
                    if target is None:
                        return None
                    values.append(target)
                else:
                    values.append(part)
            where = " AND ".join(f'"{c}" = ?' for c in info.pk)
            row = self.db.query_one(f"SELECT rowid FROM {table} WHERE {where}", tuple(values))
        if row is None:
            return None
        self.db.execute(
            "INSERT OR REPLACE INTO sync_map(tbl, rid, key) VALUES (?, ?, ?)", (table, row[0], key)
        )
        return int(row[0])

    def is_local(self, table: str, row: Any) -> bool:
        return table == "setting" and str(row["key"]).startswith(LOCAL_SETTING_PREFIXES)

    # ---- rows <-> records --------------------------------------------------------------

    def read(self, table: str, rid: int) -> Fields | None:
        """The record held in a local row, or None when the row is gone (or stays local)."""
        info = self.tables[table]
        row = self.db.query_one(f"SELECT * FROM {table} WHERE rowid = ?", (rid,))
        if row is None or self.is_local(table, row):
            return None
        fields: Fields = {}
        skip = LOCAL_COLUMNS.get(table, frozenset())
        for col in info.columns:
            if (info.has_int_id and col == "id") or col in skip:
                continue
            value = row[col]
            if col in info.fks and value is not None:
                value = self.key_of(info.fks[col], value)
            fields[col] = _encode(value)
        if table == "entry":
            for key, position, body in self.db.query(
                "SELECT key, position, body FROM entry_section WHERE entry_id = ?", (rid,)
            ):
                fields[f"section:{key}"] = body
                fields[f"section_position:{key}"] = position
            for tag_id, source in self.db.query(
                "SELECT tag_id, source FROM entry_tag WHERE entry_id = ?", (rid,)
            ):
                fields[f"tag:{self.key_of('tag', tag_id)}"] = source
        return portable.out(self, table, fields)

    def write(
        self, table: str, key: str, fields: Fields | None, *, forget: bool = True
    ) -> tuple[int | None, bool]:
        """Make the local row say what the record says (None: the record was deleted).

        Returns the row written (None after a delete) and whether it holds the whole record:
        False when an optional link or a tag names a record not held here (yet). Raises
        ``Unresolvable`` when a required foreign key does.
        """
        whole = True
        info = self.tables[table]
        rid = self.rid_of(key)
        if fields is None:
            if rid is not None:
                self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", (rid,))
                if forget:
                    self.db.execute("DELETE FROM sync_map WHERE key = ?", (key,))
            return None, True
        fields = portable.into(self, table, fields)
        skip = LOCAL_COLUMNS.get(table, frozenset())
        values: dict[str, Any] = {}
        for col in info.columns:
            if (info.has_int_id and col == "id") or col in skip:
                continue
            value = _decode(fields.get(col))
            if col in info.fks and value is not None:
                target = self.rid_of(str(value))
                if target is None and col in info.notnull:
                    raise Unresolvable(key)
                whole = whole and target is not None
                value = target
            if value is None and col in info.notnull:
                raise Unresolvable(key)
            values[col] = value
        if rid is not None and self.db.query_one(f"SELECT 1 FROM {table} WHERE rowid = ?", (rid,)):
            sets = ", ".join(f'"{c}" = ?' for c in values)
            self.db.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*values.values(), rid))
        else:
            cols = ", ".join(f'"{c}"' for c in values)
            marks = ", ".join("?" for _ in values)
            cur = self.db.execute(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values())
            )
            rid = int(cur.lastrowid)
            self.db.execute(
                "INSERT OR REPLACE INTO sync_map(tbl, rid, key) VALUES (?, ?, ?)",
                (table, rid, key),
            )
        if table == "entry":
            whole = self._write_children(rid, fields) and whole
        return rid, whole

    def _write_children(self, rid: int, fields: Fields) -> bool:
        sections = {
            k[len("section:") :]: v
            for k, v in fields.items()
            if k.startswith("section:") and v is not None
        }
        have = {
            r[0]: (r[1], r[2])
            for r in self.db.query(
                "SELECT key, position, body FROM entry_section WHERE entry_id = ?", (rid,)
            )
        }
        for name in set(have) - set(sections):
            self.db.execute("DELETE FROM entry_section WHERE entry_id = ? AND key = ?", (rid, name))
        for name, body in sections.items():
            position = fields.get(f"section_position:{name}") or 0
            if have.get(name) != (position, body):
                self.db.execute(
                    "INSERT INTO entry_section(entry_id, key, position, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(entry_id, key) DO UPDATE SET position = excluded.position, "
                    "body = excluded.body",
                    (rid, name, position, body),
                )
        wanted: dict[int, str] = {}
        whole = True
        for name, source in fields.items():
            if name.startswith("tag:") and source is not None:
                tag = self.rid_of(name[len("tag:") :])
                if tag is not None:
                    wanted[tag] = source
                else:
                    whole = False
        tags = {
            r[0]: r[1]
            for r in self.db.query(
                "SELECT tag_id, source FROM entry_tag WHERE entry_id = ?", (rid,)
            )
        }
        for tag in set(tags) - set(wanted):
            self.db.execute("DELETE FROM entry_tag WHERE entry_id = ? AND tag_id = ?", (rid, tag))
        for tag, source in wanted.items():
            if tags.get(tag) != source:
                self.db.execute(
                    "INSERT INTO entry_tag(entry_id, tag_id, source) VALUES (?, ?, ?) "
                    "ON CONFLICT(entry_id, tag_id) DO UPDATE SET source = excluded.source",
                    (rid, tag, source),
                )
        return whole
