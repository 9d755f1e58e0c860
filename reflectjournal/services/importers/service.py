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

import hashlib
import json
import queue
import re
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from reflectjournal.errors import ImportFailed, ReflectJournalError, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services.display import plural
from reflectjournal.services.formats import IMPORT_FORMATS
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.links import LinkService
from reflectjournal.services.tags import display_name, slugify
from reflectjournal.services.timeutil import now_utc, to_storage
from reflectjournal.storage import bulk
from reflectjournal.storage.database import Database

from .records import ImportedEntry, Skipped, Source, fingerprint
from .safety import shown

FORMATS = IMPORT_FORMATS
BATCH = 500
# While an import's parser thread runs, the writer waits up to this long to take the GIL back
# after each statement (the interpreter's default is 5 ms; see ``_parsed_ahead``).
SWITCH_INTERVAL = 0.001
# Batches parsed ahead of the writer: enough to keep it fed when one batch is slow to read,
# few enough that the queued rows stay a small part of the import's memory.
PARSE_AHEAD = 4
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
    attachments: int = 0  # files embedded in notes that came in as attachments
    links_resolved: int = 0  # links between notes that became links between entries
    links_unresolved: int = 0  # links to notes that are not in the source (plain text)
    skipped: list[Skipped] = field(default_factory=list)
    #: How some entries were read (a partial date completed as jrnl does), for the report.
    notes: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many came in, how many were already there, how many skipped and why."""
        n = self.entries
        line = f"Imported {n} entr{'y' if n == 1 else 'ies'}"
        parts = []
        if self.duplicates:
            parts.append(f"{self.duplicates} already in the journal")
        parts.append(
            f"{len(self.skipped)} skipped"
            + (f" ({skip_reasons(self.skipped)})" if self.skipped else "")
        )
        if self.notes:
            parts.append(f"{len(self.notes)} with a partial date read as jrnl reads it")
        if self.attachments:
            parts.append(plural(self.attachments, "attachment"))
        if self.attachments_skipped:
            parts.append(f"{self.attachments_skipped} photos or other attachments left out")
        if self.links_resolved or self.links_unresolved:
            parts.append(
                f"{plural(self.links_resolved, 'link')} between notes resolved, "
                f"{self.links_unresolved} to notes not imported (kept as plain text)"
            )
        return f"{line}; {'; '.join(parts)}."


_QUOTED = re.compile(r"'[^']*'")


def skip_reasons(skipped: list[Skipped], most: int = 3) -> str:
    """The commonest reasons, counted: "2 the date could not be read, 1 the entry is empty"."""
    counts = Counter(_QUOTED.sub("", s.reason).replace("  ", " ").strip() for s in skipped)
    shown_ = [f"{count} {reason}" for reason, count in counts.most_common(most)]
    if len(counts) > most:
        shown_.append("other reasons")
    return printable(", ".join(shown_))


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
    comments: list[dict[str, Any]] = field(default_factory=list)
    sender: str | None = None
    where: str = ""  # a vault note's path, so links between notes can find its entry
    links: list[tuple[str, str]] = field(default_factory=list)
    unresolved_links: int = 0
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def open_source(
    kind: str, path: Path, *, password: str | None = None, date_format: str | None = None
) -> Source:
    """The parser for ``kind`` opened on ``path`` (nothing read beyond what it must check)."""
    from .dayone import open_dayone
    from .jrnl import open_jrnl
    from .markdown_folder import open_markdown_folder
    from .ours import parse_reflectjournal_file

    path = Path(path)
    if date_format and kind != "jrnl":
        raise UsageError("--date-format is only for jrnl journals.")
    if kind == "jrnl":
        return open_jrnl(path, password=password, date_format=date_format)
    if kind == "dayone":
        return open_dayone(path)
    if kind == "markdown":
        return open_markdown_folder(path)
    if kind == "json":
        records = parse_reflectjournal_file(path)
        return Source(iter(()), len(records), records=iter(records))
    raise UsageError(f"'{kind}' is not an import format; choose one of {', '.join(FORMATS)}.")


def rows_of(kind: str, source: Source, report: ImportReport) -> Iterator[_Row]:
    """Rows to insert, as the source yields them; skipped records and notes go to ``report``."""
    if source.records is not None:
        for number, data in enumerate(source.records, 1):
            yield _row_from_ours(data, number)
        return
    number = 0
    for item in source.items:
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        number += 1
        report.attachments_skipped += item.attachments_skipped
        problem = _text_problem(item.title, item.body, item.tags)
        if problem:
            report.skipped.append(Skipped(f"entry {number} ({item.title[:40]!r})", problem))
            continue
        if item.note:
            report.notes.append(Skipped(item.where or f"entry {number}", item.note))
        yield _row_from_foreign(item)


def parse(kind: str, path: Path, **options: Any) -> tuple[list[_Row], list[Skipped], int]:
    """Parse ``path`` as ``kind`` whole; returns rows, skipped records and attachments left
    out (for tests: the service streams instead)."""
    report = ImportReport(str(path), kind)
    rows = list(rows_of(kind, open_source(kind, path, **options), report))
    return rows, report.skipped, report.attachments_skipped


def _text_problem(
    title: str, body: str, others: Iterable[str] = (), what: str = "A tag"
) -> str | None:
    """Why this text cannot be stored (NUL, lone surrogates, too big), or None.

    ``others`` (tags, comments, a sender's name) are checked too: SQLite refuses a lone
    surrogate with UnicodeEncodeError, which must become a skipped entry, not a crash.
    """
    # The common case in one pass: valid UTF-8, no NUL, well under the size limit.
    try:
        joined = "\x1f".join((title, body, *others))
        if "\x00" not in joined and len(joined.encode("utf-8")) <= E.ENTRY_MAX_BYTES:
            return None
    except UnicodeEncodeError:
        pass
    try:
        E.check_text(body)
        E.check_text(title, "The title")
        for text in others:
            E.check_text(text, what)
    except UsageError as exc:
        return str(exc).rstrip(".")
    return None


def printable(text: str) -> str:
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
        where=entry.where,
        links=entry.links,
        unresolved_links=entry.unresolved_links,
        attachments=entry.attachments,
    )


def _row_from_ours(data: dict[str, Any], number: int) -> _Row:
    problem = _text_problem(data["title"], data["body"], data["tags"]) or _text_problem(
        "",
        "",
        [*data["sections"], *data["sections"].values(), data["from"] or ""]
        + [c[k] for c in data["comments"] for k in ("author", "text")],
        "A section, comment or sender",
    )
    if problem:
        raise ImportFailed(f"The ReflectJournal export was refused: entry {number}: {problem}.")
    model = data["model"] or None  # "" is "no model", as get_model reads it
    if model is not None:
        try:
            model = get_model(model).slug  # type: ignore[union-attr]  # None only for ""
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
        attachments=data.get("attachments") or [],
    )


class ImportService:
    def __init__(self, db: Database):
        self.db = db

    def run(
        self,
        kind: str,
        path: Path,
        *,
        password: str | None = None,
        date_format: str | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ImportReport:
        """Import ``path`` as ``kind`` (jrnl, dayone, markdown, json); all or nothing.

        The source is read as it is written (a batch at a time, inside one transaction), so
        memory stays flat however large it is. A source in which no entry could be read is
        refused with ImportFailed, nothing written.
        """
        report = ImportReport(str(path), kind)
        source = open_source(kind, path, password=password, date_format=date_format)
        return self.write(rows_of(kind, source, report), report, source=source,
                          progress=progress, cancelled=cancelled)  # fmt: skip

    def write(
        self,
        rows: Iterable[_Row],
        report: ImportReport,
        *,
        source: Source | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ImportReport:
        ours = report.format == "json"
        if source is None:
            rows = list(rows)
            source = Source(iter(()), len(rows))
        total = source.total
        counted = 0

        last = [0]

        def tell(done: int | None = None) -> None:
            if progress:
                if done is None:
                    done = (
                        source.done() if source.done is not None else counted + len(report.skipped)
                    )
                done = min(done, total)
                if done != last[0]:
                    last[0] = done
                    progress(done, total)

        if progress:
            progress(0, total)
        db = self.db
        found = 0
        with db.transaction():
            links = _Links()
            keys = _Keys(db, ours)
            tag_ids, framework_ids = self._known_tags()
            used: set[int] = set()
            # Tags and sections go only to the entries written here (``_insert``).
            with bulk.triggers_set_aside(db, new_entries_only=True) as fill:
                next_id = (db.scalar("SELECT max(id) FROM entry") or 0) + 1
                senders: dict[str, int] = {}
                for batch in _parsed_ahead(_batches(rows)):
                    if cancelled is not None and cancelled():
                        raise ImportCancelled("The import was cancelled; nothing was written.")
                    found += len(batch)
                    counted += len(batch)
                    fresh: list[_Row] = []
                    known = keys.already_written(batch)
                    for row in batch:
                        key = keys.of(row)
                        if key not in known:
                            known[key] = next_id + len(fresh)  # the id _insert gives it
                            fresh.append(row)
                        links.seen(row, known[key])
                    report.duplicates += len(batch) - len(fresh)
                    if fresh:
                        report.tags_new += self._add_tags(fresh, tag_ids)
                        first = next_id
                        next_id = self._insert(fresh, first, tag_ids, used, senders)
                        fill(first, next_id - 1)
                        for entry_id, row in enumerate(fresh, first):
                            links.added(row, entry_id)
                            report.attachments += self._attach(entry_id, row)
                        report.entries += len(fresh)
                    tell()
                if cancelled is not None and cancelled():
                    raise ImportCancelled("The import was cancelled; nothing was written.")
            if not found:
                raise ImportFailed(_nothing_message(report))
            links.write(self.db, report)
        tell(total)
        report.tags = len(used)
        report.tags_mapped = len(used & framework_ids)
        return report

    # ---- steps -----------------------------------------------------------------------------

    def _known_tags(self) -> tuple[dict[str, int], set[int]]:
        """Slug → tag id for every tag in the journal; framework items win over free tags.

        A raw tag matches an existing tag when its slug equals the tag's slug or the slug of
        the tag's name ("Workforce pressures", "@workforce_pressures" and
        "workforce-pressures" all land on the framework item).
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
        return by_key, framework_ids

    def _add_tags(self, rows: list[_Row], by_key: dict[str, int]) -> int:
        """Free tags for the raw tags in ``rows`` that match no tag yet; how many were made."""
        created = 0
        for row in rows:
            for raw in row.tags:
                slug = _slug(raw)
                if not slug or slug in by_key:
                    continue
                by_key[slug] = self.db.execute(
                    "INSERT INTO tag(slug, name, category, description, keywords, questions, "
                    "calls_for, position, private) VALUES (?, ?, 'free', '', '[]', '[]', '[]', 0, 0)",
                    (slug, display_name(raw)),
                ).lastrowid
                created += 1
        return created

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
                tag_id = tag_ids.get(_slug(raw))
                if tag_id is not None and tag_id not in seen:
                    seen.add(tag_id)
                    links.append((entry_id, tag_id, "import"))
            used |= seen
            sections += self._sections(entry_id, row)
            if row.comments:  # the hash comments are bound to (a JSON dump: not for every row)
                digest = E.content_hash(row.title, row.body)
                comments += [
                    (uuid.uuid4().hex, entry_id, c["author"], c["text"],
                     to_storage(c["created"])[0], digest, 0, 0)
                    for c in row.comments
                ]  # fmt: skip
            entry_id += 1
        db = self.db
        db.insert_rows(
            "INSERT INTO entry(id, uid, kind, title, body, created, created_offset, updated, "
            "mood, energy, visibility, model, starred, sender_id, origin_hash, import_key)",
            entries,
        )
        db.insert_rows("INSERT INTO entry_tag(entry_id, tag_id, source)", links)
        db.insert_rows("INSERT INTO entry_section(entry_id, key, position, body)", sections)
        db.insert_rows(
            "INSERT INTO comment(uid, entry_id, author, text, created, entry_hash, outgoing, sent)",
            comments,
        )
        return entry_id

    def _attach(self, entry_id: int, row: _Row) -> int:
        """Store the files a vault note embedded (already checked while it was read)."""
        from reflectjournal.services.attachments import check

        stored = 0
        for name, data in row.attachments:
            checked = check(name, data)
            self.db.execute(
                "INSERT INTO attachment(entry_id, name, mime, size, width, height, sha256, data, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, checked.name, checked.mime, len(data), checked.width, checked.height,
                 hashlib.sha256(data).hexdigest(), data, to_storage(now_utc())[0]),
            )  # fmt: skip
            stored += 1
        row.attachments = []  # the bytes are in the journal now; let them go
        return stored

    @staticmethod
    def _sections(entry_id: int, row: _Row) -> list[tuple[int, str, int, str]]:
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


class _Links:
    """Links between the notes of one import, written once every note has its entry.

    A vault note's links name other notes by path; an entry written in this app (our own JSON
    export, jrnl) names them by title, so those are resolved by title like typed ones."""

    def __init__(self) -> None:
        self.by_path: dict[str, int] = {}  # vault path -> entry id (new or already here)
        self.pending: list[tuple[int, str, str]] = []  # (source id, link key, target path)
        self.by_title: list[tuple[int, str]] = []  # (entry id, body) of new entries with links
        self.unresolved = 0

    def seen(self, row: _Row, entry_id: int) -> None:
        if row.where:
            self.by_path[row.where] = entry_id

    def added(self, row: _Row, entry_id: int) -> None:
        self.unresolved += row.unresolved_links
        if row.links:
            self.pending += [(entry_id, key, path) for key, path in row.links]
        elif not row.where and ("[[" in row.body or "](" in row.body):
            self.by_title.append((entry_id, row.body))

    def write(self, db: Database, report: ImportReport) -> None:
        service = LinkService(db)
        rows = []
        for source, key, path in self.pending:
            target = self.by_path.get(path) if path else service.by_title(key, exclude=source)
            if target is None or target == source:
                self.unresolved += target is None
                continue
            rows.append((source, key, target))
        report.links_resolved = len(rows)  # every link written, as the unresolved are
        report.links_unresolved = self.unresolved
        service.record(dict.fromkeys(rows))
        for entry_id, body in self.by_title:
            service.refresh(entry_id, body)


class _Keys:
    """Which rows of a batch are already in the journal (by our uid, or the source's
    fingerprint), and the ids of their entries. Earlier batches of the import are written by
    then, so one indexed lookup per batch finds every duplicate; a dictionary of every key
    seen grew with the import (~15 MB at 100k entries, a tenth of the memory budget)."""

    def __init__(self, db: Database, ours: bool) -> None:
        self.db = db
        self.ours = ours
        self.column = "uid" if ours else "import_key"

    def of(self, row: _Row) -> str:
        return row.uid if self.ours else (row.import_key or "")

    def already_written(self, batch: list[_Row]) -> dict[str, int]:
        return dict(
            self.db.query(
                f"SELECT {self.column}, id FROM entry WHERE {self.column} IN "
                "(SELECT value FROM json_each(?))",  # one statement text whatever the count
                (json.dumps([self.of(row) for row in batch]),),
            )
        )


@lru_cache(maxsize=65536)
def _slug(raw: str) -> str:
    """slugify, remembered: an import meets the same few hundred tags on every entry."""
    return slugify(raw)


def _batches(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


_END = object()


def _parsed_ahead(batches: Iterator[list[_Row]], depth: int = PARSE_AHEAD) -> Iterator[list[_Row]]:
    """The same batches, parsed on a second thread up to ``depth`` ahead while this one writes.

    SQLite releases the GIL while it works, so reading the next batch (pure Python) and
    writing this one (mostly SQLite: the full-text index) overlap on two cores. An error in
    the parse is raised here, in order; when the writer stops early (an error, a cancel) the
    parser is told to stop and waited for, so it never outlives the transaction.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        item: object = _END
        try:
            for batch in batches:
                if not put(batch):
                    return
        except BaseException as exc:  # handed to the writer, which raises it
            item = exc
        finally:
            if stop.is_set():
                close = getattr(batches, "close", None)
                if close is not None:
                    close()
        put(item)

    worker = threading.Thread(target=produce, name="import-parser", daemon=True)
    # The writer gives up the GIL at every statement and, while the parser is busy, waits up
    # to the switch interval to take it back: 5 ms by default, each time.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(interval)


def _nothing_message(report: ImportReport) -> str:
    where = Path(report.source).name or report.source
    if not report.skipped:
        return f"Nothing was imported: {where} holds no entries."
    first = report.skipped[0]
    return printable(
        f"Nothing was imported: none of the entries in {shown(where, 80)} could be read "
        f"({shown(skip_reasons(report.skipped), 240)}; the first, {shown(first.where, 80)}: "
        f"{shown(first.reason, 200)})."
    )
