"""Writing parsed records into the journal: one transaction, no duplicates, tags mapped.

The parsers (jrnl, Day One, Markdown folders, our own export) never touch the database; this
service turns what they found into rows. Everything is written inside one ``BEGIN IMMEDIATE``
transaction, so a refused, failed or cancelled import leaves the journal exactly as it was.

Speed: rows go in with ``executemany`` in batches, ids chosen up front (we hold the write
lock, so nobody else can take them). The triggers that index every new entry and tag link (the
full-text index and the pattern digest) are set aside for the duration and both are filled once
per batch instead (storage/bulk.py); without that, an entry with three tags is tokenised four
times. The triggers come back inside the same transaction, so a crash restores them too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reflectjournal.errors import ImportFailed, ReflectJournalError, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.tags import display_name, slugify
from reflectjournal.services.timeutil import now_utc, to_storage
from reflectjournal.storage import bulk
from reflectjournal.storage.database import Database

from .records import ImportedEntry, Skipped, fingerprint
from .safety import shown

FORMATS = ("jrnl", "dayone", "markdown", "json")
BATCH = 500
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class ImportCancelled(ReflectJournalError):
    """The user cancelled; the transaction was rolled back."""


@dataclass
class ImportReport:
    source: str
    format: str
    entries: int = 0  # added
    duplicates: int = 0  # already in the journal (or repeated in the source)
    tags: int = 0  # distinct tags the new entries carry
    tags_mapped: int = 0  # ... of which framework items
    tags_new: int = 0  # free tags created by this import
    attachments_skipped: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "entries": self.entries,
            "duplicates": self.duplicates,
            "tags": self.tags,
            "tags_mapped": self.tags_mapped,
            "tags_new": self.tags_new,
            "attachments_skipped": self.attachments_skipped,
            "skipped": [
                {"where": _printable(s.where), "reason": _printable(s.reason)} for s in self.skipped
            ],
        }


@dataclass
class _Row:
    """One entry ready to insert."""

    uid: str
    kind: str
    title: str
    body: str
    created: datetime
    updated: datetime | None
    tags: list[str]
    mood: int | None
    energy: int | None
    visibility: str = "private"
    model: str | None = None
    sections: dict[str, str] = field(default_factory=dict)
    starred: bool = False
    import_key: str | None = None
    comments: list[dict] = field(default_factory=list)
    sender: str | None = None


def parse(kind: str, path: Path) -> tuple[list[_Row], list[Skipped], int]:
    """Parse ``path`` as ``kind``; returns rows, skipped records and attachments left out."""
    from . import (
        parse_dayone,
        parse_jrnl,
        parse_markdown_folder,
        parse_reflectjournal_file,
    )

    path = Path(path)
    if kind == "json":
        return (
            [_row_from_ours(d, i) for i, d in enumerate(parse_reflectjournal_file(path), 1)],
            [],
            0,
        )
    readers = {"jrnl": parse_jrnl, "dayone": parse_dayone, "markdown": parse_markdown_folder}
    if kind not in readers:
        raise UsageError(f"'{kind}' is not an import format; choose one of {', '.join(FORMATS)}.")
    result = readers[kind](path)
    rows: list[_Row] = []
    skipped = list(result.skipped)
    attachments = 0
    for number, entry in enumerate(result.entries, start=1):
        attachments += entry.attachments_skipped
        problem = _text_problem(entry.title, entry.body, entry.tags)
        if problem:
            skipped.append(Skipped(f"entry {number} ({entry.title[:40]!r})", problem))
            continue
        rows.append(_row_from_foreign(entry))
    return rows, skipped, attachments


def _text_problem(
    title: str, body: str, others: Iterable[str] = (), what: str = "A tag"
) -> str | None:
    """Why this text cannot be stored (NUL, lone surrogates, too big), or None.

    ``others`` (tags, comments, a sender's name) are checked too: SQLite refuses a lone
    surrogate with UnicodeEncodeError, which must become a skipped entry, not a crash.
    """
    try:
        E.check_text(body)
        E.check_text(title, "The title")
        for text in others:
            E.check_text(text, what)
    except UsageError as exc:
        return str(exc).rstrip(".")
    return None


def _printable(text: str) -> str:
    """Text for a report: file names that are not UTF-8 and lone surrogates (from JSON
    escapes) become U+FFFD, so the report can be printed and saved as UTF-8."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _row_from_foreign(entry: ImportedEntry) -> _Row:
    return _Row(
        uid=uuid.uuid4().hex,
        kind="reflection",
        title=entry.title.strip() or E.derive_title(entry.body),
        body=entry.body,
        created=entry.created,
        updated=None,
        tags=entry.tags,
        mood=entry.mood,
        energy=entry.energy,
        starred=entry.starred,
        import_key=fingerprint(entry),
    )


def _row_from_ours(data: dict, number: int) -> _Row:
    problem = _text_problem(data["title"], data["body"], data["tags"]) or _text_problem(
        "",
        "",
        [*data["sections"], *data["sections"].values(), data["from"] or ""]
        + [c[k] for c in data["comments"] for k in ("author", "text")],
        "A section, comment or sender",
    )
    if problem:
        raise ImportFailed(f"The ReflectJournal export was refused: entry {number}: {problem}.")
    model = data["model"]
    if model is not None:
        try:
            model = get_model(model).slug
        except UsageError:
            raise ImportFailed(
                f"The ReflectJournal export was refused: entry {number} uses the reflection "
                f"model '{shown(model)}', which this version does not know."
            ) from None
    return _Row(
        uid=data["uid"],
        kind=data["kind"],
        title=data["title"],
        body=data["body"],
        created=data["created"],
        updated=data["updated"],
        tags=data["tags"],
        mood=data["mood"],
        energy=data["energy"],
        visibility=data["visibility"],
        model=model,
        sections=data["sections"],
        starred=data["starred"],
        import_key=data["uid"],
        comments=data["comments"],
        sender=data["from"],
    )


class ImportService:
    def __init__(self, db: Database):
        self.db = db

    def run(
        self,
        kind: str,
        path: Path,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ImportReport:
        """Import ``path`` as ``kind`` (jrnl, dayone, markdown, json); all or nothing."""
        rows, skipped, attachments = parse(kind, path)
        report = ImportReport(str(path), kind, skipped=skipped, attachments_skipped=attachments)
        return self.write(rows, report, progress=progress, cancelled=cancelled)

    def write(
        self,
        rows: list[_Row],
        report: ImportReport,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ImportReport:
        ours = report.format == "json"
        fresh = self._without_duplicates(rows, ours)
        report.duplicates = len(rows) - len(fresh)
        total = len(fresh)
        if progress:
            progress(0, total)
        if not fresh:
            return report
        db = self.db
        with db.transaction():
            tag_ids, mapped, created = self._tag_ids(fresh)
            report.tags_new = created
            used: set[int] = set()
            with bulk.triggers_set_aside(db) as fill:
                next_id = (db.scalar("SELECT max(id) FROM entry") or 0) + 1
                senders: dict[str, int] = {}
                done = 0
                for start in range(0, total, BATCH):
                    if cancelled is not None and cancelled():
                        raise ImportCancelled("The import was cancelled; nothing was written.")
                    batch = fresh[start : start + BATCH]
                    first = next_id
                    next_id = self._insert(batch, first, tag_ids, used, senders)
                    fill(first, next_id - 1)
                    done += len(batch)
                    if progress:
                        progress(done, total)
                if cancelled is not None and cancelled():
                    raise ImportCancelled("The import was cancelled; nothing was written.")
        report.entries = total
        report.tags = len(used)
        report.tags_mapped = len(used & mapped)
        return report

    # ---- steps -----------------------------------------------------------------------------

    def _without_duplicates(self, rows: list[_Row], ours: bool) -> list[_Row]:
        """Rows whose key (uid for our export, fingerprint otherwise) is new to the journal."""
        column = "uid" if ours else "import_key"
        known = {
            r[0] for r in self.db.query(f"SELECT {column} FROM entry WHERE {column} IS NOT NULL")
        }
        fresh = []
        for row in rows:
            key = row.uid if ours else row.import_key
            if key in known:
                continue
            known.add(key)
            fresh.append(row)
        return fresh

    def _tag_ids(self, rows: list[_Row]) -> tuple[dict[str, int], set[int], int]:
        """Slug → tag id for every tag in ``rows``; framework items win over free tags.

        A raw tag matches an existing tag when its slug equals the tag's slug or the slug of
        the tag's name ("Workforce pressures", "@workforce_pressures" and
        "workforce-pressures" all land on the framework item). Others become free tags.
        """
        by_key: dict[str, int] = {}
        framework_ids: set[int] = set()
        # Free tags first, framework items after, so an item overwrites a clashing free tag.
        for tag_id, slug, name, framework_id in self.db.query(
            "SELECT id, slug, name, framework_id FROM tag "
            "ORDER BY framework_id IS NOT NULL, framework_id, position"
        ):
            if framework_id is not None:
                framework_ids.add(tag_id)
            for key in (slugify(name), slug):
                if key:
                    by_key[key] = tag_id
        created = 0
        for row in rows:
            for raw in row.tags:
                slug = slugify(raw)
                if not slug or slug in by_key:
                    continue
                by_key[slug] = self.db.execute(
                    "INSERT INTO tag(slug, name, category, description, keywords, questions, "
                    "calls_for, position, private) VALUES (?, ?, 'free', '', '[]', '[]', '[]', 0, 0)",
                    (slug, display_name(raw)),
                ).lastrowid
                created += 1
        return by_key, framework_ids, created

    def _insert(
        self,
        batch: list[_Row],
        first_id: int,
        tag_ids: dict[str, int],
        used: set[int],
        senders: dict[str, int],
    ) -> int:
        now = to_storage(now_utc())[0]
        entries, links, sections, comments = [], [], [], []
        entry_id = first_id
        for row in batch:
            created, offset = to_storage(row.created)
            updated = to_storage(row.updated)[0] if row.updated else now
            sender_id = self._sender(row.sender, senders) if row.kind == "shared" else None
            origin = E.content_hash(row.title, row.body) if row.kind == "shared" else None
            entries.append(
                (entry_id, row.uid, row.kind, row.title, row.body, created, offset, updated,
                 row.mood, row.energy, row.visibility, row.model, int(row.starred), sender_id,
                 origin, row.import_key)
            )  # fmt: skip
            seen: set[int] = set()
            for raw in row.tags:
                tag_id = tag_ids.get(slugify(raw))
                if tag_id is not None and tag_id not in seen:
                    seen.add(tag_id)
                    links.append((entry_id, tag_id, "import"))
            used |= seen
            sections += self._sections(entry_id, row)
            digest = E.content_hash(row.title, row.body)
            comments += [
                (uuid.uuid4().hex, entry_id, c["author"], c["text"], to_storage(c["created"])[0],
                 digest)
                for c in row.comments
            ]  # fmt: skip
            entry_id += 1
        db = self.db
        db.executemany(
            "INSERT INTO entry(id, uid, kind, title, body, created, created_offset, updated, "
            "mood, energy, visibility, model, starred, sender_id, origin_hash, import_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        db.executemany("INSERT INTO entry_tag(entry_id, tag_id, source) VALUES (?, ?, ?)", links)
        db.executemany(
            "INSERT INTO entry_section(entry_id, key, position, body) VALUES (?, ?, ?, ?)",
            sections,
        )
        db.executemany(
            "INSERT INTO comment(uid, entry_id, author, text, created, entry_hash, outgoing, "
            "sent) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
            comments,
        )
        return entry_id

    @staticmethod
    def _sections(entry_id: int, row: _Row) -> list[tuple]:
        model = get_model(row.model) if row.model else None
        if model is None:
            return []
        order = {s.key: i for i, s in enumerate(model.sections)}
        # Our export carries the sections as stored; keep them exactly (unknown keys last).
        found = row.sections or E.split_sections(model, row.body)
        return [
            (entry_id, key, order.get(key, len(order) + n), text)
            for n, (key, text) in enumerate(found.items())
        ]

    def _sender(self, name: str | None, cache: dict[str, int]) -> int | None:
        """The person a shared entry came from, found by name (added if new to this journal)."""
        if not name:
            return None
        if name not in cache:
            found = self.db.scalar("SELECT id FROM person WHERE name = ? ORDER BY id", (name,))
            if found is None:
                # Whoever shares entries with you is someone you mentor or coach.
                found = self.db.execute(
                    "INSERT INTO person(uid, name, role, email, created, notes) "
                    "VALUES (?, ?, 'coachee', '', ?, ?)",
                    (uuid.uuid4().hex, name, to_storage(now_utc())[0],
                     "Added by an import, as the sender of shared entries."),
                ).lastrowid  # fmt: skip
            cache[name] = found
        return cache[name]
