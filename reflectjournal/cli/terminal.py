"""Text for a terminal: other people's text must not drive it.

A received title or comment can hold escape sequences (``ESC [ 2 J`` clears the screen, OSC 8
makes links, OSC 52 writes the clipboard) or bidi overrides that reorder what is shown. Every
character in Unicode's control class (C0, DEL, C1) and the bidi controls is printed as a
visible escape (``\\x1b``, ``\\u202e``) instead; newlines and tabs stay.
"""

from __future__ import annotations

from typing import TextIO

# C0 except newline and tab, DEL and C1, and the bidi controls (ALM, LRM, RLM, LRE-RLO,
# LRI-PDI). str.translate with a table, not a regular expression: compiling the pattern was
# ~1 ms of every command line, and the table is quicker per line as well.
_UNSAFE = [
    *range(0x00, 0x09),
    *range(0x0B, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_VISIBLE = {c: f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}" for c in _UNSAFE}
_VISIBLE_KEEP_CR = {c: v for c, v in _VISIBLE.items() if c != 0x0D}
_JSON = {c: f"\\u{c:04x}" for c in _UNSAFE}


def escape(text: str, *, keep_cr: bool = False) -> str:
    return text.translate(_VISIBLE_KEEP_CR if keep_cr else _VISIBLE)


def escape_json(document: str) -> str:
    """JSON text with C1 and bidi controls (left raw by ``ensure_ascii=False``) as \\u escapes,
    so the document stays valid JSON and safe on a terminal."""
    return document.translate(_JSON)


class SafeStream:
    """A text stream that escapes control characters in everything written through it."""

    def __init__(self, stream: TextIO, *, keep_cr: bool = False):
        self._stream = stream
        self._keep_cr = keep_cr

    def write(self, text: str) -> int:
        self._stream.write(escape(text, keep_cr=self._keep_cr))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
