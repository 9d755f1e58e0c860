"""jrnl journals: the plain-text file (jrnl 4 and the unbracketed 1.x layout) and the
``jrnl --export json`` document.

The reading rules follow jrnl 4.6's own parser, so an entry gets the title, body, star and
tags jrnl shows for it:

* an entry starts at a line ``[YYYY-MM-DD HH:MM(:SS)?( AM|PM)?] first line``; in a file with
  no such line, at ``YYYY-MM-DD HH:MM first line`` (jrnl 1.x);
* the title is that first line (jrnl splits off the first sentence when it writes the file);
  the body is the rest, trimmed; an entry of one line with no newline after it is split at
  its first sentence, as jrnl does;
* a ``*`` ending the first line (jrnl writes `` *``) stars the entry; so does one right
  after the date (``[…] * Title``);
* tags are ``@word`` or ``#word`` after whitespace, anywhere in the entry.

Deliberately not handled: custom jrnl ``timeformat`` settings other than ISO dates (such
entries are reported as skipped, with their line), natural-language dates, jrnl's
Markdown/YAML/XML exports and Day One classic journals, and encrypted journals, which are
refused with a message saying how to decrypt them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from reflectjournal.errors import ImportFailed

from .records import (
    ImportedEntry,
    ParseResult,
    Skipped,
    dedupe_tags,
    in_range,
    local_timezone,
    localise,
)
from .safety import (
    MAX_FILE_BYTES,
    decode_strict,
    load_json_strict,
    read_bytes_capped,
    safe_walk,
)

ENCRYPTED_MESSAGE = (
    "This jrnl journal is encrypted; decrypt it in jrnl first (jrnl --decrypt) "
    "and import the plain file."
)

#: jrnl's default hour and minute for a date given without a time.
DEFAULT_HOUR, DEFAULT_MINUTE = 9, 0

_BRACKET_LINE = re.compile(r"^\[([^\]\n]*)\](?: (.*)|\s*)$")
_LEGACY_LINE = re.compile(r"^(\d{1,4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2})(?: (.*)|\s*)$")
# A bracket blob that starts like a date: "[2024-13-40 …]", "[05/01/2024 08:30]". Lines
# such as "[x] done" or "[1] a footnote" are body text, as in jrnl.
_DATEISH = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:\s|T|$)")
_STAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$"
)
_FERNET = re.compile(r"gAAAAA[A-Za-z0-9_\-]+=*")
_FERNET_BYTES = re.compile(rb"\s*gAAAAA[A-Za-z0-9_\-]+=*\s*")
# The tag pattern jrnl uses with its default tag symbols "#@".
TAG_PATTERN = re.compile(r"(?<!\S)[#@]([-+*#/\w]+)")
# Where jrnl ends a first sentence: a terminal, optional closing quote/bracket, then space;
# or a CJK full stop, which needs no space.
_SENTENCE_END = re.compile(
    "([.!?\u2026\u203c\u203d\u2047\u2048\u2049\u22ef\ufe52\ufe57]"
    "['\u2019\"\u201d]?[\\])]*\\s+)|[\uff01\uff0e\uff1f\uff61\u3002]"
)


def looks_encrypted(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("JRNLv3") or bool(_FERNET.fullmatch(stripped))


def _bytes_look_encrypted(data: bytes) -> bool:
    if data.startswith(b"JRNLv3") or _FERNET_BYTES.fullmatch(data[:4096]):
        return True
    if len(data) >= 32 and len(data) % 16 == 0:  # jrnl 1.x: raw AES-CBC, IV first
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            # Ciphertext looks random; a text file in a legacy encoding is mostly ASCII.
            sample = data[:4096]
            texty = sum(1 for b in sample if 32 <= b < 127 or b in (9, 10, 13))
            return texty < 0.8 * len(sample)
    return False


def parse_stamp(blob: str, tz: tzinfo) -> datetime | None:
    """``YYYY-MM-DD[ HH:MM[:SS][ AM|PM]]`` as an aware time in ``tz``, or None."""
    match = _STAMP.match(blob.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, half = match.groups()
    h = DEFAULT_HOUR if hour is None else int(hour)
    m = DEFAULT_MINUTE if minute is None else int(minute)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "p" else 0)
    try:
        naive = datetime(int(year), int(month), int(day), h, m, int(second or 0))
    except ValueError:
        return None
    return localise(naive, tz) if in_range(naive) else None


def tags_in(text: str) -> list[str]:
    """``@tags``/``#tags`` as jrnl finds them, without the symbol; raw spelling kept."""
    found = [t for t in TAG_PATTERN.findall(text) if any(c.isalnum() for c in t)]
    return dedupe_tags(found)


def split_first_sentence(text: str) -> tuple[str, str]:
    match = _SENTENCE_END.search(text)
    if not match:
        return text.strip(), ""
    return text[: match.end()].strip(), text[match.end() :].strip()


def _star(first: str) -> tuple[str, bool]:
    """Strip a star marker from an entry's first line: trailing (jrnl) or leading ("* ")."""
    stripped = first.strip()
    if stripped == "*":
        return "", True
    # A trailing "*" is a star unless it closes emphasis ("I was *really*" or "**bold**").
    if stripped.endswith("*") and not stripped.endswith("**"):
        if stripped[:-1].count("*") % 2 == 0:
            return stripped[:-1].rstrip(), True
    if stripped.startswith("* "):
        return stripped[2:].lstrip(), True
    return stripped, False


@dataclass
class _Pending:
    line: int
    created: datetime
    first: str
    rest: list[str] = field(default_factory=list)


def _finish(p: _Pending) -> ImportedEntry | Skipped:
    first, starred = _star(p.first)
    if p.rest:  # the entry's text has a newline: the title is the whole first line
        body_lines = p.rest
        title = first
        if not title:  # "[date]" alone on its line: the title is the next non-blank line
            while body_lines and not body_lines[0].strip():
                body_lines = body_lines[1:]
            if body_lines:
                title, body_lines = body_lines[0].strip(), body_lines[1:]
        body = "\n".join(body_lines).strip()
    else:
        title, body = split_first_sentence(first)
    if not title and not body:
        return Skipped(f"line {p.line}", "the entry is empty")
    return ImportedEntry(
        title=title,
        body=body,
        created=p.created,
        tags=tags_in(p.first + "\n" + "\n".join(p.rest)),
        starred=starred,
    )


def parse_jrnl_text(text: str, tz: tzinfo | None = None) -> ParseResult:
    """Entries of a plain-text jrnl journal; naive times are read in ``tz`` (default: local).

    Raises ImportFailed for an encrypted journal or text with no jrnl entry in it. An entry
    whose date line cannot be read is skipped whole, with its line number.
    """
    if looks_encrypted(text):
        raise ImportFailed(ENCRYPTED_MESSAGE)
    tz = tz or local_timezone()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def bracket(line: str) -> tuple[str, str] | None:
        match = _BRACKET_LINE.match(line)
        if match and _DATEISH.match(match.group(1)):
            return match.group(1), match.group(2) or ""
        return None

    def legacy(line: str) -> tuple[str, str] | None:
        match = _LEGACY_LINE.match(line)
        return (match.group(1), match.group(2) or "") if match else None

    header = bracket if any(bracket(line) for line in lines) else legacy
    if header is legacy and not any(legacy(line) for line in lines):
        raise ImportFailed(
            "No jrnl entries were found; each entry must start with a line like "
            "'[2024-01-05 08:30] Title'."
        )

    result = ParseResult()
    pending: _Pending | None = None
    preamble: list[int] = []
    skipping = False

    def flush() -> None:
        if pending is not None:
            done = _finish(pending)
            (result.skipped if isinstance(done, Skipped) else result.entries).append(done)

    for number, line in enumerate(lines, start=1):
        found = header(line)
        if found is None:
            if pending is not None:
                pending.rest.append(line)
            elif not skipping and line.strip():
                preamble.append(number)
            continue
        flush()
        pending = None
        blob, first = found
        created = parse_stamp(blob, tz)
        if created is None:
            skipping = True
            result.skipped.append(
                Skipped(f"line {number}", f"the date '{blob.strip()}' could not be read")
            )
            continue
        skipping = False
        pending = _Pending(number, created, first)
    flush()
    if preamble:
        where = (
            f"line {preamble[0]}" if len(preamble) == 1 else (f"lines {preamble[0]}-{preamble[-1]}")
        )
        result.skipped.insert(0, Skipped(where, "text before the first dated entry"))
    return result


def _entry_from_json(item: object, tz: tzinfo) -> ImportedEntry | str:
    """One ``jrnl --export json`` entry, or the reason it cannot be imported."""
    if not isinstance(item, dict):
        return "it is not a JSON object"
    title, body = item.get("title", ""), item.get("body", "")
    if not isinstance(title, str) or not isinstance(body, str):
        return "its title or body is not text"
    date, time = item.get("date"), item.get("time", "")
    if not isinstance(date, str) or not isinstance(time, str):
        return "it has no date"
    created = parse_stamp(f"{date} {time}".strip(), tz)
    if created is None:
        return f"the date '{(date + ' ' + time).strip()}' could not be read"
    starred = item.get("starred", False)
    if not isinstance(starred, bool):
        return "'starred' is not true or false"
    listed = item.get("tags", [])
    if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
        return "'tags' is not a list of text"
    uuid = item.get("uuid")
    if not title.strip() and not body.strip():
        return "the entry is empty"
    tags = tags_in(title + "\n" + body) + [t.lstrip("#@") for t in listed]
    return ImportedEntry(
        title=title.strip(),
        body=body.strip(),
        created=created,
        tags=dedupe_tags(tags),
        starred=starred,
        source_id=uuid if isinstance(uuid, str) and uuid else None,
    )


def parse_jrnl_json(
    data: bytes, tz: tzinfo | None = None, *, name: str = "The jrnl export"
) -> ParseResult:
    """Entries of a ``jrnl --export json`` document (``{"tags": {…}, "entries": [{"title",
    "body", "date": "YYYY-MM-DD", "time": "HH:MM", "tags", "starred", "uuid"?}]}``).

    jrnl exports wall-clock times without a zone; they are read in ``tz`` (default: local).
    """
    if _bytes_look_encrypted(data):
        raise ImportFailed(ENCRYPTED_MESSAGE)
    document = load_json_strict(data, name)
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ImportFailed(f"{name} is not a jrnl JSON export: it has no list of entries.")
    tz = tz or local_timezone()
    result = ParseResult()
    for index, item in enumerate(document["entries"], start=1):
        entry = _entry_from_json(item, tz)
        if isinstance(entry, str):
            result.skipped.append(Skipped(f"entry {index}", entry))
        else:
            result.entries.append(entry)
    return result


def parse_jrnl(path: Path, tz: tzinfo | None = None) -> ParseResult:
    """A jrnl journal at ``path``: a plain-text journal file, a ``jrnl --export json`` file,
    or a jrnl folder journal (``YYYY/MM/DD.txt`` files)."""
    path = Path(path)
    tz = tz or local_timezone()
    if path.is_dir():
        return _parse_folder(path, tz)
    data = read_bytes_capped(path, MAX_FILE_BYTES)
    if _bytes_look_encrypted(data):
        raise ImportFailed(ENCRYPTED_MESSAGE)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return parse_jrnl_json(data, tz, name=path.name)
    return parse_jrnl_text(decode_strict(data, path.name), tz)


def _parse_folder(folder: Path, tz: tzinfo) -> ParseResult:
    walk = safe_walk(folder, include=lambda p: p.suffix.lower() == ".txt")
    if not walk.files:
        raise ImportFailed(f"{folder.name} contains no jrnl day files (*.txt).")
    result = ParseResult(skipped=list(walk.skipped))
    for file in walk.files:
        rel = str(file.relative_to(folder))
        try:
            part = parse_jrnl_text(decode_strict(read_bytes_capped(file), rel), tz)
        except ImportFailed as exc:
            result.skipped.append(Skipped(rel, str(exc)))
            continue
        result.entries.extend(part.entries)
        result.skipped.extend(Skipped(f"{rel} {s.where}", s.reason) for s in part.skipped)
    return result
