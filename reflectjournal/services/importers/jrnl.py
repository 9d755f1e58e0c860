"""jrnl journals: every layout jrnl has written, plain or encrypted.

* the plain-text file (jrnl 2-4, ``[date] Title`` lines) and jrnl 1.x's unbracketed
  ``date Title`` lines;
* encrypted files of jrnl 1.x, 2.x and 3.x (see ``jrnl_crypto``), decrypted in memory with
  the jrnl password;
* folder journals, by jrnl's own rules: only ``YYYY/MM/DD.txt`` files of real dates are read,
  and the file's date is the entry's date (other files are reported, not imported);
* ``jrnl --export json`` and ``jrnl --export markdown`` documents.

Dates are read as the user wrote them (``jrnl_dates``): the ``timeformat`` of this journal in
the user's jrnl configuration when it names the file, else ``--date-format``'s, else the
common layouts are recognised.

The reading rules follow jrnl's own parser, so an entry gets the title, body, star and tags
jrnl shows for it:

* the title is the date line's text (jrnl splits off the first sentence when it writes the
  file); the body is the rest, trimmed; an entry of one line with no newline after it is split
  at its first sentence, as jrnl does;
* a ``*`` ending the first line (jrnl writes `` *``) stars the entry; so does one right
  after the date (``[…] * Title``);
* tags are ``@word`` or ``#word`` after whitespace, anywhere in the entry;
* a bracket at the start of a line that starts like a date but cannot be read skips that
  entry (with its line number) rather than joining it to the one before; other brackets
  (``[x] done``, ``[1] footnote``) are text, as in jrnl.

Plain files are read line by line (and scanned once first, to choose the layout and count
entries), so a large journal is never held in memory whole; an encrypted one must be, since
its ciphertext is one token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from pathlib import Path

from reflectjournal.errors import ImportFailed

from . import jrnl_crypto
from .jrnl_config import JrnlSettings, settings_for
from .jrnl_dates import DATEISH, DateReader, OrderEvidence, Stamp, check_format
from .jrnl_json import iter_jrnl_json
from .records import (
    ImportedEntry,
    Item,
    ParseResult,
    Skipped,
    Source,
    dedupe_tags,
    local_timezone,
    streamed_file,
)
from .safety import MAX_FILE_BYTES, open_capped, read_bytes_capped, safe_walk

_BRACKET_LINE = re.compile(r"^\[([^\]\n]*)\](?: (.*)|\s*)$")
_LEGACY_START = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}")
_MD_YEAR = re.compile(r"^# \d{4}$")
_MD_MONTH = re.compile(r"^## [^\W\d_]+$")
_MD_ENTRY = re.compile(r"^(#{1,3}) (.*)$")
_MD_BODY_HEADING = re.compile(r"^(#+) ")
_DAY_FILE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})\.txt$")
# The tag pattern jrnl uses with its default tag symbols "#@": (?<!\S)[#@]([-+*#/\w]+).
# Written with the symbol first, so the regex engine skips ahead to the next "#" or "@"
# instead of trying a match at every character (3x faster on a journal's text); the
# lookbehind then says the same: what came before the symbol is not a non-space.
TAG_PATTERN = re.compile(r"[#@](?<!\S[#@])([-+*#/\w]+)")
# Where jrnl ends a first sentence: a terminal, optional closing quote/bracket, then space;
# or a CJK full stop, which needs no space.
_SENTENCE_END = re.compile(
    "([.!?\u2026\u203c\u203d\u2047\u2048\u2049\u22ef\ufe52\ufe57]"
    "['\u2019\"\u201d]?[\\])]*\\s+)|[\uff01\uff0e\uff1f\uff61\u3002]"
)
_CHUNK = 1024 * 1024


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
    stamp: Stamp
    first: str
    rest: list[str] = field(default_factory=list)


def _finish(p: _Pending, where: str) -> ImportedEntry | Skipped:
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
        return Skipped(where, "the entry is empty")
    return ImportedEntry(
        title=title,
        body=body,
        created=p.stamp.when,
        tags=tags_in(p.first + "\n" + "\n".join(p.rest)),
        starred=starred,
        note=p.stamp.note,
        where=where,
    )


# --- lines ----------------------------------------------------------------------------------


def file_chunks(path: Path, name: str) -> Iterator[str]:
    """The text of a UTF-8 file in blocks of whole lines (line ends made ``\\n``, the last
    one of each block dropped), read a megabyte at a time; a bad byte stops the import with
    its offset."""
    offset = 0  # of the first byte not yet decoded
    carry = b""
    with open_capped(path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            data = carry + chunk
            if chunk:
                cut = data.rfind(b"\n") + 1  # whole lines only; UTF-8 never splits at \n
                if not cut:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            if not offset and data.startswith(b"\xef\xbb\xbf"):
                data, offset = data[3:], 3
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    f"{name} is not UTF-8 text (unreadable byte at offset "
                    f"{offset + exc.start}); save it as UTF-8 and import it again."
                ) from None
            offset += len(data)
            if chunk:
                text = text[:-1]  # the final newline: the next block starts a new line
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            yield text
            if not chunk:
                return


def text_chunks(text: str) -> Iterator[str]:
    """:func:`file_chunks` for text already in memory (a decrypted journal)."""
    text = text.removeprefix("\ufeff")
    start = 0
    while start <= len(text):
        end = text.find("\n", start + _CHUNK)
        block = text[start:] if end < 0 else text[start:end]
        if "\r" in block:
            block = block.replace("\r\n", "\n").replace("\r", "\n")
        yield block
        if end < 0:
            return
        start = end + 1


def lines_of(chunks: Iterator[str]) -> Iterator[str]:
    for block in chunks:
        yield from block.split("\n")


# --- the plain-text layouts -----------------------------------------------------------------


@dataclass
class _Scan:
    layout: str  # "bracket", "legacy" or "markdown"
    total: int
    reader: DateReader


# Each begins with a literal newline (the block is given one in front), which lets the regular
# expression engine jump between candidates instead of trying every position.
_SCAN_BRACKET = re.compile(r"\n\[([^\]\n]*)\](?: [^\n]*|[^\S\n]*)$", re.M)
_SCAN_LEGACY = re.compile(r"\n(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}[^\n]*)")
_SCAN_DIGIT = re.compile(r"\n(\d[^\n]*)")
_SCAN_HEADING = re.compile(r"\n#{1,3} ([^\n]*)$", re.M)
_SCAN_FIRST = re.compile(r"^[^\n]*\S[^\n]*$", re.M)


def _scan(chunks: Iterator[str], name: str, tz: tzinfo, fmt: str | None) -> _Scan:
    """One pass to choose the layout, settle day/month order and count entries (by regular
    expressions over whole blocks: this pass costs a fraction of the parse)."""
    plain = DateReader(tz, fmt)
    brackets = legacy = headings = 0
    evidence = OrderEvidence()
    first_text: str | None = None
    for block in chunks:
        block = "\n" + block
        if first_text is None:
            found = _SCAN_FIRST.search(block)
            first_text = found.group(0) if found else None
        for match in _SCAN_BRACKET.finditer(block):
            blob = match.group(1)
            if DATEISH.match(blob) or plain.read(blob):
                brackets += 1
                evidence.see(blob)
        if not brackets:
            for match in (_SCAN_DIGIT if fmt else _SCAN_LEGACY).finditer(block):
                line = match.group(1)
                if not fmt or plain.read_prefix(line):
                    legacy += 1
                    evidence.see(line)
        if "#" in block:
            for match in _SCAN_HEADING.finditer(block):
                if plain.read_prefix(match.group(1)):
                    headings += 1
                    evidence.see(match.group(1))
    markdown = first_text is not None and bool(_MD_YEAR.match(first_text.strip()))
    if markdown and headings:
        layout, total = "markdown", headings
    elif brackets:
        layout, total = "bracket", brackets
    elif legacy:
        layout, total = "legacy", legacy
    elif headings and first_text is not None and first_text.startswith("# "):
        layout, total = "markdown", headings  # one entry of a multi-file Markdown export
    else:
        raise ImportFailed(
            f"No jrnl entries were found in {name}; each entry must start with a line like "
            "'[2024-01-05 08:30] Title' (give --date-format if the dates are written otherwise)."
        )
    order = None if fmt else evidence.order(name)
    return _Scan(layout, total, DateReader(tz, fmt, order))


def _entries(lines: Iterator[str], scan: _Scan, prefix: str = "") -> Iterator[Item]:
    reader = scan.reader
    pending: _Pending | None = None
    preamble: list[int] = []
    skipping = False
    md = scan.layout == "markdown"

    def header(line: str) -> tuple[str, str] | None:
        """(date text, first line) of an entry, or None for text."""
        if scan.layout == "bracket":
            if not line.startswith("["):
                return None
            match = _BRACKET_LINE.match(line)
            if not match:
                return None
            blob = match.group(1)
            if not DATEISH.match(blob) and reader.read(blob) is None:
                return None
            return blob, match.group(2) or ""
        if md:
            if not line.startswith("#"):
                return None
            match = _MD_ENTRY.match(line)
            return (match.group(2), "") if match and reader.read_prefix(match.group(2)) else None
        if not line[:1].isdigit():
            return None
        found = reader.read_prefix(line)
        return (line, "") if found else None

    # Only lines starting with these characters can start an entry; the rest are body text
    # and take the short path (most lines of a journal).
    starts = {"bracket": "[", "markdown": "#"}.get(scan.layout, "0123456789")
    for number, line in enumerate(lines, start=1):
        if not line or line[0] not in starts:
            if pending is not None:
                pending.rest.append(line)
            elif not skipping and line.strip():
                preamble.append(number)
            continue
        if md and (_MD_YEAR.match(line) or _MD_MONTH.match(line)):
            continue  # the export's year and month headings (body headings were pushed down)
        found = header(line)
        if found is None:
            if pending is not None:
                if md:  # the export pushed body headings down by the entry's level
                    heading = _MD_BODY_HEADING.match(line)
                    if heading and len(heading.group(1)) > 3:
                        line = line[3:]
                pending.rest.append(line)
            elif not skipping and line.strip():
                preamble.append(number)
            continue
        if pending is not None:
            yield _finish(pending, f"{prefix}line {pending.line}")
        elif preamble:  # the text before the first entry ends here
            yield _preamble(preamble, prefix)
            preamble = []
        pending = None
        blob, first = found
        if scan.layout == "bracket":
            stamp = reader.read(blob)
        else:
            split = reader.read_prefix(blob)
            stamp, first = (split[0], split[1].rstrip()) if split else (None, "")
        if stamp is None:
            skipping = True
            shown_ = blob.strip()[:40]
            reason = (
                f"the date '{shown_}' could be day-first or month-first (give --date-format)"
                if reader.ambiguous(blob)
                else f"the date '{shown_}' could not be read"
            )
            yield Skipped(f"{prefix}line {number}", reason)
            continue
        skipping = False
        pending = _Pending(number, stamp, first)
    if pending is not None:
        yield _finish(pending, f"{prefix}line {pending.line}")
    if preamble:
        yield _preamble(preamble, prefix)


def _preamble(lines: list[int], prefix: str) -> Skipped:
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
    return Skipped(prefix + where, "text before the first dated entry")


def _text_source(
    chunks: Callable[[], Iterator[str]], name: str, tz: tzinfo, fmt: str | None, prefix: str = ""
) -> Source:
    scan = _scan(chunks(), name, tz, fmt)
    return Source(_entries(lines_of(chunks()), scan, prefix), scan.total)


def parse_jrnl_text(
    text: str, tz: tzinfo | None = None, *, date_format: str | None = None
) -> ParseResult:
    """Entries of a plain-text jrnl journal; naive times are read in ``tz`` (default: local).

    Raises ImportFailed for an encrypted journal (without its password) or text with no jrnl
    entry in it. An entry whose date line cannot be read is skipped whole, with its line.
    """
    version = jrnl_crypto.encryption_of(text.strip().encode("utf-8", "surrogatepass")[:8192])
    if version == "2.x" or text.startswith("JRNLv3"):
        raise jrnl_crypto.JrnlPasswordNeeded(jrnl_crypto.needs_password_message(version or "3.x"))
    tz = tz or local_timezone()
    source = _text_source(lambda: text_chunks(text), "the journal", tz, date_format)
    return ParseResult.collect(source.items)


# --- JSON exports, folders, and choosing ---------------------------------------------------


def parse_jrnl_json(
    data: bytes, tz: tzinfo | None = None, *, name: str = "The jrnl export"
) -> ParseResult:
    """Entries of a ``jrnl --export json`` document (``{"tags": {…}, "entries": [{"title",
    "body", "date": "YYYY-MM-DD", "time": "HH:MM", "tags", "starred", "uuid"?}]}``)."""
    import io

    return ParseResult.collect(iter_jrnl_json(io.BytesIO(data), tz or local_timezone(), name))


def open_jrnl(
    path: Path,
    tz: tzinfo | None = None,
    *,
    password: str | None = None,
    date_format: str | None = None,
    settings: JrnlSettings | None = None,
) -> Source:
    """A jrnl journal at ``path`` as a streaming :class:`Source` (see the module notes)."""
    path = Path(path)
    tz = tz or local_timezone()
    settings = settings if settings is not None else settings_for(path)
    fmt = check_format(date_format) if date_format else settings.timeformat
    if path.is_dir():
        return _folder_source(path, tz, fmt)
    with open_capped(path) as handle:
        head = handle.read(8192)
        size = handle.seek(0, 2)
    version = jrnl_crypto.encryption_of(head, settings.encrypt) if size else None
    if version == "1.x" and size > len(head):
        version = jrnl_crypto.encryption_of(read_bytes_capped(path), settings.encrypt)
    if version is not None:
        data = read_bytes_capped(path, MAX_FILE_BYTES)
        text = jrnl_crypto.decrypt(data, password, version)
        del data
        return _text_source(lambda: text_chunks(text), path.name, tz, fmt)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return streamed_file(
            lambda: open_capped(path), lambda h: iter_jrnl_json(h, tz, path.name), size
        )
    return _text_source(lambda: file_chunks(path, path.name), path.name, tz, fmt)


def parse_jrnl(
    path: Path,
    tz: tzinfo | None = None,
    *,
    password: str | None = None,
    date_format: str | None = None,
    settings: JrnlSettings | None = None,
) -> ParseResult:
    """:func:`open_jrnl`, gathered into lists."""
    source = open_jrnl(path, tz, password=password, date_format=date_format, settings=settings)
    return ParseResult.collect(source.items)


def _folder_source(folder: Path, tz: tzinfo, fmt: str | None) -> Source:
    walk = safe_walk(folder, include=lambda p: p.suffix.lower() == ".txt")
    days: list[tuple[Path, str, tuple[int, int, int]]] = []
    ignored: list[Skipped] = list(walk.skipped)
    for file in walk.files:
        rel = file.relative_to(folder).as_posix()
        match = _DAY_FILE.match(rel)
        date = (int(match[1]), int(match[2]), int(match[3])) if match else None
        if date is None or not _real_date(*date):
            ignored.append(Skipped(rel, "not a jrnl day file (YYYY/MM/DD.txt), which jrnl ignores"))
            continue
        days.append((file, rel, date))
    if not days:
        raise ImportFailed(
            f"{folder.name} contains no jrnl day files; a jrnl folder journal keeps each day in "
            "YYYY/MM/DD.txt."
        )

    def items() -> Iterator[Item]:
        yield from ignored
        for file, rel, (year, month, day) in days:
            try:
                source = _text_source(partial(file_chunks, file, rel), rel, tz, fmt, f"{rel} ")
                for item in source.items:
                    if isinstance(item, ImportedEntry):
                        # The file's place is the entry's date, as in jrnl (its #2006).
                        item.created = item.created.replace(year=year, month=month, day=day)
                    yield item
            except ImportFailed as exc:
                yield Skipped(rel, str(exc))
            progress[0] += 1

    progress = [0]
    return Source(items(), len(days), done=lambda: progress[0])


def _real_date(year: int, month: int, day: int) -> bool:
    from datetime import date

    try:
        date(year, month, day)
        return True
    except ValueError:
        return False
