"""Our own JSON export: complete and re-importable (importers/ours.py reads it back).

Written entry by entry so 20k entries never sit in memory as one big string.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reflectjournal.services.importers.ours import FORMAT, VERSION
from reflectjournal.services.timeutil import now_utc

# Exactly the fields a version 1 export carries (importers/ours.py refuses any other).
FIELDS = (
    "uid", "id", "kind", "title", "body", "created", "updated", "tags", "mood", "energy",
    "visibility", "model", "sections", "starred", "comments", "from",
)  # fmt: skip


def export_record(entry: dict[str, Any]) -> dict[str, Any]:
    record = {key: entry.get(key) for key in FIELDS}
    files = entry.get("attachments")
    if files:  # only when there are some: older readers then still read the file
        record["attachments"] = [
            {"name": f["name"], "mime": f["mime"], "data": base64.b64encode(f["data"]).decode()}
            for f in files
        ]
    return record


def write_json(entries: Iterable[dict[str, Any]], path: Path) -> int:
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
