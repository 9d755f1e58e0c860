"""Our own JSON export: complete and re-importable (importers/ours.py reads it back).

Written entry by entry so 20k entries never sit in memory as one big string.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reflectjournal.services.entry_records import EntryRecord
from reflectjournal.services.importers.ours import FORMAT, VERSION
from reflectjournal.services.timeutil import now_utc

# Exactly the fields a version 1 export carries (importers/ours.py refuses any other).
FIELDS = (
    "uid", "id", "kind", "title", "body", "created", "updated", "tags", "mood", "energy",
    "visibility", "model", "sections", "starred", "comments", "from",
)  # fmt: skip


def export_record(entry: EntryRecord) -> dict[str, Any]:
    """The entry as this file format writes it: FIELDS in order, ``attachments`` if any."""
    record: dict[str, Any] = {
        "uid": entry.uid,
        "id": str(entry.id),
        "kind": str(entry.kind),
        "title": entry.title,
        "body": entry.body,
        "created": entry.created,
        "updated": entry.updated,
        "tags": list(entry.tags),
        "mood": None if entry.mood is None else int(entry.mood),
        "energy": None if entry.energy is None else int(entry.energy),
        "visibility": str(entry.visibility),
        "model": entry.model,
        "sections": dict(entry.sections),
        "starred": entry.starred,
        "comments": [
            {"author": c.author, "text": c.text, "created": c.created} for c in entry.comments
        ],
        "from": entry.sender,
    }
    if entry.attachments:  # only when there are some: older readers then still read the file
        record["attachments"] = [
            {"name": f.name, "mime": f.mime, "data": base64.b64encode(f.data).decode()}
            for f in entry.attachments
        ]
    return record


def write_json(entries: Iterable[EntryRecord], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        head = {"format": FORMAT, "version": VERSION, "exported": now_utc().isoformat()}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "entries": [')
        for entry in entries:
            out.write("\n" if count == 0 else ",\n")
            out.write(json.dumps(export_record(entry), ensure_ascii=False))
            count += 1
        out.write("\n]}\n")
    return count
