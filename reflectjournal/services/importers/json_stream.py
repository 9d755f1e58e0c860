"""The entries of a large JSON export, one at a time.

Day One and jrnl export a whole journal as one JSON object, ``{…, "entries": [ {…}, … ]}``.
Loading it with ``json.loads`` holds the text and every entry at once (hundreds of MB for
100k entries); here the standard library's decoder reads one array element at a time from a
buffer that is refilled from the file, so memory stays at the size of one entry.

The same strictness as ``safety.load_json_strict``: UTF-8 only (a BOM is allowed), no
NaN/Infinity, bounded nesting, errors with line and column.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from reflectjournal.errors import ImportFailed

_CHUNK = 256 * 1024
#: The largest single entry (or other top-level value) we read.
MAX_ITEM_CHARS = 64 * 1024 * 1024
_WS = " \t\r\n"


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not allowed")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _Reader:
    def __init__(self, handle: IO[bytes], name: str):
        self.handle = handle
        self.name = name
        self.utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0
        self.bytes_read = 0
        self.started = False

    def fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(_CHUNK)
        self.bytes_read += len(chunk)
        try:
            text = self.utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"{self.name} is not UTF-8 text (unreadable byte at offset "
                f"{self.bytes_read - len(chunk) + exc.start}); save it as UTF-8 and import it again."
            ) from None
        if not self.started:
            text = text.removeprefix("\ufeff")
            self.started = True
        if not chunk:
            self.eof = True
        if self.pos:
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0
        self.buf += text
        return bool(chunk)

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return ""

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if not ch or ch not in chars:
            self.fail(f"expected {' or '.join(repr(c) for c in chars)}", self.pos)
        self.pos += 1
        return ch

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_ITEM_CHARS:
                    raise ImportFailed(
                        f"{self.name} holds an entry larger than an import accepts."
                    ) from None
                if self.fill():
                    continue
                self.fail(exc.msg, exc.pos)
            except RecursionError:
                raise ImportFailed(
                    f"{self.name} is nested too deeply to be a journal export."
                ) from None
            except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
                raise ImportFailed(f"{self.name} is not valid JSON ({exc}).") from None
            # A number cut at the buffer's end ("12" of "123") decodes; read on to be sure.
            if end == len(self.buf) and not self.eof and self.fill():
                continue
            self.pos = end
            return value

    def fail(self, message: str, at: int) -> None:
        line = self.lines_before + self.buf.count("\n", 0, at) + 1
        start = self.buf.rfind("\n", 0, at) + 1
        raise ImportFailed(
            f"{self.name} is not valid JSON (line {line}, column {at - start + 1}: {message})."
        )


def iter_array(handle: IO[bytes], key: str, name: str, *, missing: str) -> Iterator[Any]:
    """The elements of the top-level object's ``key`` array, read one at a time.

    ``missing`` is the sentence for a document that is not an object with that array.
    """
    reader = _Reader(handle, name)
    first = reader.peek()
    if first == "":
        raise ImportFailed(f"{name} is empty.")
    if first != "{":
        reader.value()  # a valid document of the wrong shape is "missing", not "invalid"
        raise ImportFailed(missing)
    reader.pos += 1
    found = False
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            name_at = reader.pos
            field = reader.value()
            if not isinstance(field, str):
                reader.fail("expected a property name", name_at)
            reader.expect(":")
            if field == key and reader.peek() == "[" and not found:
                found = True
                reader.pos += 1
                if reader.peek() == "]":
                    reader.pos += 1
                else:
                    while True:
                        yield reader.value()
                        if reader.expect(",]") == "]":
                            break
            else:
                reader.value()
            if reader.expect(",}") == "}":
                break
    if reader.peek() != "":
        reader.fail("extra data after the document", reader.pos)
    if not found:
        raise ImportFailed(missing)
