"""Markdown: one note per entry with front matter (a folder), or everything in one file.

The front matter uses the YAML subset our own Markdown-folder importer reads (and Obsidian
shows as properties), so an exported folder can be imported back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.services.display import compact_datetime
from reflectjournal.services.tags import slugify

from .common import write_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from reflectjournal.services.entry_records import EntryRecord, RecordFile

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar using only the escapes every reader knows."""
    text = _CONTROL.sub(" ", text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t") + '"'


def front_matter(entry: EntryRecord) -> str:
    lines = [
        "---",
        f"title: {quoted(entry.title)}",
        f"date: {entry.created}",
        "tags: [" + ", ".join(quoted(t) for t in entry.tags) + "]",
    ]
    for key, value in (("mood", entry.mood), ("energy", entry.energy)):
        if value is not None:
            lines.append(f"{key}: {int(value)}")
    lines.append(f"starred: {'true' if entry.starred else 'false'}")
    lines.append(f"kind: {entry.kind}")
    lines.append(f"visibility: {entry.visibility}")
    if entry.model:
        lines.append(f"model: {entry.model}")
    if entry.sender:
        lines.append(f"from: {quoted(entry.sender)}")
    lines.append(f"uid: {entry.uid}")
    lines.append("---")
    return "\n".join(lines)


def _comments(entry: EntryRecord, level: str = "##") -> str:
    if not entry.comments:
        return ""
    parts = ["", f"{level} Comments", ""]
    for c in entry.comments:
        # Others' words are quoted, never run as Markdown of ours.
        quoted_text = "\n".join("> " + line for line in c.text.splitlines() or [""])
        parts += [f"**{c.author}**, {compact_datetime(c.created)}:", "", quoted_text, ""]
    return "\n".join(parts)


def note(entry: EntryRecord) -> str:
    body = entry.body.rstrip()
    # No "# title" heading: the title is in the front matter, where importers look first.
    return f"{front_matter(entry)}\n\n{body}\n{_comments(entry)}"


def file_name(entry: EntryRecord, taken: set[str]) -> str:
    stamp = entry.created[:16].replace("T", "-").replace(":", "")
    slug = slugify(entry.title)[:60].strip("-") or "entry"
    name = f"{stamp}-{slug}"
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name}-{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate + ".md"


def write_folder(entries: Iterable[EntryRecord], folder: Path) -> int:
    """One note per entry; its attachments beside it in ``attachments/<note name>/`` (the
    folder opens as an Obsidian vault, and imports back with them)."""
    taken: set[str] = set()
    count = 0
    for entry in entries:
        name = file_name(entry, taken)
        text = note(entry)
        files = entry.attachments
        if files:
            place = folder / "attachments" / name[:-3]
            place.mkdir(parents=True, exist_ok=True)
            for item in files:
                (place / item.name).write_bytes(item.data)
            text = _embeds_to(text, place.relative_to(folder).as_posix(), files)
        write_text(folder / name, text)
        count += 1
    return count


def _embeds_to(text: str, where: str, files: Iterable[RecordFile]) -> str:
    """``![[name]]`` written as ``![[attachments/<note>/name]]`` (unambiguous in a vault);
    files the text does not show are embedded at its end, so they come back on import."""
    shown = []
    for item in files:
        embed = f"![[{item.name}]]"
        if embed in text:
            text = text.replace(embed, f"![[{where}/{item.name}]]")
        else:
            shown.append(f"![[{where}/{item.name}]]")
    if shown:
        text = text.rstrip("\n") + "\n\nAttachments: " + " ".join(shown) + "\n"
    return text


def _attachment_line(entry: EntryRecord) -> str:
    if not entry.attachments:
        return ""
    names = ", ".join(item.name for item in entry.attachments)
    return f"\n*Attachments (kept in the journal, its backups and JSON exports): {names}*\n"


def write_single(entries: Iterable[EntryRecord], path: Path, title: str) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# {title}\n")
        for entry in entries:
            meta = [entry.created[:16].replace("T", " ")]
            if entry.tags:
                meta.append(" ".join("#" + t for t in entry.tags))
            if entry.mood is not None:
                meta.append(f"mood {int(entry.mood)}/5")
            if entry.starred:
                meta.append("starred")
            out.write(f"\n## {entry.title}\n\n*{' · '.join(meta)}*\n\n")
            out.write(_demote(entry.body.rstrip()) + "\n")
            out.write(_attachment_line(entry))
            out.write(_comments(entry, "###"))
            count += 1
    return count


_HEADING = re.compile(r"^(#{1,5})(\s)", re.MULTILINE)


def _demote(body: str) -> str:
    """Push an entry's own headings one level down, under its ``##`` title."""
    return _HEADING.sub(lambda m: "#" + m.group(1) + m.group(2), body)
