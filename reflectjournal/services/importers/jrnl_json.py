"""``jrnl --export json`` documents, read an entry at a time.

Shape: ``{"tags": {…}, "entries": [{"title", "body", "date": "YYYY-MM-DD", "time": "HH:MM",
"tags", "starred", "uuid"?}]}``. jrnl exports wall-clock times without a zone; they are read
in the given zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import IO

from .jrnl_dates import DateReader
from .json_stream import iter_array
from .records import ImportedEntry, Item, Skipped, dedupe_tags
from .safety import shown


def _entry(item: object, reader: DateReader) -> ImportedEntry | str:
    """One ``jrnl --export json`` entry, or the reason it cannot be imported."""
    from .jrnl import tags_in

    if not isinstance(item, dict):
        return "it is not a JSON object"
    title, body = item.get("title", ""), item.get("body", "")
    if not isinstance(title, str) or not isinstance(body, str):
        return "its title or body is not text"
    date, time = item.get("date"), item.get("time", "")
    if not isinstance(date, str) or not isinstance(time, str):
        return "it has no date"
    stamp = reader.read(f"{date} {time}".strip())
    if stamp is None:
        return f"the date '{shown((date + ' ' + time).strip())}' could not be read"
    starred = item.get("starred", False)
    if not isinstance(starred, bool):
        return "'starred' is not true or false"
    listed = item.get("tags", [])
    if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
        return "'tags' is not a list of text"
    uuid = item.get("uuid")
    if not title.strip() and not body.strip():
        return "the entry is empty"
    tags = tags_in(title + "\n" + body) + [t.lstrip("#@") for t in listed]
    return ImportedEntry(
        title=title.strip(),
        body=body.strip(),
        created=stamp.when,
        tags=dedupe_tags(tags),
        starred=starred,
        source_id=uuid if isinstance(uuid, str) and uuid else None,
        note=stamp.note,
    )


def iter_jrnl_json(handle: IO[bytes], tz: tzinfo, name: str) -> Iterator[Item]:
    reader = DateReader(tz, "%Y-%m-%d %H:%M")
    missing = f"{name} is not a jrnl JSON export: it has no list of entries."
    for index, item in enumerate(iter_array(handle, "entries", name, missing=missing), start=1):
        entry = _entry(item, reader)
        if isinstance(entry, str):
            yield Skipped(f"entry {index}", entry)
        else:
            entry.where = f"entry {index}"
            yield entry
