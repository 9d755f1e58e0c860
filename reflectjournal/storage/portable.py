"""Values that hold local row ids inside a synced row, made portable (device sync).

Most foreign keys are columns the catalogue translates by itself. Two kinds of row hide
local ids where no foreign key says so, and would mean another row (or nothing) on another
device: an exchange ``outbox`` row's ``ref`` (the entry or comment it carries, by local id),
and a ``trash`` row's payload (the deleted entry's rows, by local ids). ``out`` turns those
ids into record keys when a row is read for sync; ``into`` turns keys back into this
journal's ids when a synced row is written here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reflectjournal.storage.changes import Catalogue

Fields = dict[str, Any]
_REF_TABLE = {"entry": "entry", "withdraw": "entry", "comment": "comment"}
# Stand-ins for the trashed entry's own id and its session's id: the restore only compares
# them with the ids inside the same payload, and no real row has a negative id.
_ENTRY, _SESSION = -1, -2


def out(cat: Catalogue, table: str, fields: Fields) -> Fields:
    if table == "outbox":
        target = _REF_TABLE.get(str(fields.get("kind")))
        ref = fields.get("ref")
        if target is not None and isinstance(ref, str) and ref.isdigit():
            fields["ref"] = cat.key_of(target, int(ref)) or ""
    elif table == "trash" and isinstance(fields.get("payload"), str):
        fields["payload"] = _trash_out(cat, json.loads(fields["payload"]))
    return fields


def into(cat: Catalogue, table: str, fields: Fields) -> Fields:
    if table == "outbox":
        target = _REF_TABLE.get(str(fields.get("kind")))
        ref = fields.get("ref")
        if target is not None and isinstance(ref, str) and not ref.isdigit():
            rid = cat.rid_of(ref) if ref else None
            fields = dict(fields, ref=str(rid or 0))
    elif table == "trash" and isinstance(fields.get("payload"), str):
        payload = json.loads(fields["payload"])
        if payload.get("portable"):
            fields = dict(fields, payload=json.dumps(_trash_into(cat, payload)))
    return fields


def _fks(cat: Catalogue, table: str) -> dict[str, str]:
    info = cat.tables.get(table)
    if info is not None:
        return info.fks
    return {f[3]: f[2] for f in cat.db.query(f"PRAGMA foreign_key_list({table})")}


def _row_out(
    cat: Catalogue, table: str, row: dict[str, Any], own: dict[str, int]
) -> dict[str, Any]:
    result = {}
    for col, value in row.items():
        if col == "id":
            if table in ("entry", "coaching_session"):
                result[col] = "@" + table
            continue  # a fresh id is given on restore
        target = _fks(cat, table).get(col)
        if target is not None and isinstance(value, int):
            if own.get(target) == value:
                value = "@" + target
            else:
                value = cat.key_of(target, value)
        result[col] = value
    return result


def _row_into(cat: Catalogue, table: str, row: dict[str, Any]) -> dict[str, Any]:
    stand_in = {"@entry": _ENTRY, "@coaching_session": _SESSION}
    result: dict[str, Any] = {}
    for col, value in row.items():
        if isinstance(value, str) and value in stand_in:
            result[col] = stand_in[value]
        elif col in _fks(cat, table) and isinstance(value, str):
            result[col] = cat.rid_of(value)
        else:
            result[col] = value
    return result


def _trash_out(cat: Catalogue, payload: dict[str, Any]) -> str:
    if payload.get("portable"):
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)
    own = {"entry": payload["entry"]["id"]}
    if payload.get("session"):
        own["coaching_session"] = payload["session"]["id"]
    portable: dict[str, Any] = {
        "portable": 1,
        "entry": _row_out(cat, "entry", payload["entry"], own),
    }
    portable["rows"] = {
        t: [_row_out(cat, t, r, own) for r in rows] for t, rows in payload["rows"].items()
    }
    if payload.get("session"):
        portable["session"] = _row_out(cat, "coaching_session", payload["session"], own)
    for name, table in (("session_links", "session_entry_link"), ("links", "entry_link")):
        portable[name] = [_row_out(cat, table, r, own) for r in payload.get(name, [])]
    portable["relink"] = {
        where: [k for i in ids if (k := cat.key_of(where.split(".")[0], int(i)))]
        for where, ids in payload.get("relink", {}).items()
    }
    return json.dumps(portable, ensure_ascii=False, sort_keys=True)


def _trash_into(cat: Catalogue, payload: dict[str, Any]) -> dict[str, Any]:
    local: dict[str, Any] = {"entry": _row_into(cat, "entry", payload["entry"])}
    local["rows"] = {t: [_row_into(cat, t, r) for r in rows] for t, rows in payload["rows"].items()}
    if payload.get("session"):
        local["session"] = _row_into(cat, "coaching_session", payload["session"])
    for name, table in (("session_links", "session_entry_link"), ("links", "entry_link")):
        local[name] = [_row_into(cat, table, r) for r in payload.get(name, [])]
    local["relink"] = {
        where: [rid for k in keys if (rid := cat.rid_of(k)) is not None]
        for where, keys in payload.get("relink", {}).items()
    }
    return local
