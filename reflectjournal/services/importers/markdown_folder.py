"""A folder of Markdown notes (Obsidian vault, Logseq graph, plain notes), read recursively.

Each ``*.md``/``*.markdown`` file is one entry. Hidden files and folders (``.obsidian``,
``.trash``), Logseq's ``logseq/bak`` and ``logseq/version-files``, and symbolic links are
not read.

Front matter: a first line ``---``, then ``key: value`` lines, closed by ``---`` (or ``...``).
It is read by a small strict parser for this subset of YAML (every accepted form means the
same thing in YAML)::

    title: Handover after a hard night     plain, 'single' or "double" quoted text
    date: 2024-03-31 07:45                 YYYY-MM-DD, with optional time, seconds, offset or Z
    tags: [Burnout, "workforce pressures"] a flow list of plain or quoted items, or
    tags:                                  a block list of "- item" lines, or
      - Burnout
    tags: burnout, resilience              a comma-separated string
    mood: 2                                whole numbers 1-5
    energy: 4
    starred: true                          true/false (yes/no)

Blank lines and ``# comments`` are allowed, and ``" #"`` starts a comment after a plain
value, as in YAML. ``created`` is read as ``date`` and ``tag`` as ``tags``. Other keys are
ignored with whatever is indented under them. For the keys above, anything outside the
subset (block scalars ``|``/``>``, nested maps, anchors, ``{…}``), a duplicated key, a date
that does not parse or a mood outside 1-5 skips the note with the line named. Logseq page
properties (``title:: …``, ``tags:: a, [[b c]]`` lines at the top) are read the same way.

Without front matter: the date comes from a ``YYYY-MM-DD`` (or ``YYYY_MM_DD``) file name,
else the file's modification time; the title from the first ``# heading``, else the file
name. Date-only values are placed at 09:00 local time. Inline ``#tags`` and Logseq
``#[[multi word]]`` tags are collected from the body, except in code, URLs, link targets and
HTML entities; ``# Heading`` is not a tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from pathlib import Path

from reflectjournal.errors import ImportFailed

from .records import (
    ImportedEntry,
    Item,
    ParseResult,
    Skipped,
    Source,
    dedupe_tags,
    in_range,
    local_timezone,
    localise,
)
from .safety import (
    MAX_NOTE_BYTES,
    advise_ahead,
    decode_strict,
    read_capped_with_mtime,
    shown,
    walk_names,
)
from .vault_links import ASSET_SUFFIXES, VaultIndex, resolve_note, suffix_of

MARKDOWN_SUFFIXES = {".md", ".markdown"}
DEFAULT_TIME = time(9, 0)

# The value (group 2) is taken greedily and right-stripped where it is read: the same text as
# a lazy "(.*?)\s*$", without trying the end of the line after every character (7x faster).
_KEY_LINE = re.compile(r"^([A-Za-z_][\w -]*?)\s*:(?:\s+(.*))?$")
_LIST_ITEM = re.compile(r"^\s*-(?:\s+(.*?))?\s*$")
_LOGSEQ_PROP = re.compile(r"^([A-Za-z][\w-]*):: ?(.*?)\s*$")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)")
_H1 = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_URLISH = re.compile(
    r"<[^>\s]+>|\]\([^)]*\)|\b[a-zA-Z][\w+.-]*://\S+|\bwww\.\S+|&#\w+;"
    r"|(?<!#)\[\[[^\[\]\n]*\]\]"  # wikilinks (not Logseq #[[tags]]): [[Note#Heading]] names a heading, not a tag
)
# Colour codes (#ff0000, #fff, #336699cc) are not tags: hex of a colour's length with a digit
# in it, or one letter repeated (#fff, #FFFFFF).
_COLOUR = re.compile(
    r"(?i)(?=[a-f]*[0-9])[0-9a-f]{3}(?:[0-9a-f](?:[0-9a-f]{2}(?:[0-9a-f]{2})?)?)?|([a-f])\1{2}(?:\1{3})?"
)
_INLINE_TAG = re.compile(r"(?<![\w/&#\\])#(?:\[\[([^\]\n]+)\]\]|([\w/-]+))")
_WIKILINK = re.compile(r"^\[\[(.*)\]\]$")

_ALIASES = {"created": "date", "tag": "tags"}
_READ_KEYS = {"title", "date", "tags", "mood", "energy", "starred"}
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_UNSUPPORTED_STARTS = frozenset("|>{&*!%@`")
_COMMENT = re.compile(r"\s+#")
_PLAIN_DOUBLE_QUOTED = re.compile(r'"([^"]*)"(\s+#.*)?')


class _BadNote(Exception):
    """A note that cannot be imported; str() is the reason."""


# --- front matter ----------------------------------------------------------------------------


def _scalar(raw: str, line: int) -> str:
    """A plain or quoted YAML scalar from the subset."""
    raw = raw.strip()
    if raw.startswith('"'):
        if "\\" not in raw:  # nothing escaped (most titles): the text between the quotes
            plain = _PLAIN_DOUBLE_QUOTED.fullmatch(raw)
            if plain:
                return plain.group(1)
        match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(\s+#.*)?', raw)
        if not match:
            raise _BadNote(f"front matter line {line}: the quoted text is not closed")
        escapes = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "/": "/"}
        out, chars = [], iter(match.group(1))
        for ch in chars:
            if ch == "\\":
                nxt = next(chars)
                if nxt not in escapes:
                    raise _BadNote(f"front matter line {line}: unsupported escape \\{nxt}")
                out.append(escapes[nxt])
            else:
                out.append(ch)
        return "".join(out)
    if raw.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')*)'(\s+#.*)?", raw)
        if not match:
            raise _BadNote(f"front matter line {line}: the quoted text is not closed")
        return match.group(1).replace("''", "'")
    if raw[:1] in _UNSUPPORTED_STARTS:
        raise _BadNote(
            f"front matter line {line}: '{raw[:1]}' values are not supported; "
            "use plain text, quotes or a list"
        )
    value = _COMMENT.split(raw, maxsplit=1)[0].strip() if "#" in raw else raw
    if ": " in value or value.endswith(":"):
        raise _BadNote(f"front matter line {line}: put text containing ': ' in quotes")
    return value


def _flow_list(raw: str, line: int) -> list[str]:
    """``[a, "b c", 'd']``: a flow list of scalars, nothing nested."""
    text = raw.strip()
    if '"' not in text and "'" not in text:
        # Nothing quoted (most lists): the items are what lies between the commas, as the
        # loop below would find them; anything else (nesting, no ']') is left to the loop.
        end = text.find("]", 1)
        inner = text[1:end]
        if end != -1 and "[" not in inner and "{" not in inner:
            rest = text[end + 1 :].strip()
            if rest and not rest.startswith("#"):
                raise _BadNote(f"front matter line {line}: unexpected text after the list")
            return [
                s for s in (_scalar(item, line) for item in inner.split(",") if item.strip()) if s
            ]
    items: list[str] = []
    current: list[str] = []
    quote: str | None = None
    i = 1
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if quote == '"' and ch == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif ch == quote and quote == "'" and text[i + 1 : i + 2] == "'":
                current.append("'")
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'" and not "".join(current).strip():
            quote = ch
            current.append(ch)
        elif ch in "[{":
            raise _BadNote(f"front matter line {line}: nested lists are not supported")
        elif ch == ",":
            items.append("".join(current))
            current = []
        elif ch == "]":
            items.append("".join(current))
            rest = text[i + 1 :].strip()
            if rest and not rest.startswith("#"):
                raise _BadNote(f"front matter line {line}: unexpected text after the list")
            return [s for s in (_scalar(item, line) for item in items if item.strip()) if s]
        else:
            current.append(ch)
        i += 1
    raise _BadNote(f"front matter line {line}: the list is not closed with ']'")


@dataclass
class _Field:
    line: int
    value: str | list[str]


@dataclass
class _Front:
    fields: dict[str, _Field] = field(default_factory=dict)
    body_start: int = 0  # index of the first body line


def _front_matter(lines: list[str]) -> _Front:
    """Parse a leading ``---`` block (or Logseq ``key:: value`` lines); see the module notes."""
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in {"---", "..."}), None)
        if end is not None:
            return _yaml_block(lines[1:end], first_line=2, body_start=end + 1)
    front = _Front()
    i = 0
    while i < len(lines) and (match := _LOGSEQ_PROP.match(lines[i].lstrip("- ").rstrip())):
        key = _ALIASES.get(match.group(1).lower(), match.group(1).lower())
        if key in _READ_KEYS:
            _put(front, key, _Field(i + 1, match.group(2)))
        i += 1
    if front.fields or i:
        front.body_start = i
    return front


def _put(front: _Front, key: str, value: _Field) -> None:
    if key in front.fields:
        raise _BadNote(f"front matter line {value.line}: '{key}' is given twice")
    front.fields[key] = value


def _yaml_block(block: list[str], first_line: int, body_start: int) -> _Front:
    front = _Front(body_start=body_start)
    i = 0
    while i < len(block):
        number, text = first_line + i, block[i]
        i += 1
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if text[0] in " \t":
            raise _BadNote(f"front matter line {number}: unexpected indentation")
        match = _KEY_LINE.match(text)
        if not match:
            raise _BadNote(f"front matter line {number} is not 'key: value'")
        name = match.group(1).strip().lower()
        key = _ALIASES.get(name, name)
        raw = (match.group(2) or "").rstrip()
        # Lines under the key: indented, "- item" list entries, blanks and comments.
        children: list[tuple[int, str]] = []
        while i < len(block) and (
            not block[i].strip()
            or block[i][0] in " \t"
            or block[i].startswith("-")
            or block[i].lstrip().startswith("#")
        ):
            if block[i].strip() and not block[i].lstrip().startswith("#"):
                children.append((first_line + i, block[i]))
            i += 1
        if key not in _READ_KEYS:
            continue
        if raw.startswith("#"):
            raise _BadNote(
                f"front matter line {number}: a value starting with '#' is a YAML comment; "
                "put it in quotes"
            )
        if raw and children:
            if not raw.startswith("["):
                _scalar(raw, number)  # reports block scalars ("|", ">") before indentation
            raise _BadNote(f"front matter line {children[0][0]}: unexpected indentation")
        if children:
            items = []
            for child_line, child in children:
                item = _LIST_ITEM.match(child)
                if not item:
                    raise _BadNote(
                        f"front matter line {child_line}: only '- item' lists are supported "
                        f"under '{key}'"
                    )
                value = item.group(1) or ""
                if value.startswith(("[", "- ")) or _KEY_LINE.match(value):
                    raise _BadNote(
                        f"front matter line {child_line}: nested values are not supported"
                    )
                if value:
                    items.append(_scalar(value, child_line))
            _put(front, key, _Field(number, [s for s in items if s]))
        elif raw.startswith("["):
            _put(front, key, _Field(number, _flow_list(raw, number)))
        else:
            _put(front, key, _Field(number, _scalar(raw, number)))
    return front


def _text_field(front: _Front, key: str) -> str | None:
    item = front.fields.get(key)
    if item is None:
        return None
    if isinstance(item.value, list):
        raise _BadNote(f"front matter line {item.line}: '{key}' must be text, not a list")
    return item.value


def _tags_field(front: _Front) -> list[str]:
    item = front.fields.get("tags")
    if item is None:
        return []
    values = item.value if isinstance(item.value, list) else item.value.split(",")
    tags = []
    for value in values:
        value = value.strip().lstrip("#").strip()
        wiki = _WIKILINK.match(value)
        tags.append(wiki.group(1).strip() if wiki else value)
    return tags


def _scale_field(front: _Front, key: str) -> int | None:
    raw = _text_field(front, key)
    if raw is None or raw == "" or raw.lower() in {"null", "~"}:
        return None
    if not re.fullmatch(r"[1-5]", raw.strip()):
        line = front.fields[key].line
        raise _BadNote(f"front matter line {line}: {key} must be a whole number from 1 to 5")
    return int(raw)


def _date_field(front: _Front, tz: tzinfo) -> datetime | None:
    raw = _text_field(front, "date")
    if not raw:
        return None
    line = front.fields["date"].line
    try:
        when = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _BadNote(
            f"front matter line {line}: the date '{shown(raw)}' could not be read"
        ) from None
    if len(raw.strip()) == 10:  # a date alone
        when = datetime.combine(when.date(), DEFAULT_TIME)
    when = localise(when, tz) if when.tzinfo is None else when
    if not in_range(when):
        raise _BadNote(f"front matter line {line}: the date '{raw[:40]}' is out of range")
    return when


# --- body ------------------------------------------------------------------------------------


def inline_tags(body: str) -> list[str]:
    """``#tags`` and ``#[[multi word]]`` tags outside code, URLs and headings."""
    found: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        if "#" not in line:  # no tag can start here (most lines): skip the two substitutions
            continue
        line = _URLISH.sub(" ", _INLINE_CODE.sub(" ", line))
        for wiki, plain in _INLINE_TAG.findall(line):
            tag = wiki.strip() if wiki else plain.rstrip("/-")
            if not wiki and _COLOUR.fullmatch(tag):
                continue
            if tag and any(ch.isalpha() for ch in tag):
                found.append(tag)
    return found


def _title_from_heading(body_lines: list[str]) -> tuple[str | None, list[str]]:
    """The first level-1 heading outside code; removed from the body when it leads it."""
    fence: str | None = None
    first_content = next((i for i, line in enumerate(body_lines) if line.strip()), None)
    for i, line in enumerate(body_lines):
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0]:
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        heading = _H1.match(line)
        if heading:
            if i == first_content:
                return heading.group(1).strip(), body_lines[i + 1 :]
            return heading.group(1).strip(), body_lines
    return None, body_lines


# --- the folder ------------------------------------------------------------------------------


def _included(rel: str, name: str) -> bool:
    """Notes, and the images and PDFs notes may embed (read only when a note embeds them)."""
    suffix = suffix_of(name).lower()
    if suffix not in MARKDOWN_SUFFIXES and suffix not in ASSET_SUFFIXES:
        return False
    return not rel.startswith(("logseq/bak/", "logseq/version-files/"))


def parse_markdown_note(text: str, name: str, mtime: float, tz: tzinfo) -> ImportedEntry:
    """One note's entry; raises _BadNote with the reason it cannot be imported."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front = _front_matter(lines)
    body_lines = lines[front.body_start :]
    title = _text_field(front, "title")
    if not title:
        title, body_lines = _title_from_heading(body_lines)
    suffix = suffix_of(name)
    stem = name[: -len(suffix)] if suffix else name
    created = _date_field(front, tz)
    if created is None:
        match = _DATE_IN_NAME.search(stem)
        if match:
            try:
                day = datetime(int(match[1]), int(match[2]), int(match[3]))
                created = localise(datetime.combine(day.date(), DEFAULT_TIME), tz)
            except ValueError:
                created = None
        if created is None or not in_range(created):
            try:
                created = datetime.fromtimestamp(mtime, tz)
            except (ValueError, OverflowError, OSError):
                created = None
            # A clock that was wrong when the file was saved is no date for an entry.
            if created is None or not in_range(created):
                raise _BadNote(
                    "it has no date, and its modification time is not a believable one; "
                    "add 'date: YYYY-MM-DD' front matter"
                )
    body = "\n".join(body_lines).strip()
    if not body and not title:
        raise _BadNote("the note is empty")
    starred_raw = _text_field(front, "starred")
    starred = False
    if starred_raw:
        if starred_raw.lower() not in _BOOLEANS:
            line = front.fields["starred"].line
            raise _BadNote(f"front matter line {line}: starred must be true or false")
        starred = _BOOLEANS[starred_raw.lower()]
    return ImportedEntry(
        title=title or stem,
        body=body,
        created=created,
        tags=dedupe_tags(_tags_field(front) + inline_tags(body)),
        starred=starred,
        mood=_scale_field(front, "mood"),
        energy=_scale_field(front, "energy"),
    )


def parse_markdown_folder(path: Path, tz: tzinfo | None = None) -> ParseResult:
    """One entry per Markdown note under ``path``; naive dates read in ``tz`` (default local)."""
    return ParseResult.collect(open_markdown_folder(path, tz).items)


def open_markdown_folder(path: Path, tz: tzinfo | None = None) -> Source:
    """:func:`parse_markdown_folder` as a streaming source: one note read at a time.

    The folder is listed first (a note may link to any other, so every path must be known
    before the first note is resolved), as relative path strings; notes are then read, parsed
    and handed on one at a time."""
    root = Path(path)
    tz = tz or local_timezone()
    walk = walk_names(root, include=_included)
    notes = [rel for rel in walk.files if suffix_of(rel).lower() in MARKDOWN_SUFFIXES]
    assets = [rel for rel in walk.files if suffix_of(rel).lower() in ASSET_SUFFIXES]
    walk.files = []  # the two lists hold the same strings; the walk's own list can go
    index = VaultIndex(root, notes, assets)
    if not notes:
        raise ImportFailed(
            f"{root.name or root} contains no Markdown notes (*.md); choose the folder that "
            "holds them."
        )
    prefix = walk.prefix
    done = [0]

    def items() -> Iterator[Item]:
        yield from walk.skipped
        for number, rel in enumerate(notes):
            advise_ahead(prefix, notes, number)
            done[0] += 1
            try:
                data, mtime = read_capped_with_mtime(prefix + rel, MAX_NOTE_BYTES)
                text = decode_strict(data, rel)
                entry = parse_markdown_note(text, rel[rel.rfind("/") + 1 :], mtime, tz)
                entry.where = rel
                found = resolve_note(entry.body, rel, index)
                entry.body = found.body
                entry.links = found.links
                entry.unresolved_links = found.unresolved
                entry.attachments = found.attachments
                entry.attachments_skipped += found.attachments_refused
                yield entry
            except ImportFailed as exc:
                yield Skipped(rel, _reason(str(exc), rel))
            except (_BadNote, OSError) as exc:
                yield Skipped(rel, str(exc))

    return Source(items(), len(notes), done=lambda: done[0])


def _reason(message: str, rel: str) -> str:
    """An ImportFailed sentence about one file, turned into a reason for that file."""
    prefix = f"{rel} is "
    if message.startswith(prefix):
        return message[len(prefix) :].split(";")[0].rstrip(".")
    name_prefix = f"{Path(rel).name} is "
    if message.startswith(name_prefix):
        return message[len(name_prefix) :].split(";")[0].rstrip(".")
    return message
