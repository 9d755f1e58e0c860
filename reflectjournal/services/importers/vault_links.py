"""An Obsidian vault's links and embeds, resolved while its notes are read.

Obsidian finds ``[[Note]]`` by file name anywhere in the vault (``[[folder/Note]]`` by the end
of its path), ``[text](../Other%20Note.md)`` relative to the linking note, and
``![[diagram.png]]`` / ``![alt](img/diagram.png)`` the same ways. For each note this module
returns the links that lead to another note (the import turns them into links between the
entries once every note has an id), counts those that lead nowhere, reads embedded images and
PDFs so they come in as attachments, and writes a short note into the text where an embedded
file is missing or cannot be attached. Nothing outside the vault folder is ever read: targets
are looked up in the vault's own file list, never opened by the path written in the note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from reflectjournal.errors import ReflectJournalError
from reflectjournal.services import attachments as A
from reflectjournal.services.links import WIKILINK, link_key, note_href

from .safety import read_bytes_capped

NOTE_SUFFIXES = (".md", ".markdown")
ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf")
# Other files a vault embeds (audio, video, canvases…): named in a note, never read.
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(\s*(<[^<>\n]+>|[^()\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_LINK = re.compile(r"(?<!!)\[[^\[\]\n]*\]\(\s*(<[^<>\n]+>|[^()\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
MAX_ATTACHMENTS_PER_NOTE = 50


def suffix_of(name: str) -> str:
    """``PurePath(name).suffix`` for a file name, without making a Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _posix(path: PurePosixPath | str) -> str:
    return str(path).casefold()


# PurePosixPath's readings of a path, as plain string operations: resolving a link made
# several Paths, and for 100k linked notes that was a third of the time spent reading them.


def posix_parts(path: str) -> list[str]:
    """``PurePosixPath(path).parts``: the root ("/", or "//" exactly), then the names, empty
    and "." names left out."""
    names = [name for name in path.split("/") if name and name != "."]
    if path.startswith("/"):
        root = "//" if path.startswith("//") and not path.startswith("///") else "/"
        return [root, *names]
    return names


def posix_name(path: str) -> str:
    """``PurePosixPath(path).name``."""
    parts = posix_parts(path)
    return parts[-1] if parts and not parts[-1].startswith("/") else ""


def _parent(rel: str) -> str:
    """``str(PurePosixPath(rel).parent)`` for a relative path with no empty or "." names."""
    head, slash, _ = rel.rpartition("/")
    return head if slash else "."


def _without_suffix(rel: str) -> str:
    """``str(PurePosixPath(rel).with_suffix(""))`` for such a path."""
    suffix = suffix_of(rel[rel.rfind("/") + 1 :])
    return rel[: len(rel) - len(suffix)]


class VaultIndex:
    """Every note and attachable file in the vault, by name, and through the name by path.

    Given the walk's relative paths (strings, in sorted order), the lookups are built when a
    note first asks for one, so a folder whose notes link nowhere never builds them; the
    paths they return are those same strings, not copies. Only the by-name maps are kept: a
    path is found among the files of its name (a vault rarely has many of one name), which
    saved the by-path maps' own copies of every path, ~30 MB for a 100k-note vault with a
    picture per note."""

    def __init__(self, root: Path, notes: list[str], assets: list[str]):
        self.root = root
        self._notes = notes
        self._assets = assets
        self._built = False
        # A name held by one file maps to its path; by several, to the list of them (in the
        # walk's order).
        self._notes_by_name: dict[str, str | list[str]] = {}
        self._assets_by_name: dict[str, str | list[str]] = {}

    def _build(self) -> None:
        self._built = True
        for rel in self._notes:
            stem = rel[: -len(suffix_of(rel))]  # every note has a .md/.markdown suffix
            _hold(self._notes_by_name, stem[stem.rfind("/") + 1 :].casefold(), rel)
        for rel in self._assets:
            _hold(self._assets_by_name, rel[rel.rfind("/") + 1 :].casefold(), rel)

    def _named(self, name: str) -> list[str]:
        return _held(self._notes_by_name, name)

    def _note_at(self, path: str) -> str | None:
        """The note whose path without its suffix is ``path`` (casefolded); the last in the
        walk's order if several are (``a.md`` and ``a.markdown``)."""
        for rel in reversed(self._named(path[path.rfind("/") + 1 :])):
            if _posix(_without_suffix(rel)) == path:
                return rel
        return None

    def _asset_at(self, path: str) -> str | None:
        """The file at ``path`` (casefolded); the last in the walk's order if several are."""
        for rel in reversed(_held(self._assets_by_name, path[path.rfind("/") + 1 :])):
            if _posix(rel) == path:
                return rel
        return None

    @staticmethod
    def _relative(target: str, from_rel: str) -> str | None:
        """``target`` read relative to the linking note's folder, inside the vault, or None."""
        parts: list[str] = posix_parts(from_rel)[:-1]  # the note's folder
        for part in posix_parts(target.replace("\\", "/")):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    return None  # above the vault
                parts.pop()
            elif part == "/":
                parts = []
            else:
                parts.append(part)
        return "/".join(parts)

    def note(self, target: str, from_rel: str) -> str | None:
        """The note ``target`` names (as Obsidian resolves it), as a path in the vault."""
        target = target.strip().replace("\\", "/")
        if not target:
            return None
        if not self._built:
            self._build()
        bare = target
        for suffix in NOTE_SUFFIXES:
            if bare.casefold().endswith(suffix):
                bare = bare[: -len(suffix)]
                break
        relative = self._relative(bare, from_rel)
        found = self._note_at(_posix(relative)) if relative is not None else None
        found = found or self._note_at(_posix(bare.lstrip("/")))
        return found or self._closest(self._named(_posix(posix_name(bare))), bare, from_rel)

    def asset(self, target: str, from_rel: str) -> Path | None:
        target = target.strip().replace("\\", "/")
        if not target or suffix_of(posix_name(target)).lower() not in ASSET_SUFFIXES:
            return None
        if not self._built:
            self._build()
        relative = self._relative(target, from_rel)
        best = self._asset_at(_posix(relative)) if relative is not None else None
        best = best or self._asset_at(_posix(target.lstrip("/")))
        found = _held(self._assets_by_name, _posix(posix_name(target)))
        best = best or self._closest(found, target, from_rel)
        return self.root / best if best else None

    @staticmethod
    def _closest(candidates: list[str], target: str, from_rel: str) -> str | None:
        """Among files of that name: one whose path ends with the target's, else the one in
        the linking note's folder, else the shortest path (as Obsidian picks)."""
        if not candidates:
            return None
        wanted = _posix(target.lstrip("/"))
        ending = [c for c in candidates if _posix(_without_suffix(c)).endswith(wanted)
                  or _posix(c).endswith(wanted)]  # fmt: skip
        pool = ending or candidates
        folder = _posix(_parent(from_rel))
        same = [c for c in pool if _posix(_parent(c)) == folder]
        return min(same or pool, key=lambda c: (c.count("/"), len(c), c))


def _hold(by_name: dict[str, str | list[str]], name: str, rel: str) -> None:
    held = by_name.get(name)
    if held is None:
        by_name[name] = rel
    elif isinstance(held, str):
        by_name[name] = [held, rel]
    else:
        held.append(rel)


def _held(by_name: dict[str, str | list[str]], name: str) -> list[str]:
    held = by_name.get(name, [])
    return [held] if isinstance(held, str) else held


@dataclass
class NoteLinks:
    body: str
    # (link key, target note path); an empty path: no such file, so try the entries' titles
    # once the import has written them (our own Markdown export names files by date).
    links: list[tuple[str, str]] = field(default_factory=list)
    unresolved: int = 0
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    attachments_refused: int = 0


def _code_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _INLINE_CODE.finditer(line)] if "`" in line else []


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


class _Note:
    """One note's resolution in progress (see :func:`resolve_note`)."""

    def __init__(self, rel: str, index: VaultIndex):
        self.rel = rel
        self.index = index
        self.result = NoteLinks("")
        self.names: dict[str, str] = {}  # asset path -> name stored (unique in this note)
        self.refusals: list[str] = []

    def attach(self, path: Path) -> str | None:
        """The stored name of the file at ``path``, reading it once; None (and a note) if
        it cannot be attached."""
        key = str(path)
        if key in self.names:
            return self.names[key]
        if len(self.names) >= MAX_ATTACHMENTS_PER_NOTE:
            return None
        try:
            data = read_bytes_capped(path, A.MAX_BYTES)
            checked = A.check(path.name, data)
        except ReflectJournalError as exc:
            self.refusals.append(str(exc).rstrip("."))
            self.result.attachments_refused += 1
            return None
        name = checked.name
        taken = {n.casefold() for n in self.names.values()}
        number = 2
        while name.casefold() in taken:
            name = f"{Path(checked.name).stem} ({number}){Path(checked.name).suffix}"
            number += 1
        self.names[key] = name
        self.result.attachments.append((name, data))
        return name

    def _refused(self, name: str) -> str:
        reason = self.refusals[-1] if self.refusals else "a note can bring at most 50 files"
        return (
            f"*(not attached: {reason})*"
            if name in reason
            else f"*({name} not attached: {reason})*"
        )

    def wikilink(self, m: re.Match[str]) -> str:
        embed, target = bool(m.group(1)), m.group(2).strip()
        if not target:
            return m.group(0)  # [[#Heading]] in this note
        asset = self.index.asset(target, self.rel)
        if asset is not None and embed:
            name = self.attach(asset)
            if name is None:
                return self._refused(PurePosixPath(target).name)
            size = f"|{m.group(4)}" if m.group(4) else ""
            return f"![[{name}{size}]]"
        note = self.index.note(target, self.rel)
        if note is not None:
            self.result.links.append((link_key(target), note))
        elif asset is None and embed and suffix_of(posix_name(target)).lower() in ASSET_SUFFIXES:
            return f"*(missing file: {PurePosixPath(target).name})*"
        elif asset is None:
            self.result.links.append((link_key(target), ""))
        return m.group(0)

    def image(self, m: re.Match[str]) -> str:
        path = note_href(m.group(2))
        if path is None:
            return m.group(0)  # a web image: the renderer shows its alt text, never fetches it
        asset = self.index.asset(path, self.rel)
        if asset is None:
            if PurePosixPath(path).suffix.lower() in ASSET_SUFFIXES:
                return f"*(missing file: {PurePosixPath(path).name})*"
            return m.group(0)
        name = self.attach(asset)
        if name is None:
            return self._refused(asset.name)
        return f"![{m.group(1)}]({quote(name)})"  # the alt text kept, the file now attached

    def md_link(self, m: re.Match[str]) -> None:
        path = note_href(m.group(1))
        if path is None:
            return
        suffix = suffix_of(posix_name(path)).lower()
        if suffix and suffix not in NOTE_SUFFIXES:
            return  # a link to a file that is not a note
        note = self.index.note(path, self.rel)
        if note is not None:
            self.result.links.append((link_key(path), note))
        else:
            self.result.unresolved += 1


def _outside(
    spans: list[tuple[int, int]], replace: Callable[[re.Match[str]], str]
) -> Callable[[re.Match[str]], str]:
    """``replace`` for matches outside inline code; code is left exactly as written."""
    return lambda m: m.group(0) if _inside(spans, m.start()) else replace(m)


def resolve_note(body: str, rel: str, index: VaultIndex) -> NoteLinks:
    """The note's text with embeds made attachments (or short notes), and its links."""
    note = _Note(rel, index)
    lines = []
    fence: str | None = None
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence is not None or marker:
            if fence is None:
                fence = marker.group(1) if marker else None
            elif marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            lines.append(line)
            continue
        if "[" in line:
            spans = _code_spans(line)
            for m in _MD_LINK.finditer(line):
                if not _inside(spans, m.start()):
                    note.md_link(m)
            line = _MD_IMAGE.sub(_outside(spans, note.image), line)
            line = WIKILINK.sub(_outside(_code_spans(line), note.wikilink), line)
        lines.append(line)
    note.result.body = "\n".join(lines)
    return note.result
