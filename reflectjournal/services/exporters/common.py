"""What every export shares: complete entries in batches, progress/cancel, atomic output."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import ReflectJournalError, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services.entries import EntryComment, EntryFilter
from reflectjournal.services.entry_records import EntryRecord, RecordFile
from reflectjournal.storage import chunks
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.services.links import LinkContext

BATCH = 500
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class ExportCancelled(ReflectJournalError):
    """The user cancelled; nothing was written."""


_COLUMNS = (
    "e.id, e.uid, e.kind, e.title, e.body, e.created, e.created_offset, e.updated, e.mood, "
    "e.energy, e.visibility, e.model, e.starred, e.sender_id, e.origin_hash"
)


def entry_ids(db: Database, journal: JournalService, f: EntryFilter | None) -> list[int]:
    """Ids the filter selects (the same rules as ``list``), oldest first."""
    f = f or EntryFilter()
    ids = [row["id"] for row in journal.list_rows(f)]
    ids.reverse()  # list is newest first; a portfolio reads in time order
    return ids


def iter_entries(
    db: Database,
    ids: list[int],
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    attachments: bool = False,
) -> Iterator[EntryRecord]:
    """Complete entries (with uid, sections, comments and sender), in ``ids`` order.

    With ``attachments``, each also carries its files (with their bytes) and its
    ``link_context`` (what its links lead to, for rendering).

    Read in batches of a few queries each, so 20k entries cost a few hundred queries rather
    than four per entry.
    """
    total = len(ids)
    if progress:
        progress(0, total)
    done = 0
    senders: dict[int, str | None] = {}
    for start in range(0, total, BATCH):
        if cancelled is not None and cancelled():
            raise ExportCancelled("The export was cancelled; nothing was written.")
        chunk = ids[start : start + BATCH]
        marks = chunks.marks(len(chunk))
        rows = {
            r["id"]: r
            for r in db.query(f"SELECT {_COLUMNS} FROM entry e WHERE e.id IN ({marks})", chunk)
        }
        tags: dict[int, list[str]] = {}
        for entry_id, slug in db.query(
            f"SELECT et.entry_id, t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
            f"WHERE et.entry_id IN ({marks}) ORDER BY t.framework_id IS NULL, t.position, t.slug",
            chunk,
        ):
            tags.setdefault(entry_id, []).append(slug)
        sections: dict[int, dict[str, str]] = {}
        for entry_id, key, body in db.query(
            f"SELECT entry_id, key, body FROM entry_section WHERE entry_id IN ({marks}) "
            "ORDER BY entry_id, position, key",
            chunk,
        ):
            sections.setdefault(entry_id, {})[key] = body
        files: dict[int, list[RecordFile]] = {}
        if attachments:
            for a in db.query(
                f"SELECT id, entry_id, name, mime, size, width, height, data "
                f"FROM attachment WHERE entry_id IN ({marks}) ORDER BY id",
                chunk,
            ):
                files.setdefault(a["entry_id"], []).append(
                    RecordFile(
                        id=a["id"],
                        name=a["name"],
                        mime=a["mime"],
                        size=a["size"],
                        width=a["width"],
                        height=a["height"],
                        data=bytes(a["data"]),
                    )
                )
        comments: dict[int, list[EntryComment]] = {}
        for c in db.query(
            f"SELECT entry_id, author, text, created FROM comment WHERE entry_id IN ({marks}) "
            "ORDER BY created, id",
            chunk,
        ):
            comments.setdefault(c["entry_id"], []).append(
                EntryComment(author=c["author"], text=c["text"], created=c["created"])
            )
        for entry_id in chunk:
            row = rows.get(entry_id)
            if row is None:  # deleted while we read
                continue
            sender = None
            if row["kind"] == "shared" and row["sender_id"] is not None:
                sid = row["sender_id"]
                if sid not in senders:
                    senders[sid] = db.scalar("SELECT name FROM person WHERE id = ?", (sid,))
                sender = senders[sid]
            entry = E.entry_from_row(
                row,
                tags.get(entry_id, []),
                tuple(comments.get(entry_id, ())),
                tuple(sections.get(entry_id, {}).items()),
                sender,
            )
            found = tuple(files.get(entry_id, ()))
            yield EntryRecord(
                **vars(entry),  # an Entry's fields, as they are
                uid=row["uid"],
                attachments=found,
                link_context=_link_context(db, entry_id, row["body"], bool(found))
                if attachments
                else None,
            )
        done += len(chunk)
        if progress:
            progress(done, total)


def _link_context(db: Database, entry_id: int, body: str, has_files: bool) -> LinkContext:
    """What the entry's links and embeds lead to; only looked up when it has any."""
    from reflectjournal.services.links import LinkContext, LinkService

    if not has_files and "[[" not in body and "](" not in body:
        return LinkContext()
    return LinkService(db).context(entry_id, body)


def reflections_only(f: EntryFilter | None) -> EntryFilter:
    """A CPD account is about your own reflections unless a kind was asked for."""
    f = f or EntryFilter()
    return f if f.kind else replace(f, kind="reflection")


def check_target(out: Path, *, overwrite: bool, journal: Path | None = None) -> Path:
    out = Path(out).expanduser()
    if journal is not None and out.resolve() == Path(journal).resolve():
        raise UsageError(
            "An export cannot be written over the journal itself; choose another name."
        )
    if out.exists() and not overwrite:
        raise UsageError(f"{out} already exists; choose another name or add --force.")
    if out.exists() and out.is_dir() and not overwrite:
        raise UsageError(f"{out} is a folder; choose a file name.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; create it first.")
    return out


@contextmanager
def atomic_file(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``; renamed over it only if the block succeeds."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if out.is_dir():
            raise UsageError(f"{out} is a folder; choose a file name.")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``; renamed to ``out`` only if the block succeeds."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield tmp
        if out.exists():
            if out.is_dir() and not any(out.iterdir()):
                out.rmdir()
            elif out.is_dir():
                raise UsageError(f"{out} is a folder that is not empty; choose a new folder name.")
            else:
                out.unlink()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
