"""Writing, changing, finding and counting entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum, auto
from functools import cached_property
from typing import TYPE_CHECKING, Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services import entries as E
from reflectjournal.services import search
from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.tags import TagUsage, ensure_tags, slugify
from reflectjournal.services.timeutil import from_storage, now_utc, parse_date, to_storage
from reflectjournal.storage.chunks import in_chunks
from reflectjournal.storage.database import Database, Row

if TYPE_CHECKING:
    # Loaded when an entry is written (frameworks) or its links are (links): reading entries
    # needs neither, and their dataclasses and patterns were ~11 ms of every `list`.
    from reflectjournal.services.entry_records import CapabilityRating, ReflectionRef
    from reflectjournal.services.frameworks import ReflectionModel
    from reflectjournal.services.links import LinkService


class _Unset(Enum):
    """The default of ``edit``'s optional fields: "leave as it is" (None means "clear")."""

    UNSET = auto()


_UNSET = _Unset.UNSET
_ENTRY_COLUMNS = (
    "e.id, e.uid, e.kind, e.title, e.body, e.created, e.created_offset, e.updated, e.mood, "
    "e.energy, e.visibility, e.model, e.starred, e.sender_id, e.origin_hash"
)


def _columns(body_chars: int | None) -> str:
    if body_chars is None:
        return _ENTRY_COLUMNS
    return _ENTRY_COLUMNS.replace("e.body", f"substr(e.body, 1, {int(body_chars)}) AS body")


class JournalService:
    def __init__(self, db: Database):
        self.db = db
        # Called inside the delete's transaction, before the row goes: the exchange uses it to
        # withdraw the entry from the people it was shared with, so a delete reaches them too.
        self.before_delete: list[Callable[[int], None]] = []

    @cached_property
    def links(self) -> LinkService:
        from reflectjournal.services.links import LinkService

        return LinkService(self.db)

    # ---- writing -------------------------------------------------------------------------

    def add(
        self,
        body: str = "",
        *,
        title: str | None = None,
        tags: Iterable[str] = (),
        when: datetime | None = None,
        mood: int | None = None,
        energy: int | None = None,
        model: str | None = None,
        sections: dict[str, str] | None = None,
        visibility: str = "private",
        kind: str = "reflection",
        starred: bool = False,
        uid: str | None = None,
        import_key: str | None = None,
        sender_id: int | None = None,
        origin_hash: str | None = None,
        tag_source: str = "user",
    ) -> int:
        import uuid  # here, not at the top: it costs read-only commands ~2 ms (platform)

        from reflectjournal.services.frameworks import get_model

        reflection_model = get_model(model)
        if sections and reflection_model is None:
            raise UsageError("Sections need a reflection model; choose one with --model.")
        if sections and reflection_model is not None:
            body = E.compose_body(reflection_model, sections)
        E.check_text(body)
        E.check_text(title or "", "The title")
        E.check_scale("Mood", mood)
        E.check_scale("Energy", energy)
        E.check_choice("Visibility", visibility, E.VISIBILITIES)
        E.check_choice("Kind", kind, E.KINDS)
        title = (title or "").strip() or E.derive_title(body)
        created, offset = to_storage(when or now_utc().astimezone())
        updated = to_storage(now_utc())[0]
        with self.db.transaction():
            entry_id: int = self.db.execute(
                "INSERT INTO entry(uid, kind, title, body, created, created_offset, updated, "
                "mood, energy, visibility, model, starred, sender_id, origin_hash, import_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid or uuid.uuid4().hex,
                    kind,
                    title,
                    body,
                    created,
                    offset,
                    updated,
                    mood,
                    energy,
                    visibility,
                    reflection_model.slug if reflection_model else None,
                    int(starred),
                    sender_id,
                    origin_hash,
                    import_key,
                ),
            ).lastrowid
            self._set_tags(entry_id, list(tags), tag_source)
            self._store_sections(entry_id, reflection_model, body)
            self.links.refresh(entry_id, body)
            self.links.adopt(entry_id, title)
        return entry_id

    def edit(
        self,
        entry_id: int,
        *,
        body: str | _Unset = _UNSET,
        title: str | None | _Unset = _UNSET,
        tags: list[str] | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        when: datetime | None = None,
        mood: int | None | _Unset = _UNSET,
        energy: int | None | _Unset = _UNSET,
        model: str | None | _Unset = _UNSET,
        sections: dict[str, str] | None = None,
        visibility: str | None = None,
        starred: bool | None = None,
    ) -> None:
        from reflectjournal.services.frameworks import get_model

        row = self._row(entry_id)
        if row["kind"] == "shared":
            raise UsageError("Entries shared with you are read-only; add a comment instead.")
        changes: dict[str, object] = {}
        model_slug = row["model"] if model is _UNSET else model
        reflection_model = get_model(model_slug)  # validates a new slug
        if model is not _UNSET:
            changes["model"] = reflection_model.slug if reflection_model else None
        if sections is not None:
            if reflection_model is None:
                raise UsageError("Sections need a reflection model; choose one with --model.")
            body = E.compose_body(reflection_model, sections)
        if body is not _UNSET:
            changes["body"] = E.check_text(body)
        if title is not _UNSET:
            new_title = E.check_text(title or "", "The title").strip()
            changes["title"] = new_title or E.derive_title(str(changes.get("body", row["body"])))
        if mood is not _UNSET:
            changes["mood"] = E.check_scale("Mood", mood)
        if energy is not _UNSET:
            changes["energy"] = E.check_scale("Energy", energy)
        if visibility is not None:
            changes["visibility"] = E.check_choice("Visibility", visibility, E.VISIBILITIES)
        if starred is not None:
            changes["starred"] = int(starred)
        if when is not None:
            changes["created"], changes["created_offset"] = to_storage(when)
        changes["updated"] = to_storage(now_utc())[0]
        with self.db.transaction():
            assignments = ", ".join(f"{column} = ?" for column in changes)
            self.db.execute(
                f"UPDATE entry SET {assignments} WHERE id = ?", (*changes.values(), entry_id)
            )
            if tags is not None:
                self.db.execute("DELETE FROM entry_tag WHERE entry_id = ?", (entry_id,))
                self._set_tags(entry_id, tags, "user")
            if add_tags:
                self._set_tags(entry_id, list(add_tags), "user")
            removing = [slugify(t) for t in remove_tags]
            if removing:
                marks = ",".join("?" * len(removing))
                self.db.execute(
                    f"DELETE FROM entry_tag WHERE entry_id = ? AND tag_id IN "
                    f"(SELECT id FROM tag WHERE slug IN ({marks}))",
                    (entry_id, *removing),
                )
            if "body" in changes or "model" in changes:
                self._store_sections(
                    entry_id, reflection_model, str(changes.get("body", row["body"]))
                )
            if "body" in changes:
                self.links.refresh(entry_id, str(changes["body"]))
            if "title" in changes and changes["title"] != row["title"]:
                self.links.adopt(entry_id, str(changes["title"]))

    def delete(self, entry_id: int) -> None:
        self._row(entry_id)
        with self.db.transaction():
            for hook in self.before_delete:
                hook(entry_id)
            self.db.execute("DELETE FROM entry WHERE id = ?", (entry_id,))

    def _set_tags(self, entry_id: int, names: list[str], source: str) -> None:
        ids = ensure_tags(self.db, names)
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_tag(entry_id, tag_id, source) VALUES (?, ?, ?)",
            [(entry_id, tag_id, source) for tag_id in ids],
        )

    def _store_sections(self, entry_id: int, model: ReflectionModel | None, body: str) -> None:
        self.db.execute("DELETE FROM entry_section WHERE entry_id = ?", (entry_id,))
        if model is None:
            return
        sections = E.split_sections(model, body)
        order = {s.key: i for i, s in enumerate(model.sections)}
        self.db.executemany(
            "INSERT INTO entry_section(entry_id, key, position, body) VALUES (?, ?, ?, ?)",
            [(entry_id, key, order[key], text) for key, text in sections.items()],
        )

    # ---- reading -------------------------------------------------------------------------

    def _row(self, entry_id: int | str) -> Row:
        try:
            number = int(entry_id)
        except (TypeError, ValueError):
            raise NotFound(f"'{entry_id}' is not an entry id; ids are numbers.") from None
        row = self.db.query_one(f"SELECT {_ENTRY_COLUMNS} FROM entry e WHERE e.id = ?", (number,))
        if row is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        return row

    # ---- typed results ------------------------------------------------------------------

    def entry(self, entry_id: int | str) -> E.Entry:
        """One entry with its tags, sections, comments and (if shared) its sender."""
        row = self._row(entry_id)
        tags = self._tags_for([row["id"]]).get(row["id"], [])
        current = E.content_hash(row["title"], row["body"])
        comments = tuple(
            E.EntryComment(
                c["author"],
                c["text"],
                c["created"],
                bool(c["entry_hash"]) and c["entry_hash"] != current,
            )
            for c in self.db.query(
                "SELECT author, text, created, entry_hash FROM comment "
                "WHERE entry_id = ? ORDER BY created, id",
                (row["id"],),
            )
        )
        sender = self._sender_name(row["sender_id"]) if row["kind"] == "shared" else None
        sections = tuple(self.sections(row["id"]).items())
        return E.entry_from_row(row, tags, comments, sections, sender)

    def entries(
        self, f: EntryFilter | None = None, body_chars: int | None = None, *, comments: bool = True
    ) -> list[E.Entry]:
        """Newest first, with comments but without sections (``entry`` has them).
        ``body_chars`` keeps only the start of each body, for a list that shows snippets;
        ``comments=False`` leaves every entry's comments empty, for a list that shows none."""
        return self._typed(self.list_rows(f, body_chars), comments)

    def found(
        self,
        query: str,
        f: EntryFilter | None = None,
        body_chars: int | None = None,
        *,
        comments: bool = True,
    ) -> list[E.Entry]:
        """Best match first (``search_ids`` says how); any text is a valid query."""
        return self._typed(self.search_rows(query, f, body_chars), comments)

    def _typed(self, rows: list[Any], with_comments: bool = True) -> list[E.Entry]:
        tags = self._tags_for([r["id"] for r in rows])
        comments = self._typed_comments(rows) if with_comments else {}
        senders: dict[int, str | None] = {}
        result = []
        for row in rows:
            sender = None
            if row["kind"] == "shared":
                sid = row["sender_id"]
                if sid not in senders:
                    senders[sid] = self._sender_name(sid)
                sender = senders[sid]
            result.append(
                E.entry_from_row(
                    row, tags.get(row["id"], []), comments.get(row["id"], ()), sender=sender
                )
            )
        return result

    def _typed_comments(self, rows: list[Any]) -> dict[int, tuple[E.EntryComment, ...]]:
        """Each listed entry's comments (CLI.md: ``list --json`` carries them), batched.

        Only entries that have comments are hashed, from their whole text (a list row may
        hold only the start of the body): most rows have none, and hashing every row cost
        as much as reading the page."""
        commented = self._comments_for([r["id"] for r in rows])
        if not commented:
            return {}
        current: dict[int, str] = {}
        for start in range(0, len(commented), 900):
            chunk = list(commented)[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for r in self.db.query(
                f"SELECT id, title, body FROM entry WHERE id IN ({marks})", chunk
            ):
                current[r["id"]] = E.content_hash(r["title"], r["body"])
        found: dict[int, list[E.EntryComment]] = {}
        for entry_id, c in commented.items():
            for comment in c:
                earlier = bool(comment["entry_hash"]) and comment["entry_hash"] != current[entry_id]
                found.setdefault(entry_id, []).append(
                    E.EntryComment(comment["author"], comment["text"], comment["created"], earlier)
                )
        return {k: tuple(v) for k, v in found.items()}

    def sections(self, entry_id: int) -> dict[str, str]:
        """A model entry's sections, in the model's order (empty for free entries)."""
        return {
            r["key"]: r["body"]
            for r in self.db.query(
                "SELECT key, body FROM entry_section WHERE entry_id = ? ORDER BY position",
                (entry_id,),
            )
        }

    def _sender_name(self, sender_id: int | None) -> str | None:
        if sender_id is None:
            return None
        name: str | None = self.db.scalar("SELECT name FROM person WHERE id = ?", (sender_id,))
        return name

    def _tags_for(self, ids: list[int]) -> dict[int, list[str]]:
        result: dict[int, list[str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for entry_id, slug in self.db.query(
                f"SELECT et.entry_id, t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                f"WHERE et.entry_id IN ({marks}) ORDER BY t.framework_id IS NULL, t.position, t.slug",
                chunk,
            ):
                result.setdefault(entry_id, []).append(slug)
        return result

    def _where(self, f: EntryFilter) -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        for name in f.tags:
            # The unary + keeps SQLite from driving the query by this id list (which fetches
            # and sorts every tagged row, 0.4 s for a common tag at 100k): it walks the
            # created index newest first instead and stops at the page's last row.
            clauses.append(
                "+e.id IN (SELECT et.entry_id FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                "WHERE t.slug = ?)"
            )
            params.append(slugify(name))
        columns, column_params = search.entry_clauses(f)
        return clauses + columns, params + column_params

    @staticmethod
    def _page(f: EntryFilter) -> tuple[str, list[object]]:
        if f.limit is None:
            return (" LIMIT -1 OFFSET ?", [f.offset]) if f.offset else ("", [])
        if f.limit < 0:
            raise UsageError("The limit must be zero or more.")
        return " LIMIT ? OFFSET ?", [f.limit, f.offset]

    def list_rows(self, f: EntryFilter | None = None, body_chars: int | None = None) -> list[Row]:
        """Rows (newest first) without tags. ``body_chars`` cuts each body to its first
        characters, for lists that show a snippet."""
        f = f or EntryFilter()
        clauses, params = self._where(f)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        page, page_params = self._page(f)
        return self.db.query(
            f"SELECT {_columns(body_chars)} FROM entry e{where} "
            f"ORDER BY e.created DESC, e.id DESC{page}",
            (*params, *page_params),
        )

    def count(self, f: EntryFilter | None = None, query: str | None = None) -> int:
        f = f or EntryFilter()
        if query is not None:
            return search.count(self.db, query, f)
        clauses, params = self._where(f)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        count: int = self.db.scalar(f"SELECT count(*) FROM entry e{where}", params)
        return count

    def search_rows(
        self, query: str, f: EntryFilter | None = None, body_chars: int | None = None
    ) -> list[Row]:
        """Best match first; any text is a valid query (nothing searchable → no rows)."""
        f = f or EntryFilter()
        ids = self.search_ids(query, f)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.query(
            f"SELECT {_columns(body_chars)} FROM entry e WHERE e.id IN ({marks})", ids
        )
        by_id = {row["id"]: row for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def search_ids(self, query: str, f: EntryFilter | None = None) -> list[int]:
        """Entry ids, one page of them, best match first (services/search.py says how)."""
        return search.search_ids(self.db, query, f or EntryFilter())

    def _comments_for(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """Comments per entry (CLI.md's ``comments``), for a page of entries at once."""
        result: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for c in self.db.query(
                f"SELECT entry_id, author, text, created, entry_hash FROM comment "
                f"WHERE entry_id IN ({marks}) ORDER BY created, id",
                chunk,
            ):
                result.setdefault(c["entry_id"], []).append(
                    {
                        "author": c["author"],
                        "text": c["text"],
                        "created": c["created"],
                        "entry_hash": c["entry_hash"],
                    }
                )
        return result

    def tags_for(self, entry_id: int) -> list[str]:
        return self._tags_for([entry_id]).get(entry_id, [])

    def written_with_models(self, models: list[str], limit: int = 200) -> list[ReflectionRef]:
        """The newest reflections written with one of ``models``: id, title, created (as
        written, with the writer's offset)."""
        if not models:
            return []
        from reflectjournal.services.entry_records import ReflectionRef

        marks = ",".join("?" * len(models))
        rows = self.db.query(
            "SELECT id, title, created, created_offset FROM entry WHERE kind = 'reflection' "
            f"AND model IN ({marks}) ORDER BY created DESC LIMIT ?",
            [*models, limit],
        )
        return [
            ReflectionRef(
                id=int(r["id"]),
                title=str(r["title"]),
                created=from_storage(r["created"], r["created_offset"]).isoformat(),
            )
            for r in rows
        ]

    def days_and_titles(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """(local day as written, title) for each id that exists: lists that name entries."""
        result: dict[int, tuple[str, str]] = {}
        for marks, chunk in in_chunks(ids):
            for row in self.db.query(
                "SELECT id, date(created, created_offset || ' minutes'), title FROM entry "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                result[int(row[0])] = (str(row[1]), str(row[2]))
        return result

    # ---- tags and ratings ------------------------------------------------------------------

    def add_free_tags(self, written: list[str]) -> list[str]:
        """Free tags spelled as typed in the app (before an entry that uses them is saved);
        returns their slugs."""
        from reflectjournal.services.tags import ensure_free_tag

        with self.db.transaction():
            return [ensure_free_tag(self.db, name) for name in written if name.strip()]

    @contextmanager
    def stop_when(self, should_stop: Callable[[], bool]) -> Iterator[None]:
        """Reads inside the block end with ``errors.Interrupted`` once ``should_stop()`` is
        true: the search list's worker stops a search the user has already typed over."""
        with self.db.stop_when(should_stop):
            yield

    def match_snippet(self, entry_id: int, query: str) -> tuple[str, list[tuple[int, int]]]:
        """Where ``query``'s words are in the entry's text: an excerpt and their offsets in
        it (services/snippets.py); for the search results list, one visible row at a time."""
        from reflectjournal.services.snippets import snippet

        body = self.db.scalar("SELECT body FROM entry WHERE id = ?", (int(entry_id),))
        return snippet(str(body or ""), query)

    def tag_counts(self) -> list[TagUsage]:
        """Every tag (framework items first, then free tags) with how many entries use it."""
        rows = self.db.query(
            "SELECT t.slug, t.name, t.category, f.slug AS framework, t.keywords, "
            "t.description, (SELECT count(*) FROM entry_tag et WHERE et.tag_id = t.id) AS count "
            "FROM tag t LEFT JOIN framework f ON f.id = t.framework_id "
            "ORDER BY f.is_default DESC, f.id IS NULL, f.id, t.position, t.slug"
        )
        return [
            TagUsage(
                r["slug"],
                r["name"],
                r["category"],
                r["framework"],
                int(r["count"]),
                tuple(_keywords(r["keywords"])),
                r["description"] or "",
            )
            for r in rows
        ]

    def rate(self, slug: str, value: int, day: str | None = None, note: str = "") -> int:
        tag = self.db.query_one("SELECT id, framework_id FROM tag WHERE slug = ?", (slugify(slug),))
        if tag is None:
            raise NotFound(
                f"There is no capability '{slug}'; 'reflectjournal tags' lists the slugs."
            )
        scale = 5
        if tag["framework_id"] is not None:
            import json

            labels = json.loads(
                self.db.scalar(
                    "SELECT rating_scale FROM framework WHERE id = ?", (tag["framework_id"],)
                )
                or "[]"
            )
            scale = len(labels) or 5
        if not isinstance(value, int) or not 1 <= value <= scale:
            raise UsageError(f"A rating must be a whole number from 1 to {scale}.")
        when = parse_date(day).isoformat() if day else now_utc().astimezone().date().isoformat()
        E.check_text(note, "The note")
        with self.db.transaction():
            new_id: int = self.db.execute(
                "INSERT INTO rating(tag_id, value, date, note) VALUES (?, ?, ?, ?)",
                (tag["id"], value, when, note),
            ).lastrowid
        return new_id

    def ratings(self, slug: str | None = None) -> list[CapabilityRating]:
        """Self-ratings, oldest first; only those of ``slug``'s capability when it is given."""
        from reflectjournal.services.entry_records import CapabilityRating

        sql = (
            "SELECT r.id, t.slug, t.name, r.value, r.date, r.note FROM rating r "
            "JOIN tag t ON t.id = r.tag_id"
        )
        params: tuple[str, ...] = ()
        if slug:
            sql += " WHERE t.slug = ?"
            params = (slugify(slug),)
        return [
            CapabilityRating(
                id=int(r["id"]),
                slug=str(r["slug"]),
                name=str(r["name"]),
                value=int(r["value"]),
                date=str(r["date"]),
                note=str(r["note"] or ""),
            )
            for r in self.db.query(sql + " ORDER BY r.date, r.id", params)
        ]


def _keywords(stored: str | None) -> list[str]:
    """A tag's keywords (stored as a JSON list); anything else reads as none."""
    import json

    try:
        words = json.loads(stored or "[]")
    except ValueError:
        return []
    return [str(w) for w in words] if isinstance(words, list) else []
