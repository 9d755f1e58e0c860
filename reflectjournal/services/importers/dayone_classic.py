"""Day One Classic journals: a ``Journal.dayone`` folder of ``entries/*.doentry`` files.

Each ``.doentry`` is a property list (XML, occasionally binary) read one file at a time and
at most 16 MiB each. The plain XML Day One writes is read by expat into an element tree in C
and turned into values as ``plistlib`` would (:func:`load_plist`, ~10x faster than
``plistlib``'s Python handlers); anything else (binary, entity declarations, comments, unknown
elements, a malformed file) goes to ``plistlib`` itself, which refuses XML entity
declarations, so an entity bomb is refused too. Keys used, as Day One Classic and jrnl's
``DayOneJournal`` write them:

``Creation Date`` (UTC) shown in the entry's ``Time Zone`` when that zone is known;
``Entry Text`` (Markdown: the first line is the title); ``Tags``; ``Starred``; ``UUID``.
Photos (``photos/<UUID>.jpg``) are counted, not imported. Files that are not entries, or
cannot be read, and symbolic links, are listed as skipped (links are never followed).
"""

from __future__ import annotations

import os
import plistlib
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reflectjournal.errors import ImportFailed

from .dayone import finish_entry, split_title
from .records import ImportedEntry, Item, Skipped, Source, in_range, zone_named
from .safety import MAX_NOTE_BYTES, advise_ahead, read_bytes_capped

# plistlib's own date pattern and reading of it (plistlib._date_from_string, private there).
_PLIST_DATE = re.compile(
    r"(?P<year>\d\d\d\d)(?:-(?P<month>\d\d)(?:-(?P<day>\d\d)(?:T(?P<hour>\d\d)"
    r"(?::(?P<minute>\d\d)(?::(?P<second>\d\d))?)?)?)?)?Z",
    re.ASCII,
)
_DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")


class _NotPlain(Exception):
    """Not the plain XML this reader takes: plistlib reads it instead."""


def load_plist(data: bytes) -> Any:
    """``plistlib.loads(data)``: the same value, or the same exception.

    XML that starts as plistlib requires (``<?xml`` or ``<plist``), with no entity
    declaration, comment or processing instruction after the first, whose root ``<plist>``
    holds one value built only of ``dict`` (keys and values alternating), ``array``,
    ``string``, ``integer``, ``real``, ``true``, ``false`` and ``date`` is read from the element
    tree. Everything else, and any error, is left to plistlib: it decides what is refused and
    why."""
    if (
        data.startswith((b"<?xml", b"<plist"))
        and b"<!ENTITY" not in data
        and b"<!--" not in data
        and data.find(b"<?", 1) == -1
    ):
        try:
            root = ElementTree.fromstring(data)
            if root.tag == "plist" and len(root) == 1:
                return _plist_value(root[0])
        except Exception:  # a parse error, a bad number, or _NotPlain: plistlib says
            pass
    return plistlib.loads(data)


def _plist_value(element: ElementTree.Element) -> Any:
    tag = element.tag
    if tag == "dict":
        children = list(element)
        if len(children) % 2:
            raise _NotPlain
        out: dict[str, Any] = {}
        for key, value in zip(children[::2], children[1::2], strict=True):
            if key.tag != "key" or len(key):
                raise _NotPlain
            out[key.text or ""] = _plist_value(value)
        return out
    if tag == "array":
        return [_plist_value(child) for child in element]
    if len(element):
        raise _NotPlain
    text = element.text or ""
    if tag == "string":
        return text
    if tag == "date":
        match = _PLIST_DATE.match(text)
        if match is None:
            raise _NotPlain
        parts: list[int] = []
        for name in _DATE_PARTS:
            part = match.group(name)
            if part is None:
                break
            parts.append(int(part))
        return datetime(*parts)  # type: ignore[arg-type]  # as plistlib: year to second
    if tag == "integer":
        return int(text, 16) if text.startswith(("0x", "0X")) else int(text)
    if tag == "real":
        return float(text)
    if tag == "true":
        return True
    if tag == "false":
        return False
    raise _NotPlain  # data, key in the wrong place, or an element plistlib would skip


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

    prefix = os.path.join(entries_dir, "")  # paths as strings: no Path made per entry

    def items() -> Iterator[Item]:
        for number, name in enumerate(names):
            advise_ahead(prefix, names, number)
            rel = f"entries/{name}"
            done[0] += 1
            file = prefix + name
            if os.path.islink(file):
                yield Skipped(rel, "symbolic link not followed")
                continue
            try:
                data = load_plist(read_bytes_capped(file, MAX_NOTE_BYTES))
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
