"""Entry values that only exports, ratings and pick lists use: ``EntryRecord`` (an ``Entry``
with its files and links, for the exporters), ``RecordFile``, ``CapabilityRating`` and
``ReflectionRef``.

They live apart from ``services/entries.py`` because that module is on every ``list`` and
``search``'s path, and each frozen dataclass costs ~1 ms of start-up to create.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reflectjournal.services.entries import Entry

if TYPE_CHECKING:
    from reflectjournal.services.links import LinkContext


@dataclass(frozen=True)
class RecordFile:
    """An attachment an export carries: what the writers show of it, and its bytes."""

    id: int
    name: str
    mime: str
    size: int
    width: int | None
    height: int | None
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class EntryRecord(Entry):
    """One complete entry as the exporters read it (``exporters.common.iter_entries``): an
    ``Entry`` (comments oldest first, ``sender`` on shared ones) with its ``uid``, and for
    most formats its files and what its links lead to.

    Each export format writes its own layout from it (``json_export.export_record`` …).
    """

    uid: str = ""
    attachments: tuple[RecordFile, ...] = ()  # only when the export asked for files
    link_context: LinkContext | None = None  # likewise


@dataclass(frozen=True)
class CapabilityRating:
    """One dated self-rating of a capability (tag); ``date`` is the ISO day it was given."""

    id: int
    slug: str
    name: str
    value: int
    date: str
    note: str


@dataclass(frozen=True)
class ReflectionRef:
    """A reflection named in a pick list; ``created`` is ISO text in the writer's own offset."""

    id: int
    title: str
    created: str
