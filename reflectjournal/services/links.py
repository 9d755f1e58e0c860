"""Links between entries: ``[[Title]]`` wikilinks and ``[text](Note.md)`` links to notes.

The text keeps what the writer typed; ``entry_link`` (migration 0012) records which entry each
link leads to. A link is resolved once — by an imported note's file name at import, or by an
entry's title when it is first written here — and keeps its entry afterwards, so renaming an
entry or editing around the link never breaks it. A link that leads nowhere stays plain text.

Rendering never queries the database: :meth:`LinkService.context` gathers, before rendering,
what the text's links lead to and the entry's attachments (a :class:`LinkContext`), so the
preview can also render on a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from reflectjournal.storage.database import Database

__all__ = [
    "AttachmentRef",
    "LinkContext",
    "LinkService",
    "Linked",
    "WikiLink",
    "link_key",
    "note_links",
    "wikilinks",
]

# [[target#anchor|alias]] and ![[embed]]; "\|" is how a table cell writes the alias bar.
WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|#^]*?)((?:#\^?[^\[\]\n|]*)?)(?:\\?\|([^\[\]\n]*))?\]\]")
# [text](target) where target is not a web address: a note in the same vault.
_MD_LINK = re.compile(r"(?<!!)\[[^\[\]\n]*\]\(\s*(<[^<>\n]+>|[^()\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_NOTE_SUFFIXES = (".md", ".markdown")
ADOPT_CANDIDATES = 500  # entries whose text holds a new title's words that are looked at


@dataclass(frozen=True)
class WikiLink:
    target: str  # as written, without anchor and alias ("" for [[#Heading]])
    anchor: str  # "Heading" or "^block", without the "#"
    alias: str | None
    embed: bool

    @property
    def label(self) -> str:
        """What a reader sees: the alias, else the note (and heading) as Obsidian shows it."""
        if self.alias and self.alias.strip():
            return self.alias.strip()
        anchor = self.anchor.lstrip("^")
        if self.target.strip() and anchor:
            return f"{self.target.strip()} › {anchor}"
        return self.target.strip() or anchor


def link_key(target: str) -> str:
    """How link targets are compared: case and spacing ignored, ``.md`` dropped."""
    key = " ".join(target.strip().casefold().split())
    for suffix in _NOTE_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)].rstrip()
    return key


def _prose_lines(text: str) -> Iterator[str]:
    """Each line outside fenced code, with inline code blanked (links there are not links)."""
    fence: str | None = None
    for line in text.split("\n"):
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        yield _INLINE_CODE.sub(lambda m: " " * len(m.group()), line) if "`" in line else line


def wikilinks(text: str) -> list[WikiLink]:
    """Every ``[[…]]`` and ``![[…]]`` outside code, in order."""
    found = []
    for line in _prose_lines(text):
        if "[[" not in line:
            continue
        for m in WIKILINK.finditer(line):
            found.append(
                WikiLink(
                    m.group(2), m.group(3)[1:] if m.group(3) else "", m.group(4), bool(m.group(1))
                )
            )
    return found


def note_href(href: str) -> str | None:
    """The note a Markdown link's target names (``Other%20Note.md#Part`` → ``Other Note.md``),
    or None for web, mail and in-page links."""
    href = href.strip()
    if href.startswith("<") and href.endswith(">"):
        href = href[1:-1]
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    return path or None


def note_links(text: str) -> list[str]:
    """The note paths of every ``[text](Note.md)`` link outside code, as written (unquoted)."""
    found = []
    for line in _prose_lines(text):
        if "](" not in line:
            continue
        for m in _MD_LINK.finditer(line):
            path = note_href(m.group(1))
            if path:
                found.append(path)
    return found


def targets_in(text: str) -> list[str]:
    """The keys of every entry link in ``text`` (wikilinks to notes and links to notes)."""
    keys = [link_key(w.target) for w in wikilinks(text) if w.target.strip()]
    keys += [link_key(p) for p in note_links(text)]
    return list(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class AttachmentRef:
    id: int
    name: str
    mime: str
    width: int | None
    height: int | None

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class LinkContext:
    """What one entry's links lead to, gathered before rendering (no database while rendering).

    ``entries`` maps :func:`link_key` of a target to an entry id; ``attachments`` maps the
    casefolded file name to the attachment (``![[photo.jpg]]`` finds ``Photo.JPG``).
    """

    entries: dict[str, int] = field(default_factory=dict)
    attachments: dict[str, AttachmentRef] = field(default_factory=dict)

    def entry(self, target: str) -> int | None:
        return self.entries.get(link_key(target))

    def attachment(self, name: str) -> AttachmentRef | None:
        name = name.strip().casefold()
        found = self.attachments.get(name)
        if found is None and "/" in name:  # ![[folder/photo.png]] names the file in a folder
            found = self.attachments.get(name.rsplit("/", 1)[1])
        return found


@dataclass(frozen=True)
class Linked:
    """An entry that links to another ("Linked from…")."""

    id: int
    title: str
    created: str


class LinkService:
    def __init__(self, db: Database):
        self.db = db

    # ---- keeping the table in step with the text -------------------------------------------

    def refresh(self, entry_id: int, text: str) -> None:
        """Record what ``text``'s links lead to: rows for links still present are kept, new
        links are resolved by title, links no longer in the text are forgotten. Call inside
        the transaction that writes the text."""
        keys = targets_in(text)
        stored = dict(
            self.db.query(
                "SELECT target, target_id FROM entry_link WHERE source_id = ?", (entry_id,)
            )
        )
        gone = [k for k in stored if k not in keys]
        if gone:
            self.db.executemany(
                "DELETE FROM entry_link WHERE source_id = ? AND target = ?",
                [(entry_id, k) for k in gone],
            )
        new = []
        for key in keys:
            if key in stored:
                continue
            target = self.by_title(key, exclude=entry_id)
            if target is not None:
                new.append((entry_id, key, target))
        if new:
            self.db.executemany(
                "INSERT OR REPLACE INTO entry_link(source_id, target, target_id) VALUES (?, ?, ?)",
                new,
            )

    def adopt(self, entry_id: int, title: str) -> int:
        """Entries whose ``[[title]]`` led nowhere until this entry got that title now lead
        here (so "Linked from…" lists them at once); returns how many. Candidates come from
        the full-text index, so this costs a search, not a scan of every entry."""
        from reflectjournal.storage.fts import phrase_query

        key = link_key(title)
        query = phrase_query(title)  # the title's words in order: "rota review"
        if not key or query is None:
            return 0
        rows = []
        for source, body in self.db.query(
            "SELECT id, body FROM entry WHERE id IN (SELECT rowid FROM entry_fts "
            "WHERE entry_fts MATCH ? AND rowid != ? LIMIT ?) AND instr(body, '[[') > 0",
            (f"body : {query}", entry_id, ADOPT_CANDIDATES),
        ):
            if key in targets_in(body):
                rows.append((int(source), key, entry_id))
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_link(source_id, target, target_id) VALUES (?, ?, ?)",
            rows,
        )
        return len(rows)

    def record(self, rows: Iterable[tuple[int, str, int]]) -> int:
        """Store links resolved elsewhere (an import: note file names); returns how many."""
        rows = [(s, link_key(t), d) for s, t, d in rows if link_key(t)]
        self.db.executemany(
            "INSERT OR REPLACE INTO entry_link(source_id, target, target_id) VALUES (?, ?, ?)",
            rows,
        )
        return len(rows)

    def by_title(self, target: str, exclude: int | None = None) -> int | None:
        """The newest entry whose title is ``target`` (case-insensitive), if any."""
        key = link_key(target)
        if not key:
            return None
        found = self.db.scalar(
            "SELECT id FROM entry WHERE title = ? COLLATE NOCASE AND id IS NOT ? "
            "ORDER BY created DESC, id DESC LIMIT 1",
            (key, exclude),
        )
        if found is None and not key.isascii():  # NOCASE folds ASCII only
            for row_id, title in self.db.query(
                "SELECT id, title FROM entry WHERE title LIKE ? ORDER BY created DESC, id DESC",
                (target.strip()[:1] + "%",),
            ):
                if link_key(title) == key and row_id != exclude:
                    return int(row_id)
        return int(found) if found is not None else None

    # ---- reading -------------------------------------------------------------------------

    def context(self, entry_id: int | None, text: str) -> LinkContext:
        """What ``text`` (the entry's text, saved or being written) links to, and the entry's
        attachments, for :func:`reflectjournal.services.rendering.render_markdown`."""
        keys = targets_in(text)
        stored: dict[str, int] = {}
        if entry_id is not None:
            stored = {
                k: int(v)
                for k, v in self.db.query(
                    "SELECT target, target_id FROM entry_link WHERE source_id = ?", (entry_id,)
                )
            }
        entries: dict[str, int] = {}
        for key in keys:
            target = stored.get(key)
            if target is None:
                target = self.by_title(key, exclude=entry_id)
            if target is not None:
                entries[key] = target
        attachments: dict[str, AttachmentRef] = {}
        if entry_id is not None:
            for row in self.db.query(
                "SELECT id, name, mime, width, height FROM attachment WHERE entry_id = ? "
                "ORDER BY id",
                (entry_id,),
            ):
                ref = AttachmentRef(int(row[0]), row[1], row[2], row[3], row[4])
                attachments.setdefault(ref.name.casefold(), ref)
        return LinkContext(entries, attachments)

    def linked_from(self, entry_id: int) -> list[Linked]:
        """The entries whose text links to this one, newest first."""
        return [
            Linked(int(r[0]), r[1], r[2])
            for r in self.db.query(
                "SELECT DISTINCT e.id, e.title, e.created FROM entry_link l "
                "JOIN entry e ON e.id = l.source_id WHERE l.target_id = ? AND e.id != ? "
                "ORDER BY e.created DESC, e.id DESC",
                (entry_id, entry_id),
            )
        ]

    def links_to(self, entry_id: int) -> list[Linked]:
        """The entries this one links to, in title order."""
        return [
            Linked(int(r[0]), r[1], r[2])
            for r in self.db.query(
                "SELECT DISTINCT e.id, e.title, e.created FROM entry_link l "
                "JOIN entry e ON e.id = l.target_id WHERE l.source_id = ? "
                "ORDER BY e.title COLLATE NOCASE, e.id",
                (entry_id,),
            )
        ]

    def titles(self, prefix: str = "", limit: int = 50) -> list[str]:
        """Entry titles for ``[[`` completion: those starting with ``prefix`` first (newest
        first), then those containing it."""
        prefix = prefix.strip()
        if not prefix:
            rows = self.db.query(
                "SELECT title FROM entry WHERE title != '' ORDER BY created DESC LIMIT ?", (limit,)
            )
            return list(dict.fromkeys(r[0] for r in rows))
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        starts = [
            r[0]
            for r in self.db.query(
                "SELECT title FROM entry WHERE title LIKE ? ESCAPE '\\' "
                "ORDER BY created DESC LIMIT ?",
                (escaped + "%", limit),
            )
        ]
        rest = [
            r[0]
            for r in self.db.query(
                "SELECT title FROM entry WHERE title LIKE ? ESCAPE '\\' "
                "ORDER BY created DESC LIMIT ?",
                ("%" + escaped + "%", limit),
            )
        ]
        return list(dict.fromkeys(starts + rest))[:limit]
