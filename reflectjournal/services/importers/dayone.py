"""Day One JSON exports: ``Journal.json`` (one file per journal) or the export ``.zip``.

Shape read: ``{"metadata": {...}, "entries": [{"uuid", "creationDate": "…Z",
"timeZone": "Europe/London", "text": markdown, "richText"?, "tags": [...], "starred",
"photos"/"videos"/"audios"/"pdfAttachments": [...]}]}``.

* ``created`` is ``creationDate`` (UTC) shown in the entry's own ``timeZone`` when that zone
  is known, otherwise in UTC; either way it is the same instant.
* Day One escapes Markdown punctuation it did not format (``sick\\.``, ``\\-``, ``\\(``,
  ``\\!``); the escapes are removed everywhere outside code, so the text reads as written.
* the title is the first non-blank line (a leading ``#`` heading marker removed); the body is
  the rest. A first line longer than
  120 characters is a paragraph, not a title: the title is then its first sentence and the
  body keeps the whole text.
* photos, videos, audio and PDFs are not imported: they are counted in
  ``attachments_skipped`` and their ``dayone-moment:`` references are taken out of the body.
* Day One Classic ``.dayone`` folders are read by ``dayone_classic``; not handled: location
  and weather.
* a ``.json`` export is read an entry at a time (``json_stream``), so a large journal is never
  held in memory whole; the members of a zip are unpacked into memory (capped) first.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import IO, Any

from reflectjournal.errors import ImportFailed
from reflectjournal.services.display import plural

from .json_stream import iter_array
from .records import (
    ImportedEntry,
    Item,
    ParseResult,
    Skipped,
    Source,
    dedupe_tags,
    in_range,
    streamed_file,
    zone_named,
)
from .safety import MAX_FILE_BYTES, open_capped, safe_zip_members, shown

_MOMENT = re.compile(r"!?\[[^\]\n]*\]\(dayone-moment:/{1,2}[^)\s]*\)")
_MOMENT_MARK = "dayone-moment:"  # in every match of _MOMENT
_EXTRA_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_HEADING = re.compile(r"^#{1,6}\s+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002](?:\s|$)")
_ATTACHMENT_KEYS = ("photos", "videos", "audios", "pdfAttachments")
TITLE_MAX = 120


def parse_dayone(path: Path) -> ParseResult:
    """Entries of a Day One export, given its ``.json``, its ``.zip`` or a Day One Classic
    ``.dayone`` folder."""
    return ParseResult.collect(open_dayone(path).items)


def open_dayone(path: Path) -> Source:
    """A Day One export as a streaming :class:`Source`."""
    path = Path(path)
    if path.is_dir():
        from .dayone_classic import open_dayone_classic

        return open_dayone_classic(path)
    if path.suffix.lower() == ".zip":
        result = _parse_zip(path)
        items: list[Item] = [*result.entries, *result.skipped]
        return Source(iter(items), len(items))
    with open_capped(path, MAX_FILE_BYTES) as handle:  # refused here if it cannot be read
        size = handle.seek(0, 2)
    return streamed_file(
        lambda: open_capped(path, MAX_FILE_BYTES), lambda h: _iter_json(h, path.name), size
    )


def _iter_json(handle: IO[bytes], name: str) -> Iterator[Item]:
    missing = f"{name} is not a Day One export: it has no list of entries."
    for index, item in enumerate(iter_array(handle, "entries", name, missing=missing), start=1):
        entry = _entry(item)
        if isinstance(entry, str):
            yield Skipped(f"entry {index}", entry)
        else:
            entry.where = f"entry {index}"
            yield entry


def _wanted(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return member.lower().endswith(".json") and not any(
        part.startswith(".") or part == "__MACOSX" for part in parts
    )


def _parse_zip(path: Path) -> ParseResult:
    members = sorted(safe_zip_members(path, want=_wanted), key=lambda m: m.name)
    result = ParseResult()
    journals = 0
    for member in members:
        try:
            part = parse_dayone_json(member.data, name=member.name)
        except ImportFailed as exc:
            result.skipped.append(Skipped(member.name, str(exc)))
            continue
        journals += 1
        result.entries.extend(part.entries)
        prefix = f"{member.name} " if len(members) > 1 else ""
        result.skipped.extend(Skipped(prefix + s.where, s.reason) for s in part.skipped)
    if not journals:
        raise ImportFailed(
            f"{path.name} holds no Day One journal; export from Day One as JSON and "
            "import that zip."
        )
    return result


def parse_dayone_json(data: bytes, *, name: str = "The Day One export") -> ParseResult:
    """Entries of one Day One journal JSON document."""
    return ParseResult.collect(_iter_json(io.BytesIO(data), name))


def _rich_text(value: object) -> str:
    """Plain text from Day One's ``richText`` JSON, used only when ``text`` is missing."""
    if not isinstance(value, str):
        return ""
    try:
        contents = json.loads(value).get("contents", [])
        return "".join(c["text"] for c in contents if isinstance(c.get("text"), str))
    except (ValueError, AttributeError, TypeError, RecursionError):
        return ""


def _created(item: dict[str, Any]) -> datetime | str:
    raw = item.get("creationDate")
    if not isinstance(raw, str):
        return "it has no creationDate"
    try:
        when = datetime.fromisoformat(raw.strip())
    except ValueError:
        return f"the creationDate '{shown(raw)}' could not be read"
    if when.tzinfo is None:  # Day One stores UTC
        when = when.replace(tzinfo=UTC)
    if not in_range(when):
        return f"the creationDate '{shown}' is out of range"
    zone = zone_named(item.get("timeZone"))
    return when.astimezone(zone) if zone is not None else when.astimezone(UTC)


_CODE = re.compile(r"(```.*?(?:```|\Z)|`[^`\n]*`)", re.S)
_ESCAPED = itemgetter(1)


def unescape(text: str) -> str:
    """Day One's backslash escapes removed, except inside code spans and fenced blocks."""
    if "\\" not in text:
        return text
    parts = _CODE.split(text)
    # itemgetter(1) hands back the escaped character from C; the template r"\1" is expanded in
    # Python for every match (1.5 million in a 100k-entry export: ~2 s).
    return "".join(p if i % 2 else _ESCAPE.sub(_ESCAPED, p) for i, p in enumerate(parts))


def split_title(text: str) -> tuple[str, str]:
    """Title and body from a Day One entry's Markdown (see the module notes)."""
    lines = text.strip("\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return "", ""
    first = lines[0].strip()
    heading = bool(_HEADING.match(first))
    plain = _HEADING.sub("", first).strip()
    if heading or len(plain) <= TITLE_MAX:
        return plain, "\n".join(lines[1:]).strip()
    match = _SENTENCE_END.search(plain)
    title = plain[: match.end()].strip() if match else plain
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "\u2026"
    return title, "\n".join(lines).strip()


def _entry(item: object) -> ImportedEntry | str:
    if not isinstance(item, dict):
        return "it is not a JSON object"
    created = _created(item)
    if isinstance(created, str):
        return created
    text = item.get("text")
    if text is None:
        text = _rich_text(item.get("richText"))
    if not isinstance(text, str):
        return "its text is not text"
    # The pattern cannot skip ahead (it may start with "!" or "["), so it is only run on text
    # that holds a moment at all: twice ~16 us per entry otherwise.
    refs = _MOMENT.findall(text) if _MOMENT_MARK in text else []
    if refs:
        text = _MOMENT.sub("", text)
    text = _EXTRA_BLANKS.sub("\n\n", text.replace("\r\n", "\n"))
    attached = sum(len(v) for k in _ATTACHMENT_KEYS if isinstance(v := item.get(k), list))
    attachments = max(attached, len(refs))
    title, body = split_title(unescape(text))
    if not title and not body:
        if attachments:
            return f"it has no text, only {plural(attachments, 'attachment')}, and attachments are not imported"
        return "the entry is empty"
    return finish_entry(item, ("tags", "starred", "uuid"), title, body, created, attachments)


def finish_entry(
    fields: dict[str, Any],
    keys: tuple[str, str, str],
    title: str,
    body: str,
    created: datetime,
    attachments: int,
) -> ImportedEntry | str:
    """The fields both Day One formats share (tags, starred, the entry's own id), read under
    each format's own key names; a reason to skip the entry, or the entry."""
    tags_key, starred_key, uuid_key = keys
    tags = fields.get(tags_key, [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return f"'{tags_key}' is not a list of text"
    starred = fields.get(starred_key, False)
    if not isinstance(starred, bool):
        return f"'{starred_key}' is not true or false"
    uuid = fields.get(uuid_key)
    return ImportedEntry(
        title=title,
        body=body,
        created=created,
        tags=dedupe_tags(tags),
        starred=starred,
        source_id=uuid if isinstance(uuid, str) and uuid else None,
        attachments_skipped=attachments,
    )
