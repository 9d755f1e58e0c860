"""Neutral records every importer produces, and the dedupe key the journal stores.

Parsers turn a foreign file into :class:`ParseResult`; they never touch the database. The
journal service writes the entries in one transaction and uses :func:`fingerprint` to skip
entries it already holds, so importing the same source twice adds nothing.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Dates outside this range are treated as unreadable: they are typos, and far-off years
#: overflow when converted between zones.
MIN_YEAR = 1900
MAX_YEAR = 2199


@dataclass
class ImportedEntry:
    """One entry found in a foreign journal.

    ``title`` may be empty; ``body`` is Markdown. ``created`` is always timezone-aware.
    ``tags`` are the raw names as found (``"Burnout"``, ``"workforce pressures"``), without
    ``@``/``#``, de-duplicated case-insensitively; turning them into slugs is the journal
    service's job.
    """

    title: str
    body: str
    created: datetime
    tags: list[str] = field(default_factory=list)
    starred: bool = False
    mood: int | None = None
    energy: int | None = None
    source_id: str | None = None
    attachments_skipped: int = 0
    #: Something the report should mention about how this entry was read (a completed date).
    note: str | None = None
    #: Where in the source it was found ("line 12", "2024/01/05.txt"), for notes.
    where: str = ""
    #: A vault note's links to other notes: (link as written, normalised; the target's path).
    links: list[tuple[str, str]] = field(default_factory=list)
    #: Links to notes that are not in the source (shown as plain text).
    unresolved_links: int = 0
    #: Files embedded in the note that come in as attachments: (name, bytes).
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            raise ValueError("ImportedEntry.created must be timezone-aware")


@dataclass
class Skipped:
    """Something in the source that was not imported, and why (one user-readable phrase)."""

    where: str
    reason: str


@dataclass
class ParseResult:
    entries: list[ImportedEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        self.entries.extend(other.entries)
        self.skipped.extend(other.skipped)

    @property
    def notes(self) -> list[Skipped]:
        return [Skipped(e.where, e.note) for e in self.entries if e.note]

    @classmethod
    def collect(cls, items: Iterable[ImportedEntry | Skipped]) -> ParseResult:
        """A streamed parse gathered into lists (for tests and small sources)."""
        result = cls()
        for item in items:
            if isinstance(item, Skipped):
                result.skipped.append(item)
            else:
                result.entries.append(item)
        return result


#: What a streaming parser yields: entries and skipped records, in source order.
Item = ImportedEntry | Skipped


def normalise_text(text: str) -> str:
    """NFC, every run of whitespace collapsed to one space, trimmed."""
    # str.split() splits on exactly the characters ``\s`` matches, several times faster.
    return " ".join(unicodedata.normalize("NFC", text).split())


def fingerprint(entry: ImportedEntry) -> str:
    """A stable dedupe key: SHA-256 over the creation minute in UTC, title and body.

    The minute (not the second) is used because jrnl's JSON export drops seconds while its
    plain-text file keeps them; whitespace is collapsed because jrnl, Day One and editors
    disagree about where the title ends and the body begins. Two entries written in the same
    minute with the same words are the same entry.
    """
    when = entry.created.astimezone(UTC).replace(second=0, microsecond=0)
    key = "\x1f".join([when.isoformat(), normalise_text(entry.title + "\n" + entry.body)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def dedupe_tags(tags: list[str]) -> list[str]:
    """Keep the first spelling of each tag, comparing case-insensitively; drop empties."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        tag = tag.strip()
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return out


def zone_named(name: str | None) -> tzinfo | None:
    """The IANA zone called ``name``, or None when it is unknown or missing."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_timezone() -> tzinfo:
    """This machine's zone, as an IANA zone where it can be found (so DST is right).

    Falls back to today's fixed UTC offset, which is only wrong for naive times on the other
    side of a DST change.
    """
    tz_env = os.environ.get("TZ", "").lstrip(":")
    zone = zone_named(tz_env)
    if zone is not None:
        return zone
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            zone = zone_named(target.split("zoneinfo/", 1)[1])
            if zone is not None:
                return zone
    except OSError:
        pass
    return datetime.now().astimezone().tzinfo or UTC


def localise(naive: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz`` to a wall-clock time.

    A time that falls in a DST gap or overlap is taken with ``fold=0``: in an overlap that is
    the first (summer-time) occurrence; in a gap, the offset in force before the change.
    """
    return naive.replace(tzinfo=tz, fold=0)


def in_range(when: datetime) -> bool:
    return MIN_YEAR <= when.year <= MAX_YEAR


@dataclass
class Source:
    """A parse in progress: ``items`` are produced as they are read, so a large journal is
    never held in memory whole. ``total`` is the amount of work in the unit ``done()``
    counts (entries, files or bytes); ``done`` is None when it counts items yielded."""

    items: Iterator[Item]
    total: int
    done: Callable[[], int] | None = None
    # A ReflectJournal export's entries, as it stores them (then ``items`` is empty).
    records: Iterator[dict[str, Any]] | None = None


def streamed_file(
    opener: Callable[[], IO[bytes]], parse: Callable[[IO[bytes]], Iterator[Item]], size: int
) -> Source:
    """A Source reading one file through ``parse``. The file is opened when the first item is
    asked for and closed when the items end (or are abandoned), so a source that is never
    read leaves nothing open; progress is the byte position reached."""
    position = [0]

    def items() -> Iterator[Item]:
        with opener() as handle:
            for item in parse(handle):
                position[0] = handle.tell()
                yield item

    return Source(items(), size, done=lambda: position[0])
