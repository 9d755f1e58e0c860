"""Turning whatever a person types into a safe FTS5 query.

Raw text is never passed to MATCH: FTS5 syntax (quotes, ``NEAR(``, ``col:``, ``*``, ``^``,
``AND/OR/NOT``) would either raise or change the meaning. Each word becomes a quoted prefix
term, and terms are ANDed, which is what a search box is expected to do.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 32


def phrase_query(text: str) -> str | None:
    """An FTS5 phrase: ``text``'s words, in order, next to each other (or None)."""
    words = [w for word in _WORD.findall(text or "") for w in word.replace("_", " ").split()]
    if not words:
        return None
    return '"' + " ".join(w.replace('"', '""') for w in words[:MAX_TERMS]) + '"'


def to_match_query(text: str) -> str | None:
    """An FTS5 expression for ``text``, or None when it holds nothing searchable."""
    terms = []
    for word in _WORD.findall(text or ""):
        word = word.replace("_", " ").strip()
        if not word:
            continue
        for part in word.split():
            quoted = '"' + part.replace('"', '""') + '"*'
            if quoted not in terms:
                terms.append(quoted)
        if len(terms) >= MAX_TERMS:
            break
    return " ".join(terms[:MAX_TERMS]) or None
