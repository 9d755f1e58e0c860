"""Day One Classic journals: a ``Journal.dayone`` folder of ``entries/*.doentry`` files.

Each ``.doentry`` is a property list (XML, occasionally binary) read with the standard
library's ``plistlib``, one file at a time and at most 16 MiB each (``plistlib`` refuses XML
entity declarations, so an entity bomb is refused too). Keys used, as Day One Classic and
jrnl's ``DayOneJournal`` write them:

``Creation Date`` (UTC) shown in the entry's ``Time Zone`` when that zone is known;
``Entry Text`` (Markdown: the first line is the title); ``Tags``; ``Starred``; ``UUID``.
Photos (``photos/<UUID>.jpg``) are counted, not imported. Files that are not entries, or
cannot be read, and symbolic links, are listed as skipped (links are never followed).
"""

from __future__ import annotations

import os
import plistlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reflectjournal.errors import ImportFailed

from .dayone import finish_entry, split_title
from .records import ImportedEntry, Item, Skipped, Source, in_range, zone_named
from .safety import MAX_NOTE_BYTES, read_bytes_capped


def _entry(data: dict[str, Any], photo: bool) -> ImportedEntry | str:
    created = data.get("Creation Date")
    if not isinstance(created, datetime):
        return "it has no Creation Date"
    if created.tzinfo is None:  # plistlib gives Day One's UTC dates without a zone
        created = created.replace(tzinfo=UTC)
    if not in_range(created):
        return "its Creation Date is out of range"
    zone = zone_named(data.get("Time Zone"))
    created = created.astimezone(zone if zone is not None else UTC)
    text = data.get("Entry Text", "")
    if not isinstance(text, str):
        return "its Entry Text is not text"
    title, body = split_title(text.replace("\r\n", "\n"))
    if not title and not body:
        return (
            "it has no text, only a photo, which is not imported" if photo else "the entry is empty"
        )
    return finish_entry(data, ("Tags", "Starred", "UUID"), title, body, created, int(photo))


def _names(folder: Path, suffix: str) -> list[str]:
    """File names in ``folder`` ending in ``suffix`` (sorted; plain strings, which for 100k
    entries take a fraction of the memory of paths)."""
    try:
        with os.scandir(folder) as listing:
            return sorted(
                e.name
                for e in listing
                if e.name.lower().endswith(suffix) and not e.name.startswith(".")
            )
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError:
        raise ImportFailed(f"{folder} cannot be read; check its permissions.") from None


def open_dayone_classic(folder: Path) -> Source:
    """A ``.dayone`` folder as a streaming source: Day One Classic keeps every entry in
    ``entries/`` and every photo in ``photos/`` (one level, no subfolders)."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        raise ImportFailed(f"{folder} is not a folder; choose the Journal.dayone folder.")
    entries_dir = folder / "entries"
    names = _names(entries_dir, ".doentry") if not entries_dir.is_symlink() else []
    photos_dir = folder / "photos"
    photos = (
        {n.rsplit(".", 1)[0].upper() for n in _names(photos_dir, ".jpg")}
        if not photos_dir.is_symlink()
        else set()
    )
    if not names:
        raise ImportFailed(
            f"{folder.name} holds no Day One entries (entries/*.doentry); choose the "
            "Journal.dayone folder, or a Day One JSON export."
        )
    done = [0]

    def items() -> Iterator[Item]:
        for name in names:
            rel = f"entries/{name}"
            done[0] += 1
            file = entries_dir / name
            if file.is_symlink():
                yield Skipped(rel, "symbolic link not followed")
                continue
            try:
                data = plistlib.loads(read_bytes_capped(file, MAX_NOTE_BYTES))
            except ImportFailed as exc:
                yield Skipped(rel, str(exc).rstrip("."))
                continue
            except Exception:  # InvalidFileException, ExpatError, ValueError, OverflowError...
                yield Skipped(rel, "it is not a readable property list")
                continue
            if not isinstance(data, dict):
                yield Skipped(rel, "it is not a Day One entry")
                continue
            entry = _entry(data, name.rsplit(".", 1)[0].upper() in photos)
            if isinstance(entry, str):
                yield Skipped(rel, entry)
            else:
                entry.where = rel
                yield entry

    return Source(items(), len(names), done=lambda: done[0])
