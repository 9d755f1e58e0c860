"""The Trash: a deleted entry is kept for 30 days, then goes for good.

``move(entry_id)`` copies the entry's row and every row that hangs off it (sections, tags,
comments, privacy choices, the coaching session a session note holds, with its links) into
one JSON payload in the ``trash`` table, inside the same encrypted journal, then deletes the
entry the usual way (so sharing withdraws it from its recipients). ``restore`` puts the rows
back under new ids, re-links the actions and revalidation records that pointed at it, and
drops links to things deleted since (a person, a tag). Nothing is ever written outside the
journal file. What does not come back: the entry's recipients (restoring does not share it
again, the person chooses that anew).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from reflectjournal.errors import NotFound
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database, Row

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService

KEEP_DAYS = 30
_BYTES = "__base64__"
# Rows deleted with an entry (ON DELETE CASCADE), found by its id.
_BY_ENTRY = (
    "entry_section",
    "entry_tag",
    "comment",
    "privacy_choice",
    "session_entry_link",
    "attachment",
)
# Rows that only lose their link to it (ON DELETE SET NULL): re-linked on restore.
_RELINK = (("action", "entry_id"), ("revalidation_record", "entry_id"))
# Columns naming a person or a tag who may be gone by the time the entry comes back.
_PEOPLE_COLUMNS = ("sender_id", "person_id", "author_id")


@dataclass(frozen=True)
class TrashedEntry:
    id: int
    title: str
    kind: str
    deleted: str  # UTC ISO time
    expires: str  # UTC ISO time it goes for good


def _dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (an attachment's bytes as base64)."""
    return [
        {
            k: ({_BYTES: base64.b64encode(v).decode("ascii")} if isinstance(v, bytes) else v)
            for k, v in zip(row.keys(), tuple(row), strict=True)
        }
        for row in rows
    ]


def _undict(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: base64.b64decode(v[_BYTES]) if isinstance(v, dict) and _BYTES in v else v
        for k, v in values.items()
    }


class TrashService:
    def __init__(self, db: Database, journal: JournalService):
        self.db = db
        self.journal = journal

    # ---- moving in -------------------------------------------------------------------

    def move(self, entry_id: int) -> int:
        """Keep the entry in the Trash, then delete it; returns the Trash id."""
        entry = self.db.query_one("SELECT * FROM entry WHERE id = ?", (int(entry_id),))
        if entry is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        payload: dict[str, Any] = {"entry": _dicts([entry])[0], "rows": {}, "relink": {}}
        for table in _BY_ENTRY:
            payload["rows"][table] = _dicts(
                self.db.query(f"SELECT * FROM {table} WHERE entry_id = ?", (entry["id"],))
            )
        session = self.db.query_one(
            "SELECT * FROM coaching_session WHERE entry_id = ?", (entry["id"],)
        )
        if session is not None:
            payload["session"] = _dicts([session])[0]
            payload["session_links"] = _dicts(
                self.db.query(
                    "SELECT * FROM session_entry_link WHERE session_id = ?", (session["id"],)
                )
            )
            payload["relink"]["action.session_id"] = [
                r[0]
                for r in self.db.query(
                    "SELECT id FROM action WHERE session_id = ?", (session["id"],)
                )
            ]
        payload["links"] = _dicts(
            self.db.query(
                "SELECT * FROM entry_link WHERE source_id = ? OR target_id = ?",
                (entry["id"], entry["id"]),
            )
        )
        for table, column in _RELINK:
            payload["relink"][f"{table}.{column}"] = [
                r[0]
                for r in self.db.query(f"SELECT id FROM {table} WHERE {column} = ?", (entry["id"],))
            ]
        with self.db.transaction():
            trash_id = self.db.execute(
                "INSERT INTO trash(entry_uid, kind, title, deleted, payload) VALUES (?, ?, ?, ?, ?)",
                (
                    entry["uid"],
                    entry["kind"],
                    entry["title"],
                    now_utc().isoformat(),
                    json.dumps(payload, ensure_ascii=False),
                ),
            ).lastrowid
            self.journal.delete(entry["id"])
        return int(trash_id)

    # ---- looking and restoring ---------------------------------------------------------

    def list(self) -> list[TrashedEntry]:
        """What is in the Trash, most recently deleted first (expired ones are emptied)."""
        self.purge()
        rows = self.db.query(
            "SELECT id, title, kind, deleted FROM trash ORDER BY deleted DESC, id DESC"
        )
        return [
            TrashedEntry(
                r["id"], r["title"], r["kind"], r["deleted"], _expiry(r["deleted"]).isoformat()
            )
            for r in rows
        ]

    def restore(self, trash_id: int | str) -> int:
        """Put a trashed entry back; returns its (new) entry id."""
        row = self._row(trash_id)
        payload = json.loads(row["payload"])
        with self.db.transaction():
            entry = dict(payload["entry"])
            old_id = entry.pop("id")
            if self.db.query_one("SELECT 1 FROM entry WHERE uid = ?", (entry["uid"],)):
                # The same entry came back another way (an import, a sync): keep both.
                import uuid

                entry["uid"] = uuid.uuid4().hex
            self._forget_missing_people(entry)
            new_id = self._insert("entry", entry)
            session_map: dict[int, int] = {}
            if payload.get("session"):
                session = dict(payload["session"])
                old_session = session.pop("id")
                session["entry_id"] = new_id
                self._forget_missing_people(session)
                session_map[old_session] = self._insert("coaching_session", session)
            for table, rows in payload["rows"].items():
                for values in rows:
                    values = _undict(values)
                    values["entry_id"] = new_id
                    if table in ("comment", "attachment"):
                        values.pop("id", None)
                    if table == "session_entry_link":
                        if values["session_id"] in session_map:
                            values["session_id"] = session_map[values["session_id"]]
                        elif not self._exists("coaching_session", values["session_id"]):
                            continue
                    if table == "entry_tag" and not self._exists("tag", values["tag_id"]):
                        continue  # the tag was deleted meanwhile
                    self._forget_missing_people(values)
                    self._insert(table, values, ignore=True)
            for values in payload.get("session_links", []):
                if values["entry_id"] == old_id or not self._exists("entry", values["entry_id"]):
                    continue
                values = dict(values, session_id=session_map.get(values["session_id"]))
                if values["session_id"] is not None:
                    self._insert("session_entry_link", values, ignore=True)
            for values in payload.get("links", []):
                values = dict(values)
                for column in ("source_id", "target_id"):
                    if values[column] == old_id:
                        values[column] = new_id
                if self._exists("entry", values["source_id"]) and self._exists(
                    "entry", values["target_id"]
                ):
                    self._insert("entry_link", values, ignore=True)
            for key, ids in payload["relink"].items():
                table, column = key.split(".")
                if column == "session_id":
                    target = next(iter(session_map.values()), None)
                else:
                    target = new_id
                if target is None or not ids:
                    continue
                marks = ", ".join("?" * len(ids))
                self.db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE id IN ({marks}) AND {column} IS NULL",
                    (target, *ids),
                )
            self.db.execute("DELETE FROM trash WHERE id = ?", (row["id"],))
        return new_id

    def empty(self) -> int:
        """Delete everything in the Trash for good; returns how many entries went."""
        with self.db.transaction():
            return int(self.db.execute("DELETE FROM trash").rowcount or 0)

    def purge(self, now: datetime | None = None) -> int:
        """Delete for good what has been in the Trash for more than 30 days."""
        cutoff = (now or now_utc()) - timedelta(days=KEEP_DAYS)
        with self.db.transaction():
            return int(
                self.db.execute(
                    "DELETE FROM trash WHERE deleted < ?", (cutoff.isoformat(),)
                ).rowcount
                or 0
            )

    # ---- helpers ------------------------------------------------------------------------

    def _row(self, trash_id: int | str) -> Row:
        try:
            number = int(trash_id)
        except (TypeError, ValueError):
            raise NotFound(
                f"'{trash_id}' is not a Trash id; 'reflectjournal trash list' shows them."
            ) from None
        row = self.db.query_one("SELECT * FROM trash WHERE id = ?", (number,))
        if row is None:
            raise NotFound(
                f"There is nothing numbered {trash_id} in the Trash; "
                "'reflectjournal trash list' shows what is there."
            )
        return row

    def _exists(self, table: str, row_id: Any) -> bool:
        return self.db.query_one(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)) is not None

    def _forget_missing_people(self, values: dict[str, Any]) -> None:
        for column in _PEOPLE_COLUMNS:
            if values.get(column) is not None and not self._exists("person", values[column]):
                values[column] = None

    def _insert(self, table: str, values: dict[str, Any], ignore: bool = False) -> int:
        columns = list(values)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cursor = self.db.execute(
            f"{verb} INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            tuple(values[c] for c in columns),
        )
        return int(cursor.lastrowid or 0)


def _expiry(deleted: str) -> datetime:
    return datetime.fromisoformat(deleted) + timedelta(days=KEEP_DAYS)
