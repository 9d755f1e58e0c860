"""Text for a terminal: other people's text must not drive it.

A received title or comment can hold escape sequences (``ESC [ 2 J`` clears the screen, OSC 8
makes links, OSC 52 writes the clipboard) or bidi overrides that reorder what is shown. Every
character in Unicode's control class (C0, DEL, C1) and the bidi controls is printed as a
visible escape (``\\x1b``, ``\\u202e``) instead; newlines and tabs stay.
"""

from __future__ import annotations

import re
from typing import TextIO

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_KEEP_CR = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: str, *, keep_cr: bool = False) -> str:
    return (_UNSAFE_KEEP_CR if keep_cr else _UNSAFE).sub(_visible, text)


def escape_json(document: str) -> str:
    """JSON text with C1 and bidi controls (left raw by ``ensure_ascii=False``) as \\u escapes,
    so the document stays valid JSON and safe on a terminal."""
    return _UNSAFE.sub(_json_escape, document)


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
